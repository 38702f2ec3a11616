"""Compose letters: the letter spec, its recipients and the rendered body become `Letter` objects.

A `Composer` is made once per letter spec (template parsed, citation style loaded) and then
composes any number of letters, which is what makes batches fast.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property

from drafter import locale as locales
from drafter.people import address
from drafter.campaign.load import CONSTITUENTS, Campaign, TEMPLATE_SUFFIX, load_letter
from drafter.compose.citations import Citer
from drafter.compose.letter import AddressBlock, Letter, Note, NoteRef
from drafter.campaign.models import LetterSpec, Recipient, Signer
from drafter.compose.render import BodyRenderer
from drafter.compose.typography import curl, localize_quotes
from drafter.errors import DataError
from drafter.campaign.query import matches
from drafter.people.select import group_letters, select_recipients
from drafter.campaign.staleness import stale_snippets, stale_sources


def date_line(d: dt.date, loc: locales.Locale | None = None) -> str:
    """The letter's date in its locale: 'October 23, 2023' (US), '23 October 2023', '23. Oktober 2023'."""
    return (loc or locales.get(None)).date(d)


def letter_locale(spec: LetterSpec, recipients: list[Recipient]) -> locales.Locale:
    """The spec's locale; else the one its recipients' profiles ask for (their own `locale:`, or
    their country's); else en-US. Recipients that ask for different ones need the spec to say."""
    if spec.locale:
        return locales.get(spec.locale)
    wanted = list(dict.fromkeys(address.recipient_locale(r) for r in recipients))
    if len(wanted) > 1:
        raise DataError(f"letter {spec.name!r} goes to recipients written to in different locales "
                        f"({', '.join(w or locales.DEFAULT for w in wanted)})",
                        file=str(spec.path), hint="add `locale:` to the letter spec, or send separate letters (`mode: each`)")
    return locales.get(wanted[0] if wanted else None)


def quote_marks(loc: locales.Locale, choice: str | None) -> tuple[str, str, str, str]:
    """The letter's quotation marks: the locale's, or single first where the spec asks (British style)."""
    q = loc.quotes
    return (q[2], q[3], q[0], q[1]) if choice == "single" and q[0] in "“„" else q


def signature_lines(s: Signer) -> tuple[str, ...]:
    return tuple(curl(x) for x in (s.name, s.title, s.organization) if x)


def stale_note(r: Recipient, letter_date: dt.date, limit_days: int) -> str | None:
    """A review note when the profile was last confirmed too long before the letter."""
    if r.as_of is None:
        return (f"Profile '{r.id}' has no as_of date: confirm the name, title and address "
                "before sending.")
    age = (letter_date - r.as_of).days
    if age > limit_days:
        return (f"Profile '{r.id}' was last confirmed on {r.as_of.isoformat()}, {age} days before "
                f"this letter (limit {limit_days}): confirm the name, title and address before sending.")
    return None


def profile_comment(r: Recipient, letter_date: dt.date, limit_days: int) -> str | None:
    """The review comment on an address: a stale profile, and the team's note on it."""
    parts = [stale_note(r, letter_date, limit_days)] + ([f"Note on profile '{r.id}': {r.caveat}"] if r.caveat else [])
    return " ".join(p for p in parts if p) or None


