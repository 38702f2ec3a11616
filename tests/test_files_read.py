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

@pytest.mark.parametrize("date", ["2026", "2026-03", '"2026-03"'])
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

@pytest.mark.parametrize("anchor", ["", "anchored: &a 1\n"])
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
