"""Volunteers' sessions: each one's letters and files in a private folder, only until it ends.

A session is a random id in the (signed) cookie; everything else stays on the server. Files are
reached only through unguessable tokens looked up in the volunteer's own session, never by name,
so a link copied to another browser, or kept past the session's end, finds nothing.
"""
from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class File:
    path: Path
    download_name: str
    mimetype: str
    job: object = None          # a PDF still being made (web.pdfs.Part): written to `path` when done


@dataclass
class Volunteer:
    sid: str
    folder: Path
    origin: str = ""                     # the pre-session cookie's token that started it
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    pending: dict | None = None          # the form, while the volunteer chooses a district
    letters: list = field(default_factory=list)   # LetterView for the letters page
    extras: list = field(default_factory=list)    # (label, token): envelopes, all letters as PDF
    pdf_failed: bool = False                        # the letters page says so
    pdf_job: object = None                          # Typst's job making this volunteer's PDFs
    pdf_batch: str = ""                             # the latest submit's: only its PDFs are stored
    files: dict[str, File] = field(default_factory=dict)
    submits: deque = field(default_factory=deque)   # times of letter requests (rate limit)
    requests: deque = field(default_factory=deque)
    kept: bool = True              # False: "Don't keep my details" (the log holds nothing of them)
    logged: set = field(default_factory=set)    # their rows in the campaign log (not compared with)

    def add_file(self, name: str, data: bytes | None, download_name: str, mimetype: str, job=None) -> str:
        """A file to download; with `job` and no data, one the job writes when it is done."""
        token = secrets.token_urlsafe(24)
        path = self.folder / name
        if data is not None:
            path.write_bytes(data)
        self.files[token] = File(path, download_name, mimetype, job)
        return token

    def clear_letters(self) -> None:
        for f in self.files.values():
            f.path.unlink(missing_ok=True)
        self.files.clear()
        self.letters, self.extras, self.pdf_job = [], [], None


class Volunteers:
    """All sessions of the running server, in memory; each has a 0700 folder under `base`."""

    def __init__(self, base: Path | None = None, idle_seconds: float = 2 * 3600,
                 max_sessions: int = 5000, cookie_seconds: float = 12 * 3600):
        self.base = Path(tempfile.mkdtemp(prefix="drafter-serve-", dir=base))
        self.base.chmod(0o700)
        self.idle = idle_seconds
        self.max = max_sessions
        self.cookie_seconds = cookie_seconds
        self._all: dict[str, Volunteer] = {}
        # Pre-session tokens that started a session -> (its id, when it ended or None), kept as
        # long as a cookie carrying them is accepted: a replayed cookie starts nothing new.
        self._origins: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()

    def new(self, origin: str) -> Volunteer | None:
        """A session started by the cookie whose pre-session token is `origin`; that cookie's
        session again if it already started one, or None once that session has ended."""
        with self._lock:
            if origin in self._origins:
                sid, _ = self._origins[origin]
                v = self._all.get(sid)
                if v is not None:
                    v.seen = time.monotonic()
                return v
            self._expire_locked()
            if len(self._all) >= self.max:       # never unbounded: the oldest idle one goes
                oldest = min(self._all.values(), key=lambda x: x.seen)
                self._drop_locked(oldest.sid)
            v = Volunteer(secrets.token_urlsafe(24), Path(tempfile.mkdtemp(prefix="v-", dir=self.base)), origin)
            self._all[v.sid] = v
            self._origins[origin] = (v.sid, None)
        return v

    def ended(self, origin: str | None) -> bool:
        """Whether the pre-session token `origin` started a session that has since ended."""
        with self._lock:
            if origin not in self._origins:
                return False
            sid, ended = self._origins[origin]
            v = self._all.get(sid)
            if ended is None and v is not None and time.monotonic() - v.seen > self.idle:
                self._drop_locked(sid)
            return sid not in self._all

    def get(self, sid: str | None) -> Volunteer | None:
        if not sid:
            return None
        with self._lock:
            v = self._all.get(sid)
            if v is None:
                return None
            if time.monotonic() - v.seen > self.idle:
                self._drop_locked(sid)
                return None
            v.seen = time.monotonic()
            return v

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._drop_locked(sid)

    def end_all(self) -> None:
        """Kiosk mode: the next volunteer starts with nothing of anyone before them."""
        with self._lock:
            for sid in list(self._all):
                self._drop_locked(sid)

    def close(self) -> None:
        self.end_all()
        shutil.rmtree(self.base, ignore_errors=True)

    def __len__(self) -> int:
        return len(self._all)

    def _expire_locked(self) -> None:
        now = time.monotonic()
        for sid in [s for s, v in self._all.items() if now - v.seen > self.idle]:
            self._drop_locked(sid)
        for origin in [o for o, (_, ended) in self._origins.items()
                       if ended is not None and now - ended > self.cookie_seconds]:
            del self._origins[origin]

    def _drop_locked(self, sid: str | None) -> None:
        v = self._all.pop(sid, None) if sid else None
        if v is not None:
            shutil.rmtree(v.folder, ignore_errors=True)
            self._origins[v.origin] = (v.sid, time.monotonic())


class RateLimit:
    """At most `limit` events in `window` seconds per key (a session, or an address)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10000:        # forget keys that have gone quiet
                for k in [k for k, e in self._events.items() if not e or now - e[-1] > self.window]:
                    del self._events[k]
            return True
