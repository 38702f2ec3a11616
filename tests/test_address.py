"""Forms of address: every role's inside address and salutation, joint forms, names, overrides."""
from __future__ import annotations


import dataclasses

import pytest

from drafter.people.address import (ABROAD_ROLES, ROLE_FORMS, addressee_line, inside_address, joint_salutation,
                             nickname, parse_name, salutation, salutation_name)
from drafter.errors import DataError
from drafter.campaign.models import Recipient
from drafter.campaign.schemas import ROLES

DC_COMMERCE = ("1401 Constitution Avenue NW", "Washington, DC 20230")


def rec(name="Jane Q. Public", role="other", id="r1", **kw) -> Recipient:
    return Recipient(id=id, name=name, role=role, **kw)


RAIMONDO = rec("Gina M. Raimondo", "secretary", "raimondo", title="Secretary of Commerce",
               organization="U.S. Department of Commerce", address=DC_COMMERCE, courtesy="Ms.")
YELLEN = rec("Janet L. Yellen", "secretary", "yellen", title="Secretary of the Treasury")
BLINKEN = rec("Antony J. Blinken", "secretary", "blinken", title="Secretary of State")
CASPER = rec("Marc N. Casper", "ceo", "casper", title="President and Chief Executive Officer",
             organization="Thermo Fisher Scientific", address=("168 Third Avenue", "Waltham, MA 02451"),
             courtesy="Mr.")
MERKLEY = rec("Jeff Merkley", "senator", "merkley", state="OR",
              address=("531 Hart Senate Office Building", "Washington, DC 20510"))
WYDEN = rec("Ron Wyden", "senator", "wyden", state="OR")
SMITH = rec("Adam Smith", "representative", "smith", state="WA", district=9,
            address=("2264 Rayburn House Office Building", "Washington, DC 20515"))


def test_roles_table_covers_every_schema_role():
    assert set(ROLE_FORMS) == set(ROLES) - set(ABROAD_ROLES)


def test_a_role_abroad_without_a_country_names_the_field():
    with pytest.raises(DataError, match="names no country") as exc:
        salutation(rec("Jane Smith", "mp", address=("1 Main St",)))
    assert "country:" in exc.value.hint


# --- each role: inside address and salutation ---------------------------------------------

def test_secretary():
    assert inside_address(RAIMONDO) == [
        "The Honorable Gina M. Raimondo", "Secretary of Commerce", "U.S. Department of Commerce",
        "1401 Constitution Avenue NW", "Washington, DC 20230"]
    assert salutation(RAIMONDO) == "Dear Secretary Raimondo:"


def test_ceo_has_no_honorific_and_courtesy_salutation():
    assert addressee_line(CASPER) == "Marc N. Casper"
    assert inside_address(CASPER) == [
        "Marc N. Casper", "President and Chief Executive Officer", "Thermo Fisher Scientific",
        "168 Third Avenue", "Waltham, MA 02451"]
    assert salutation(CASPER) == "Dear Mr. Casper:"


def test_ceo_without_courtesy_is_refused_not_greeted_by_full_name():
    with pytest.raises(DataError) as e:
        salutation(rec("Marc N. Casper", "ceo", "casper"))
    assert "'Dear Marc N. Casper:'" in e.value.message and "add `courtesy:`" in e.value.hint
    assert "casper" in e.value.hint


def test_senator():
    assert inside_address(MERKLEY) == ["The Honorable Jeff Merkley", "United States Senate",
                                       "531 Hart Senate Office Building", "Washington, DC 20510"]
    assert salutation(MERKLEY) == "Dear Senator Merkley:"


def test_senator_without_office_gets_the_senate_general_address():
    assert inside_address(WYDEN) == ["The Honorable Ron Wyden", "United States Senate",
                                     "Washington, DC 20510"]


def test_representative():
    assert inside_address(SMITH) == ["The Honorable Adam Smith",
                                     "United States House of Representatives",
                                     "2264 Rayburn House Office Building", "Washington, DC 20515"]
    assert salutation(SMITH) == "Dear Representative Smith:"


def test_congress_uses_profile_title_and_organization_without_duplicates():
    r = rec("Jeff Merkley", "senator", organization="U.S. Senate",
            address=("U.S. Senate", "531 Hart Senate Office Building", "Washington, DC 20510"))
    assert inside_address(r) == ["The Honorable Jeff Merkley", "U.S. Senate",
                                 "531 Hart Senate Office Building", "Washington, DC 20510"]
    r = rec("Jeff Merkley", "senator", address=("United States Senate", "Washington, DC 20510"))
    assert inside_address(r) == ["The Honorable Jeff Merkley", "United States Senate",
                                 "Washington, DC 20510"]


def test_delegate():
    r = rec("Eleanor Holmes Norton", "delegate", state="DC", courtesy="Ms.",
            address=("2136 Rayburn House Office Building", "Washington, DC 20515"))
    assert inside_address(r)[:2] == ["The Honorable Eleanor Holmes Norton",
                                     "United States House of Representatives"]
    assert salutation(r) == "Dear Delegate Norton:"


def test_resident_commissioner():
    r = rec("Pablo José Hernández Rivera", "resident-commissioner", state="PR",
            surname="Hernández", title="Resident Commissioner from Puerto Rico")
    assert inside_address(r) == ["The Honorable Pablo José Hernández Rivera",
                                 "Resident Commissioner from Puerto Rico",
                                 "United States House of Representatives", "Washington, DC 20515"]
    assert salutation(r) == "Dear Commissioner Hernández:"


