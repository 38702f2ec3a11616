"""CSV cells a spreadsheet opens as text: a cell starting with = + - @ (or a tab or carriage
return, which some spreadsheets skip before reading a formula) gets a leading apostrophe, the
escape Excel, LibreOffice and Google Sheets all honour."""
from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
