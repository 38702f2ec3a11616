"""Staleness and browsing: drafter evidence list [--tag] [--source] [--stale], drafter evidence show."""
from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from drafter.campaign.load import build_evidence, load_campaign
from drafter.cli import main
from drafter.compose.composer import compose_letters
from drafter.campaign.staleness import stale_snippets, stale_sources
from drafter.campaign.yamlsrc import parse_yaml
from test_check import EVIDENCE as CHECKED, RECIPIENTS, make_campaign as make_checked

# check's campaign with its Human Rights Watch page named by its author, not its link
EVIDENCE = CHECKED.replace("    URL: https://www.hrw.org/news/2022/09/05/china-new-evidence-mass-dna-collection-tibet\n",
                           "    author: [{literal: Human Rights Watch}]\n")


def make_campaign(root, evidence=EVIDENCE, **files):
    return make_checked(root, evidence=evidence, **files)

NOTE = ("[1] Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region from 2016–2022 (2022), "
        "https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/.")


def run(root, *args):
    return CliRunner().invoke(main, ["-C", str(root), *args])


def evidence_of(text):
    evidence, errors = build_evidence(parse_yaml(text, "evidence.yaml"))
    assert errors == []
    return evidence


# --- staleness ---------------------------------------------------------------------------------

def test_stale_sources_and_snippets_against_an_injected_today():
    ev = evidence_of(EVIDENCE)
    assert stale_sources(ev, dt.date(2024, 10, 19)) == []          # 365 days: not yet
    assert stale_snippets(ev, dt.date(2024, 10, 19)) == []
    [(source, why)] = stale_sources(ev, dt.date(2024, 10, 20))     # 366 days
    assert source.id == "citizenlab-2022" and why == "accessed 2023-10-20, 366 days ago (limit 365 days)"
    assert [(s.id, why) for s, why in stale_snippets(ev, dt.date(2024, 10, 20))] == [
        ("dna-scale", "verified 2023-10-20, 366 days ago (limit 365 days)"),
        ("dna-localities", "verified 2023-10-20, 366 days ago (limit 365 days)")]


def test_missing_verified_is_stale_missing_accessed_is_not():
    ev = evidence_of(EVIDENCE.replace("    verified: 2023-10-20\n  dna-localities", "  dna-localities"))
    today = dt.date(2023, 11, 1)
    assert [(s.id, why) for s, why in stale_snippets(ev, today)] == [("dna-scale", "never verified (no 'verified' date)")]
    assert stale_sources(ev, today) == []   # hrw-2022 has no 'accessed': nothing to compare


def test_limit_and_partial_dates():
    text = "settings:\n  stale_after_days: 30\n" + EVIDENCE.replace("accessed: 2023-10-20", "accessed: 2023-10")
    ev = evidence_of(text)
    [(_, why)] = stale_sources(ev, dt.date(2023, 11, 1))            # 2023-10 counts from October 1
    assert why == "accessed 2023-10-01, 31 days ago (limit 30 days)"
    assert [s.id for s, _ in stale_snippets(ev, dt.date(2023, 11, 20))] == ["dna-scale", "dna-localities"]


# --- list ------------------------------------------------------------------------------------

