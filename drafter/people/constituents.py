"""The data side of `drafter batch`: volunteers from a spreadsheet CSV, each matched to their own
members of Congress (legislators-current.yaml) through the ZIP-to-district file (zccd.csv).

A bad cell in one volunteer's row never stops the others: such rows, and rows that cannot be
matched, become ReviewItems written to needs-review.csv. Only a file that is unusable as a whole
(undecodable, a required column missing) raises DataError.
"""
from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


from drafter.people.congress import (COMMISSIONER_STATES, DELEGATE_STATES, profile_of, read_legislators,
                                     read_memberships)
from drafter.campaign.reading import read_file
from drafter.errors import DataError, closest
from drafter.campaign.models import Recipient, Verbatim, from_yaml
from drafter.people.states import STATE_NAMES

# Said on stderr when nothing configures logging (logging's last-resort handler prints the message).
log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- states

NO_SENATORS = DELEGATE_STATES | COMMISSIONER_STATES   # a delegate / resident commissioner only


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_STATE_KEYS = {_squash(name): code for code, name in STATE_NAMES.items()}
_STATE_KEYS.update({_squash(c): c for c in STATE_NAMES})
_STATE_KEYS.update({"virginislands": "VI", "usvirginislands": "VI", "washingtondc": "DC",
                    "northernmarianas": "MP", "cnmi": "MP"})


def parse_state(text: str) -> str:
    """'ny', 'New York', 'N.Y.' -> 'NY'; ValueError with a hint when unknown."""
    code = _STATE_KEYS.get(_squash(text))
    if code:
        return code
    close = closest(text.strip().title(), STATE_NAMES.values(), cutoff=0.7)
    raise ValueError(f"unknown state {text.strip()!r}"
                     + (f" (did you mean {close!r}?)" if close else " (use a 2-letter code like NY)"))


def seat_label(state: str, district: int) -> str:
    """'AL-6'; an at-large seat or delegate is 'WY-AL'."""
    return f"{state}-{district}" if district else f"{state}-AL"


# --------------------------------------------------------------------------- constituents

@dataclass(frozen=True)
class Constituent:
    row: int                 # spreadsheet row, the header being row 1
    name: str
    street: str
    city: str
    state: str               # 2-letter code
    zip: str                 # 5 digits
    district: int | None = None   # 0 = at-large
    email: str | None = None
    note: str | None = None
    points: tuple[str, ...] = ()  # the talking points picked (ids or numbers), in the writer's order
    # Abroad (a letter spec whose locale is another country's): `zip` is the postcode as the
    # country writes it, `state` a region the address may carry (a Canadian province), or "".
    country: str = "US"
    constituency: str | None = None     # the name or code the volunteer gave (matched, not trusted)


def parse_points(text: str) -> tuple[str, ...]:
    """A Points cell ('children; 1', 'scale,children') as the picks, in order."""
    return tuple(p.strip() for p in re.split(r"[;,\n]", text or "") if p.strip())


def constituent_context(c: Constituent) -> dict:
    """What the template sees as `constituent`. What the volunteer typed is Verbatim: printed
    exactly (no curly quotes, never markup), the note each line a paragraph."""
    return {"name": Verbatim(c.name), "street": Verbatim(c.street), "city": Verbatim(c.city), "state": c.state,
            "state_name": STATE_NAMES.get(c.state, c.state) if c.country == "US" else Verbatim(c.state),
            "zip": c.zip, "postcode": c.zip, "district": c.district, "country": c.country,
            "constituency": Verbatim(c.constituency or ""), "note": Verbatim(c.note or "")}


@dataclass(frozen=True)
class ReviewItem:
    """A row that got no letters, and why. `zip`/`state` are as the volunteer wrote them."""
    row: int
    name: str
    zip: str
    state: str
    reason: str
    candidates: tuple[str, ...] = ()   # seat labels such as 'AL-6' (abroad: constituencies, profile ids)
    constituency: str = ""             # abroad: as the volunteer wrote it


def review_item(c: Constituent, reason: str, candidates: tuple[str, ...] = ()) -> ReviewItem:
    return ReviewItem(c.row, c.name, c.zip, c.state, reason, candidates, c.constituency or "")


REQUIRED = ("name", "street", "city", "state", "zip")
REQUIRED_ABROAD = ("name", "street", "city", "zip", "constituency")
COLUMNS_ABROAD = "Name, Street, Town, Postcode, Email, Constituency, Message, Points"
MAX_CSV = 512 * 1024 * 1024     # bytes of a CSV named on the command line
MAX_CELL = 20_000      # characters in one cell: a long note is a few thousand

