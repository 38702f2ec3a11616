"""drafter serve, issue 24: what volunteers are told is true ("Don't keep my details", the
retention the campaign sets, the Finish page), the nudge for a message of one's own, the
letters' similarity in words, the talking points a volunteer picks, and `stale: refuse`."""
from __future__ import annotations

import datetime as dt
import html
import re
import sqlite3

import pytest
from click.testing import CliRunner

from conftest import REPO, copy_campaign
from drafter.cli import main
from drafter.errors import DrafterError
from drafter.log import LogEntry, open_log
from drafter.log.entry import PERSON_FIELDS
from drafter.web import close_app, create_app
from test_serve import LEGISLATORS, PEMA, ZIPS, Volunteer, _serve, data  # noqa: F401 (a fixture)

TENZIN = {"name": "Tenzin Quietperson", "street": "77 Hidden Lane", "city": "Waltham", "state": "MA",
          "zip": "02451", "email": "tenzin.quiet@example.org",
          "message": "My grandmother in Lhasa was made to give blood at a checkpoint; please act now."}
SECRETS = ("Tenzin Quietperson", "Quietperson", "77 Hidden Lane", "tenzin.quiet@example.org", "grandmother")


@pytest.fixture()
def served(data, tmp_path):
    log = open_log(tmp_path, tmp_path / "log.sqlite")
    app = create_app(REPO, "constituent", *data, campaign_log=log, staff_token="staff-secret", storage=tmp_path)
    yield app, log, tmp_path / "log.sqlite"
    close_app(app)
    log.close()


def run(*args):
    result = CliRunner().invoke(main, ["-C", str(REPO), *args])
    assert result.exit_code == 0, result.output
    return result.output


def page_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_dont_keep_my_details_leaves_nothing_that_names_or_locates_them(served, tmp_path):
    app, log, path = served
    Volunteer(app).letters()                              # Pema keeps her details
    quiet = Volunteer(app)
    form = quiet.get("/").get_data(as_text=True)
    assert '<label for="forget">Don’t keep my details</label>' in form
    assert "It is removed after 90 days." in form
    page, _ = quiet.letters({**TENZIN, "forget": "1", "point-children": "1", "point-least-free": "2"})
    assert "The campaign log keeps only which office each letter is to" in page
    rows = log.list_letters()
    assert len(rows) == 6
    quiet_rows = [r for r in rows if r.kind == "anonymous"]
    assert len(quiet_rows) == 3
    for r in quiet_rows:     # office, day and sha256 only
        assert r.recipient_ids and r.office and re.fullmatch(r"[0-9a-f]{64}", r.sha256)
        assert r.created.endswith("T00:00:00.000000Z") and r.fingerprint == ""
        assert not any(getattr(r, f) for f in PERSON_FIELDS)        # the talking points picked too
    assert PERSON_FIELDS == ("name", "street", "city", "state", "zip", "district", "message", "email", "points",
                             "constituency")
    # every listing, export and stat
    out = [run("log", "list", "--log", str(path), "--format", fmt) for fmt in ("table", "csv", "json")]
    out += [run("log", "stats", "--log", str(path), "--by", by) for by in ("recipient", "letter", "state", "day",
                                                                           "status")]
    out.append(run("log", "stats", "--log", str(path), "--similar"))
    for name, flag in (("letters.csv", ()), ("constituents.csv", ("--constituents",))):
        run("log", "export", str(tmp_path / name), *flag, "--log", str(path))
        out.append((tmp_path / name).read_text(encoding="utf-8-sig"))
    staff = Volunteer(app)
    staff.get("/staff")
    staff.post("/staff/login", {"token": "staff-secret"})
    staff_page = staff.get("/staff").get_data(as_text=True)
    assert "(details not kept)" in staff_page and "Pema Example" in staff_page
    out.append(staff_page)
    for name in ("letters.csv", "constituents.csv"):
        out.append(staff.get(f"/staff/export/{name}").get_data(as_text=True))
    assert "Pema Example" in out[0] and "Waltham" in out[2]
    for text in out:
        for secret in SECRETS:
            assert secret not in text
    # nor in the file's bytes, the -wal's included
    quiet.post("/finish", {})
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("log.sqlite*"))
    assert b"Pema Example" in raw
    for secret in SECRETS:
        assert secret.encode() not in raw


