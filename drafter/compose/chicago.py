"""Chicago notes (17th ed.) for the kinds CSL styles get wrong for US government documents.

citeproc-py with the CSL Chicago style prints "Pub. L. Nos.", "15 CFR 744.11, Heading" and
"82 Federal Register 60839", gives a letter an invented italic title and a speech no genre. The
forms here follow ../design/PRODUCT.md ("Citing laws and government documents"):

    public law       Uyghur Forced Labor Prevention Act, Pub. L. No. 117-78, 135 Stat. 1525 (2021).
                     A part of an act: Title, Pub. L. No. 116-260, div. FF, tit. III, 134 Stat. 1182 (2020).
    U.S. Code        19 U.S.C. § 1307 (2018).
    regulation       Heading, 15 C.F.R. § 744.11 (2023).      Title, 88 Fed. Reg. 1 (Jan. 3, 2023).
                     15 C.F.R. pt. 744, supp. no. 5 (2023).   (a part or a supplement of a part)
    executive order  Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017).
    letter           Sender to Recipient, Month D, YYYY, URL.
    speech           Speaker, "Title" (speech, Place, Month D, YYYY), URL.
    press statement  Agency, "Title," press statement, Month D, YYYY, URL.

A title the source marks unconfirmed (`unconfirmed: [title]`) is never quoted or italicized as
the work's own: it stands as a description, in roman (Chicago's form for an untitled work), and
a C.F.R. heading is left out, the provision cited by number alone.

Output is the same small HTML citeproc-py gives (<i> for italics; quotation marks before the
period, which the caller moves inside in US style).
"""
from __future__ import annotations

import re
from html import escape

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Legal citations abbreviate months (Bluebook T12, as Chicago follows for legal sources).
MONTHS_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

# A container-title, lower-cased and stripped to letters, to its abbreviation.
_CODES = {
    "usc": "U.S.C.", "uscode": "U.S.C.", "unitedstatescode": "U.S.C.",
    "cfr": "C.F.R.", "codeoffederalregulations": "C.F.R.",
    "stat": "Stat.", "statutesatlarge": "Stat.", "unitedstatesstatutesatlarge": "Stat.", "usstatutesatlarge": "Stat.",
    "fedreg": "Fed. Reg.", "federalregister": "Fed. Reg.", "fr": "Fed. Reg.",
}
_EO = re.compile(r"^\s*(?:exec(?:utive|\.)\s+order)\s*(?:no\.?\s*)?([\d,]+)?", re.I)
_PRESS = re.compile(r"\bpress (?:statement|release|briefing)\b|^statement$", re.I)
_PUB_L = re.compile(r"^\s*(?:pub(?:lic|\.)\s*l(?:aw|\.)?\s*(?:no\.?)?\s*)", re.I)
_STOP = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "at", "by", "from", "with", "or"}
SHORT_TITLE_WORDS = 4
LEGAL = ("public-law", "code", "cfr", "fed-reg", "executive-order")


def short_title(title: str) -> str:
    """Chicago's short title: the main title (before a colon), cut to at most four words, not
    ending on a small word. A source's own `title-short` overrides it."""
    head, sep, tail = title.partition(": ")
    main = head if sep and len(head.split()) > 1 else (tail if sep else title)
    words = main.split()
    if len(words) <= SHORT_TITLE_WORDS:
        return main
    if words[0].lower() in ("a", "an", "the"):
        words = words[1:]
    words = words[:SHORT_TITLE_WORDS]
    while len(words) > 1 and words[-1].lower().strip(",;:") in _STOP:
        words.pop()
    return " ".join(words).rstrip(",;:")