@dataclass
class Composer:
    campaign: Campaign
    spec: LetterSpec
    citer: Citer | None = None      # one may be shared by the specs that use the same style

    def __post_init__(self):
        self.renderer = BodyRenderer(self.campaign.templates_dir, self.spec.template,
                                     self.campaign.evidence, TEMPLATE_SUFFIX)
        if self.citer is None:
            self.citer = Citer(self.campaign.evidence, self.spec.citation_style, self.campaign.root)
        self._citers = {self.citer.locale or locales.DEFAULT: self.citer}
        self.signers = [self.campaign.signers[s] for s in self.spec.signers]
        self.organization = curl(next((s.organization for s in self.signers if s.organization),
                                      self.signers[0].name if self.signers else ""))

    def citer_for(self, loc: locales.Locale) -> Citer:
        """The citation formatter in the letter's language (one per locale, made when first needed)."""
        if loc.code not in self._citers:
            self._citers[loc.code] = Citer(self.campaign.evidence, self.spec.citation_style, self.campaign.root,
                                           locale=loc.code)
        return self._citers[loc.code]

    def context(self, recipients: list[Recipient], extra: dict | None = None,
                loc: locales.Locale | None = None) -> dict:
        def addressed(**query) -> bool:
            return any(matches(r, query) for r in recipients)

        loc = loc or letter_locale(self.spec, recipients)
        ctx = {
            "recipients": recipients,
            "asks": asks_for(self.campaign.asks.values(), recipients),
            "signers": self.signers,
            "letter": {"date": date_line(self.spec.date, loc), "title": self.spec.title,
                       "subject": self.spec.subject, "name": self.spec.name, "locale": loc.code,
                       "language": loc.lang},
            "vars": self.spec.vars,
            "points": default_points(self.spec),
            "addressed": addressed,
            "organization": self.organization,
        }
        if len(recipients) == 1:
            ctx["recipient"] = recipients[0]
        ctx.update(extra or {})
        return ctx

    def compose(self, recipients: list[Recipient], extra: dict | None = None,
                signatures: tuple[tuple[str, ...], ...] | None = None, comments: bool = True) -> Letter:
        loc = letter_locale(self.spec, recipients)
        body = self.renderer.render(self.context(recipients, extra, loc))
        if body.asks_missing:
            raise self.no_asks(recipients, self.renderer.path)
        notes = tuple(Note(i, runs) for i, runs in enumerate(self.citer_for(loc).notes(body.clusters), start=1))
        committee = self.spec.committee
        if committee is None and len(recipients) > 2:
            self._whole_committee(recipients)
        try:
            addressed, salutation = address.address_letter(recipients, committee, self.spec.salutation,
                                                           loc=loc, greeting=self.spec.greeting)
            blocks = tuple(
                AddressBlock(tuple(address.inside_address(r, committee, self.spec.committee_address, loc=loc)),
                             profile_comment(r, self.spec.date, self.spec.stale_after_days) if comments else None)
                for r in addressed)
        except DataError as exc:
            raise self._at_profile(exc, recipients, loc) from None
        if comments:
            body = dataclasses.replace(body, blocks=self._review(body, recipients))
        title = self.spec.title or "Letter to " + salutation.removeprefix("Dear ").rstrip(":,")
        letterhead, sender = letterhead_lines(self.spec.letterhead, self.signers)
        # The campaign's own text outside the body (recipients.yaml, the spec) gets the body's
        # curly quotes; a constituent's signature (`signatures`) is the volunteer's, as typed.
        blocks = tuple(dataclasses.replace(b, lines=tuple(map(curl, b.lines))) for b in blocks)
        closing = self.spec.closing or loc.closing_for(salutation)
        letter = Letter(
            title=curl(title), author=self.organization, date=self.spec.date,
            date_line=date_line(self.spec.date, loc), letterhead=tuple(map(curl, letterhead)), addresses=blocks,
            salutation=curl(salutation), body=body.blocks, notes=notes, closing=curl(closing),
            signatures=signatures if signatures is not None else tuple(signature_lines(s) for s in self.signers),
            cc=tuple(curl(self._cc_line(c, loc)) for c in self.spec.cc), recipient_ids=tuple(r.id for r in recipients),
            addressee_ids=tuple(r.id for r in addressed), subject=curl(self.spec.subject) if self.spec.subject else None,
            letterhead_address=tuple(map(curl, sender)), locale=loc.code,

            snippets=tuple(dict.fromkeys(n for ids in body.snippet_ids for n in ids)),
            sources=tuple(dict.fromkeys(c.source for cluster in body.clusters for c in cluster)))
        return localize_quotes(letter, quote_marks(loc, self.spec.quotes))

    @cached_property
    def _stale(self) -> tuple[dict[str, str], dict[str, str]]:
        """Stale snippets and sources as of the letter's date, by id: the same for every letter."""
        ev, when = self.campaign.evidence, self.spec.date
        return ({s.id: reason for s, reason in stale_snippets(ev, when)},
                {s.id: reason for s, reason in stale_sources(ev, when)})

    def has_stale(self) -> bool:
        """Whether any snippet or source is due for re-checking as of the letter's date."""
        return any(self._stale)

    def stale_evidence(self, letter: Letter) -> tuple[tuple[str, str], ...]:
        """The evidence `letter` cites that is due for re-checking as of its date:
        ('snippet' or 'source', id), in the order cited."""
        snippets, sources = self._stale
        return tuple([("snippet", n) for n in letter.snippets if n in snippets]
                     + [("source", s) for s in letter.sources if s in sources])

    def stale_reason(self, kind: str, item: str) -> str:
        """Why a snippet or source stale_evidence() named is due ("verified 2023-10-20, 1143 days ago ...")."""
        snippets, sources = self._stale
        return (snippets if kind == "snippet" else sources)[item]

    def _review(self, body, recipients: list[Recipient]) -> tuple:
        """Review comments on evidence and asks.

        "Today" is the letter's date: a draft is checked as of the day it is dated, so
        re-drafting a 2023 letter in 2026 flags nothing that was fresh in 2023.
        """
        snippets, sources = self._stale
        ev = self.campaign.evidence
        commented: set[str] = set()     # a snippet or source is commented on where first cited

        def note_comment(number: int) -> str | None:
            nids = body.snippet_ids[number - 1] if body.snippet_ids else ()
            msgs = []
            for nid in nids:
                if nid in commented:
                    continue
                commented.add(nid)
                msgs += [f"Evidence '{nid}': {snippets[nid]}; check it against its source before sending."
                         ] if nid in snippets else []
                msgs += [f"Note on evidence '{nid}': {ev.snippets[nid].note}"] if ev.snippets[nid].note else []
            for c in body.clusters[number - 1]:
                if c.source in commented:
                    continue
                commented.add(c.source)
                msgs += [f"Source '{c.source}': {sources[c.source]}; check the link and the text still match."
                         ] if c.source in sources else []
                note = ev.sources[c.source].note
                msgs += [f"Note on source '{c.source}': {note}"] if note else []
                # an unconfirmed title is already described, not quoted; other fields are printed
                fields = [f for f in ev.sources[c.source].csl.get("unconfirmed") or () if f != "title"]
                msgs += [f"Source '{c.source}': {', '.join(fields)} not confirmed against a primary copy; "
                         "confirm before sending."] if fields else []
            return " ".join(dict.fromkeys(msgs)) or None

        def review(block):
            inlines = tuple(dataclasses.replace(x, comment=note_comment(x.number)) if isinstance(x, NoteRef) else x
                            for x in block.inlines)
            ask = self.campaign.asks.get(block.origin[4:]) if (block.origin or "").startswith("ask:") else None
            return dataclasses.replace(block, inlines=inlines, comment=ask.confirm if ask else None)

        return tuple(review(b) for b in body.blocks)

    def _whole_committee(self, recipients: list[Recipient]) -> None:
        """A joint letter to a whole committee that does not say so would give every member an
        inside address and put the chair wherever the list does: refused, naming the field."""
        cid = address.whole_committee(recipients)
        if cid is not None:
            raise DataError(f"letter {self.spec.name!r} goes to the whole committee {cid} "
                            f"({len(recipients)} members) but does not name it",
                            file=str(self.spec.path),
                            hint=f"add `committee: {cid}` (addressed to its chair and ranking member at the "
                                 "committee's office, greeting the rest as Members), or `mode: each`")

    def _at_profile(self, exc: DataError, recipients: list[Recipient], loc=None) -> DataError:
        """The error at the line of the recipients.yaml profile that causes it, as check gives it."""
        doc = self.campaign.docs.get("recipients")
        for r in recipients:
            problem = address.profile_problem(r, loc, self.spec.greeting)
            if problem and problem.message == exc.message and doc is not None \
                    and r.id in ((doc.data or {}).get("recipients") or {}):
                line, col = doc.where(("recipients", r.id))
                return DataError(problem.message, file=str(doc.path), line=line, column=col, hint=problem.hint)
        return exc

    def no_asks(self, recipients: list[Recipient], template) -> DataError:
        """A template that lists the asks, for recipients none of which can act on any: the
        letter would ask nothing."""
        return DataError(f"letter {self.spec.name!r} to {', '.join(r.id for r in recipients)} asks nothing: "
                         f"{template.name} lists the asks, and no ask in asks.yaml is for these recipients",
                         file=str(self.spec.path),
                         hint="give an ask a 'for:' that matches them, or put the list inside {% if asks %}")

    def _cc_line(self, entry: str, loc: locales.Locale | None = None) -> str:
        r = self.campaign.recipients.get(entry)
        return address.addressee_line(r, loc) if r else entry


