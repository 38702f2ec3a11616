"""`drafter evidence import`: sources from CSL-JSON (Zotero's "Export: CSL JSON") or BibTeX.

Entries become evidence.yaml sources (CSL-JSON fields, dates as YYYY-MM-DD / YYYY-MM / YYYY,
names as {family, given} or {literal}). The file is edited with ruamel.yaml's round trip, so what
is already there, comments included, stays as written; a new id is added, the same id with the
same content is left alone, and the same id with different content is a conflict, reported and
not written: a person decides which is right.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from drafter.campaign.dates import evidence_date
from drafter.errors import DataError
from drafter.output.files import replace_text
from drafter.campaign.schemas import CSL_DATE_FIELDS, CSL_NAME_FIELDS, CSL_TYPES, ID_PATTERN, SOURCE
from drafter.campaign import reading
from drafter.campaign.yamlsrc import MAX_BYTES, parse_yaml, round_trip
from drafter.campaign.validate import schema_errors

_ALLOWED = set(SOURCE["properties"]) - {"id"}
_NAME_KEYS = ("family", "given", "suffix", "dropping-particle", "non-dropping-particle", "literal")
# Fields first in this order, the rest alphabetically: how people write them by hand.
_ORDER = ["type", "title", "author", "editor", "container-title", "collection-title", "publisher",
          "publisher-place", "issued", "volume", "issue", "number", "page", "URL", "DOI", "accessed"]


@dataclass
class Candidate:
    """One entry of the imported file, converted; `problems` keep it from being imported."""
    id: str
    fields: dict
    origin: str                       # "FILE:LINE" or "FILE entry N"
    explicit_id: bool = True          # the file gave the id (else it was made from author and year)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)       # imported all the same
    problems: list[str] = field(default_factory=list)    # not imported


@dataclass
class Conflict:
    id: str
    origin: str
    differences: list[tuple[str, object, object]]   # (field, in evidence.yaml, in the import)


@dataclass
class SourceImportReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    same_as: list[tuple[str, str]] = field(default_factory=list)    # (imported id, existing id)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Candidate] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)      # id -> fields left out
    notes: dict[str, list[str]] = field(default_factory=dict)        # id -> what was adjusted
    written: Path | None = None


# --- dates and names ---------------------------------------------------------------------------

def _name(value) -> dict | None:
    if isinstance(value, str):
        return {"literal": value.strip()} if value.strip() else None
    if not isinstance(value, dict):
        return None
    name = {k: str(value[k]).strip() for k in _NAME_KEYS if str(value.get(k) or "").strip()}
    if "literal" in name:
        return {"literal": name["literal"]}
    if "family" not in name:
        return {"literal": name["given"]} if "given" in name else None
    return name


# --- CSL-JSON ----------------------------------------------------------------------------------

def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_STOP = {"a", "an", "the", "of", "on", "in", "and", "for", "to"}


def make_id(fields: dict) -> str:
    """An id from the first author (or the title) and the year: "dirks-2022", "human-rights-watch-2022"."""
    names = fields.get("author") or fields.get("editor") or []
    if names:
        base = _slug(names[0].get("family") or names[0].get("literal", ""))
    else:
        words = [w for w in _slug(str(fields.get("title", ""))).split("-") if w not in _STOP]
        base = "-".join(words[:3])
    year = fields.get("issued")
    year = str(year)[:4] if year is not None else "nd"
    return f"{base or 'source'}-{year}"


def convert_csl(item: dict) -> tuple[dict, list[str], list[str]]:
    """A CSL-JSON item as evidence.yaml fields, with the fields dropped and notes on adjustments."""
    fields, dropped, notes = {}, [], []
    for key, value in item.items():
        if key in ("id", "citation-key"):
            continue
        if key not in _ALLOWED:
            dropped.append(key)
        elif key in CSL_DATE_FIELDS:
            date = evidence_date(value)
            if date is None:
                notes.append(f"{key}: date not understood, left out")
            else:
                fields[key] = date
        elif key in CSL_NAME_FIELDS:
            names = [n for n in map(_name, value if isinstance(value, list) else [value]) if n]
            if names:
                fields[key] = names
        elif key == "type":
            fields[key] = value if value in CSL_TYPES else "document"
            if value not in CSL_TYPES:
                notes.append(f"unknown CSL type {value!r}, imported as 'document'")
        elif isinstance(value, (str, int, float)) and str(value).strip():
            fields[key] = " ".join(str(value).split()) if key != "abstract" else str(value).strip()
    fields.setdefault("type", "document")
    return fields, dropped, notes


def read_csl_json(path: Path, text: str) -> list[Candidate]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid CSL-JSON: {exc.msg}", file=str(path), line=exc.lineno, column=exc.colno) from None
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise DataError("expected a CSL-JSON list of items", file=str(path))
    out = []
    for i, item in enumerate(data, start=1):
        origin = f"{path.name} item {i}"
        if not isinstance(item, dict):
            out.append(Candidate(f"item-{i}", {}, origin, problems=["not a CSL-JSON item (an object)"]))
            continue
        fields, dropped, notes = convert_csl(item)
        given = str(item.get("citation-key") or item.get("id") or "")
        explicit = bool(re.match(ID_PATTERN, given))
        out.append(Candidate(given if explicit else make_id(fields), fields, origin, explicit, dropped, notes))
    return out


# --- BibTeX ------------------------------------------------------------------------------------

BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "report", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "misc": "document", "proceedings": "book", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "online": "webpage", "www": "webpage", "electronic": "webpage",
    "letter": "letter", "legislation": "legislation", "jurisdiction": "legal_case", "patent": "patent",
    "dataset": "dataset", "software": "software", "collection": "book", "reference": "book",
}
# BibTeX / biblatex field -> CSL field (plain text fields; names and dates are handled apart).
BIBTEX_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "publisher": "publisher", "institution": "publisher",
    "organization": "publisher", "school": "publisher", "address": "publisher-place",
    "location": "publisher-place", "volume": "volume", "pages": "page", "edition": "edition",
    "series": "collection-title", "chapter": "chapter-number", "type": "genre", "note": "note",
    "abstract": "abstract", "isbn": "ISBN", "issn": "ISSN", "doi": "DOI", "url": "URL",
    "language": "language", "keywords": "keyword", "version": "version", "shorttitle": "title-short",
    "eventtitle": "event-title", "venue": "event-place", "howpublished": "medium", "section": "section",
}
# A @misc or @unpublished entry's `type` (its genre) that names a CSL type of its own.
GENRE_TYPES = {"speech": "speech", "remarks": "speech", "address": "speech", "lecture": "speech",
               "executive order": "legislation", "letter": "letter"}
_VERBATIM = {"url", "doi", "urldate", "date", "year", "month", "day", "eprint"}
_BIB_NAMES = {"author": "author", "editor": "editor", "translator": "translator"}


def _latex_decoder():
    from pylatexenc.latex2text import LatexNodes2Text
    return LatexNodes2Text()


def _bib_name(parts, decode) -> dict | None:
    first, von, last, jr = (" ".join(p) for p in (parts.first, parts.von, parts.last, parts.jr))
    if not first and not von and not jr and last.startswith("{") and last.endswith("}"):
        return {"literal": decode(last[1:-1])}   # {Human Rights Watch}: an organisation
    name = {"family": decode(last), "given": decode(first),
            "non-dropping-particle": decode(von), "suffix": decode(jr)}
    return _name({k: v for k, v in name.items() if v})


def convert_bibtex(entry, decode) -> tuple[dict, list[str], list[str]]:
    """A bibtexparser v2 entry as evidence.yaml fields, with the fields dropped and notes."""
    raw = {k.lower(): f.value for k, f in entry.fields_dict.items()}
    etype = entry.entry_type.lower()
    fields = {"type": BIBTEX_TYPES.get(etype, "document")}
    notes = [] if etype in BIBTEX_TYPES else [f"unknown entry type @{etype}, imported as 'document'"]
    if etype == "article" and str(raw.get("entrysubtype", "")).lower() in ("newspaper", "magazine"):
        fields["type"] = f"article-{raw.pop('entrysubtype').lower()}"
    if etype == "misc" and "url" in raw and not any(k in raw for k in ("publisher", "institution", "journal")):
        fields["type"] = "webpage"
    dropped = []
    for key, value in raw.items():
        if key in _BIB_NAMES:
            names = [n for n in (_bib_name(p, decode) for p in value) if n] if isinstance(value, list) else []
            if names:
                fields[_BIB_NAMES[key]] = names
        elif key in BIBTEX_FIELDS:
            text = str(value).strip() if key in _VERBATIM else decode(str(value))
            text = re.sub(r"^\\url\{(.*)\}$", r"\1", " ".join(text.split()))
            if text:
                fields.setdefault(BIBTEX_FIELDS[key], text)
        elif key == "number":
            fields["issue" if fields["type"] == "article-journal" else "number"] = decode(str(value))
        elif key not in ("year", "month", "day", "date", "urldate"):
            dropped.append(key)
    issued = evidence_date(str(raw["date"])) if raw.get("date") else \
        evidence_date({"date-parts": [[raw.get("year", ""), raw.get("month", ""), raw.get("day", "")]]}) \
        if raw.get("year") else None
    if issued is not None:
        fields["issued"] = issued
    elif raw.get("year") or raw.get("date"):
        notes.append(f"date {raw.get('date') or raw.get('year')!r} not understood, left out")
    if raw.get("urldate"):
        accessed = evidence_date(str(raw["urldate"]))
        if accessed is None:
            notes.append(f"urldate {raw['urldate']!r} not understood, left out")
        else:
            fields["accessed"] = accessed
    if "page" in fields:
        fields["page"] = fields["page"].replace("--", "–")
    kind = next((str(fields[k]).lower() for k in ("genre", "medium") if str(fields.get(k, "")).lower() in GENRE_TYPES), None)
    if etype in ("misc", "unpublished", "online") and kind:
        fields["type"] = GENRE_TYPES[kind]
    return {k: _tex_quotes(v) if k not in ("URL", "DOI") and isinstance(v, str) else v
            for k, v in fields.items()}, dropped, notes


def _tex_quotes(text: str) -> str:
    """TeX quotes the LaTeX decoder leaves as typed (`single', and a lone ` or '), made typographic."""
    from drafter.compose.typography import smart_quotes
    return smart_quotes(text.replace("``", "“").replace("''", "”"))


def _reason(error) -> str:
    text = getattr(error, "abort_reason", None) or str(error)
    return " ".join(text.split()) or "unreadable entry"


def read_bibtex(path: Path, text: str) -> list[Candidate]:
    import bibtexparser
    from bibtexparser import middlewares as mw
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.ERROR)  # its warnings about bad blocks would go to stderr; we report them
    try:
        library = bibtexparser.parse_string(text, append_middleware=[
            mw.MonthIntMiddleware(True), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    finally:
        log.setLevel(level)
    decode = _latex_decoder().latex_to_text
    out = []
    for block in library.failed_blocks:
        out.append(Candidate(f"line-{block.start_line + 1}", {}, f"{path.name}:{block.start_line + 1}",
                             problems=[f"BibTeX syntax error: {_reason(block.error)}"]))
    for entry in library.entries:
        fields, dropped, notes = convert_bibtex(entry, decode)
        explicit = bool(re.match(ID_PATTERN, entry.key))
        out.append(Candidate(entry.key if explicit else make_id(fields), fields,
                             f"{path.name}:{entry.start_line + 1}", explicit, dropped, notes))
    return out


def read_file(path: str | Path) -> list[Candidate]:
    """The entries of a CSL-JSON or BibTeX file, converted; the format is told by the name or content."""
    path = Path(path)
    try:
        text = reading.read_file(path, max_bytes=MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", file=str(path), hint="export it as UTF-8") from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    suffix = path.suffix.lower()
    head = text.lstrip()[:1]
    if suffix == ".json" or (suffix not in (".bib", ".bibtex") and head in "[{" and head):
        return read_csl_json(path, text)
    if suffix in (".bib", ".bibtex") or head in ("@", "%"):
        return read_bibtex(path, text)
    raise DataError("cannot tell the format of this file", file=str(path),
                    hint="import CSL-JSON (.json, Zotero 'Export: CSL JSON') or BibTeX (.bib)")


# --- comparing and writing ---------------------------------------------------------------------

def _normal(value):
    """A value as compared between evidence.yaml and an import: dates as text, spaces folded."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str):
        return " ".join(value.split())
    return str(value) if isinstance(value, int) else value


def _differences(old: dict, new: dict) -> list[tuple[str, object, object]]:
    old, new = _normal(old), _normal(new)
    return [(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new), key=_field_rank)
            if old.get(k) != new.get(k)]


def _field_rank(key: str):
    return (_ORDER.index(key), "") if key in _ORDER else (len(_ORDER), key)


def _schema_problems(fields: dict) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or 'entry'}: {e.message}"
            for e in schema_errors(fields, "source")]


def plan_import(existing: dict, candidates: list[Candidate]) -> tuple[SourceImportReport, dict[str, dict]]:
    """What an import would do, and the new sources to add (id -> fields, in file order)."""
    report, new = SourceImportReport(), {}
    by_content = {json.dumps(_normal(v), sort_keys=True): k for k, v in existing.items() if isinstance(v, dict)}
    # The same URL or DOI is the same work, whatever the id: compare with that entry instead.
    by_link = {(f, str(v[f]).strip().lower()): k for k, v in existing.items() if isinstance(v, dict)
               for f in ("URL", "DOI") if v.get(f)}
    for cand in candidates:
        problems = cand.problems + ([] if not cand.fields else _schema_problems(cand.fields))
        if problems or not cand.fields:
            cand.problems = problems or ["empty entry"]
            report.skipped.append(cand)
            continue
        if cand.dropped:
            report.dropped[cand.id] = cand.dropped
        if cand.notes:
            report.notes[cand.id] = cand.notes
        key = json.dumps(_normal(cand.fields), sort_keys=True)
        sid = next((by_link[(f, str(cand.fields[f]).strip().lower())] for f in ("URL", "DOI")
                    if cand.fields.get(f) and (f, str(cand.fields[f]).strip().lower()) in by_link), cand.id)
        if sid == cand.id and not cand.explicit_id:  # a made-up id moves aside rather than clash
            n = 0
            while (sid in existing and _differences(existing[sid], cand.fields)) or sid in new:
                n += 1
                sid = f"{cand.id}{chr(ord('a') + n)}"
        if sid in existing:
            diffs = _differences(existing[sid], cand.fields)
            if diffs:
                report.conflicts.append(Conflict(sid, cand.origin, diffs))
            else:
                report.unchanged.append(sid)
        elif sid in new:
            if _differences(new[sid], cand.fields):
                report.conflicts.append(Conflict(sid, cand.origin, _differences(new[sid], cand.fields)))
        elif key in by_content:
            report.same_as.append((sid, by_content[key]))
        else:
            new[sid] = cand.fields
            by_content[key] = sid
            report.added.append(sid)
    return report, new


def _commented(fields: dict):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    entry = CommentedMap()
    for key in sorted(fields, key=_field_rank):
        value = fields[key]
        if isinstance(value, list):
            seq = CommentedSeq()
            for name in value:
                m = CommentedMap(name)
                m.fa.set_flow_style()
                seq.append(m)
            seq.fa.set_flow_style()
            value = seq
        entry[key] = value
    return entry


def _blank_line(token_text: str | None):
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken
    return CommentToken(token_text or "\n", CommentMark(0), None)


def _tail_slot(node):
    """The comment slot after the last scalar of a round-trip mapping (blank lines and comments
    that stand before the next top-level key live there)."""
    from ruamel.yaml.comments import CommentedMap
    while isinstance(node, CommentedMap) and len(node):
        last = list(node)[-1]
        slot = node.ca.items.get(last)
        if slot and len(slot) > 2 and slot[2] is not None:
            return node, last
        if not isinstance(node[last], CommentedMap):
            return node, last
        node = node[last]
    return None, None


def _add_sources(doc, new: dict[str, dict]) -> None:
    from ruamel.yaml.comments import CommentedMap
    sources = doc.get("sources")
    if not isinstance(sources, CommentedMap):
        sources = CommentedMap()
        doc["sources"] = sources
    sources.fa.set_block_style()
    owner, key = _tail_slot(sources[list(sources)[-1]]) if len(sources) else (None, None)
    tail = owner.ca.items[key][2] if owner is not None and key in owner.ca.items else None
    spaced = tail is not None and tail.value.startswith("\n\n")  # entries are separated by blank lines
    for sid, fields in new.items():
        sources[sid] = _commented(fields)
    # The comment after the old last entry belongs before the next top-level key: move it down.
    if tail is not None:
        owner.ca.items[key][2] = _blank_line("\n\n") if spaced else None
        if all(x is None for x in owner.ca.items[key]):
            del owner.ca.items[key]
    last_ids = list(new)
    for sid in last_ids:
        entry = sources[sid]
        last = list(entry)[-1]
        text = tail.value if sid == last_ids[-1] and tail is not None else ("\n\n" if spaced else None)
        if text:
            entry.ca.items[last] = [None, None, _blank_line(text), None]


def import_sources(evidence_path: str | Path, file: str | Path, *, dry_run: bool = False) -> SourceImportReport:
    """Import the sources of a CSL-JSON or BibTeX file into evidence.yaml.

    New ids are added; an id already there with the same content is left alone; an id already
    there with different content is reported as a conflict and not written. Nothing else in the
    file changes: the result is checked against the original before it replaces it.
    """
    evidence_path = Path(evidence_path)
    candidates = read_file(file)
    original = reading.read_file(evidence_path, inside=evidence_path.parent, max_bytes=MAX_BYTES).decode(
        "utf-8") if os.path.lexists(evidence_path) else ""
    before = parse_yaml(original, evidence_path).data if original.strip() else None  # duplicate keys, syntax
    if before is not None and not isinstance(before, dict):
        raise DataError("expected a mapping with 'sources:' and 'snippets:'", file=str(evidence_path), line=1)
    existing = dict((before or {}).get("sources") or {})
    report, new = plan_import(existing, candidates)
    if not new or dry_run:
        return report
    y = round_trip()
    doc = y.load(original) if before is not None else None
    if doc is None:
        from ruamel.yaml.comments import CommentedMap
        doc = CommentedMap()
    _add_sources(doc, new)
    out = StringIO()
    y.dump(doc, out)
    text = out.getvalue()
    if before is None and original.strip():   # a file of comments only: keep them above the new data
        text = original.rstrip("\n") + "\n\n" + text
    _verify(evidence_path, before or {}, new, text, original)
    replace_text(evidence_path, text)
    report.written = evidence_path
    return report


def _verify(path: Path, before: dict, new: dict, text: str, original: str) -> None:
    """Refuse to write unless everything that was there is still there, exactly, comments too."""
    after = parse_yaml(text, path).data
    expected = dict(before)
    expected["sources"] = {**(before.get("sources") or {}), **{k: _plain(v) for k, v in new.items()}}
    old_comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    new_comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    if _normal(after) != _normal(expected) or old_comments != new_comments:
        raise DataError("the import would change existing content; nothing was written", file=str(path),
                        hint="please report this; import into a copy or add the sources by hand")


def _plain(fields: dict) -> dict:
    return {k: ([dict(n) for n in v] if isinstance(v, list) else v) for k, v in fields.items()}
