"""How long the tests take: the default developer run and the full CI run.

    python3 bench/suite.py [--ci]

Runs `python -m pytest -q` (slow tests skipped) and, with --ci, `CI=true python -m pytest -q`
(everything), each in a fresh process, and prints wall seconds and CPU seconds (user + system of
pytest and every process it starts: LibreOffice, drafter subprocesses). On a shared machine the
wall time grows with the others' load and the CPU time does not; the target is the wall time on
a quiet 2-core machine: under 90 s for the default run.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 90.0


def run(env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=REPO, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines() or ["(no output)"]
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return wall, cpu, "\n".join([lines[-1], *failed])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ci", action="store_true", help="also time the full CI run")
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    runs = [("python -m pytest -q", env)]
    if args.ci:
        runs.append(("CI=true python -m pytest -q", dict(env, CI="true")))
    print(f"{'run':32} {'wall s':>7} {'CPU s':>7}  result")
    for label, run_env in runs:
        wall, cpu, summary = run(run_env)
        print(f"{label:32} {wall:7.1f} {cpu:7.1f}  {summary}")
    print(f"target: the default run under {TARGET:.0f} s wall on a quiet 2-core machine")


if __name__ == "__main__":
    main()
