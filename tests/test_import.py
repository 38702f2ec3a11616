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
    assert "15 CFR Part 744, Supplement No. 5" in notes


def test_import_into_a_file_of_comments_only_keeps_them(tmp_path):
    target = tmp_path / "evidence.yaml"
    target.write_text("# Our evidence, kept by the policy team.\n")
    report = import_sources(target, Path(__file__).parent / "data" / "zotero-export.json")
    assert report.written == target
    text = target.read_text()
    assert text.startswith("# Our evidence, kept by the policy team.\n")
    assert load_yaml(target).data["sources"]
