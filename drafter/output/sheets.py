"""CSV cells a spreadsheet opens as text: a cell starting with = + - @ (or a tab or carriage
return, which some spreadsheets skip before reading a formula) gets a leading apostrophe, the
escape Excel, LibreOffice and Google Sheets all honour. A cell that starts with such an apostrophe
gets one more, so that drafter reading its own export back (people.constituents.unescaped)
removes exactly the one it added."""
from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    escape = text.startswith(FORMULA_PREFIXES) or (text[:1] == "'" and text[1:].startswith((*FORMULA_PREFIXES, "'")))
    return "'" + text if escape else text
