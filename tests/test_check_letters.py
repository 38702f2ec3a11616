"""drafter check renders every letter: whatever draft, batch or kit would refuse, check reports
first at its file and line (issue 12). Each case is made in a copy of the example campaign."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter.cli import main
from drafter.commands.check import check_campaign

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = "letters/templates"


@pytest.fixture
def example(tmp_path) -> Path:
    """The example campaign, letterheads included, free to edit."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("evidence.yaml", "recipients.yaml", "asks.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("letters", "letterheads"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.pdf"))
    return root


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def errors(root):
    return [f for f in check_campaign(root) if f.severity == "error"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_the_example_campaign_renders_clean(example):
    assert errors(example) == []


# --- each failure of the issue, made in a copy of the example campaign ----------------------------

@pytest.mark.parametrize("template, expr, message, hint", [
    ("erc-entity-list", "{{ recipient.state }}", "unknown name 'recipient'", "a joint letter has several recipients"),
    ("erc-entity-list", "{{ closing_line }}", "unknown name 'closing_line'", "did you mean 'vars.closing_line'?"),
    ("company-ceo", "{{ recipient.orgnization }}", "recipient has no field 'orgnization'",
     "did you mean 'recipient.organization'?"),
    ("company-ceo", "{{ vars.closing_lin }}", "vars has no field 'closing_lin'", "did you mean 'vars.closing_line'?"),
    ("company-ceo", "{{ letter.dte }}", "letter has no field 'dte'", "did you mean 'letter.date'?"),
    ("erc-entity-list", "{{ snippet(1) }}", "snippet() takes a snippet id in quotes, not 1", 'write snippet("dna-scale")'),
    ("erc-entity-list", '{{ cite(("hrw-2022",)) }}', "cite() takes source ids in quotes, one per argument, "
     "not ('hrw-2022',)", 'write cite("hrw-2022")'),
    ("constituent", "{{ constituent.nme }}", "constituent has no field 'nme'", "did you mean 'constituent.name'?"),
    ("kit-email", "{{ salutaton }}", "unknown name 'salutaton'", "did you mean 'salutation'?"),
    ("kit-call-script", "{{ membr }}", "unknown name 'membr'", "did you mean 'member'?"),
])
def test_template_mistakes_are_check_errors_at_their_line(example, template, expr, message, hint):
    path = example / TEMPLATES / f"{template}.md.j2"
    for spec in example.glob("letters/*.yaml"):
        if "closing_lin" in expr:
            append(spec, "vars: {closing_line: We thank you.}\n")
    append(path, f"\nOne more line. {expr}\n")
    line = len(path.read_text().splitlines())
    result = run("-C", example, "check")
    assert result.exit_code == 1, result.output
    [f] = {(f.file, f.line, f.message, f.hint) for f in errors(example)}
    assert f[:3] == (str(path), line, message), result.output
    assert hint in f[3]
    assert "drafter." not in result.output and " object" not in result.output and "Traceback" not in result.output


def test_a_csl_file_with_an_undefined_entity(example):
    style = example / "bad.csl"
    style.write_text('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">&nbsp;</style>\n')
    spec = example / "letters/erc-entity-list.yaml"
    edit(spec, "citation_style: chicago-notes-bibliography", "citation_style: bad.csl")
    [f] = errors(example)
    assert (f.file, f.line) == (str(spec), line_of(spec, "citation_style"))
    assert "Entity 'nbsp' not defined" in f.message and f.hint
    assert run("-C", example, "draft", "erc-entity-list", "-o", example / "out").exit_code == 1


def test_an_ask_for_nobody_is_an_error_with_did_you_mean(example):
    asks = example / "asks.yaml"
    edit(asks, "for: {membership: end-user-review-committee}", "for: {membership: end-user-reveiw-committee}")
    [f] = errors(example)
    assert (f.file, f.line) == (str(asks), line_of(asks, "end-user-reveiw-committee"))
    assert f.message == "ask 'entity-list' is for nobody: no recipient matches {membership: end-user-reveiw-committee}"
    assert f.hint == "did you mean 'end-user-review-committee'?"


def test_an_ask_for_a_role_nobody_has(example):
    asks = example / "asks.yaml"
    edit(asks, "for: {role: ceo, membership: dna-kit-seller}", "for: {role: governor}")
    [f] = [f for f in errors(example) if f.file == str(asks)]     # and the CEO's letter now asks nothing
    assert f.line == line_of(asks, "role: governor") and "no profile has role 'governor'" in f.hint


def test_members_of_congress_count_when_a_batch_letter_reaches_them(example):
    """The write-to-commerce ask is for members of Congress: no profile in recipients.yaml is one, but the
    constituent letter reaches them all. Without that letter, the ask is for nobody."""
    assert errors(example) == []
    (example / "letters/constituent.yaml").unlink()
    [f] = errors(example)
    assert f.file.endswith("asks.yaml") and "ask 'write-to-commerce' is for nobody" in f.message


def test_a_profile_with_errors_holds_back_only_the_letters_that_name_it(example):
    """A misspelt field in the company's profile is one error, not an ask for nobody; the
    letters to the Secretaries, which do not name that profile, are still rendered and checked."""
    edit(example / "recipients.yaml", "    memberships: [dna-kit-seller]", "    membrships: [dna-kit-seller]")
    append(example / TEMPLATES / "erc-entity-list.md.j2", "\n{{ none_such | upper }}\n")
    found = [(Path(f.file).name, f.message) for f in errors(example)]
    assert found == [("recipients.yaml", "unknown field 'membrships' in recipients.casper"),
                     ("erc-entity-list.md.j2", found[1][1])], found
    assert "none_such" in found[1][1]


def test_a_letter_that_asks_nothing_is_an_error(example):
    asks = example / "asks.yaml"
    for old in ("{membership: end-user-review-committee}", "{membership: global-magnitsky}",
                "{membership: visa-restrictions}"):
        edit(asks, f"for: {old}", "for: {role: ceo}")
    spec = example / "letters/erc-entity-list.yaml"
    found = [f for f in errors(example) if f.file == str(spec) and "kit-" not in f.message]
    assert [(f.line, f.message) for f in found] == [(
        line_of(spec, "to:"), "letter 'erc-entity-list' to raimondo, yellen, blinken asks nothing: "
                              "erc-entity-list.md.j2 lists the asks, and no ask in asks.yaml is for these recipients")]
    draft = run("-C", example, "draft", "erc-entity-list", "-o", example / "out")
    assert draft.exit_code == 1 and "asks nothing" in draft.output
    assert not (example / "out").exists() or not any((example / "out").iterdir())


def test_a_guarded_list_of_asks_may_be_empty(example):
    """`{% if asks %}` says the template means to do without: the constituent letter. Its kit's
    fact sheet lists them unguarded, so `drafter kit constituent` would refuse it."""
    asks = example / "asks.yaml"
    edit(asks, "for: {role: [senator, representative, delegate, resident-commissioner]}", "for: {role: ceo}")
    assert [f.message.split(": ", 1)[1] for f in errors(example)] == [
        "kit-factsheet.md.j2 lists the asks, and no ask in asks.yaml is for these recipients"]


def test_kit_shape_is_checked(example):
    path = example / TEMPLATES / "kit-email.md.j2"
    edit(path, "# {{ letter.subject", "{{ letter.subject")
    found = {(f.file, f.message) for f in errors(example)}
    assert (str(path), "the email template must start with the subject line as a heading ('# ...')") in found


# --- each piece of evidence once per letter ------------------------------------------------------

def snippet_sentences():
    import yaml
    data = yaml.safe_load((REPO / "evidence.yaml").read_text())
    return [" ".join(s["text"].split()) for s in data["snippets"].values()]


def test_no_drafted_letter_states_a_snippet_twice(example, tmp_path):
    # The ERC template names one snippet twice, then lists every DNA snippet by tag, then asks
    # (each ask with its evidence): every sentence is stated once, cited where it recurs.
    path = example / TEMPLATES / "erc-entity-list.md.j2"
    edit(path, "We therefore ask that you:", 'Again: {{ snippet("dna-scale") }}\n\n'
         '{% for s in snippets(tag="dna") %}{{ s }} {% endfor %}\n\nWe therefore ask that you:')
    edit(example / "asks.yaml", "evidence: [erc-majority]", "evidence: [erc-majority, dna-scale]")
    warnings = [f for f in check_campaign(example) if f.severity == "warning" and f.file == str(path)]
    assert [(w.message, w.line) for w in warnings] == [("snippet 'dna-scale' is named twice in this template",
                                                       line_of(path, "Again:"))]
    out = tmp_path / "out"
    for letter in ("erc-entity-list", "company-ceo"):
        result = run("-C", example, "draft", letter, "-o", out, "--format", "txt", "--format", "docx")
        assert result.exit_code == 0, result.output
    texts = sorted(out.glob("*.txt"))
    assert len(texts) == 2
    for text_file in texts:
        body = " ".join(text_file.read_text().split())
        for sentence in snippet_sentences():
            plain = re.sub(r"[*_]", "", sentence)[:80]
            assert body.count(plain) <= 1, (text_file.name, plain)
    erc = next(t for t in texts if "erc" in t.name).read_text()
    assert "Again:" in erc and " ".join(erc.split()).count("919,282") == 1


# --- nothing that passes check fails in draft or kit ---------------------------------------------

MUTATIONS = [
    # (file, old, new)
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ recipient.name }} We therefore"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ recipients[0].name }} We therefore"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ 1 / 0 }} We therefore"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ recipients | map(attribute='nme') | join }}"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ letter.date }} {{ vars.x }}"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", '{{ snippets(tag="scale") | length }}'),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", '{{ snippet("dna-scale").text }} We'),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{% include 'missing.md.j2' %}"),
    ("letters/templates/erc-entity-list.md.j2", "We therefore", "{{ none_such | upper }}"),
    ("letters/templates/company-ceo.md.j2", "We look forward", "{{ recipient.courtesy }} We look forward"),
    ("letters/templates/company-ceo.md.j2", "We look forward", "{{ recipient.title | upper }} We look forward"),
    ("letters/templates/company-ceo.md.j2", "We look forward", "{{ signers[0].name }} {{ signers[9].name }}"),
    ("letters/templates/company-ceo.md.j2", "We look forward", "{{ organization }} We look forward"),
    ("letters/erc-entity-list.yaml", "mode: joint", "mode: each"),
    ("letters/company-ceo.yaml", "mode: each", "mode: joint"),
    ("letters/erc-entity-list.yaml", "to: [raimondo, yellen, blinken]", "to: [casper]"),
    ("letters/company-ceo.yaml", "to: [casper]", "to: [casper, raimondo]"),
    ("letters/company-ceo.yaml", "to: [casper]", "to: [{role: secretary}]"),
    ("asks.yaml", "for: {role: ceo, membership: dna-kit-seller}", "for: {role: ceo, membership: dna-kit-seler}"),
    ("asks.yaml", "for: {role: ceo, membership: dna-kit-seller}", "for: {role: secretary}"),
    ("asks.yaml", "evidence: [erc-majority]", "evidence: [erc-majority, dna-scale, dna-scale]"),
    ("recipients.yaml", "courtesy: Mr.", "courtesy: Dr."),
]