def letterhead_lines(letterhead, signers: list[Signer]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the letterhead's name lines, the sender's address lines) from a spec's `letterhead:`
    (lines, or {name, address}; a .docx file has its own header) and its signers: without an
    address in the letterhead, the first signer's organisation address."""
    name, sender = (), ()
    if isinstance(letterhead, list):
        name = tuple(letterhead)
    elif isinstance(letterhead, dict):
        name = tuple(letterhead["name"] if isinstance(letterhead["name"], list) else [letterhead["name"]])
        sender = tuple(letterhead.get("address") or ())
    if not sender:
        sender = next((s.address for s in signers if s.address), ())
    return name, tuple(" ".join(line.split()) for line in sender)


def default_points(spec: LetterSpec) -> list:
    """The talking points a letter makes when its writer picks none: the `default: true` ones."""
    return [p for p in spec.points.values() if p.default]


def chosen_points(spec: LetterSpec, picked) -> list:
    """The talking points a writer picked, in their order: ids, or numbers counting from 1 in the
    spec's order; none picked gives the defaults. ValueError naming what is not a point."""
    if not picked:
        return default_points(spec)
    ids = list(spec.points)
    chosen = []
    for item in picked:
        key = str(item).strip()
        pid = ids[int(key) - 1] if key.isdigit() and 1 <= int(key) <= len(ids) else key
        if pid not in spec.points:
            have = ", ".join(f"{i} {p}" for i, p in enumerate(ids, start=1)) or "none"
            raise ValueError(f"no talking point {key!r} in letter {spec.name!r} (it has: {have})")
        if spec.points[pid] not in chosen:
            chosen.append(spec.points[pid])
    return chosen


def asks_for(asks, recipients: list[Recipient]) -> list:
    """The asks some recipient of this letter can act on, each once, in the campaign's order."""
    return [a for a in asks if any(matches(r, q) for r in recipients for q in a.applies)]


def compose_letters(campaign: Campaign, letter: str | Path, to: tuple[str, ...] = (),
                    mode: str | None = None, clean: bool = False, checks=()) -> tuple[Composer, list[Letter]]:
    """The spec's letters; `checks` are the later stages' checks of its settings (load_letter)."""
    spec = load_letter(campaign, letter, checks)
    if spec.to == (CONSTITUENTS,):
        raise DataError("this letter is written by constituents to their own members of Congress",
                        file=str(spec.path), hint=f"run 'drafter batch {spec.name} --constituents FILE.csv ...'")
    composer = Composer(campaign, spec)
    recipients = select_recipients(campaign.recipients, to or spec.to, campaign.groups)
    groups = group_letters(recipients, mode or spec.mode)
    return composer, [composer.compose(group, comments=not clean) for group in groups]
