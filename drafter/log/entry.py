"""What the campaign log holds about one letter (LogEntry, written by draft, batch, kit and
serve) and what it answers (LoggedLetter: an entry with its row id, version and status)."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timezone

from drafter.errors import DrafterError

DRAFTED, SENT, ANSWERED = "drafted", "sent", "answered"
STATUSES = (DRAFTED, SENT, ANSWERED)   # in order: a merge keeps the furthest one
ANONYMOUS = "anonymous"     # a volunteer who kept nothing: office, day and sha256 only
KINDS = ("signer", "constituent", ANONYMOUS)
# `points`: the talking point ids the volunteer picked, in their order, joined by "; " ("" for
# the defaults); `constituency`: abroad, the one they gave (schema 5). Both are theirs, like the message.
PERSON_FIELDS = ("name", "street", "city", "state", "zip", "district", "message", "email", "points", "constituency")


class LogError(DrafterError):
    """The campaign log cannot be opened, read or written (exit status 1)."""


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Default-ignorable characters that are not format characters (category Cf, which holds the
# soft hyphen, zero-width space and joiners): a copy-paste leaves them in a name unseen.
_IGNORABLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
                       + "".join(map(chr, range(0xFE00, 0xFE10))) + "".join(map(chr, range(0xE0100, 0xE01F0))))


def _folded(text: str | None, visible: bool) -> str:
    text = text or ""
    if not text.isascii():          # NFKC leaves ASCII as it is, and ASCII has nothing invisible
        text = unicodedata.normalize("NFKC", text)
        if visible:
            text = "".join(c for c in text if c not in _IGNORABLE and unicodedata.category(c) != "Cf")
    return " ".join(text.casefold().split())


def normal(text: str | None) -> str:
    """A name or email as compared: NFKC, invisible characters removed, case-folded, single spaces."""
    return _folded(text, True)


def forms(text: str | None) -> tuple[str, ...]:
    """normal(text), and the form drafter compared before it removed invisible characters when
    that differs: a tombstone made then holds that one."""
    new, old = normal(text), _folded(text, False)
    return (new,) if new == old else (new, old)


@dataclass(frozen=True)
class LogEntry:
    """One letter as placed on disk.

    `kind` says whose the personal fields are: 'signer' (draft: the signers' names joined by
    '; ', no address), 'constituent' (batch, serve: what the volunteer's letter holds) or
    'anonymous' (serve, "Don't keep my details": none).
    `sha256` is the content of the first of `paths` (the letter's first format)."""
    command: str                      # draft | batch | kit | serve
    letter: str                       # the spec's name
    template: str
    recipient_ids: tuple[str, ...]
    office: str                       # the recipients' offices as the letter names them
    formats: tuple[str, ...]
    paths: tuple[str, ...]
    sha256: str
    kind: str = "signer"
    name: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    district: str = ""
    message: str = ""
    email: str = ""
    points: str = ""
    constituency: str = ""
    created: str = field(default_factory=utc_now)
    # compose.similarity's fingerprint of its text (encoded), "" for none: hashes, never the text
    fingerprint: str = ""

    @cached_property
    def key(self) -> str:
        """Which letter this is, whatever its content: versions of a letter share the key."""
        if self.kind == ANONYMOUS:      # nothing of the person: each letter is its own
            return _digest(["key", self.command, self.letter, list(self.recipient_ids), [self.kind, self.sha256]])
        # compared as before invisible characters were removed: a letter keeps its ids in every log
        person = (self.kind, *(_folded(getattr(self, f), False) for f in ("name", "street", "city")), self.state,
                  self.zip, _folded(self.email, False))
        return _digest(["key", self.command, self.letter, list(self.recipient_ids), list(person)])

    @cached_property
    def uid(self) -> str:
        """This version of the letter, the same in every log it is merged into."""
        return _digest(["uid", self.key, self.sha256])


def json_strings(value: list | tuple, quote=json.encoder.encode_basestring) -> str:
    """json.dumps(value, ensure_ascii=False) of a list (or tuple) of strings and lists, byte for
    byte (the log's ids are digests of it), without json.dumps's per-call set-up: a batch
    makes two per letter. `quote` = encode_basestring_ascii gives json.dumps(value)."""
    return "[" + ", ".join(json_strings(v, quote) if isinstance(v, list) else quote(v) for v in value) + "]"


def _digest(value) -> str:
    return hashlib.sha256(json_strings(value).encode()).hexdigest()


@dataclass(frozen=True)
class LoggedLetter:
    """A row of the log: the entry, its id in this log, its version among the letter's
    contents (1 = first), and where staff have taken it."""
    id: int
    version: int
    status: str
    status_on: str | None             # the date staff gave with --on (YYYY-MM-DD)
    note: str | None
    entry: LogEntry

    def __getattr__(self, name):      # row.letter, row.name ... read through to the entry
        if name == "entry":
            raise AttributeError(name)
        return getattr(self.entry, name)

    def as_dict(self) -> dict:
        e = self.entry
        return {"id": self.id, "created": e.created, "command": e.command, "letter": e.letter,
                "version": self.version, "template": e.template, "recipients": list(e.recipient_ids),
                "office": e.office, "kind": e.kind, **{f: getattr(e, f) for f in PERSON_FIELDS},
                "formats": list(e.formats), "paths": list(e.paths), "sha256": e.sha256,
                "status": self.status, "status_on": self.status_on, "note": self.note}
