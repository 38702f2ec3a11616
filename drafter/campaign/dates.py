"""Every date drafter reads: campaign YAML dates (full or partial), CSL-JSON dates, a letter's
`date: today`. One module, so a date means the same thing to check, draft, staleness and import.

A partial date ("2023-10", 2023) stands for its first day when a day is needed, so staleness
flags it rather than missing it.
"""
from __future__ import annotations

import datetime as dt
import re

# What the schemas accept: YYYY-MM-DD, YYYY-MM or YYYY.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
# A letter's date: a full date only; a year alone would print as its January 1 without a word.
FULL_DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
_DATE_TEXT = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_date(value) -> dt.date | None:
    """A YAML date, 'YYYY-MM-DD' string, 'YYYY-MM' or year, as a date (first day of a partial date)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(*parts[:3])


def date_parts(value) -> list[int]:
    """CSL date-parts for a full or partial date: [2022, 9, 13], [2024, 1] or [2023]."""
    if isinstance(value, (dt.date, dt.datetime)):
        return [value.year, value.month, value.day]
    return [int(p) for p in str(value).split("-")]


def letter_date(value) -> dt.date:
    """A spec's date; 'today' is the day the letter is drafted (constituent letters at an event)."""
    return dt.date.today() if value == "today" else parse_date(value)


def day_of(value) -> dt.date | None:
    """A CSL date ({"date-parts": [[y, m, d]]}) or a YAML date, as a date; None if unreadable."""
    if isinstance(value, dict):
        parts = (value.get("date-parts") or [[]])[0]
        value = "-".join(str(int(p)) for p in parts[:3]) if parts else None
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None


def iso(value):
    """YAML dates as the ISO text an editor shows; anything else as it is."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _evidence_form(parts):
    """[2022, 9, 13] -> date(2022, 9, 13); [2024, 1] -> "2024-01"; [2023] -> 2023; bad -> None."""
    try:
        parts = [int(p) for p in parts if str(p).strip() != ""][:3]
        if not parts or not 1000 <= parts[0] <= 9999:
            return None
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            dt.date(parts[0], parts[1], 1)
            return f"{parts[0]:04d}-{parts[1]:02d}"
        return parts[0]
    except (TypeError, ValueError):
        return None


def _evidence_form_of_text(text: str):
    m = _DATE_TEXT.match(str(text).strip())
    return _evidence_form([g for g in m.groups() if g]) if m else None


def evidence_date(value):
    """A CSL-JSON date ({"date-parts": [[y, m, d]]}, {"raw": ...}, or text) in evidence.yaml form
    (a date, "YYYY-MM" or a year); None when it cannot be read."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if parts and isinstance(parts, list) and parts[0]:
            return _evidence_form(parts[0])
        for key in ("raw", "literal"):
            if value.get(key):
                return _evidence_form_of_text(value[key])
        return None
    if isinstance(value, (str, int)):
        return _evidence_form_of_text(str(value))
    return None
