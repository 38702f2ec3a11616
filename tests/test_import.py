"""drafter evidence import: CSL-JSON (Zotero) and BibTeX into evidence.yaml, nothing lost."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import docx_text
from drafter.commands.check import check_campaign
from drafter.cli import main
from drafter.errors import DataError
from drafter.commands.imports import import_sources, read_file
from drafter.campaign.yamlsrc import load_yaml
from test_check import EVIDENCE, make_campaign

DATA = Path(__file__).parent / "data"
BIB = DATA / "sources.bib"
ZOTERO = DATA / "zotero-export.json"

COMMENTED = """\
# yaml-language-server: $schema=./evidence.schema.json
# Evidence for the campaign. Keep this comment.

settings:
  stale_after_days: 365   # a year

sources:
  # Reports
  citizenlab-2022:
    type: report
    title: "Mass DNA Collection in the Tibet Autonomous Region from 2016–2022"
    author: [{family: Dirks, given: Emile}]
    issued: 2022-09-13   # publication day

  # Agencies
  thermofisher-halt-2024:
    type: article-newspaper
    title: "Thermo Fisher stops selling DNA kits in Tibet"
    container-title: Axios
    issued: 2024-01

# Snippets follow.
snippets:
  dna-scale:
    text: >-
      Police in the TAR collected roughly 919,282 to
      1,206,962 DNA samples.
    source: citizenlab-2022
