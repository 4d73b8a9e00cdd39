#!/usr/bin/env python3
"""What a controller carries: a venv from requirements-runtime.txt (+ the collections of requirements.yml)
against the development venv (.venv: runtime + requirements-dev.txt), measured in one run.

    .venv/bin/python bench/venv_sizes.py      → bench/results/venv_sizes.json

Also times the auditor's pack of inventories/rcr (best of 3). Sizes are on-disk bytes (du).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BUNDLED = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"


def du_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return round(int(out.split()[0]) / 1024, 1)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sitekit-venv-") as tmp:
        venv, collections = Path(tmp) / "venv", Path(tmp) / "collections" / "ansible_collections"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin/pip"), "install", "--quiet", "--disable-pip-version-check", "-r",
                        str(REPO / "requirements-runtime.txt")], check=True)
        install_s = time.perf_counter() - t0
        for item in yaml.safe_load((REPO / "requirements.yml").read_text())["collections"]:
            namespace, name = item["name"].split(".")
            shutil.copytree(BUNDLED / namespace / name, collections / namespace / name, symlinks=True)
        runtime_mb, collections_mb = du_mb(venv), du_mb(collections)
        packages = len(subprocess.run([str(venv / "bin/pip"), "list", "--format=freeze"], capture_output=True,
                                      text=True, check=True).stdout.splitlines())
    dev_mb = du_mb(REPO / ".venv")
    env = dict(os.environ, PYTHONPATH=str(REPO / "tools"))
    pack = []
    for _ in range(3):
        with tempfile.TemporaryDirectory(prefix="sitekit-pack-") as out:
            t0 = time.perf_counter()
            subprocess.run([str(REPO / ".venv/bin/python"), "-m", "sitedoc", "inventories/rcr", "--no-journal", "--out", out],
                           cwd=REPO, env=env, check=True, capture_output=True)
            pack.append(time.perf_counter() - t0)
    result = {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "controller_venv_mb": runtime_mb,
        "controller_collections_mb": collections_mb,
        "controller_total_mb": round(runtime_mb + collections_mb, 1),
        "controller_packages": packages,
        "controller_install_s": round(install_s, 1),
        "dev_venv_mb": dev_mb,
        "controller_over_dev": round((runtime_mb + collections_mb) / dev_mb, 3),
        "docs_pack_rcr_best_s": round(min(pack), 2),
    }
    out = REPO / "bench/results/venv_sizes.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
