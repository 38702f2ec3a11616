"""The composed letter as data for letter.typ: plain dicts, lists and strings (JSON).

Every string from the campaign or a volunteer travels as a JSON string that the template shows
with Typst's text functions; none is ever read as Typst markup, so `#read(...)`, `$`, `*` or
`<label>` in a message print as typed.
"""
from __future__ import annotations

from drafter.compose.letter import Block, FactSheet, Letter, NoteRef, Text, subject_line
from drafter.formats import din5008 as din
from drafter.locale import Locale, get as get_locale

PAPERS = {"letter": "us-letter", "a4": "a4"}
LIST_KINDS = ("ordered", "bullet")


def inline(item, seen: set[int]) -> dict:
    """A run of text, or a note marker: {"note": n, "first": bool} (a note cited again
    refers to its first marker's note, keeping one number)."""
    if isinstance(item, NoteRef):
        first = item.number not in seen
        seen.add(item.number)
        return {"note": item.number, "first": first}
    run: dict = {"text": item.text}
    if item.style == "Emphasis" or item.italic:
        run["em"] = True
    if item.style == "Strong" or item.bold:
        run["strong"] = True
    if item.small_caps:
        run["sc"] = True
    if item.superscript:
        run["sup"] = True
    if item.link:
        run["link"] = item.link
    return run


def inlines(items, seen: set[int] | None = None) -> list[dict]:
    seen = set() if seen is None else seen
    return [inline(i, seen) for i in items]


def blocks(body: tuple[Block, ...], seen: set[int], sheet: bool = False) -> list[dict]:
    """Body blocks; consecutive items of one list become one {"kind": "ordered"|"bullet", "items"}.
    `sticky`: kept on the page with what follows (a heading, the sentence introducing a list;
    in a letter the last paragraph, so the closing never starts a page alone)."""
    out: list[dict] = []
    for i, block in enumerate(body):
        runs = inlines(block.inlines, seen)
        if block.kind in LIST_KINDS:
            prev = out[-1] if out else None
            if prev and prev["kind"] == block.kind and prev.get("list_id") == block.list_id:
                prev["items"].append(runs)
            else:
                out.append({"kind": block.kind, "list_id": block.list_id, "items": [runs]})
            continue
        kind = block.kind
        if sheet and i == 0 and kind == "heading":
            kind = "title"
        last = i + 1 == len(body)
        introduces_list = not last and body[i + 1].kind in LIST_KINDS
        out.append({"kind": kind, "inlines": runs,
                    "sticky": kind in ("heading", "title") or introduces_list or (last and not sheet)})
    return out


def notes(letter: Letter | FactSheet) -> dict[str, list[dict]]:
    return {str(n.number): inlines(n.inlines) for n in letter.notes}


def locale_data(loc: Locale) -> dict:
    """What letter.typ takes from the letter's locale: its language (hyphenation, the PDF's
    language), the words around the copy list and the page number, the layout."""
    lang, _, region = loc.code.partition("-")
    return {"lang": lang, "region": region, "cc": loc.cc, "page": loc.page, "layout": loc.layout}


def sender_address(letter: Letter, word_letterhead=None) -> tuple[str, ...]:
    """The sender's address under the letterhead, as the .docx prints it: none where a Word
    letterhead's header has its own."""
    return () if word_letterhead is not None and word_letterhead.header_address else letter.letterhead_address


def din_data(letter: Letter, letterhead=None) -> dict:
    """A DIN 5008 letter's address field: the return line, the address's type size and line
    pitch (points), and the field's measures (millimetres from the page's edges)."""
    size, pitch = din.address_type(len(letter.addresses[0].lines) if letter.addresses else 1)
    line, return_size = din.sender_line(letter, letterhead) or (None, din.RETURN_SIZE_PT)
    return {"return_line": line, "return_size": return_size, "size": size, "pitch": pitch,
            "field": [din.FIELD_TOP, din.FIELD_LEFT, din.FIELD_WIDTH, din.FIELD_HEIGHT],
            "note_zone": din.NOTE_ZONE, "inset": din.TEXT_INSET, "info": [din.INFO_TOP, din.INFO_LEFT],
            "subject_gap": din.SUBJECT_GAP_PT, "folds": list(din.FOLD_MARKS), "hole": din.HOLE_MARK,
            "letterhead_address": din.one_line(sender_address(letter, letterhead)),
            "return_address": din.one_line(letter.return_address)}


def letter_data(letter: Letter, letterhead: dict | None = None, word_letterhead=None) -> dict:
    """One letter. `letterhead` is a Word letterhead's data (letterhead.py), printed on page 1
    instead of the letter's own lines of text; `word_letterhead` the Letterhead itself (its
    header's address is a DIN 5008 letter's return line)."""
    seen: set[int] = set()
    loc = get_locale(letter.locale)
    return {
        "kind": "letter",
        "title": letter.title,
        "author": letter.author,
        "date": [letter.date.year, letter.date.month, letter.date.day],
        "letterhead": None if letterhead is not None else list(letter.letterhead),
        "word_letterhead": letterhead,
        "return_address": list(letter.return_address),
        "letterhead_address": list(sender_address(letter, word_letterhead)),
        "date_line": letter.date_line,
        "addresses": [list(a.lines) for a in letter.addresses],
        "subject": subject_line(letter.subject, letter.locale) if letter.subject else None,
        "salutation": letter.salutation,
        "body": blocks(letter.body, seen),
        "notes": notes(letter),
        "closing": letter.closing,
        "signatures": [list(s) for s in letter.signatures],
        "cc": list(letter.cc),
        "locale": locale_data(loc),
        "din": din_data(letter, word_letterhead) if loc.layout == "din5008" else None,
    }


def factsheet_data(sheet: FactSheet) -> dict:
    return {"kind": "factsheet", "title": sheet.title, "author": sheet.author,
            "date": [sheet.date.year, sheet.date.month, sheet.date.day],
            "body": blocks(sheet.body, set(), sheet=True), "notes": notes(sheet)}


def locale_margins(loc: Locale) -> dict:
    """The locale's page margins in points, as letter.typ takes them (a Word letterhead's own
    page setup replaces them)."""
    top, right, bottom, left = (mm * din.PT_PER_MM for mm in loc.margins)
    return {"top": top, "right": right, "bottom": bottom, "left": left, "header": 36, "footer": 36}


def document_data(items: list[dict], *, paper: str = "letter", fonts: list[str] = (),
                  margins: dict | None = None) -> dict:
    """What letter.typ reads from sys.inputs: the documents (each starts a page and numbers its
    own pages) and the page setup. The PDF's title, author and language are the first document's."""
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use one of {', '.join(PAPERS)}")
    return {"paper": PAPERS[paper], "fonts": list(fonts), "margins": margins, "documents": items}