"""


def run(root, *args):
    return CliRunner().invoke(main, ["-C", str(root), *args])


def sources_of(path: Path) -> dict:
    return load_yaml(path).data["sources"]


# --- reading ---------------------------------------------------------------------------------

def test_bibtex_entries_convert_to_csl_fields():
    entries = {c.id: c for c in read_file(BIB)}
    assert len(entries) == 13
    assert entries["citizenlab-2022"].fields == {
        "type": "report", "author": [{"family": "Dirks", "given": "Emile"}],
        "title": "Mass DNA Collection in the Tibet Autonomous Region from 2016–2022",
        "publisher": "The Citizen Lab, Munk School of Global Affairs & Public Policy, University of Toronto",
        "URL": "https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/",
        "issued": dt.date(2022, 9, 13), "accessed": dt.date(2023, 10, 20)}
    assert entries["hrw-2022"].fields["author"] == [{"literal": "Human Rights Watch"}]
    assert entries["cecc-2023-letter"].fields["author"] == [{"family": "Smith", "given": "Christopher H."},
                                                            {"family": "Merkley", "given": "Jeff"}]
    assert entries["thermofisher-halt-2024"].fields["type"] == "article-newspaper"
    assert entries["thermofisher-halt-2024"].fields["issued"] == "2024-01"
    assert entries["freedomhouse-2023"].fields["issued"] == 2023
    assert entries["blinken-2023-freedom-awards"].fields["publisher"] == "U.S. Department of State"  # @string
    assert entries["eo-13818"].fields["container-title"] == "Federal Register"
    assert entries["hrw-2022"].origin == "sources.bib:17"


def test_zotero_csl_json_items():
    items = {c.id: c for c in read_file(ZOTERO)}
    # Zotero's ids are URIs, not usable as evidence ids: they are made from author (or title) and year,
    # unless the item has a citation key.
    assert list(items) == ["dirks-2022", "human-rights-watch-2022", "blinken-2023", "freedom-house-2023",
                           "eo-13818", "thermo-fisher-stops-2024"]
    assert items["dirks-2022"].fields["issued"] == dt.date(2022, 9, 13)     # "2022" as text in date-parts
    assert items["freedom-house-2023"].fields["issued"] == 2023
    assert items["thermo-fisher-stops-2024"].fields["issued"] == "2024-01"
    assert items["thermo-fisher-stops-2024"].dropped == ["libraryCatalog"]


def test_unreadable_files(tmp_path):
    bad = tmp_path / "export.json"
    bad.write_text('[{"id": "a", "type": "report",\n "title": }]')
    with pytest.raises(DataError) as info:
        read_file(bad)
    assert (info.value.line, info.value.message.split(":")[0]) == (2, "not valid CSL-JSON")
    other = tmp_path / "notes.txt"
    other.write_text("just text")
    with pytest.raises(DataError, match="cannot tell the format"):
        read_file(other)


# --- importing -------------------------------------------------------------------------------

def test_a_dozen_bibtex_entries_import_into_a_new_library(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("# Our sources\nsources: {}\n")
    report = import_sources(evidence, BIB)
    assert len(report.added) == 12 and report.written == evidence
    assert [(c.id, c.origin, c.problems) for c in report.skipped] == [
        ("zeya-2022", "sources.bib:54", ["entry: 'title' is a required property"])]
    data = sources_of(evidence)
    assert list(data) == report.added
    assert data["hrw-2022"]["issued"] == dt.date(2022, 9, 5)
    text = evidence.read_text()
    assert text.startswith("# Our sources\nsources:\n  citizenlab-2022:\n    type: report\n")
    assert "    author: [{literal: Human Rights Watch}]\n" in text
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.yaml"]   # no temporary file left


def test_existing_entries_and_comments_are_kept(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(COMMENTED)
    report = import_sources(evidence, BIB)
    text = evidence.read_text()
    # Everything that was there is still there, in order, byte for byte.
    lines = iter(text.splitlines())
    assert all(any(line == new for new in lines) for line in COMMENTED.splitlines())
    assert "cecc-2023-letter" in report.added and "citizenlab-2022" in [c.id for c in report.conflicts]
    # New sources go at the end of `sources:`, before the comment that belongs to `snippets:`.
    assert text.index("  ina-212-a-3-c:") < text.index("# Snippets follow.\nsnippets:")
    assert "    issued: 2024-01\n\n  citizenlab-2022" not in text
    assert "    issued: 2024-01\n\n  hrw-2022:\n" in text
    assert "    title: Immigration and Nationality Act, Section 212(a)(3)(C)\n\n# Snippets follow.\n" in text


def test_same_id_same_content_is_unchanged(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("sources: {}\n")
    import_sources(evidence, BIB)
    before = evidence.read_bytes()
    report = import_sources(evidence, BIB)
    assert report.added == [] and len(report.unchanged) == 12 and report.written is None
    assert evidence.read_bytes() == before


def test_conflicts_are_reported_and_not_written(tmp_path):
    root = make_campaign(tmp_path, evidence=COMMENTED)
    result = run(root, "evidence", "import", str(BIB))
    assert result.exit_code == 1
    out = result.output
    # BibTeX title-cases; the library's own title stays until a person decides.
    assert ("sources.bib:37: conflict: thermofisher-halt-2024 is already in evidence.yaml with other content "
            "(left as it is):\n    title:\n      here:   Thermo Fisher stops selling DNA kits in Tibet\n"
            "      import: Thermo Fisher Stops Selling DNA Kits in Tibet\n") in out
    assert "sources.bib:54: skipped zeya-2022: entry: 'title' is a required property" in out
    assert "10 added, 0 unchanged, 2 conflict(s), 1 skipped" in out
    assert f"wrote {root / 'evidence.yaml'}" in out
    data = sources_of(root / "evidence.yaml")
    assert data["thermofisher-halt-2024"]["title"] == "Thermo Fisher stops selling DNA kits in Tibet"
    assert "author" not in data["thermofisher-halt-2024"]


def test_same_url_under_another_id_is_a_conflict(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(EVIDENCE)
    report = import_sources(evidence, ZOTERO)
    [conflict] = [c for c in report.conflicts if c.id == "citizenlab-2022"]
    assert conflict.origin == "zotero-export.json item 1"
    assert [d[0] for d in conflict.differences] == ["publisher", "language"]
    assert "dirks-2022" not in sources_of(evidence)


def test_dry_run_writes_nothing(tmp_path):
    root = make_campaign(tmp_path)
    before = (root / "evidence.yaml").read_bytes()
    result = run(root, "evidence", "import", "--dry-run", str(ZOTERO))
    assert "would add: blinken-2023" in result.output
    assert (root / "evidence.yaml").read_bytes() == before


def test_a_broken_bibtex_entry_is_skipped_with_its_line(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@online{ok-2022, title = {Fine}, year = 2022}\n\n@misc{broken, title = {Unclosed\n"
                   "@online{also-ok, title = {Also fine}}\n")
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("sources: {}\n")
    report = import_sources(evidence, bib)
    assert report.added == ["ok-2022", "also-ok"]
    [skipped] = report.skipped
    assert skipped.origin == "refs.bib:3"
    assert skipped.problems == ["BibTeX syntax error: Unexpected block start: `@online`. "
                                "Was still looking for field-value closing `}`"]


# --- imported sources in a letter ----------------------------------------------------------------

def test_imported_sources_cite_in_a_draft(tmp_path):
    template = ('We write about DNA collection. {{ snippet("dna-scale") }}\n\n'
                'We wrote to you before.{{ cite("cecc-2023-letter") }} '
                'The Entity List rules{{ cite("ear-744-supp-5") }} apply.\n')
    root = make_campaign(tmp_path, evidence=EVIDENCE, template=template)
    found = [f for f in check_campaign(root, today=dt.date(2024, 1, 1)) if f.severity == "error"]
    assert {f.message for f in found} == {"unknown source 'cecc-2023-letter'", "unknown source 'ear-744-supp-5'"}
    result = run(root, "evidence", "import", str(BIB))
    assert "added: cecc-2023-letter" in result.output and "added: ear-744-supp-5" in result.output
    assert [f for f in check_campaign(root, today=dt.date(2024, 1, 1)) if f.severity == "error"] == []
    out = tmp_path / "drafts"
    result = run(root, "draft", "body", "-o", str(out))
    assert result.exit_code == 0, result.output
    [docx] = sorted(out.glob("*.docx"))
    notes = docx_text(docx, "word/footnotes.xml")
    assert "Christopher H. Smith and Jeff Merkley" in notes
    assert ("Letter to Secretaries Raimondo, Yellen, and Blinken on Mass DNA Collection in the Tibet "
            "Autonomous Region") in notes
    # the supplement typed into a BibTeX title, cited in form
    assert "Procedures for End-User Review Committee Entity List Decisions, 15 C.F.R. pt. 744, supp. no. 5." in notes


def test_import_into_a_file_of_comments_only_keeps_them(tmp_path):
    target = tmp_path / "evidence.yaml"
    target.write_text("# Our evidence, kept by the policy team.\n")
    report = import_sources(target, Path(__file__).parent / "data" / "zotero-export.json")
    assert report.written == target
    text = target.read_text()
    assert text.startswith("# Our evidence, kept by the policy team.\n")
    assert load_yaml(target).data["sources"]


# --- the kinds of government documents, imported and cited --------------------------------------

KINDS_BIB = r"""
@legislation{uflpa, title = {Uyghur Forced Labor Prevention Act}, number = {117-78},
  journaltitle = {Stat.}, volume = {135}, pages = {1525--1543}, year = {2021}}
