"""The campaign log and `drafter batch`: the log agrees with the manifest and the files on disk,
survives kill -9, and gives the same answers in SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, UNDER_CI, need
from drafter.cli import main
from drafter.log import LOG_FILE, open_log
from test_batch import LEGISLATORS, ZIPS, _many_people, manifest
from test_log import four_processes


def cli(campaign: Path, *args: str):
    return CliRunner().invoke(main, ["-C", str(campaign), *args], catch_exceptions=False)


def batch(campaign, shared, people, out, *extra):
    return cli(campaign, "batch", "constituent", "--constituents", str(people), "--legislators",
               str(shared / LEGISLATORS), "--zip-districts", str(shared / ZIPS), "-o", str(out), *extra)


def listed(campaign, *extra) -> list[dict]:
    result = cli(campaign, "log", "list", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def assert_log_matches_disk(campaign: Path, out: Path, expected: int, *extra) -> None:
    """Every letter on disk is in the log once, with its content's sha256, and nothing more."""
    rows = listed(campaign, *extra)
    on_disk = {str(p.absolute()): sha(p) for p in out.glob("*.docx")}
    assert len(on_disk) == expected
    assert {r["paths"][0]: r["sha256"] for r in rows} == on_disk
    assert len(rows) == expected


def test_batch_log_agrees_with_manifest_and_reruns_add_nothing(campaign, shared, tmp_path):
    out = tmp_path / "out"
    people = REPO / "examples/constituents.csv"
    assert batch(campaign, shared, people, out, "--format", "docx", "--format", "txt").exit_code == 0
    rows = listed(campaign)
    placed = [r for r in manifest(out) if r["file"].endswith(".docx")]
    assert [(str(out.absolute() / r["file"]), r["sha256"]) for r in placed] == \
        [(r["paths"][0], r["sha256"]) for r in rows]
    pema = next(r for r in rows if r["name"] == "Pema Example")
    assert (pema["street"], pema["city"], pema["state"], pema["zip"], pema["email"]) == \
        ("12 Main Street", "Waltham", "MA", "02451", "pema@example.org")
    assert pema["message"].startswith("I volunteer with Tibetan families") and pema["kind"] == "constituent"
    assert pema["formats"] == ["docx", "txt"] and pema["paths"][1].endswith(".txt")
    assert batch(campaign, shared, people, out, "--format", "docx", "--format", "txt").exit_code == 0
    assert listed(campaign) == rows                          # the same content: no new row
    # new content for one letter: a conflict is not logged; forced, it is a new version
    (campaign / "letters/templates/constituent.md.j2").write_text(
        (campaign / "letters/templates/constituent.md.j2").read_text() + "\nThank you for your time.\n")
    assert batch(campaign, shared, people, out, "--format", "docx", "--format", "txt").exit_code == 1
    assert listed(campaign) == rows
    assert batch(campaign, shared, people, out, "--format", "docx", "--format", "txt", "--force").exit_code == 0
    again = listed(campaign)
    assert len(again) == 2 * len(rows) and {r["version"] for r in again[len(rows):]} == {2}
    stats = json.loads(cli(campaign, "log", "stats", "--by", "letter", "--format", "json").stdout)
    assert stats["total"]["letters"] == len(rows)            # a letter counts once, whatever its versions