# "15 CFR 744.11, Heading" or "19 U.S.C. § 1307": a code section written into the title.
_CODE_IN_TITLE = re.compile(r"^\s*(\d+)\s+(C\.?F\.?R\.?|U\.?S\.?C\.?)\s*(?:§+\s*)?(\d[\w.\-]*)\s*(?:,\s*(.+))?$", re.I)
# "15 C.F.R. pt. 744, supp. no. 5" (or "15 CFR Part 744, Supplement No. 5, Heading").
_PART_IN_TITLE = re.compile(r"^\s*(\d+)\s+C\.?F\.?R\.?\s+(?:pt\.|part)\s*(\d+)"
                            r"(?:\s*,\s*supp(?:\.|lement)\s*(?:no\.\s*)?(\d+))?\s*(?:,\s*(.+))?$", re.I)


def with_short_title(csl: dict) -> dict:
    """A CSL item ready for notes: `title-short` set (from Zotero's shortTitle, or made) for
    later notes, and a code section typed into the title of a regulation or law ("15 CFR
    744.11, Heading", as older libraries have it) read into its own fields."""
    item = dict(csl)
    m = _CODE_IN_TITLE.match(str(item.get("title", "")))
    if m and item.get("type") in ("legislation", "regulation") and not item.get("container-title"):
        code = "C.F.R." if m.group(2).upper().startswith("C") else "U.S.C."
        item.update({"container-title": code, "volume": m.group(1), "section": m.group(3),
                     "title": m.group(4) or item["title"]})
    m = _PART_IN_TITLE.match(str(item.get("title", "")))
    if m and item.get("type") in ("legislation", "regulation") and not item.get("container-title"):
        item.update({"container-title": "C.F.R.", "volume": m.group(1), "part-number": m.group(2),
                     "title": m.group(4) or item["title"]})
        item.update({"supplement-number": m.group(3)} if m.group(3) else {})
        if not m.group(4):     # no heading in the title: cite it by number
            item["unconfirmed"] = [*(item.get("unconfirmed") or ()), "title"]
    if not item.get("title-short") and kind(item) not in LEGAL:  # a law keeps its popular name
        if item.get("shortTitle"):
            item["title-short"] = item["shortTitle"]
        elif item.get("title") and short_title(item["title"]) != item["title"]:
            item["title-short"] = short_title(item["title"])
    return item


def described(item: dict) -> bool:
    """Whether the item's title is a description, not the work's own (marked unconfirmed)."""
    return "title" in (item.get("unconfirmed") or ())


def _code(item: dict) -> str | None:
    return _CODES.get(re.sub(r"[^a-z]", "", str(item.get("container-title", "")).lower()))


def kind(item: dict) -> str | None:
    """Which hand-written form a CSL item takes, or None for citeproc."""
    genre = str(item.get("genre", ""))
    typ, code = item.get("type"), _code(item)
    eo = _EO.match(str(item.get("title", "")))
    if "executive order" in genre.lower() or eo and (eo.group(1) or item.get("number")):
        return "executive-order"
    if typ in ("legislation", "bill", "regulation"):
        if code == "C.F.R.":
            return "cfr"
        if code == "Fed. Reg.":
            return "fed-reg"
        if code == "U.S.C." and item.get("section"):
            return "code"
        if typ == "legislation" and (item.get("number") or code == "Stat."):
            return "public-law"
        return None
    if _PRESS.search(genre):
        return "press"
    if typ in ("letter", "personal_communication"):
        return "letter"
    if typ == "speech":
        return "speech"
    return None


def _parts(item: dict, key: str = "issued") -> list[int]:
    value = item.get(key) or {}
    parts = value.get("date-parts", [[]])[0] if isinstance(value, dict) else []
    return [int(p) for p in parts if str(p).strip()]


def long_date(item: dict, months: list[str] = MONTHS) -> str:
    """"May 9, 2023", "January 2024", "2023" (with MONTHS_ABBR: "Dec. 26, 2017")."""
    p = _parts(item)
    if len(p) >= 3:
        return f"{months[p[1] - 1]} {p[2]}, {p[0]}"
    if len(p) == 2:
        return f"{months[p[1] - 1]} {p[0]}"
    return str(p[0]) if p else ""


def legal_date(item: dict) -> str:
    return long_date(item, MONTHS_ABBR)


