"""drafter check: each kind of mistake, reported with file, line, column and message."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from drafter.campaign import yamlsrc
from drafter.commands.check import check_campaign
from drafter.cli import main
from drafter.campaign.schemas import SCHEMAS
from drafter.campaign.validate import _jsonable, fast_check

TODAY = dt.date(2024, 3, 1)

EVIDENCE = """\
sources:
  citizenlab-2022:
    type: report
    title: "Mass DNA Collection in the Tibet Autonomous Region from 2016–2022"
    author: [{family: Dirks, given: Emile}]
    issued: 2022-09-13
    URL: https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/
    accessed: 2023-10-20
  hrw-2022:
    type: webpage
    title: "China: New Evidence of Mass DNA Collection in Tibet"
    URL: https://www.hrw.org/news/2022/09/05/china-new-evidence-mass-dna-collection-tibet
    issued: 2022-09-05
snippets:
  dna-scale:
    text: Police in the TAR collected roughly 919,282 to 1,206,962 DNA samples.
    source: citizenlab-2022
    tags: [dna, scale]
    verified: 2023-10-20
  dna-localities:
    text: Collection drives took place in 14 localities.
    source: hrw-2022
    tags: [dna]
    verified: 2023-10-20
"""

RECIPIENTS = """\
recipients:
  raimondo:
    name: Gina M. Raimondo
    role: secretary
    title: Secretary of Commerce
    organization: U.S. Department of Commerce
    address: ["1401 Constitution Avenue NW", "Washington, DC 20230"]
signers:
  smith: {name: Christopher H. Smith, title: Chair, address: ["1 Example Street", "Washington, DC 20000"]}
"""

LETTER = """\
template: body
date: 2023-10-23
to: [raimondo]
from: [smith]
"""

TEMPLATE = """\
We write about DNA collection. {{ snippet("dna-scale") }}

