"""The campaign's data as plain, immutable objects. Built by `campaign.py`, read by every later step."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    sources: tuple[str, ...]
    locator: str | None = None
    label: str = "page"
    tags: tuple[str, ...] = ()
    verified: dt.date | None = None


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
    closing: str = "Sincerely,"
    stale_after_days: int = 180
    committee: str | None = None     # a letter about this committee's work: chairs addressed as such
    vars: dict = field(default_factory=dict)
    kit: dict = field(default_factory=dict)      # the spec's `kit:` settings (drafter kit)
