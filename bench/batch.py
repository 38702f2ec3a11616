"""Benchmark `drafter batch` against docxtpl and a string-substitution floor.

    python3 bench/batch.py [--letters 1000] [--big] [--repeat 3] [--shared ../shared] [--skip-memory]

One run measures, on the same 1,000 constituent letters (about a page, six footnotes each):

  drafter   compose + build + zip, one process, in memory (what each batch worker does per letter)
  docxtpl   DocxTemplate.render + save, from a template .docx made once from drafter's own output
            (document.xml with Jinja tags in place of the names, addresses and note; the
            footnotes part is in the template)
  floor     str.replace of the same fields in that document.xml, then zipfile writes the package

then the whole `drafter batch` (CSV, matching, files written atomically with fsync) with
--jobs 1 and --jobs 2, and peak memory (ru_maxrss of a child process) of a batch of 1,000
letters against one of 10,000 (--big; about a minute). The volunteers are made up; their
members of Congress come from ../shared/data/congress-legislators.

    python3 bench/batch.py --similarity [--letters 10000]

times the similarity report of a batch of --letters letters (default here 10,000) against the
batch itself (--jobs 1, no log): each letter's fingerprint (made as the letter is), the search for
each letter's nearest to the same office, and similarity.csv; the goal is under 10% of the batch.

    python3 bench/batch.py --against REF [--pairs 9] [--paired-only]

also times the whole command line, `python -m drafter batch` with its campaign log, as a user
runs it, from this tree and from git revision REF (checked out in a temporary worktree), in
pairs one after the other (the order alternating), with --jobs 1 and 2: the median of the
paired ratios says whether a change made batches slower.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.commands.batch import _Maker, plan, run_batch  # noqa: E402
from drafter.people.constituents import Legislators, read_constituents  # noqa: E402
from drafter.people.states import STATE_NAMES  # noqa: E402
from drafter.formats.outputs import docx_bytes  # noqa: E402
from drafter.output.files import atomic_write  # noqa: E402
from drafter import processes  # noqa: E402
from drafter.compose.letter import AddressBlock  # noqa: E402
from drafter.formats.docx.package import FIXED_TIME  # noqa: E402

GIVEN = ["Pema", "Tenzin", "Dolma", "Karma", "Alex", "Jamie", "Sam", "Lhamo", "Norbu", "Yangchen",
         "Chris", "Dawa", "Robin", "Sonam", "Lee", "Tashi"]
FAMILY = ["Example", "Sample", "Placeholder", "Testcase", "Fictional", "Demo", "Madeup", "Pretend"]
NOTES = ["", "I care about this because my neighbours are Tibetan.",
         "Our community group met today to write these letters. Please read mine and reply.",
         "I learned about this at a letter-writing event & I want you to act. <Thank you.>"]
TOKENS = {"date": "ZZDATEZZ", "a1": "ZZADDRAZZ", "a2": "ZZADDRBZZ", "a3": "ZZADDRCZZ", "a4": "ZZADDRDZZ",
          "salutation": "ZZSALUTEZZ", "city": "ZZCITYZZ", "state": "ZZSTATEZZ", "note": "ZZNOTEZZ",
          "s1": "ZZSIGAZZ", "s2": "ZZSIGBZZ", "s3": "ZZSIGCZZ", "author": "ZZAUTHORZZ", "title": "ZZTITLEZZ"}


# --------------------------------------------------------------------------- data

def make_csv(path: Path, legislators: Legislators, letters: int, seed: int = 1) -> None:
    """Made-up volunteers in states with two senators, with their district given: three letters
    each; the remainder in DC (one letter, to the delegate)."""
    rnd = random.Random(seed)
    seats = [(s, d) for s in sorted(legislators.states) for d in legislators.districts(s)
             if len(legislators.senators(s)) == 2 and legislators.representative(s, d)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Name", "Street", "City", "State", "ZIP", "District", "Note"])
        for i in range(letters // 3 + letters % 3):
            state, district = seats[rnd.randrange(len(seats))] if i < letters // 3 else ("DC", 0)
            out.writerow([f"{rnd.choice(GIVEN)} {rnd.choice(FAMILY)} {i}", f"{rnd.randint(1, 999)} Main Street",
                          "Springfield", state, f"{rnd.randint(10000, 99999)}", district, NOTES[i % len(NOTES)]])


def jobs_for(csv_path: Path, legislators: Legislators):
    todo, review = plan(read_constituents(csv_path), legislators, None)
    assert not review, review
    return todo


# --------------------------------------------------------------------------- the three makers

def drafter_letters(maker: _Maker, todo) -> list[bytes]:
    return [docx_bytes(maker.letter(job), clean=True) for job in todo]


def fields(maker: _Maker, job) -> dict[str, str]:
    """The per-letter values the template-based makers substitute (taken from drafter's letter,
    so all three print the same words)."""
    letter = maker.letter(job)
    c = job.constituent
    a = list(letter.addresses[0].lines) + ["", "", "", ""]
    s = letter.signatures[0]
    return {"date": letter.date_line, "a1": a[0], "a2": a[1], "a3": a[2], "a4": a[3],
            "salutation": letter.salutation, "city": c.city, "state": STATE_NAMES[c.state],
            "note": c.note or "", "s1": s[0], "s2": s[1], "s3": s[2], "author": letter.author,
            "title": letter.title}


def placeholder_parts(maker: _Maker, job) -> dict[str, bytes]:
    """drafter's package for one letter with every per-letter value replaced by a token."""
    from drafter.formats.docx.build import build_parts
    letter = maker.composer.compose([job.member], extra={"constituent": {
        "name": "x", "city": TOKENS["city"], "state_name": TOKENS["state"], "note": TOKENS["note"],
        "street": "", "state": "", "zip": "", "district": None}}, signatures=(("x",),), comments=False)
    letter = dataclasses.replace(
        letter, date_line=TOKENS["date"], salutation=TOKENS["salutation"], author=TOKENS["author"],
        title=TOKENS["title"], addresses=(AddressBlock(tuple(TOKENS[k] for k in ("a1", "a2", "a3", "a4"))),),
        signatures=((TOKENS["s1"], TOKENS["s2"], TOKENS["s3"]),))
    return build_parts(letter, with_comments=False)


