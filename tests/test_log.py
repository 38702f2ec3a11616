"""The campaign log: recording, questions, marks, exports, merge, forget, and a log that cannot be
opened. Batch logging (kill -9, 1,000 letters, SQLite and PostgreSQL alike) is in test_log_batch.py."""
from __future__ import annotations

import csv
import json
import multiprocessing
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from conftest import REPO
from drafter.cli import main
from drafter.log import LOG_FILE, LogEntry, open_log
from drafter.log.schema import LATEST


def entry(name="Pema Example", sha="a" * 64, member="M000133", **kw) -> LogEntry:
    fields = dict(command="batch", letter="constituent", template="constituent", recipient_ids=(member,),
                  office="Edward J. Markey, United States Senate", formats=("docx",),
                  paths=(f"/out/{name}-{member}.docx",), sha256=sha, kind="constituent", name=name,
                  street="12 Main Street", city="Waltham", state="MA", zip="02451", district="5",
                  message="My own words.", email=f"{name.split()[0].lower()}@example.org")
    fields.update(kw)
    return LogEntry(**fields)


def at_schema(m: pytest.MonkeyPatch, version: int) -> None:
    """Make logs as a drafter at an earlier schema version did (`m` a monkeypatch context):
    its migrations, and its letters' columns (version 4 added the fingerprint, 5 the points and
    constituency)."""
    from drafter.log import schema, store
    m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:version])
    m.setattr(schema, "LATEST", version)
    later = {4: ("fingerprint",), 5: ("points", "constituency")}
    gone = {c for v, columns in later.items() if v > version for c in columns}
    if gone:
        keep = [i for i, c in enumerate(store._COLUMNS) if c not in gone]
        row_of = store._row_of
        m.setattr(store, "_COLUMNS", tuple(store._COLUMNS[i] for i in keep))
        m.setattr(store, "_row_of", lambda e: tuple(row_of(e)[i] for i in keep))


def cli(campaign: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(campaign), *args], catch_exceptions=False)


# ---- recording ---------------------------------------------------------------------------------

def test_ids_are_those_earlier_logs_hold():
    """key and uid are digests that every log shares (merge matches on them): a drafter that
    computed them otherwise would double every merged letter. These are the ids of 0.1's log."""
    e = entry(name="Tenzin Dölma  ", sha="a" * 64, office="x", paths=("/out/a.docx",), template="constituent",
              message="", email="TD@Example.org", street="12 Main Street")
    assert e.key == "6836b63a7306162496d57cd8797d1790bf4a8ff7d9dbc57ab9209f7b1f1e0abd"
    assert e.uid == "842be3fb5dbd513842b3993951b2321c3c772c70d8a7923e818a7ac6ae16b6d7"


@given(st.recursive(st.lists(st.text()), lambda inner: st.lists(st.one_of(st.text(), inner)), max_leaves=12))
def test_json_strings_is_json_dumps(value):
    from json.encoder import encode_basestring_ascii
    from drafter.log.entry import json_strings
    assert json_strings(value) == json.dumps(value, ensure_ascii=False)
    assert json_strings(value, encode_basestring_ascii) == json.dumps(value)


def test_same_content_adds_nothing_new_content_adds_a_version(tmp_path):
    with open_log(tmp_path) as log:
        first = log.record([entry(), entry(member="W000817")])
        assert log.record([entry(), entry(member="W000817")]) == first       # nothing added
        later = replace(entry(sha="b" * 64), created="2099-01-01T00:00:00.000000Z")
        (third,) = log.record([later])
        assert third not in first
        rows = log.list_letters()
    assert [(r.id, r.version) for r in rows] == [(first[0], 1), (first[1], 1), (third, 2)]
    assert (tmp_path / LOG_FILE).is_file()


def create_log(folder: Path) -> None:
    """A new, empty log (open_log alone creates the file only when the log is first used)."""
    with open_log(folder) as log:
        log.list_letters()


def _three_entries(item):
    return [entry(f"Person{item} Writer{i}", sha=f"{item:032x}{i:032x}") for i in range(3)]


def test_chunks_waiting_for_the_log_go_in_one_transaction_in_order(tmp_path):
    """The log's process records each chunk once its files are placed; chunks that arrived
    while it was busy go in one transaction together, in the order they were sent."""
    from drafter.log import writer
    ours, theirs = multiprocessing.Pipe()
    for item in (1, 2, 3):
        ours.send(item)
    entries, ending = writer.gathered(theirs, _three_entries, 0)
    assert [e.name for e in entries] == [f"Person{c} Writer{i}" for c in range(4) for i in range(3)]
    assert not ending and not theirs.poll()
    ours.send(None)
    entries, ending = writer.gathered(theirs, _three_entries, 4)
    assert len(entries) == 3 and ending

    writing = writer.LogWriter(None, str(tmp_path / "log.sqlite"))
    try:
        writing.start(_three_entries)
        writing.ready()
        for item in range(5):
            writing.send(item)
        writing.finish()
    finally:
        writing.abandon()
    with open_log(None, str(tmp_path / "log.sqlite")) as log:
        assert [r.name for r in log.list_letters()] == [f"Person{c} Writer{i}" for c in range(5) for i in range(3)]