def test_ticking_it_later_removes_the_letters_that_named_them(served, tmp_path):
    app, log, path = served
    v = Volunteer(app)
    v.letters(TENZIN)
    assert len([r for r in log.list_letters() if r.name == TENZIN["name"]]) == 3
    v.letters({**TENZIN, "forget": "1"})
    assert [r.kind for r in log.list_letters()] == ["anonymous"] * 3
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("log.sqlite*"))
    assert b"Quietperson" not in raw and b"Hidden Lane" not in raw


def test_finish_page_says_exactly_what_remains(served):
    app, _, _ = served
    for person, words in ((PEMA, "The campaign log keeps, for each letter, your name, street address, city, "
                                 "state, ZIP code, district, email (if you gave one), message and the talking points "
                                 "you picked, which office "
                                 "it is to, and when; campaign staff can see them, for 90 days"),
                          ({**TENZIN, "forget": "1"}, "The campaign log keeps only, for each letter, which office "
                                                      "it is to, the day, and a checksum of the letter")):
        v = Volunteer(app)
        v.letters(person)
        r = v.post("/finish", {})
        page = v.get(r.headers["Location"]).get_data(as_text=True)
        assert words in page_text(page)
        assert "details are gone" not in page and "used only to make your letters" not in page


def test_without_a_log_the_page_says_nothing_is_kept(data, tmp_path):
    app = create_app(REPO, "constituent", *data, storage=tmp_path)
    try:
        v = Volunteer(app)
        assert "This server keeps no log of your letters." in v.get("/").get_data(as_text=True)
        v.letters()
        page = v.get(v.post("/finish", {}).headers["Location"]).get_data(as_text=True)
        assert "this server keeps no log of them" in page
    finally:
        close_app(app)


def test_staff_page_has_no_volunteer_footer(served):
    app, _, _ = served
    staff = Volunteer(app)
    login = staff.get("/staff").get_data(as_text=True)
    staff.post("/staff/login", {"token": "staff-secret"})
    page = staff.get("/staff").get_data(as_text=True)
    assert "<h1>Staff</h1>" in page
    assert "<footer" not in page and "<footer" not in login
    assert "<footer" in staff.get("/").get_data(as_text=True)


# ---- the nudge --------------------------------------------------------------------------------

def nudged(page: str) -> bool:
    return '<div class="nudge"' in page


@pytest.mark.parametrize("message, why", [
    ("", "Your message is empty."),
    # the campaign's own summary, pasted
    ("Police in the Tibet Autonomous Region collected roughly 919,282 to 1,206,962 DNA samples, from a quarter "
     "to a third of the region's people, with no apparent link to any criminal investigation.",
     "Your message repeats the campaign’s own words."),
])
def test_an_empty_or_copied_message_is_asked_about_once(served, message, why):
    app, log, _ = served
    v = Volunteer(app)
    r = v.post("/", {**PEMA, "message": message})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and nudged(page) and why in page
    assert "<li>Why does this matter to you?</li>" in page
    assert 'name="nudged" value="1"' in page and 'value="Pema Example"' in page
    assert log.list_letters() == []
    r = v.post("/", {**PEMA, "message": message, "nudged": "1"})      # as they left it: made
    assert r.status_code == 303 and len(log.list_letters()) == 3


def test_a_message_of_one_s_own_is_not_nudged(served):
    app, _, _ = served
    r = Volunteer(app).post("/", PEMA)
    assert r.status_code == 303