def test_list_is_a_table(tmp_path):
    result = run(make_campaign(tmp_path), "evidence", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["SNIPPET", "SOURCES", "TAGS", "VERIFIED", "TEXT"]
    assert lines[1].startswith("dna-scale       citizenlab-2022  dna, scale  2023-10-20  Police in the TAR")
    assert lines[2] == ("dna-localities  hrw-2022         dna         2023-10-20  "
                        "Collection drives took place in 14 localities.")
    assert lines[-1] == "2 snippet(s)"


def test_list_by_tag_and_source(tmp_path):
    root = make_campaign(tmp_path)
    by_tag = run(root, "evidence", "list", "--tag", "scale").output.splitlines()
    assert [line.split()[0] for line in by_tag[1:-1]] == ["dna-scale"]
    by_source = run(root, "evidence", "list", "--source", "hrw-2022").output.splitlines()
    assert [line.split()[0] for line in by_source[1:-1]] == ["dna-localities"]
    bad = run(root, "evidence", "list", "--tag", "scael")
    assert bad.exit_code == 1 and "no snippet has tag 'scael' (did you mean 'scale'?)" in bad.output
    bad = run(root, "evidence", "list", "--source", "hrw-2002")
    assert bad.exit_code == 1 and "unknown source 'hrw-2002' (did you mean 'hrw-2022'?)" in bad.output


def test_list_stale(tmp_path):
    root = make_campaign(tmp_path, evidence=EVIDENCE.replace("    verified: 2023-10-20\n  dna-localities",
                                                             "  dna-localities"))
    result = run(root, "evidence", "list", "--stale", "--today", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "SNIPPET    SOURCES          WHY",
        "dna-scale  citizenlab-2022  never verified (no 'verified' date)",
        "0 stale source(s), 1 stale snippet(s)",
    ]
    later = run(root, "evidence", "list", "--stale", "--today", "2025-01-01").output.splitlines()
    assert later[:2] == ["SOURCE           WHY", "citizenlab-2022  accessed 2023-10-20, 439 days ago (limit 365 days)"]
    assert later[-1] == "1 stale source(s), 2 stale snippet(s)"


def test_broken_evidence_is_an_error_not_a_traceback(tmp_path):
    root = make_campaign(tmp_path, evidence=EVIDENCE.replace("  hrw-2022:", "  citizenlab-2022:"))
    result = run(root, "evidence", "list")
    assert result.exit_code == 1
    assert "evidence.yaml:9:3: duplicate key 'citizenlab-2022' (first defined on line 2)" in result.output


# --- show ------------------------------------------------------------------------------------

def test_show_prints_the_snippet_and_its_footnote(tmp_path):
    result = run(make_campaign(tmp_path), "evidence", "show", "dna-scale")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "dna-scale (sources: citizenlab-2022; tags: dna, scale; verified: 2023-10-20)", "",
        "Police in the TAR collected roughly 919,282 to 1,206,962 DNA samples.[1]", "", NOTE]


def test_show_has_the_same_note_as_a_drafted_letter(tmp_path):
    text = EVIDENCE.replace("    source: citizenlab-2022\n", "    source: citizenlab-2022\n    locator: 4\n")
    root = make_campaign(tmp_path, evidence=text, template='We write. {{ snippet("dna-scale") }}\n'
                                                          '{{ snippet("dna-localities") }}\n')
    shown = run(root, "evidence", "show", "dna-scale").output.splitlines()[-1]
    assert shown.startswith("[1] Emile Dirks, Mass DNA Collection") and ", 4, https://" in shown
    _, [letter] = compose_letters(load_campaign(root), "body")
    assert shown == "[1] " + "".join(run.text for run in letter.notes[0].inlines)


def test_show_a_source_and_unknown_ids(tmp_path):
    root = make_campaign(tmp_path)
    result = run(root, "evidence", "show", "hrw-2022")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "hrw-2022 (source; cited by: dna-localities)", "",
        "[1] Human Rights Watch, “China: New Evidence of Mass DNA Collection in Tibet,” September 5, 2022."]
    bad = run(root, "evidence", "show", "dna-scael")
    assert bad.exit_code == 1 and "no snippet or source 'dna-scael' (did you mean 'dna-scale'?)" in bad.output


# --- schema ----------------------------------------------------------------------------------

def test_schema_command_prints_each_schema(tmp_path):
    for kind, title in (("evidence", "drafter evidence.yaml"), ("recipients", "drafter recipients.yaml"),
                        ("letter", "drafter letter spec")):
        result = CliRunner().invoke(main, ["schema", kind])
        assert result.exit_code == 0
        assert json.loads(result.output)["title"] == title
    assert CliRunner().invoke(main, ["schema", "evidense"]).exit_code == 2


def test_shipped_schema_files_match_drafter_schema(repo):
    from click.testing import CliRunner as _Runner

    from drafter.cli import main as _main
    for kind in ("evidence", "recipients", "asks"):
        result = _Runner().invoke(_main, ["schema", kind])
        assert result.exit_code == 0
        assert (repo / f"{kind}.schema.json").read_text() == result.output, \
            f"regenerate with: drafter schema {kind} > {kind}.schema.json"


