"""The two databases the log can live in, behind one small interface: the queries are written
once, with '?' placeholders, and each backend only connects, translates placeholders and says
what it cannot do (a locked file, a server that does not answer) as a LogError.

SQLite (the standard library) is the default: a file in the campaign folder, WAL so readers
never wait for a writer, and a busy timeout so that several drafter processes can log at once.
PostgreSQL (psycopg 3) is imported only when a postgresql:// URL is given."""
from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path

from drafter.log.entry import LogError


class Backend:
    kind = ""
    where = ""            # for messages: a path, or a URL without its password
    serial = ""           # the auto-numbered id column's type

    def execute(self, sql: str, params=()):
        raise NotImplementedError

    def executemany(self, sql: str, rows) -> None:
        raise NotImplementedError

    def insert_many(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Rows into a table, the fastest way the database has."""
        self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         rows)

    def in_list(self, column: str, values: list) -> tuple[str, list]:
        """'column IN (...)' and its parameters, as this database takes a list best."""
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)

    def begin(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        try:
            self.execute("ROLLBACK")
        except LogError:
            pass

    def purge(self, tables: tuple[str, ...], again: str) -> None:
        """Deleted rows' bytes gone from the database files, else LogError saying what remains;
        `again` is the command that finishes the job."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLite(Backend):
    kind = "sqlite"
    serial = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, path: Path, timeout: float, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        self.where = str(path)
        if not create or readonly:
            try:
                mode = os.stat(self.path).st_mode
            except OSError:
                raise LogError("no such log file", file=self.where) from None
            if not stat.S_ISREG(mode):     # a FIFO would block the open
                raise LogError("not a log file (a folder, pipe or device)", file=self.where,
                               hint="give the path of a drafter-log.sqlite file")
        if not self.path.parent.is_dir():
            raise LogError("the log's folder does not exist", file=self.where,
                           hint="create the folder, or give another path with --log")
        if readonly:
            self._open_readonly(timeout)
            return
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            # synchronous=NORMAL under WAL: a crash never corrupts the log; a power cut may lose
            # the last chunk's rows, and the next run logs those letters again from disk.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA secure_delete = ON")   # forgotten rows are overwritten
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        if mode.lower() != "wal":
            raise LogError(f"the log cannot use write-ahead logging (journal mode {mode})", file=self.where,
                           hint="keep the log on a local disk; on a shared drive use --log postgresql://...")

    def _open_readonly(self, timeout: float) -> None:
        """Another log, to merge: opened so that nothing can write to it (no migration, no trigger,
        no journal change). On read-only media a WAL log without its -shm file opens only as
        immutable, which nobody writes to there anyway."""
        uri = self.path.absolute().as_uri()      # file:///..., '?' and '#' in the name escaped
        for flags in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                self.conn = sqlite3.connect(uri + flags, uri=True, timeout=timeout, isolation_level=None,
                                            check_same_thread=False)
                self.conn.execute("PRAGMA query_only = ON")
                self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return
            except sqlite3.Error as exc:
                error = exc
        raise self._error(error)

    def _error(self, exc: Exception) -> LogError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return LogError("the log is locked by another drafter process and did not free up in time",
                            file=self.where, hint="wait for the other run to finish, then run this again")
        if "not a database" in text or "malformed" in text or "disk image" in text:
            return LogError("the log file is damaged or is not a drafter log", file=self.where,
                            hint="move it aside (drafter starts a new log) or restore a copy")
        if "readonly" in text or "unable to open" in text:
            return LogError(f"cannot write the log: {text}", file=self.where,
                            hint="check the file's permissions, or give another path with --log")
        return LogError(f"the log failed: {text}", file=self.where)

    def execute(self, sql, params=()):
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def executemany(self, sql, rows):
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def begin(self):
        self.execute("BEGIN IMMEDIATE")    # take the write lock now: no deadlock on upgrade

    def purge(self, tables, again):
        self.execute("VACUUM")
        busy, _, _ = self.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:       # a reader's snapshot still needs the old pages: they stay in the -wal file
            raise LogError(f"the rows are deleted, but their bytes remain in {self.where}-wal: another program "
                           "is reading the log", file=self.where,
                           hint=f"close the programs using the log (drafter serve, a database browser), "
                                f"then run {again} again to finish")

    def close(self):
        self.conn.close()


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class Postgres(Backend):
    kind = "postgresql"
    serial = "BIGSERIAL PRIMARY KEY"

    def __init__(self, url: str, timeout: float, readonly: bool = False):
        self.where = _hide_password(url)
        try:
            import psycopg     # only here: a plain `drafter draft` never imports it
        except ImportError:
            raise LogError("logging to PostgreSQL needs the psycopg package", file=self.where,
                           hint="pip install 'drafter[log-postgres]'") from None
        self.psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)))
            self.conn.execute(f"SET lock_timeout = {int(timeout * 1000)}")
            # psycopg prepares a statement run five times, and PostgreSQL may then keep one
            # plan for it: made while a batch's first chunks were the whole table, a lookup of
            # a chunk's ids scans every row ever logged. Planned each time, it uses the index.
            self.conn.execute("SET plan_cache_mode = force_custom_plan")
            if readonly:
                self.conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raise LogError(f"cannot reach the PostgreSQL log: {_first_line(exc)}", file=self.where,
                           hint="check that the server is running and the URL is right") from None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _error(self, exc: Exception) -> LogError:
        if isinstance(exc, self.psycopg.errors.LockNotAvailable):
            return LogError("the log is locked by another drafter process and did not free up in time",
                            file=self.where, hint="wait for the other run to finish, then run this again")
        return LogError(f"the PostgreSQL log failed: {_first_line(exc)}", file=self.where)

    def execute(self, sql, params=()):
        try:
            return self.conn.execute(self._sql(sql), params)
        except self.psycopg.Error as exc:
            raise self._error(exc) from None

    def executemany(self, sql, rows):
        try:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        except self.psycopg.Error as exc:
            raise self._error(exc) from None

    def insert_many(self, table, columns, rows):
        # COPY: the rows stream in one command, where INSERT is one statement per row
        try:
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except self.psycopg.Error as exc:
            raise self._error(exc) from None

    def in_list(self, column, values):
        # One array parameter: the statement's text is the same for any number of values, so
        # psycopg prepares it once instead of parsing a new statement every chunk.
        return f"{column} = ANY(?)", [list(values)]

    def begin(self):
        # One writer at a time, as SQLite has: records and merges read before they write. One
        # round trip for both statements (no parameters: the simple query protocol).
        self.execute("BEGIN; SELECT pg_advisory_xact_lock(7715)")

    def purge(self, tables, again):
        # VACUUM by a role that does not own a table skips it with a WARNING and succeeds
        skipped = []

        def heard(diag):
            if diag.severity_nonlocalized == "WARNING":
                skipped.append(diag.message_primary)
        self.conn.add_notice_handler(heard)
        try:
            for table in tables:
                self.execute(f"VACUUM FULL {table}")
        finally:
            self.conn.remove_notice_handler(heard)
        if skipped:
            raise LogError("the rows are deleted, but their bytes remain in the PostgreSQL table files: "
                           + "; ".join(skipped), file=self.where,
                           hint=f"run {again} again as the role that owns the log's tables (or have it run "
                                f"VACUUM FULL {', '.join(tables)})")

    def close(self):
        self.conn.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def is_url(target: str) -> bool:
    return bool(re.match(r"(?i)postgres(ql)?://", target))


def connect(target: str, timeout: float, create: bool = True, readonly: bool = False) -> Backend:
    if is_url(target):
        return Postgres(target, timeout, readonly)
    return SQLite(Path(target), timeout, create, readonly)
