"""What the campaign log costs a batch, and how --jobs 2 scales with it.

    python3 bench/log.py [--letters 1000] [--repeat 7] [--shared ../shared] [--postgres URL]

Runs the same 1,000-letter `drafter batch` (made-up volunteers, docx, files written into an
empty folder each time), each in a new process as the command line runs it (so that a run
logging to PostgreSQL pays for importing psycopg, as a user's does), without a log, with the
SQLite log (a fresh file each run) and, given --postgres (or $DRAFTER_TEST_POSTGRES), with a
PostgreSQL log; each with --jobs 1 and --jobs 2.
The runs take turns, in a new order each repeat; the best of --repeat is shown, and the median
of the runs made side by side (the machine's speed drifts between repeats more than within
one), for the whole run and for the letter phase (from the moment the letters are planned to the end of the run: every
letter made, placed and logged, the manifest written). The time the batch's own process spends
on the log (starting the process that opens the log, waiting for it to have opened the log,
handing each chunk to that process, waiting for it at the end) is timed where it happens; importing psycopg
alone is timed apart. First it times placing 1,000 letter-sized
files one fsync each (atomic_write) against a chunk's worth with one sync each (place_many,
what batch does); last, recording a chunk of 64 letters into an empty log and into one that
already holds 20,000 (--grown).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import REPO, batch_seconds, make_csv  # noqa: E402
from drafter.commands.batch import CHUNK  # noqa: E402
from drafter.people.constituents import Legislators  # noqa: E402


class FreshPostgres:
    """An empty database per run on the server at `url`, all dropped at the end (a server
    left with dozens of them spends its autovacuum on them, in the middle of later runs)."""

    def __init__(self, url: str):
        import psycopg
        self.psycopg, self.url, self.names = psycopg, url, []

    def __call__(self, _run) -> str:
        name = "bench_" + secrets.token_hex(4)
        with self.psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        self.names.append(name)
        return self.url.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        with self.psycopg.connect(self.url, autocommit=True) as conn:
            for name in self.names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.names.clear()


def placing(folder: Path, chunked: bool, n: int = 1000, size: int = 7_500) -> float:
    from drafter.output.files import atomic_write, place_many
    folder.mkdir()
    data = bytes(range(256)) * (size // 256 + 1)
    t = time.perf_counter()
    if chunked:
        for c in range(0, n, CHUNK):
            place_many([(folder / f"{i:05d}.docx", data[:size], False) for i in range(c, min(n, c + CHUNK))])
    else:
        for i in range(n):
            atomic_write(folder / f"{i:05d}.docx", data[:size])
    return time.perf_counter() - t


def _time_logging() -> dict[str, float]:
    """Time the batch's main thread spends on the log, measured where it happens (the entries
    are built and recorded by the log's own process, log.writer, while letters are made)."""
    from drafter.log import writer
    spent: dict[str, float] = {}

    def timed(owner, name, label):
        inner = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
        setattr(owner, name, wrapper)
    timed(writer.LogWriter, "__init__", "starting its process")
    timed(writer.LogWriter, "ready", "waiting for it to open")
    timed(writer.LogWriter, "send", "handing chunks over")
    timed(writer.LogWriter, "finish", "waiting at the end")
    return spent


def one_batch(args: list[str]) -> None:
    """--one: a single batch in this new process; prints (whole run, letter phase, the batch
    process's own time on the log) as JSON."""
    csv_path, legislators, out, jobs, log = json.loads(args[0])
    spent = _time_logging()
    whole, phase = batch_seconds(Path(csv_path), Path(legislators), Path(out), jobs, log)
    print(json.dumps([whole, phase, spent]))


