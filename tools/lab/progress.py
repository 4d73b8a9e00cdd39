"""Long steps that never go silent: a line at least every few seconds, the full output in a log.

``run(cmd, label, log)`` streams a command's output to ``log``, echoes the lines that matter
(``show`` decides; every line by default) and, when the command prints nothing for ``every``
seconds, a heartbeat naming the step, the time spent and the last thing it started.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

HEARTBEAT_S = float(os.environ.get("SITEKIT_LAB_HEARTBEAT", "5"))


def say(text: str) -> None:
    print(text, flush=True)


def run(cmd: list[str], label: str, log: Path, show: Callable[[str], str | None] | None = None,
        env: dict | None = None, every: float = HEARTBEAT_S, cwd: Path | None = None) -> int:
    """Run ``cmd``; return its exit code. ``show(line)`` returns the text to echo (None: nothing)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = last_out = time.monotonic()
    last_step = ""
    lines: queue.Queue = queue.Queue()
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd,
                                bufsize=1, errors="replace")
        reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout] + [lines.put(None)], daemon=True)
        reader.start()
        while True:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                line = ""
            if line is None:
                break
            now = time.monotonic()
            if line:
                sink.write(line)
                text = line.rstrip("\n")
                if text.startswith(("TASK [", "PLAY [", "RUNNING HANDLER [")):
                    last_step = text.split(" ***")[0]
                shown = show(text) if show else text
                if shown:
                    say(shown)
                    last_out = now
            if now - last_out >= every:
                say(f"  … {label}: {int(now - started)} s{f', at {last_step}' if last_step else ''}")
                last_out = now
        proc.wait()
    return proc.returncode


def ansible_lines(line: str) -> str | None:
    """What an operator follows of an ansible-playbook run: plays, tasks, failures, the recap."""
    if line.startswith(("PLAY [", "TASK [", "RUNNING HANDLER [")):
        return "  " + line.split(" ***")[0]
    if line.startswith(("fatal:", "failed:", "UNREACHABLE", "[ERROR]", "ERROR!")) or "UNREACHABLE!" in line:
        return "    " + line[:300]
    return None


class Phases:
    """Durations of the named phases of a run, in order."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str):
        phases = self

        class _Phase:
            def __enter__(self):
                say(f"=== {name}")
                self.t0 = time.monotonic()

            def __exit__(self, *exc):
                phases.seconds[name] = round(time.monotonic() - self.t0, 1)
                return False

        return _Phase()


def fail(message: str, code: int = 1) -> None:
    say(f"make lab: {message}")
    sys.exit(code)