{% for s in snippets(tag="dna") %}{{ s }} {% endfor %}
"""


def make_campaign(root: Path, evidence=EVIDENCE, template=TEMPLATE, recipients=RECIPIENTS, letter=LETTER) -> Path:
    (root / "letters" / "templates").mkdir(parents=True)
    (root / "evidence.yaml").write_text(evidence, encoding="utf-8")
    (root / "recipients.yaml").write_text(recipients, encoding="utf-8")
    (root / "letters" / "body.yaml").write_text(letter, encoding="utf-8")
    (root / "letters" / "templates" / "body.md.j2").write_text(template, encoding="utf-8")
    return root


def errors(findings):
    return [f for f in findings if f.severity == "error"]


def warnings(findings):
    return [f for f in findings if f.severity == "warning"]


def only(findings, file_suffix):
    found = [f for f in findings if f.file and f.file.endswith(file_suffix)]
    assert len(found) == 1, [str(f) for f in findings]
    return found[0]


def test_clean_campaign_has_no_findings(tmp_path):
    assert check_campaign(make_campaign(tmp_path), today=TODAY) == []


def test_duplicate_key_is_an_error_with_its_line(tmp_path):
    text = EVIDENCE.replace("  hrw-2022:\n", "  citizenlab-2022:\n")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert (f.line, f.column) == (9, 3)
    assert f.message == "duplicate key 'citizenlab-2022' (first defined on line 2)"


def test_duplicate_field_inside_a_snippet(tmp_path):
    text = EVIDENCE.replace("    tags: [dna, scale]\n", "    tags: [dna, scale]\n    source: hrw-2022\n")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert f.line == 19 and "duplicate key 'source' (first defined on line 17)" in f.message


def test_unknown_source_with_did_you_mean(tmp_path):
    text = EVIDENCE.replace("    source: hrw-2022", "    source: hrw-2021")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert (f.line, f.column) == (22, 5)
    assert f.message == "snippet 'dna-localities' cites unknown source 'hrw-2021'"
    assert f.hint == "did you mean 'hrw-2022'?"


def test_unknown_source_in_a_list_of_sources(tmp_path):
    text = EVIDENCE.replace("    source: hrw-2022", "    sources: [hrw-2022, citizenlab-2032]")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert f.line == 22 and "unknown source 'citizenlab-2032'" in f.message
    assert f.hint == "did you mean 'citizenlab-2022'?"


def test_snippet_without_a_source(tmp_path):
    text = EVIDENCE.replace("    source: hrw-2022\n", "")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert f.line == 20
    assert f.message == "snippets.dna-localities: a snippet needs exactly one of 'source' or 'sources'"


def test_missing_sources_map(tmp_path):
    text = EVIDENCE[EVIDENCE.index("snippets:"):]
    found = errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY))
    assert any(f.message == "the file: missing required field 'sources'" for f in found)
    assert any("cites unknown source 'citizenlab-2022'" in f.message and f.line == 4 for f in found)


def test_malformed_url(tmp_path):
    text = EVIDENCE.replace("URL: https://citizenlab.ca/", "URL: citizenlab.ca/")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert (f.line, f.column) == (7, 5)
    assert "is not a web address" in f.message and f.hint == "write a full http:// or https:// URL"


@pytest.mark.parametrize("bad, message", [
    ("2022-13-01", "cannot read value '2022-13-01': month must be in 1..12"),
    ("13 September 2022", "'13 September 2022' is not a date"),
    ("2022-02-30", "cannot read value '2022-02-30'"),
])
def test_malformed_date(tmp_path, bad, message):
    text = EVIDENCE.replace("issued: 2022-09-13", f"issued: {bad}")
    f = only(errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)), "evidence.yaml")
    assert f.line == 6 and message in f.message


def test_unknown_field_gets_did_you_mean(tmp_path):
    text = EVIDENCE.replace("    verified: 2023-10-20\n  dna-localities", "    verifed: 2023-10-20\n  dna-localities")
    found = check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)
    f = only(errors(found), "evidence.yaml")
    assert (f.line, f.column) == (19, 5)
    assert f.message == "unknown field 'verifed' in snippets.dna-scale" and f.hint == "did you mean 'verified'?"


def test_one_bad_entry_does_not_hide_the_others(tmp_path):
    text = EVIDENCE.replace("URL: https://citizenlab", "URL: ftp://citizenlab").replace("source: hrw-2022", "source: hrw")
    found = errors(check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY))
    assert [f.line for f in found] == [7, 22]


def test_an_impossible_date_does_not_hide_the_rest_of_the_file(tmp_path):
    """YAML cannot even read 2023-02-30; the file's other mistakes are still reported, each at
    its line, and the evidence with no errors is still checked (its unused warnings)."""
    text = (EVIDENCE.replace("    verified: 2023-10-20\n  dna-localities", "    verified: 2023-02-30\n  dna-localities")
            .replace("type: webpage", "type: web-page").replace("URL: https://", "URL: ftp://"))
    found = check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)
    assert [(f.line, f.message) for f in errors(found)] == [
        (7, "sources.citizenlab-2022.URL: 'ftp://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/' "
            "is not a web address"),
        (10, "sources.hrw-2022.type: 'web-page' is not allowed"),
        (12, "sources.hrw-2022.URL: 'ftp://www.hrw.org/news/2022/09/05/china-new-evidence-mass-dna-collection-tibet' "
             "is not a web address"),
        (19, "cannot read value '2023-02-30': day is out of range for month"),
    ]
    assert errors(found)[3].hint == "write a real date, YYYY-MM-DD"
    # the snippets with errors are not "unknown" where the template names them
    assert not [f for f in found if f.file.endswith(".j2")]


def test_an_impossible_date_in_a_letter_spec_and_its_other_mistakes(tmp_path):
    root = make_campaign(tmp_path, letter=LETTER.replace("2023-10-23", "2023-02-29").replace("[smith]", "[smiht]"))
    assert [(f.line, f.message) for f in errors(check_campaign(root, today=TODAY))] == [
        (2, "cannot read value '2023-02-29': day is out of range for month"),
        (4, "unknown signer 'smiht'")]


def test_a_value_yaml_cannot_read_is_still_refused_where_nothing_validates():
    with pytest.raises(yamlsrc.DataError, match="cannot read value '2023-02-30'"):
        yamlsrc.parse_yaml("a: 2023-02-30\n", "t.yaml")
    doc = yamlsrc.parse_yaml("a: 2023-02-30\nb: [1, !!int x]\n", "t.yaml", strict=False)
    assert doc.data == {"a": "2023-02-30", "b": [1, "x"]}
    assert {p: e.line for p, e in doc.unreadable.items()} == {("a",): 1, ("b", 1): 2}


def test_a_snippet_with_errors_is_reported_at_its_line_not_as_unknown(tmp_path):
    text = EVIDENCE.replace("    tags: [dna, scale]\n", "    tags: [dna, scale]\n    locator: [12]\n")
    root = make_campaign(tmp_path, evidence=text)
    (root / "asks.yaml").write_text("asks:\n  entity-list:\n    text: Add them to the Entity List.\n"
                                    "    for: {role: secretary}\n    evidence: [dna-scale]\n")
    found = errors(check_campaign(root, today=TODAY))
    assert [(Path(f.file).name, f.line, f.message) for f in found] == [
        ("evidence.yaml", 19, "snippets.dna-scale.locator: expected string or integer, found list")]


def test_a_source_with_errors_is_not_unknown_and_its_snippets_still_cite_it(tmp_path):
    text = EVIDENCE.replace("issued: 2022-09-05", "issued: 5 September 2022")
    found = check_campaign(make_campaign(tmp_path, evidence=text), today=TODAY)
    assert [(f.line, f.message) for f in errors(found)] == [
        (13, "sources.hrw-2022.issued: '5 September 2022' is not a date")]
    assert not [f for f in warnings(found) if "not cited" in f.message]


PROFILES = RECIPIENTS.replace("signers:", """\
  wyden:
    name: Ron Wyden
    role: senator
    state: OR
    membrships: [sfc]
    address: ["221 Dirksen Senate Office Building", "Washington, DC 20510"]
