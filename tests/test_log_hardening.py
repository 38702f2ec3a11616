"""The campaign log as an attacker or a careless organiser meets it (issue 25): a hostile or odd
log merged in, future dates, forgetting the right person and only them, names with invisible
characters, a forget that cannot finish, the constituents' export fed back to a batch, and the
tests' own log kept out of the example campaign."""
from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO
from drafter.cli import main
from drafter.log import LOG_FILE, open_log
from test_log import entry
from test_log_batch import batch, postgres  # noqa: F401  (a fixture)


def run(*args: str):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def logged(path: Path, *entries) -> Path:
    with open_log(None, path) as log:
        log.record(list(entries))
    return path


def names(path: Path) -> list[str]:
    with open_log(None, path) as log:
        return sorted(r.name for r in log.list_letters())


def edited(path: Path, *statements: str) -> Path:
    db = sqlite3.connect(path)
    for sql in statements:
        db.execute(sql)
    db.commit()
    db.close()
    return path


def refused(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


# ---- future dates -----------------------------------------------------------------------------

def test_forget_before_a_future_date_is_refused(tmp_path):
    log = logged(tmp_path / "log.sqlite", entry("Pema Example"))
    refused(run("log", "forget", "--before", "2999-01-01", "--log", log), "2999-01-01 is in the future")
    assert names(log) == ["Pema Example"]


def test_merge_refuses_a_log_forgotten_before_a_future_date(tmp_path):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = edited(logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample")),
                    "INSERT INTO meta (name, value) VALUES ('forgotten_before', '2999-01-01')")
    refused(run("log", "merge", theirs, "--log", ours), str(theirs), "2999-01-01 is in the future")
    assert names(ours) == ["Pema Example"]
    # and nothing of it was copied in: a later merge of a sound log deletes nothing
    sound = logged(tmp_path / "sound.sqlite", entry("Dolma Placeholder"))
    assert run("log", "merge", sound, "--log", ours).stdout.startswith("added 1, updated 0 status(es), removed 0")


def test_merge_refuses_letters_created_in_the_future(tmp_path):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample", created="2999-01-01T00:00:00.000000Z"))
    refused(run("log", "merge", theirs, "--log", ours), "created 2999-01-01T00:00:00.000000Z is in the future")
    assert names(ours) == ["Pema Example"]


# ---- a merged log is only read, and only as drafter writes it ------------------------------------

def test_merge_recomputes_lookup_names_instead_of_copying_them(tmp_path):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = edited(logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample")),
                    "UPDATE letters SET name_norm = 'somebody else', email_norm = 'x@example.org'")
    assert run("log", "merge", theirs, "--log", ours).exit_code == 0
    found = run("log", "list", "--constituent", "tenzin sample", "--format", "csv", "--log", ours).stdout
    assert "Tenzin Sample" in found
    result = run("log", "forget", "--constituent", "Tenzin Sample", "--log", ours)
    assert result.stdout.startswith("removed 1 letter(s)"), result.output
    assert names(ours) == ["Pema Example"]


def _first_version_log(path: Path, monkeypatch) -> Path:
    from test_log import at_schema
    with monkeypatch.context() as m:
        at_schema(m, 1)
        return logged(path, entry("Tenzin Sample"))


def test_merge_never_changes_the_other_file(tmp_path, monkeypatch):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = _first_version_log(tmp_path / "theirs.sqlite", monkeypatch)
    before = hashlib.sha256(theirs.read_bytes()).hexdigest()
    result = run("log", "merge", theirs, "--log", ours)
    assert result.stdout.startswith("added 1,"), result.output
    assert hashlib.sha256(theirs.read_bytes()).hexdigest() == before      # not migrated in place
    assert sqlite3.connect(theirs).execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    assert names(ours) == ["Pema Example", "Tenzin Sample"]


@pytest.mark.parametrize("statement, words", [
    ("CREATE TRIGGER nosy AFTER DELETE ON letters BEGIN DELETE FROM meta; END", ["trigger nosy"]),
    ("CREATE VIEW endless AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n",
     ["view endless"]),
    ("ALTER TABLE letters RENAME TO old_letters", ["no table letters"]),
    ("UPDATE letters SET status = 'lost'", ["unknown status 'lost'"]),
    ("UPDATE letters SET kind = 'robot'", ["unknown kind 'robot'"]),
    ("UPDATE letters SET recipients = '[\"M000133\"'", ["recipients is not a JSON list of strings"]),
    ("UPDATE letters SET recipients = '[1]'", ["recipients is not a JSON list of strings"]),
    ("UPDATE letters SET created = 'yesterday'", ["created 'yesterday' is not a date"]),
    ("UPDATE letters SET status_on = 'soon'", ["status_on 'soon' is not a date"]),
    ("UPDATE letters SET name = X'00ff'", ["name is not text"]),
    ("UPDATE letters SET fingerprint = 'not base64 at all'", ["fingerprint is not one drafter makes"]),
    ("UPDATE letters SET fingerprint = X'00ff'", ["fingerprint is not text"]),
    ("UPDATE schema_version SET version = 99", ["schema version 99"]),
    ("INSERT INTO meta (name, value) VALUES ('forgotten_before', 'never')", ["'never' is not a date"]),
    ("INSERT INTO tombstones VALUES ('s', 'not a digest', 'x')", ["tombstone"]),
])
def test_a_hostile_or_damaged_log_is_refused_whole(tmp_path, statement, words):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = edited(logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample"), entry("Dolma Placeholder")),
                    statement)
    before = hashlib.sha256(theirs.read_bytes()).hexdigest()
    refused(run("log", "merge", theirs, "--log", ours), str(theirs), *words)
    assert names(ours) == ["Pema Example"]
    assert hashlib.sha256(theirs.read_bytes()).hexdigest() == before


def test_a_view_in_place_of_the_letters_table_does_not_hang_the_merge(tmp_path):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = edited(logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample")),
                    "ALTER TABLE letters RENAME TO real_letters",
                    "CREATE VIEW letters AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT r.* FROM real_letters r, n")
    refused(run("log", "merge", theirs, "--log", ours), "view letters")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_merging_a_fifo_says_it_is_not_a_log_file(tmp_path):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    os.mkfifo(tmp_path / "pipe")
    refused(run("log", "merge", tmp_path / "pipe", "--log", ours), "not a log file")


# ---- forgetting the right person --------------------------------------------------------------

def test_forget_by_email_keeps_a_namesake_and_lists_those_without_an_email(tmp_path):
    pema = entry("Pema Example", email="pema@example.org")
    namesake = entry("Pema Example", email="other.pema@example.net", state="NY", city="Albany", zip="12207",
                     member="S000148")
    no_email = entry("Pema Example", email="", member="W000817")
    log = logged(tmp_path / "log.sqlite", pema, namesake, no_email)
    result = run("log", "forget", "--constituent", "PEMA@example.org", "--log", log)
    assert result.exit_code == 0 and result.stdout.startswith("removed 1 letter(s)"), result.output
    assert "kept 1 letter(s) with the same name and no email (ids 3)" in result.stdout
    assert "drafter log forget --constituent 'Pema Example'" in result.stdout
    with open_log(None, log) as opened:
        assert sorted(r.email for r in opened.list_letters()) == ["", "other.pema@example.net"]
    # the namesake is not tombstoned: her letters merged from a laptop stay
    laptop = logged(tmp_path / "laptop.sqlite", replace(namesake, sha256="d" * 64))
    assert run("log", "merge", laptop, "--log", log).stdout.startswith("added 1,")


INVISIBLE = ["Pema\u200b Example", "Pe\u00adma Example", "Pema Exam\u200dple", "\ufeffPema Example",
             "Pema\u2060 Example", "Pema Example\u034f"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_names_with_invisible_characters_are_found_and_forgotten(tmp_path, name):
    log = logged(tmp_path / "log.sqlite", entry(name, email=""), entry("Tenzin Sample"))
    listed = run("log", "list", "--constituent", "pema example", "--format", "csv", "--log", log).stdout
    assert len(listed.splitlines()) == 2, listed
    result = run("log", "forget", "--constituent", "Pema Example", "--log", log)
    assert result.stdout.startswith("removed 1 letter(s)"), result.output
    assert names(log) == ["Tenzin Sample"]


def test_an_older_log_finds_names_with_invisible_characters_once_opened(tmp_path, monkeypatch):
    from test_log import at_schema
    with monkeypatch.context() as m:
        at_schema(m, 2)
        log = logged(tmp_path / "log.sqlite", entry("Pema\u200b Example", email=""), entry("Tenzin Sample"))
    edited(log, "UPDATE letters SET name_norm = 'pema\u200b example' WHERE name LIKE 'Pema%'")   # as 2 stored it
    result = run("log", "forget", "--constituent", "pema example", "--log", log)
    assert result.stdout.startswith("removed 1 letter(s)"), result.output


def test_forget_names_the_log_it_changed(tmp_path):
    log = logged(tmp_path / "log.sqlite", entry("Pema Example"))
    result = run("log", "forget", "--constituent", "Pema Example", "--log", log)
    assert result.stdout.startswith(f"removed 1 letter(s) from {log};"), result.output


def _bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_forget_beside_a_reader_says_what_remains_and_how_to_finish(tmp_path):
    log = logged(tmp_path / "log.sqlite", entry("Pema Forgettable", street="77 Secret Lane"), entry("Tenzin Sample"))
    reader = sqlite3.connect(log, isolation_level=None)        # another program, mid-read
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM letters").fetchone()
    try:
        result = run("log", "forget", "--constituent", "Pema Forgettable", "--log", log)
        refused(result, "remain in", f"{log}-wal", "close the programs using the log", "drafter log forget")
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    result = run("log", "forget", "--constituent", "Pema Forgettable", "--log", log)
    assert result.exit_code == 0, result.output
    assert b"77 Secret Lane" not in _bytes(log) and b"Pema Forgettable" not in _bytes(log)


@pytest.mark.slow
def test_postgresql_forget_by_a_role_that_does_not_own_the_tables_exits_1(postgres):  # noqa: F811
    import psycopg
    logged(postgres, entry("Pema Example"), entry("Tenzin Sample"))
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute("DO $$ BEGIN CREATE ROLE drafter_clerk LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO drafter_clerk")
        conn.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO drafter_clerk")
        conn.execute("GRANT USAGE, CREATE ON SCHEMA public TO drafter_clerk")
    clerk = postgres.replace("://drafter@", "://drafter_clerk@")
    assert clerk != postgres
    result = run("log", "forget", "--constituent", "Pema Example", "--log", clerk)
    refused(result, "remain in the PostgreSQL table files", "as the role that owns the log's tables")
    assert names(postgres) == ["Tenzin Sample"]                    # the rows themselves are gone
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute("REASSIGN OWNED BY drafter_clerk TO drafter")
        conn.execute("DROP OWNED BY drafter_clerk")


@pytest.mark.slow
def test_merging_a_postgresql_log_with_a_view_is_refused(tmp_path, postgres):  # noqa: F811
    import psycopg
    logged(postgres, entry("Tenzin Sample"))
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    assert run("log", "merge", postgres, "--log", ours).stdout.startswith("added 1,")     # read-only session
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute("CREATE VIEW endless AS SELECT generate_series(1, 10)")
    refused(run("log", "merge", postgres, "--log", ours), "view endless")


# ---- the constituents' export fed back to a batch ------------------------------------------------

def test_exported_constituents_read_back_without_the_formula_escape(tmp_path, shared):
    from test_log_batch import LEGISLATORS, ZIPS  # noqa: F401
    log = logged(tmp_path / "log.sqlite",
                 entry("Pema Example", message="- my brother was detained\n- his phone was searched"),
                 entry("Tenzin Sample", message="'-1 was a typo'"))
    exported = tmp_path / "people.csv"
    assert run("log", "export", "--constituents", exported, "--log", log).exit_code == 0
    with open(exported, encoding="utf-8-sig", newline="") as fh:
        notes = [r["Note"] for r in csv.DictReader(fh)]
    assert notes == ["'- my brother was detained\n- his phone was searched", "''-1 was a typo'"]   # safe to open
    out = tmp_path / "out"
    result = run("-C", REPO, "batch", "constituent", "--constituents", exported, "--legislators",
                 shared / LEGISLATORS, "--zip-districts", shared / ZIPS, "-o", out, "--format", "txt",
                 "--log", tmp_path / "again.sqlite")
    assert result.exit_code == 0, result.output
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.txt")}
    pema = next(t for n, t in texts.items() if "pema" in n.lower())
    assert "\n- my brother was detained\n" in pema and "\n- his phone was searched\n" in pema and "'-" not in pema
    tenzin = next(t for n, t in texts.items() if "tenzin" in n.lower())
    assert "'-1 was a typo'" in tenzin and "''" not in tenzin


# ---- the tests' own log -----------------------------------------------------------------------

def test_tests_never_write_into_the_example_campaigns_log(tmp_path):
    """The README's test command drafts against the repository's example campaign (letterhead,
    kit, LibreOffice tests): those letters go to a temporary log, never to the campaign's own."""
    def state():
        return {p.name: p.read_bytes() for p in REPO.glob(LOG_FILE + "*")}
    before = state()
    result = run("-C", REPO, "draft", "erc-entity-list", "-o", tmp_path / "out", "--format", "txt")
    assert result.exit_code == 0, result.output
    assert state() == before
    assert Path(os.environ["DRAFTER_LOG"]).is_file() and REPO not in Path(os.environ["DRAFTER_LOG"]).parents


# ---- fuzzing a merged log ---------------------------------------------------------------------

_VALUES = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True), st.text(max_size=40), st.binary(max_size=20),
                    st.sampled_from(["drafted", "sent", "answered", "[]", "[\"x\"]", "2026-03-02",
                                     "2999-01-01T00:00:00Z", "2020-01-01T00:00:00.000000Z", "{}", "null"]))