# Squashed header names (lowercase, letters and digits only) for each field.
HEADER_ALIASES = {
    "name": ["name", "fullname", "constituent", "constituentname", "firstandlastname",
             "signature", "signedby"],
    "first_name": ["firstname", "givenname", "first"],
    "last_name": ["lastname", "surname", "familyname", "last"],
    "street": ["street", "streetaddress", "address", "address1", "addressline1", "streetaddress1",
               "streetaddressline1", "mailingaddress", "homeaddress", "street1"],
    "street2": ["address2", "addressline2", "streetaddress2", "streetaddressline2", "street2",
                "apt", "apartment", "unit", "aptunit", "aptsuite", "suite"],
    "city": ["city", "town", "citytown", "locality"],
    "state": ["state", "st", "stateterritory", "stateorterritory", "stateprovince", "region"],
    "zip": ["zip", "zipcode", "zip5", "zip4", "zipplus4", "postalcode", "postcode", "postal",
            "zippostalcode", "zippostal", "postalzipcode"],
    "district": ["district", "congressionaldistrict", "cd", "housedistrict", "districtnumber"],
    "email": ["email", "emailaddress", "mail"],
    "note": ["note", "notes", "message", "comment", "comments", "personalnote", "personalmessage",
             "yourwords", "letter", "story", "text"],
    "points": ["points", "talkingpoints", "mypoints", "pointstomake"],
    # abroad: what the member represents (a UK constituency, Canadian riding, Australian
    # division, Wahlkreis, circonscription), by name or code
    "constituency": ["constituency", "constituencyname", "constituencycode", "parliamentaryconstituency",
                     "gsscode", "onscode", "riding", "ridingname", "electoraldivision", "division",
                     "electorate", "wahlkreis", "circonscription"],
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases}
# What a header may say around the field name: "Your name", "Note (optional)".
_HEADER_NOISE = re.compile(r"^(your|my)|(optional|required)$")


def _header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", _squash(text)) or _squash(text)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


SAVE_AS = "in Excel: File > Save As > CSV UTF-8 (Comma delimited)"
_WORKBOOKS = {b"PK\x03\x04": "a workbook (.xlsx, .ods or .numbers)",
              b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls)"}
# A well-formed UTF-8 sequence beside bytes that are not UTF-8: two encodings in one file.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x00\x81\x8d\x8f\x90\x9d]")   # and NUL: UTF-16 or not text
# Three accented letters in a row are a word of another alphabet's code page (Cyrillic, Greek,
# Hebrew...) read as Windows-1252: 'Москва' in Windows-1251 reads 'Ìîñêâà'.
_FOREIGN_WORD = re.compile(r"(?:(?![\x00-\x7f])[^\W\d_]){3,}")
_NON_ASCII_WORD = re.compile(r"[^\s,;\"]*[^\x00-\x7f][^\s,;\"]*")


def _row_of(prefix: str) -> int:
    """The spreadsheet row (records, not lines: a cell may hold line breaks) that `prefix` ends in."""
    return sum(1 for _ in csv.reader(io.StringIO(prefix + "x", newline="")))


def _decode(data: bytes, path: Path) -> tuple[str, str | None]:
    """The CSV's text, and a note when it was read as Windows-1252.

    UTF-8 (with or without a byte-order mark) and UTF-16 with one (Excel's 'Unicode Text') are
    read as they are. Other bytes are read as Windows-1252, what Excel's 'CSV (Comma delimited)'
    writes on Western Windows, only when nothing says otherwise: no UTF-8 elsewhere in the file,
    no byte Windows-1252 leaves undefined, no NUL, no word that is all accented letters. Since
    Windows-1252 decodes almost any byte, anything short of that is refused, never guessed.
    """
    for magic, what in _WORKBOOKS.items():
        if data.startswith(magic):
            raise DataError(f"this is {what}, not a CSV file", file=path, line=1, hint=SAVE_AS)
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise DataError("the file is UTF-32", file=path, line=1, hint=SAVE_AS)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            row = _row_of(data[:exc.start].decode("utf-16", errors="replace"))
            raise DataError(f"row {row} is not UTF-16 though the file starts as UTF-16 ({exc.reason})",
                            file=path, line=row, hint=SAVE_AS) from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        bad_at = exc.start

    def row_at(offset: int) -> int:
        return _row_of(data[:offset].decode("cp1252", errors="replace"))

    bad_row, bad = row_at(bad_at), data[bad_at:bad_at + 1]
    guess = bad.decode("cp1252", errors="replace")
    utf8 = _UTF8_SEQUENCE.search(data)
    if utf8:
        other = ("the file starts with a UTF-8 byte-order mark" if utf8.start() == 0 and data.startswith(b"\xef\xbb\xbf")
                 else f"row {row_at(utf8.start())} is UTF-8 ({data[utf8.start():utf8.end()].decode('utf-8')!r})")
        raise DataError(f"row {bad_row} is not UTF-8 (byte 0x{bad.hex()}, {guess!r} in Windows-1252) but "
                        f"{other}: the file mixes two encodings", file=path, line=bad_row,
                        hint="correct the letters that show wrongly in a spreadsheet, then " + SAVE_AS)
    undefined = _CP1252_UNDEFINED.search(data)
    if undefined:
        row, byte = row_at(undefined.start()), undefined.group()
        what = "a NUL byte (UTF-16 without a byte-order mark?)" if byte == b"\x00" else f"byte 0x{byte.hex()}"
        raise DataError(f"row {row} is neither UTF-8 nor Windows-1252: it holds {what}",
                        file=path, line=row, hint=SAVE_AS)
    text = data.decode("cp1252")
    foreign = _FOREIGN_WORD.search(text)
    if foreign:
        row = _row_of(text[:foreign.start()])
        raise DataError(f"row {row} is not UTF-8, and as Windows-1252 it reads {foreign.group()!r}, "
                        "which is not a word of a Western language", file=path, line=row, hint=SAVE_AS)
    seen = []         # the first such word of each of the first three rows holding one
    for row, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        word = _NON_ASCII_WORD.search("\n".join(cells))
        if word:
            seen.append(f"row {row} {word.group()[:40]!r}")
            if len(seen) == 3:
                break
    examples = ", ".join(seen)
    return text, (f"not UTF-8, so read as Windows-1252 (Excel's 'CSV (Comma delimited)'): {examples}; "
                  f"if any of these is not as typed, save the file again ({SAVE_AS})")


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the header row into the most known column names
    (csv.Sniffer guesses from any character); where none or several tie, the one it holds most."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])

    def score(d: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=d), [])
        except csv.Error:
            cells = []
        return len({_ALIAS_TO_FIELD.get(_header_key(c)) for c in cells} - {None}), header.count(d)

    scores = {d: score(d) for d in (",", ";", "\t")}
    best = max(scores, key=scores.get)
    return best if any(scores[best]) else ","