def similar(campaign, *extra) -> dict:
    result = cli(campaign, "log", "stats", "--similar", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_stats_similar_measures_a_day_of_action_across_laptops(campaign, shared, tmp_path):
    """Two laptops each batch some volunteers of one district: each batch alone sees one letter
    per office, the merged log sees them all. The log's figures are the batches' (the same
    fingerprints), and a letter's fingerprint is 128 hashes, not text."""
    from drafter.compose.similarity import FINGERPRINT_CHARS
    from test_batch import similarity_csv, write_people
    laptops = []
    for n, who in enumerate((["Pema Example", "Dawa Sample"], ["Lhamo Madeup"])):
        people = write_people(tmp_path / f"people{n}.csv",
                              [[name, f"{i} Main Street", "Waltham", "MA", "02451", "", ""] for i, name in enumerate(who)])
        log = tmp_path / f"laptop{n}.sqlite"
        result = batch(campaign, shared, people, tmp_path / f"out{n}", "--log", str(log))
        assert result.exit_code == 0, result.output
        laptops.append(log)
    first = similar(campaign, "--log", str(laptops[0]))
    assert first["total"] == {"letters": 6, "above": 6} and first["threshold"] == 0.5
    assert [(r["recipient"], r["letters"], r["above"]) for r in first["offices"]] == \
        [("C001101", 2, 2), ("M000133", 2, 2), ("W000817", 2, 2)]
    # the log's figure for each letter is the batch's
    by_file = {r["file"]: r for r in similarity_csv(tmp_path / "out0")}
    rows = {r["id"]: r for r in listed(campaign, "--log", str(laptops[0]))}
    for letter in first["letters"]:
        logged = rows[letter["id"]]
        assert len(logged["paths"]) == 1 and f"{float(by_file[Path(logged['paths'][0]).name]['similarity']):.2f}" \
            == f"{letter['similarity']:.2f}"
        assert rows[letter["similar_to"]]["recipients"] == logged["recipients"]
    merged = tmp_path / "merged.sqlite"
    for log in laptops:
        assert cli(campaign, "log", "merge", str(log), "--log", str(merged)).exit_code == 0
    day = similar(campaign, "--log", str(merged))
    assert day["total"] == {"letters": 9, "above": 9}
    table = cli(campaign, "log", "stats", "--similar", "--log", str(merged))
    assert table.stdout.splitlines()[0].split() == ["recipient", "office", "letters", "above", "0.5"]
    assert table.stdout.splitlines()[-1].split() == ["total", "9", "9"]
    assert "9 of 9 letter(s) share more than 50% of their five-word sequences" in table.stderr
    with sqlite3.connect(merged) as db:
        fingerprints = [fp for (fp,) in db.execute("SELECT fingerprint FROM letters")]
    assert len(fingerprints) == 9 and all(len(fp) == FINGERPRINT_CHARS for fp in fingerprints)


def test_the_log_keeps_no_copy_of_a_letters_text(campaign, shared, tmp_path):
    """The log holds what the volunteer typed (their details and message, which staff need) and
    each letter's fingerprint, never the letter's text: no sentence of the campaign's, no
    salutation, in the log file's bytes."""
    log = tmp_path / "log.sqlite"
    out = tmp_path / "out"
    assert batch(campaign, shared, REPO / "examples/constituents.csv", out, "--format", "txt",
                 "--log", str(log)).exit_code == 0
    from test_batch import letter_body
    data = b"".join(p.read_bytes() for p in tmp_path.glob("log.sqlite*"))
    assert data.count(b"Pema Example") and data.count(b"I volunteer with Tibetan families")     # what was typed
    checked = 0
    for letter in out.glob("*.txt"):
        body = letter_body(letter)
        for line in body.splitlines():
            if line.startswith(("Dear ", "As your constituent", "Between June 2016", "A report from Lhasa",
                                "Collection drives", "Freedom House ranks", "The Secretary of State said",
                                "I ask that you", "Thank you for your attention")):
                assert line.encode() not in data and line[:40].encode() not in data, line
                checked += 1
    assert checked >= 31 * 5
    for words in ("The scale of this program is without precedent", "police in the TAR collected roughly",
                  "End-User Review Committee add", "Dear Senator Warren", "Sincerely,"):
        assert words.encode() not in data and words.encode("utf-16-le") not in data


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def log_at(request, tmp_path) -> list[str]:
    """--log for a round trip: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return ["--log", str(tmp_path / "trip.sqlite")]
    return ["--log", request.getfixturevalue("postgres")]


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_exported_constituents_feed_a_batch_again(campaign, shared, tmp_path, log_at):
    """batch -> log export --constituents -> batch gives the same letters, byte for byte: the
    log keeps each volunteer's talking points (ids, in their order; numbers resolved)."""
    first, second = tmp_path / "first", tmp_path / "second"
    rows = read_csv(REPO / "examples/constituents.csv")
    assert rows[-1]["Full name"] == "Tashi Palmo"
    rows[-1]["Points"] = "5; 2; 5"          # by number, one twice: us-concern, children
    people = tmp_path / "people.csv"
    with open(people, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert batch(campaign, shared, people, first, *log_at).exit_code == 0
    logged = {r["name"]: r["points"] for r in listed(campaign, *log_at)}
    assert logged["Tenzin Sample"] == "children; us-concern" and logged["Pema Example"] == ""
    assert logged["Tashi Palmo"] == "us-concern; children"
    exported = tmp_path / "again.csv"
    result = cli(campaign, "log", "export", "--constituents", str(exported), *log_at)
    assert result.exit_code == 0, result.output
    again = read_csv(exported)
    assert list(again[0]) == ["Name", "Street address", "City", "State", "ZIP", "District", "Email", "Note", "Points"]
    assert [p["Name"] for p in again] == [r["Full name"] for r in rows] and len(again) == 12
    assert [p["Points"] for p in again] == [r["Points"] for r in rows[:-1]] + ["us-concern; children"]
    assert batch(campaign, shared, exported, second, *log_at).exit_code == 0
    a, b = {p.name: sha(p) for p in first.glob("*.docx")}, {p.name: sha(p) for p in second.glob("*.docx")}
    assert a == b and len(a) == 31                            # the same letters, byte for byte
    # without the Points column the picked letters differ (the defaults): the export kept the picks
    third, unpicked = tmp_path / "third", tmp_path / "unpicked.csv"
    with open(unpicked, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [k for k in again[0] if k != "Points"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(again)
    assert batch(campaign, shared, unpicked, third, *log_at).exit_code == 0
    c = {p.name: sha(p) for p in third.glob("*.docx")}
    assert {n for n in a if a[n] != c[n]} == {n for n in a if not n.startswith(("pema-", "karma-", "jamie-"))}


def test_a_uk_batch_exported_feeds_a_uk_batch_again(campaign, shared, tmp_path, log_at):
    """Abroad the log keeps the constituency the volunteer gave: the export has the columns a UK
    batch asks for, and the same letters to the same MPs come of it. A log that also holds US
    volunteers exports the US columns and Constituency, which both batches read."""
    from test_batch_abroad import VOLUNTEERS, uk_campaign, write_csv
    uk = uk_campaign(campaign)
    rows = [list(r) for r in VOLUNTEERS]
    rows[0][-1], rows[1][-1] = "least-free; children", "3"      # by id; by number (least-free)
    first, second = tmp_path / "first", tmp_path / "second"

    def uk_batch(people: Path, out: Path):
        result = cli(uk, "batch", "uk-constituent", "--constituents", str(people), "-o", str(out), *log_at)
        assert result.exit_code == 0, result.output
        return {(r["constituent"], r["member"], r["file"]): sha(out / r["file"]) for r in manifest(out)
                if r["file"]}
    made = uk_batch(write_csv(tmp_path / "volunteers.csv", rows), first)
    assert sorted(k[:2] for k in made) == [("Dolma Placeholder", "llinos-medi"), ("Pema Example", "sarah-olney"),
                                           ("Tenzin Sample", "rishi-sunak")]   # Karma's "Richmond" is for a reviewer
    logged = {r["name"]: r for r in listed(uk, *log_at)}
    assert {n: (r["points"], r["constituency"], r["zip"], r["state"]) for n, r in logged.items()} == {
        "Pema Example": ("least-free; children", "richmond park", "SW14 8LD", ""),
        "Tenzin Sample": ("least-free", "E14001444", "DL7 8EQ", ""),
        "Dolma Placeholder": ("", "Ynys Mon", "LL77 7AA", "")}
    exported = tmp_path / "again.csv"
    assert cli(uk, "log", "export", "--constituents", str(exported), *log_at).exit_code == 0
    again = read_csv(exported)
    assert list(again[0]) == ["Name", "Street", "Town", "Postcode", "Email", "Constituency", "Message", "Points"]
    assert [(p["Name"], p["Constituency"], p["Points"]) for p in again] == [
        ("Pema Example", "richmond park", "least-free; children"), ("Tenzin Sample", "E14001444", "least-free"),
        ("Dolma Placeholder", "Ynys Mon", "")]
    assert uk_batch(exported, second) == made                  # the same letters to the same MPs

    # US volunteers in the same log: US columns and Constituency; either batch reads the file
    us = tmp_path / "us.csv"
    with open(us, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Name", "Street address", "City", "State", "ZIP", "Points"],
                                  ["Yeshi Norbu", "12 Main Street", "Waltham", "MA", "02451", "children"]])
    assert batch(uk, shared, us, tmp_path / "us", *log_at).exit_code == 0
    mixed = tmp_path / "mixed.csv"
    assert cli(uk, "log", "export", "--constituents", str(mixed), *log_at).exit_code == 0
    both = read_csv(mixed)
    assert list(both[0]) == ["Name", "Street address", "City", "State", "ZIP", "District", "Email", "Note",
                             "Points", "Constituency"]
    assert [p["Name"] for p in both] == ["Pema Example", "Tenzin Sample", "Dolma Placeholder", "Yeshi Norbu"]
    assert uk_batch(mixed, tmp_path / "third") == made
    assert [r["name"] for r in read_csv(tmp_path / "third/needs-review.csv")] == ["Yeshi Norbu"]
    assert batch(uk, shared, mixed, tmp_path / "fourth", *log_at).exit_code == 0
    assert {r["constituent"] for r in manifest(tmp_path / "fourth") if r["file"]} == {"Yeshi Norbu"}
    assert {r["name"] for r in read_csv(tmp_path / "fourth/needs-review.csv")} == {
        "Pema Example", "Tenzin Sample", "Dolma Placeholder"}
    # one letter's writers alone: the UK columns again
    assert cli(uk, "log", "export", "--constituents", "--letter", "uk-constituent", str(exported), "--force",
               *log_at).exit_code == 0
    assert read_csv(exported) == again


def test_a_log_that_cannot_be_opened_stops_the_batch_before_any_letter(campaign, shared, tmp_path):
    (campaign / LOG_FILE).write_bytes(b"\0garbage" * 512)
    out = tmp_path / "out"
    result = batch(campaign, shared, REPO / "examples/constituents.csv", out)
    assert result.exit_code == 1 and "damaged or is not a drafter log" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_the_log_opens_while_the_campaign_loads_and_its_error_comes_first(campaign, shared, tmp_path):
    """The log opens on a thread while the campaign loads: a damaged log and an unknown letter
    together still give the log's message, as when the log was opened first."""
    (campaign / LOG_FILE).write_bytes(b"\0garbage" * 512)
    out = tmp_path / "out"
    result = cli(campaign, "batch", "no-such-letter", "--constituents", str(REPO / "examples/constituents.csv"),
                 "--legislators", str(shared / LEGISLATORS), "-o", str(out))
    assert result.exit_code == 1 and "damaged or is not a drafter log" in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()
    (campaign / LOG_FILE).unlink()
    result = cli(campaign, "batch", "no-such-letter", "--constituents", str(REPO / "examples/constituents.csv"),
                 "--legislators", str(shared / LEGISLATORS), "-o", str(out))
    assert result.exit_code == 1 and "no-such-letter" in result.output and "log" not in result.output.lower()
    assert not (campaign / LOG_FILE).exists()       # a run that failed first leaves no empty log


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_log_failing_midway_stops_the_batch_and_the_rerun_logs_the_rest(campaign, shared, tmp_path, monkeypatch,
                                                                         jobs):
    """The log is written by a process of its own while letters are made. When it fails after
    the first chunk (here a trigger refuses the fifth row; in life the server went away), the
    batch stops with the reason (exit 1), keeps the letters it placed, and the same command
    logs them."""
    from drafter.commands import batch as batch_module
    from drafter.log import open_log
    with open_log(campaign) as log:
        path = log.db.where          # created, with its tables
    db = sqlite3.connect(path)
    db.execute("CREATE TRIGGER failing BEFORE INSERT ON letters WHEN (SELECT COUNT(*) FROM letters) >= 4 "
               "BEGIN SELECT RAISE(ABORT, 'the server closed the connection unexpectedly'); END")
    db.close()
    monkeypatch.setattr(batch_module, "CHUNK", 4)
    people, out = _many_people(tmp_path / "people.csv", 10), tmp_path / "out"      # 30 letters
    result = batch(campaign, shared, people, out, "--jobs", jobs)
    assert result.exit_code == 1, result.output
    assert "server closed the connection" in result.output
    assert "Traceback" not in result.output
    placed = list(out.glob("*.docx"))
    rows = listed(campaign)
    assert placed and len(rows) < len(placed)
    for row in rows:                     # what was logged is on disk, as logged
        assert sha(row["paths"][0]) == row["sha256"]
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER failing")
    db.close()
    result = batch(campaign, shared, people, out, "--jobs", jobs)
    assert result.exit_code == 0, result.output
    assert_log_matches_disk(campaign, out, 30)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kill_9_then_rerun_log_matches_the_files_on_disk(campaign, shared, tmp_path, jobs):
    people = _many_people(tmp_path / "people.csv", 200)      # 600 letters
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "drafter", "-C", str(campaign), "batch", "constituent",
           "--constituents", str(people), "--legislators", str(shared / LEGISLATORS), "-o", str(out),
           "--jobs", jobs]
    proc = subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    # Chunks are logged in order, so the log may trail the files by a few chunks of 64; on a
    # loaded machine the log's own process may not have logged its first chunk by the 300th
    # file (a spawned process starts slowly): the kill waits for it, so that it lands midway.
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 300:
        time.sleep(0.01)
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 500 and not listed(campaign):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    placed = list(out.glob("*.docx"))
    assert 300 <= len(placed) < 600, "killed midway"
    # at this moment the log lists no letter that is not in place, with its content
    rows = listed(campaign)
    assert rows and len(rows) <= len(placed)
    for row in rows:
        assert sha(row["paths"][0]) == row["sha256"]
    result = CliRunner().invoke(main, cmd[3:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_log_matches_disk(campaign, out, 600)


# ---- PostgreSQL ---------------------------------------------------------------------------------

@pytest.fixture
def postgres():
    """A fresh database on the server .ci/run starts (DRAFTER_TEST_POSTGRES); dropped afterwards."""
    url = os.environ.get("DRAFTER_TEST_POSTGRES")
    need(bool(url), "a PostgreSQL server (DRAFTER_TEST_POSTGRES, started by .ci/run)")
    psycopg = pytest.importorskip("psycopg") if not UNDER_CI else __import__("psycopg")
    name = "drafter_" + secrets.token_hex(6)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.slow
def test_a_1000_person_batch_gives_the_same_stats_in_sqlite_and_postgresql(campaign, shared, tmp_path, postgres):
    people = _many_people(tmp_path / "people.csv", 1000)
    sqlite = tmp_path / "log.sqlite"
    for target, out in ((str(sqlite), tmp_path / "a"), (postgres, tmp_path / "b")):
        result = batch(campaign, shared, people, out, "--format", "txt", "--jobs", "2", "--log", target)
        assert result.exit_code == 0, result.output
    for ids, status in (([1, 2, 3], "--sent"), ([2], "--answered")):
        for target in (str(sqlite), postgres):
            assert cli(campaign, "log", "mark", *map(str, ids), status, "--log", target).exit_code == 0
    for by in ("recipient", "letter", "state", "day", "status"):
        a, b = (cli(campaign, "log", "stats", "--by", by, "--log", t).stdout for t in (str(sqlite), postgres))
        assert a == b, by
    measured = [similar(campaign, "--log", t) for t in (str(sqlite), postgres)]
    assert measured[0]["offices"] == measured[1]["offices"] and measured[0]["total"]["letters"] == 3000
    assert [r["similarity"] for r in measured[0]["letters"]] == [r["similarity"] for r in measured[1]["letters"]]
    assert a.splitlines()[-1].split() == ["total", "3000", "3", "1"]
    rows = {t: listed(campaign, "--log", t) for t in (str(sqlite), postgres)}
    assert [r["sha256"] for r in rows[str(sqlite)]] == [r["sha256"] for r in rows[postgres]]


@pytest.mark.slow
def test_four_processes_logging_to_postgresql_lose_no_row(postgres):
    four_processes(postgres)


@pytest.mark.slow
def test_postgresql_merge_forget_and_schema(tmp_path, postgres):
    from test_log import entry
    with open_log(tmp_path) as laptop:
        laptop.record([entry("Pema Example"), entry("Tenzin Sample")])
    with open_log(None, postgres) as log:
        log.record([entry("Dolma Placeholder")])
        for expected in (2, 0):
            assert log.merge(tmp_path / LOG_FILE)["added"] == expected
        assert log.forget(constituent="tenzin@example.org") == 1
        assert log.merge(tmp_path / LOG_FILE)["added"] == 0          # stays forgotten
        assert sorted(r.name for r in log.list_letters()) == ["Dolma Placeholder", "Pema Example"]
        log.db.execute("UPDATE schema_version SET version = 99")
    result = cli(tmp_path, "log", "list", "--log", postgres)
    assert result.exit_code == 1 and "schema version 99" in result.output


def _migrates_a_first_version_log(target: str, monkeypatch) -> None:
    """A log written by a drafter at schema version 1 is brought to LATEST when opened, its rows
    kept; version 2 drops the indexes on names and emails, and forget still finds the person."""
    from drafter.log import schema
    from test_log import at_schema, entry
    with monkeypatch.context() as m:
        at_schema(m, 1)
        with open_log(None, target) as log:
            log.record([entry("Pema Example"), entry("Tenzin Sample")])
            assert log.db.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    with open_log(None, target) as log:
        assert log.db.execute("SELECT version FROM schema_version").fetchall() == [(schema.LATEST,)]
        index_names = ("SELECT name FROM sqlite_master WHERE type = 'index'" if log.db.kind == "sqlite"
                       else "SELECT indexname FROM pg_indexes WHERE tablename = 'letters'")
        indexes = {r[0] for r in log.db.execute(index_names).fetchall()}
        assert {"letters_key", "letters_created"} <= indexes and not {"letters_name", "letters_email"} & indexes
        assert sorted(r.name for r in log.list_letters()) == ["Pema Example", "Tenzin Sample"]
        assert {r.fingerprint for r in log.list_letters()} == {""}      # version 4: none for earlier letters
        assert {(r.points, r.constituency) for r in log.list_letters()} == {("", "")}     # version 5
        assert log.similar() == ([], [])
        log.record([entry("Dolma Placeholder")])
        assert log.forget(constituent="TENZIN sample") == 1
        assert sorted(r.name for r in log.list_letters()) == ["Dolma Placeholder", "Pema Example"]


def test_a_first_version_sqlite_log_is_migrated(tmp_path, monkeypatch):
    _migrates_a_first_version_log(str(tmp_path / "log.sqlite"), monkeypatch)


@pytest.mark.slow
def test_a_first_version_postgresql_log_is_migrated(postgres, monkeypatch):
    _migrates_a_first_version_log(postgres, monkeypatch)