def test_governor():
    r = rec("Tina Kotek", "governor", state="OR",
            address=("900 Court Street NE, Suite 254", "Salem, OR 97301"))
    assert inside_address(r) == ["The Honorable Tina Kotek", "Governor of Oregon",
                                 "900 Court Street NE, Suite 254", "Salem, OR 97301"]
    assert salutation(r) == "Dear Governor Kotek:"


def test_governor_needs_state_or_title():
    with pytest.raises(DataError) as e:
        inside_address(rec("Tina Kotek", "governor", "kotek", address=("Salem, OR",)))
    assert "kotek" in str(e.value) and "`state:`" in str(e.value)
    r = rec("Tina Kotek", "governor", title="Governor of the State of Oregon", address=("Salem",))
    assert inside_address(r)[1] == "Governor of the State of Oregon"


def test_us_ambassador_is_the_honorable():
    r = rec("Rahm Emanuel", "ambassador", title="U.S. Ambassador to Japan",
            address=("1-10-5 Akasaka", "Minato-ku, Tokyo 107-8420", "Japan"))
    assert inside_address(r)[:2] == ["The Honorable Rahm Emanuel", "U.S. Ambassador to Japan"]
    assert salutation(r) == "Dear Ambassador Emanuel:"
    r = rec("A B", "ambassador", organization="Embassy of the United States", address=("x",))
    assert addressee_line(r) == "The Honorable A B"


def test_foreign_ambassador_is_excellency_by_courtesy():
    r = rec("Anniken Huitfeldt", "ambassador", title="Ambassador of Norway to the United States",
            courtesy="Ms.", address=("2720 34th Street NW", "Washington, DC 20008"))
    assert addressee_line(r) == "Her Excellency Anniken Huitfeldt"
    assert salutation(r) == "Dear Ambassador Huitfeldt:"
    he = rec("Xie Feng", "ambassador", organization="Embassy of the People's Republic of China",
             courtesy="Mr.", surname="Xie")
    assert addressee_line(he) == "His Excellency Xie Feng"
    assert salutation(he) == "Dear Ambassador Xie:"


def test_ambassador_needs_something_to_tell_us_from_foreign():
    with pytest.raises(DataError) as e:
        addressee_line(rec("A B", "ambassador", "amb"))
    assert "amb" in str(e.value) and "`honorific:`" in str(e.value)
    with pytest.raises(DataError) as e:   # foreign, but no way to pick His/Her
        addressee_line(rec("A B", "ambassador", "amb2", title="Ambassador of France"))
    assert "amb2" in str(e.value) and "`honorific:`" in str(e.value)
    r = rec("A B", "ambassador", honorific="Her Excellency")
    assert addressee_line(r) == "Her Excellency A B"


@pytest.mark.parametrize("role", ["official", "other"])
def test_official_and_other(role):
    r = rec("Robert M. Califf", role, title="Commissioner of Food and Drugs",
            organization="U.S. Food and Drug Administration",
            address=("10903 New Hampshire Avenue", "Silver Spring, MD 20993"))
    assert inside_address(r)[:2] == ["Robert M. Califf", "Commissioner of Food and Drugs"]
    with pytest.raises(DataError, match="courtesy"):
        salutation(r)
    assert salutation(rec("Robert M. Califf", role, courtesy="Dr.")) == "Dear Dr. Califf:"
    assert salutation(rec("Robert M. Califf", role, salutation_name="Commissioner Califf")) == \
        "Dear Commissioner Califf:"


def test_official_with_honorific_from_profile():
    r = rec("Robert M. Califf", "official", honorific="The Honorable", courtesy="Dr.", address=("x",))
    assert inside_address(r)[0] == "The Honorable Robert M. Califf"


# --- committees -----------------------------------------------------------------------------

CANTWELL = rec("Maria Cantwell", "senator", "cantwell", courtesy="Ms.", committees=(
    {"id": "commerce", "name": "Committee on Commerce, Science, and Transportation", "title": "Chair"},
    {"id": "finance", "name": "Committee on Finance"}))
CRUZ = rec("Ted Cruz", "senator", "cruz", committees=(
    {"id": "commerce", "name": "Committee on Commerce, Science, and Transportation",
     "title": "Ranking Member"},))
GRAVES = rec("Sam Graves", "representative", "graves", committees=(
    {"id": "transport", "title": "Chairman"},))


def test_committee_title_only_for_that_committee():
    assert salutation(CANTWELL, committee="commerce") == "Dear Chair Cantwell:"
    assert salutation(CANTWELL, committee="finance") == "Dear Senator Cantwell:"
    assert salutation(CANTWELL) == "Dear Senator Cantwell:"
    assert salutation(CRUZ, committee="commerce") == "Dear Ranking Member Cruz:"
    assert salutation(GRAVES, committee="transport") == "Dear Chairman Graves:"
    assert salutation(GRAVES, committee="commerce") == "Dear Representative Graves:"


def test_committee_line_in_inside_address():
    assert inside_address(CANTWELL, committee="commerce") == [
        "The Honorable Maria Cantwell", "Chair, Committee on Commerce, Science, and Transportation",
        "United States Senate", "Washington, DC 20510"]
    assert inside_address(CANTWELL) == ["The Honorable Maria Cantwell", "United States Senate",
                                        "Washington, DC 20510"]


