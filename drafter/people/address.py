"""US forms of address: addressee line, inside address and salutations for a Recipient.

Pure functions over `models.Recipient`; every derived form can be overridden in the profile
(`honorific`, `addressee`, `inside_address`, `salutation`, `salutation_name`, `surname`, ...).
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


# Senate and House general mailing addresses (ZIP 20510 / 20515) stand in for an office address.
ROLE_FORMS: dict[str, Role] = {
    "secretary": Role(HONORABLE, "Secretary", "Secretaries"),
    "senator": Role(HONORABLE, "Senator", "Senators", SENATE, ("Washington, DC 20510",), True),
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

# Committee titles that replace Senator/Representative when writing about that committee.
COMMITTEE_TITLES: dict[str, tuple[str, str]] = {
    "chairman": ("Chairman", "Chairmen"),
    "chairwoman": ("Chairwoman", "Chairwomen"),
    "chair": ("Chair", "Chairs"),
    "ranking member": ("Ranking Member", "Ranking Members"),
}

PLURALS = {r.word: r.plural for r in ROLE_FORMS.values() if r.word}
PLURALS.update(dict(COMMITTEE_TITLES.values()))
# Longest first, so "Ranking Member Cruz" is not read as title "Ranking".
TITLE_WORDS = sorted(PLURALS, key=len, reverse=True)


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
               suffix: str | None = None) -> Name:
    """Formal name and surname; `given`/`surname`/`suffix` (profile fields) take precedence."""
    formal = " ".join(_NICKNAME.sub(" ", name).split())
    if suffix and not formal.endswith(suffix):
        formal = f"{formal} {suffix}"
    if surname:
        return Name(formal, surname)
    core = formal[: -len(suffix)].rstrip(" ,") if suffix else formal
    while (m := _SUFFIX.search(core)) and " " in core[: m.start()].strip():
        core = core[: m.start()]
    if " " not in core or _UNSPLIT_SCRIPT.search(core):
        return Name(formal, core)
    if given and core.startswith(given + " "):
        return Name(formal, core[len(given):].strip())
    tokens = core.split()
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return Name(formal, " ".join(tokens[start:]))


def nickname(r: Recipient) -> str | None:
    """The `nickname` field, else a quoted one in the name ('Charles E. "Chuck" Schumer')."""
    if r.nickname:
        return r.nickname
    m = _NICKNAME.search(r.name or "")
    return m.group(0).strip("\"“”'‘’()") if m else None


def _name(r: Recipient) -> Name:
    if not r.name or not r.name.strip():
        raise _missing(r, "name", "the full name as written in the address")
    return parse_name(r.name, r.given, r.surname, r.suffix)


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
    if _US_POST.search(post):
        return HONORABLE
    if _FOREIGN_POST.search(post):
        if r.courtesy in _EXCELLENCY:
            return _EXCELLENCY[r.courtesy]
        raise _missing(r, "honorific", "'His Excellency' or 'Her Excellency' (or `courtesy:`)")
    raise DataError(f"recipient {r.id!r}: cannot tell a U.S. from a foreign ambassador",
                    hint=f"add `honorific:` to {r.id} ('The Honorable' for a U.S. ambassador, "
                         "'His Excellency'/'Her Excellency' otherwise), or a `title:` such as "
                         "'U.S. Ambassador to Japan' or 'Ambassador of Norway'")


def _honorific(r: Recipient) -> str:
    if r.honorific is not None:
        return r.honorific.strip()
    if r.role == "ambassador":
        return _ambassador_honorific(r)
    return _role(r).honorific


def _title(r: Recipient, committee: str | None) -> list[str]:
    lines = [r.title]
    if r.title is None and r.role == "governor":
        if r.state not in STATE_NAMES or r.state == "DC":
            raise _missing(r, "state", "the state (two-letter code) or a `title:`")
        lines = [f"Governor of {state_phrase(r.state)}"]
    entry = _committee(r, committee)
    if entry and entry.get("name"):
        lines.append(f"{COMMITTEE_TITLES[entry['title'].lower()][0]}, {entry['name']}")
    return lines


# --- public API --------------------------------------------------------------------------

def addressee_line(r: Recipient) -> str:
    """First line of the inside address: "The Honorable Gina M. Raimondo", "Marc N. Casper"."""
    if _line(r.addressee):
        return _line(r.addressee)
    return " ".join(filter(None, (_honorific(r), _name(r).formal)))


def inside_address(r: Recipient, committee: str | None = None) -> list[str]:
    """Stacked lines: addressee, title, organization, address; duplicates dropped.

    With `committee`, a chair or ranking member also gets "Chair, <committee name>".
    """
    override = [line for line in map(_line, r.inside_address) if line]
    if override:
        return override
    role = _role(r)
    address = r.address or role.address
    if not any(map(_line, address)):
        raise _missing(r, "address", "the mailing address (street, city)")
    lines, seen = [], set()
    for text in [addressee_line(r), *_title(r, committee), r.organization or role.organization,
                 *address]:
        line = _line(text)
        if line and _key(line) not in seen:
            seen.add(_key(line))
            lines.append(line)
    return lines


def salutation_name(r: Recipient, committee: str | None = None) -> tuple[str, str]:
    """(title word, name) for "Dear <title> <name>:"; title is "" when the full name stands alone."""
    override = _line(r.salutation_name)
    if override:
        word = next((w for w in TITLE_WORDS if override.startswith(w + " ")), "")
        return word, override[len(word):].strip()
    name = _name(r)
    entry = _committee(r, committee)
    if entry:
        return COMMITTEE_TITLES[entry["title"].lower()][0], name.surname
    word = _role(r).word
    if word and not r.former:
        return word, name.surname
    if r.courtesy:
        return r.courtesy, name.surname
    return "", name.formal


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


def joint_salutation(rs: list[Recipient], committee: str | None = None) -> str:
    """One line for several addressees, in the given order: "Dear Senators A and B:"."""
    if not rs:
        raise ValueError("joint_salutation needs at least one recipient")
    if len(rs) == 1:
        return salutation(rs[0], committee)
    pairs = [salutation_name(r, committee) for r in rs]
    titles = {title for title, _ in pairs}
    title = titles.pop() if len(titles) == 1 else None
    if title in PLURALS:
        return f"Dear {PLURALS[title]} {_series([name for _, name in pairs])}:"
    return f"Dear {_series([_form(*pair) for pair in pairs])}:"
