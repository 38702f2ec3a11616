"""The letter model: what a draft says, independent of Word. `compose.py` builds it, writers read it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drafter.locale import get as get_locale


@dataclass(frozen=True)
class Text:
    """A run of text. `style` is a named character style (Emphasis, Strong); the flags are for
    citation output, where CSL decides the formatting."""
    text: str
    style: str | None = None
    italic: bool = False
    bold: bool = False
    small_caps: bool = False
    superscript: bool = False
    link: str | None = None


@dataclass(frozen=True)
class NoteRef:
    """A footnote marker in the body; `number` is the note's number, 1-based, in order.
    `comment` is a review note anchored on the text the note supports (since the previous marker)."""
    number: int
    comment: str | None = None


@dataclass(frozen=True)
class Block:
    """A body paragraph. kind: para | ordered | bullet | quote | heading; list_id groups list items."""
    kind: str
    inlines: tuple
    list_id: int | None = None
    comment: str | None = None      # a review note on the whole paragraph (an ask to confirm, ...)
    origin: str | None = None       # where its text came from, e.g. "ask:entity-list"


@dataclass(frozen=True)
class Note:
    number: int
    inlines: tuple[Text, ...]


@dataclass(frozen=True)
class AddressBlock:
    lines: tuple[str, ...]
    comment: str | None = None      # a review note for the editor (stale profile, ...)


def subject_line(subject: str, locale: str = "en-US") -> str:
    """The subject line every format prints: "Re: Mass DNA collection in Tibet" (in German, as
    DIN 5008 has it, the subject alone)."""
    return get_locale(locale).subject_line(subject)


@dataclass(frozen=True)
class Letter:
    title: str
    author: str                      # the signing organisation
    date: dt.date
    date_line: str
    letterhead: tuple[str, ...]
    addresses: tuple[AddressBlock, ...]
    salutation: str
    body: tuple[Block, ...]
    notes: tuple[Note, ...]
    closing: str
    signatures: tuple[tuple[str, ...], ...]
    cc: tuple[str, ...] = ()
    recipient_ids: tuple[str, ...] = ()
    # those given an inside address: all of recipient_ids, or a whole committee's chair and
    # ranking member ("... and Members of the Committee")
    addressee_ids: tuple[str, ...] = ()
    subject: str | None = None       # printed "Re: ..." above the salutation
    # the sender's address under the letterhead's name (street, city, phone, web), in a smaller
    # style: the letterhead's own, else the signers' organisation's
    letterhead_address: tuple[str, ...] = ()
    # a constituent's own address (name, street, city, email) at the top, above the date
    return_address: tuple[str, ...] = ()
    # the evidence its notes cite (ids, in order): for a batch's report of evidence due for re-checking
    snippets: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    locale: str = "en-US"            # drafter/locale: its paper, fixed words and layout

    def review_comments(self) -> int:
        """How many review comments its Word draft holds (none with --clean)."""
        return (sum(1 for a in self.addresses if a.comment) + sum(1 for b in self.body if b.comment)
                + sum(1 for b in self.body for i in b.inlines if isinstance(i, NoteRef) and i.comment))


@dataclass(frozen=True)
class FactSheet:
    """A one-page document (drafter kit): a title, then headings, paragraphs and lists with real
    footnotes; no address, salutation or signature."""
    title: str
    author: str
    date: dt.date
    body: tuple[Block, ...]          # the first block is the title, a heading
    notes: tuple[Note, ...]
