"""The example campaign says only what its sources carry (issue 26): every claim, title, date and
URL agrees with ../shared/design/sources.yaml, the asks rest on sourced paragraphs, and nobody is
told what their own office did or does."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import copy_campaign, docx_text, need
from drafter.campaign.load import load_campaign
from drafter.cli import main
from drafter.compose.citations import Citer, CiteItem

REPO = Path(__file__).resolve().parent.parent
CECC_ASK_WORDS = "the officials responsible for the forced separation of Tibetan children from their families"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict[str, str]:
    """Every letter and kit of the example campaign as text: joint, each, company, constituent."""
    tmp = tmp_path_factory.mktemp("example")
    root = copy_campaign(tmp)
    (root / "letters/templates/kit-factsheet.md.j2").unlink()    # its page count needs LibreOffice
    texts = {}
    for name, args in (("joint", ["erc-entity-list"]), ("each", ["erc-entity-list", "--each"]),
                       ("company", ["company-ceo"])):
        out = tmp / name
        result = run("-C", root, "draft", *args, "--format", "txt", "--format", "docx", "-o", out)
        assert result.exit_code == 0, result.output
        for p in out.glob("*.txt"):
            texts[p.stem] = p.read_text()
        for p in out.glob("*.docx"):
            texts[p.stem + ".comments"] = docx_text(p, "word/comments.xml")
    for spec in ("erc-entity-list", "company-ceo"):
        result = run("-C", root, "kit", spec, "-o", tmp / f"kit-{spec}")
        assert result.exit_code == 0, result.output
        for p in (tmp / f"kit-{spec}").glob("*.txt"):
            texts[f"kit-{spec}-{p.stem}"] = p.read_text()
    people = tmp / "people.csv"
    people.write_text("name,street,city,state,zip,district,email,note\n"
                      "Pema Example,12 Main Street,Portland,OR,97201,1,,My family is in Lhasa.\n")
    result = run("-C", root, "batch", "constituent", "--constituents", people, "--legislators",
                 REPO.parent / "shared/data/congress-legislators/legislators-current.yaml",
                 "--format", "txt", "-o", tmp / "batch")
    assert result.exit_code == 0, result.output
    for p in (tmp / "batch").glob("*.txt"):
        texts["constituent-" + p.stem] = p.read_text()
    return texts


def sources_yaml() -> dict[str, dict[str, str]]:
    """The checked records' top-level scalar fields by id. The file is notes as much as YAML (a
    fact may hold a colon), so its records are read line by line."""
    path = REPO.parent / "shared/design/sources.yaml"
    need(path.is_file(), f"{path} (the checked source records)")
    records: dict[str, dict[str, str]] = {}
    for chunk in path.read_text().split("\n- id: ")[1:]:
        sid, *lines = chunk.splitlines()
        fields = {}
        for line in lines:
            m = re.match(r"^  ([\w-]+): (.+)$", line)
            if m:
                value = re.sub(r"\s+#.*$", "", m.group(2)).strip()
                fields[m.group(1)] = value[1:-1] if value[:1] == value[-1:] == '"' else value
        records[sid.strip()] = fields
    return records


def body(text: str) -> str:
    return text.split("\nSources\n")[0]


def test_no_sentence_without_a_source(example):
    assert len([k for k in example if k.startswith("constituent-")]) == 3
    for name, text in example.items():
        assert "without precedent" not in text, name
        assert "restricted visas" not in text and "has done before" not in text, name


def test_the_visa_statement_announced_steps_and_the_secretary_is_not_told_it_as_news(example):
    joint = body(example["2023-10-23-erc-entity-list-raimondo-yellen-blinken"])
    assert ("On August 22, 2023, the Department of State announced steps to impose visa restrictions under "
            "section 212(a)(3)(C) of the Immigration and Nationality Act on PRC officials") in joint
    blinken = body(example["2023-10-23-erc-entity-list-blinken"])
    assert "We welcome your announcement of August 22, 2023, that the Department would take steps" in blinken
    assert "the Department of State announced" not in blinken


def test_the_sanctions_and_visa_asks_rest_on_the_boarding_school_paragraph(example):
    for who, asks in (("raimondo-yellen-blinken", 2), ("yellen", 1), ("blinken", 1)):
        text = body(example[f"2023-10-23-erc-entity-list-{who}"])
        paragraph = text.index("More than one million Tibetan children are in government-run boarding schools")
        assert text.count(CECC_ASK_WORDS) == asks, who
        assert paragraph < text.index(CECC_ASK_WORDS), who
        # the ask cites the paragraph it rests on, without saying it again
        assert re.search(re.escape(CECC_ASK_WORDS) + r"\.\[\d+\]\n", text), who
    raimondo = body(example["2023-10-23-erc-entity-list-raimondo"])
    assert "boarding schools" not in raimondo and CECC_ASK_WORDS not in raimondo


def test_asks_keep_the_commissions_words_and_are_not_fused_with_lectures(example):
    raimondo = body(example["2023-10-23-erc-entity-list-raimondo"])
    assert "chaired by the Department of Commerce" not in raimondo and "Commerce (chair" not in raimondo
    assert "The End-User Review Committee adds entities to the Entity List by majority vote.[" in raimondo
    assert re.search(r"to the Entity List through the End-User Review Committee\.\[\d+\]\n", raimondo)
    yellen = body(example["2023-10-23-erc-entity-list-yellen"])
    assert "Executive Order 13818" not in yellen and "blocks the property" not in yellen
    asks = yaml.safe_load((REPO / "asks.yaml").read_text())["asks"]
    assert CECC_ASK_WORDS in asks["global-magnitsky"]["text"] and CECC_ASK_WORDS in asks["visa-restrictions"]["text"]


def test_snippets_are_in_a_neutral_voice():
    for folder in (REPO, REPO / "drafter/starter"):
        snippets = yaml.safe_load((folder / "evidence.yaml").read_text())["snippets"]
        for nid, s in snippets.items():
            assert not re.search(r"\b(we|our|us|the Commission)\b", s["text"].replace("We're", ""), re.I), (folder, nid)


def test_notes_follow_sources_yaml(example):
    """Titles, places and URLs as the checked records give them; no title they mark unconfirmed
    is quoted."""
    checked = sources_yaml()
    campaign = load_campaign(REPO)
    citer = Citer(campaign.evidence)
    for sid, source in campaign.evidence.sources.items():
        record = checked[sid]
        assert source.url == record.get("URL"), sid
        [note] = citer.notes([(CiteItem(sid),)])
        text = "".join(r.text for r in note)
        if record.get("URL"):
            assert any(r.link == record["URL"] for r in note), sid
        if record.get("publisher-place") and record["type"] == "report":
            assert f"({record['publisher-place']}: " in text, sid
        if sid == "state-visa-2023":    # its title is descriptive, not the statement's own
            assert text == ("U.S. Department of State, Visa restrictions on PRC officials involved in the forcible "
                            "assimilation of Tibetan children in boarding schools, press statement, August 22, 2023.")
    speech = "".join(r.text for r in citer.notes([(CiteItem("blinken-2023-freedom-awards"),)])[0])
    assert speech == (f"Antony J. Blinken, “{checked['blinken-2023-freedom-awards']['title']}” (speech, Washington, "
                      "DC, May 9, 2023), U.S. Department of State.")
    joint = example["2023-10-23-erc-entity-list-raimondo-yellen-blinken"]
    assert ("15 C.F.R. § 744.11 (2023); 15 C.F.R. pt. 744, supp. no. 5 (2023).") in joint
    assert "Freedom House, Freedom in the World 2023 (Washington, DC: Freedom House, 2023)." in joint


def test_a_sources_note_is_a_review_comment_in_the_draft(example):
    comments = example["2023-10-23-erc-entity-list-raimondo-yellen-blinken.comments"]
    assert "Note on source 'ear-744-11': The section heading in the current eCFR may read" in comments
    assert "Note on source 'blinken-2023-freedom-awards': ICT dates the speech May 9, 2023" in comments