def _map_header(header: list[str], path: Path, country: str = "US") -> dict[str, int]:
    """field -> column index; a missing required column or a doubled field is a whole-file error.
    `country` other than US: volunteers are matched by constituency, not state and ZIP."""
    columns: dict[str, int] = {}
    unmatched = []
    for i, cell in enumerate(header):
        field = _ALIAS_TO_FIELD.get(_header_key(cell))
        if field is None:
            if cell.strip():
                unmatched.append(cell)
            continue
        if field in columns:
            raise DataError(f"columns {_column_letter(columns[field])} ({header[columns[field]]!r}) and "
                            f"{_column_letter(i)} ({cell!r}) are both the {field} column",
                            file=path, line=1, hint="rename or delete one of them")
        columns[field] = i
    if "name" not in columns and {"first_name", "last_name"} <= columns.keys():
        columns["name"] = -1          # built from first + last name
    missing = [f for f in (REQUIRED if country == "US" else REQUIRED_ABROAD) if f not in columns]
    if "constituency" in missing:
        raise no_constituency_column(header, path, country, "zip" in columns)
    if missing:
        field = missing[0]
        raise DataError(f"no {field} column; the header has {', '.join(map(repr, header))}",
                        file=path, line=1, hint=_header_hint(field, unmatched))
    return columns


_HEADER_EXAMPLES = {"name": ["Name", "Full name"], "street": ["Street address", "Address"],
                   "city": ["City"], "state": ["State"], "zip": ["ZIP", "Zip code", "Postal code"]}

# Where a volunteer abroad finds their constituency: drafter has no postcode-to-constituency data.
FIND_CONSTITUENCY = {"GB": "volunteers find theirs with 'Find your MP' at https://www.parliament.uk/"}
CONSTITUENCY_EXAMPLES = {"GB": "the constituency's name, e.g. 'Richmond Park', or its ONS code, e.g. E14001445"}


def no_constituency_column(header: list[str], path: Path, country: str, postcode: bool) -> DataError:
    """A CSV for a campaign abroad without the column volunteers are matched by."""
    why = ("drafter has no postcode-to-constituency data, so it cannot find a volunteer's member from the "
           "postcode" if postcode else "each volunteer is matched to their member by constituency")
    example = CONSTITUENCY_EXAMPLES.get(country, "the constituency's name or code, as the members' profiles "
                                                 "in recipients.yaml give it")
    find = FIND_CONSTITUENCY.get(country)
    return DataError(f"no Constituency column: {why}; the header has {', '.join(map(repr, header))}",
                     file=path, line=1,
                     hint=f"add a Constituency column: {example}" + (f"; {find}" if find else ""))


def _header_hint(field: str, unmatched: list[str]) -> str:
    """Point at the header cell that looks like a misspelt `field`, else list accepted names."""
    keys = {_header_key(h): h for h in unmatched}
    for alias in [field] + HEADER_ALIASES[field]:
        close = closest(alias, keys)
        if close:
            return f"is column {keys[close]!r} the {field}? name it {_HEADER_EXAMPLES[field][0]!r}"
    return "name a column " + " or ".join(map(repr, _HEADER_EXAMPLES[field]))


