"""Another log, read for `merge`: opened read-only, its schema checked (plain tables with the
columns drafter writes, no views, no triggers) and every row checked before anything of it is
taken in. Lookup names and ids are computed here from each row's content, never copied: a file
may have been edited, or made to do harm."""
from __future__ import annotations

import datetime as dt
import json
import re

from drafter.log.backend import Backend, connect
from drafter.log.entry import ANONYMOUS, KINDS, PERSON_FIELDS, STATUSES, LogEntry, LogError, normal
from drafter.log.schema import LATEST
from drafter.compose.similarity import decode

COLUMNS = ("uid", "letter_key", "created", "command", "letter", "template", "recipients", "office",
           "kind", *PERSON_FIELDS, "name_norm", "email_norm", "formats", "paths", "sha256",
           "status", "status_on", "note", "status_changed", "fingerprint")
# columns a log made before their schema version lacks: "" for its rows (schema 4, 5)
_LATER = {"fingerprint", "points", "constituency"}
_READ = ("created", "command", "letter", "template", "recipients", "office", "kind",
         *(f for f in PERSON_FIELDS if f not in _LATER), "formats", "paths", "sha256", "status", "status_on",
         "note", "status_changed")
_TABLES = {"letters": {"id", *COLUMNS} - _LATER, "tombstones": {"salt", "digest", "created"},
           "meta": {"name", "value"}, "schema_version": {"version"}}
_HEX = re.compile(r"[0-9a-f]{64}")
_HINT = "this file was not written by drafter or was edited: merge nothing from it, or fix what is named"


def last_day() -> dt.date:
    """The latest date it is anywhere on Earth now (UTC+14): a later "before" date is a mistake."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()


def _when(text) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _schema(db: Backend) -> set[str]:
    """The letters table's columns, once the schema is checked."""
    if db.kind == "sqlite":
        found = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        odd = [f"{kind} {name}" for kind, name, sql in found if kind in ("view", "trigger")
               or (kind == "table" and (sql or "").upper().lstrip().startswith("CREATE VIRTUAL"))]
        tables = {name for kind, name, _ in found if kind == "table"}
        columns = {t: {r[1] for r in db.execute(f'PRAGMA table_info("{t}")')} for t in _TABLES if t in tables}
    else:
        found = db.execute("SELECT table_name, table_type FROM information_schema.tables "
                           "WHERE table_schema = current_schema()").fetchall()
        odd = [f"{kind.lower()} {name}" for name, kind in found if kind != "BASE TABLE"]
        odd += [f"trigger {name}" for (name,) in db.execute(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers "
            "WHERE event_object_schema = current_schema()")]
        tables = {name for name, kind in found if kind == "BASE TABLE"}
        columns = {t: {r[0] for r in db.execute("SELECT column_name FROM information_schema.columns "
                                                 "WHERE table_schema = current_schema() AND table_name = ?", (t,))}
                   for t in _TABLES if t in tables}
    if odd:
        raise LogError(f"the log holds what drafter never makes: {', '.join(sorted(odd))}", file=db.where, hint=_HINT)
    for table, wanted in _TABLES.items():
        if table not in tables:
            raise LogError(f"not a drafter log: it has no table {table}", file=db.where, hint=_HINT)
        if wanted - columns[table]:
            raise LogError(f"not a drafter log: table {table} lacks {', '.join(sorted(wanted - columns[table]))}",
                           file=db.where, hint=_HINT)
    version = db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    if not isinstance(version, int) or not 1 <= version <= LATEST:
        raise LogError(f"the log is at schema version {version!r}; this drafter merges 1 to {LATEST}",
                       file=db.where, hint="upgrade drafter (pip install -U drafter) to merge this log")
    return columns["letters"]


def _strings(text, what: str, bad) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(f"{what} is not a JSON list of strings")
    return tuple(value)