def test_a_log_that_cannot_open_stops_the_writer_with_its_reason(tmp_path):
    from drafter.log import writer
    from drafter.log.entry import LogError
    writing = writer.LogWriter(None, str(tmp_path / "no such folder" / "log.sqlite"))
    try:
        writing.start(_three_entries)
        with pytest.raises(LogError, match="folder does not exist"):
            writing.ready()
    finally:
        writing.abandon()
    assert not writing.process.is_alive()


def test_schema_is_versioned(tmp_path):
    create_log(tmp_path)
    db = sqlite3.connect(tmp_path / LOG_FILE)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(LATEST,)]
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_draft_records_its_letters_and_list_stats_mark_answer(campaign, tmp_path):
    out = tmp_path / "out"
    result = cli(campaign, "draft", "erc-entity-list", "--each", "-o", str(out), "--format", "docx",
                 "--format", "txt")
    assert result.exit_code == 0, result.output
    result = cli(campaign, "log", "list", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["recipients"] for r in rows] == [["raimondo"], ["yellen"], ["blinken"]]
    for row in rows:
        assert row["command"] == "draft" and row["status"] == "drafted" and row["formats"] == ["docx", "txt"]
        docx = Path(row["paths"][0])
        assert docx.parent == out and docx.suffix == ".docx"
        import hashlib
        assert hashlib.sha256(docx.read_bytes()).hexdigest() == row["sha256"]
        assert "Christopher H. Smith" in row["name"] and row["kind"] == "signer"
    # drafting again with --force and the same content adds no row
    assert cli(campaign, "draft", "erc-entity-list", "--each", "-o", str(out), "--force").exit_code == 0
    assert len(json.loads(cli(campaign, "log", "list", "--format", "json").stdout)) == 3
    result = cli(campaign, "log", "mark", "1", "2", "--sent", "--on", "2026-03-02", "--note", "by hand")
    assert result.stdout == "marked 2 letter(s) sent on 2026-03-02: 1, 2\n"
    assert cli(campaign, "log", "mark", "2", "--answered", "--on", "2026-03-09").exit_code == 0
    result = cli(campaign, "log", "stats")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["recipient", "office", "letters", "sent", "answered"]
    assert any(line.startswith("raimondo") and "Secretary of Commerce" in line for line in lines)
    assert lines[-1].split() == ["total", "3", "2", "1"]
    stats = json.loads(cli(campaign, "log", "stats", "--by", "status", "--format", "json").stdout)
    assert {r["status"]: r["letters"] for r in stats["rows"]} == {"answered": 1, "drafted": 1, "sent": 1}
    listed = cli(campaign, "log", "list", "--status", "answered").stdout
    assert "answered 2026-03-09" in listed and len(listed.splitlines()) == 2
    row = json.loads(cli(campaign, "log", "list", "--recipient", "raimondo", "--format", "json").stdout)
    assert [r["note"] for r in row] == ["by hand"]


def test_mark_unknown_id_and_bad_date_are_clean_errors(campaign):
    create_log(campaign)
    result = cli(campaign, "log", "mark", "7", "--sent")
    assert result.exit_code == 1 and "no letter with id 7" in result.output and "Traceback" not in result.output
    assert cli(campaign, "log", "mark", "7", "--sent", "--on", "March 2").exit_code == 2
    assert cli(campaign, "log", "mark", "7").exit_code == 2


def test_kit_logs_call_scripts_and_fact_sheet(campaign, shared, tmp_path):
    result = cli(campaign, "kit", "erc-entity-list", "-o", str(tmp_path / "kit"), "--legislators",
                 str(shared / "data/congress-legislators/legislators-current.yaml"), "--state", "OR")
    rows = json.loads(cli(campaign, "log", "list", "--format", "json").stdout)
    kinds = sorted((r["template"], tuple(r["recipients"])) for r in rows)
    # Senator Merkley (M001176) signed the letter: no call script for him, nothing logged
    assert kinds == [("kit-call-script", ("W000779",)),
                     ("kit-factsheet", ("raimondo", "yellen", "blinken"))], result.output


