"""Property-based tests: arbitrary Unicode in recipient, signer and evidence fields.

Every draft either passes ../shared/tools/docx_check.py (the ECMA-376 schemas, as a strict
consumer reads them) or the run ends with exit 1 and a clear message; never a traceback.
"""
from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, SHARED, docx_text, need
from drafter.campaign.load import load_campaign, load_letter
from drafter.compose.composer import Composer
from drafter.formats.outputs import docx_bytes
from drafter.errors import DrafterError
from drafter.campaign.models import Source

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Everything Unicode has, surrogates and controls included, with the scripts users write in
# drawn more often: Tibetan, Chinese, right-to-left marks and Hebrew/Arabic, XML's specials.
ANY_CHAR = st.characters(blacklist_categories=())
SCRIPTS = st.sampled_from(list("བོད་ཀྱིམིདམངས་ཞིབ༄༅།西藏自治区公安厅\u200e\u200f\u202e\u05d0\u0627<>&\"']]\x00\x0b\ud800\udfff\ufffe\t\n"))
TEXT = st.text(st.one_of(ANY_CHAR, SCRIPTS), max_size=60)
NONEMPTY = TEXT.filter(lambda s: s.strip())


def _docx_check():
    need((SHARED / "tools" / "docx_check.py").is_file(), "../shared/tools/docx_check.py")
    sys.path.insert(0, str(SHARED / "tools"))
    try:
        from docx_check import check
    except ImportError as exc:       # lxml missing
        need(False, f"docx_check ({exc})")
    return check


@pytest.fixture(scope="module")
def check():
    return _docx_check()


@pytest.fixture(scope="module")
def composer():
    campaign = load_campaign(REPO)
    return Composer(campaign, load_letter(campaign, "company-ceo"))


def assert_valid_or_clear_error(check, make_letter) -> None:
    try:
        data = docx_bytes(make_letter())
    except DrafterError as exc:
        assert str(exc).strip(), "an error without a message"
        return
    problems, facts = check(io.BytesIO(data))
    assert problems == [], problems
    assert facts["footnotes"] >= 1


@SETTINGS
@given(name=NONEMPTY, title=TEXT, organization=TEXT, address=st.lists(TEXT, max_size=3), courtesy=TEXT)
def test_any_recipient_text_gives_a_valid_draft(check, composer, name, title, organization, address, courtesy):
    base = composer.campaign.recipients["casper"]
    recipient = dataclasses.replace(base, name=name, title=title or None, organization=organization or None,
                                    address=tuple(address), courtesy=courtesy or None)
    assert_valid_or_clear_error(check, lambda: composer.compose([recipient]))


@SETTINGS
@given(lines=st.lists(st.tuples(NONEMPTY, TEXT, TEXT), min_size=1, max_size=4), cc=st.lists(TEXT, max_size=2))
def test_any_signer_text_gives_a_valid_draft(check, composer, lines, cc):
    recipient = composer.campaign.recipients["casper"]
    signatures = tuple(tuple(x for x in sig if x) for sig in lines)

    def make():
        letter = composer.compose([recipient], signatures=signatures)
        return dataclasses.replace(letter, cc=tuple(cc), author=lines[0][0], title=lines[0][1] or "t")
    assert_valid_or_clear_error(check, make)


@SETTINGS
@given(text=NONEMPTY, title=NONEMPTY, publisher=TEXT, locator=TEXT, family=NONEMPTY)
def test_any_evidence_text_gives_a_valid_draft(check, composer, text, title, publisher, locator, family):
    ev = composer.campaign.evidence
    old_snippet, old_source = ev.snippets["dna-scale"], ev.sources["citizenlab-2022"]
    csl = dict(old_source.csl, title=title, author=[{"family": family, "given": "E."}])
    if publisher:
        csl["publisher"] = publisher
    ev.snippets["dna-scale"] = dataclasses.replace(old_snippet, text=text, locator=locator or None)
    ev.sources["citizenlab-2022"] = Source(old_source.id, csl)
    try:
        assert_valid_or_clear_error(check, lambda: composer.compose([composer.campaign.recipients["casper"]]))
    finally:
        ev.snippets["dna-scale"], ev.sources["citizenlab-2022"] = old_snippet, old_source


# Through the files and the command line: what a user can actually type into the YAML.