@legislation{ear-744-11, title = {License Requirements That Apply to Entities Acting Contrary to the
  National Security or Foreign Policy Interests of the {United} {States}},
  journaltitle = {C.F.R.}, volume = {15}, section = {744.11}, year = {2023}}
@misc{eo-13818, title = {Blocking the Property of Persons Involved in Serious Human Rights Abuse or Corruption},
  type = {Executive Order}, number = {13818}, journaltitle = {Federal Register}, volume = {82},
  pages = {60839}, date = {2017-12-26}}
@misc{blinken-2023, author = {Blinken, Antony J.}, title = {Remarks at {Freedom} {House}'s Annual {Freedom} {Awards}},
  howpublished = {Speech}, date = {2023-05-09}}
@online{quoted, author = {{Human Rights Watch}}, title = {``No Choice'': `Voluntary' {DNA} Drives in {Tibet}},
  url = {https://example.org/it's}, date = {2022-09-05}}
"""

KINDS_ZOTERO = """[
 {"id": "http://zotero.org/users/1/items/A", "citation-key": "uflpa", "type": "legislation",
  "title": "Uyghur Forced Labor Prevention Act", "number": "117-78", "container-title": "Statutes at Large",
  "volume": "135", "page": "1525", "issued": {"date-parts": [["2021"]]}},
 {"id": "http://zotero.org/users/1/items/B", "citation-key": "usc-1307", "type": "legislation",
  "title": "Tariff Act of 1930", "container-title": "United States Code", "volume": "19", "section": "1307",
  "issued": {"date-parts": [[2018]]}},
 {"id": "http://zotero.org/users/1/items/C", "citation-key": "casper-letter", "type": "personal_communication",
  "title": "Letter to Marc N. Casper", "author": [{"literal": "Congressional-Executive Commission on China"}],
  "recipient": [{"family": "Casper", "given": "Marc N."}], "issued": {"date-parts": [[2022, 12, 15]]}},
 {"id": "http://zotero.org/users/1/items/D", "citation-key": "visa-statement", "type": "webpage",
  "genre": "Press Statement", "title": "Visa Restrictions on PRC Officials", "publisher": "U.S. Department of State",
  "issued": {"date-parts": [[2023, 8, 22]]}, "URL": "https://example.org/press"}
]"""


def _notes_for(tmp_path, source: Path, ids: list[str]) -> list[str]:
    from drafter.campaign.load import load_campaign
    from drafter.compose.citations import Citer, CiteItem
    root = make_campaign(tmp_path, evidence=EVIDENCE, template="Text.\n")
    report = import_sources(root / "evidence.yaml", source)
    assert set(ids) <= set(report.added) and not report.skipped, report
    citer = Citer(load_campaign(root).evidence)
    return ["".join(r.text for r in note) for note in citer.notes([(CiteItem(i),) for i in ids + ids])]


def test_bibtex_laws_orders_speeches_import_and_cite_in_chicago_form(tmp_path):
    bib = tmp_path / "kinds.bib"
    bib.write_text(KINDS_BIB)
    notes = _notes_for(tmp_path, bib, ["uflpa", "ear-744-11", "eo-13818", "blinken-2023", "quoted"])
    assert notes == [
        "Uyghur Forced Labor Prevention Act, Pub. L. No. 117-78, 135 Stat. 1525 (2021).",
        "License Requirements That Apply to Entities Acting Contrary to the National Security or Foreign "
        "Policy Interests of the United States, 15 C.F.R. § 744.11 (2023).",
        "Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017).",
        "Antony J. Blinken, “Remarks at Freedom House’s Annual Freedom Awards” (speech, May 9, 2023).",
        "Human Rights Watch, “‘No Choice’: ‘Voluntary’ DNA Drives in Tibet,” September 5, 2022, "
        "https://example.org/it's.",
        "Uyghur Forced Labor Prevention Act.", "15 C.F.R. § 744.11.", "Exec. Order No. 13818.",
        "Blinken, “Remarks at Freedom House’s.”", "Human Rights Watch, “‘No Choice.’”"]


def test_bibtex_tex_quotes_become_typographic_in_evidence(tmp_path):
    bib = tmp_path / "q.bib"
    bib.write_text(KINDS_BIB)
    fields = {c.id: c.fields for c in read_file(bib)}
    assert fields["quoted"]["title"] == "“No Choice”: ‘Voluntary’ DNA Drives in Tibet"
    assert fields["quoted"]["URL"] == "https://example.org/it's"      # links are never altered
    assert fields["blinken-2023"]["type"] == "speech" and fields["eo-13818"]["genre"] == "Executive Order"
    assert fields["uflpa"]["page"] == "1525–1543"


def test_zotero_statutes_letters_press_statements_cite_in_chicago_form(tmp_path):
    zotero = tmp_path / "zotero.json"
    zotero.write_text(KINDS_ZOTERO)
    notes = _notes_for(tmp_path, zotero, ["uflpa", "usc-1307", "casper-letter", "visa-statement"])
    assert notes == [
        "Uyghur Forced Labor Prevention Act, Pub. L. No. 117-78, 135 Stat. 1525 (2021).",
        "19 U.S.C. § 1307 (2018).",
        "Congressional-Executive Commission on China to Marc N. Casper, December 15, 2022.",
        "U.S. Department of State, “Visa Restrictions on PRC Officials,” press statement, August 22, 2023, "
        "https://example.org/press.",
        "Uyghur Forced Labor Prevention Act.", "19 U.S.C. § 1307.",
        "Congressional-Executive Commission on China to Casper.",
        "U.S. Department of State, “Visa Restrictions on PRC.”"]