def batch_in_new_process(csv_path: Path, legislators: Path, out: Path, jobs: int, log) -> tuple:
    given = json.dumps([str(csv_path), str(legislators), str(out), jobs, log if log is False else str(log)])
    done = subprocess.run([sys.executable, __file__, "--one", given], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    whole, phase, spent = json.loads(done.stdout)
    return (whole, phase), spent


def growth(target, letters: int, chunk: int = 64, sample: int = 10) -> tuple[float, float]:
    """Seconds to record one chunk of letters into an empty log and into one holding `letters`
    (the median of `sample` chunks each)."""
    from drafter.log import LogEntry, open_log
    times = []
    with open_log(None, str(target)) as log:
        for c in range(letters // chunk + sample):
            entries = [LogEntry("batch", "constituent", "constituent.md.j2", ("M000133",), "Edward J. Markey",
                                ("docx",), (f"/letters/{c}-{i}.docx",), f"{c:032x}{i:032x}", kind="constituent",
                                name=f"Volunteer {c} {i}", street=f"{i} Main St", city="Springfield",
                                state="MA", zip="01101") for i in range(chunk)]
            t = time.perf_counter()
            log.record(entries)
            times.append(time.perf_counter() - t)
    return statistics.median(times[:sample]), statistics.median(times[-sample:])


def paired(these: list[tuple[float, float]], those: list[tuple[float, float]]) -> tuple[float, float]:
    """Median over the repeats of those / these, whole run and letter phase: runs made one after
    the other share the machine's speed of the moment, which on a shared VM drifts more than the
    differences measured here."""
    return (statistics.median(b[0] / a[0] for a, b in zip(these, those)),
            statistics.median(b[1] / a[1] for a, b in zip(these, those)))


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        one_batch(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--postgres", default=os.environ.get("DRAFTER_TEST_POSTGRES"))
    ap.add_argument("--grown", type=int, default=20_000, help="letters in the log for the last figure")
    args = ap.parse_args()
    leg_path = args.shared / "data/congress-legislators/legislators-current.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = min(placing(tmp / f"one-{r}", False) for r in range(args.repeat))
        chunk = min(placing(tmp / f"chunk-{r}", True) for r in range(args.repeat))
        print(f"placing 1,000 files: one fsync each {one:.2f} s, chunks of {CHUNK} with one sync each "
              f"{chunk:.2f} s ({one / chunk:.1f}x)\n")
        csv_path = tmp / "people.csv"
        make_csv(csv_path, Legislators.load(leg_path), args.letters)
        logs = {"no log": lambda i: False, "SQLite": lambda i: tmp / f"log-{i}.sqlite"}
        fresh = FreshPostgres(args.postgres) if args.postgres else None
        if fresh:
            logs["PostgreSQL"] = fresh
        best: dict[tuple[str, int], tuple[float, float]] = {}
        runs: dict[tuple[str, int], list[tuple[float, float]]] = {}     # every run, in turn
        own: dict[tuple[str, int], dict[str, float]] = {}
        run = 0
        try:
            kinds = [(name, jobs) for name in logs for jobs in (1, 2)]
            for repeat in range(args.repeat):
                # in a new order each time: no kind always runs first, or right after another
                for name, jobs in random.Random(repeat).sample(kinds, len(kinds)):
                    run += 1
                    log = logs[name](run)
                    if hasattr(os, "sync"):   # no run pays for flushing what came before it
                        os.sync()              # (a new database's files, the last run's WAL)
                    t, spent = batch_in_new_process(csv_path, leg_path, tmp / f"out-{run}", jobs, log)
                    key = (name, jobs)
                    runs.setdefault(key, []).append(t)
                    if key not in best or t < best[key]:
                        best[key], own[key] = t, dict(spent)
        finally:
            if fresh:
                fresh.drop_all()
        n = args.letters
        print(f"{n} letters (docx), best of {args.repeat}, {os.cpu_count()} CPUs\n")
        print("| log | --jobs | whole run (s) | letters/s | letter phase (s) | letters/s |")
        print("|---|---|---|---|---|---|")
        for name, jobs in kinds:
            whole, phase = best[(name, jobs)]
            print(f"| {name} | {jobs} | {whole:.2f} | {n / whole:,.0f} | {phase:.2f} | {n / phase:,.0f} |")
        print()
        for name in logs:
            (w1, p1), (w2, p2) = best[(name, 1)], best[(name, 2)]
            m1, m2 = paired(runs[(name, 2)], runs[(name, 1)])
            print(f"{name}: --jobs 2 vs 1: whole run {w1 / w2:.2f}x, letter phase {p1 / p2:.2f}x; "
                  f"median of the runs side by side {m1:.2f}x, {m2:.2f}x")
        print()
        for name in logs:
            if name == "no log":
                continue
            for jobs in (1, 2):
                whole = best[(name, jobs)][0]
                parts = own[(name, jobs)]
                total = sum(parts.values())
                print(f"{name} log, --jobs {jobs}: the batch's process spends {total:.3f} s of {whole:.2f} s on it "
                      f"({total / whole:.1%}; " + ", ".join(f"{k} {v:.3f}" for k, v in parts.items()) + ")")
            for jobs in (1, 2):
                (w, p), (w0, p0) = best[(name, jobs)], best[("no log", jobs)]
                m1, m2 = paired(runs[("no log", jobs)], runs[(name, jobs)])
                print(f"  --jobs {jobs}, against no log: whole run {w / w0 - 1:+.1%}, letter phase {p / p0 - 1:+.1%}; "
                      f"median of the runs side by side {m1 - 1:+.1%}, {m2 - 1:+.1%}")
        print()
        grown = {"SQLite": tmp / "grown.sqlite"}
        if fresh:
            grown["PostgreSQL"] = fresh(0)
        try:
            for name, target in grown.items():
                empty, full = growth(target, args.grown)
                print(f"recording {CHUNK} letters in one transaction, {name}: into an empty log {empty * 1000:.1f} ms, "
                      f"into one of {args.grown:,} letters {full * 1000:.1f} ms")
        finally:
            if fresh:
                fresh.drop_all()
        if args.postgres:
            code = "import time; t = time.perf_counter(); import psycopg; print(time.perf_counter() - t)"
            took = min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                            check=True).stdout) for _ in range(args.repeat))
            print(f"\nimporting psycopg alone: {took:.3f} s (in the log's process, while the batch loads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
