"""Files drafter reads, as a careless organiser or an attacker writes them: a letter's date, a
YAML file of millions of tiny items, a FIFO in a batch's output folder."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter.cli import main


def run(campaign: Path, *args):
    return CliRunner().invoke(main, ["-C", str(campaign), *map(str, args)])


def failed(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    for word in words:
        assert word in result.output, result.output


# A letter's date ------------------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2026", "2026-03", '"2026-03"'], ids=["year", "year-month", "quoted"])
def test_a_letter_date_must_be_a_full_date_or_today(campaign, tmp_path, date):
    """`date: 2026` printed "January 1, 2026" without a word; now draft and check both refuse it."""
    spec = campaign / "letters" / "company-ceo.yaml"
    spec.write_text(spec.read_text().replace("date: 2022-12-15", f"date: {date}"))
    out = tmp_path / "out"
    failed(run(campaign, "draft", "company-ceo", "-o", out),
           "company-ceo.yaml:3", "write a full date YYYY-MM-DD or 'today'")
    assert not out.exists()
    failed(run(campaign, "check"), "company-ceo.yaml:3", "write a full date YYYY-MM-DD or 'today'")


# A YAML file of millions of tiny items --------------------------------------------------------

@pytest.mark.parametrize("anchor", ["", "anchored: &a 1\n"], ids=["plain", "anchored"])
def test_millions_of_tiny_yaml_items_are_refused_fast(campaign, tmp_path, anchor):
    """3,000,000 items in 6 MB (under the 64 MiB limit) took half a minute and gigabytes, or ended
    in a MemoryError; with an anchor anywhere, the whole node tree was composed first."""
    import time
    path = campaign / "evidence.yaml"
    text = path.read_text() + anchor
    line = text.count("\n") + 1
    path.write_text(text + "padding: [" + ",".join(["1"] * 3_000_000) + "]\n")
    assert path.stat().st_size > 6_000_000
    start = time.monotonic()
    failed(run(campaign, "draft", "company-ceo", "-o", tmp_path / "out"),
           f"evidence.yaml:{line}:", "more than 500,000 values")
    assert time.monotonic() - start < 15


# A FIFO or link at one letter's path in a batch folder ----------------------------------------

@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "dangling", "link_out"])
def test_a_special_file_at_one_letters_path_is_that_letters_conflict(campaign, shared, tmp_path, kind):
    """A FIFO stopped the whole batch (and opening it would hang); /dev/zero never ends, a link
    writes elsewhere. Now it is that letter's conflict, never opened, and the rest is written."""
    import csv
    import os
    import subprocess
    import sys
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    repo = Path(__file__).resolve().parent.parent
    out = tmp_path / "out"

    def batch():
        return subprocess.run([sys.executable, "-m", "drafter", "-C", str(campaign), "batch", "constituent",
                               "--constituents", str(repo / "examples/constituents.csv"), "--legislators",
                               str(shared / "data/congress-legislators/legislators-current.yaml"),
                               "--zip-districts", str(shared / "data/zip-districts/zccd.csv"), "-o", str(out)],
                              env=dict(os.environ, PYTHONPATH=str(repo)), capture_output=True, text=True,
                              timeout=120)

    def manifest():
        with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    assert batch().returncode == 0
    letters = sorted(r["file"] for r in manifest() if r["file"])
    target = out / letters[3]
    for path in out.iterdir():
        path.unlink()
    outside = tmp_path / "outside.docx"
    {"fifo": lambda: os.mkfifo(target), "dev_zero": lambda: target.symlink_to("/dev/zero"),
     "dangling": lambda: target.symlink_to(tmp_path / "gone"),
     "link_out": lambda: target.symlink_to(outside)}[kind]()
    proc = batch()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"conflict: {target}" in proc.stderr and "1 existing letter(s)" in proc.stderr
    assert "drafter neither reads nor writes through it" in proc.stderr and "differs from this letter" not in proc.stderr
    assert "--force never writes through them" in proc.stderr
    rows = manifest()
    assert [r["status"] for r in rows if r["file"] == target.name] == ["conflict"]
    assert sorted(r["file"] for r in rows if r["status"] == "written") == [n for n in letters if n != target.name]
    assert all((out / n).is_file() and not (out / n).is_symlink() for n in letters if n != target.name)
    assert target.is_symlink() or kind == "fifo" and not target.is_file()
    assert not outside.exists() and not list(out.glob(".drafter-*"))
