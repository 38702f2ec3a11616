"""Error types. Every error a user can cause is a DrafterError: the CLI prints it and exits 1."""
from __future__ import annotations

import collections
import difflib
import functools
import itertools
from typing import Iterable


class DrafterError(Exception):
    """A problem with the campaign's data, templates or inputs (exit status 1)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def __reduce__(self):
        """Keeps file, line and hint when a batch worker process sends the error back."""
        return _rebuild, (type(self), self.message, self.file, self.line, self.column, self.hint)

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def _rebuild(cls, message, file, line, column, hint):
    return cls(message, file=file, line=line, column=column, hint=hint)


class DataError(DrafterError):
    """A YAML or CSV file is malformed or does not match its schema."""


class TemplateError(DrafterError):
    """A template fails to parse or render."""


class OutputError(DrafterError):
    """A draft cannot be written (existing file, unsafe name, full disk)."""


class LetterheadError(DrafterError):
    """A letterhead or reference .docx is unsafe or unreadable."""


class ConversionError(DrafterError):
    """An external converter (LibreOffice) is missing or failed."""


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean ...?' hint for a mistyped id, or None when nothing is close."""
    close = closest(name, choices)
    return f"did you mean {close!r}?" if close else None


def closest(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice nearest a mistyped name (difflib's ratio at least `cutoff`), or None."""
    pool = tuple(choices)
    if len(pool) > 100 and cutoff == 0.6:
        return _Index.of(pool).closest(str(name))
    close = difflib.get_close_matches(str(name), [str(c) for c in pool], n=1, cutoff=cutoff)
    return close[0] if close else None


# difflib compares a name with every choice (~12 µs each): 24 ms against 2,000 sources, minutes
# for a file with thousands of unknown ids. Beyond a hundred choices it compares only the
# SHORTLIST that share the most letter pairs with the name, which is where its best match is.
SHORTLIST = 10


def _pairs(text: str) -> set[str]:
    text = f"\x02{text}\x03"     # the first and last letters count as pairs too
    return {text[i:i + 2] for i in range(len(text) - 1)}


class _Index:
    """Which of a large list of choices holds each letter pair, and the answers given so far."""

    def __init__(self, pool: tuple):
        self.pool = tuple(map(str, pool))
        self.holders: dict[str, list[int]] = {}
        for i, choice in enumerate(self.pool):
            for pair in _pairs(choice):
                self.holders.setdefault(pair, []).append(i)
        self.answers: dict[str, str | None] = {}
        self.common = len(self.pool) // 2

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def of(pool: tuple) -> "_Index":
        return _Index(pool)

    def closest(self, name: str) -> str | None:
        if name not in self.answers:
            held = [h for h in map(self.holders.get, _pairs(name)) if h]
            # A pair most choices hold ("src-") ranks none above the others: skip it if others remain.
            rare = [h for h in held if len(h) <= self.common]
            shared = collections.Counter(itertools.chain.from_iterable(rare or held))
            shortlist = [self.pool[i] for i, _ in shared.most_common(SHORTLIST)]
            close = difflib.get_close_matches(name, shortlist, n=1, cutoff=0.6)
            self.answers[name] = close[0] if close else None
        return self.answers[name]