def parse_zip(text: str) -> str:
    """'02451', '02451-1234', '024511234' -> '02451'. A spreadsheet that stored ZIPs as numbers
    drops leading zeros ('2451', '24511234'); padding back is the only reading, so it is done."""
    raw = text.strip()
    digits = re.sub(r"\.0$", "", raw)          # 2451.0 from a float column
    m = re.fullmatch(r"(\d{3,5})(?:[- ]\d{4})?", digits)
    if m:
        return m.group(1).zfill(5)
    if re.fullmatch(r"\d{7,9}", digits):        # ZIP+4 without its dash
        return digits.zfill(9)[:5]
    raise ValueError(f"malformed ZIP {raw!r} (expected 5 digits or ZIP+4 such as 02451-1234)")


# Postcodes abroad: (pattern on the squashed upper-case text, how it is written, example). A
# spreadsheet that stored German, French or Australian postcodes as numbers dropped their leading
# zero ('1067' for Dresden's 01067): padded back, as ZIPs are.
POSTCODES = {
    "GB": (re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})"), "{0} {1}", "SW1A 0AA"),
    "CA": (re.compile(r"([A-Z][0-9][A-Z])([0-9][A-Z][0-9])"), "{0} {1}", "K1A 0A6"),
    "DE": (re.compile(r"([0-9]{4,5})"), "{0:0>5}", "11011"),
    "FR": (re.compile(r"([0-9]{4,5})"), "{0:0>5}", "75007"),
    "AU": (re.compile(r"([0-9]{3,4})"), "{0:0>4}", "2600"),
}


def parse_postcode(text: str, country: str) -> str:
    """A postcode as the country writes it ('sw1a0aa' -> 'SW1A 0AA'); ValueError when it cannot
    be one. A country without a rule here keeps it as typed."""
    raw = " ".join(text.split())
    if country not in POSTCODES:
        return raw
    pattern, form, example = POSTCODES[country]
    m = pattern.fullmatch(re.sub(r"[\s-]", "", raw.upper()).removesuffix(".0"))
    if m is None:
        raise ValueError(f"malformed postcode {raw!r} (expected one such as {example})")
    return form.format(*m.groups())


_DISTRICT = re.compile(r"^(?:([A-Za-z]{2})\s*[- ]?\s*)?(\d{1,2}|al|atlarge)(?:st|nd|rd|th)?$")


def parse_district(text: str, state: str | None) -> int | None:
    """'7', '07', 'NY-7', '7th', 'at-large', 'AL', '0' -> int; '' -> None."""
    key = re.sub(r"[\s.]", "", text.strip().lower()).replace("-large", "large")
    if not key:
        return None
    if key in ("al", "atlarge", "0", "00"):
        return 0
    m = _DISTRICT.match(key)
    if m is None:
        raise ValueError(f"malformed district {text.strip()!r} (expected a number such as 7, or at-large)")
    prefix, number = m.groups()
    if prefix and state and prefix.upper() != state:
        raise ValueError(f"district {text.strip()!r} is in {prefix.upper()}, but the state is {state}")
    return 0 if number in ("al", "atlarge") else int(number)


# --------------------------------------------------------------------------- volunteers' text

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")   # tab and newline stay
_EMBED, _ISOLATE = set("\u202a\u202b\u202d\u202e"), set("\u2066\u2067\u2068")
_POP_EMBED, _POP_ISOLATE = "\u202c", "\u2069"


def balanced_bidi(line: str) -> str:
    """`line` without the bidirectional controls that open and never close (an unterminated
    right-to-left override would reverse whatever follows it: the member's name, the manifest's
    next column) or close what never opened; balanced pairs stay, Hebrew and Arabic need them."""
    drop: set[int] = set()
    stack: list[tuple[int, bool]] = []          # (index, is_isolate)
    for i, ch in enumerate(line):
        if ch in _EMBED or ch in _ISOLATE:
            stack.append((i, ch in _ISOLATE))
        elif ch == _POP_EMBED:
            if stack and not stack[-1][1]:
                stack.pop()
            else:
                drop.add(i)
        elif ch == _POP_ISOLATE:
            if any(isolate for _, isolate in stack):
                while not stack[-1][1]:         # embeddings inside the isolate, never closed
                    drop.add(stack.pop()[0])
                stack.pop()
            else:
                drop.add(i)
    drop.update(i for i, _ in stack)
    return "".join(ch for i, ch in enumerate(line) if i not in drop) if drop else line