def _year(item: dict) -> str:
    p = _parts(item)
    return str(p[0]) if p else ""


def _name(n: dict, short: bool) -> str:
    if n.get("literal"):
        return n["literal"]
    family = " ".join(x for x in (n.get("non-dropping-particle"), n.get("family")) if x)
    if short:
        return family
    full = " ".join(x for x in (n.get("given"), n.get("dropping-particle"), family) if x)
    return full + (f", {n['suffix']}" if n.get("suffix") else "")


def names(people, short: bool = False) -> str:
    """Chicago notes: one, two ("A and B"), three ("A, B, and C"); four or more: "A et al."."""
    people = [_name(n, short) for n in people or [] if isinstance(n, dict)]
    if len(people) > 3:
        return f"{people[0]} et al."
    if len(people) == 3:
        return f"{people[0]}, {people[1]}, and {people[2]}"
    return " and ".join(people)


def _first_page(item: dict) -> str:
    # A law or a rule is cited at its first page.
    return re.split(r"\s*[-–—]+\s*", str(item.get("page", "")).strip())[0]


def _section(item: dict) -> str:
    return re.sub(r"^\s*§+\s*", "", str(item.get("section", ""))).strip()


# A part of an act or order as the Bluebook abbreviates it: "div. FF", "tit. III", "§ 301".
_PART_WORDS = [(re.compile(r"^\s*div(?:ision|\.)?\s+", re.I), "div. "),
               (re.compile(r"^\s*tit(?:le|\.)?\s+", re.I), "tit. "),
               (re.compile(r"^\s*(?:sec(?:tion|\.)?|§+)\s*", re.I), "§ ")]


def _part_of_act(item: dict) -> str:
    """The division and section fields of an act or order, "div. FF, tit. III": a division is
    "div. X", a section given as a number "§ 301", and a piece that names its unit ("title III",
    "section 5") is abbreviated."""
    pieces = []
    for key, unit in (("division", "div. "), ("section", "§ ")):
        for piece in (" ".join(p.split()) for p in str(item.get(key, "")).split(",")):
            if not piece:
                continue
            named = next((pattern for pattern, _ in _PART_WORDS if pattern.match(piece)), None)
            if named is not None:
                piece = named.sub(dict(_PART_WORDS)[named], piece, count=1)
            elif key == "division" or piece[0].isdigit():
                piece = unit + piece
            pieces.append(piece)
    return ", ".join(_t(p) for p in pieces)


def _cfr_cite(item: dict) -> str:
    """"15 C.F.R. § 744.11", or a part or its supplement: "15 C.F.R. pt. 744, supp. no. 5"."""
    title = item.get("volume", "")
    part, supp = str(item.get("part-number", "")).strip(), str(item.get("supplement-number", "")).strip()
    if _section(item) or not part:
        return _t(f"{title} C.F.R. § {_section(item)}".strip())
    return _t(f"{title} C.F.R. pt. {part}" + (f", supp. no. {supp}" if supp else "")).strip()


def _pinpoint(locator: str | None, label: str) -> str:
    if not locator:
        return ""
    prefix = {"page": "", "section": "§ ", "paragraph": "¶ "}.get(label, f"{label} ")
    return f", {prefix}{locator}"


def _genre(text) -> str:
    """A genre as it reads mid-sentence: "Speech" -> "speech"; an acronym keeps its capitals."""
    text = " ".join(str(text).split())
    return text if re.search(r"[A-Z]{2}", text) else text.lower()


def _join(*pieces: str) -> str:
    return ", ".join(p for p in pieces if p)


def _t(text) -> str:
    return escape(str(text), quote=False)


def _q(text: str, comma: bool = False) -> str:
    """A quoted title; US style puts a following comma inside the quotation marks."""
    return f"“{_t(text)}{',' if comma else ''}”"


def note(item: dict, first: bool, locator: str | None = None, label: str = "page") -> str:
    """The note for one item (HTML, ending with its period): the full form first, the short
    form after."""
    html = _note(item, first, locator, label)
    return html if html.endswith(".") else html + "."