def test_required_message_and_the_campaign_s_questions(data, tmp_path):
    root = copy_campaign(tmp_path)
    spec = root / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "message_required: true\nmessage_questions:\n"
                    "  - What does Tibet mean to you?\n", encoding="utf-8")
    app = create_app(root, "constituent", *data, storage=tmp_path)
    try:
        v = Volunteer(app)
        page = v.post("/", {**PEMA, "message": ""}).get_data(as_text=True)
        assert "Please write a few sentences of your own." in page
        page = v.post("/", {**PEMA, "message": "", "nudged": "1"}).get_data(as_text=True)
        assert "Please write a few sentences of your own." in page        # required: never made without
        assert 'required aria-describedby="message-hint' in page
        page = v.post("/", {**PEMA, "message": "Free Tibet. Stop the mass DNA collection in Tibet."}).get_data(
            as_text=True)
        assert nudged(page) and "<li>What does Tibet mean to you?</li>" in page
        assert "Why does this matter to you?" not in page
    finally:
        close_app(app)


def test_check_refuses_questions_that_are_not_a_list_of_questions(tmp_path):
    root = copy_campaign(tmp_path)
    spec = root / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "message_questions: []\nkeep_days: 0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-C", str(root), "check"])
    assert result.exit_code == 1
    assert "message_questions" in result.output and "keep_days" in result.output


# ---- similarity and points --------------------------------------------------------------------

def test_letters_page_says_how_alike_each_letter_reads(served):
    app, _, _ = served
    first, _ = Volunteer(app).letters()
    assert first.count("No other letter to this office is in the campaign") == 3
    again, _ = Volunteer(app).letters({**PEMA, "name": "Dawa Example", "street": "3 Elm Street"})
    said = re.findall(r'<p class="alike">([^<]*)</p>', again)
    assert len(said) == 3 and all("may count it as a form letter" in html.unescape(s) for s in said), said
    own, _ = Volunteer(app).letters({**TENZIN, "message": (
        "I grew up hearing my father talk about the monastery near his village, and I teach a Saturday class "
        "for Tibetan children in Waltham. When I read that police took blood from children at kindergartens "
        "I thought of my own students, and I could not sleep. Please do whatever you can to stop it."),
        "point-no-refusal": "1", "point-us-concern": "2"})
    said = [html.unescape(s) for s in re.findall(r'<p class="alike">([^<]*)</p>', own)]
    assert all(s.startswith("This letter reads as your own") for s in said), said


def test_the_volunteer_s_points_in_their_order(served, tmp_path):
    app, log, path = served
    v = Volunteer(app)
    form = v.get("/").get_data(as_text=True)
    assert '<label for="point-children">Children are sampled too</label>' in form
    assert re.search(r'<select id="point-scale" name="point-scale">\s*<option value="">Leave out</option>\s*'
                     r'<option value="1" selected>1st</option>', form)              # the default, preselected
    page, _ = v.letters({**PEMA, "point-children": "1", "point-least-free": "2"})
    text = html.unescape(re.search(r'<pre class="letter"[^>]*>(.*?)</pre>', page, re.S).group(1))
    kids, free = text.index("kindergartens"), text.index("least free")
    assert kids < free and "919,282" not in text       # scale left out: not the default any more
    # the log keeps the picks in their order, and an export gives them to a batch
    assert {r.points for r in log.list_letters()} == {"children; least-free"}
    Volunteer(app).letters({**TENZIN, "point-scale": "", "point-children": ""})     # none: the defaults
    assert [r.points for r in log.list_letters()] == ["children; least-free"] * 3 + [""] * 3
    run("log", "export", "--constituents", str(tmp_path / "people.csv"), "--log", str(path))
    exported = (tmp_path / "people.csv").read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].endswith(",Note,Points") and exported[1].endswith(",children; least-free")
    assert exported[2].startswith(TENZIN["name"]) and exported[2].endswith(",")