def clean_text(text: str) -> str:
    """A volunteer's cell as it will be printed: line breaks of every kind as '\n', control
    characters (ESC, BEL, ...) removed, bidirectional controls balanced line by line."""
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    if any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in text):
        text = "\n".join(map(balanced_bidi, text.split("\n")))
    return text


# The spreadsheet escape drafter.output.sheets.cell writes (drafter's own exports, fed back to a
# batch): an apostrophe before what a spreadsheet would read as a formula. Spreadsheets hide it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unescaped(cell: str) -> str:
    """A cell without cell()'s leading apostrophe."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START + ("'",)) else cell


def _one_line(text: str | None) -> str:
    """A cell typed on several lines ('12 Main St\nApt 4') as one address line."""
    return ", ".join(" ".join(part.split()) for part in (text or "").splitlines() if part.strip())


class _Row:
    """One data row's cells by field, collecting every problem so the volunteer can fix all at once."""

    def __init__(self, cells: list[str], columns: dict[str, int], header: list[str]):
        self.cells, self.columns, self.header = cells, columns, header
        self.problems: list[str] = []

    def raw(self, field: str) -> str:
        return self.text(field).strip()

    def text(self, field: str) -> str:
        """The cell cleaned (clean_text) but as typed otherwise: a note keeps its indentation."""
        i = self.columns.get(field)
        if i == -1:   # name from first + last
            return " ".join(p for p in (self.raw("first_name"), self.raw("last_name")) if p)
        return clean_text(unescaped(self.cells[i])) if i is not None and i < len(self.cells) else ""

    def where(self, field: str) -> str:
        i = self.columns.get(field)
        if i == -1:
            return f"{self.where('first_name')} and {self.where('last_name')}"
        return f"column {_column_letter(i)} ({self.header[i].strip()!r})"

    def get(self, field: str, parse=None, required=False):
        text = self.raw(field)
        if not text:
            if required:
                self.problems.append(f"{self.where(field)}: empty {field}")
            return None
        if parse is None:
            return text
        try:
            return parse(text)
        except ValueError as exc:
            self.problems.append(f"{self.where(field)}: {exc}")
            return None


# Excel's 'CSV (Comma delimited)' writes '?' for each letter outside Windows-1252 ('Łukasz' becomes
# '?ukasz'): the letter is gone before drafter sees the file, so such a row is not printed.
_LOST_LETTER = re.compile(r"[^\W\d_]\?|\?[^\W\d_]")
LOST_LETTER_HINT = "retype it, then " + SAVE_AS


def _constituent(row: int, cells: list[str], columns: dict[str, int], header: list[str],
                 delimiter: str, country: str = "US") -> tuple[Constituent | None, str | None]:
    """A Constituent, or None and the reason the row cannot be used."""
    r = _Row(cells, columns, header)
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL:
            where = f"column {_column_letter(i)}" + (f" ({header[i].strip()!r})" if i < len(header) else "")
            return None, (f"{where}: {len(cell):,} characters, more than the {MAX_CELL:,} a cell may hold "
                          "(cells run together by a stray quotation mark?)")
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        r.problems.append(f"{len(cells)} cells but the header has {len(header)} columns "
                          f"(a {delimiter!r} in an unquoted cell?)")
    name = " ".join((r.get("name", required=True) or "").split())
    street = _one_line(", ".join(filter(None, (r.get("street", required=True), r.raw("street2")))))
    city = _one_line(r.get("city", required=True))
    if country == "US":
        state = r.get("state", parse_state, required=True)
        zip_ = r.get("zip", parse_zip, required=True)
        district = r.get("district", lambda t: parse_district(t, state))
        constituency = None
    else:       # the region is printed as typed (a province in a Canadian address); no district
        state, district = _one_line(r.raw("state")), None
        zip_ = r.get("zip", lambda t: parse_postcode(t, country), required=True)
        constituency = _one_line(r.get("constituency", required=True)) or None
    note = r.text("note") if r.raw("note") else None
    for field, value in (("name", name), ("street", street), ("city", city)):
        if "?" in value and _LOST_LETTER.search(value):
            r.problems.append(f"{r.where(field)}: {value!r} has a '?' where a letter was ({LOST_LETTER_HINT})")
    if r.problems:
        return None, "; ".join(r.problems)
    return Constituent(row=row, name=name, street=street, city=city, state=state, zip=zip_,
                       district=district, email=r.get("email"), note=note,
                       points=parse_points(r.raw("points")), country=country, constituency=constituency), None


OPEN_QUOTE = 'is a quotation mark (") left open in this row? Everything after it reads as one cell'


def _rows(reader, path: Path):
    """The CSV's rows; a row the csv module cannot read is a DataError naming it."""
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"row {row} cannot be read: {exc}", file=path, line=row,
                            hint=OPEN_QUOTE) from None
        yield cells


