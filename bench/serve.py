"""50 volunteers at once on `drafter serve` (127.0.0.1): do all get their letters, and how long
from pressing "Make my letters" to the letters page?

    python3 bench/serve.py [--volunteers 50] [--workers 8] [--pdf] [--shared ../shared]

Starts `drafter serve` in its own process (waitress, --workers threads) on a free port, then
runs one client thread per volunteer, all released at once: each opens the form, submits it
(the time measured runs from the submit to the letters page, redirect included), opens the
letters page and downloads its first .docx. Volunteers write from ZIPs with one district
(three letters each). Without --pdf the server makes .docx and .txt; with --pdf, PDFs and
envelopes through LibreOffice as well (one LibreOffice at a time: the server bounds it).
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


def start(shared: Path, workers: int, pdf: bool, tmp: Path) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "drafter", "-C", str(REPO), "serve", "constituent",
           "--legislators", str(shared / "data/congress-legislators/legislators-current.yaml"),
           "--zip-districts", str(shared / "data/zip-districts/zccd.csv"), "--port", "0",
           "--workers", str(workers), "--log", str(tmp / "log.sqlite"), "--pdf" if pdf else "--no-pdf"]
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
        link = re.search(r'href="(/f/[^"]+)"', page)
        docx = opener.open(urllib.parse.urljoin(url, link.group(1)), timeout=600).read() if link else b""
        results.append((seconds, ok and docx[:2] == b"PK"))
    except Exception as exc:      # counted as a volunteer without letters
        results.append((float("nan"), False))
        print(f"volunteer {i}: {type(exc).__name__}: {exc}", file=sys.stderr)


def run(shared: Path, volunteers: int, workers: int, pdf: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="drafter-bench-serve-") as tmp:
        proc, url = start(shared, workers, pdf, Path(tmp))
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
    times = sorted(s for s, ok in results if ok)
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    return {"mode": "docx + txt + PDF + envelopes" if pdf else "docx + txt", "ok": len(times),
            "n": volunteers, "p50": q[49], "p95": q[94], "max": max(times or [0]), "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--volunteers", type=int, default=50)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--pdf", action="store_true", help="also time the run with PDFs (LibreOffice)")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    rows = [run(args.shared, args.volunteers, args.workers, False)]
    if args.pdf:
        rows.append(run(args.shared, args.volunteers, args.workers, True))
    print(f"{args.volunteers} volunteers at once, {args.workers} server threads, 3 letters each\n")
    print("| formats | got their letters | submit → letters page p50 | p95 | slowest | all done in |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['mode']} | {r['ok']}/{r['n']} | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s "
              f"| {r['wall']:.1f} s |")
    if any(r["ok"] != r["n"] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
