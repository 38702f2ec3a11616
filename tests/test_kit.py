"""drafter kit: the example campaign's action kit, its limits, the fact sheet in Word, overshoots."""
from __future__ import annotations

import re
import subprocess

import pytest
from click.testing import CliRunner

from drafter.cli import main
from drafter.commands.kit import make_kit
from drafter.formats.kittext import count_words, post_length

from conftest import REPO, SHARED, docx_check, docx_text, need, pdf_text

LEGISLATORS = "data/congress-legislators/legislators-current.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def spoken_words(text: str) -> int:
    """Words before the Sources list, note markers removed: counted independently of kit.py."""
    body = text.split("\nSources")[0]
    return len([w for w in re.sub(r"\[\d+(, \d+)*\]", " ", body).split() if re.search(r"\w", w)])


# --------------------------------------------------------------------------- X's count

def test_post_length_counts_the_way_x_does():
    # twitter-text's documented example: 12 + CJK 3x2 + emoji 2 + URL 23 and the spaces
    assert post_length("english text 日本語 😷 https://example.com") == 46
    assert post_length("a" * 280) == 280
    assert post_length("https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/") == 23
    assert post_length("see example.org/path.") == 4 + 23 + 1     # bare domain; the full stop is not the link's
    assert post_length("Tibet 西藏") == 6 + 4
    assert post_length("👩‍👩‍👧") == 2                                  # one emoji sequence
    assert post_length("e.g. U.S. No.5") == 14                      # not links


def test_word_count():
    assert count_words("Between June 2016 and July 2022, police collected 919,282 samples — a third.") == 12


# --------------------------------------------------------------------------- the example campaign

@pytest.fixture(scope="module")
def kit_dirs(tmp_path_factory):
    """The example campaign's kits: the Secretaries' letter with Oregon's members to call, and
    the letter to Thermo Fisher's chief executive. Made once for the module (each make_kit runs
    LibreOffice to count the fact sheet's pages)."""
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    shared, tmp_path = SHARED, tmp_path_factory.mktemp("kits")
    erc = make_kit(REPO, "erc-entity-list", tmp_path / "erc", legislators=shared / LEGISLATORS,
                   state="OR", district=1)
    ceo = make_kit(REPO, "company-ceo", tmp_path / "ceo")
    return erc, ceo


def test_example_kit_every_limit_holds(kit_dirs, shared):
    erc, ceo = kit_dirs
    for report in (erc, ceo):
        assert report.ok, report.problems
        for item in report.items:
            if item.limit is not None:
                assert 0 < item.measure <= item.limit, item.label
    kinds = {i.kind for i in erc.items}
    assert kinds == {"call-script", "email", "social", "factsheet"}
    assert {i.kind for i in ceo.items} == {"email", "social", "shareholder-questions", "factsheet"}
    # the Secretaries have no phone in their profiles: skipped, and said so
    assert any("raimondo" in s and "no phone" in s for s in erc.skipped)
    assert any("shareholder questions" in s and "company-ceo" in s for s in erc.skipped)
    names = {p.name for p in erc.paths}
    assert {"email.txt", "social.txt", "factsheet.docx", "kit.md"} <= names


def test_call_scripts_use_the_members_real_phones(kit_dirs, shared):
    import yaml
    erc, _ = kit_dirs
    members = yaml.safe_load((shared / LEGISLATORS).read_text())
    phones = {m["id"]["bioguide"]: m["terms"][-1]["phone"] for m in members
              if m["terms"][-1]["state"] == "OR" and (m["terms"][-1]["type"] == "sen"
                                                      or m["terms"][-1].get("district") == 1)}
    scripts = {p.stem.removeprefix("call-script-"): p.read_text() for p in erc.paths
               if p.name.startswith("call-script-")}
    # Senator Merkley (M001176) signed the letter: he is no one to ask to co-sign it.
    assert set(scripts) == set(phones) - {"M001176"} and len(scripts) == 2
    assert "call script for M001176: Senator Merkley signed this letter" in erc.skipped
    for bioguide, text in scripts.items():
        assert phones[bioguide] in text.splitlines()[0]
        assert "staff member who handles" in text
        assert "Write to the Secretary of Commerce" in text                  # the ask for members, from asks.yaml
        assert spoken_words(text) < 150
        assert "Sources" in text and "citizenlab.ca" in text   # facts keep their sources
        spoken = text.split("\nSources")[0]
        # read aloud: no note markers, no abbreviation a listener cannot see spelled out
        assert not re.search(r"\[\d+\]", spoken) and not re.search(r"\bTAR\b", spoken), spoken
        assert "police in the Tibet Autonomous Region collected" in spoken
        assert spoken.count(" to act:") == 1