def test_committee_joint_forms():
    assert joint_salutation([CANTWELL, CRUZ], committee="commerce") == \
        "Dear Chair Cantwell and Ranking Member Cruz:"
    chair2 = rec("Sam Graves", "representative", "g", committees=({"id": "commerce", "title": "chair"},))
    assert joint_salutation([CANTWELL, chair2], committee="commerce") == \
        "Dear Chairs Cantwell and Graves:"


# --- former officials ------------------------------------------------------------------------

def test_former_secretary_keeps_honorable_and_uses_courtesy():
    r = rec("Gina M. Raimondo", "secretary", former=True, courtesy="Ms.", address=("x",))
    assert addressee_line(r) == "The Honorable Gina M. Raimondo"
    assert salutation(r) == "Dear Ms. Raimondo:"
    with pytest.raises(DataError) as e:
        salutation(rec("Gina M. Raimondo", "secretary", "raimondo", former=True))
    assert "a former Secretary" in e.value.message and "add `courtesy:`" in e.value.hint


def test_former_senator_chair_is_not_chair():
    r = rec("Ted Cruz", "senator", former=True, courtesy="Mr.", committees=CRUZ.committees,
            address=("1 Main Street", "Houston, TX 77002"))
    assert salutation(r, committee="commerce") == "Dear Senator Cruz:"
    assert inside_address(r, committee="commerce") == ["The Honorable Ted Cruz", "1 Main Street",
                                                       "Houston, TX 77002"]


# --- joint salutations -----------------------------------------------------------------------

def test_joint_two_and_three_shared_titles():
    assert joint_salutation([RAIMONDO, YELLEN]) == "Dear Secretaries Raimondo and Yellen:"
    assert joint_salutation([RAIMONDO, YELLEN, BLINKEN]) == \
        "Dear Secretaries Raimondo, Yellen, and Blinken:"
    assert joint_salutation([MERKLEY, WYDEN]) == "Dear Senators Merkley and Wyden:"


def test_joint_mixed_two_and_three_in_given_order():
    assert joint_salutation([RAIMONDO, MERKLEY]) == "Dear Secretary Raimondo and Senator Merkley:"
    assert joint_salutation([MERKLEY, RAIMONDO, SMITH]) == \
        "Dear Senator Merkley, Secretary Raimondo, and Representative Smith:"
    # equal titles grouped in plural, in order of first appearance
    assert joint_salutation([RAIMONDO, YELLEN, MERKLEY]) == \
        "Dear Secretaries Raimondo and Yellen and Senator Merkley:"


def test_joint_courtesy_titles_are_not_pluralized():
    other = rec("Tim Cook", "ceo", "cook", courtesy="Mr.")
    assert joint_salutation([CASPER, other]) == "Dear Mr. Casper and Mr. Cook:"
    with pytest.raises(DataError, match="Dear Lisa Su:"):
        joint_salutation([CASPER, rec("Lisa Su", "ceo")])


def test_joint_of_one_equals_salutation():
    for r in (RAIMONDO, CASPER, MERKLEY, rec("A B", "ceo", salutation="Hello A:")):
        assert joint_salutation([r]) == salutation(r)
    with pytest.raises(ValueError):
        joint_salutation([])


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,surname", [
    ("Gina M. Raimondo", "Raimondo"),
    ("Joseph P. Kennedy III", "Kennedy"),
    ("John Smith, Jr.", "Smith"),
    ("John Smith Jr.", "Smith"),
    ("John Smith Jr", "Smith"),
    ("Chris Van Hollen", "Van Hollen"),
    ("Van Taylor", "Taylor"),
    ("Rosa L. DeLauro", "DeLauro"),
    ("Ben Ray Luján", "Luján"),
    ("Jenniffer González-Colón", "González-Colón"),
    ("Beto O'Rourke", "O'Rourke"),
    ("Monica De La Cruz", "De La Cruz"),
])
def test_surnames(name, surname):
    assert parse_name(name).surname == surname


def test_suffix_kept_in_addressee_and_not_in_salutation():
    r = rec("Joseph P. Kennedy III", "representative")
    assert addressee_line(r) == "The Honorable Joseph P. Kennedy III"
    assert salutation(r) == "Dear Representative Kennedy:"
    r = rec("Robert P. Casey, Jr.", "senator")
    assert addressee_line(r) == "The Honorable Robert P. Casey, Jr."
    assert salutation(r) == "Dear Senator Casey:"


def test_suffix_field():
    r = rec("Robert P. Casey", "senator", suffix="Jr.")
    assert addressee_line(r) == "The Honorable Robert P. Casey Jr."
    assert salutation(r) == "Dear Senator Casey:"
    r = rec("Robert P. Casey Jr.", "senator", suffix="Jr.")
    assert addressee_line(r) == "The Honorable Robert P. Casey Jr."


def test_quoted_nickname_dropped_from_formal_forms():
    r = rec('Charles E. "Chuck" Schumer', "senator")
    assert addressee_line(r) == "The Honorable Charles E. Schumer"
    assert salutation(r) == "Dear Senator Schumer:"
    assert nickname(r) == "Chuck"
    assert parse_name("Robert (Bobby) Scott").formal == "Robert Scott"
    assert parse_name("Robert “Bobby” Scott").formal == "Robert Scott"
    assert parse_name("Robert 'Bobby' Scott").formal == "Robert Scott"


def test_nickname_field():
    r = rec("Charles E. Schumer", "senator", nickname="Chuck")
    assert nickname(r) == "Chuck"
    assert addressee_line(r) == "The Honorable Charles E. Schumer"
    assert nickname(rec("Charles E. Schumer")) is None