def docxtpl_template(parts: dict[str, bytes], path: Path) -> None:
    """A docxtpl template: the placeholder document with Jinja tags; the note paragraph is
    kept only when there is a note ({%p if %} paragraphs around it)."""
    xml = parts["word/document.xml"].decode()
    start = xml.rindex("<w:p>", 0, xml.index(TOKENS["note"]))
    end = xml.index("</w:p>", start) + len("</w:p>")
    xml = (xml[:start] + "<w:p><w:r><w:t>{%p if note %}</w:t></w:r></w:p>" + xml[start:end]
           + "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>" + xml[end:])
    for key, token in TOKENS.items():
        xml = xml.replace(token, "{{ %s }}" % key)
    out = dict(parts, **{"word/document.xml": xml.encode()})
    for name in ("docProps/core.xml", "docProps/app.xml"):
        text = out[name].decode()
        for key, token in TOKENS.items():
            text = text.replace(token, "{{ %s }}" % key)
        out[name] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in out.items():
            z.writestr(name, data)


def docxtpl_letters(template: Path, values: list[dict]) -> list[bytes]:
    from docxtpl import DocxTemplate
    tpl = DocxTemplate(str(template))
    out = []
    for v in values:
        tpl.render(v)          # docxtpl re-renders from the template's original XML each time
        buf = io.BytesIO()
        tpl.save(buf)
        out.append(buf.getvalue())
    return out


