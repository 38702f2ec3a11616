"""The campaign's data as plain, immutable objects. Built by `campaign.py`, read by every later step."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any



class Verbatim(str):
    """Text printed exactly as given (a volunteer's note): never read as Markdown or Jinja,
    whatever its characters or indentation; each of its lines is a paragraph of its own."""

@dataclass(frozen=True)
class Source:
    """A citable work; `csl` is its CSL-JSON item (with `id`)."""
    id: str
    csl: dict

    @property
    def title(self) -> str:
        return self.csl.get("title", "")

    @property
    def url(self) -> str | None:
        return self.csl.get("URL")

    @property
    def note(self) -> str | None:
        """CSL's `note`: the team's caveat on the source (Zotero's Extra field)."""
        return self.csl.get("note")


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    sources: tuple[str, ...]
    locator: str | None = None
    label: str = "page"
    tags: tuple[str, ...] = ()
    verified: dt.date | None = None
    note: str | None = None          # the team's caveat: a review comment wherever it is printed


@dataclass(frozen=True)
class Ask:
    """Something a letter asks for, and who has the authority to do it (queries, any of them)."""
    id: str
    text: str
    applies: tuple[dict, ...]
    evidence: tuple[str, ...] = ()
    authority: str | None = None
    confirm: str | None = None       # a review note: what to confirm about the recipient's authority


@dataclass(frozen=True)
class Evidence:
    sources: dict[str, Source]
    snippets: dict[str, Snippet]
    stale_after_days: int = 365


@dataclass(frozen=True)
class Recipient:
    """A person a letter goes to. Optional fields override what `address.py` derives."""
    id: str
    name: str
    role: str
    title: str | None = None
    organization: str | None = None
    address: tuple[str, ...] = ()
    memberships: tuple[str, ...] = ()
    committees: tuple[dict, ...] = ()
    as_of: dt.date | None = None
    former: bool = False
    honorific: str | None = None
    courtesy: str | None = None
    foreign: bool | None = None          # an ambassador of another country (His/Her Excellency)
    family_name_first: bool = False      # "Xie Feng": greeted as Ambassador Xie
    given: str | None = None
    surname: str | None = None
    suffix: str | None = None
    nickname: str | None = None
    addressee: str | None = None
    salutation: str | None = None
    salutation_name: str | None = None
    inside_address: tuple[str, ...] = ()
    state: str | None = None
    district: int | None = None
    party: str | None = None
    phone: str | None = None
    website: str | None = None
    contact_form: str | None = None
    email: str | None = None
    handle: str | None = None
    bioguide: str | None = None
    notes: str | None = None
    note: str | None = None          # the team's caveat: a review comment on the address

    @property
    def caveat(self) -> str | None:
        return self.note or self.notes

    def is_member(self, group: str) -> bool:
        return group in self.memberships or any(c.get("id") == group for c in self.committees)


@dataclass(frozen=True)
class Signer:
    id: str
    name: str
    title: str | None = None
    organization: str | None = None
    address: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class LetterSpec:
    path: Path
    name: str
    template: str
    date: dt.date
    to: tuple            # ids (str) and queries (dict), in the spec's order
    mode: str = "joint"
    signers: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    letterhead: Any = None
    citation_style: str = "chicago-notes-bibliography"
    output: str = "{date}-{template}-{recipient}"
    title: str | None = None
    subject: str | None = None
    summary: str | None = None      # one paragraph for the volunteers' page (drafter serve)
    closing: str = "Sincerely,"
    salutation: str | None = None    # replaces the derived "Dear ...:" line
    stale_after_days: int = 180
    committee: str | None = None     # a letter about this committee's work: chairs addressed as such
    vars: dict = field(default_factory=dict)
    kit: dict = field(default_factory=dict)      # the spec's `kit:` settings (drafter kit)
    date_today: bool = False     # `date: today`: a resumed batch keeps its first run's date


def parse_date(value) -> dt.date | None:
    """A YAML date, 'YYYY-MM-DD' string, 'YYYY-MM' or year, as a date (first day of a partial date)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    parts = [int(p) for p in text.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts[:3])


def date_parts(value) -> list[int]:
    """CSL date-parts for a full or partial date: [2022, 9, 13], [2024, 1] or [2023]."""
    if isinstance(value, (dt.date, dt.datetime)):
        return [value.year, value.month, value.day]
    return [int(p) for p in str(value).split("-")]