def test_given_field_splits_compound_given_names():
    assert salutation(rec("Ben Ray Luján", "senator", given="Ben Ray")) == "Dear Senator Luján:"
    assert salutation(rec("Pablo José Hernández Rivera", "resident-commissioner",
                          given="Pablo José")) == "Dear Commissioner Hernández Rivera:"


def test_surname_field_wins():
    assert salutation(rec("Ben Ray Luján", "senator", surname="Ray Luján")) == \
        "Dear Senator Ray Luján:"


def test_chinese_name_used_whole():
    r = rec("王毅", "official", organization="外交部", address=("北京",))
    with pytest.raises(DataError, match="courtesy"):
        salutation(r)
    assert salutation(rec("王毅", "official", courtesy="Mr.")) == "Dear Mr. 王毅:"
    assert salutation(rec("王 毅", "ambassador")) == "Dear Ambassador 王 毅:"
    assert inside_address(r) == ["王毅", "外交部", "北京"]


def test_tibetan_name_used_whole():
    name = "བསྟན་འཛིན་རྒྱ་མཚོ"
    assert salutation(rec(name, "other", salutation_name=name)) == f"Dear {name}:"
    assert salutation(rec(name, "other", courtesy="Mr.")) == f"Dear Mr. {name}:"
    assert salutation(rec("བསྟན་འཛིན རྒྱ་མཚོ", "other", courtesy="Mr.")) == \
        "Dear Mr. བསྟན་འཛིན རྒྱ་མཚོ:"


def test_single_word_name_used_whole():
    assert salutation(rec("Madonna", "other", courtesy="Ms.")) == "Dear Ms. Madonna:"


# --- overrides --------------------------------------------------------------------------------

def test_honorific_override_and_empty_means_none():
    assert addressee_line(rec("Gina M. Raimondo", "secretary", honorific="")) == "Gina M. Raimondo"
    assert addressee_line(rec("Marc N. Casper", "ceo", honorific="Dr.")) == "Dr. Marc N. Casper"


def test_addressee_override():
    r = rec("Gina Raimondo", "secretary", addressee="The Honorable Gina Marie Raimondo",
            title="Secretary of Commerce", address=DC_COMMERCE)
    assert addressee_line(r) == "The Honorable Gina Marie Raimondo"
    assert inside_address(r)[:2] == ["The Honorable Gina Marie Raimondo", "Secretary of Commerce"]


def test_inside_address_override_replaces_all_lines():
    lines = ("Office of the Secretary", "Room 5854", "Washington, DC 20230")
    r = rec("Gina M. Raimondo", "secretary", inside_address=lines, title="ignored")
    assert inside_address(r) == list(lines)


def test_salutation_override():
    r = rec("Ted Cruz", "senator", salutation="Dear Mr. Chairman:", committees=CRUZ.committees)
    assert salutation(r) == "Dear Mr. Chairman:"
    assert salutation(r, committee="commerce") == "Dear Mr. Chairman:"


def test_salutation_name_override_used_in_single_and_joint_forms():
    r = rec("Charles E. Schumer", "senator", "schumer", salutation_name="Senator Chuck Schumer")
    assert salutation_name(r) == ("Senator", "Chuck Schumer")
    assert salutation(r) == "Dear Senator Chuck Schumer:"
    assert joint_salutation([r, MERKLEY]) == "Dear Senators Chuck Schumer and Merkley:"
    r = rec("Ted Cruz", "senator", salutation_name="Mr. Chairman")
    assert salutation_name(r) == ("Mr.", "Chairman")
    assert joint_salutation([r, SMITH]) == "Dear Mr. Chairman and Representative Smith:"
    r = rec("Ted Cruz", "senator", salutation_name="Ranking Member Cruz")
    assert salutation_name(r) == ("Ranking Member", "Cruz")


def test_salutation_name_derived():
    assert salutation_name(RAIMONDO) == ("Secretary", "Raimondo")
    assert salutation_name(CASPER) == ("Mr.", "Casper")
    with pytest.raises(DataError):
        salutation_name(rec("Marc N. Casper", "ceo"))


# --- errors and invariants --------------------------------------------------------------------

def test_missing_address_names_recipient_and_field():
    with pytest.raises(DataError) as e:
        inside_address(rec("Gina M. Raimondo", "secretary", "raimondo"))
    assert "raimondo" in str(e.value) and "`address:`" in str(e.value)


def test_missing_name_and_unknown_role():
    with pytest.raises(DataError) as e:
        salutation(rec("  ", "secretary", "blank"))
    assert "blank" in str(e.value) and "`name:`" in str(e.value)
    with pytest.raises(DataError) as e:
        salutation(rec("A B", "senater", "typo"))
    assert "typo" in str(e.value) and "senator" in str(e.value)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ABROAD_ROLES])
def test_no_empty_or_none_lines_for_any_role(role):
    r = rec("Alex B. Doe", role, title="Ambassador of Chile" if role == "ambassador" else None,
            courtesy="Mx." if role != "ambassador" else "Mr.", state="OR", address=("1 Main St",))
    lines = inside_address(r) + [salutation(r), joint_salutation([r, r])]
    assert all(line and line.strip() and "None" not in line for line in lines)



# --- PRODUCT.md "Forms of address, in detail" --------------------------------------------------

LEAHY_HOME = ("1 Example Road", "Middlesex, VT 05602")   # a test address, not his