def floor_letters(parts: dict[str, bytes], values: list[dict]) -> list[bytes]:
    """The least any generator can do: replace the fields in document.xml, zip the package."""
    doc = parts["word/document.xml"].decode()
    note_start = doc.rindex("<w:p>", 0, doc.index(TOKENS["note"]))
    note_end = doc.index("</w:p>", note_start) + len("</w:p>")
    out = []
    for v in values:
        xml = doc if v["note"] else doc[:note_start] + doc[note_end:]
        for key, token in TOKENS.items():
            xml = xml.replace(token, escape(v[key]))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, xml.encode() if name == "word/document.xml" else data)
        out.append(buf.getvalue())
    return out


def footnote_count(docx: bytes) -> int:
    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").count(b"<w:footnoteReference ")


def timed(fn, *args) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t, result


# --------------------------------------------------------------------------- batch runs

def batch_seconds(csv_path: Path, legislators: Path, out: Path, jobs: int,
                  log: Path | bool = False) -> tuple[float, float]:
    """(whole run, letter phase) seconds of run_batch writing into an empty folder; `log`: the
    campaign log to record in (bench/log.py), none by default (never the repository's own)."""
    marks = {}
    report = run_batch(REPO, "constituent", csv_path, legislators, out_dir=out, jobs=jobs, log=log,
                       on_start=lambda n: marks.setdefault("start", time.perf_counter()))
    end = time.perf_counter()
    assert report.count("written") == report.letters, report.summary()
    return report.seconds, end - marks["start"]


def _write_files(args) -> None:
    folder, names, size = args
    data = bytes(range(256)) * (size // 256 + 1)
    for name in names:
        atomic_write(Path(folder) / name, data[:size])


def write_floor(out: Path, n: int, procs: int, size: int = 7_500) -> float:
    """Seconds to write n files of `size` bytes the way drafter does (temp file, fsync, link),
    with no letter made at all: what the file system alone costs with 1 or 2 processes."""
    out.mkdir(parents=True)
    names = [f"{i:05d}.docx" for i in range(n)]
    t = time.perf_counter()
    if procs == 1:
        _write_files((out, names, size))
    else:
        with processes.context().Pool(procs) as pool:
            pool.map(_write_files, [(out, names[i::procs], size) for i in range(procs)])
    return time.perf_counter() - t


def child_peak(csv_path: Path, legislators: Path, out: Path) -> float:
    """Peak resident memory (MB) of a fresh process running the batch."""
    code = ("import json, resource, sys; sys.path.insert(0, %r)\n"
            "from drafter.commands.batch import run_batch\n"
            "r = run_batch(%r, 'constituent', %r, %r, out_dir=%r, log=False)\n"
            "print(json.dumps([r.letters, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))"
            % (str(REPO), str(REPO), str(csv_path), str(legislators), str(out)))
    letters, kb = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                            text=True).stdout)
    return kb / 1024


def similarity_cost(csv_path: Path, legislators: Path, tmp: Path) -> None:
    """The similarity report's share of a batch: fingerprints, nearest search, similarity.csv."""
    from drafter.commands.batch import Placed, Record, by_office, similarity_rows, write_similarity
    from drafter.compose.similarity import fingerprint, letter_parts
    t = time.perf_counter()
    report = run_batch(REPO, "constituent", csv_path, legislators, out_dir=tmp / "sim-batch", jobs=1, log=False)
    whole = time.perf_counter() - t
    legs = Legislators.load(legislators)
    todo = jobs_for(csv_path, legs)
    maker = _Maker.load(REPO, "constituent", tmp, ("docx",), False)
    letters = [maker.letter(job) for job in todo]
    t = time.perf_counter()
    fps = [fingerprint(letter_parts(letter)) for letter in letters]
    t_fp = time.perf_counter() - t
    placed = [(Record(j.constituent.row, j.constituent.name, j.member.id, j.stem + ".docx", "", "written"),
               Placed([], fp)) for j, fp in zip(todo, fps)]
    t = time.perf_counter()
    rows = similarity_rows(placed)
    offices = by_office(rows, {j.member.id: j.member for j in todo})
    t_search = time.perf_counter() - t
    t = time.perf_counter()
    write_similarity(tmp / "similarity.csv", rows)
    t_csv = time.perf_counter() - t
    cost = t_fp + t_search + t_csv
    above = sum(a for _, _, a in offices)
    print(f"similarity report for {len(todo):,} letters to {len(offices)} offices ({above:,} above 0.5): "
          f"fingerprints {t_fp:.2f} s ({1e6 * t_fp / len(todo):.0f} us/letter), nearest search {t_search:.2f} s, "
          f"similarity.csv {t_csv:.2f} s; total {cost:.2f} s = {100 * cost / whole:.1f}% of the batch's "
          f"{whole:.1f} s (--jobs 1, no log; goal under 10%)")
    assert report.letters == len(todo)


