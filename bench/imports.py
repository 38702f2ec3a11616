#!/usr/bin/env python3
"""Time the data imports against their targets: import-congress (2 s for all 537 members),
import-parliament (1 s for all 650 UK MPs) and loading the legislators and ZIP-district files
for a batch.

    python3 bench/imports.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.commands.recipients import import_congress, import_parliament  # noqa: E402
from drafter.people.constituents import Legislators, ZipDistricts  # noqa: E402


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    data = args.shared / "data"
    legislators = data / "congress-legislators" / "legislators-current.yaml"
    membership = data / "congress-legislators" / "committee-membership-current.yaml"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "recipients.yaml"
        report, wall, cpu = timed(lambda: import_congress(target, legislators, membership))
        rows.append(("import-congress, first (537 members)", wall, cpu, 2.0))
        report, wall, cpu = timed(lambda: import_congress(target, legislators, membership))
        rows.append(("import-congress, re-import", wall, cpu, 2.0))
    commons = data / "parliaments" / "gb-commons"
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "recipients.yaml"
        _, wall, cpu = timed(lambda: import_parliament(target, "gb-commons", commons, everyone=True))
        rows.append(("import-parliament gb-commons, first (650)", wall, cpu, 1.0))
        _, wall, cpu = timed(lambda: import_parliament(target, "gb-commons", commons, everyone=True))
        rows.append(("import-parliament gb-commons, re-import", wall, cpu, 1.0))
    _, wall, cpu = timed(lambda: Legislators.load(legislators))
    rows.append(("Legislators.load", wall, cpu, None))
    _, wall, cpu = timed(lambda: ZipDistricts.load(data / "zip-districts" / "zccd.csv"))
    rows.append(("ZipDistricts.load", wall, cpu, None))
    print(f"{'step':<42} {'wall s':>8} {'cpu s':>8} {'target s':>9}")
    for name, wall, cpu, target in rows:
        mark = "" if target is None else ("  ok" if wall < target else "  over")
        print(f"{name:<42} {wall:8.2f} {cpu:8.2f} {target if target else '':>9}{mark}")


if __name__ == "__main__":
    main()