# --- caveats and the sources table ---------------------------------------------------------------

NOTED = (EVIDENCE.replace("    tags: [dna, scale]\n", "    tags: [dna, scale]\n    note: UNSURE of the upper figure\n")
         .replace("    issued: 2022-09-05\n", "    issued: 2022-09-05\n    note: UNSURE the page is still up\n"))


def test_notes_show_in_show_and_are_marked_in_list(tmp_path):
    root = make_campaign(tmp_path, evidence=NOTED)
    shown = run(root, "evidence", "show", "dna-scale").output.splitlines()
    assert shown[1] == "note: UNSURE of the upper figure"
    source = run(root, "evidence", "show", "hrw-2022").output.splitlines()
    assert source[1] == "note: UNSURE the page is still up"
    listed = run(root, "evidence", "list").output.splitlines()
    assert listed[1].startswith("dna-scale *  ") and listed[2].startswith("dna-localities  ")
    assert listed[-1] == "* has a note: see 'drafter evidence show ID'"
    plain = run(make_campaign(tmp_path / "plain"), "evidence", "list").output
    assert "*" not in plain


def test_notes_are_check_warnings_and_review_comments(tmp_path):
    from drafter.commands.check import check_campaign
    recipients = RECIPIENTS.replace(
        "    address:", "    note: UNSURE she still holds the office\n    address:")
    root = make_campaign(tmp_path, evidence=NOTED, recipients=recipients)
    found = [(f.file.rsplit("/", 1)[-1], f.line, f.message) for f in check_campaign(root, today=dt.date(2024, 1, 1))
             if "has a note" in f.message]
    assert found == [("evidence.yaml", 14, "source 'hrw-2022' has a note: UNSURE the page is still up"),
                     ("evidence.yaml", 20, "snippet 'dna-scale' has a note: UNSURE of the upper figure"),
                     ("recipients.yaml", 7, "recipient 'raimondo' has a note: UNSURE she still holds the office")]
    _, [letter] = compose_letters(load_campaign(root), "body")
    assert "Note on profile 'raimondo': UNSURE she still holds the office" in letter.addresses[0].comment
    comments = [x.comment for b in letter.body for x in b.inlines if getattr(x, "comment", None)]
    assert any("Note on evidence 'dna-scale': UNSURE of the upper figure" in c for c in comments)
    assert sum("Note on source 'hrw-2022'" in c for c in comments) == 1    # on its first citation only


def test_sources_table_and_filters(tmp_path):
    root = make_campaign(tmp_path, evidence=NOTED)
    lines = run(root, "evidence", "sources").output.splitlines()
    assert lines[0].split() == ["SOURCE", "TYPE", "AUTHOR", "DATE", "SNIPPETS", "ACCESSED", "TITLE"]
    assert lines[1].split()[:6] == ["citizenlab-2022", "report", "Dirks", "2022-09-13", "1", "2023-10-20"]
    assert lines[2].startswith("hrw-2022 *       webpage  Human Rights Watch  2022-09-05  1         -           China")
    assert lines[3:] == ["2 source(s)", "* has a note: see 'drafter evidence show ID'"]
    by_type = run(root, "evidence", "sources", "--type", "webpage").output.splitlines()
    assert [line.split()[0] for line in by_type[1:-2]] == ["hrw-2022"]
    by_author = run(root, "evidence", "sources", "--author", "dirk").output.splitlines()
    assert [line.split()[0] for line in by_author[1:-1]] == ["citizenlab-2022"]
    uncited = run(root, "evidence", "sources", "--uncited").output.splitlines()
    assert uncited[-1] == "0 source(s)"
    stale = run(root, "evidence", "sources", "--stale", "--today", "2025-01-01").output.splitlines()
    assert [line.split()[0] for line in stale[1:-1]] == ["citizenlab-2022"]
    bad = run(root, "evidence", "sources", "--type", "reprot")
    assert bad.exit_code == 1 and "no source has type 'reprot' (did you mean 'report'?)" in bad.output