@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, organization=TEXT, signer=TEXT, snippet=TEXT)
def test_any_yaml_text_through_the_cli(check, campaign, tmp_path_factory, name, organization, signer, snippet):
    people = yaml.safe_load((REPO / "recipients.yaml").read_text())
    people["recipients"]["casper"].update(name=name, organization=organization)
    people["signers"]["merkley-2022"]["name"] = signer
    evidence = yaml.safe_load((REPO / "evidence.yaml").read_text())
    evidence["snippets"]["dna-scale"]["text"] = snippet
    (campaign / "recipients.yaml").write_text(yaml.safe_dump(people, allow_unicode=True), encoding="utf-8")
    (campaign / "evidence.yaml").write_text(yaml.safe_dump(evidence, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("d")
    result = CliRunner().invoke(__import__("drafter.cli", fromlist=["main"]).main,
                                ["-C", str(campaign), "draft", "company-ceo", "-o", str(out)],
                                catch_exceptions=False)
    files = sorted(out.iterdir())
    if result.exit_code == 1:
        assert result.output.startswith("error: ") and "Traceback" not in result.output, result.output
        assert files == []
        return
    assert result.exit_code == 0, result.output
    [path] = files
    problems, _ = check(path)
    assert problems == [], problems



# A volunteer's own words (drafter batch): printed exactly as typed, whatever they hold.

# Markdown and Jinja punctuation, quotes, indentation and blank lines drawn often; any other
# character (controls included) too. Bidirectional controls come only in balanced pairs here:
# unbalanced ones are removed on purpose (test_batch.py::test_controls_and_unbalanced_bidi_...).
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PUNCT = st.sampled_from(list("*_`#>[]()!<&;\\{}%$|~^-+=.:'\"“”‘’ \t\n\n    1)") +
                         ["{{ 7*7 }}", "{% if x %}", "{#", "&amp;", "&#32;", "    ", "\r\n", "- ", "1. ",
                          "<b>", "[x](http://example.org)", "***", "---", "```", "\\*"])
_CHAR = st.characters(blacklist_categories=("Cs",)).filter(lambda c: c not in _BIDI)
_PAIR = st.tuples(st.sampled_from(["\u202b", "\u202e", "\u2067", "\u2068"]), st.text(_CHAR, max_size=5)).map(
    lambda p: p[0] + " ".join(p[1].splitlines()) + ("\u202c" if p[0] in "\u202a\u202b\u202d\u202e" else "\u2069"))
VOLUNTEER_TEXT = st.lists(st.one_of(_PUNCT, _CHAR, _PAIR, st.text(_CHAR, max_size=8)), max_size=30).map("".join)


def _as_printed(note: str) -> list[str]:
    """What the letter must hold: each line as typed, less control characters and blank lines."""
    lines = ("".join(ch for ch in line if ch == "\t" or unicodedata.category(ch) != "Cc"
                     and ch not in "\ufffe\uffff") for line in note.splitlines())
    return [line for line in lines if line.strip()]


@pytest.fixture(scope="module")
def batch_setup(tmp_path_factory):
    need(SHARED.is_dir(), str(SHARED))
    from drafter.people.constituents import Legislators
    campaign = tmp_path_factory.mktemp("campaign")
    for name in ("evidence.yaml", "recipients.yaml", "asks.yaml"):
        (campaign / name).write_bytes((REPO / name).read_bytes())
    shutil.copytree(REPO / "letters", campaign / "letters")
    return campaign, Legislators.load(SHARED / "data/congress-legislators/legislators-current.yaml")


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=VOLUNTEER_TEXT)
def test_a_volunteers_note_is_printed_verbatim(check, batch_setup, tmp_path_factory, note):
    """Found in the .docx, the .txt, and the .md once rendered as CommonMark, line by line."""
    from markdown_it import MarkdownIt
    from drafter.commands.batch import run_batch
    expected = _as_printed(note)
    campaign, legislators = batch_setup
    folder = tmp_path_factory.mktemp("b")
    people = folder / "people.csv"
    with open(people, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Name", "Street", "City", "State", "ZIP", "Note"],
                                  ["Jamie Demo", "3 Ash St", "Washington", "DC", "20001", note]])
    report = run_batch(campaign, "constituent", people, legislators, out_dir=folder / "out",
                       formats=("docx", "txt", "md"))
    [stem] = {Path(r.file).stem for r in report.records if r.file}
    out = folder / "out"
    docx = out / f"{stem}.docx"
    problems, _ = check(docx)
    assert problems == [], problems
    printed = {
        "docx": docx_text(docx).split("\n"),
        "txt": (out / f"{stem}.txt").read_text(encoding="utf-8").split("\n"),
        "md": [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(
            r"<p>(.*?)</p>", MarkdownIt("commonmark").render((out / f"{stem}.md").read_text(encoding="utf-8")),
            re.S)],
    }
    for fmt, paragraphs in printed.items():
        for line in expected:
            assert line in paragraphs, (fmt, line, paragraphs)