@pytest.mark.slow      # one draft, kit or batch per mutation: a long run
@pytest.mark.parametrize("file, old, new", MUTATIONS, ids=[f"{m[0].split('/')[-1]}:{m[2][:30]}" for m in MUTATIONS])
def test_check_agrees_with_draft(example, tmp_path, file, old, new):
    """Mutate a template, a spec or asks.yaml; whenever draft refuses a letter, check has an
    error at the same place, and when check passes every letter drafts."""
    path = example / file
    if old not in path.read_text():
        pytest.skip(f"{old!r} is no longer in {file}")
    edit(path, old, new)
    found = errors(example)
    failed = []
    for spec in ("erc-entity-list", "company-ceo"):
        result = run("-C", example, "draft", spec, "-o", tmp_path / spec, "--format", "txt")
        if result.exit_code != 0:
            failed.append(result.output)
    if not found:
        assert failed == [], failed
    for output in failed:
        place = output.removeprefix("error: ").split(": ")[0]
        assert any(place in f"{f.file}:{f.line}" or place == f.file or f"{f.file}:{f.line}".endswith(place)
                   for f in found), (output, [str(f) for f in found])


KIT_MUTATIONS = [
    ("kit-social.md.j2", "{{ tags }}", "{{ tag }}"),
    ("kit-email.md.j2", "{{ salutation }}", "{{ salutaton }}"),
    ("kit-call-script.md.j2", "{{ phone }}", "{{ recipient.phone }}"),
    ("kit-call-script.md.j2", "{{ phone }}", "{{ phone }} {{ ask_texts[0] }}"),
    ("kit-shareholder-questions.md.j2", "{{ company }}", "{{ company.name }}"),
    ("kit-email.md.j2", "# {{", "{{"),
]


