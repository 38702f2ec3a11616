"""Forms of address beyond Congress (drafter/people/forms.yaml), each against the rule it cites
(docs/international.md), and the example campaign abroad (examples/international) drafted in
every country's form, in both PDF engines."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafter import locale as locales
from drafter.cli import main
from drafter.campaign.models import Recipient
from drafter.compose.typography import local_marks, us_marks
from drafter.errors import DataError
from drafter.people import forms
from drafter.people.address import address_letter, inside_address, profile_problem

from conftest import REPO, check_docx, pdf_text

GB, DE, FR, CA, AU, EN_US = (locales.get(c) for c in ("en-GB", "de-DE", "fr-FR", "en-CA", "en-AU", "en-US"))
INTERNATIONAL = REPO / "examples" / "international"


def rec(name, role, country, id="r", **kw) -> Recipient:
    return Recipient(id=id, name=name, role=role, country=country, **kw)


def greet(r: Recipient, loc=None, greeting="formal") -> str:
    return address_letter([r], loc=loc, greeting=greeting)[1]


# --- the United Kingdom (Debrett's; the Commons data's README) ----------------------------------

def test_uk_backbench_mp_full_name_and_mp_in_the_address_courtesy_title_without_a_stop():
    r = rec("Connor Rand", "mp", "GB", courtesy="Mr.")
    assert inside_address(r) == ["Connor Rand MP", "House of Commons", "London SW1A 0AA"]
    assert greet(r) == "Dear Mr Rand,"          # British usage: no full stop, a comma after


def test_uk_privy_counsellor_is_rt_hon_in_the_address_never_in_the_salutation():
    r = rec("Yvette Cooper", "mp", "GB", privy_council=True, gender="female")
    assert inside_address(r)[0] == "The Rt Hon Yvette Cooper MP"
    assert greet(r) == "Dear Ms Cooper,"


def test_uk_minister_written_to_as_such():
    minister = rec("Jane Doe", "minister", "GB", privy_council=True, title="Minister of State for Asia",
                   organization="Foreign Office", address=("King Charles Street", "London SW1A 2AH"))
    assert greet(minister) == "Dear Minister,"
    secretary = Recipient(**{**minister.__dict__, "title": "Secretary of State for Foreign Affairs"})
    assert greet(secretary) == "Dear Secretary of State,"
    assert inside_address(secretary)[:2] == ["The Rt Hon Jane Doe MP", "Secretary of State for Foreign Affairs"]


def test_uk_neutral_greeting_by_the_full_name_where_the_campaign_asks():
    r = rec("Keir Starmer", "mp", "GB")
    assert greet(r, greeting="neutral") == "Dear Keir Starmer,"
    problem = profile_problem(r)
    assert problem is not None and "gender:" in problem.hint and "greeting: neutral" in problem.hint


def test_uk_closing_and_date():
    assert GB.closing == "Yours sincerely,"
    assert GB.date(dt.date(2023, 10, 23)) == "23 October 2023"
    assert GB.paper == "a4"


# --- the European Parliament ---------------------------------------------------------------------

def test_mep_in_english_german_and_french():
    r = rec("Hannah Neumann", "mp", "EU", gender="female")
    assert inside_address(r, loc=GB) == ["Ms Hannah Neumann", "Member of the European Parliament",
                                         "European Parliament", "Rue Wiertz 60", "1047 Brussels", "Belgium"]
    assert greet(r, GB) == "Dear Ms Neumann,"
    assert greet(r, DE) == "Sehr geehrte Frau Abgeordnete,"
    assert inside_address(r, loc=DE)[:3] == ["Frau", "Hannah Neumann MdEP", "Mitglied des Europäischen Parlaments"]
    assert greet(r, FR) == "Madame la Députée,"


# --- Germany (Protokoll Inland der Bundesregierung; DIN 5008) ----------------------------------

def test_bundestag_member_academic_title_in_address_and_salutation():
    r = rec("Anna Beispiel", "mp", "DE", gender="female", academic_title="Dr.")
    assert inside_address(r) == ["Frau", "Dr. Anna Beispiel MdB", "Deutscher Bundestag", "Platz der Republik 1",
                                 "11011 Berlin"]
    assert greet(r) == "Sehr geehrte Frau Dr. Beispiel,"
    man = rec("Rainer Kraft", "mp", "DE", gender="male")
    assert inside_address(man)[0] == "Herrn"       # accusative in the address
    assert greet(man) == "Sehr geehrter Herr Kraft,"


def test_bundesminister_is_greeted_by_the_office():
    r = rec("Johann Wadephul", "minister", "DE", gender="male", academic_title="Dr.",
            title="Bundesminister des Auswärtigen", organization="Auswärtiges Amt",
            address=("Werderscher Markt 1", "10117 Berlin"))
    assert inside_address(r) == ["Herrn", "Dr. Johann Wadephul", "Bundesminister des Auswärtigen",
                                 "Auswärtiges Amt", "Werderscher Markt 1", "10117 Berlin"]
    assert greet(r) == "Sehr geehrter Herr Bundesminister,"
    assert greet(Recipient(**{**r.__dict__, "gender": "female"})) == "Sehr geehrte Frau Bundesministerin,"


def test_german_gender_is_asked_for_or_the_neutral_form_used():
    r = rec("Rainer Kraft", "mp", "DE", academic_title="Dr.")
    problem = profile_problem(r)
    assert isinstance(problem, forms.MissingField) and problem.field == "gender"
    assert greet(r, greeting="neutral") == "Guten Tag Dr. Rainer Kraft,"


def test_german_joint_salutation_lowers_the_second():
    a = rec("Anna Beispiel", "mp", "DE", "a", gender="female", academic_title="Dr.")
    b = rec("Rainer Kraft", "mp", "DE", "b", gender="male")
    assert address_letter([a, b])[1] == "Sehr geehrte Frau Dr. Beispiel, sehr geehrter Herr Kraft,"


def test_german_closing_date_and_quotes():
    assert DE.closing == "Mit freundlichen Grüßen"        # no comma
    assert DE.date(dt.date(2023, 10, 23)) == "23. Oktober 2023"
    assert local_marks("“Tibet’s ‘DNA’”", DE.quotes) == "„Tibet’s ‚DNA‘“"


# --- France (Journal des maires) -----------------------------------------------------------------

def test_french_deputy_and_the_closing_that_repeats_the_salutation():
    r = rec("Olga Givernet", "mp", "FR", gender="female")
    assert inside_address(r) == ["Madame Olga Givernet", "Députée", "Assemblée nationale",
                                 "126 rue de l’Université", "75355 Paris 07 SP"]
    assert greet(r) == "Madame la Députée,"
    assert FR.closing_for("Madame la Députée,") == \
        "Je vous prie d’agréer, Madame la Députée, l’expression de ma haute considération."
    assert greet(rec("Jean Dupont", "minister", "FR", gender="male", address=("1 rue X", "75000 Paris"))) \
        == "Monsieur le Ministre,"


def test_french_joint_letter_repeats_both_appellations_in_the_closing():
    a = rec("Olga Givernet", "mp", "FR", "a", gender="female")
    b = rec("Xavier Breton", "mp", "FR", "b", gender="male")
    salutation = address_letter([a, b])[1]
    assert salutation == "Madame la Députée, Monsieur le Député,"
    assert FR.closing_for(salutation) == ("Je vous prie d’agréer, Madame la Députée, Monsieur le Député, "
                                          "l’expression de ma haute considération.")


def test_british_joint_letter_has_no_serial_comma():
    people = [rec(n, "mp", "GB", n, courtesy=c) for n, c in
              (("Connor Rand", "Mr."), ("Jane Doe", "Ms."), ("Ann Roe", "Mrs."))]
    assert address_letter(people)[1] == "Dear Mr Rand, Ms Doe and Mrs Roe,"


def test_french_has_no_neutral_form():
    r = rec("Olga Givernet", "mp", "FR")
    with pytest.raises(DataError, match="needs a gender"):
        greet(r, greeting="neutral")


def test_french_date_and_quotes():
    assert FR.date(dt.date(2023, 10, 3)) == "3 octobre 2023"
    assert local_marks("“Tibet”", FR.quotes) == "«\u202fTibet\u202f»"


# --- Canada (Government of Canada style guide) ----------------------------------------------------

def test_canadian_mp_and_privy_councillor_minister():
    mp = rec("Jenna Sudds", "mp", "CA", gender="female")
    assert inside_address(mp)[0] == "Ms. Jenna Sudds, M.P."      # Mr./Ms. with a stop, never "MP Sudds"
    assert greet(mp) == "Dear Ms. Sudds:"
    minister = rec("Anita Anand", "minister", "CA", privy_council=True, title="Minister of Foreign Affairs")
    assert inside_address(minister)[:2] == ["The Honourable Anita Anand, P.C., M.P.", "Minister of Foreign Affairs"]
    assert greet(minister) == "Dear Minister:"


# --- Australia (Parliament of Australia; Style Manual) ---------------------------------------------

def test_australian_senator_who_is_a_minister():
    r = rec("Penny Wong", "senator", "AU", honourable=True, title="Minister for Foreign Affairs",
            constituency="South Australia")
    assert inside_address(r) == ["Senator the Hon Penny Wong", "Minister for Foreign Affairs", "Parliament House",
                                 "Canberra ACT 2600"]
    assert greet(r) == "Dear Minister"          # the Style Manual: no punctuation
    assert AU.closing == "Yours sincerely"


def test_australian_senator_and_member():
    senator = rec("Sarah Hanson-Young", "senator", "AU", constituency="South Australia")
    assert inside_address(senator)[:2] == ["Senator Sarah Hanson-Young", "Senator for South Australia"]
    assert greet(senator) == "Dear Senator Hanson-Young"
    member = rec("Zali Steggall", "mp", "AU", gender="female", post_nominals="OAM")
    assert inside_address(member)[0] == "Ms Zali Steggall OAM MP"
    assert greet(member) == "Dear Ms Steggall"


def test_a_role_the_country_has_no_form_for():
    with pytest.raises(DataError, match="no form of address for a senator in the United Kingdom"):
        greet(rec("A B", "senator", "GB"))


def test_one_letter_cannot_mix_congress_and_parliaments():
    us = Recipient(id="us", name="Jeff Merkley", role="senator", state="OR", address=("1 Main St",))
    with pytest.raises(DataError, match="both to the United States and abroad"):
        address_letter([us, rec("Connor Rand", "mp", "GB", courtesy="Mr.")])


def test_us_dates_are_babels_without_loading_it():
    from babel.dates import format_date
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        assert EN_US.date(day) == format_date(day, "long", locale="en_US")
        day += dt.timedelta(days=1)


def test_csl_quote_marks_read_back_as_us_marks():
    assert us_marks("„China“ and ‚x‘", ("„", "“", "‚", "‘")) == "“China” and ‘x’"
    assert us_marks("‘China’s title’", ("‘", "’", "“", "”")) == "“China’s title”"


def test_every_citation_key_of_a_country_is_in_the_citation_table():
    rules = forms.rules()
    for country, data in rules.items():
        if country != "citations":
            assert set(data["sources"]) <= set(rules["citations"]), country


# --- the example campaign abroad ----------------------------------------------------------------

LETTERS = {   # spec: (salutation, closing, date, paper width in twips, first address line)
    "gb-minister": ("Dear Secretary of State,", "Yours sincerely,", "7 December 2026", 11906,
                    "The Rt Hon Yvette Cooper MP"),
    "gb-mp": ("Dear Mr Rand,", "Yours sincerely,", "7 December 2026", 11906, "Connor Rand MP"),
    "eu-mep": ("Dear Ms Neumann,", "Yours sincerely,", "7 December 2026", 11906, "Ms Hannah Neumann"),
    "de-minister": ("Sehr geehrter Herr Bundesminister,", "Mit freundlichen Grüßen", "7. Dezember 2026", 11906,
                    "Herrn"),
    "ca-minister": ("Dear Minister:", "Sincerely,", "December 7, 2026", 12240,
                    "The Honourable Anita Anand, P.C., M.P."),
    "au-minister": ("Dear Minister", "Yours sincerely", "7 December 2026", 11906, "Senator the Hon Penny Wong"),
    "fr-depute": ("Madame la Députée,", "Je vous prie d’agréer, Madame la Députée, l’expression de ma haute "
                  "considération.", "7 décembre 2026", 11906, "Madame Olga Givernet"),
}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("abroad")
    for spec in LETTERS:
        result = CliRunner().invoke(main, ["-C", str(INTERNATIONAL), "draft", spec, "--clean", "--format", "docx",
                                           "--format", "txt", "--format", "pdf", "-o", str(out / spec)])
        assert result.exit_code == 0, result.output
    return out


def _one(folder: Path, suffix: str) -> Path:
    [path] = folder.glob(f"*{suffix}")
    return path


@pytest.mark.parametrize("spec", LETTERS)
def test_example_letter_in_the_country_form(drafted, spec):
    salutation, closing, date, width, first = LETTERS[spec]
    text = _one(drafted / spec, ".txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert salutation in lines and closing in lines and date in lines and first in lines
    document = zipfile.ZipFile(_one(drafted / spec, ".docx")).read("word/document.xml").decode()
    assert f'w:w="{width}"' in document          # A4 abroad, Letter in Canada
    check_docx(_one(drafted / spec, ".docx"))


@pytest.mark.parametrize("spec", LETTERS)
def test_example_letter_in_typst_pdf(drafted, spec):
    need_pdftotext()
    import subprocess
    salutation, closing, date, _, first = LETTERS[spec]
    text = subprocess.run(["pdftotext", "-layout", str(_one(drafted / spec, ".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    for part in (salutation, closing, date, first):
        assert " ".join(part.split()) in flat, part


@pytest.mark.parametrize("spec", LETTERS)
def test_example_letter_in_libreoffice_pdf(drafted, spec, soffice, tmp_path):
    salutation, closing, date, _, first = LETTERS[spec]
    flat = " ".join(pdf_text(soffice, _one(drafted / spec, ".docx"), tmp_path).split())
    for part in (salutation, closing, date, first):
        assert " ".join(part.split()) in flat, part


def test_german_citations_are_german(drafted):
    text = _one(drafted / "de-minister", ".txt").read_text(encoding="utf-8")
    assert "„China: New Evidence of Mass DNA Collection in Tibet“, 5. September 2022" in text
    assert "\n\nQuellen\n\n1. " in text


def need_pdftotext():
    from conftest import need
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")


def test_recipients_list_by_country():
    result = CliRunner().invoke(main, ["-C", str(INTERNATIONAL), "recipients", "list", "--country", "gb"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "name", "role", "country", "constituency"]
    assert [line.split()[0] for line in lines[1:]] == ["gb-cooper", "gb-rand"]