def cli_seconds(tree: Path, csv_path: Path, legislators: Path, out: Path, jobs: int) -> float:
    """Seconds of `python -m drafter batch` run from `tree`, as a new process, with its log."""
    out.mkdir(parents=True)
    cmd = [sys.executable, "-m", "drafter", "-C", str(tree), "batch", "constituent", "--constituents",
           str(csv_path), "--legislators", str(legislators), "-o", str(out / "letters"), "--jobs", str(jobs),
           "--log", str(out / "log.sqlite")]
    env = {**__import__("os").environ, "PYTHONPATH": str(tree)}
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=out)
    return time.perf_counter() - t


def paired(ref: str, csv_path: Path, legislators: Path, tmp: Path, pairs: int) -> None:
    """This tree against `ref`, the whole command line in pairs; median of the ratios."""
    import statistics
    old = tmp / "against"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(old), ref], check=True)
    try:
        print(f"| whole `drafter batch` CLI, {pairs} pairs | {ref} median s | this tree median s | "
              "median of paired ratios (this / ref) |")
        print("|---|---:|---:|---:|")
        for jobs in (1, 2):
            times = {"old": [], "new": []}
            for i in range(pairs):
                order = (("old", old), ("new", REPO)) if i % 2 == 0 else (("new", REPO), ("old", old))
                for name, tree in order:
                    times[name].append(cli_seconds(tree, csv_path, legislators, tmp / f"cli-{name}-{jobs}-{i}", jobs))
            ratios = [n / o for n, o in zip(times["new"], times["old"])]
            print(f"| --jobs {jobs} | {statistics.median(times['old']):.2f} | {statistics.median(times['new']):.2f} | "
                  f"{statistics.median(ratios):.3f} ({min(ratios):.3f} to {max(ratios):.3f}) |")
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(old)], check=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--big", action="store_true", help="also measure memory for 10,000 letters")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="batch runs per --jobs value (best is shown)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--against", metavar="REF", help="also time the whole CLI against this git revision")
    ap.add_argument("--pairs", type=int, default=9, help="paired runs per --jobs value with --against")
    ap.add_argument("--paired-only", action="store_true", help="with --against: only the paired runs")
    ap.add_argument("--similarity", action="store_true",
                    help="only the similarity report's cost against the batch (default 10,000 letters)")
    args = ap.parse_args()
    if args.similarity and "--letters" not in sys.argv:
        args.letters = 10_000
    leg_path = args.shared / "data/congress-legislators/legislators-current.yaml"
    legislators = Legislators.load(leg_path)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv_path = tmp / "people.csv"
        make_csv(csv_path, legislators, args.letters)
        if args.similarity:
            similarity_cost(csv_path, leg_path, tmp)
            return 0
        if args.against and args.paired_only:
            paired(args.against, csv_path, leg_path, tmp, args.pairs)
            return 0
        todo = jobs_for(csv_path, legislators)
        maker = _Maker.load(REPO, "constituent", tmp, ("docx",), False)
        values = [fields(maker, job) for job in todo]
        parts = placeholder_parts(maker, todo[0])
        template = tmp / "template.docx"
        docxtpl_template(parts, template)

        drafter_letters(maker, todo[:20])                     # warm the caches as a batch does
        t_drafter, docs = timed(drafter_letters, maker, todo)
        t_tpl, tpl_docs = timed(docxtpl_letters, template, values)
        t_floor, floor_docs = timed(floor_letters, parts, values)
        n = len(todo)
        notes = footnote_count(docs[0])
        assert footnote_count(tpl_docs[0]) == footnote_count(floor_docs[0]) == notes, "same footnotes in all"

        print(f"{n} letters, {notes} footnotes each; sizes (KB): drafter {sum(map(len, docs)) / n / 1024:.1f}, "
              f"docxtpl {sum(map(len, tpl_docs)) / n / 1024:.1f}, floor {sum(map(len, floor_docs)) / n / 1024:.1f}")
        print()
        print("| maker (in memory, one process) | letters/s | ms/letter | drafter vs |")
        print("|---|---:|---:|---:|")
        for name, t in (("drafter", t_drafter), ("docxtpl", t_tpl), ("floor: replace + zip", t_floor)):
            vs = "" if name == "drafter" else f"{t / t_drafter:.2f}x"
            print(f"| {name} | {n / t:,.0f} | {1000 * t / n:.2f} | {vs} |")
        print()
        print(f"drafter / docxtpl letters per second: {t_tpl / t_drafter:.1f}x (target >= 4x)")
        print(f"drafter time per letter / floor: {t_drafter / t_floor:.2f}x (target <= 2x)")
        print()

        runs = {}
        for rep in range(args.repeat):          # interleaved, best of each: the machine is shared
            for jobs in (1, 2):
                t = batch_seconds(csv_path, leg_path, tmp / f"out-j{jobs}-{rep}", jobs)
                runs[jobs] = min(runs.get(jobs, t), t)
        same = all((tmp / "out-j1-0" / p.name).read_bytes() == p.read_bytes()
                   for p in (tmp / "out-j2-0").iterdir())
        print("| drafter batch (files written, fsync) | whole run s | letters/s | letter phase s | letters/s |")
        print("|---|---:|---:|---:|---:|")
        for jobs, (whole, phase) in runs.items():
            print(f"| --jobs {jobs} | {whole:.2f} | {n / whole:,.0f} | {phase:.2f} | {n / phase:,.0f} |")
        print()
        print(f"--jobs 2 vs --jobs 1: {runs[1][0] / runs[2][0]:.2f}x whole run, "
              f"{runs[1][1] / runs[2][1]:.2f}x letter phase (targets >= 1.5x and >= 1.8x); files identical: {same}")
        floor = {p: min(write_floor(tmp / f"fs-{p}-{r}", n, p) for r in range(args.repeat)) for p in (1, 2)}
        print(f"file-system floor, {n:,} files written as drafter writes them, no letters made: "
              f"{floor[1]:.2f} s with 1 process, {floor[2]:.2f} s with 2 ({floor[1] / floor[2]:.2f}x)")

        if not args.skip_memory:
            print()
            sizes = [args.letters] + ([10 * args.letters] if args.big else [])
            peaks = {}
            for k in sizes:
                path = tmp / f"people-{k}.csv"
                make_csv(path, legislators, k)
                peaks[k] = child_peak(path, leg_path, tmp / f"mem-{k}")
            print("| letters | peak RSS MB |")
            print("|---:|---:|")
            for k, mb in peaks.items():
                print(f"| {k:,} | {mb:.1f} |")
            if len(peaks) == 2:
                a, b = peaks.values()
                print(f"\n{sizes[1]:,} vs {sizes[0]:,} letters: {100 * (b / a - 1):+.1f}% (target within 20%)")
            else:
                print("\n(run with --big for 10,000 letters)")
        if args.against:
            print()
            paired(args.against, csv_path, leg_path, tmp, args.pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
