"""US forms of address: addressee line, inside address and salutations for a Recipient.

Pure functions over `models.Recipient`; every derived form can be overridden in the profile
(`honorific`, `addressee`, `inside_address`, `salutation`, `salutation_name`, `surname`, ...).
Rules and examples: ../shared/design/PRODUCT.md, "Forms of address, in detail"; docs/policy.md.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from drafter.errors import DataError, did_you_mean
from drafter.campaign.models import Recipient
from drafter.campaign.schemas import ROLES
from drafter.people.states import STATE_NAMES, state_phrase
from drafter.people import forms
from drafter.people.lines import clean as _line, key as _key, stacked
from drafter import locale as locales

HONORABLE = "The Honorable"
SENATE = "United States Senate"
HOUSE = "United States House of Representatives"


@dataclass(frozen=True)
class Role:
    honorific: str            # default first-line honorific; "" for none
    word: str | None          # salutation title ("Dear Senator X:"); None: courtesy title or full name
    plural: str | None = None  # used when every recipient of a joint salutation shares `word`
    organization: str | None = None  # default organization line
    address: tuple[str, ...] = ()    # default address lines (the chambers' general addresses)
    congress: bool = False    # committee titles (Chair, Ranking Member) apply
    keeps_title: bool = False  # a former holder is still greeted by `word` (a former Senator)


# Senate and House general mailing addresses (ZIP 20510 / 20515) stand in for an office address.
ROLE_FORMS: dict[str, Role] = {
    "secretary": Role(HONORABLE, "Secretary", "Secretaries"),
    "senator": Role(HONORABLE, "Senator", "Senators", SENATE, ("Washington, DC 20510",), True, True),
    "representative": Role(HONORABLE, "Representative", "Representatives", HOUSE,
                           ("Washington, DC 20515",), True),
    "delegate": Role(HONORABLE, "Delegate", "Delegates", HOUSE, ("Washington, DC 20515",), True),
    "resident-commissioner": Role(HONORABLE, "Commissioner", "Commissioners", HOUSE,
                                  ("Washington, DC 20515",), True),
    "ceo": Role("", None),
    "governor": Role(HONORABLE, "Governor", "Governors"),
    # honorific chosen by _ambassador_honorific: U.S. "The Honorable", foreign "His/Her Excellency".
    "ambassador": Role(HONORABLE, "Ambassador", "Ambassadors"),
    # An "official" may or may not merit "The Honorable": the profile says so with `honorific`.
    "official": Role("", None),
    "other": Role("", None),
}

# Committee titles (as congress-legislators gives them) that replace Senator/Representative when
# writing about that committee. "Ex Officio" is not among them: an ex officio member has no title line.
COMMITTEE_TITLES: dict[str, tuple[str, str]] = {
    "chairman": ("Chairman", "Chairmen"),
    "chairwoman": ("Chairwoman", "Chairwomen"),
    "chair": ("Chair", "Chairs"),
    "cochairman": ("Cochairman", "Cochairmen"),
    "cochair": ("Cochair", "Cochairs"),
    "vice chairman": ("Vice Chairman", "Vice Chairmen"),
    "vice chairwoman": ("Vice Chairwoman", "Vice Chairwomen"),
    "vice chair": ("Vice Chair", "Vice Chairs"),
    "ranking member": ("Ranking Member", "Ranking Members"),
}
_CHAIRS = {"chairman", "chairwoman", "chair", "cochairman", "cochair"}
_VICE_CHAIRS = {"vice chairman", "vice chairwoman", "vice chair"}

COURTESY = ("Mr.", "Ms.", "Mrs.", "Dr.", "Mx.", "Miss")

# Other offices, read from the start of `title:` ("Under Secretary of State for ..."): the title
# word of the salutation ("Dear Under Secretary Zeya:"), its plural, and whether the office
# carries "The Honorable" by default (a Special Coordinator or Envoy may not: the profile says).
OFFICES: dict[str, tuple[str, bool]] = {
    "Mayor": ("Mayors", True),
    "Under Secretary": ("Under Secretaries", True),
    "Assistant Secretary": ("Assistant Secretaries", True),
    "Deputy Secretary": ("Deputy Secretaries", True),
    "Lieutenant Governor": ("Lieutenant Governors", True),
    "Attorney General": ("Attorneys General", True),
    "Special Coordinator": ("Special Coordinators", False),
    "Special Envoy": ("Special Envoys", False),
    "Special Representative": ("Special Representatives", False),
    "Sikyong": ("Sikyongs", False),
}
SPEAKER = "Speaker"      # "Dear Mr. Speaker:" / "Dear Madam Speaker:": the office, not the name
_OFFICE_AT_START = re.compile(r"^(?P<office>%s|%s)\b(?!-)" % ("|".join(sorted(OFFICES, key=len, reverse=True)), SPEAKER))
# Words that name an office in a title; a title that has one but starts with none of OFFICES
# ("Deputy Assistant Secretary ...", "Commissioner of Food and Drugs") is one drafter cannot
# greet by itself: check asks for `salutation_name:` or `salutation:` rather than guess.
_OFFICE_WORD = re.compile(r"\b(?:Secretary|Coordinator|Envoy|Mayor|Speaker|Governor|Minister|Ambassador"
                          r"|Senator|Representative|Commissioner|Administrator|Attorney General)\b")

PLURALS = {r.word: r.plural for r in ROLE_FORMS.values() if r.word}
PLURALS.update(dict(COMMITTEE_TITLES.values()))
PLURALS.update({office: plural for office, (plural, _) in OFFICES.items()})
# Longest first, so "Ranking Member Cruz" is not read as title "Ranking".
TITLE_WORDS = sorted([*PLURALS, *COURTESY], key=len, reverse=True)
# The chamber named in a committee's name ("Senate Committee on Foreign Relations"): left out of
# the title line, which stands above the chamber's own line.
_CHAMBER_IN_NAME = re.compile(r"\b(?:United States )?(?:Senate|House)\s+(?=(?:Permanent\s+|Select\s+|Special\s+)*"
                              r"(?:Committee|Caucus|Subcommittee)\b)")
_SUBCOMMITTEE_LAST = re.compile(r"^(?P<committee>.+?),\s*(?P<sub>Subcommittee\b.*)$")


# Ambassadors, following Robert Hickey, "Honor & Respect" (Protocol School of Washington),
# https://www.formsofaddress.info/ambassador_us/ : a U.S. ambassador is "The Honorable (name)";
# an ambassador of another country is "His/Her Excellency (name)". Salutation: "Dear Ambassador X:".
_US_POST = re.compile(
    r"\b(?:U\.\s?S\.|US|USA|United States|American)\s+(?:Ambassador|Embassy|Mission)\b"
    r"|\b(?:Ambassador|Embassy|Mission) of the United States\b|\bDepartment of State\b", re.I)
_FOREIGN_POST = re.compile(r"\b(?:Ambassador|Embassy) (?:of|from) (?!the United States\b)", re.I)
_EXCELLENCY = {"Mr.": "His Excellency", "Ms.": "Her Excellency", "Mrs.": "Her Excellency",
               "Miss": "Her Excellency"}

# --- names -------------------------------------------------------------------------------

_NICKNAME = re.compile(r"""(?<!\S)(?:["“][^"”]+["”]|['‘][^'’\s]+['’]|\([^)]*\))(?!\S)""")
_SUFFIX = re.compile(r"(?:,\s*|\s+)(?:Jr\.?|Sr\.?|JR\.?|SR\.?|II|III|IV|V|VI|2nd|3rd|Esq\.?"
                     r"|M\.D\.|Ph\.D\.)$")
# Scripts whose names are not split into given name + surname (CJK, kana, Hangul, Tibetan).
_UNSPLIT_SCRIPT = re.compile("[\u0f00-\u0fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                             "\uac00-\ud7af\uf900-\ufaff]")
_PARTICLES = {"van", "von", "de", "del", "della", "der", "den", "di", "da", "das", "dos", "du",
              "la", "le", "ten", "ter", "st.", "saint", "bin", "ibn", "al", "el", "mac", "y"}


class Name(NamedTuple):
    formal: str    # as written, nickname removed, suffix kept: "Joseph P. Kennedy III"
    surname: str   # "Kennedy"; the whole name when it cannot be split ("王毅")


@functools.lru_cache(maxsize=8192)
def parse_name(name: str, given: str | None = None, surname: str | None = None,
               suffix: str | None = None, family_first: bool = False) -> Name:
    """Formal name and surname; `given`/`surname`/`suffix` (profile fields) take precedence.

    `family_first`: the name is written family name first ("Xie Feng": surname "Xie").
    """
    formal = " ".join(_NICKNAME.sub(" ", name).split())
    if suffix and not formal.endswith(suffix):
        formal = f"{formal} {suffix}"
    core = formal[: -len(suffix)].rstrip(" ,") if suffix else formal
    while (m := _SUFFIX.search(core)) and " " in core[: m.start()].strip():
        core = core[: m.start()]
    if surname:
        return Name(formal, _surname_as_used(core, surname))
    if " " not in core or _UNSPLIT_SCRIPT.search(core):
        return Name(formal, core)
    if family_first:
        return Name(formal, core.split()[0])
    if given and core.startswith(given + " "):
        return Name(formal, core[len(given):].strip())
    tokens = core.split()
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return Name(formal, " ".join(tokens[start:]))


def _surname_as_used(core: str, surname: str) -> str:
    """The surname, or the first part of it that ends the name as the person uses it: an official
    name "Pablo José Hernández" with surname "Hernández Rivera" is greeted as Hernández."""
    words = surname.split()
    if len(words) > 1 and not core.endswith(surname):
        for n in range(len(words) - 1, 0, -1):
            part = " ".join(words[:n])
            if core.endswith(" " + part):
                return part
    return surname


def nickname(r: Recipient) -> str | None:
    """The `nickname` field, else a quoted one in the name ('Charles E. "Chuck" Schumer')."""
    if r.nickname:
        return r.nickname
    m = _NICKNAME.search(r.name or "")
    return m.group(0).strip("\"“”'‘’()") if m else None


def _name(r: Recipient) -> Name:
    if not r.name or not r.name.strip():
        raise _missing(r, "name", "the full name as written in the address")
    if r.family_name == "none":      # greeted by the whole name: "Dear Mr. Penpa Tsering:"
        formal = parse_name(r.name, suffix=r.suffix).formal
        return Name(formal, formal)
    return parse_name(r.name, r.given, r.surname, r.suffix, r.family_name_first)


# --- helpers -----------------------------------------------------------------------------

def _missing(r: Recipient, field: str, what: str) -> DataError:
    return DataError(f"recipient {r.id!r}: {what} is missing", hint=f"add `{field}:` to {r.id}")


ABROAD_ROLES = ("mp", "minister")     # roles only a parliament or government abroad has


def _role(r: Recipient) -> Role:
    if r.role in ABROAD_ROLES:
        raise DataError(f"recipient {r.id!r}: role {r.role!r} is one abroad, and the profile names no country",
                        hint=f"add `country:` to {r.id} (GB, DE, FR, CA, AU or EU)")
    try:
        return ROLE_FORMS[r.role]
    except KeyError:
        raise DataError(f"recipient {r.id!r}: unknown role {r.role!r}",
                        hint=did_you_mean(r.role, ROLES) or f"role is one of: {', '.join(ROLES)}")


def _committee(r: Recipient, committee: str | None) -> dict | None:
    """The recipient's committee entry when they hold a titled seat on `committee`."""
    if committee is None or not _role(r).congress or r.former:
        return None
    for entry in r.committees:
        if entry.get("id") == committee and str(entry.get("title", "")).lower() in COMMITTEE_TITLES:
            return entry
    return None


def _ambassador_honorific(r: Recipient) -> str:
    post = " ".join(filter(None, (r.title, r.organization)))
    if r.foreign is False or (r.foreign is None and _US_POST.search(post)):
        return HONORABLE
    if r.foreign or _FOREIGN_POST.search(post):
        if r.courtesy in _EXCELLENCY:
            return _EXCELLENCY[r.courtesy]
        raise _missing(r, "honorific", "'His Excellency' or 'Her Excellency' (or `courtesy:`)")
    raise DataError(f"recipient {r.id!r}: cannot tell a U.S. from a foreign ambassador",
                    hint=f"add `foreign: true` (with `courtesy:`) or `foreign: false` to {r.id}, "
                         "or `honorific:` ('The Honorable' for a U.S. ambassador, "
                         "'His Excellency'/'Her Excellency' otherwise)")


def _honorific(r: Recipient) -> str:
    if r.honorific is not None:
        return r.honorific.strip()
    if r.role == "ambassador":
        return _ambassador_honorific(r)
    office = _office(r)
    if office and not _role(r).honorific and (office == SPEAKER or OFFICES[office][1]):
        return HONORABLE
    return _role(r).honorific


def _office(r: Recipient) -> str | None:
    """The office `title:` begins with ("Mayor", "Under Secretary", "Speaker"), if one of those."""
    if r.role == "ceo" or not r.title:
        return None
    m = _OFFICE_AT_START.match(" ".join(r.title.split()))
    return m["office"] if m else None


def office_title(r: Recipient) -> bool:
    """Whether `title:` names a public office (the role's own title word, or another office):
    under a former official's name it reads as the sitting one."""
    title = " ".join((r.title or "").split())
    word = _role(r).word
    return bool(title) and (bool(_office(r)) or bool(_OFFICE_WORD.search(title))
                            or bool(word and re.search(rf"\b{re.escape(word)}\b", title)))


def committee_line(entry: dict) -> str:
    """"Chairman, Committee on Foreign Relations": the title, then the committee's name without
    its chamber; a subcommittee's name first, then its committee's."""
    name = " ".join(str(entry["name"]).split())
    m = _SUBCOMMITTEE_LAST.match(name)
    if m:   # "Senate Committee on X, Subcommittee on Y", as earlier imports wrote it
        name = f"{m['sub']}, {m['committee']}"
    name = _CHAMBER_IN_NAME.sub("", name)
    return f"{COMMITTEE_TITLES[entry['title'].lower()][0]}, {name}"


def _title(r: Recipient, committee: str | None) -> list[str]:
    # A former official's office title would read as the sitting one: left out (check warns).
    lines = [None if r.former and office_title(r) else r.title]
    if r.title is None and r.role == "governor":
        if r.state not in STATE_NAMES or r.state == "DC":
            raise _missing(r, "state", "the state (two-letter code) or a `title:`")
        lines = [f"Governor of {state_phrase(r.state)}"]
    entry = _committee(r, committee)
    if entry and entry.get("name"):
        lines.append(committee_line(entry))
    return lines


_CHAMBER_KEYS = {_key(SENATE), _key(HOUSE)}
_CHAMBER_ZIP = re.compile(r"\b205(?:10|15)(?:-\d{4})?$")


def _former_lines(r: Recipient, organization: str | None, address: tuple[str, ...]) -> str | None:
    """A former official is written to at their present address: a congressional office (what an
    import leaves for a member who left) is not it, nor is a chamber their organization."""
    if any(_CHAMBER_ZIP.search(line or "") for line in address):
        raise DataError(f"recipient {r.id!r} is a former {_role(r).word or 'official'}, but the "
                        "address is a congressional office",
                        hint=f"give {r.id} their present `address:` (and `organization:`), "
                             "or delete the profile if no letter needs it")
    return None if organization and _key(organization) in _CHAMBER_KEYS else organization


# --- public API --------------------------------------------------------------------------

def abroad(r: Recipient) -> bool:
    """Whether the profile holds office outside the United States (forms.py has its forms)."""
    return r.country_code != "US"


def recipient_locale(r: Recipient) -> str | None:
    """The locale the profile asks letters to it be written in: its own, else its country's
    (English for the European Parliament); None for the United States' default."""
    return r.locale or (locales.for_country(r.country) if abroad(r) else None)


def _locale(r: Recipient, loc: locales.Locale | None) -> locales.Locale:
    return loc or locales.get(recipient_locale(r))


def addressee_line(r: Recipient, loc: locales.Locale | None = None) -> str:
    """First line of the inside address: "The Honorable Gina M. Raimondo", "Marc N. Casper"
    (abroad: the name lines on one, "Herrn Dr. Johann Wadephul")."""
    if abroad(r):
        return " ".join(forms.addressee_lines(r, _locale(r, loc)))
    if _line(r.addressee):
        return _line(r.addressee)
    return " ".join(filter(None, (_honorific(r), _name(r).formal)))


def inside_address(r: Recipient, committee: str | None = None, committee_address: tuple[str, ...] = (),
                   loc: locales.Locale | None = None) -> list[str]:
    """Stacked lines: addressee, title, organization, address; duplicates dropped.

    With `committee`, a chair or ranking member also gets "Chair, <committee name>", and is
    written to at the committee's office, not their own: `committee_address` (a letter spec's),
    else the office the committee entry gives (an import takes it from the committee data),
    else the chamber's address. A former official has no default organization or address: the
    profile gives the present ones.
    """
    if abroad(r):
        return forms.inside_address(r, _locale(r, loc))
    override = [line for line in map(_line, r.inside_address) if line]
    if override:
        return override
    role = _role(r)
    organization, address = r.organization, r.address
    entry = _committee(r, committee)
    if entry:
        organization = role.organization or organization
        address = tuple(committee_address) or tuple(entry.get("address") or ()) or role.address or address
    elif r.former:
        organization = _former_lines(r, organization, address)
    else:
        organization, address = organization or role.organization, address or role.address
    if not any(map(_line, address)):
        raise _missing(r, "address", "the mailing address (street, city)")
    return stacked([addressee_line(r), *_title(r, committee), organization, *address])


def _title_word(r: Recipient) -> str | None:
    """The title a salutation derives from the role or `courtesy:` ("Senator", "Mr."), if any:
    a former official keeps the role's title only where it is kept by courtesy (a Senator)."""
    role = _role(r)
    office = None if r.former else _office(r)
    if office and office != SPEAKER:
        return office
    if role.word and (not r.former or role.keeps_title):
        return role.word
    return r.courtesy


def _speaker(r: Recipient) -> tuple[str, str] | bool | None:
    """("Mr.", "Speaker") or ("Madam", "Speaker") for the Speaker; False when the courtesy
    title that picks one is missing; None for anyone else."""
    if r.former or _office(r) != SPEAKER:
        return None
    if r.courtesy == "Mr.":
        return "Mr.", SPEAKER
    if r.courtesy in ("Ms.", "Mrs.", "Miss"):
        return "Madam", SPEAKER
    return False


def unclear_office(r: Recipient) -> DataError | None:
    """An official whose `title:` names an office drafter has no salutation for ("Deputy
    Assistant Secretary ...", "Commissioner of ..."): asked for rather than guessed."""
    if r.role not in ("official", "other") or r.former or _line(r.salutation) or _line(r.salutation_name) \
            or _office(r) or not _OFFICE_WORD.search(" ".join((r.title or "").split())):
        return None
    title = _line(r.title)
    surname, office = _name(r).surname, title[: _OFFICE_WORD.search(title).end()]
    return DataError(f"recipient {r.id!r}: cannot tell the title word of the salutation from '{title}'",
                     hint=f"add `salutation_name:` to {r.id} (the title and name, e.g. "
                          f"'{office} {surname}', or a courtesy title: '{r.courtesy or 'Ms.'} {surname}') "
                          "or `salutation:`")


def full_name_salutation(r: Recipient) -> DataError | None:
    """The problem when this profile would be greeted by the bare full name ("Dear Dana K.
    Whitfield:"), naming the field that fixes it; None when its salutation has a title."""
    if _line(r.salutation) or _line(r.salutation_name):
        return None
    if unclear_office(r) or _speaker(r) is False:
        return unclear_office(r) or _missing(r, "courtesy", "Mr. or Ms. (for 'Dear Mr. Speaker:' or "
                                                          "'Dear Madam Speaker:')")
    if _title_word(r):
        return None
    role = _role(r)
    who = f"a former {role.word}" if r.former and role.word else \
        {"ceo": "a chief executive", "official": "an official"}.get(r.role, "this recipient")
    return DataError(f"recipient {r.id!r}: the salutation would be 'Dear {_name(r).formal}:' "
                     f"({who} is greeted by a courtesy title and surname)",
                     hint=f"add `courtesy:` (Mr., Ms., Dr. or Mx.) to {r.id}, or `salutation_name:` "
                          "(a title and surname) or `salutation:`")


def profile_problem(r: Recipient, loc: locales.Locale | None = None, greeting: str = "formal") -> DataError | None:
    """Why a letter could not address this profile as it stands (no address, greeted by the full
    name, a former member at a congressional office, a form abroad that needs a gender ...), or None."""
    if abroad(r):
        return forms.profile_problem(r, _locale(r, loc), greeting)
    try:
        salutation(r)
        inside_address(r)
    except DataError as exc:
        return exc
    return None


def salutation_name(r: Recipient, committee: str | None = None) -> tuple[str, str]:
    """(title, name) for "Dear <title> <name>:".

    `salutation_name:` in the profile is either a title and name ("Senator Chuck Schumer") or a
    name alone, which takes the derived title (a Vietnamese name greeted by the given name).
    A profile with no title to derive (a chief executive or former official without
    `courtesy:`) is refused rather than greeted by the full name: see full_name_salutation.
    """
    override = _line(r.salutation_name)
    if override:
        word = next((w for w in TITLE_WORDS if override.startswith(w + " ")), None)
        if word:
            return word, override[len(word):].strip()
        if _OFFICE_WORD.search(override):      # "Deputy Assistant Secretary Roe": a title of its own
            return "", override
    entry = _committee(r, committee)
    speaker = None if override or entry else _speaker(r)
    if speaker:
        return speaker
    problem = None if entry else full_name_salutation(r)
    if problem:
        raise problem
    title = COMMITTEE_TITLES[entry["title"].lower()][0] if entry else _title_word(r)
    return title or "", override or _name(r).surname


def _form(title: str, name: str) -> str:
    return f"{title} {name}" if title else name


def _series(items: list[str]) -> str:
    """"A", "A and B", "A, B, and C" (serial comma)."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def salutation(r: Recipient, committee: str | None = None) -> str:
    """"Dear Secretary Raimondo:"; with `committee`, "Dear Chair X:" for that committee's chair."""
    return _line(r.salutation) or f"Dear {_form(*salutation_name(r, committee))}:"


def _grouped(pairs: list[tuple[str, str]]) -> list[str]:
    """Equal titles grouped in plural, in order of first appearance: ["Senators A, B, and C",
    "Representative D"]. Courtesy titles are not pluralised ("Mr. Casper", "Mr. Cook")."""
    groups: list[tuple[str, list[str]]] = []
    for title, name in pairs:
        same = next((g for g in groups if title in PLURALS and g[0] == title), None)
        if same:
            same[1].append(name)
        else:
            groups.append((title, [name]))
    return [f"{PLURALS[t]} {_series(names)}" if len(names) > 1 else _form(t, names[0]) for t, names in groups]


def joint_salutation(rs: list[Recipient], committee: str | None = None, members: str | None = None) -> str:
    """One line for several addressees, in the given order: "Dear Senators A and B:".

    `members` ("Committee", "Subcommittee") adds "and Members of the Committee".
    """
    if not rs:
        raise ValueError("joint_salutation needs at least one recipient")
    if len(rs) == 1 and not members:
        return salutation(rs[0], committee)
    items = _grouped([salutation_name(r, committee) for r in rs])
    if members:
        items.append(f"Members of the {members}")
    return f"Dear {_series(items)}:"


def _leaders(rs: list[Recipient], committee: str) -> list[Recipient]:
    """A committee's chair(s) and ranking member(s), or its vice chair where no ranking member
    is listed (the Senate Intelligence Committee): chairs first, otherwise in the given order."""
    titles = {r.id: str(_committee(r, committee)["title"]).lower() for r in rs if _committee(r, committee)}
    wanted = _CHAIRS | {"ranking member"}
    if "ranking member" not in titles.values():
        wanted |= _VICE_CHAIRS
    return sorted((r for r in rs if titles.get(r.id) in wanted), key=lambda r: titles[r.id] not in _CHAIRS)


def body_word(entry: dict) -> str:
    """What the members of a committee are members of: "Subcommittee", "Commission" (the CECC,
    the Helsinki Commission) or "Committee"."""
    name = str(entry.get("name", ""))
    if re.search(r"\bSubcommittee\b", name):
        return "Subcommittee"
    return "Commission" if re.search(r"\bCommission\b", name) else "Committee"


def whole_committee(rs: list[Recipient]) -> str | None:
    """The committee a joint letter to `rs` seems to go to as a whole, though it names none:
    three or more recipients, all on one committee that one of them chairs."""
    if len(rs) < 3:
        return None
    for entry in rs[0].committees:
        cid = entry.get("id")
        if all(r.is_member(cid) for r in rs) and \
                any(str(_committee(r, cid).get("title", "")).lower() in _CHAIRS for r in rs if _committee(r, cid)):
            return cid
    return None


def address_letter(rs: list[Recipient], committee: str | None = None, salutation_text: str | None = None,
                   loc: locales.Locale | None = None, greeting: str = "formal") -> tuple[list[Recipient], str]:
    """Who gets an inside address, and the salutation, for one letter to `rs`.

    A letter to a whole committee (`committee` set and every recipient on it, beyond its
    leaders) is addressed to its chair and ranking member only and greets "Dear Chairman Risch,
    Ranking Member Shaheen, and Members of the Committee:". `salutation_text` (a letter spec's
    `salutation:`) replaces the derived salutation.
    """
    if any(map(abroad, rs)):
        if not all(map(abroad, rs)):
            raise DataError(f"one letter cannot go both to the United States and abroad: "
                            f"{', '.join(r.id for r in rs if abroad(r))} hold office outside it",
                            hint="send separate letters (`mode: each`, or two letter specs)")
        loc = _locale(rs[0], loc)
        return rs, (loc.punctuate(_line(salutation_text)) if _line(salutation_text)
                    else forms.joint_salutation(rs, loc, greeting))
    addressed, members = rs, None
    if committee and len(rs) > 1 and all(r.is_member(committee) for r in rs):
        leaders = _leaders(rs, committee)
        if leaders and len(leaders) < len(rs):
            addressed = leaders
            members = body_word(_committee(leaders[0], committee))
    text = _line(salutation_text) or joint_salutation(addressed, committee, members)
    return addressed, text