@pytest.mark.slow      # one draft, kit or batch per mutation: a long run
@pytest.mark.parametrize("name, old, new", KIT_MUTATIONS)
def test_check_agrees_with_kit(example, tmp_path, shared, name, old, new):
    (example / TEMPLATES / "kit-factsheet.md.j2").unlink()    # its page count needs LibreOffice
    edit(example / TEMPLATES / name, old, new)
    found = errors(example)
    kits = [run("-C", example, "kit", spec, "-o", tmp_path / spec) for spec in ("erc-entity-list", "company-ceo")]
    kits.append(run("-C", example, "kit", "constituent", "-o", tmp_path / "constituent", "--legislators",
                    shared / "data/congress-legislators/legislators-current.yaml", "--state", "OR"))
    refused = [k.output for k in kits if k.exit_code != 0 and "error:" in k.output]
    assert bool(found) == bool(refused), ([str(f) for f in found], refused)


def test_kit_lengths_are_check_errors_measured_as_kit_measures_them(example, tmp_path):
    """An email or a social post over its limit makes kit exit 1: check reports it first, at the
    template, with the same count."""
    from drafter.commands.kit import make_kit
    (example / TEMPLATES / "kit-factsheet.md.j2").unlink()    # its page count needs LibreOffice
    edit(example / TEMPLATES / "kit-email.md.j2", "Thank you for your attention to this.",
         "Thank you for your attention to this. " + "We ask again. " * 30)
    append(example / TEMPLATES / "kit-social.md.j2", "\n" + "Tibet matters. " * 25 + "{{ tags }}\n")
    found = sorted((f for f in errors(example) if "erc-entity-list'" in f.message), key=lambda f: f.file)
    assert [(Path(f.file).name, f.line) for f in found] == [("kit-email.md.j2", None), ("kit-social.md.j2", None)]
    report = make_kit(example, "erc-entity-list", tmp_path / "kit", log=False)
    for finding, problem in zip(found, report.problems):
        measured = re.search(r"\d+ (words|characters), \d+ over the \d+ limit", problem).group()
        assert measured in finding.message, (finding.message, problem)
    assert len(report.problems) == 2