signers:""")
ASKS = """\
asks:
  export-controls:
    text: Add them to the Entity List.
    for: {role: secretary}
    evidence: [dna-scale]
  hearing:
    text: Hold a hearing.
    for: {membership: sfc}
    evidence: [dna-localities]
"""


def test_a_typo_in_one_profile_gives_no_errors_elsewhere(tmp_path):
    """The profile's misspelt field is the one error: asks for its committee, letters naming it
    or a query it would match, and the other profiles are checked as usual."""
    letter = LETTER.replace("to: [raimondo]", "to: [raimondo, wyden, {role: senator, state: OR}]")
    root = make_campaign(tmp_path, recipients=PROFILES, letter=letter)
    (root / "asks.yaml").write_text(ASKS)
    found = errors(check_campaign(root, today=TODAY))
    assert [(Path(f.file).name, f.line, f.message, f.hint) for f in found] == [
        ("recipients.yaml", 12, "unknown field 'membrships' in recipients.wyden", "did you mean 'memberships'?")]


def test_a_profile_with_errors_still_lets_real_mistakes_through(tmp_path):
    """Only what the profile with errors might be is spared: a query on a field it validly
    has (its role) is still for nobody; one on its bad state is not."""
    root = make_campaign(tmp_path, recipients=PROFILES.replace("state: OR", "state: O"),
                         letter=LETTER.replace("to: [raimondo]", "to: [raimondo, {state: WA}, {role: representative}]")
                         .replace("[smith]", "[smyth]"))
    (root / "asks.yaml").write_text(ASKS.replace("{membership: sfc}", "{membership: sfc, role: ceo}"))
    found = errors(check_campaign(root, today=TODAY))
    assert [(Path(f.file).name, f.line, f.message) for f in found] == [
        ("recipients.yaml", 11, "recipients.wyden.state: 'O' does not have the expected form"),
        ("recipients.yaml", 12, "unknown field 'membrships' in recipients.wyden"),
        ("body.yaml", 3, "no recipient matches this query"),
        ("body.yaml", 4, "unknown signer 'smyth'"),
        ("asks.yaml", 8, "ask 'hearing' is for nobody: no recipient matches {membership: sfc, role: ceo}"),
    ]


def test_unused_snippets_and_sources_are_warnings(tmp_path):
    template = 'We write. {{ snippet("dna-scale") }}\n'
    root = make_campaign(tmp_path, template=template)
    found = check_campaign(root, today=TODAY)
    assert errors(found) == []
    assert [(f.line, f.message) for f in warnings(found)] == [
        (9, "source 'hrw-2022' is not cited anywhere"),
        (20, "snippet 'dna-localities' is not used by any template"),
    ]
    runner = CliRunner()
    assert runner.invoke(main, ["-C", str(root), "check"]).exit_code == 0
    assert runner.invoke(main, ["-C", str(root), "check", "--strict"]).exit_code == 1


def test_uses_by_tag_by_cite_and_by_constant(tmp_path):
    template = ('{{ cite("hrw-2022", locator=3) }}\n'
                '{% set ids = ["dna-localities"] %}{% for i in ids %}{{ snippet(i) }}{% endfor %}\n'
                '{% for s in snippets(source="citizenlab-2022") %}{{ s }}{% endfor %}\n')
    assert check_campaign(make_campaign(tmp_path, template=template), today=TODAY) == []


def test_template_calls_naming_missing_evidence(tmp_path):
    template = ('Intro.\n'
                'Scale: {{ snippet("dna-scael") }}\n'
                '{{ cite("citizenlab-2022") }} and {{ cite("hrw-2023", locator="4") }}\n'
                '{% for s in snippets(tag="dan") %}{{ s }}{% endfor %}\n'
                '{{ snippet("dna-scale") }}{{ snippet("dna-localities") }}\n')
    root = make_campaign(tmp_path, template=template)
    found = errors(check_campaign(root, today=TODAY))
    path = str(root / "letters" / "templates" / "body.md.j2")
    assert [(f.file, f.line, f.column, f.message, f.hint) for f in found] == [
        (path, 2, 19, "unknown snippet 'dna-scael'", "did you mean 'dna-scale'?"),
        (path, 3, 43, "unknown source 'hrw-2023'", "did you mean 'hrw-2022'?"),
        (path, 4, 26, "no snippet has tag 'dan'", "did you mean 'dna'?"),
    ]
    result = CliRunner().invoke(main, ["-C", str(root), "check"])
    assert result.exit_code == 1
    assert f"{path}:2:19: error: unknown snippet 'dna-scael' (did you mean 'dna-scale'?)" in result.output


def test_template_syntax_error(tmp_path):
    root = make_campaign(tmp_path, template='Hello.\n{{ snippet("dna-scale") }\n')
    f = only(errors(check_campaign(root, today=TODAY)), "body.md.j2")
    assert f.line == 2 and f.message.startswith("template syntax error")


def test_asks_count_as_uses(tmp_path):
    root = make_campaign(tmp_path, template='{{ snippet("dna-scale") }}\n')
    (root / "asks.yaml").write_text("asks:\n  entity-list:\n    for: {role: secretary}\n"
                                    "    text: Add them to the Entity List.\n    evidence: [dna-localities]\n")
    assert check_campaign(root, today=TODAY) == []


def test_staleness_warnings(tmp_path):
    text = EVIDENCE.replace("    verified: 2023-10-20\n  dna-localities", "\n  dna-localities")
    root = make_campaign(tmp_path, evidence=text)
    found = check_campaign(root, today=dt.date(2025, 1, 1))
    assert [(f.line, f.message) for f in found] == [
        (8, "source 'citizenlab-2022' is due for re-checking: accessed 2023-10-20, 439 days ago (limit 365 days)"),
        (15, "snippet 'dna-scale' is due for re-checking: never verified (no 'verified' date)"),
        (24, "snippet 'dna-localities' is due for re-checking: verified 2023-10-20, 439 days ago (limit 365 days)"),
    ]
    assert all(f.severity == "warning" for f in found)
    # The limit is the campaign's own.
    (root / "evidence.yaml").write_text("settings: {stale_after_days: 500}\n" + EVIDENCE)
    assert check_campaign(root, today=dt.date(2025, 1, 1)) == []


def test_json_format(tmp_path):
    root = make_campaign(tmp_path, evidence=EVIDENCE.replace("source: hrw-2022", "source: hrw"))
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--format", "json", "--today", "2024-03-01"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["errors"] == 1
    assert [f["severity"] for f in data["findings"]] == ["warning", "error"]  # by line: 9, 22
    assert data["findings"][1] == {"severity": "error", "file": str(root / "evidence.yaml"), "line": 22,
                                   "column": 5, "message": "snippet 'dna-localities' cites unknown source 'hrw'",
                                   "hint": "add it under 'sources:'"}


def test_letter_spec_mistakes(tmp_path):
    root = make_campaign(tmp_path, letter=LETTER.replace("[raimondo]", "[raimondoo]").replace("template: body",
                                                                                              "template: bdy"))
    found = errors(check_campaign(root, today=TODAY))
    assert [(Path(f.file).name, f.line, f.message) for f in found] == [
        ("body.yaml", 1, "no template 'bdy' in letters/templates/"),
        ("body.yaml", 3, "unknown recipient 'raimondoo'"),
    ]


def test_broken_recipients_file_still_checks_evidence(tmp_path):
    root = make_campaign(tmp_path, recipients="recipients: [\n",
                         evidence=EVIDENCE.replace("source: hrw-2022", "source: hrw"))
    found = errors(check_campaign(root, today=TODAY))
    assert {Path(f.file).name for f in found} == {"evidence.yaml", "recipients.yaml"}


def test_the_example_campaign_has_no_errors(repo):
    assert errors(check_campaign(repo)) == []


# --- the fast paths give the same answers as the slow ones ---------------------------------------

def _mutations(data, rng):
    """Copies of `data` with one value replaced by something of another shape."""
    junk = [None, "", " ", "x", 3, -1, 1.5, True, [], ["a"], {}, {"literal": "X"}, {"family": ""},
            "2023-13-01", "2023-01", "https://example.org/x", "not a url", [{"given": "A"}]]
    paths = []

    def walk(value, path):
        paths.append(path)
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))
    walk(data, ())
    for _ in range(400):
        copy = json.loads(json.dumps(data))
        path = rng.choice(paths[1:])
        target = copy
        for p in path[:-1]:
            target = target[p]
        if rng.random() < 0.15 and isinstance(target, dict):
            target["extra-" + str(rng.randint(0, 3))] = rng.choice(junk)
        else:
            target[path[-1]] = rng.choice(junk)
        yield copy


@pytest.mark.parametrize("kind, file", [("evidence", "evidence.yaml"), ("recipients", "recipients.yaml"),
                                        ("letter", "letters/erc-entity-list.yaml")])
def test_fast_schema_check_agrees_with_jsonschema(repo, kind, file):
    data = _jsonable(yamlsrc.load_yaml(repo / file).data)
    fast = fast_check(kind)
    assert fast is not None
    validator = jsonschema.validators.validator_for(SCHEMAS[kind])(SCHEMAS[kind])
    rng = random.Random(5)
    checked = 0
    for variant in [data] + list(_mutations(data, rng)):
        assert fast(variant) == validator.is_valid(variant), variant
        checked += 1
    assert checked > 400


@pytest.mark.parametrize("text", [
    "", "---\n", "a: [1, {b: c}]\n", "- a\n- 2023-01-01\n- ~\n- yes\n- 0x1f\n- '3'\n", "a: !!binary aGVsbG8=\n",
    "a: &x {b: 1}\nc: *x\n", "<<: {a: 1}\nb: 2\n", "x: !!set {a, b}\n", "1: a\n2.5: b\nnull: c\n",
    "a:\n  - b: 1\n    c: [x, y]\n  - 2\n",
])
def test_event_parser_matches_the_node_parser(text):
    fast = yamlsrc._parse(text, Path("t.yaml"))
    slow = yamlsrc._parse_nodes(text, Path("t.yaml"))
    assert (fast.data, fast.positions) == (slow.data, slow.positions)


@pytest.mark.parametrize("text, message", [
    ("a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a' (first defined on line 1)"),
    ("a: 1\n---\nb: 2\n", "t.yaml:2:1: YAML syntax error: but found another document"),
    ("? [a]\n: 1\n", "t.yaml:1:3: a mapping key must be a plain value"),
    ("a: 2023-02-30\n", "t.yaml:1:4: cannot read value '2023-02-30': day is out of range for month"),
])
def test_event_parser_errors(text, message):
    with pytest.raises(yamlsrc.DataError) as info:
        yamlsrc.parse_yaml(text, "t.yaml")
    assert str(info.value).startswith(message)


def test_letter_date_today_or_a_clear_error(tmp_path, repo):
    import shutil

    from drafter.commands.check import check_campaign
    for name in ("evidence.yaml", "recipients.yaml", "asks.yaml"):
        shutil.copy(repo / name, tmp_path / name)
    shutil.copytree(repo / "letters", tmp_path / "letters")
    shutil.copytree(repo / "letterheads", tmp_path / "letterheads")
    spec = tmp_path / "letters" / "constituent.yaml"
    assert "date: today" in spec.read_text()
    assert not [f for f in check_campaign(tmp_path) if f.severity == "error"]
    spec.write_text(spec.read_text().replace("date: today", "date: tomorrow"))
    [error] = [f for f in check_campaign(tmp_path) if f.severity == "error"]
    assert error.file == str(spec) and error.line == 7
    assert "'tomorrow' is not a date" in error.message and "'today'" in error.hint


# --- what `drafter draft` would refuse, check reports first, at its line --------------------------

def letter_findings(root):
    spec = str(root / "letters" / "body.yaml")
    return [(f.line, f.message, f.hint) for f in errors(check_campaign(root, today=TODAY)) if f.file == spec]


def draft_output(root, tmp_path):
    result = CliRunner().invoke(main, ["-C", str(root), "draft", "body", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    return result.output


@pytest.mark.parametrize("to, message, hint", [
    ("[{role: senatr}]", "to[0].role: 'senatr' is not allowed", "did you mean 'senator'?"),
    ("{role: senatr}", "to.role: 'senatr' is not allowed", "did you mean 'senator'?"),
    ("[raimondo, {role: [secretary, senatr]}]", "to[1].role[1]: 'senatr' is not allowed", "did you mean 'senator'?"),
    ("[{party: Democratic}]", "unknown field 'party' in to[0]", "allowed here: role, state, district, membership, country, constituency"),
    ("{membrship: cecc}", "unknown field 'membrship' in to", "did you mean 'membership'?"),
    ("[{district: one}]", "to[0].district: expected integer or array, found str", None),
])
def test_query_mistakes_are_reported_at_their_key(tmp_path, to, message, hint):
    root = make_campaign(tmp_path / "c", letter=LETTER.replace("to: [raimondo]", f"to: {to}"))
    assert letter_findings(root) == [(3, message, hint)]
    assert "body.yaml:3:" in draft_output(root, tmp_path) and message in draft_output(root, tmp_path)


def test_ask_query_mistake_is_reported_at_its_key(tmp_path):
    root = make_campaign(tmp_path)
    (root / "asks.yaml").write_text("asks:\n  entity-list:\n    text: Add them to the Entity List.\n"
                                    "    for: {membrship: cecc}\n    evidence: [dna-localities]\n")
    f = only(errors(check_campaign(root, today=TODAY)), "asks.yaml")
    assert (f.line, f.message, f.hint) == (4, "unknown field 'membrship' in asks.entity-list.for",
                                           "did you mean 'membership'?")


def test_query_nobody_matches(tmp_path):
    letter = LETTER.replace("to: [raimondo]", "to:\n  - raimondo\n  - {role: senator, state: ZZ}")
    root = make_campaign(tmp_path / "c", letter=letter)
    [(line, message, hint)] = letter_findings(root)
    assert (line, message) == (5, "no recipient matches this query") and "recipients.yaml" in hint
    assert "body.yaml:5:5: no recipient matches this query" in draft_output(root, tmp_path)
    # A query someone matches is fine.
    (root / "letters" / "body.yaml").write_text(letter.replace("{role: senator, state: ZZ}", "{role: secretary}"))
    assert letter_findings(root) == []


def test_unknown_citation_style(tmp_path):
    root = make_campaign(tmp_path / "c", letter=LETTER + "citation_style: chicago-notez\n")
    assert letter_findings(root) == [(5, "unknown citation style 'chicago-notez'",
                                      "did you mean 'chicago-notes-bibliography'?")]
    assert "body.yaml:5:1: unknown citation style 'chicago-notez'" in draft_output(root, tmp_path)
    (root / "letters" / "body.yaml").write_text(LETTER + "citation_style: apa\n")
    assert letter_findings(root) == []


def test_letterhead_missing_or_refused(tmp_path):
    root = make_campaign(tmp_path / "c", letter=LETTER + "letterhead: letterheads/nope.docx\n")
    [(line, message, hint)] = letter_findings(root)
    assert (line, message) == (5, "letterhead file 'letterheads/nope.docx' not found")
    assert "body.yaml:5:1: letterhead file 'letterheads/nope.docx' not found" in draft_output(root, tmp_path)
    (root / "letterheads").mkdir()
    (root / "letterheads" / "nope.docx").write_text("not a Word file")
    [(line, message, hint)] = letter_findings(root)
    assert line == 5 and message.startswith("letterhead refused: not a Word file")


def test_letterhead_as_text_lines_is_not_a_file(tmp_path):
    root = make_campaign(tmp_path, letter=LETTER + "letterhead: [Congressional-Executive Commission on China]\n")
    assert letter_findings(root) == []


@pytest.mark.parametrize("pattern, fault", [
    ("{date}-{recipient.__class__}", "{recipient.__class__} is not a plain field"),
    ("{date}-{recipient:>99999}", "{recipient:>99999} is not a plain field"),
    ("{date}-{sender}", "{sender} is not a plain field"),
    ("../{date}", "it names a file, not a path"),
])
def test_bad_output_pattern(tmp_path, pattern, fault):
    root = make_campaign(tmp_path / "c", letter=LETTER + f'output: "{pattern}"\n')
    [(line, message, hint)] = letter_findings(root)
    assert line == 5 and message == f"bad output pattern {pattern!r}: {fault}"
    assert "body.yaml:5:1: bad output pattern" in draft_output(root, tmp_path)


def test_template_calls_that_draft_would_refuse(tmp_path):
    template = ('{{ snippet(nid="dna-scal") }}\n'
                '{{ snippet(id="dna-scale") }}\n'
                '{{ snippet() }}\n'
                '{{ snippet("dna-scale", "dna-localities") }}\n'
                '{{ cite("hrw-2022", page=4) }}\n'
                '{% for s in snippets(tga="dna") %}{{ s }}{% endfor %}\n')
    root = make_campaign(tmp_path, template=template)
    path = str(root / "letters" / "templates" / "body.md.j2")
    found = [(f.file, f.line, f.message, f.hint) for f in errors(check_campaign(root, today=TODAY))]
    assert found == [
        (path, 1, "unknown snippet 'dna-scal'", "did you mean 'dna-scale'?"),
        (path, 2, "snippet() has no argument 'id'", 'write snippet("ID")'),
        (path, 3, "snippet() needs a snippet id", 'write snippet("ID")'),
        (path, 4, "snippet() has too many arguments", 'write snippet("ID")'),
        (path, 5, "cite() has no argument 'page'", 'write cite("ID", ..., locator="12", label="page")'),
        (path, 6, "snippets() has no argument 'tga'", 'write snippets(tag="TAG") or snippets(source="ID")'),
    ]


def test_keyword_and_positional_forms_draft_accepts_pass_check(tmp_path):
    template = ('{{ snippet(nid="dna-scale") }} {{ cite("hrw-2022", locator=3, label="section") }}\n'
                '{% for s in snippets("dna") %}{{ s }} {% endfor %}\n')
    root = make_campaign(tmp_path / "c", template=template)
    assert check_campaign(root, today=TODAY) == []
    result = CliRunner().invoke(main, ["-C", str(root), "draft", "body", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_many_unknown_ids_among_many_sources(tmp_path):
    """2,000 unknown ids against 2,000 sources: each still gets its hint (this took minutes)."""
    sources = "".join(f"  src-{i:05d}:\n    type: report\n    title: Report {i}\n" for i in range(2000))
    snippets = "".join(f"  snip-{i:05d}:\n    text: Finding {i}.\n    source: source-{i:05d}\n" for i in range(2000))
    root = make_campaign(tmp_path, evidence=f"sources:\n{sources}snippets:\n{snippets}", template="Text.\n")
    found = errors(check_campaign(root, today=TODAY))
    assert len(found) == 2000
    assert (found[0].line, found[0].message, found[0].hint) == (
        6005, "snippet 'snip-00000' cites unknown source 'source-00000'", "did you mean 'src-00000'?")
    assert found[-1].hint == "did you mean 'src-01999'?"


def test_did_you_mean_among_many_choices_finds_the_typo():
    from drafter.errors import did_you_mean
    words = ["dna", "scale", "police", "tibet", "report", "survey", "children", "entity", "list", "commerce"]
    choices = [f"{a}-{b}-{n}" for a in words for b in words for n in range(20) if a != b]
    assert len(choices) > 1000
    assert did_you_mean("tibet-polcie-7", choices) == "did you mean 'tibet-police-7'?"
    assert did_you_mean("survey-dna-71", choices) == "did you mean 'survey-dna-7'?"
    assert did_you_mean("zzzz", choices) is None


def test_findings_go_to_stdout_in_file_order(tmp_path):
    template = 'We write. {{ snippet("dna-scael") }}\n'
    root = make_campaign(tmp_path, template=template, evidence=EVIDENCE.replace("source: hrw-2022", "source: hrw"))
    result = CliRunner().invoke(main, ["-C", str(root), "check", "--today", "2024-03-01"])
    assert result.exit_code == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split(": ")[0].rsplit("/", 1)[-1] + " " + line.split(": ")[1] for line in lines[:-1]] == [
        "evidence.yaml:2:3 warning", "evidence.yaml:9:3 warning", "evidence.yaml:15:3 warning",
        "evidence.yaml:20:3 warning", "evidence.yaml:22:5 error", "body.md.j2:1:22 error"]
    assert lines[-1] == "2 error(s), 4 warning(s)"
