"""What the campaign log costs a batch, and how --jobs 2 scales with it.

    python3 bench/log.py [--letters 1000] [--repeat 3] [--shared ../shared] [--postgres URL]

Runs the same 1,000-letter `drafter batch` (made-up volunteers, docx, files written into an
empty folder each time) without a log, with the SQLite log (a fresh file each run) and, given
--postgres (or $DRAFTER_TEST_POSTGRES), with a PostgreSQL log; each with --jobs 1 and --jobs 2.
The best of --repeat runs is shown, for the whole run and for the letter phase (from the first
letter to the last one placed and logged). First it times placing 1,000 letter-sized files one
fsync each (atomic_write) against chunks of 32 with one sync each (place_many, what batch does).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import REPO, batch_seconds, make_csv  # noqa: E402
from drafter.people.constituents import Legislators  # noqa: E402


def fresh_postgres(url: str) -> str:
    import psycopg
    name = "bench_" + secrets.token_hex(4)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def placing(folder: Path, chunked: bool, n: int = 1000, size: int = 7_500) -> float:
    from drafter.output.files import atomic_write, place_many
    folder.mkdir()
    data = bytes(range(256)) * (size // 256 + 1)
    t = time.perf_counter()
    if chunked:
        for c in range(0, n, 32):
            place_many([(folder / f"{i:05d}.docx", data[:size], False) for i in range(c, min(n, c + 32))])
    else:
        for i in range(n):
            atomic_write(folder / f"{i:05d}.docx", data[:size])
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--postgres", default=os.environ.get("DRAFTER_TEST_POSTGRES"))
    args = ap.parse_args()
    leg_path = args.shared / "data/congress-legislators/legislators-current.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = min(placing(tmp / f"one-{r}", False) for r in range(args.repeat))
        chunk = min(placing(tmp / f"chunk-{r}", True) for r in range(args.repeat))
        print(f"placing 1,000 files: one fsync each {one:.2f} s, chunks of 32 with one sync each "
              f"{chunk:.2f} s ({one / chunk:.1f}x)\n")
        csv_path = tmp / "people.csv"
        make_csv(csv_path, Legislators.load(leg_path), args.letters)
        logs = {"no log": lambda i: False, "SQLite": lambda i: tmp / f"log-{i}.sqlite"}
        if args.postgres:
            logs["PostgreSQL"] = lambda i: fresh_postgres(args.postgres)
        best: dict[tuple[str, int], tuple[float, float]] = {}
        inside: dict[tuple[str, int], float] = {}
        from drafter.log.store import CampaignLog
        record, spent = CampaignLog.record, [0.0]

        def timed_record(self, entries):     # time spent logging, measured where it happens
            t = time.perf_counter()
            try:
                return record(self, entries)
            finally:
                spent[0] += time.perf_counter() - t
        CampaignLog.record = timed_record
        run = 0
        for _ in range(args.repeat):
            for name, target in logs.items():
                for jobs in (1, 2):
                    run += 1
                    spent[0] = 0.0
                    t = batch_seconds(csv_path, leg_path, tmp / f"out-{run}", jobs, target(run))
                    key = (name, jobs)
                    if key not in best or t < best[key]:
                        best[key], inside[key] = t, spent[0]
        n = args.letters
        print(f"{n} letters (docx), best of {args.repeat}, {os.cpu_count()} CPUs\n")
        print("| log | --jobs | whole run (s) | letters/s | letter phase (s) | letters/s |")
        print("|---|---|---|---|---|---|")
        for (name, jobs), (whole, phase) in best.items():
            print(f"| {name} | {jobs} | {whole:.2f} | {n / whole:,.0f} | {phase:.2f} | {n / phase:,.0f} |")
        print()
        for name in logs:
            (w1, p1), (w2, p2) = best[(name, 1)], best[(name, 2)]
            print(f"{name}: --jobs 2 vs 1: whole run {w1 / w2:.2f}x, letter phase {p1 / p2:.2f}x")
        for name in logs:
            if name != "no log":
                for jobs in (1, 2):
                    whole = best[(name, jobs)][0]
                    print(f"{name} log, --jobs {jobs}: {inside[(name, jobs)]:.2f} s inside log.record of "
                          f"{whole:.2f} s ({inside[(name, jobs)] / whole:.1%}); whole run vs no log "
                          f"{whole / best[('no log', jobs)][0] - 1:+.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