def test_list_filters(tmp_path):
    with open_log(tmp_path) as log:
        log.record([entry(), entry("Tenzin Sample", member="S000148", state="NY"),
                    entry("Dolma Placeholder", letter="other", created="2020-01-01T00:00:00.000000Z")])
        assert [r.name for r in log.list_letters(constituent="TENZIN")] == ["Tenzin Sample"]
        assert [r.name for r in log.list_letters(constituent="pema@example")] == ["Pema Example"]
        assert [r.name for r in log.list_letters(constituent="%")] == []        # no wildcard from users
        assert [r.name for r in log.list_letters(letter="other")] == ["Dolma Placeholder"]
        assert [r.name for r in log.list_letters(recipient="S000148")] == ["Tenzin Sample"]
        assert len(log.list_letters(since="2021-01-01")) == 2
        rows, total = log.stats("state")
    assert [(r["state"], r["letters"]) for r in rows] == [("MA", 2), ("NY", 1)] and total["letters"] == 3


# ---- exports ----------------------------------------------------------------------------------

def test_export_is_spreadsheet_safe_and_never_overwrites(campaign, tmp_path):
    with open_log(campaign) as log:
        log.record([entry("=HYPERLINK(\"http://x\")"), entry("@SUM(A1)", member="S000148"),
                    entry("Pema Example", message="-1 is\tfine", member="W000817"),
                    entry("\tTab", member="X1"), entry("+1 Plus", member="X2")])
    path = tmp_path / "letters.csv"
    result = cli(campaign, "log", "export", str(path))
    assert result.exit_code == 0 and result.stdout == f"{path}\n"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "Pema Example", "'\tTab", "'+1 Plus"]
    assert rows[2]["message"] == "'-1 is\tfine"
    for row in rows:
        assert all(not v or v[0] not in "=+-@\t\r" for v in row.values())
    result = cli(campaign, "log", "export", str(path))
    assert result.exit_code == 1 and "already exists" in result.output
    assert cli(campaign, "log", "export", str(path), "--force").exit_code == 0


# ---- merge ------------------------------------------------------------------------------------

def test_merge_twice_gives_the_union_once(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shared_letter = entry("Both Laptops")
    with open_log(a) as log:
        log.record([entry("Pema Example"), shared_letter])
    with open_log(b) as log:
        ids = log.record([entry("Tenzin Sample"), shared_letter, entry("Dolma Placeholder")])
        log.mark([ids[1]], "sent", on="2026-03-02")
    runner = CliRunner()
    for expected in ("added 2, updated 1 status(es), removed 0 forgotten",
                     "added 0, updated 0 status(es), removed 0 forgotten"):
        result = runner.invoke(main, ["-C", str(a), "log", "merge", str(b / LOG_FILE)])
        assert result.exit_code == 0 and result.stdout.strip() == expected, result.output
    with open_log(a) as log:
        rows = log.list_letters()
    assert sorted(r.name for r in rows) == ["Both Laptops", "Dolma Placeholder", "Pema Example", "Tenzin Sample"]
    assert {r.name: r.status for r in rows}["Both Laptops"] == "sent"
    result = runner.invoke(main, ["-C", str(a), "log", "merge", str(tmp_path / "missing.sqlite")])
    assert result.exit_code == 1 and "no such log file" in result.output


# ---- forget -----------------------------------------------------------------------------------

def _bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob(LOG_FILE + "*"))


def test_forget_removes_the_bytes_and_stays_forgotten_after_merging_an_older_log(tmp_path):
    main_log, laptop = tmp_path / "main", tmp_path / "laptop"
    main_log.mkdir(), laptop.mkdir()
    pema = entry("Pema Forgettable", email="pema.forget@example.org", street="77 Secret Lane")
    with open_log(laptop) as log:               # an older event laptop's log that has her too
        log.record([pema, entry("Tenzin Sample")])
    with open_log(main_log) as log:
        log.record([pema, replace(pema, recipient_ids=("W000817",), sha256="c" * 64), entry("Dolma Placeholder")])
    assert b"Pema Forgettable" in _bytes(main_log)
    result = cli(main_log, "log", "forget", "--constituent", "PEMA.FORGET@example.org")
    assert result.exit_code == 0 and result.stdout.startswith("removed 2 letter(s)"), result.output
    data = _bytes(main_log)
    for secret in (b"Pema Forgettable", b"pema.forget", b"77 Secret Lane", b"pema forgettable"):
        assert secret not in data
    assert cli(main_log, "log", "merge", str(laptop / LOG_FILE)).stdout.startswith("added 1,")
    with open_log(main_log) as log:
        assert sorted(r.name for r in log.list_letters()) == ["Dolma Placeholder", "Tenzin Sample"]
    assert b"Pema Forgettable" not in _bytes(main_log)
    # and the laptop's log, merged the other way, loses her too
    assert cli(laptop, "log", "merge", str(main_log / LOG_FILE)).exit_code == 0
    with open_log(laptop) as log:
        assert "Pema Forgettable" not in [r.name for r in log.list_letters()]
    assert b"Pema Forgettable" not in _bytes(laptop)