_COLUMN = st.sampled_from(["uid", "letter_key", "created", "command", "letter", "template", "recipients", "office",
                           "kind", "name", "street", "email", "name_norm", "email_norm", "formats", "paths",
                           "sha256", "status", "status_on", "note", "status_changed"])
_DDL = st.sampled_from([
    "ALTER TABLE letters DROP COLUMN note", "ALTER TABLE letters ADD COLUMN extra TEXT",
    "DROP TABLE tombstones", "CREATE TABLE tombstones2 (x)", "DELETE FROM schema_version",
    "CREATE TRIGGER t AFTER UPDATE ON meta BEGIN SELECT 1; END", "CREATE VIEW v AS SELECT 1",
    "CREATE INDEX extra_index ON letters (name)", "DELETE FROM meta"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(_COLUMN, _VALUES, st.sampled_from([1, 2])), max_size=4),
       ddl=st.lists(_DDL, max_size=2), stones=st.lists(st.tuples(_VALUES, _VALUES, _VALUES), max_size=2),
       before=st.one_of(st.none(), _VALUES))
def test_a_fuzzed_merged_log_never_tracebacks_or_loses_a_row(tmp_path_factory, cells, ddl, stones, before):
    folder = tmp_path_factory.mktemp("fuzz")
    ours = logged(folder / "ours.sqlite", entry("Pema Example"), entry("Dolma Placeholder"))
    theirs = logged(folder / "theirs.sqlite", entry("Tenzin Sample"), entry("Karma Testcase", member="W000817"))
    db = sqlite3.connect(theirs)
    for statement in ddl:
        try:
            db.execute(statement)
        except sqlite3.Error:
            pass
    for column, value, row_id in cells:
        try:
            db.execute(f"UPDATE letters SET {column} = ? WHERE id = ?", (value, row_id))
        except sqlite3.Error:
            pass
    for stone in stones:
        try:
            db.execute("INSERT INTO tombstones VALUES (?, ?, ?)", stone)
        except sqlite3.Error:
            pass
    if before is not None:
        try:
            db.execute("INSERT INTO meta (name, value) VALUES ('forgotten_before', ?)", (before,))
        except sqlite3.Error:
            pass
    db.commit()
    db.close()
    content = hashlib.sha256(theirs.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["log", "merge", str(theirs), "--log", str(ours)])
    assert result.exit_code in (0, 1) and isinstance(result.exception, (SystemExit, type(None))), result.output
    assert "Traceback" not in result.output
    assert {"Pema Example", "Dolma Placeholder"} <= set(names(ours))      # none of ours lost
    assert hashlib.sha256(theirs.read_bytes()).hexdigest() == content


