"""CampaignLog: record letters, answer questions about them, mark them sent or answered, export,
merge another log in, and forget a person. Every query here serves SQLite and PostgreSQL alike."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Callable, Iterable

from drafter.compose import similarity
from drafter.log.backend import Backend
from drafter.log.entry import (DRAFTED, PERSON_FIELDS, STATUSES, LogEntry, LoggedLetter,
                               LogError, forms, json_strings, normal, utc_now)
from drafter.log.other import COLUMNS as _COLUMNS, last_day, read as read_other
from drafter.log.schema import migrate
from drafter.output.files import atomic_write
from drafter.output.sheets import cell

STATS_BY = ("recipient", "letter", "state", "day", "status")
_RANK = {s: i for i, s in enumerate(STATUSES)}
_SELECT = ("SELECT l.id, l." + ", l.".join(_COLUMNS) +
           ", (SELECT COUNT(*) FROM letters b WHERE b.letter_key = l.letter_key AND (b.created < l.created"
           " OR (b.created = l.created AND b.uid <= l.uid))) FROM letters l")
_CHUNK = 500        # values per IN (...) stay well under SQLite's limit of '?'
_TABLES = ("letters", "letter_recipients", "tombstones", "meta")
SEP = " | "          # between the offices of a joint letter in LogEntry.office
CONSTITUENT_COLUMNS = ("Name", "Street address", "City", "State", "ZIP", "District", "Email", "Note", "Points")
# Volunteers abroad (each gave a constituency): the columns a batch abroad asks for
# (people.constituents.COLUMNS_ABROAD); "Region" after "Town" when one has a region (a province).
ABROAD_COLUMNS = ("Name", "Street", "Town", "Postcode", "Email", "Constituency", "Message", "Points")
_EXPORTED = {"Name": "name", "Street address": "street", "Street": "street", "City": "city", "Town": "city",
             "State": "state", "Region": "state", "ZIP": "zip", "Postcode": "zip", "District": "district",
             "Email": "email", "Note": "message", "Message": "message", "Points": "points",
             "Constituency": "constituency"}
LETTER_COLUMNS = ("id", "created", "command", "letter", "version", "template", "recipients", "office",
                  *PERSON_FIELDS, "formats", "paths", "sha256", "status", "status_on", "note")


def _json(items) -> str:
    return json_strings(items, json.encoder.encode_basestring_ascii)


def _text(value) -> str:
    return value if type(value) is str else "" if value is None else str(value)


def _row_of(e: LogEntry) -> tuple:
    return (e.uid, e.key, e.created, e.command, e.letter, e.template, _json(e.recipient_ids),
            e.office, e.kind, *(_text(getattr(e, f)) for f in PERSON_FIELDS), normal(e.name), normal(e.email),
            _json(e.formats), _json(e.paths), e.sha256, DRAFTED, None, None, None, e.fingerprint)


def _letter_of(row) -> LoggedLetter:
    (id_, _uid, _key, created, command, letter, template, recipients, office, kind, *rest) = row
    person = dict(zip(PERSON_FIELDS, rest[:len(PERSON_FIELDS)]))
    (_nn, _en, formats, paths, sha256, status, status_on, note, _changed, fingerprint,
     version) = rest[len(PERSON_FIELDS):]
    entry = LogEntry(command=command, letter=letter, template=template,
                     recipient_ids=tuple(json.loads(recipients)), office=office, formats=tuple(json.loads(formats)),
                     paths=tuple(json.loads(paths)), sha256=sha256, kind=kind, created=created,
                     fingerprint=fingerprint, **person)
    return LoggedLetter(int(id_), int(version), status, status_on, note, entry)


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _date(text, what: str) -> str:
    if isinstance(text, dt.date):
        return text.isoformat()
    try:
        return dt.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise LogError(f"{what} {text!r} is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-03-02") from None


def _digest(salt: str, value: str) -> str:
    return hashlib.sha256(f"{salt}\0{value}".encode()).hexdigest()


class CampaignLog:
    """An open log. Use as a context manager, or call close().

    `db` is a connected backend, or a function connecting one when the log is first used (a
    SQLite log that does not exist yet: a run that fails before its first letter leaves no
    empty log behind)."""

    def __init__(self, db: Backend | Callable[[], Backend], where: str | None = None):
        self._db, self._connect = (db, None) if isinstance(db, Backend) else (None, db)
        self._where = where
        if self._db is not None:
            self._setup()

    def _setup(self) -> None:
        migrate(self._db)
        self.salt = self._meta("salt")

    @property
    def db(self) -> Backend:
        if self._db is None:
            self._db = self._connect()
            try:
                self._setup()
            except BaseException:
                self._db.close()
                self._db = None
                raise
        return self._db

    @property
    def where(self) -> str:
        return self._db.where if self._db is not None else self._where

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._where = self._db.where       # still named in messages after closing
            self._db.close()
            self._db = None

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: str) -> None:
        self.db.execute("DELETE FROM meta WHERE name = ?", (name,))
        self.db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (name, value))

    def _transaction(self, work):
        self.db.begin()
        try:
            result = work()
            self.db.commit()
            return result
        except BaseException:
            self.db.rollback()
            raise

    # ----------------------------------------------------------------- recording

    def record(self, entries: list[LogEntry]) -> list[int]:
        """Log letters in one transaction; return their row ids in order. A letter logged before
        with the same content keeps its row (and its status): nothing is added for it."""
        entries = list(entries)
        return self._transaction(lambda: self._insert([_row_of(e) for e in entries], entries))

    def _insert(self, rows: list[tuple], entries: list[LogEntry] | None = None) -> list[int]:
        uids = [r[0] for r in rows]
        ids = self._ids(uids)
        new = {}
        for row in rows:
            if row[0] not in ids and row[0] not in new:
                new[row[0]] = row
        if new:
            self.db.insert_many("letters", _COLUMNS, list(new.values()))
            ids.update(self._ids(list(new)))
            links = []
            for row in new.values():
                recipients = json.loads(row[6])
                offices = row[7].split(SEP) if len(recipients) > 1 else [row[7]]
                if len(offices) != len(recipients):
                    offices = [""] * len(recipients)
                links += [(ids[row[0]], r, o) for r, o in dict(zip(recipients, offices)).items()]
            self.db.insert_many("letter_recipients", ("letter_id", "recipient", "office"), links)
        return [ids[u] for u in uids]

    def _ids(self, uids: list[str]) -> dict[str, int]:
        found = {}
        for part in _chunks(list(dict.fromkeys(uids))):
            where, params = self.db.in_list("uid", part)
            for uid, id_ in self.db.execute(f"SELECT uid, id FROM letters WHERE {where}", params):
                found[uid] = int(id_)
        return found

    # ----------------------------------------------------------------- questions

    def list_letters(self, letter: str | None = None, recipient: str | None = None,
                     constituent: str | None = None, status: str | None = None,
                     since: str | dt.date | None = None, ids: Iterable[int] | None = None) -> list[LoggedLetter]:
        """Letters in the order they were logged. `constituent` matches part of a name or email,
        any case; `since` is a date (YYYY-MM-DD), compared with when the letter was logged."""
        where, params = [], []
        if letter:
            where.append("l.letter = ?")
            params.append(letter)
        if recipient:
            where.append("l.id IN (SELECT letter_id FROM letter_recipients WHERE recipient = ?)")
            params.append(recipient)
        if constituent:
            pattern = "%" + normal(constituent).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(l.name_norm LIKE ? ESCAPE '\\' OR l.email_norm LIKE ? ESCAPE '\\')")
            params += [pattern, pattern]
        if status:
            if status not in STATUSES:
                raise LogError(f"unknown status {status!r}", hint="use " + ", ".join(STATUSES))
            where.append("l.status = ?")
            params.append(status)
        if since:
            where.append("l.created >= ?")
            params.append(_date(since, "--since"))
        if ids is not None:
            ids = [int(i) for i in ids]
            if ids:
                match, values = self.db.in_list("l.id", ids)
                where.append(match)
                params += values
            else:
                where.append("1 = 0")
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY l.id"
        return [_letter_of(r) for r in self.db.execute(sql, params).fetchall()]

    def stats(self, by: str = "recipient") -> tuple[list[dict], dict]:
        """Letters per `by` (recipient, letter, state, day, status) and the totals. A letter
        counts once however many versions it has; 'sent' counts letters sent or answered."""
        if by not in STATS_BY:
            raise LogError(f"cannot count by {by!r}", hint="use " + ", ".join(STATS_BY))
        counts = ("COUNT(DISTINCT l.letter_key), "
                  "COUNT(DISTINCT CASE WHEN l.status IN ('sent', 'answered') THEN l.letter_key END), "
                  "COUNT(DISTINCT CASE WHEN l.status = 'answered' THEN l.letter_key END)")
        group = {"recipient": "r.recipient", "letter": "l.letter", "state": "l.state",
                 "day": "SUBSTR(l.created, 1, 10)", "status": "l.status"}[by]
        join = " JOIN letter_recipients r ON r.letter_id = l.id" if by == "recipient" else ""
        label = ", MAX(r.office)" if by == "recipient" else ", ''"
        rows = self.db.execute(f"SELECT {group}{label}, {counts} FROM letters l{join} GROUP BY {group}").fetchall()
        out = [{by: key or "", "office": office or "", "letters": int(n), "sent": int(s), "answered": int(a)}
               for key, office, n, s, a in rows]
        if by != "recipient":
            for row in out:
                del row["office"]
        out.sort(key=lambda r: r[by])
        n, s, a = self.db.execute(f"SELECT {counts} FROM letters l").fetchone()
        return out, {"letters": int(n), "sent": int(s), "answered": int(a)}

    def similar(self) -> tuple[list[dict], list[dict]]:
        """How alike the letters to each office read, across the whole log (every laptop's
        letters, once merged): per recipient, the letters measured and those sharing more than
        THRESHOLD of their five-word sequences with another letter to it (compose.similarity,
        from the fingerprints: the log keeps no letter's text), most first; and per letter
        (its latest version), the most similar other letter and how similar. Letters without a
        fingerprint (logged before schema 4, or by draft and kit) are not measured."""
        rows = self.db.execute(
            "SELECT l.id, l.letter_key, r.recipient, r.office, l.fingerprint FROM letters l "
            "JOIN letter_recipients r ON r.letter_id = l.id WHERE l.fingerprint <> '' ORDER BY l.id").fetchall()
        latest: dict[tuple[str, str], tuple] = {}
        for id_, key, recipient, office, fp in rows:     # a later version replaces an earlier one
            try:
                fp = similarity.decode(fp)
            except ValueError:         # not as drafter writes it (an edited file): not measured
                continue
            latest.pop((key, recipient), None)
            latest[(key, recipient)] = (int(id_), recipient, office or "", fp)
        kept = list(latest.values())
        found = similarity.nearest([k[3] for k in kept], [k[1] for k in kept])
        letters, offices = [], {}
        for (id_, recipient, office, _), (j, score) in zip(kept, found):
            letters.append({"id": id_, "recipient": recipient, "similarity": round(score, 2),
                            "similar_to": kept[j][0] if j is not None else None})
            row = offices.setdefault(recipient, {"recipient": recipient, "office": office, "letters": 0, "above": 0})
            row["letters"] += 1
            row["above"] += score > similarity.THRESHOLD
        out = sorted(offices.values(), key=lambda r: (-r["above"], -r["letters"], r["recipient"]))
        return out, sorted(letters, key=lambda r: r["id"])

    # ----------------------------------------------------------------- staff's marks

    def mark(self, ids: Iterable[int], status: str, on: str | dt.date | None = None,
             note: str | None = None) -> list[LoggedLetter]:
        """Set letters' status (sent, answered; drafted undoes) with the date it happened."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        if status not in STATUSES:
            raise LogError(f"unknown status {status!r}", hint="use " + ", ".join(STATUSES))
        on = _date(on or dt.date.today(), "--on")

        def work():
            known = {r.id for r in self.list_letters(ids=ids)}
            missing = [i for i in ids if i not in known]
            if missing:
                raise LogError(f"no letter with id {', '.join(map(str, missing))} in the log", file=self.where,
                               hint="'drafter log list' shows the ids")
            for part in _chunks(ids):
                match, values = self.db.in_list("id", part)
                self.db.execute(f"UPDATE letters SET status = ?, status_on = ?, note = COALESCE(?, note), "
                                f"status_changed = ? WHERE {match}", [status, on, note, utc_now(), *values])
        self._transaction(work)
        return self.list_letters(ids=ids)

    # ----------------------------------------------------------------- exports

    def export_letters_csv(self, path: str | Path, force: bool = False, letter: str | None = None) -> int:
        """One row per logged letter (every version; of `letter`, or every letter), every cell
        safe to open in a spreadsheet."""
        rows = []
        for item in self.list_letters(letter=letter):
            d = item.as_dict()
            d.update(recipients=" ".join(d["recipients"]), formats=" ".join(d["formats"]),
                     paths=" ".join(d["paths"]))
            rows.append([d[c] for c in LETTER_COLUMNS])
        _write_csv(Path(path), LETTER_COLUMNS, rows, force)
        return len(rows)

    def export_constituents_csv(self, path: str | Path, force: bool = False, letter: str | None = None) -> int:
        """One row per constituent (of `letter`, or every letter) as their latest letter has them,
        in the columns `drafter batch --constituents` reads, their talking points included: the
        file can be fed back to a batch. Volunteers abroad alone: the columns a batch abroad asks
        for; a log with both: the US columns and Constituency (either batch reads that file, and
        sends the other country's rows to review)."""
        people: dict[tuple, LogEntry] = {}
        for item in self.list_letters(letter=letter):
            e = item.entry
            if e.kind != "constituent":
                continue
            who = (normal(e.name), normal(e.street), normal(e.city), e.state, e.zip, normal(e.email))
            people.pop(who, None)           # the latest letter wins, in the order of its last letter
            people[who] = e
        abroad = [bool(e.constituency) for e in people.values()]
        if abroad and all(abroad):
            columns = ABROAD_COLUMNS
            if any(e.state for e in people.values()):
                columns = (*columns[:3], "Region", *columns[3:])
        else:
            columns = (*CONSTITUENT_COLUMNS, "Constituency") if any(abroad) else CONSTITUENT_COLUMNS
        rows = [[getattr(e, _EXPORTED[c]) for c in columns] for e in people.values()]
        _write_csv(Path(path), columns, rows, force)
        return len(rows)

    # ----------------------------------------------------------------- merge

    def merge(self, other: "CampaignLog | str | Path", timeout: float = 10.0) -> dict:
        """Bring another log's letters in: new ones are added, known ones keep the furthest
        status; nothing comes back that either log has forgotten. Merging again adds nothing.
        The other log is only read, and refused whole if any of it is not as drafter writes it."""
        rows, stones, before = read_other(other.where if isinstance(other, CampaignLog) else str(other), timeout)
        report = {"added": 0, "updated": 0, "forgotten": 0}

        def work():
            self.db.executemany("INSERT INTO tombstones (salt, digest, created) VALUES (?, ?, ?) "
                                "ON CONFLICT (salt, digest) DO NOTHING", stones)
            cutoff = max(filter(None, [before, self._meta("forgotten_before")]), default=None)
            if cutoff:
                self._set_meta("forgotten_before", cutoff)
            report["forgotten"] = self._apply_tombstones(cutoff)
            dead = self._tombstones()
            col = {c: i for i, c in enumerate(_COLUMNS)}
            keep = [r for r in rows if not (cutoff and r[col["created"]] < cutoff)
                    and not _buried(dead, r[col["name"]], r[col["email"]])]
            known = {}
            for part in _chunks([r[0] for r in keep]):
                match, values = self.db.in_list("uid", part)
                known.update((u, (s, c)) for u, s, c in self.db.execute(
                    f"SELECT uid, status, status_changed FROM letters WHERE {match}", values))
            fresh = [r for r in keep if r[0] not in known]
            self._insert(fresh)
            report["added"] = len({r[0] for r in fresh})
            for r in keep:
                if r[0] not in known:
                    continue
                status, changed = known[r[0]]
                theirs = (_RANK[r[col["status"]]], r[col["status_changed"]] or "")
                if theirs > (_RANK[status], changed or ""):
                    self.db.execute("UPDATE letters SET status = ?, status_on = ?, note = ?, status_changed = ? "
                                    "WHERE uid = ?", (r[col["status"]], r[col["status_on"]], r[col["note"]],
                                                      r[col["status_changed"]], r[0]))
                    report["updated"] += 1
        self._transaction(work)
        if report["forgotten"]:
            self.db.purge(_TABLES, "'drafter log forget --before 1970-01-01'")
        return report

    # ----------------------------------------------------------------- forget

    def _tombstones(self) -> dict[str, set[str]]:
        dead: dict[str, set[str]] = {}
        for salt, digest in self.db.execute("SELECT salt, digest FROM tombstones"):
            dead.setdefault(salt, set()).add(digest)
        return dead

    def _delete(self, ids: list[int]) -> None:
        for part in _chunks(ids):
            for table, column in (("letter_recipients", "letter_id"), ("letters", "id")):
                match, values = self.db.in_list(column, part)
                self.db.execute(f"DELETE FROM {table} WHERE {match}", values)

    def _apply_tombstones(self, cutoff: str | None) -> int:
        """Delete the rows of everyone tombstoned, and everything before the cutoff."""
        dead = self._tombstones()
        doomed = [int(i) for i, n, e, c in self.db.execute("SELECT id, name, email, created FROM letters")
                  if _buried(dead, n, e) or (cutoff and c < cutoff)]
        self._delete(doomed)
        return len(doomed)

    def remove(self, ids: Iterable[int]) -> None:
        """Delete these rows, bytes included (the volunteers' page: a volunteer who chose, after
        making letters, that the log keep nothing of them)."""
        ids = [int(i) for i in ids]
        self._transaction(lambda: self._delete(ids))
        self.db.purge(_TABLES, "'drafter log forget --expired'")

    def namesakes(self, email: str) -> list[LoggedLetter]:
        """Letters without an email whose writer has the name of a letter from `email`: perhaps
        the same person, which only they can confirm (forget --constituent NAME)."""
        who = normal(email)
        if "@" not in who:
            return []
        ids = [int(i) for (i,) in self.db.execute(
            "SELECT id FROM letters WHERE email_norm = '' AND name_norm IN "
            "(SELECT name_norm FROM letters WHERE email_norm = ? AND name_norm <> '')", (who,))]
        return self.list_letters(ids=ids) if ids else []

    def forget(self, constituent: str | None = None, before: str | dt.date | None = None) -> int:
        """Remove a person's letters or every letter logged before a date, bytes included; leave a
        tombstone (a salted hash) so that a merge cannot bring the person back. By email: that
        email's letters only. By name: that name's letters and those of the emails they hold.
        Return the number of rows removed."""
        if not constituent and not before:
            raise LogError("forget whom?", hint="give --constituent EMAIL_OR_NAME or --before DATE")
        who = normal(constituent) if constituent else ""
        if constituent is not None and not who:
            raise LogError("--constituent is empty", hint="give the person's name or email")
        cutoff = _date(before, "--before") if before else None
        if cutoff and dt.date.fromisoformat(cutoff) > last_day():
            raise LogError(f"--before {cutoff} is in the future: it would forget every letter, and every "
                           "letter of each log this one is merged into", hint="give a date in the past")

        def work():
            if who:
                names = {who}
                if "@" not in who:      # a name: the emails its letters hold go too
                    names.update(e for (e,) in self.db.execute("SELECT email_norm FROM letters WHERE name_norm = ?",
                                                               (who,)) if e)
                now = utc_now()
                self.db.executemany("INSERT INTO tombstones (salt, digest, created) VALUES (?, ?, ?) "
                                    "ON CONFLICT (salt, digest) DO NOTHING",
                                    [(self.salt, _digest(self.salt, x), now) for x in sorted(names)])
            if cutoff:
                old = self._meta("forgotten_before")
                self._set_meta("forgotten_before", max(cutoff, old or cutoff))
            return self._apply_tombstones(cutoff)
        removed = self._transaction(work)
        self.db.purge(_TABLES, "'drafter log forget'")
        return removed


def forget_expired(log: CampaignLog, keep_days: dict[str, int], default: int,
                   now: dt.datetime | None = None) -> int:
    """Remove volunteers' letters (batch and serve: kind 'constituent') logged longer ago than
    their letter spec keeps them (`keep_days` by spec name, else `default` days), bytes
    included. Return the number of rows removed."""
    now = now or dt.datetime.now(dt.timezone.utc)

    def cutoff(days: int) -> str:
        return (now - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    cutoffs = {name: cutoff(days) for name, days in keep_days.items()}
    oldest = cutoff(default)

    def work():
        doomed = [int(i) for i, letter, created in log.db.execute(
            "SELECT id, letter, created FROM letters WHERE kind = 'constituent'")
            if created < cutoffs.get(letter, oldest)]
        log._delete(doomed)
        return len(doomed)
    removed = log._transaction(work)
    if removed:
        log.db.purge(_TABLES, "'drafter log forget --expired'")
    return removed


def office_fingerprints(log: CampaignLog, recipients: list[str],
                        limit: int = 5000) -> dict[str, list[tuple[int, bytes]]]:
    """(row id, fingerprint) of the latest `limit` letters logged to each recipient (the
    volunteers' page compares a new letter with them)."""
    out: dict[str, list[tuple[int, bytes]]] = {r: [] for r in recipients}
    for r in recipients:
        for id_, fp in log.db.execute(
                "SELECT l.id, l.fingerprint FROM letters l JOIN letter_recipients r ON r.letter_id = l.id "
                f"WHERE r.recipient = ? AND l.fingerprint <> '' ORDER BY l.id DESC LIMIT {int(limit)}", (r,)):
            try:
                out[r].append((int(id_), similarity.decode(fp)))
            except ValueError:         # not as drafter writes it: not compared
                pass
    return out


def _buried(dead: dict[str, set[str]], name: str, email: str) -> bool:
    """Whether a tombstone holds the name or email, in either form drafter has compared them."""
    if not dead:
        return False
    return any(_digest(salt, x) in digests for salt, digests in dead.items()
               for x in (*forms(name), *forms(email)) if x)


def _write_csv(path: Path, columns, rows, force: bool) -> None:
    """UTF-8 with a BOM (Excel then reads accented names), all or nothing, never over a file
    unless `force`."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(columns)
    out.writerows([cell(v) for v in row] for row in rows)
    atomic_write(path, buf.getvalue().encode("utf-8-sig"), force=force)


# ----------------------------------------------------------------- the staff page (drafter serve)
# Only what the page shows is read, by the database: with 200,000 letters, loading every row
# into Python took seconds, under the lock the volunteers' letters wait on.

def latest_letters(log: CampaignLog, limit: int) -> list[LoggedLetter]:
    """The last `limit` rows logged, newest first."""
    return [_letter_of(r) for r in log.db.execute(_SELECT + f" ORDER BY l.id DESC LIMIT {int(limit)}").fetchall()]


def rows_by_hour(log: CampaignLog) -> list[tuple[str, int]]:
    """(YYYY-MM-DDTHH, rows logged in that hour, UTC), by hour."""
    rows = log.db.execute("SELECT SUBSTR(created, 1, 13), COUNT(*) FROM letters "
                          "GROUP BY SUBSTR(created, 1, 13) ORDER BY 1").fetchall()
    return [(hour, int(n)) for hour, n in rows]
