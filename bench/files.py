"""Benchmark placing files, the ways drafter can: what one sync per chunk buys.

    python3 bench/files.py [--files 1000] [--repeat 5] [--folder DIR]

Writes --files files of 7,500 bytes (a letter's size) into a fresh folder each time:

  one file at a time   atomic_write: temp file, fsync, link into place, per file
  chunk, fsync each    place_many, 64 files a chunk, one fsync per file (macOS, Windows)
  chunk, one sync      place_many, 64 files a chunk, one sync() for the chunk (Linux)

and prints the best of --repeat runs, against the first. Run it on the disk the letters go to
(--folder): a RAM disk or tmpfs makes every sync free.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.output import files  # noqa: E402

CHUNK, SIZE = 64, 7_500


def one_at_a_time(folder: Path, n: int, data: bytes) -> None:
    for i in range(n):
        files.atomic_write(folder / f"{i:05d}.docx", data)


def chunked(sync_all: bool):
    def place(folder: Path, n: int, data: bytes) -> None:
        files._SYNC_ALL = sync_all
        for c in range(0, n, CHUNK):
            files.place_many([(folder / f"{i:05d}.docx", data, False) for i in range(c, min(n, c + CHUNK))])
    return place


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--folder", type=Path, default=REPO.parent)
    args = ap.parse_args()
    data = bytes(range(256)) * (SIZE // 256 + 1)
    data = data[:SIZE]
    ways = [("one file at a time (fsync each)", one_at_a_time), ("chunk, fsync each", chunked(False))]
    if files._SYNC_ALL:
        ways.append(("chunk, one sync (this system)", chunked(True)))
    best = {}
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        for rep in range(args.repeat):           # interleaved: the machine is shared
            for name, way in ways:
                folder = Path(tmp, f"{rep}-{len(best)}-{name[:5]}")
                folder.mkdir()
                t = time.perf_counter()
                way(folder, args.files, data)
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
                shutil.rmtree(folder)
    first = best[ways[0][0]]
    print(f"| placing {args.files:,} files of {SIZE:,} bytes (best of {args.repeat}) | s | files/s | vs one at a time |")
    print("|---|---:|---:|---:|")
    for name, t in best.items():
        print(f"| {name} | {t:.3f} | {args.files / t:,.0f} | {first / t:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
