"""50 volunteers at once on `drafter serve` (127.0.0.1): do all get their letters, and how long
from pressing "Make my letters" to the letters page, and to a PDF in hand?

    python3 bench/serve.py [--volunteers 50] [--workers 8] [--engines none,typst,libreoffice] [--shared ../shared]

For each engine, in one run, starts `drafter serve` in its own process (waitress, --workers
threads) on a free port, then runs one client thread per volunteer, all released at once: each
opens the form, submits it (timed from the submit to the letters page, redirect included),
downloads its first .docx, then its PDF: "Print my letters" with Typst, the first letter's PDF
with LibreOffice (timed from the submit to the PDF's last byte). Volunteers write from ZIPs with
one district (three letters each).

The anchors: "none" (`--no-pdf`: .docx and .txt only) is the floor every engine adds to; with
"libreoffice" the page waits for LibreOffice (one at a time, the files of every waiting
volunteer in one start); with "typst" the page comes first and the PDFs (three letters, all
three in one, envelopes) are made by Typst helper processes meanwhile. The target: Typst's
p95 to the letters page under 2 s.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEOPLE = [("Waltham", "MA", "02451"), ("Madison", "WI", "53703"), ("Cheyenne", "WY", "82001")]


ENGINES = ("none", "typst", "libreoffice")
MODES = {"none": "docx + txt (no PDFs)", "typst": "+ PDFs by Typst (print, letters, envelopes)",
         "libreoffice": "+ PDFs by LibreOffice (letters, envelopes)"}


def start(shared: Path, workers: int, engine: str, tmp: Path) -> tuple[subprocess.Popen, str]:
    pdf = ["--no-pdf"] if engine == "none" else ["--pdf", "--pdf-engine", engine]
    cmd = [sys.executable, "-m", "drafter", "-C", str(REPO), "serve", "constituent",
           "--legislators", str(shared / "data/congress-legislators/legislators-current.yaml"),
           "--zip-districts", str(shared / "data/zip-districts/zccd.csv"), "--port", "0",
           "--workers", str(workers), "--log", str(tmp / "log.sqlite"), *pdf]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = re.search(r"http://\S+/", proc.stdout.readline()).group(0)
    for _ in range(3):
        proc.stdout.readline()
    return proc, url


def volunteer(url: str, i: int, go: threading.Event, results: list) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        form = opener.open(url, timeout=600).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        city, state, zip_ = PEOPLE[i % len(PEOPLE)]
        body = urllib.parse.urlencode({
            "csrf_token": token, "name": f"Volunteer {i}", "street": f"{i} Main Street", "city": city,
            "state": state, "zip": zip_, "email": "",
            "message": f"I am volunteer number {i}; this matters to my family and to me."}).encode()
        go.wait()
        t0 = time.perf_counter()
        page = opener.open(url, data=body, timeout=600).read().decode()    # follows the 303
        seconds = time.perf_counter() - t0
        ok = page.count('class="letter-card"') == 3
        link = re.search(r'href="(/f/[^"]+)">Download Word', page)
        docx = opener.open(urllib.parse.urljoin(url, link.group(1)), timeout=600).read() if link else b""
        pdf_link = (re.search(r'href="(/f/[^"]+)">Print my letters', page)
                    or re.search(r'href="(/f/[^"]+)">Download PDF', page))
        to_pdf = float("nan")
        if pdf_link:
            pdf = b""
            while not pdf.startswith(b"%PDF-"):      # "Your PDF is being made" asks again in 2 s
                resp = opener.open(urllib.parse.urljoin(url, pdf_link.group(1)), timeout=600)
                pdf = resp.read()
                if resp.status != 202:
                    break
                time.sleep(2)
            to_pdf = time.perf_counter() - t0 if pdf[:5] == b"%PDF-" else float("nan")
        results.append((seconds, ok and docx[:2] == b"PK", to_pdf))
    except Exception as exc:      # counted as a volunteer without letters
        results.append((float("nan"), False, float("nan")))
        print(f"volunteer {i}: {type(exc).__name__}: {exc}", file=sys.stderr)


def quantiles(values: list[float]) -> tuple[float, float]:
    """p50 and p95."""
    if not values:
        return float("nan"), float("nan")
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return q[49], q[94]


def run(shared: Path, volunteers: int, workers: int, engine: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="drafter-bench-serve-") as tmp:
        proc, url = start(shared, workers, engine, Path(tmp))
        try:
            go = threading.Event()
            results: list = []
            threads = [threading.Thread(target=volunteer, args=(url, i, go, results)) for i in range(volunteers)]
            for t in threads:
                t.start()
            time.sleep(1.0)          # every client has its form: release them together
            started = time.perf_counter()
            go.set()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    times = sorted(s for s, ok, _ in results if ok)
    pdfs = sorted(p for _, ok, p in results if ok and p == p)      # p == p: not NaN
    p50, p95 = quantiles(times)
    pdf50, pdf95 = quantiles(pdfs)
    return {"mode": MODES[engine], "engine": engine, "ok": len(times), "n": volunteers, "p50": p50, "p95": p95,
            "max": max(times or [0]), "wall": wall, "pdfs": len(pdfs), "pdf50": pdf50, "pdf95": pdf95}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--volunteers", type=int, default=50)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--engines", default=",".join(ENGINES),
                    help="which runs, in order: none (no PDFs), typst, libreoffice [default: all three]")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not engines or set(engines) - set(ENGINES):
        ap.error(f"--engines: choose from {', '.join(ENGINES)}")
    rows = [run(args.shared, args.volunteers, args.workers, e) for e in engines]
    print(f"{args.volunteers} volunteers at once, {args.workers} server threads, 3 letters each\n")
    print("| formats | got their letters | submit → letters page p50 | p95 | slowest | all done in "
          "| got a PDF | submit → PDF in hand p50 | p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        pdf = ("| – | – | – |" if r["engine"] == "none" else
               f"| {r['pdfs']}/{r['n']} | {r['pdf50']:.2f} s | {r['pdf95']:.2f} s |")
        print(f"| {r['mode']} | {r['ok']}/{r['n']} | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s "
              f"| {r['wall']:.1f} s {pdf}")
    if any(r["ok"] != r["n"] or (r["engine"] != "none" and r["pdfs"] != r["n"]) for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