BATCH_MUTATIONS = [
    ("{{ constituent.nme }}", True),
    ("{{ recipient.state }} {{ constituent.state_name }}", False),
    ("{{ recipient.organization }} {{ constituent.zip }}", False),
    ("{% for ask in asks %}{{ ask.txt }}{% endfor %}", True),
    ("{{ signers[0].name }}", True),
]


@pytest.mark.slow      # one draft, kit or batch per mutation: a long run
@pytest.mark.parametrize("expr, refused", BATCH_MUTATIONS)
def test_check_agrees_with_batch(example, tmp_path, shared, expr, refused):
    """A batch letter is checked with a sample constituent and members: what batch refuses for
    real volunteers and members, check has refused first."""
    append(example / TEMPLATES / "constituent.md.j2", f"\n{expr}\n")
    people = tmp_path / "people.csv"
    people.write_text("\n".join((REPO / "examples/constituents.csv").read_text().splitlines()[:2]) + "\n")
    batch = run("-C", example, "batch", "constituent", "--constituents", people, "--legislators",
                shared / "data/congress-legislators/legislators-current.yaml", "--zip-districts",
                shared / "data/zip-districts/zccd.csv", "-o", tmp_path / "out", "--format", "txt")
    found = [f for f in errors(example) if f.file.endswith("constituent.md.j2")]
    assert (batch.exit_code == 1) == refused, batch.output
    assert bool(found) == refused, [str(f) for f in found]


@pytest.mark.parametrize("expr, message", [
    ("{{ recipient + 1 }}", "template error: unsupported operand type(s) for +: 'recipient' and 'number'"),
    ("{{ recipient.name + 1 }}", 'template error: can only join text (not "number") to text'),
    ("{{ signers[7].name }}", "signers has no item [7]"),
])
def test_other_template_errors_speak_the_templates_language(example, expr, message):
    path = example / TEMPLATES / "company-ceo.md.j2"
    append(path, f"\n{expr}\n")
    [f] = errors(example)
    assert (f.file, f.message) == (str(path), message)
