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
PLURALS = {r.word: r.plural for r in ROLE_FORMS.values() if r.word}
PLURALS.update(dict(COMMITTEE_TITLES.values()))
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


def _role(r: Recipient) -> Role:
    try:
        return ROLE_FORMS[r.role]
    except KeyError:
        raise DataError(f"recipient {r.id!r}: unknown role {r.role!r}",
                        hint=did_you_mean(r.role, ROLES) or f"role is one of: {', '.join(ROLES)}")


def _line(text: str | None) -> str | None:
    """A line as written, or None when blank (blank lines are dropped, never emitted)."""
    text = " ".join(str(text).split()) if text is not None else ""
    return text or None


def _key(line: str) -> str:
    """Comparison key, so "U.S. Senate" and "United States Senate" count as one line."""
    line = re.sub(r"\bU\.\s?S\.(?=\s|$)", "united states", line.lower())
    return re.sub(r"[^\w]+", " ", line).strip()


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
    return _role(r).honorific


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
    lines = [r.title]
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

def addressee_line(r: Recipient) -> str:
    """First line of the inside address: "The Honorable Gina M. Raimondo", "Marc N. Casper"."""
    if _line(r.addressee):
        return _line(r.addressee)
    return " ".join(filter(None, (_honorific(r), _name(r).formal)))


def inside_address(r: Recipient, committee: str | None = None) -> list[str]:
    """Stacked lines: addressee, title, organization, address; duplicates dropped.

    With `committee`, a chair or ranking member also gets "Chair, <committee name>". A former
    official has no default organization or address: the profile gives the present ones.
    """
    override = [line for line in map(_line, r.inside_address) if line]
    if override:
        return override
    role = _role(r)
    organization, address = r.organization, r.address
    if r.former:
        organization = _former_lines(r, organization, address)
    else:
        organization, address = organization or role.organization, address or role.address
    if not any(map(_line, address)):
        raise _missing(r, "address", "the mailing address (street, city)")
    lines, seen = [], set()
    for text in [addressee_line(r), *_title(r, committee), organization, *address]:
        line = _line(text)
        if line and _key(line) not in seen:
            seen.add(_key(line))
            lines.append(line)
    return lines


def _title_word(r: Recipient) -> str | None:
    """The title a salutation derives from the role or `courtesy:` ("Senator", "Mr."), if any:
    a former official keeps the role's title only where it is kept by courtesy (a Senator)."""
    role = _role(r)
    if role.word and (not r.former or role.keeps_title):
        return role.word
    return r.courtesy


def full_name_salutation(r: Recipient) -> DataError | None:
    """The problem when this profile would be greeted by the bare full name ("Dear Dana K.
    Whitfield:"), naming the field that fixes it; None when its salutation has a title."""
    if _line(r.salutation) or _line(r.salutation_name) or _title_word(r):
        return None
    role = _role(r)
    who = f"a former {role.word}" if r.former and role.word else \
        {"ceo": "a chief executive", "official": "an official"}.get(r.role, "this recipient")
    return DataError(f"recipient {r.id!r}: the salutation would be 'Dear {_name(r).formal}:' "
                     f"({who} is greeted by a courtesy title and surname)",
                     hint=f"add `courtesy:` (Mr., Ms., Dr. or Mx.) to {r.id}, or `salutation_name:` "
                          "(a title and surname) or `salutation:`")


def profile_problem(r: Recipient) -> DataError | None:
    """Why a letter could not address this profile as it stands (no address, greeted by the full
    name, a former member at a congressional office, ...), or None."""
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
    entry = _committee(r, committee)
    title = COMMITTEE_TITLES[entry["title"].lower()][0] if entry else _title_word(r)
    if title is None and not override:
        raise full_name_salutation(r)
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


def address_letter(rs: list[Recipient], committee: str | None = None,
                   salutation_text: str | None = None) -> tuple[list[Recipient], str]:
    """Who gets an inside address, and the salutation, for one letter to `rs`.

    A letter to a whole committee (`committee` set and every recipient on it, beyond its
    leaders) is addressed to its chair and ranking member only and greets "Dear Chairman Risch,
    Ranking Member Shaheen, and Members of the Committee:". `salutation_text` (a letter spec's
    `salutation:`) replaces the derived salutation.
    """
    addressed, members = rs, None
    if committee and len(rs) > 1 and all(r.is_member(committee) for r in rs):
        leaders = _leaders(rs, committee)
        if leaders and len(leaders) < len(rs):
            addressed = leaders
            entry = _committee(leaders[0], committee)
            members = "Subcommittee" if re.search(r"\bSubcommittee\b", str(entry.get("name", ""))) \
                else "Committee"
    text = _line(salutation_text) or joint_salutation(addressed, committee, members)
    return addressed, text