def test_former_senator_keeps_the_title_at_his_present_address():
    r = rec("Patrick J. Leahy", "senator", "leahy", former=True, address=LEAHY_HOME,
            organization="United States Senate")
    assert inside_address(r) == ["The Honorable Patrick J. Leahy", *LEAHY_HOME]
    assert salutation(r) == "Dear Senator Leahy:"
    assert joint_salutation([r, MERKLEY]) == "Dear Senators Leahy and Merkley:"


def test_former_member_still_at_a_congressional_office_is_refused():
    """An import marks a departed member `former: true`; the Senate office is no longer theirs."""
    r = rec("Patrick J. Leahy", "senator", "leahy", former=True,
            address=("437 Russell Senate Office Building", "Washington, DC 20510"))
    with pytest.raises(DataError) as e:
        inside_address(r)
    assert "present `address:`" in e.value.hint and "leahy" in e.value.hint
    with pytest.raises(DataError):   # no address at all: the chamber's is not a default for him
        inside_address(rec("Patrick J. Leahy", "senator", "leahy", former=True))


@pytest.mark.parametrize("role,courtesy,greeting", [
    ("secretary", "Ms.", "Dear Ms. Raimondo:"), ("representative", "Dr.", "Dear Dr. Raimondo:"),
    ("governor", "Mx.", "Dear Mx. Raimondo:")])
def test_former_secretaries_and_representatives_by_courtesy_title(role, courtesy, greeting):
    r = rec("Gina M. Raimondo", role, former=True, courtesy=courtesy, address=("x",), state="RI")
    assert (addressee_line(r), salutation(r)) == ("The Honorable Gina M. Raimondo", greeting)


def test_family_name_first():
    xie = rec("Xie Feng", "ambassador", "xie", family_name_first=True, foreign=True, courtesy="Mr.",
              title="Ambassador of the People's Republic of China to the United States",
              address=("3505 International Place NW", "Washington, DC 20008"))
    assert addressee_line(xie) == "His Excellency Xie Feng"
    assert salutation(xie) == "Dear Ambassador Xie:"
    assert salutation(rec("Xie Feng", "ambassador", foreign=True, courtesy="Mr.")) == \
        "Dear Ambassador Feng:"   # without the field the last word is taken as the surname
    assert parse_name("Yoon Suk Yeol", family_first=True).surname == "Yoon"
    # Vietnamese: family name first, addressed by the given name: `salutation_name` is that name.
    r = rec("Nguyen Van An", "official", family_name_first=True, courtesy="Mr.", salutation_name="An")
    assert salutation(r) == "Dear Mr. An:"
    amb = rec("Nguyen Van An", "ambassador", foreign=True, courtesy="Mr.", salutation_name="An")
    assert (addressee_line(amb), salutation(amb)) == ("His Excellency Nguyen Van An", "Dear Ambassador An:")


def test_names_without_a_family_name_are_greeted_whole():
    """Most Tibetans have no surname: "Penpa Tsering" is two given names (PRODUCT.md, "Names
    without a family name"): never "Dear Mr. Tsering:"."""
    penpa = rec("Penpa Tsering", "official", "penpa", family_name="none", courtesy="Mr.",
                title="Sikyong, Central Tibetan Administration")
    assert salutation(penpa) == "Dear Sikyong Penpa Tsering:"    # the title word, then the whole name
    assert salutation(dataclasses.replace(penpa, title=None)) == "Dear Mr. Penpa Tsering:"
    assert salutation(rec("Penpa Tsering", "official", courtesy="Mr.")) == "Dear Mr. Tsering:"   # without the field
    sikyong = rec("Penpa Tsering", "official", family_name="none", salutation_name="Sikyong Penpa Tsering")
    assert salutation(sikyong) == "Dear Sikyong Penpa Tsering:"
    ceo = rec("Tenzin Dolma", "ceo", family_name="none", courtesy="Ms.", title="Chief Executive Officer",
              organization="A Company")
    assert salutation(ceo) == "Dear Ms. Tenzin Dolma:"


