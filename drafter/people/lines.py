"""Address lines, shared by the US forms (address.py) and those abroad (forms.py): a line as
written with its spaces collapsed, and an inside address stacked with each line once."""
from __future__ import annotations

import re
from typing import Iterable

_US = re.compile(r"\bU\.\s?S\.(?=\s|$)")


def clean(text) -> str | None:
    """A line as written, or None when blank (blank lines are dropped, never emitted)."""
    text = " ".join(str(text).split()) if text is not None else ""
    return text or None


def key(line: str) -> str:
    """Comparison key, so "U.S. Senate" and "United States Senate" count as one line."""
    return re.sub(r"[^\w]+", " ", _US.sub("united states", line.lower())).strip()


def stacked(texts: Iterable) -> list[str]:
    """The non-blank lines in order, a line that says what an earlier one said left out."""
    lines, seen = [], set()
    for text in texts:
        line = clean(text)
        if line and key(line) not in seen:
            seen.add(key(line))
            lines.append(line)
    return lines