def row(values: dict, where: str, late: dt.datetime) -> tuple:
    """One row of another log as this log stores it (COLUMNS), or LogError naming it."""
    def bad(problem: str):
        raise LogError(f"letter id {values.get('id')}: {problem}", file=where, hint=_HINT)
    for name in _LATER:
        values.setdefault(name, "")
    for name in (*_READ, *_LATER):
        value = values[name]
        if not (isinstance(value, str) or (value is None and name in ("status_on", "note", "status_changed"))):
            bad(f"{name} is not text")
    if values["status"] not in STATUSES:
        bad(f"unknown status {values['status']!r} (drafter writes {', '.join(STATUSES)})")
    if values["kind"] not in KINDS:
        bad(f"unknown kind {values['kind']!r} (drafter writes {', '.join(KINDS)})")
    if values["kind"] == ANONYMOUS and any(values[f] for f in PERSON_FIELDS):
        bad("an anonymous letter holds personal fields")
    created = _when(values["created"])
    if created is None:
        bad(f"created {values['created']!r} is not a date and time")
    if created > late:
        bad(f"created {values['created']} is in the future")
    if values["status_on"] is not None:
        try:
            dt.date.fromisoformat(values["status_on"])
        except ValueError:
            bad(f"status_on {values['status_on']!r} is not a date")
    if values["status_changed"] is not None and _when(values["status_changed"]) is None:
        bad(f"status_changed {values['status_changed']!r} is not a date and time")
    if not _HEX.fullmatch(values["sha256"]):
        bad("sha256 is not a SHA-256 digest")
    fp = values["fingerprint"]
    try:
        decode(fp)
    except (TypeError, ValueError):
        bad("fingerprint is not one drafter makes")
    recipients = _strings(values["recipients"], "recipients", bad)
    formats = _strings(values["formats"], "formats", bad)
    paths = _strings(values["paths"], "paths", bad)
    e = LogEntry(command=values["command"], letter=values["letter"], template=values["template"],
                 recipient_ids=recipients, office=values["office"], formats=formats, paths=paths,
                 sha256=values["sha256"], kind=values["kind"], created=values["created"],
                 **{f: values[f] for f in PERSON_FIELDS})
    return (e.uid, e.key, e.created, e.command, e.letter, e.template, values["recipients"], e.office, e.kind,
            *(values[f] for f in PERSON_FIELDS), normal(e.name), normal(e.email), values["formats"],
            values["paths"], e.sha256, values["status"], values["status_on"], values["note"],
            values["status_changed"], fp)


def read(target: str, timeout: float) -> tuple[list[tuple], list[tuple], str | None]:
    """Another log's letters (as COLUMNS), tombstones and "forgotten before" date, all checked;
    the file or database is only read."""
    db = connect(target, timeout, create=False, readonly=True)
    try:
        columns = _schema(db)
        late = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)     # a laptop's clock may be ahead
        names = ("id", *_READ, *sorted(_LATER & columns))
        rows = [row(dict(zip(names, r)), db.where, late)
                for r in db.execute(f"SELECT {', '.join(names)} FROM letters ORDER BY id")]
        stones = []
        for salt, digest, created in db.execute("SELECT salt, digest, created FROM tombstones"):
            if not (isinstance(salt, str) and isinstance(digest, str) and _HEX.fullmatch(digest)
                    and isinstance(created, str)):
                raise LogError(f"a tombstone is not a salt and a SHA-256 digest: {digest!r}", file=db.where,
                               hint=_HINT)
            stones.append((salt, digest, created))
        before = db.execute("SELECT value FROM meta WHERE name = 'forgotten_before'").fetchone()
        before = before[0] if before else None
        if before is not None:
            try:
                day = dt.date.fromisoformat(before)
            except (TypeError, ValueError):
                raise LogError(f"its \"forgotten before\" date {before!r} is not a date", file=db.where,
                               hint=_HINT) from None
            if day > last_day():
                raise LogError(f"its \"forgotten before\" date {before} is in the future: merging would delete "
                               "every letter logged until then", file=db.where, hint=_HINT)
        return rows, stones, before
    finally:
        db.close()