def test_family_name_in_a_profile_is_none_or_refused(campaign):
    from click.testing import CliRunner
    from drafter.cli import main
    path = campaign / "recipients.yaml"
    text = path.read_text(encoding="utf-8")
    head = "recipients:\n"
    profile = ("  penpa:\n    name: Penpa Tsering\n    role: other\n    courtesy: Mr.\n"
               "    family_name: {}\n    address: [\"Dharamsala\", \"India\"]\n\n")
    path.write_text(text.replace(head, head + profile.format("Tsering"), 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert res.exit_code == 1 and "recipients.yaml:" in res.output and "family_name" in res.output, res.output
    assert "Traceback" not in res.output
    path.write_text(text.replace(head, head + profile.format("none"), 1), encoding="utf-8")
    res = CliRunner().invoke(main, ["-C", str(campaign), "recipients", "list"])
    assert res.exit_code == 0, res.output


def test_ambassador_profile_says_foreign_or_us():
    us = rec("A B", "ambassador", foreign=False, title="Ambassador")
    assert addressee_line(us) == "The Honorable A B"
    her = rec("A B", "ambassador", foreign=True, courtesy="Ms.", title="Ambassador")
    assert addressee_line(her) == "Her Excellency A B" and salutation(her) == "Dear Ambassador B:"
    # the field wins over a title that reads the other way
    assert addressee_line(rec("A B", "ambassador", foreign=False, title="Ambassador of France")) == \
        "The Honorable A B"
    with pytest.raises(DataError, match="courtesy"):
        addressee_line(rec("A B", "ambassador", foreign=True))


def test_surname_as_the_official_name_uses_it():
    r = rec("Pablo José Hernández", "resident-commissioner", surname="Hernández Rivera")
    assert salutation(r) == "Dear Commissioner Hernández:"
    assert salutation(rec("Chris Van Hollen", "senator", surname="Van Hollen")) == "Dear Senator Van Hollen:"


def test_committee_line_from_names_as_earlier_imports_wrote_them():
    chair = rec("James E. Risch", "senator", committees=(
        {"id": "SSFR", "name": "Senate Committee on Foreign Relations", "title": "Chairman"},
        {"id": "SSFR09", "name": "Senate Committee on Foreign Relations, Subcommittee on Africa",
         "title": "Chairman"},
        {"id": "JSEC", "name": "Joint Economic Committee", "title": "Vice Chairman"}))
    assert inside_address(chair, "SSFR")[1:3] == ["Chairman, Committee on Foreign Relations",
                                                  "United States Senate"]
    assert inside_address(chair, "SSFR09")[1] == \
        "Chairman, Subcommittee on Africa, Committee on Foreign Relations"
    assert inside_address(chair, "JSEC")[1] == "Vice Chairman, Joint Economic Committee"
    assert salutation(chair, "JSEC") == "Dear Vice Chairman Risch:"


def test_grouped_mixed_salutations():
    reps = [rec(n, "representative", id=n) for n in ("Andrew Ogles", "Emanuel Cleaver")]
    sens = [rec(n, "senator", id=n) for n in ("James C. Justice", "Bernard Sanders", "Jack Reed")]
    assert joint_salutation([sens[0], sens[1], reps[0], sens[2], reps[1]]) == \
        "Dear Senators Justice, Sanders, and Reed and Representatives Ogles and Cleaver:"
    assert joint_salutation([RAIMONDO, YELLEN, MERKLEY, SMITH]) == \
        "Dear Secretaries Raimondo and Yellen, Senator Merkley, and Representative Smith:"


def test_whole_committee_letter_needs_every_recipient_on_the_committee():
    from drafter.people.address import address_letter
    cmte = ({"id": "commerce", "name": "Committee on Commerce, Science, and Transportation"},)
    member = rec("Amy Klobuchar", "senator", "klobuchar", committees=cmte, memberships=("commerce",))
    chair = dataclasses.replace(CANTWELL, memberships=("commerce",))
    ranking = dataclasses.replace(CRUZ, memberships=("commerce",))
    assert address_letter([member, ranking, chair], "commerce") == (
        [chair, ranking], "Dear Chair Cantwell, Ranking Member Cruz, and Members of the Committee:")
    assert address_letter([chair, ranking, RAIMONDO], "commerce") == (
        [chair, ranking, RAIMONDO], "Dear Chair Cantwell, Ranking Member Cruz, and Secretary Raimondo:")
    assert address_letter([member, chair], "commerce", "Dear Friends:") == ([chair], "Dear Friends:")
    assert address_letter([member, chair]) == ([member, chair], "Dear Senators Klobuchar and Cantwell:")


# --- check and draft: a profile that would be greeted by its full name --------------------------

WHITFIELD = """\
  whitfield:
    name: Dana K. Whitfield
    role: ceo
    title: Chief Executive Officer
    organization: Example Sequencing Inc.
    address: ["1 Example Way", "Boston, MA 02110"]
    memberships: [dna-kit-seller]
    as_of: 2023-10-23
"""


def test_check_reports_a_full_name_salutation_with_the_field_that_fixes_it(campaign):
    from click.testing import CliRunner
    from drafter.cli import main
    path = campaign / "recipients.yaml"
    text = path.read_text()
    path.write_text(text.replace("\nsigners:", "\n" + WHITFIELD + "\nsigners:"))
    line = path.read_text().splitlines().index("  whitfield:") + 1
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"recipients.yaml:{line}:3: error: recipient 'whitfield': the salutation would be "
            f"'Dear Dana K. Whitfield:'") in result.output
    assert "add `courtesy:` (Mr., Ms., Dr. or Mx.) to whitfield" in result.output
    # Drafting a letter to that profile is refused too, with nothing written.
    spec = campaign / "letters" / "company-ceo.yaml"
    spec.write_text(spec.read_text().replace("to: [casper]", "to: [whitfield]"))
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "--format", "txt",
                                       "-o", str(campaign / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"recipients.yaml:{line}:3: recipient 'whitfield': the salutation would be" in result.output
    assert "add `courtesy:`" in result.output
    assert not (campaign / "out").exists() or not any((campaign / "out").iterdir())
    # The field the message names fixes it.
    path.write_text(path.read_text().replace("    role: ceo\n    title: Chief Executive Officer",
                                             "    role: ceo\n    courtesy: Ms.\n    title: Chief Executive Officer"))
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert "whitfield" not in result.output
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "--format", "txt",
                                       "-o", str(campaign / "out")])
    assert result.exit_code == 0, result.output
    assert "Dear Ms. Whitfield:" in next((campaign / "out").glob("*.txt")).read_text()