# ---- talking points and constituency (schema 5) ------------------------------------------------

def test_merge_carries_points_and_constituency_and_takes_a_schema_4_log(tmp_path, monkeypatch):
    from test_log import at_schema
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example", points="children; scale"))
    theirs = logged(tmp_path / "theirs.sqlite", entry("Tenzin Sample", points="least-free", street="3 High Street",
                                                     city="Northallerton", state="", zip="DL7 8EQ", district="",
                                                     constituency="E14001444"))
    with monkeypatch.context() as m:
        at_schema(m, 4)
        older = logged(tmp_path / "older.sqlite", entry("Dolma Placeholder"))
    assert run("log", "merge", theirs, "--log", ours).stdout.startswith("added 1,")
    assert run("log", "merge", older, "--log", ours).stdout.startswith("added 1,")
    with open_log(None, ours) as log:
        assert {r.name: (r.points, r.constituency) for r in log.list_letters()} == {
            "Pema Example": ("children; scale", ""), "Tenzin Sample": ("least-free", "E14001444"),
            "Dolma Placeholder": ("", "")}


@pytest.mark.parametrize("column", ["points", "constituency"])
def test_merge_refuses_an_anonymous_letter_with_points_or_a_constituency(tmp_path, column):
    ours = logged(tmp_path / "ours.sqlite", entry("Pema Example"))
    theirs = logged(tmp_path / "theirs.sqlite", replace(entry("Tenzin Sample", kind="anonymous", street="", city="",
                                                             state="", zip="", district="", message="", email=""),
                                                       name=""))
    edited(theirs, f"UPDATE letters SET {column} = 'children'")
    refused(run("log", "merge", theirs, "--log", ours), "an anonymous letter holds personal fields")
    assert names(ours) == ["Pema Example"]


def test_forget_removes_the_points_and_constituency_bytes(tmp_path):
    log = logged(tmp_path / "log.sqlite", entry("Pema Example", points="no-refusal; us-concern",
                                               constituency="Richmond Park"), entry("Tenzin Sample"))
    assert b"no-refusal; us-concern" in _bytes(log) and b"Richmond Park" in _bytes(log)
    assert run("log", "forget", "--constituent", "pema@example.org", "--log", log).exit_code == 0
    assert b"no-refusal; us-concern" not in _bytes(log) and b"Richmond Park" not in _bytes(log)
