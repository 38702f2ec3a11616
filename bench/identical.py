"""Are drafter's outputs byte-identical to an earlier run? For refactors that must not change them.

    python3 bench/identical.py --save before.json       # on the commit you start from
    python3 bench/identical.py --compare before.json    # after the change: lists every file that differs

It drafts every letter spec in letters/ (joint and --each; docx, txt, md, with and without
review comments), the action kit of the main letter, and a batch of 1,000 constituent letters
(made-up volunteers, as bench/batch.py makes them), then records the sha256 of every file.
Letters dated `today` change at midnight: compare on the day you saved.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
LEGISLATORS = SHARED / "data/congress-legislators/legislators-current.yaml"
CAMPAIGN = ("evidence.yaml", "recipients.yaml", "asks.yaml", "letters", "letterheads")


def drafter(root: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "drafter", "-C", str(root), *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):   # kit exits 1 when an item is too long; its files are still written
        raise SystemExit(f"drafter {' '.join(args)} failed:\n{done.stderr}")


def run(workdir: Path, letters: int) -> dict[str, str]:
    root = workdir / "campaign"
    root.mkdir()
    for name in CAMPAIGN:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    out = workdir / "out"
    for spec in sorted((root / "letters").glob("*.yaml")):
        if spec.stem == "constituent":
            continue
        for flags in ((), ("--each",), ("--clean",)):
            dest = out / spec.stem / ("-".join(f.strip("-") for f in flags) or "default")
            drafter(root, "draft", spec.stem, "-o", str(dest), *flags,
                    "--format", "docx", "--format", "txt", "--format", "md")
    drafter(root, "kit", "erc-entity-list", "-o", str(out / "kit"))
    sys.path.insert(0, str(REPO / "bench"))
    from batch import make_csv   # the same made-up volunteers as the batch benchmark
    from drafter.people.constituents import Legislators
    volunteers = workdir / "volunteers.csv"
    make_csv(volunteers, Legislators.load(LEGISLATORS), letters)
    drafter(root, "batch", "constituent", "--constituents", str(volunteers), "--legislators", str(LEGISLATORS),
            "-o", str(out / "batch"), "--jobs", "2", "--format", "docx", "--format", "txt")
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, metavar="FILE.json")
    what.add_argument("--compare", type=Path, metavar="FILE.json")
    ap.add_argument("--letters", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sums = run(Path(tmp), args.letters)
    if args.save:
        args.save.write_text(json.dumps(sums, indent=1, sort_keys=True))
        print(f"{len(sums)} files recorded in {args.save}")
        return
    before = json.loads(args.compare.read_text())
    differ = sorted(k for k in before.keys() | sums.keys() if before.get(k) != sums.get(k))
    for name in differ:
        print(f"differs: {name}" if name in before and name in sums else
              f"{'missing' if name in before else 'new'}: {name}")
    print(f"{len(sums)} files, {len(differ)} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