def test_letter_spec_may_set_the_salutation(campaign):
    from click.testing import CliRunner
    from drafter.cli import main
    spec = campaign / "letters" / "erc-entity-list.yaml"
    spec.write_text(spec.read_text().replace("mode: joint\n", "mode: joint\nsalutation: \"Dear Madam Secretary "
                                                              "and Messrs. Secretaries:\"\n"))
    def spec_errors():
        output = CliRunner().invoke(main, ["-C", str(campaign), "check"]).output
        return [ln for ln in output.splitlines() if "/erc-entity-list.yaml:" in ln and ": error:" in ln]

    assert spec_errors() == []
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "erc-entity-list", "--format", "txt",
                                       "-o", str(campaign / "out")])
    assert result.exit_code == 0, result.output
    text = next((campaign / "out").glob("*.txt")).read_text()
    assert "\nDear Madam Secretary and Messrs. Secretaries:\n" in text
    assert "Dear Secretaries" not in text
    spec.write_text(spec.read_text().replace("salutation: \"Dear", "salutation: [\"Dear").replace(
        "Secretaries:\"", "Secretaries:\"]"))
    assert len(spec_errors()) == 1 and "salutation" in spec_errors()[0]


def test_check_warns_of_a_former_member_still_at_a_senate_office_and_draft_refuses(campaign):
    """What an import leaves when a Senator leaves office: `former: true`, the old office."""
    from click.testing import CliRunner
    from drafter.cli import main
    path = campaign / "recipients.yaml"
    path.write_text(path.read_text().replace("\nsigners:", """
  # left office
  leahy:
    name: Patrick J. Leahy
    role: senator
    organization: United States Senate
    address: ["437 Russell Senate Office Building", "Washington, DC 20510"]
    former: true
    as_of: 2022-12-01

signers:"""))
    line = path.read_text().splitlines().index("  leahy:") + 1
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    # A warning: an import keeps members who left office, and no letter may name them.
    assert (f"recipients.yaml:{line}:3: warning: recipient 'leahy' is a former Senator, but the address "
            "is a congressional office (give leahy their present `address:`") in result.output
    (campaign / "letters" / "leahy.yaml").write_text(
        "template: erc-entity-list\ndate: 2023-10-23\nto: [raimondo, leahy]\nfrom: [smith]\n")
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "leahy", "-o", str(campaign / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"recipients.yaml:{line}:3: recipient 'leahy' is a former Senator" in result.output
    assert not (campaign / "out").exists() or not any((campaign / "out").iterdir())


# --- other offices, the Speaker, former officials (issue 26) ------------------------------------

CITY_HALL = ("200 North Spring Street", "Los Angeles, CA 90012")
STATE = ("2201 C Street NW", "Washington, DC 20520")


def test_a_mayor_is_the_honorable_and_greeted_as_mayor():
    bass = rec("Karen Bass", "official", "bass", title="Mayor of Los Angeles", courtesy="Ms.", address=CITY_HALL)
    assert inside_address(bass)[:2] == ["The Honorable Karen Bass", "Mayor of Los Angeles"]
    assert salutation(bass) == "Dear Mayor Bass:"                  # not "Dear Ms. Bass:"


@pytest.mark.parametrize("title,greeting", [
    ("Under Secretary of State for Civilian Security, Democracy, and Human Rights", "Dear Under Secretary Zeya:"),
    ("Assistant Secretary of State for Democracy, Human Rights, and Labor", "Dear Assistant Secretary Zeya:"),
    ("Special Coordinator for Tibetan Issues", "Dear Special Coordinator Zeya:"),
    ("Special Envoy for Human Rights", "Dear Special Envoy Zeya:")])
def test_other_offices_take_their_title_word_from_the_title(title, greeting):
    r = rec("Uzra Zeya", "official", "zeya", title=title, courtesy="Ms.", address=STATE)
    assert salutation(r) == greeting
    # an Under or Assistant Secretary is "The Honorable"; a Special Coordinator only if the profile says
    assert addressee_line(r).startswith("The Honorable") == ("Secretary" in title)
    assert joint_salutation([r, dataclasses.replace(r, id="z2", name="Jane Roe")]) == \
        f"Dear {greeting.split(' Zeya')[0].removeprefix('Dear ')}s Zeya and Roe:".replace("Secretarys", "Secretaries")


def test_the_speaker_is_greeted_by_the_office():
    johnson = rec("Mike Johnson", "representative", "johnson", title="Speaker of the House", courtesy="Mr.")
    pelosi = rec("Nancy Pelosi", "representative", "pelosi", title="Speaker of the House", courtesy="Ms.")
    assert salutation(johnson) == "Dear Mr. Speaker:" and salutation(pelosi) == "Dear Madam Speaker:"
    assert inside_address(johnson)[:3] == ["The Honorable Mike Johnson", "Speaker of the House",
                                           "United States House of Representatives"]
    assert joint_salutation([johnson, SMITH]) == "Dear Mr. Speaker and Representative Smith:"
    with pytest.raises(DataError) as e:
        salutation(dataclasses.replace(johnson, courtesy=None))
    assert "add `courtesy:` to johnson" in e.value.hint


def test_a_title_word_drafter_cannot_tell_is_asked_for_not_guessed():
    r = rec("Robert Roe", "official", "roe", title="Deputy Assistant Secretary of State for Tibet",
            courtesy="Mr.", address=STATE)
    with pytest.raises(DataError) as e:
        salutation(r)
    assert "cannot tell the title word" in e.value.message
    assert "`salutation_name:` to roe" in e.value.hint and "'Deputy Assistant Secretary Roe'" in e.value.hint
    assert "`salutation:`" in e.value.hint
    assert salutation(dataclasses.replace(r, salutation_name="Deputy Assistant Secretary Roe")) == \
        "Dear Deputy Assistant Secretary Roe:"
    assert salutation(dataclasses.replace(r, salutation_name="Mr. Roe")) == "Dear Mr. Roe:"
    # a title with no office in it is greeted by the courtesy title, as before
    assert salutation(dataclasses.replace(r, title="Executive Director")) == "Dear Mr. Roe:"


def test_sikyong_with_a_name_without_a_family_name():
    penpa = rec("Penpa Tsering", "official", "penpa", family_name="none", title="Sikyong",
                organization="Central Tibetan Administration", address=("Gangchen Kyishong", "Dharamsala, India"))
    assert salutation(penpa) == "Dear Sikyong Penpa Tsering:"
    assert inside_address(penpa)[0] == "Penpa Tsering"      # no "The Honorable" unless the profile says


def test_a_former_official_loses_the_office_line_but_keeps_a_present_title():
    blinken = rec("Antony J. Blinken", "secretary", "blinken", former=True, courtesy="Mr.",
                  title="Secretary of State", organization="Example Institute", address=("1 Example Road", "X"))
    assert inside_address(blinken) == ["The Honorable Antony J. Blinken", "Example Institute", "1 Example Road", "X"]
    assert salutation(blinken) == "Dear Mr. Blinken:"
    fellow = dataclasses.replace(blinken, title="Distinguished Fellow")
    assert inside_address(fellow)[1] == "Distinguished Fellow"
    bass = rec("Karen Bass", "official", former=True, courtesy="Ms.", title="Mayor of Los Angeles", address=("x",))
    assert (inside_address(bass), salutation(bass)) == (["The Honorable Karen Bass", "x"], "Dear Ms. Bass:")
    leahy = rec("Patrick J. Leahy", "senator", "leahy", former=True, title="United States Senator",
                organization="United States Senate", address=LEAHY_HOME)
    assert inside_address(leahy) == ["The Honorable Patrick J. Leahy", *LEAHY_HOME]
    assert salutation(leahy) == "Dear Senator Leahy:"


def test_check_warns_of_a_former_official_with_an_office_title(campaign):
    from click.testing import CliRunner
    from drafter.cli import main
    path = campaign / "recipients.yaml"
    path.write_text(path.read_text().replace("    memberships: [end-user-review-committee, visa-restrictions",
                                             "    former: true\n    courtesy: Mr.\n"
                                             "    memberships: [end-user-review-committee, visa-restrictions"))
    line = path.read_text().splitlines().index("    title: Secretary of State") + 1
    result = CliRunner().invoke(main, ["-C", str(campaign), "check"])
    assert (f"recipients.yaml:{line}:5: warning: recipient 'blinken' is a former official, and `title: "
            "Secretary of State` would read as the sitting one") in result.output, result.output
    assert "remove `title:` from blinken" in result.output


# --- committees: the committee's office, commissions --------------------------------------------

HELSINKI = {"id": "JCSE", "name": "Commission on Security and Cooperation in Europe"}


def test_a_commission_is_greeted_as_one():
    from drafter.people.address import address_letter
    chair = rec("Joe Wilson", "representative", "wilson", committees=({**HELSINKI, "title": "Chairman"},))
    cochair = rec("Roger F. Wicker", "senator", "wicker", committees=({**HELSINKI, "title": "Cochairman"},))
    ranking = rec("Steve Cohen", "representative", "cohen", committees=({**HELSINKI, "title": "Ranking Member"},))
    member = rec("Jane Roe", "senator", "roe", committees=(HELSINKI,))
    addressed, greeting = address_letter([member, ranking, cochair, chair], "JCSE")
    assert greeting == ("Dear Cochairman Wicker, Chairman Wilson, Ranking Member Cohen, "
                        "and Members of the Commission:")
    assert inside_address(chair, "JCSE") == ["The Honorable Joe Wilson",
                                             "Chairman, Commission on Security and Cooperation in Europe",
                                             "United States House of Representatives", "Washington, DC 20515"]


def test_a_chair_is_written_to_at_the_committee_office():
    office = ("2170 Rayburn House Office Building", "Washington, DC 20515-6128")
    own = ("2182 Rayburn House Office Building", "Washington, DC 20515")
    chair = rec("Brian J. Mast", "representative", "mast", address=own, organization="United States House of Representatives",
                committees=({"id": "HSFA", "name": "House Committee on Foreign Affairs", "title": "Chair",
                             "address": list(office)},))
    assert inside_address(chair, "HSFA")[3:] == list(office)
    assert inside_address(chair)[-2:] == list(own)                 # a letter not about the committee
    assert inside_address(chair, "HSFA", ("H-1 U.S. Capitol", "Washington, DC 20515"))[3:] == \
        ["H-1 U.S. Capitol", "Washington, DC 20515"]                  # the spec's committee_address


def test_whole_committee_without_the_field_is_recognised():
    from drafter.people.address import whole_committee
    cmte = ({"id": "commerce", "name": "Committee on Commerce"},)
    member = rec("Amy Klobuchar", "senator", "klobuchar", committees=cmte)
    other = rec("Jane Roe", "senator", "roe", committees=cmte)
    assert whole_committee([CANTWELL, CRUZ, member, other]) == "commerce"
    assert whole_committee([CANTWELL, CRUZ]) is None                    # two: a letter to them
    assert whole_committee([member, other, MERKLEY]) is None