def test_a_call_script_with_two_asks_says_the_lead_in_once(campaign, tmp_path):
    """Two asks for one member: "I ask Senator Wyden to act:" once, then the asks as a list."""
    from drafter.commands.kit import abbreviations, signed_by
    from drafter.campaign.load import load_campaign
    from drafter.campaign.models import Recipient, Signer
    asks = campaign / "asks.yaml"
    asks.write_text(asks.read_text() + """
  hearing:
    for: {role: senator}
    text: >-
      Hold a hearing on the mass collection of DNA in the TAR.
""")
    report = make_kit(campaign, "erc-entity-list", tmp_path / "kit", legislators=SHARED / LEGISLATORS, state="OR")
    [script] = [p for p in report.paths if p.name.startswith("call-script-")]
    text = script.read_text().split("\nSources")[0]
    assert text.count("I ask Senator Wyden to act:") == 1, text
    assert "1. Write to the Secretary of Commerce" in text and "2. Hold a hearing on the mass collection of DNA in the Tibet " \
                                               "Autonomous Region." in text, text
    assert abbreviations(load_campaign(campaign))["TAR"] == "Tibet Autonomous Region"
    merkley = Recipient(id="M001176", name="Jeff Merkley", role="senator", given="Jeff", surname="Merkley")
    assert signed_by(merkley, [Signer(id="m", name="Jeffrey A. Merkley")])
    assert not signed_by(merkley, [Signer(id="s", name="Christopher H. Smith")])
    assert not signed_by(merkley, [Signer(id="x", name="Anna Merkley")])


def test_email_and_posts_carry_source_links(kit_dirs):
    erc, _ = kit_dirs
    email = (erc.out_dir / "email.txt").read_text()
    assert email.startswith("Subject: ")
    assert "Dear Secretaries Raimondo, Yellen, and Blinken:" in email
    assert spoken_words(email.split("\n\n", 1)[1]) < 200
    assert "[1] Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region from 2016–2022 (Toronto: The Citizen Lab" in email
    posts = [i for i in erc.items if i.kind == "social"]
    assert len(posts) >= 4
    for post in posts:
        assert post.text in (erc.out_dir / "social.txt").read_text()
        assert "#Tibet" in post.text                          # from the spec's kit: hashtags
        if "DNA samples" in post.text or "kindergartens" in post.text:
            assert "https://" in post.text                    # a fact carries its link
        assert post_length(post.text) <= 280


def without_factsheet(campaign):
    """A kit without the fact sheet: not these tests' business, and it costs a LibreOffice run."""
    (campaign / "letters/templates/kit-factsheet.md.j2").unlink()


def test_email_lists_each_source_as_the_letter_notes_it(campaign, tmp_path):
    """Not by its raw title: a press statement whose title is unconfirmed is described, as the
    letter's Chicago note describes it."""
    without_factsheet(campaign)
    template = campaign / "letters/templates/kit-email.md.j2"
    cite = '{{ snippet("dna-no-opt-out") }}'
    template.write_text(template.read_text().replace(cite, cite + ' {{ snippet("visa-steps") }}'))
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "kit")
    assert result.exit_code == 0, result.stderr
    email = (tmp_path / "kit/email.txt").read_text()
    sources = dict(re.findall(r"^\[(\d+)\] (.+)$", email.split("\nSources:\n")[1], flags=re.M))
    assert sources["3"] == ("U.S. Department of State, Visa restrictions on PRC officials involved in the forcible "
                            "assimilation of Tibetan children in boarding schools, press statement, August 22, 2023.")
    assert sources["1"].startswith("Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region")
    assert sources["1"].endswith(", https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/.")
    # the very notes the letter prints, first citation of each source
    assert run("-C", campaign, "draft", "erc-entity-list", "--format", "txt", "-o", tmp_path / "drafts").exit_code == 0
    [letter] = (tmp_path / "drafts").glob("*.txt")
    notes = re.findall(r"^\d+\.\s+(.+)$", letter.read_text().split("\nSources\n")[1], flags=re.M)
    assert len(sources) == 3 and set(sources.values()) <= set(notes)
    md = (tmp_path / "kit/kit.md").read_text()
    assert "- \\[3\\] U.S. Department of State, Visa restrictions on PRC officials involved in" in md
    assert ("- \\[1\\] Emile Dirks, *Mass DNA Collection in the Tibet Autonomous Region from 2016–2022* "
            "(Toronto: The Citizen Lab") in md
    assert "<https://citizenlab.ca/2022/09/mass-dna-collection-in-the-tibet-autonomous-region/>." in md