def test_forget_before_a_date(tmp_path):
    with open_log(tmp_path) as log:
        log.record([entry("Old Writer", created="2020-05-01T00:00:00.000000Z"), entry("New Writer")])
    result = cli(tmp_path, "log", "forget", "--before", "2021-01-01")
    assert result.exit_code == 0 and result.stdout.startswith("removed 1 letter(s)")
    other = tmp_path / "other"
    other.mkdir()
    with open_log(other) as log:
        log.record([entry("Old Writer", created="2020-05-01T00:00:00.000000Z")])
    cli(tmp_path, "log", "merge", str(other / LOG_FILE))
    with open_log(tmp_path) as log:
        assert [r.name for r in log.list_letters()] == ["New Writer"]
    assert cli(tmp_path, "log", "forget").exit_code == 2


# ---- a log that cannot be used stops the run before anything is written -------------------------

def _draft(campaign, out, *extra):
    return cli(campaign, "draft", "erc-entity-list", "-o", str(out), *extra)


def test_a_failed_run_leaves_no_new_log(campaign, tmp_path):
    (campaign / "letters/erc-entity-list.yaml").write_text("template: nowhere\n")
    assert _draft(campaign, tmp_path / "out").exit_code == 1
    assert not list(campaign.glob(LOG_FILE + "*"))


def test_damaged_log_stops_draft_before_writing(campaign, tmp_path):
    (campaign / LOG_FILE).write_bytes(b"this is not a database" * 100)
    result = _draft(campaign, tmp_path / "out")
    assert result.exit_code == 1 and "damaged or is not a drafter log" in result.output
    assert str(campaign / LOG_FILE) in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_newer_schema_stops_draft_before_writing(campaign, tmp_path):
    create_log(campaign)
    db = sqlite3.connect(campaign / LOG_FILE)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    result = _draft(campaign, tmp_path / "out")
    assert result.exit_code == 1 and "schema version 99, newer than this drafter knows" in result.output
    assert not (tmp_path / "out").exists()


def test_locked_log_stops_draft_before_writing(campaign, tmp_path, monkeypatch):
    create_log(campaign)
    holder = sqlite3.connect(campaign / LOG_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setenv("DRAFTER_LOG_TIMEOUT", "0.3")
    try:
        result = _draft(campaign, tmp_path / "out")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "locked by another drafter process" in result.output
    assert not (tmp_path / "out").exists()


def test_postgresql_down_stops_draft_before_writing(campaign, tmp_path):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                                   # nothing listens there now
    result = _draft(campaign, tmp_path / "out", "--log", f"postgresql://drafter:secret@127.0.0.1:{port}/x")
    assert result.exit_code == 1 and "cannot reach the PostgreSQL log" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_log_folder_missing_is_a_clean_error(campaign, tmp_path):
    result = _draft(campaign, tmp_path / "out", "--log", str(tmp_path / "nowhere" / "log.sqlite"))
    assert result.exit_code == 1 and "folder does not exist" in result.output
    assert not (tmp_path / "out").exists()


def test_drafter_log_env_names_the_log(campaign, tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_LOG", str(tmp_path / "elsewhere.sqlite"))
    assert _draft(campaign, tmp_path / "out").exit_code == 0
    assert (tmp_path / "elsewhere.sqlite").is_file() and not (campaign / LOG_FILE).exists()


def test_plain_draft_does_not_import_psycopg(campaign, tmp_path):
    code = ("import sys; from drafter.cli import main\n"
            f"try: main(['-C', {str(campaign)!r}, 'draft', 'erc-entity-list', '-o', {str(tmp_path / 'o')!r}])\n"
            "except SystemExit: pass\n"
            "print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip().endswith("False"), out.stderr


def test_init_keeps_the_log_out_of_git(tmp_path):
    assert cli(tmp_path, "init", str(tmp_path / "new")).exit_code == 0
    assert "drafter-log.sqlite" in (tmp_path / "new" / ".gitignore").read_text()
    assert "drafter-log.sqlite" in (REPO / ".gitignore").read_text()


# ---- several processes at once ----------------------------------------------------------------

def _log_many(target: str, worker: int, n: int) -> None:
    for chunk in range(0, n, 25):
        with open_log(None, target) as log:
            log.record([entry(f"Worker{worker} Person{i}", sha=f"{worker:032x}{i:032x}")
                        for i in range(chunk, min(n, chunk + 25))])


def four_processes(target: str, n: int = 200) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_log_many, args=(target, w, n)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with open_log(None, target) as log:
        rows = log.list_letters()
    assert len(rows) == 4 * n and len({r.entry.uid for r in rows}) == 4 * n


def test_four_processes_logging_at_once_lose_no_row(tmp_path):
    four_processes(str(tmp_path / "shared.sqlite"))
