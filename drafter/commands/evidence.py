"""`drafter evidence list|sources|show`: the evidence library as tables and text, for the CLI to
print. Filters name what exists, or fail with a did-you-mean."""
from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from drafter.campaign.load import EVIDENCE_FILE
from drafter.campaign.models import Evidence, Source
from drafter.campaign.staleness import stale_snippets, stale_sources
from drafter.compose.citations import CiteItem, Citer
from drafter.errors import DataError, did_you_mean

NOTE_MARK = "*"
AUTHOR_WIDTH = 24
NOTE_LEGEND = f"{NOTE_MARK} has a note: see 'drafter evidence show ID'"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Listing:
    """Tables to print one after the other, then the summary lines."""
    tables: list[Table] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def _marked(item_id: str, note: str | None) -> str:
    return f"{item_id} {NOTE_MARK}" if note else item_id


def _legend(items) -> list[str]:
    return [NOTE_LEGEND] if any(i.note for i in items) else []


def _known_source(ev: Evidence, source_id: str | None, file: Path) -> None:
    if source_id and source_id not in ev.sources:
        raise DataError(f"unknown source {source_id!r}", file=str(file), hint=did_you_mean(source_id, ev.sources))


def list_snippets(ev: Evidence, file: Path, tag: str | None = None, source_id: str | None = None,
                  stale: bool = False, today: dt.date | None = None) -> Listing:
    """Snippets as a table (and, with `stale`, what is due for re-checking, sources first)."""
    _known_source(ev, source_id, file)
    tags = {t for s in ev.snippets.values() for t in s.tags}
    if tag and tag not in tags:
        raise DataError(f"no snippet has tag {tag!r}", file=str(file),
                        hint=did_you_mean(tag, tags) or f"tags in use: {', '.join(sorted(tags))}")
    reasons = {s.id: why for s, why in stale_snippets(ev, today)} if stale else {}
    chosen = [s for s in ev.snippets.values()
              if (tag is None or tag in s.tags) and (source_id is None or source_id in s.sources)
              and (not stale or s.id in reasons)]
    out = Listing()
    if stale:
        old = [(s, why) for s, why in stale_sources(ev, today) if source_id is None or s.id == source_id]
        if old:
            out.tables.append(Table(["SOURCE", "WHY"], [[_marked(s.id, s.note), why] for s, why in old]))
        out.tables.append(Table(["SNIPPET", "SOURCES", "WHY"],
                                [[_marked(s.id, s.note), ", ".join(s.sources), reasons[s.id]] for s in chosen]))
        out.summary = [f"{len(old)} stale source(s), {len(chosen)} stale snippet(s)"] + \
            _legend([s for s, _ in old] + chosen)
        return out
    out.tables.append(Table(["SNIPPET", "SOURCES", "TAGS", "VERIFIED", "TEXT"],
                            [[_marked(s.id, s.note), ", ".join(s.sources), ", ".join(s.tags),
                              s.verified.isoformat() if s.verified else "-", s.text] for s in chosen]))
    out.summary = [f"{len(chosen)} snippet(s)"] + _legend(chosen)
    return out


def _author(source: Source) -> str:
    """The first author (family name or organisation), '+N' for the others; '-' for none."""
    names = source.csl.get("author") or source.csl.get("editor") or []
    if not names:
        return "-"
    first = names[0].get("literal") or names[0].get("family") or "?"
    first = first if len(first) <= AUTHOR_WIDTH else first[:AUTHOR_WIDTH - 1] + "…"
    return first + (f" +{len(names) - 1}" if len(names) > 1 else "")


def _date(source: Source, key: str) -> str:
    parts = (source.csl.get(key) or {}).get("date-parts", [[]])[0]
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) or "-"


def list_sources(ev: Evidence, file: Path, type_: str | None = None, author: str | None = None,
                 cited: bool | None = None, stale: bool = False, today: dt.date | None = None) -> Listing:
    """Sources as a table: id, type, author, date, how many snippets cite them, accessed, title.
    Filters: the CSL type, text in an author's name, cited or not by any snippet, stale."""
    types = {s.csl.get("type") for s in ev.sources.values()}
    if type_ and type_ not in types:
        raise DataError(f"no source has type {type_!r}", file=str(file),
                        hint=did_you_mean(type_, types) or f"types in use: {', '.join(sorted(map(str, types)))}")
    citing: dict[str, int] = {sid: 0 for sid in ev.sources}
    for s in ev.snippets.values():
        for sid in dict.fromkeys(s.sources):
            if sid in citing:
                citing[sid] += 1
    old = {s.id for s, _ in stale_sources(ev, today)} if stale else set()
    needle = (author or "").casefold()
    chosen = [s for s in ev.sources.values()
              if (type_ is None or s.csl.get("type") == type_)
              and (not needle or any(needle in " ".join(str(v) for v in n.values()).casefold()
                                     for n in s.csl.get("author") or []))
              and (cited is None or (citing[s.id] > 0) == cited) and (not stale or s.id in old)]
    rows = [[_marked(s.id, s.note), str(s.csl.get("type", "-")), _author(s), _date(s, "issued"), str(citing[s.id]),
             _date(s, "accessed"), s.title or "-"] for s in chosen]
    return Listing([Table(["SOURCE", "TYPE", "AUTHOR", "DATE", "SNIPPETS", "ACCESSED", "TITLE"], rows)],
                   [f"{len(chosen)} source(s)"] + _legend(chosen))


def note_text(citer: Citer, items: tuple[CiteItem, ...]) -> str:
    """The footnote of one citation as plain text (URLs included, as in the letter)."""
    return "".join(run.text for run in citer.notes([items])[0])


def show_evidence(ev: Evidence, evidence_id: str, style: str, root: Path) -> str:
    """A snippet (or a source) with its footnote, as a letter would print them, and its notes."""
    citer = Citer(ev, style, root)
    if evidence_id in ev.snippets:
        s = ev.snippets[evidence_id]
        items = tuple(CiteItem(sid, s.locator if i == 0 else None, s.label) for i, sid in enumerate(s.sources))
        details = [f"sources: {', '.join(s.sources)}"] + ([f"{s.label} {s.locator}"] if s.locator else []) + \
            ([f"tags: {', '.join(s.tags)}"] if s.tags else []) + \
            [f"verified: {s.verified.isoformat()}" if s.verified else "verified: never"]
        notes = ([f"note: {s.note}"] if s.note else []) + \
            [f"note on source {sid}: {ev.sources[sid].note}" for sid in s.sources if ev.sources[sid].note]
        lines = [f"{s.id} ({'; '.join(details)})", *notes, "",
                 textwrap.fill(s.text + "[1]", width=92, break_long_words=False, break_on_hyphens=False), "",
                 f"[1] {note_text(citer, items)}"]
        return "\n".join(lines)
    if evidence_id in ev.sources:
        source = ev.sources[evidence_id]
        used = [s.id for s in ev.snippets.values() if evidence_id in s.sources]
        return "\n".join([f"{evidence_id} (source; cited by: {', '.join(used) or 'no snippet'})",
                          *([f"note: {source.note}"] if source.note else []), "",
                          f"[1] {note_text(citer, (CiteItem(evidence_id),))}"])
    raise DataError(f"no snippet or source {evidence_id!r}", file=str(root / EVIDENCE_FILE),
                    hint=did_you_mean(evidence_id, list(ev.snippets) + list(ev.sources)))
