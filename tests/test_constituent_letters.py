"""A constituent letter an office counts as the constituent's own (issue 24, PRODUCT.md
"Constituent letters"): the writer's address at the top, their own words before the campaign's
evidence, one ask whose instrument the Re: line names, the talking points they picked, and the
example volunteers' letters below 0.5 similar to each other letter to the same office."""
from __future__ import annotations

import csv
import re
import subprocess
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SHARED, copy_campaign, docx_text, need
from drafter.cli import main
from drafter.compose.similarity import THRESHOLD, similarity

LEGISLATORS = SHARED / "data/congress-legislators/legislators-current.yaml"
ZIPS = SHARED / "data/zip-districts/zccd.csv"
EXAMPLE = REPO / "examples/constituents.csv"
RE_LINE = "Re: A letter to the Secretary of Commerce on adding the TAR Public Security Bureaus to the Entity List"


def batch(campaign: Path, out: Path, people: Path = EXAMPLE, *formats: str):
    args = ["-C", str(campaign), "batch", "constituent", "--constituents", str(people), "--legislators",
            str(LEGISLATORS), "--zip-districts", str(ZIPS), "-o", str(out)]
    for f in formats or ("txt",):
        args += ["--format", f]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def people() -> list[dict]:
    with open(EXAMPLE, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows_of(out: Path, name: str) -> list[dict]:
    with open(out / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def body(text: str) -> str:
    """The letter from its salutation to its closing: what the similarity measure reads."""
    return text[text.index("\nDear "):text.index("\nSincerely,")]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example batch in all three formats: (out, letters as {file stem: row})."""
    need(LEGISLATORS.is_file() and ZIPS.is_file(), str(LEGISLATORS))
    folder = tmp_path_factory.mktemp("constituent")
    campaign, out = copy_campaign(folder), folder / "out"
    result = batch(campaign, out, EXAMPLE, "docx", "pdf", "txt")
    assert result.exit_code == 0, result.output
    return out, rows_of(out, "manifest.csv")


def test_the_example_volunteers_write_in_their_own_words():
    """Twelve people, each with at least 50 words of their own; at least four pairs write to
    the same office (the same state and House district)."""
    rows = people()
    assert len(rows) == 12
    assert all(len(r["Your message"].split()) >= 50 for r in rows), [r["Full name"] for r in rows]
    places = defaultdict(list)
    for r in rows:
        places[(r["State"][:2].upper(), r["City"] if r["State"] != "WY" else "WY")].append(r["Full name"])
    assert sum(len(names) >= 2 for names in places.values()) >= 4, places
    assert sum(bool(r["Points"]) for r in rows) >= 4


def test_no_two_letters_to_one_office_read_alike(example):
    """Every letter below 0.5 similar (exact Jaccard over five-word sequences) to every other
    letter to the same office, while each still carries the campaign's sourced facts (notes)
    and one concrete ask."""
    out, manifest = example
    by_office = defaultdict(list)
    for r in manifest:
        if r["file"].endswith(".txt"):
            by_office[r["member"]].append((out / r["file"]).read_text(encoding="utf-8"))
    assert sum(len(v) for v in by_office.values()) == 31
    shared_offices = [m for m, letters in by_office.items() if len(letters) >= 2]
    assert len(shared_offices) >= 4
    for member in shared_offices:
        for a, b in combinations(by_office[member], 2):
            assert similarity(body(a), body(b)) < THRESHOLD, member
    for letters in by_office.values():
        for text in letters:
            assert text.count("I ask that you ") == 1
            assert "[1]" in body(text) and "\nSources\n" in text
    assert max(float(r["similarity"] or 0) for r in rows_of(out, "similarity.csv")) < THRESHOLD


def _before(text: str, first: str, then: str) -> bool:
    flat = " ".join(text.split())
    return first in flat and then in flat and flat.index(first) < flat.index(then)


def test_every_format_has_the_return_address_at_the_top_and_own_words_before_the_evidence(example):
    """Read back from .docx (python-docx), the Typst PDF (pdftotext) and .txt: the writer's
    name, street, city and email above the date; their words before the first footnoted fact;
    the ask's instrument in the Re: line; signed with the name."""
    import docx
    out, manifest = example
    by_name = {r["Full name"]: r for r in people()}
    letters = {r["file"].rsplit(".", 1)[0]: r for r in manifest if r["file"].endswith(".txt")}
    assert len(letters) == 31
    for stem, r in letters.items():
        person = by_name[r["constituent"]]
        first_words = " ".join(person["Your message"].split()[:8])
        top = [person["Full name"], person["Street address"]] + ([person["Email"]] if person["Email"] else [])
        texts = {".txt": (out / (stem + ".txt")).read_text(encoding="utf-8"),
                 ".pdf": pdf_text(out / (stem + ".pdf"))}
        document = docx.Document(str(out / (stem + ".docx")))
        paras = [p for p in document.paragraphs if p.text.strip()]
        assert paras[0].style.name == "Return Address"
        assert paras[1].style.name == "Date"
        texts[".docx"] = "\n".join(p.text for p in paras)
        for suffix, text in texts.items():
            head = text[:text.index("Dear ")]
            date_at = re.search(r"\b[A-Z][a-z]+ \d{1,2}, \d{4}\b", head).start()
            for line in top:
                assert line in head[:date_at], (stem, suffix, line)
            assert " ".join(RE_LINE.split()) in " ".join(head.split()), (stem, suffix)
            assert _before(text, "As your constituent in ", first_words), (stem, suffix)
            # the volunteer's words come before the campaign's first fact (the one footnoted)
            fact = re.search(r"(?m)^(?:A report from Lhasa|Between June 2016|Freedom House|Collection drives|"
                             r"The Secretary of State said|“We)", text)
            assert fact and _before(text, first_words, fact.group(0)), (stem, suffix)
            assert re.search(r"Sincerely,\s+" + re.escape(person["Full name"]), text), (stem, suffix)


def test_talking_points_are_made_as_picked_in_the_writers_order(example):
    """Lhakpa picked "scale; least-free", Yeshi "us-concern; children", Pema none (the default:
    scale); no letter makes a point its writer did not pick."""
    out, manifest = example

    def text(name):
        [f] = [r["file"] for r in manifest if r["constituent"] == name and r["file"].endswith(".txt")][:1]
        return " ".join((out / f).read_text(encoding="utf-8").split())

    lhakpa, yeshi, pema = text("Lhakpa Dorje"), text("Yeshi Norbu"), text("Pema Example")
    assert lhakpa.index("Between June 2016") < lhakpa.index("Freedom House ranks Tibet")
    assert "kindergartens" not in lhakpa and "We're also concerned" not in lhakpa
    assert yeshi.index("The Secretary of State said in May 2023:") < yeshi.index("kindergartens")
    assert "Between June 2016" not in yeshi
    assert "Between June 2016" in pema and "kindergartens" not in pema and "Freedom House" not in pema


def test_an_unknown_point_sends_the_row_to_review_with_the_reason(campaign, tmp_path):
    rows = [["Full name", "Street address", "City", "State", "ZIP", "Points", "Your message"],
            ["Ama Example", "1 Elm Street", "Cheyenne", "WY", "82001", "children; 2; climate", "words"],
            ["Pasang Example", "2 Elm Street", "Cheyenne", "WY", "82001", "9", "words"],
            ["Dawa Example", "3 Elm Street", "Cheyenne", "WY", "82001", "3; least-free", "words"],
            ["Norbu Example", "4 Elm Street", "Cheyenne", "WY", "82001", "", ""]]
    path = tmp_path / "people.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = batch(campaign, tmp_path / "out", path)
    assert result.exit_code == 0, result.output
    review = {r["name"]: r["reason"] for r in rows_of(tmp_path / "out", "needs-review.csv")}
    assert set(review) == {"Ama Example", "Pasang Example"}
    assert "no talking point 'climate' in letter 'constituent' (it has: 1 scale, 2 children" in review["Ama Example"]
    assert "no talking point '9'" in review["Pasang Example"]
    [dawa] = [f for f in (tmp_path / "out").glob("dawa-example-*-B001261.txt")]
    made = " ".join(dawa.read_text(encoding="utf-8").split())
    # point 3 (no-refusal) then least-free, as picked
    assert made.index("Collection drives took place") < made.index("Freedom House ranks Tibet")
    # no message, no message paragraph: from the opening straight to the default point
    [norbu] = [f for f in (tmp_path / "out").glob("norbu-example-*-B001261.txt")]
    assert "Republic of China.\n\nBetween June 2016" in norbu.read_text(encoding="utf-8")


def test_point_choice_through_the_compose_api(campaign):
    """What the volunteers' page calls: ids or numbers, in order; none picked gives the default;
    an unknown one is a ValueError naming the points there are."""
    from drafter.campaign.load import load_campaign, load_letter
    from drafter.compose.composer import chosen_points, default_points
    spec = load_letter(load_campaign(campaign), "constituent")
    assert [p.id for p in chosen_points(spec, ("least-free", "1"))] == ["least-free", "scale"]
    assert [p.id for p in chosen_points(spec, ())] == [p.id for p in default_points(spec)] == ["scale"]
    with pytest.raises(ValueError, match="no talking point 'x'"):
        chosen_points(spec, ("x",))


def _check(campaign: Path) -> str:
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    return result.output


def test_check_warns_on_an_ask_without_instrument_and_refuses_a_role_that_cannot_act(campaign):
    asks = campaign / "asks.yaml"
    text = asks.read_text()
    asks.write_text(text.replace("""    instrument:
      kind: agency-letter
      to: the Secretary of Commerce
      title: adding the TAR Public Security Bureaus to the Entity List""", "") + """
  vote:
    for: {role: [representative, delegate]}
    text: Vote for the bill.
    instrument: {kind: bill, congress: 118, type: hr, number: 1, title: A bill, action: vote}
""")
    said = _check(campaign)
    assert "warning: ask 'write-to-commerce' goes in constituent letters but names no instrument" in said
    assert "warning: ask 'vote' names the bill H.R. 1 in its instrument but not in its text" in said
    assert re.search(r"asks\.yaml:\d+:\d+: error: ask 'vote' asks its recipients to vote on the final passage of "
                     r"H\.R\. 1, A bill \(118th Congress\), which a delegate cannot do", said), said


def test_check_reports_an_unknown_snippet_in_a_talking_point(campaign):
    spec = campaign / "letters/constituent.yaml"
    spec.write_text(spec.read_text().replace("snippets: [tibet-least-free]", "snippets: [tibet-leest-free]"))
    said = _check(campaign)
    assert re.search(r"letters/constituent\.yaml:\d+:\d+: error: talking point 'least-free' names unknown "
                     r"snippet 'tibet-leest-free'", said), said


def test_the_re_line_names_a_bill(campaign, tmp_path):
    """A bill instrument is cited as congress.gov does: type, number, title, Congress."""
    from drafter.campaign.models import Instrument
    bill = Instrument(kind="bill", title="Example Act", action="cosponsor", congress=119, type="s", number=12)
    assert bill.citation() == "S. 12, Example Act (119th Congress)"
    assert bill.can_act("senator") and not bill.can_act("representative")
    vote = Instrument(kind="bill", title="Example Act", action="vote", congress=119, type="hr", number=12)
    assert vote.can_act("representative") and not vote.can_act("delegate")
    assert not vote.can_act("resident-commissioner")
