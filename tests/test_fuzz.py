"""Property-based tests: arbitrary Unicode in recipient, signer and evidence fields.

Every draft either passes ../shared/tools/docx_check.py (the ECMA-376 schemas, as a strict
consumer reads them) or the run ends with exit 1 and a clear message; never a traceback.
"""
from __future__ import annotations

import dataclasses
import io
import sys

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, SHARED, need
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