def read_constituents(path: str | Path, review: list | None = None, country: str = "US") -> list[Constituent]:
    """The volunteers in a spreadsheet's CSV export.

    `country` other than US (a campaign abroad): each row gives a postcode and a constituency
    (name or code) instead of a state and ZIP; a file without a Constituency column is refused.

    A row with a bad or empty cell is appended to `review` as a ReviewItem when a list is given
    (the batch goes on without it); without `review`, the first such row raises DataError.
    Blank rows are skipped. An undecodable file or a missing required column always raises.
    """
    path = Path(path)
    data = read_file(path, max_bytes=MAX_CSV, what="constituents file")
    # One huge cell is that row's problem (needs-review.csv), not the file's: no csv field limit.
    csv.field_size_limit(max(csv.field_size_limit(), len(data) + 1))
    text, note = _decode(data, path)
    if note:
        log.warning("warning: %s: %s", path, note)
    sep = re.match(r"sep=([,;\t])\r?\n", text)     # Excel's own line naming the separator; it shows no row
    if sep:
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = _delimiter(text)
    records = _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False), path)
    header = next(records, None)
    if not header or not any(h.strip() for h in header):
        raise DataError("the file is empty; the first row must name the columns", file=path, line=1,
                        hint="columns: " + ("Name, Street address, City, State, ZIP, District, Email, Note"
                                            if country == "US" else COLUMNS_ABROAD))
    columns = _map_header(header, path, country)
    people = []
    rows = list(records)
    for row, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if row == len(rows) + 1 and any(len(c) > MAX_CELL and c.count("\n") > 1 for c in cells):
            raise DataError(f"row {row}: a cell runs from here to the end of the file", file=path, line=row,
                            hint=OPEN_QUOTE)
        person, problem = _constituent(row, cells, columns, header, delimiter, country)
        if person is not None:
            people.append(person)
        elif review is None:
            raise DataError(f"row {row}: {problem}", file=path, line=row)
        else:
            r = _Row(cells, columns, header)
            review.append(ReviewItem(row, *(r.raw(f)[:200] for f in ("name", "zip", "state")), problem,
                                     constituency=r.raw("constituency")[:200]))
    return people


# --------------------------------------------------------------------------- legislators

def recipient_from_legislator(record: dict, committees: list[dict] | None = None) -> Recipient:
    """A Recipient for one legislators-current.yaml record (its current term), built from the
    same profile `drafter recipients import-congress` writes (congress.profile_of); `committees`
    are the member's committees from committee-membership-current.yaml."""
    profile = profile_of(record, committees)
    return from_yaml(Recipient, profile, id=profile["bioguide"])


class Legislators:
    """Current members of Congress by seat."""

    def __init__(self, members: list[Recipient], source: str | None = None):
        self.source = source
        self.by_id = {m.id: m for m in members}
        self._senators: dict[str, list[Recipient]] = defaultdict(list)
        self._house: dict[tuple[str, int], Recipient] = {}
        self._districts: dict[str, set[int]] = defaultdict(set)
        for m in members:
            if m.role == "senator":
                self._senators[m.state].append(m)
            else:
                self._house[(m.state, m.district)] = m
                self._districts[m.state].add(m.district)

    @classmethod
    def load(cls, path: str | Path, pool=None, committees: str | Path | None = None) -> "Legislators":
        """The members in legislators-current.yaml; `pool` (an Executor) parses half of it.
        With `committees` (committee-membership-current.yaml) each member has their committees,
        so that an ask `for: {membership: SSFR}` reaches the committee's members."""
        path = Path(path)
        memberships = read_memberships(Path(committees))[0] if committees is not None else {}
        members = []
        for i, record in enumerate(read_legislators(path, pool)):
            try:
                members.append(recipient_from_legislator(record, memberships.get(record["id"]["bioguide"])))
            except (KeyError, TypeError, IndexError, ValueError) as exc:
                raise DataError(f"legislator #{i + 1} lacks {exc} (id, name or terms)", file=path) from None
        return cls(members, str(path))

    @property
    def states(self) -> set[str]:
        return set(self._senators) | {s for s, _ in self._house}

    def senators(self, state: str) -> list[Recipient]:
        return list(self._senators.get(state, ()))

    def representative(self, state: str, district: int) -> Recipient | None:
        return self._house.get((state, district))

    def districts(self, state: str) -> list[int]:
        return sorted(self._districts.get(state, ()))

    def __len__(self) -> int:
        return len(self.by_id)


# --------------------------------------------------------------------------- ZIP -> district

