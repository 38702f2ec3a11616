"""The log's tables, versioned: `schema_version` holds the version a log is at, and MIGRATIONS
take it from any earlier version to LATEST. A log written by a newer drafter is refused, never
changed. Add a migration by appending to MIGRATIONS; never edit a released one."""
from __future__ import annotations

import secrets

from drafter.log.backend import Backend
from drafter.log.entry import LogError, normal, utc_now


def _renormalise(db: Backend) -> None:
    """The compared names and emails again, as normal() now makes them (invisible characters out)."""
    rows = db.execute("SELECT id, name, email, name_norm, email_norm FROM letters").fetchall()
    db.executemany("UPDATE letters SET name_norm = ?, email_norm = ? WHERE id = ?",
                   [(normal(n), normal(e), i) for i, n, e, nn, en in rows if (normal(n), normal(e)) != (nn, en)])


# A step is SQL or a function of the backend. {serial} is the only word that differs between SQLite and PostgreSQL.
MIGRATIONS: list[list] = [
    [   # 1: the first log
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE letters (
            id {serial},
            uid TEXT NOT NULL UNIQUE,          -- this content of this letter, in every log
            letter_key TEXT NOT NULL,          -- this letter, whatever its content
            created TEXT NOT NULL,             -- UTC, ISO 8601
            command TEXT NOT NULL, letter TEXT NOT NULL, template TEXT NOT NULL,
            recipients TEXT NOT NULL, office TEXT NOT NULL, kind TEXT NOT NULL,
            name TEXT NOT NULL, street TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL,
            zip TEXT NOT NULL, district TEXT NOT NULL, message TEXT NOT NULL, email TEXT NOT NULL,
            name_norm TEXT NOT NULL, email_norm TEXT NOT NULL,
            formats TEXT NOT NULL, paths TEXT NOT NULL, sha256 TEXT NOT NULL,
            status TEXT NOT NULL, status_on TEXT, note TEXT, status_changed TEXT)""",
        "CREATE INDEX letters_key ON letters (letter_key)",
        "CREATE INDEX letters_created ON letters (created)",
        "CREATE INDEX letters_name ON letters (name_norm)",
        "CREATE INDEX letters_email ON letters (email_norm)",
        """CREATE TABLE letter_recipients (letter_id BIGINT NOT NULL, recipient TEXT NOT NULL,
            office TEXT NOT NULL, PRIMARY KEY (letter_id, recipient))""",
        # A forgotten person: a salted hash of their name or email, nothing readable.
        """CREATE TABLE tombstones (salt TEXT NOT NULL, digest TEXT NOT NULL, created TEXT NOT NULL,
            PRIMARY KEY (salt, digest))""",
    ],
    [   # 2: no index on the compared names and emails: `forget` reads every row anyway (a
        # tombstone is a salted hash), `list --constituent` matches parts of them, which no
        # index serves, and each index cost every letter logged (measured: docs/developers.md)
        "DROP INDEX letters_name",
        "DROP INDEX letters_email",
    ],
    [   # 3: names and emails compared without invisible characters (a function: Python's Unicode)
        _renormalise,
    ],
    [   # 4: a letter's fingerprint (compose.similarity: 128 16-bit pieces of hashes, base64), for
        # `log stats --similar`; '' for letters logged before, and for those without one
        "ALTER TABLE letters ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''",
    ],
    [   # 5: a volunteer's talking points (ids in their order, '; ' between them, '' for the
        # defaults) and, abroad, their constituency: an export feeds the same letters to a batch
        "ALTER TABLE letters ADD COLUMN points TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE letters ADD COLUMN constituency TEXT NOT NULL DEFAULT ''",
    ],
]
LATEST = len(MIGRATIONS)


def migrate(db: Backend) -> int:
    """Bring the log to LATEST in one transaction; return the version it was at."""
    db.begin()
    try:
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        found = row[0] or 0
        if found > LATEST:
            raise LogError(f"the log is at schema version {found}, newer than this drafter knows ({LATEST})",
                           file=db.where, hint="upgrade drafter (pip install -U drafter) to use this log")
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version - 1]:
                if callable(statement):
                    statement(db)
                else:
                    db.execute(statement.format(serial=db.serial))
            if version == 1:
                db.execute("INSERT INTO meta (name, value) VALUES ('salt', ?)", (secrets.token_hex(16),))
                db.execute("INSERT INTO meta (name, value) VALUES ('created', ?)", (utc_now(),))
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return found
