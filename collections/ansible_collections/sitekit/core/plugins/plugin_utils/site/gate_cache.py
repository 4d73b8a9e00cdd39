"""The site gate's verdicts across processes: one file per content key, so an unchanged inventory is not
validated again by every ``ansible``/``ansible-playbook`` process (plugins/vars/site_gate.py). site_validate's
outcome is kept the same way, under a key of its own purpose (outcome_cache.py).

The key hashes everything a verdict depends on, and a changed byte anywhere is another key (validated again):
every file and directory name and every file's bytes under each source (vault files included; a file source: the
file and the ``group_vars``/``host_vars`` beside it, what Ansible reads), each source as given and resolved, the
working directory, the whole sitekit.core collection (the code, schema and templates that compute the verdict; by
inode, size, mtime and ctime, which any write changes),
the Python version and the installed distributions (ansible-core, jsonschema…: their dist-info names carry the
versions), the ansible.cfg in use (path and bytes), the ``ANSIBLE_*``/``SITEKIT_*`` environment but for output,
connection and run-record settings (``_NOT_INPUTS``), and the ``-e`` extra vars (an ``@file``'s bytes). Files a
rule read outside the sources (``Sources.outside``: a GLPI certificate given by path) are kept with the verdict
and hashed again on every hit. Refusals are cached like acceptances; an inventory that could not be validated is
not. Nothing is cached for what Ansible would execute or query (an executable file, a ``plugin:`` inventory),
with a vars plugin other than host_group_vars enabled, or under ``-v`` (the summary counts warnings then).

The directory is ``$SITEKIT_GATE_CACHE_DIR`` (empty: no cache), else ``.cache/site_gate`` beside ansible.cfg,
else none.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from ansible_collections.sitekit.core.plugins.plugin_utils.site.loader_guard import MAX_VARS_ENTRIES

COLLECTION = Path(__file__).resolve().parents[3]
KEEP = 200  # entries kept (newest first) when the directory holds more than twice as many
_NOT_INPUTS = re.compile(
    r"ANSIBLE_(NOCOLOR|FORCE_COLOR|LOCAL_TEMP|REMOTE_TEMP|FACT_CACHING\w*|CACHE_PLUGIN\w*|"
    r"CALLBACK\w*|STDOUT_CALLBACK|LOAD_CALLBACK_PLUGINS|LOG_PATH|STRATEGY\w*|FORKS|TIMEOUT|"
    r"SSH_\w+|PIPELINING|HOST_KEY_CHECKING|RETRY_FILES_\w+|DISPLAY_\w+|PERSISTENT_\w+)$|"
    r"SITEKIT_(JOURNAL_DIR|RUN_LOG_DIR|RUN_ID|REPORT_HTML|GATE_CACHE_DIR|LAB_STRATEGY)$"
)
_OWN_VARS_PLUGINS = {"host_group_vars", "ansible.builtin.host_group_vars", "sitekit.core.site_gate"}
_PLUGIN_SOURCE = re.compile(rb"^plugin\s*:", re.M)


class NotCacheable(Exception):
    """The verdict depends on something the key cannot hash."""


def cache_dir(config_file: str | None) -> Path | None:
    if "SITEKIT_GATE_CACHE_DIR" in os.environ:
        return Path(os.environ["SITEKIT_GATE_CACHE_DIR"]) if os.environ["SITEKIT_GATE_CACHE_DIR"] else None
    return Path(config_file).resolve().parent / ".cache" / "site_gate" if config_file else None


def key(sources: tuple[str, ...], extra_vars, config_file: str | None, vars_plugins, purpose: str = "gate") -> str:
    """The content key of a verdict on ``sources``; NotCacheable when something it depends on cannot be hashed.
    ``purpose``: what is kept under it (the gate's verdict, site_validate's outcome), so one never reads the other's."""
    if not set(vars_plugins or ()) <= _OWN_VARS_PLUGINS:
        raise NotCacheable("another vars plugin is enabled")
    h = hashlib.sha256()
    part = lambda *items: [h.update(str(i).encode("utf-8", "surrogateescape") + b"\0") for i in items]  # noqa: E731
    part("v1", purpose, sys.version, sys.executable, os.getcwd())
    for source in sources:
        real = os.path.realpath(source)
        part("source", source, real)
        if os.path.isdir(real):
            _tree(part, real, inventory=True)
        else:
            _file(part, real, inventory=True)
            # Ansible reads the vars beside the source as given (a link to a file elsewhere included)
            for directory in dict.fromkeys((os.path.dirname(os.path.abspath(source)), os.path.dirname(real))):
                for beside in ("group_vars", "host_vars"):
                    _tree(part, os.path.join(directory, beside), inventory=True)
    _tree(part, str(COLLECTION), inventory=False)
    for entry in sys.path:
        if os.path.isdir(entry):
            part("path", entry, *sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info"))))
    if config_file:
        _file(part, config_file, inventory=False)
    part(
        "env",
        *sorted(
            f"{k}={v}"
            for k, v in os.environ.items()
            if k.startswith(("ANSIBLE_", "SITEKIT_")) and not _NOT_INPUTS.match(k)
        ),
    )
    for extra in extra_vars or ():
        part("extra", extra)
        if str(extra).startswith("@"):
            _file(part, str(extra)[1:], inventory=False)
    return h.hexdigest()


def _tree(part, root: str, inventory: bool) -> None:
    if not os.path.lexists(root):
        part("absent", root)
        return
    seen = set()
    entries = 0
    for top, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:
            raise NotCacheable(f"a directory link loop at {top}")
        seen.add(real)
        entries += len(dirs) + len(files)
        if inventory and entries > 10 * MAX_VARS_ENTRIES:  # a link to a large tree (/): not hashed file by file
            raise NotCacheable(f"more than {10 * MAX_VARS_ENTRIES} entries under {root}")
        dirs[:] = sorted(d for d in dirs if inventory or d != "__pycache__")  # Ansible reads group_vars/x/__pycache__/
        part("dir", os.path.relpath(top, root), *dirs)
        for name in sorted(files):
            path = os.path.join(top, name)
            if inventory:
                _file(part, path, inventory, os.path.relpath(path, root))
            else:  # the collection's code: a write always changes ctime (what git's index trusts too), 10x faster
                st = os.stat(path)
                part("code", os.path.relpath(path, root), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _file(part, path: str, inventory: bool, name: str | None = None) -> None:
    try:
        data = Path(path).read_bytes()
        executable = os.stat(path).st_mode & 0o111
    except OSError:
        part("unreadable", name or path)
        return
    if inventory and (executable or _PLUGIN_SOURCE.search(data)):
        raise NotCacheable(f"{path} is a script or an inventory plugin's source")
    part("file", name or path, hashlib.sha256(data).hexdigest())


def digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def lookup(directory: Path, content_key: str, field: str = "verdict") -> tuple[bool, object]:
    """(True, value) when a value is kept for this key and the files read outside the sources are unchanged; the
    gate's ``verdict`` (a message or None) is checked here, another ``field`` by its reader."""
    try:
        entry = json.loads((directory / f"{content_key}.json").read_text(encoding="utf-8"))
        value, outside = entry[field], entry["outside"]
    except (OSError, ValueError, KeyError, TypeError):
        return False, None
    if not isinstance(outside, dict) or (field == "verdict" and not (value is None or isinstance(value, str))):
        return False, None
    if any(digest(path) != sha for path, sha in outside.items()):
        return False, None
    return True, value


def store(directory: Path, content_key: str, value, sources, outside, field: str = "verdict") -> None:
    """Keep a value, JSON (atomically: processes of a test run store side by side); never fails the run."""
    entry = {"sources": list(sources), field: value, "outside": {p: digest(p) for p in sorted(set(outside))}}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=directory, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(handle.name, directory / f"{content_key}.json")
        entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:] if len(entries) > 2 * KEEP else ():
            old.unlink(missing_ok=True)
    except OSError:
        pass