class ZipDistricts:
    """ZIP (ZCTA) -> [(state, district)] from zccd.csv; about one ZIP in five spans several."""

    COLUMNS = ("state_abbr", "zcta", "cd")

    def __init__(self, table: dict[str, list[tuple[str, int]]], source: str | None = None):
        self.table = table
        self.source = source
        self._by_state: dict[str, set[int]] = defaultdict(set)
        for seats in table.values():
            for state, district in seats:
                self._by_state[state].add(district)

    @classmethod
    def load(cls, path: str | Path) -> "ZipDistricts":
        path = Path(path)
        try:
            text = read_file(path, max_bytes=MAX_CSV, what="ZIP-to-district file").decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(f"cannot read the ZIP-to-district file: {exc}", file=path) from None
        rows = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(rows, [])]
        missing = [c for c in cls.COLUMNS if c not in header]
        if missing:
            raise DataError(f"no {missing[0]} column; expected state_fips,state_abbr,zcta,cd",
                            file=path, line=1)
        s, z, d = (header.index(c) for c in cls.COLUMNS)
        table: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for line, cells in enumerate(rows, start=2):
            try:
                table[cells[z].zfill(5)].append((cells[s], int(cells[d])))
            except (IndexError, ValueError):
                if any(cells):
                    raise DataError(f"bad row {cells!r}", file=path, line=line) from None
        return cls(dict(table), str(path))

    def get(self, zip_: str) -> list[tuple[str, int]]:
        return list(self.table.get(zip_, ()))

    def districts(self, state: str) -> list[int]:
        return sorted(self._by_state.get(state, ()))

    def __contains__(self, zip_: str) -> bool:
        return zip_ in self.table

    def __len__(self) -> int:
        return len(self.table)


# --------------------------------------------------------------------------- matching

@dataclass(frozen=True)
class Match:
    """The members one constituent writes to (senators first), and why a person must look, if
    one must: a ZIP spanning districts holds back only the House letter (the senators are
    `members`, the review is for the House seat)."""
    constituent: Constituent
    members: tuple[Recipient, ...] = ()
    review: ReviewItem | None = None

    @property
    def ok(self) -> bool:
        return self.review is None


# How needs-review.csv says that a row's Senate letters went out without its House letter.
SENATE_SENT = "; the House letter is held back, the Senate letters were made"


def _review(c: Constituent, reason: str, seats=()) -> Match:
    labels = tuple(seat_label(s, d) for s, d in seats)
    return Match(c, (), ReviewItem(c.row, c.name, c.zip, c.state, reason, labels))


def _district(c: Constituent, legislators: Legislators, zips: ZipDistricts | None):
    """(district, None) or (None, Match-for-review)."""
    if legislators.districts(c.state) == [0]:     # at-large state or delegate: no lookup needed
        if c.district in (None, 0, 1):
            return 0, None
        return None, _review(c, f"{c.state} has one at-large seat; there is no district {c.district}")
    one_seat = [(s, d) for s, d in zips.get(c.zip) if s == c.state] if zips is not None else []
    if c.district is not None:
        if len(one_seat) == 1 and one_seat[0][1] != c.district and c.district in zips.districts(c.state):
            return None, _review(c, f"district {c.district} given, but ZIP {c.zip} lies wholly in "
                                    f"{seat_label(*one_seat[0])}; check which is right", one_seat + [(c.state, c.district)])
        return c.district, None
    if zips is None:
        return None, _review(c, "no district given and no ZIP-to-district file (--zip-districts)")
    seats = [(s, d) for s, d in zips.get(c.zip) if s == c.state]
    if not seats:
        return None, _review(c, f"ZIP {c.zip} is not in the ZIP-to-district file; add the district")
    if len(seats) > 1:
        return None, _review(c, f"ZIP {c.zip} spans {', '.join(seat_label(*s) for s in seats)}; "
                                f"add the district{SENATE_SENT}", seats)
    return seats[0][1], None


def match(constituent: Constituent, legislators: Legislators,
          zips: ZipDistricts | None = None) -> Match:
    """The constituent's two senators and representative (or delegate / resident commissioner).

    Never guesses: a ZIP in another state, an unknown state or ZIP and a vacant seat all give a
    Match with `review` set and no members; a ZIP spanning several districts gives the
    senators, and `review` for the House letter.
    """
    c = constituent
    if c.state not in legislators.states:
        return _review(c, f"no members of Congress for state {c.state!r}")
    if zips is not None and c.zip in zips:
        elsewhere = zips.get(c.zip)
        if c.state not in {s for s, _ in elsewhere}:
            states = sorted({s for s, _ in elsewhere})
            return _review(c, f"ZIP {c.zip} is in {' / '.join(states)}, not {c.state}; "
                              "check the state and ZIP", elsewhere)
    senators = legislators.senators(c.state)
    district, review = _district(c, legislators, zips)
    if review:
        if review.review.reason.endswith(SENATE_SENT):
            if c.state in NO_SENATORS or len(senators) != 2:     # nothing can go out for this row
                reason = review.review.reason.removesuffix(SENATE_SENT)
                return Match(c, (), dataclasses.replace(review.review, reason=reason))
            return Match(c, tuple(senators), review.review)
        return review
    rep = legislators.representative(c.state, district)
    if rep is None:
        top = max(legislators.districts(c.state) + (zips.districts(c.state) if zips else []))
        if district == 0:
            reason = f"{c.state} has no at-large seat; give the district number (1-{top})"
        elif district <= top:
            reason = f"{seat_label(c.state, district)} has no current member (vacant seat)"
        else:
            reason = f"{c.state} has no district {district} (districts 1-{top})"
        return _review(c, reason, [(c.state, district)])
    if c.state not in NO_SENATORS and len(senators) != 2:
        return _review(c, f"{c.state} has {len(senators)} senators in the legislators file (vacancy)")
    return Match(c, tuple(senators) + (rep,))