# ---- retention --------------------------------------------------------------------------------

def old_entry(days: int, name: str) -> LogEntry:
    created = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return LogEntry(command="serve", letter="constituent", template="constituent", recipient_ids=("M000133",),
                    office="Edward J. Markey, United States Senate", formats=("docx",), paths=("serve:M000133.docx",),
                    sha256="0" * 64, kind="constituent", name=name, street="1 Old Road", city="Waltham",
                    state="MA", zip="02451", created=created)


def test_log_forget_expired_removes_what_the_spec_no_longer_keeps(tmp_path):
    path = tmp_path / "log.sqlite"
    with open_log(tmp_path, path) as log:
        log.record([old_entry(120, "Old Volunteer"), old_entry(91, "Ninety One"), old_entry(30, "Recent One")])
    out = run("log", "forget", "--expired", "--log", str(path))
    assert out == f"removed 2 expired letter(s) from {path}\n"
    with open_log(tmp_path, path) as log:
        assert [r.name for r in log.list_letters()] == ["Recent One"]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("log.sqlite*"))
    assert b"Old Volunteer" not in raw and b"Ninety One" not in raw


def test_keep_days_is_the_spec_s(tmp_path):
    root = copy_campaign(tmp_path)
    spec = root / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "keep_days: 20\n", encoding="utf-8")
    path = tmp_path / "log.sqlite"
    with open_log(tmp_path, path) as log:
        log.record([old_entry(30, "Thirty Days"), old_entry(10, "Ten Days")])
    result = CliRunner().invoke(main, ["-C", str(root), "log", "forget", "--expired", "--log", str(path)])
    assert result.exit_code == 0 and "removed 1 expired" in result.output
    with open_log(tmp_path, path) as log:
        assert [r.name for r in log.list_letters()] == ["Ten Days"]


def test_serve_forgets_expired_letters_at_start(tmp_path):
    root = copy_campaign(tmp_path)
    with open_log(tmp_path, tmp_path / "log.sqlite") as log:
        log.record([old_entry(200, "Long Gone"), old_entry(5, "Still Here")])
    proc, lines = _serve(root, tmp_path)
    proc.terminate()
    proc.communicate(timeout=120)
    assert "(1 expired letter(s) removed)" in lines[2]
    con = sqlite3.connect(tmp_path / "log.sqlite")
    assert [n for (n,) in con.execute("SELECT name FROM letters")] == ["Still Here"]
    con.close()


# ---- stale evidence ---------------------------------------------------------------------------

def test_stale_refuse_stops_serve_with_check_s_message(data, tmp_path):
    root = copy_campaign(tmp_path)
    spec = root / "letters/constituent.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "stale: refuse\n", encoding="utf-8")
    with pytest.raises(DrafterError) as served_error:
        create_app(root, "constituent", *data, storage=tmp_path)
    check = CliRunner().invoke(main, ["-C", str(root), "check"])
    assert check.exit_code == 1
    message = str(served_error.value.args[0]) if served_error.value.args else str(served_error.value)
    assert "the letters cite evidence due for re-checking, and the spec sets 'stale: refuse'" in message
    assert message.split(":")[0] in check.output
    result = CliRunner().invoke(main, ["-C", str(root), "serve", "constituent", "--legislators", str(LEGISLATORS),
                                       "--zip-districts", str(ZIPS), "--no-pdf", "--log", str(tmp_path / "l.sqlite")])
    assert result.exit_code == 1 and "stale: refuse" in result.output and "Traceback" not in result.output


def test_a_forged_place_leaves_the_point_out(served):
    app, _, _ = served
    page, _ = Volunteer(app).letters({**PEMA, "point-children": "99", "point-least-free": "x"})
    text = html.unescape(re.search(r'<pre class="letter"[^>]*>(.*?)</pre>', page, re.S).group(1))
    assert "kindergartens" not in text and "least free" not in text and "919,282" in text    # the default