def _note(item: dict, first: bool, locator: str | None, label: str) -> str:
    k = kind(item)
    title = str(item.get("title", "")).strip()
    short = str(item.get("title-short") or title)
    pin = _pinpoint(locator, label)
    url = item.get("URL", "")
    # A described title (unconfirmed) is never quoted as the work's own.
    quote = (lambda text, comma=False: _t(text) + ("," if comma else "")) if described(item) else _q
    if k == "public-law":
        number = _PUB_L.sub("", str(item.get("number", ""))).strip()
        if not first:
            return _t(short) + pin
        stat = f"{item['volume']} Stat. {_first_page(item)}".strip() if item.get("volume") else ""
        cite = _join(_t(title), f"Pub. L. No. {_t(number)}" if number else "", _part_of_act(item), _t(stat))
        return f"{cite}{pin} ({_year(item)})" if _year(item) else cite + pin
    if k in ("code", "cfr"):
        cite = _cfr_cite(item) if k == "cfr" else _t(f"{item.get('volume', '')} U.S.C. § {_section(item)}".strip())
        if locator and locator.startswith("("):   # a subsection: 15 C.F.R. § 744.11(b)
            cite, pin = cite + _t(locator), ""
        if not first:
            return cite + pin
        head = "" if k == "code" or described(item) else _t(title)   # an unconfirmed heading is left out
        return _join(head, cite) + pin + (f" ({_year(item)})" if _year(item) else "")
    if k == "fed-reg":
        cite = _t(f"{item.get('volume', '')} Fed. Reg. {_first_page(item)}".strip())
        if not first:
            return _join(_t(short), cite) + pin
        return _join(_t(title), cite) + pin + (f" ({legal_date(item)})" if legal_date(item) else "")
    if k == "executive-order":
        m = _EO.match(title)
        number = str(item.get("number") or (m.group(1) if m and m.group(1) else "")).replace(",", "")
        cite = f"Exec. Order No. {_t(number)}"
        if not first:
            return _join(cite, _part_of_act(item)) + pin
        reg = _t(f"{item['volume']} Fed. Reg. {_first_page(item)}".strip()) if item.get("volume") else ""
        return _join(cite, _part_of_act(item), reg) + pin + (f" ({legal_date(item)})" if legal_date(item) else "")
    if k == "letter":
        sender = names(item.get("author"), short=not first) or _t(item.get("publisher", ""))
        recipient = names(item.get("recipient"), short=not first)
        if recipient:
            who = f"{_t(sender)} to {_t(recipient)}"
            return who + pin if not first else _join(who, long_date(item)) + pin + (f", {_t(url)}" if url else "")
        if not first:  # no recipient given: the letter is named by its title
            return _join(_t(sender), quote(short)) + pin
        return _join(_t(sender), quote(title, comma=True) + " letter", long_date(item)) + pin + (f", {_t(url)}" if url else "")
    if k == "speech":
        speaker = _t(names(item.get("author"), short=not first) or item.get("publisher", ""))
        if not first:
            return _join(speaker, quote(short)) + pin
        genre = _genre(item.get("genre") or "speech")
        event = item.get("event-title") or item.get("event") or ""
        place = item.get("event-place") or item.get("publisher-place") or ""
        paren = _join(_t(genre), _t(event), _t(place), long_date(item))
        return _join(f"{speaker}, {quote(title)} ({paren})", _t(item.get("publisher", ""))) + pin \
            + (f", {_t(url)}" if url else "")
    if k == "press":
        # The issuing agency, even where a person (the Secretary) is the statement's author.
        agency = _t(item.get("publisher") or names(item.get("author"), short=not first))
        if not first:
            return _join(agency, quote(short)) + pin
        genre = _genre(item.get("genre"))
        return _join(agency, quote(title, comma=True) + " " + _t(genre), long_date(item)) + pin \
            + (f", {_t(url)}" if url else "")
    raise ValueError(f"no Chicago form for {item.get('type')!r}")