def test_email_greets_with_the_letter_specs_salutation(campaign, tmp_path):
    without_factsheet(campaign)
    greeting = "Dear Secretary Raimondo, Secretary Yellen, and Secretary Blinken:"
    spec = campaign / "letters/erc-entity-list.yaml"
    spec.write_text(spec.read_text() + f'salutation: "{greeting}"\n')
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "kit")
    assert result.exit_code == 0, result.stderr
    email = (tmp_path / "kit/email.txt").read_text()
    assert email.split("\n\n")[1] == greeting                 # the line after the subject
    assert "Dear Secretaries" not in email
    assert greeting in (tmp_path / "kit/kit.md").read_text()


def test_shareholder_questions_are_footnoted(kit_dirs):
    _, ceo = kit_dirs
    text = (ceo.out_dir / "shareholder-questions-casper.txt").read_text()
    questions = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    body = text.split("\nSources")[0]
    assert body.count("?") >= 3 and "Thermo Fisher Scientific" in body
    for q in body.strip().splitlines():
        assert re.search(r"\[\d+\]", q), q                  # every question rests on a cited fact
    assert "Thermo Fisher Stops Selling DNA Kits in Tibet" in text   # the source of its own decision
    assert questions


def test_kit_markdown_footnotes_resolve(kit_dirs):
    for report in kit_dirs:
        md = (report.out_dir / "kit.md").read_text()
        refs = set(re.findall(r"(?<!\\)\[\^([\w-]+)\](?!:)", md))
        defs = re.findall(r"^\[\^([\w-]+)\]:", md, flags=re.M)
        assert refs and refs == set(defs) and len(defs) == len(set(defs))
        assert "## Fact sheet" in md and "## Email" in md and "## Social posts" in md


def test_factsheet_is_valid_word_and_one_page(kit_dirs, shared, soffice, tmp_path):
    for report in kit_dirs:
        path = report.out_dir / "factsheet.docx"
        docx_check(shared, path)
        body = docx_text(path)
        assert "Key facts" in body and "What we ask" in body
        assert "Dear" not in body and "Sincerely" not in body    # a fact sheet, not a letter
        assert "Citizen Lab" in docx_text(path, "word/footnotes.xml")
        out = tmp_path / f"pdf-{report.out_dir.name}"
        out.mkdir()
        text = pdf_text(soffice, path, out)
        pages = subprocess.run(["pdfinfo", str(out / "factsheet.pdf")], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", pages, flags=re.M), pages
        assert "Mass DNA Collection in Tibet" in text


# --------------------------------------------------------------------------- overshoots

@pytest.fixture
def lean(campaign):
    """The example campaign without its fact sheet template: the kit is made without starting
    LibreOffice (which counts the fact sheet's pages), for the tests about other items."""
    (campaign / "letters/templates/kit-factsheet.md.j2").unlink()
    return campaign


def test_post_overshoot_is_reported_not_cut(lean, tmp_path):
    campaign = lean
    template = campaign / "letters/templates/kit-social.md.j2"
    long_words = "Tibetans have no say in this " * 6
    template.write_text(template.read_text() + '\n{{ snippet("dna-scale") }} ' + long_words + "\n")
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "out")
    assert result.exit_code == 1
    snippet = ("Between June 2016 and July 2022, police in the TAR collected roughly 919,282 to 1,206,962 DNA "
               "samples, from a quarter to a third of the region's 3.66 million people.")
    expected = len(snippet) + 1 + 23 + 1 + len(long_words.strip())   # the link counts 23
    posts = (tmp_path / "out/social.txt").read_text().rstrip("\n").split("\n\n")
    n = next(i for i, p in enumerate(posts, 1) if p.endswith(long_words.strip()))
    assert f"social post {n}: {expected} characters, {expected - 280} over the 280 limit" in result.stderr
    assert "kit-social.md.j2" in result.stderr
    assert long_words.strip() in posts[n - 1]                 # written in full
    assert (tmp_path / "out/kit.md").is_file() and (tmp_path / "out/email.txt").is_file()


def test_email_overshoot_names_the_words_over(lean, tmp_path):
    campaign = lean
    template = campaign / "letters/templates/kit-email.md.j2"
    extra = "This matters to me and to many people I know. " * 10     # 100 words
    template.write_text(template.read_text().replace("Thank you for your attention to this.", extra))
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "out")
    assert result.exit_code == 1
    words = spoken_words((tmp_path / "out/email.txt").read_text().split("\n\n", 1)[1])
    assert words > 200
    assert f"email: {words} words, {words - 200} over the 200 limit" in result.stderr
    assert extra.strip() in (tmp_path / "out/email.txt").read_text()


