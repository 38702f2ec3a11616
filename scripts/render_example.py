#!/usr/bin/env python3
"""Rebuild docs/example-page1.png: draft the example letter as PDF (Typst, drafter's default
engine) and render its first page. Run from the repository root after changing the example or
the layout."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.commands.draft import draft  # noqa: E402


def main(letter: str = "erc-entity-list", target: str = "docs/example-page1.png") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        [made] = draft(REPO, letter, tmp / "drafts", clean=True, formats=("pdf",), log=False)
        pdf = made.path
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(tmp / "page")], check=True)
        shutil.copy(tmp / "page.png", REPO / target)
    print(REPO / target)


if __name__ == "__main__":
    main(*sys.argv[1:])