# --------------------------------------------------------------------------- constituencies abroad

# Members a volunteer abroad writes to as a constituent: the lower house's members (and
# ministers who hold a seat), not an Australian Senator, whose `constituency` is a state.
CONSTITUENCY_ROLES = ("mp", "minister")


def constituency_key(text: str) -> str:
    """A constituency's name for matching: case, accents, punctuation and '&' ignored
    ('Ynys Mon' is 'Ynys Môn', 'Aldridge Brownhills' is 'Aldridge-Brownhills')."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


class Constituencies:
    """A country's members by constituency, from the campaign's profiles (recipients.yaml) with
    that `country:`, a `constituency:` or `constituency_code:`, and role mp or minister; a
    former member (`former: true`) is not written to."""

    def __init__(self, members: list[Recipient], country: str):
        self.country = country
        self.by_code: dict[str, list[Recipient]] = defaultdict(list)
        self.by_name: dict[str, list[Recipient]] = defaultdict(list)
        self.names: dict[str, str] = {}          # key -> the name as the profiles write it
        for m in members:
            if m.constituency_code:
                self.by_code[m.constituency_code.strip().casefold()].append(m)
            if m.constituency:
                key = constituency_key(m.constituency)
                self.by_name[key].append(m)
                self.names.setdefault(key, " ".join(m.constituency.split()))

    @classmethod
    def of(cls, recipients, country: str) -> "Constituencies":
        return cls([r for r in recipients if r.country_code == country and r.role in CONSTITUENCY_ROLES
                    and not r.former and (r.constituency or r.constituency_code)], country)

    def __len__(self) -> int:
        return len({m.id for ms in [*self.by_code.values(), *self.by_name.values()] for m in ms})

    def members(self, text: str) -> tuple[list[Recipient], str | None, tuple[str, ...]]:
        """(the members, None) for a constituency's code or name; ([], why, candidates) when it
        is none of theirs, or more than one profile holds it. Never a guess: a near name is a
        candidate for the reviewer, not a match."""
        text = " ".join(text.split())
        found = self.by_code.get(text.casefold()) or self.by_name.get(constituency_key(text))
        if found:
            mps = [m for m in found if m.role == "mp"] or found    # an MP's own profile before a minister's
            if len(mps) == 1:
                return mps, None, ()
            ids = tuple(m.id for m in mps)
            return [], (f"constituency {text!r} is held by {len(mps)} profiles in recipients.yaml "
                        f"({', '.join(ids)}); mark the one who left with 'former: true'"), ids
        key = constituency_key(text)
        words = set(key.split())
        near = [self.names[k] for k in self.names if words and words <= set(k.split())]
        near += [self.names[k] for k in difflib.get_close_matches(key, list(self.names), n=3, cutoff=0.8)]
        near = tuple(dict.fromkeys(near))[:5]
        if len(near) > 1 and words:
            why = f"constituency {text!r} is ambiguous: it could be {' or '.join(map(repr, near))}"
        else:
            why = (f"none of the {len(self)} members' profiles for {self.country} in recipients.yaml has "
                   f"constituency {text!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
                   + "; correct the Constituency cell (the name or the code)")
        return [], why, near

    def choices(self) -> tuple[dict[str, Recipient], list[str]]:
        """({constituency: its member}, sorted by name, accents and case ignored) for a volunteer
        to choose from: each constituency by its name (its code where the profiles give none),
        and the reasons a constituency held by two profiles is left out."""
        values = list(self.names.values())
        named = {m.id for ms in self.by_name.values() for m in ms}
        values += [ms[0].constituency_code.strip() for ms in self.by_code.values() if not {m.id for m in ms} & named]
        out, left_out = {}, []
        for value in sorted(values, key=constituency_key):
            members, why, _ = self.members(value)
            if why:
                left_out.append(why)
            else:
                out[value] = members[0]
        return out, left_out

    def match(self, c: Constituent) -> Match:
        members, why, candidates = self.members(c.constituency or "")
        if why:
            return Match(c, (), review_item(c, why, candidates))
        return Match(c, tuple(members))
