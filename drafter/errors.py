"""Error types. Every error a user can cause is a DrafterError: the CLI prints it and exits 1."""
from __future__ import annotations

import difflib
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

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


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
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