def test_fact_without_a_link_in_a_post_is_reported(lean, tmp_path):
    campaign = lean
    template = campaign / "letters/templates/kit-social.md.j2"
    text = template.read_text()
    template.write_text(text + '\n{{ snippet("visa-steps") }}\n')
    message = "a social post cites source 'state-visa-2023', which has no URL to link"
    # check reports it first, once, at the template's line, as an error
    checked = run("-C", campaign, "check")
    assert checked.exit_code == 1
    line = text.count("\n") + 2
    assert [m for m in checked.stdout.splitlines() if message in m] == [
        f"{template}:{line}:12: error: {message} (give the source a URL in evidence.yaml, or post another fact)"]
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert message in result.stderr


# --------------------------------------------------------------------------- command line

def test_cli_writes_prints_and_refuses_to_overwrite(lean, tmp_path):
    campaign, out = lean, tmp_path / "kit"
    first = run("-C", campaign, "kit", "company-ceo", "-o", out)
    assert first.exit_code == 0, first.stderr
    assert str(out / "kit.md") in first.stdout.splitlines()
    assert "email: " in first.stderr and "(limit 200)" in first.stderr
    before = (out / "email.txt").read_bytes()
    again = run("-C", campaign, "kit", "company-ceo", "-o", out)
    assert again.exit_code == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert (out / "email.txt").read_bytes() == before
    assert run("-C", campaign, "kit", "company-ceo", "-o", out, "--force").exit_code == 0


def test_cli_usage_and_data_errors(campaign, tmp_path):
    result = run("-C", campaign, "kit", "erc-entity-list", "--state", "OR", "-o", tmp_path / "o")
    assert result.exit_code == 2 and "--legislators and --state go together" in result.stderr
    spec = campaign / "letters/erc-entity-list.yaml"
    spec.write_text(spec.read_text().replace("hashtags: [Tibet]", "hashtags: ['two words']"))
    result = run("-C", campaign, "kit", "erc-entity-list", "-o", tmp_path / "o")
    assert result.exit_code == 1 and "erc-entity-list.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_campaign_without_kit_templates_says_what_is_missing(campaign, tmp_path):
    for path in (campaign / "letters/templates").glob("kit-*.md.j2"):
        path.unlink()
    report = make_kit(campaign, "erc-entity-list", tmp_path / "out")
    assert report.items == [] and report.ok
    assert any("no template letters/templates/kit-email.md.j2" in s for s in report.skipped)


@pytest.mark.slow
def test_factsheet_over_one_page_is_reported(campaign, soffice, tmp_path):
    template = campaign / "letters/templates/kit-factsheet.md.j2"
    extra = "".join(f"\n- Extra line {i} that a campaigner added to the fact sheet.\n" for i in range(40))
    template.write_text(template.read_text() + extra)
    out = tmp_path / "kit"
    result = run("-C", campaign, "kit", "company-ceo", "-o", out)
    assert result.exit_code == 1
    assert re.search(r"fact sheet: [2-9] page\(s\), [1-8] over the 1 limit", result.stderr)
    assert (out / "factsheet.docx").exists()       # written in full, not cut


def test_factsheet_over_one_page_is_found_by_check_and_kit_without_libreoffice(campaign, tmp_path, monkeypatch):
    """Without LibreOffice, kit counts the fact sheet's pages in its Typst PDF and says so; check
    counts them the same way first, at the template, as an error (kit would exit 1)."""
    import drafter.formats.pdf as lo
    from drafter.commands.check import check_campaign
    monkeypatch.delenv("DRAFTER_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    monkeypatch.setattr(lo, "INSTALL_ROOT", tmp_path / "empty-root")
    template = campaign / "letters/templates/kit-factsheet.md.j2"
    assert not [f for f in check_campaign(campaign) if "fact sheet" in f.message]
    extra = "".join(f"\n- Extra line {i} that a campaigner added to the fact sheet.\n" for i in range(40))
    template.write_text(template.read_text() + extra)
    found = [f for f in check_campaign(campaign) if "fact sheet" in f.message]
    assert found and {(f.severity, f.file) for f in found} == {("error", str(template))}
    assert re.search(r"the fact sheet of letter '[\w-]+': [2-9] pages, over the 1-page limit", found[0].message)
    result = run("-C", campaign, "kit", "company-ceo", "-o", tmp_path / "kit")
    assert result.exit_code == 1
    assert re.search(r"fact sheet: [2-9] page\(s\), [1-8] over the 1 limit", result.stderr)
    assert "measured in its Typst PDF" in result.stderr
