"""drafter serve: the volunteers' web page, driven through Flask's test client (the browser test
is test_serve_browser.py). Letters must be the ones `drafter batch` makes; bad input gets a page
a volunteer understands, never a 500, and never a log entry."""
from __future__ import annotations

import csv
import html
import logging
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SHARED, need
from drafter.web import Settings, close_app, create_app

LEGISLATORS = SHARED / "data/congress-legislators/legislators-current.yaml"
ZIPS = SHARED / "data/zip-districts/zccd.csv"
PEMA = {"name": "Pema Example", "street": "12 Main Street", "city": "Waltham", "state": "MA",
        "zip": "02451", "email": "pema@example.org",
        "message": "I volunteer with Tibetan families in our town; please act on the DNA collection."}
MA_MEMBERS = {"M000133", "W000817", "C001101"}      # Markey, Warren, Clark (02451 is MA-5)


@pytest.fixture(scope="module")
def data():
    need(LEGISLATORS.is_file() and ZIPS.is_file(), f"{SHARED} (the shared data folder)")
    from drafter.people.constituents import Legislators, ZipDistricts
    return Legislators.load(LEGISLATORS), ZipDistricts.load(ZIPS)


@pytest.fixture(scope="module")
def server(data, tmp_path_factory):
    """One app for the module (loading the campaign takes a second or two), with its own log."""
    from drafter.log import open_log
    tmp = tmp_path_factory.mktemp("serve")
    log = open_log(tmp, tmp / "log.sqlite")
    app = create_app(REPO, "constituent", *data, campaign_log=log, staff_token="staff-secret",
                     storage=tmp)
    yield app, log
    close_app(app)
    log.close()


class Volunteer:
    """One browser: its own cookies, reading the CSRF token from the pages it gets."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def get(self, url, **kw):
        r = self.client.get(url, **kw)
        m = r.mimetype == "text/html" and re.search(r'name="csrf_token" value="([^"]+)"', r.get_data(as_text=True))
        if m:
            self.token = m.group(1)
        return r

    def post(self, url, data, token=True):
        if self.token is None:
            self.get("/")
        data = dict(data)
        if token and "csrf_token" not in data:
            data["csrf_token"] = self.token
        return self.client.post(url, data=data)

    def letters(self, person=PEMA):
        r = self.post("/", person)
        assert r.status_code == 303 and r.headers["Location"].endswith("/letters"), r.get_data(as_text=True)
        page = self.get("/letters").get_data(as_text=True)
        return page, re.findall(r'href="(/f/[^"]+)"', page)


def errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error" id="([a-z]+)-error"[^>]*>([^<]*)</p>', page))


def count(log) -> int:
    return len(log.list_letters())


# ---- the page --------------------------------------------------------------------------------

def test_form_has_the_labels_the_issue_names_and_the_campaign_summary(server):
    app, _ = server
    page = Volunteer(app).get("/").get_data(as_text=True)
    labels = re.findall(r'<label for="([a-z]+)">([^<]+)</label>', page)
    assert labels == [("name", "Full name"), ("street", "Street address"), ("city", "City"),
                      ("state", "State"), ("zip", "ZIP code"), ("email", "Email (optional)"),
                      ("message", "Your message"), ("forget", "Don’t keep my details")]
    assert "Stop the mass DNA collection in Tibet" in page
    assert "own words" in page                      # guidance for the message
    assert "<script>" not in page and "onclick" not in page and "style=" not in page


def test_headers_forbid_inline_script_and_caching(server):
    app, _ = server
    r = Volunteer(app).get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["Cache-Control"] == "no-store"
    assert "HttpOnly" in r.headers["Set-Cookie"] and "SameSite=Strict" in r.headers["Set-Cookie"]


# ---- letters: the same as drafter batch ------------------------------------------------------

# A note on several lines, some looking like Markdown: each line its own paragraph, verbatim.
LINES = {**PEMA, "message": "I volunteer with Tibetan families.\n- we meet weekly\n# not a heading *nor emphasis*"}


@pytest.mark.parametrize("person", [PEMA, LINES], ids=["one-line note", "note on lines"])
def test_three_letters_byte_identical_to_batch(server, data, tmp_path, person):
    from drafter.commands.batch import run_batch
    app, log = server
    before = count(log)
    v = Volunteer(app)
    page, links = v.letters(person)
    assert page.count('class="letter-card"') == 3
    assert "Senator Edward J. Markey" in page or "Edward J. Markey" in page
    assert person["message"].splitlines()[0].replace("'", "&#39;") in page
    # The same volunteer through drafter batch: the same bytes for every letter.
    people = tmp_path / "people.csv"
    with open(people, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Name", "Street", "City", "State", "ZIP", "Email", "Note"],
                                  [person[k] for k in ("name", "street", "city", "state", "zip", "email", "message")]])
    report = run_batch(REPO, "constituent", people, *data, out_dir=tmp_path / "batch", formats=("docx", "txt"),
                       log=False)
    batch = {p.name.split("-")[-1]: p.read_bytes() for p in (tmp_path / "batch").iterdir()
             if p.suffix in (".docx", ".txt")}
    served = {}
    for link in links:
        r = v.get(link)
        name = re.search(r'filename="?([^";]+)', r.headers["Content-Disposition"]).group(1)
        served[name] = r.data
    letters = {n: d for n, d in served.items() if "envelopes" not in n}
    assert len(letters) == 6 and len(report.records) == 6
    assert sorted(letters.values()) == sorted(batch.values())
    assert count(log) == before + 3
    entries = log.list_letters()[-3:]
    assert {e.entry.recipient_ids[0] for e in entries} == MA_MEMBERS
    assert all(e.entry.command == "serve" and e.entry.message == person["message"] and e.entry.zip == "02451"
               for e in entries)


def test_letters_page_links_to_each_contact_form_and_offers_envelopes(server):
    app, _ = server
    v = Volunteer(app)
    page, links = v.letters()
    forms = re.findall(r'href="(https://[^"]+)"[^>]*target="_blank">Open ([^<]+)<', page)
    assert forms == [("https://www.markey.senate.gov/contact", "The Honorable Edward J. Markey’s contact form"),
                     ("https://www.warren.senate.gov/?p=email_senator",
                      "The Honorable Elizabeth Warren’s contact form"),
                     # The House's data has no contact form for her: her website instead.
                     ("https://katherineclark.house.gov", "The Honorable Katherine M. Clark’s website")]
    assert "Envelopes (Word)" in page and "Print all letters" in page
    printed = v.get("/letters/print").get_data(as_text=True)
    assert printed.count('class="print-letter"') == 3 and "Sincerely," in printed
    env = [link for link in links if "envelopes" in v.get(link).headers["Content-Disposition"]]
    assert len(env) == 1
    text = docx_text_bytes(v.get(env[0]).data)
    assert "The Honorable Edward J. Markey" in text and "Waltham, MA 02451" in text


def docx_text_bytes(data: bytes) -> str:
    import io
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<w:br/>|</w:p>", "\n", xml)))


def test_zip_spanning_districts_asks_and_never_guesses(server):
    app, log = server
    before = count(log)
    v = Volunteer(app)
    ny = {**PEMA, "city": "New York", "state": "NY", "zip": "10001"}
    r = v.post("/", ny)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Which district" in page
    assert re.findall(r'<label for="district-\d+">([^<]+)</label>', page) == [
        "District NY-10: Representative Daniel S. Goldman", "District NY-12: Representative Jerrold Nadler"]
    assert count(log) == before                       # nothing made yet
    assert v.get("/letters").status_code == 303
    assert 'value="10001"' in v.get("/").get_data(as_text=True)        # "Back to the form" keeps it
    assert v.post("/district", {"district": "7"}).status_code == 422      # not a candidate
    assert v.post("/district", {}).status_code == 422
    r = v.post("/district", {"district": "12"})
    assert r.status_code == 303
    page = v.get("/letters").get_data(as_text=True)
    assert "Jerrold Nadler" in page and "Goldman" not in page
    assert count(log) == before + 3


# ---- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("zip", "1234", "We could not find ZIP code 1234: it needs five digits."),
    ("zip", "abcde", "We could not read ZIP code abcde: it needs five digits, such as 02451."),
    ("zip", "99999", "We could not find ZIP code 99999."),
    ("zip", "10001", "ZIP code 10001 is in New York, not Massachusetts."),
    ("name", "", "Please enter your full name"),
    ("name", "   ", "Please enter your full name"),
    ("state", "XX", "Please choose your state from the list."),
    ("email", "not an address", "This does not look like an email address"),
    ("message", "x" * 30000, "Your message is 30,000 characters long; please keep it under 3,000"),
])
def test_bad_input_gets_an_error_next_to_its_field_and_keeps_what_was_typed(server, field, value, message):
    app, log = server
    before = count(log)
    v = Volunteer(app)
    r = v.post("/", {**PEMA, field: value})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert errors(page)[field].startswith(message.replace("'", "&#39;")), errors(page)
    assert f'href="#{field}"' in page                  # the summary links to the field
    summary = re.findall(r'<li><a href="#([a-z]+)">', page)
    assert summary == sorted(summary, key=list(PEMA).index)     # in the form's order
    if field != "name":
        assert 'value="Pema Example"' in page          # what was typed is kept
    assert 'value="12 Main Street"' in page
    assert count(log) == before


def test_several_errors_are_summed_up_in_the_form_s_order(server):
    app, _ = server
    page = Volunteer(app).post("/", {**PEMA, "email": "nope", "zip": "1234", "name": ""}).get_data(as_text=True)
    assert re.findall(r'<li><a href="#([a-z]+)">', page) == ["name", "zip", "email"]
    assert "Please check these:" in page


def test_html_and_jinja_in_every_field_are_printed_as_text(server):
    app, log = server
    hostile = "<script>alert(1)</script>{{ 7*7 }}{% raw %}<b>"
    person = {**PEMA, "name": "Pema " + hostile, "street": "12 Main " + hostile, "city": "Waltham" + hostile,
              "message": "My words " + hostile}
    v = Volunteer(app)
    page, links = v.letters(person)
    assert "<script>alert" not in page and "{% raw %}<b>" not in page
    # Escaped once on the page, and the template language never ran it ({{ 7*7 }} stays, no 49).
    assert "My words &lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}{% raw %}&lt;b&gt;" in page
    docx = next(link for link in links if ".docx" in v.get(link).headers["Content-Disposition"]
                and "envelopes" not in v.get(link).headers["Content-Disposition"])
    text = docx_text_bytes(v.get(docx).data)
    assert "My words " + hostile in text and "Pema " + hostile in text
    assert log.list_letters()[-1].entry.message == "My words " + hostile
    # Where the field is not free text, the same input is an error, not a crash.
    for field in ("state", "zip", "email"):
        r = v.post("/", {**PEMA, field: hostile})
        assert r.status_code == 422 and field in errors(r.get_data(as_text=True))
        assert "<script>alert" not in r.get_data(as_text=True)


def test_forged_or_missing_csrf_token_is_refused(server):
    app, log = server
    before = count(log)
    v = Volunteer(app)
    v.get("/")
    for data in ({**PEMA, "csrf_token": "forged"}, PEMA):
        r = v.post("/", data, token=False)
        assert r.status_code == 400 and "This page has expired" in r.get_data(as_text=True)
    other = Volunteer(app)
    other.get("/")
    r = v.post("/", {**PEMA, "csrf_token": other.token})   # another session's token
    assert r.status_code == 400
    assert v.post("/finish", {"csrf_token": "x"}).status_code == 400
    assert count(log) == before


def test_request_over_the_size_limit_is_refused_unread(server):
    app, log = server
    before = count(log)
    v = Volunteer(app)
    r = v.post("/", {**PEMA, "message": "x" * 100_000})       # a 100 KB message
    assert r.status_code == 413 and "too long" in r.get_data(as_text=True)
    r = v.client.post("/", data=b"a" * 2_000_000, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413
    assert count(log) == before


def test_download_links_belong_to_their_session_only(server):
    app, _ = server
    pema = Volunteer(app)
    _, links = pema.letters()
    assert all(len(link.rsplit("/", 1)[1]) >= 32 for link in links)     # unguessable tokens
    assert pema.get(links[0]).status_code == 200
    stranger = Volunteer(app)
    stranger.get("/")
    assert all(stranger.get(link).status_code == 404 for link in links)
    assert stranger.get("/letters").status_code == 303
    assert pema.post("/finish", {}).status_code == 303
    assert pema.get(links[0]).status_code == 404                         # the session ended
    assert pema.get("/letters").status_code == 303
    assert "Your session has ended" in pema.get("/?done=kept").get_data(as_text=True)


def test_kiosk_next_volunteer_reaches_nothing_of_the_last(data, tmp_path):
    app = create_app(REPO, "constituent", *data, kiosk=True, storage=tmp_path)
    try:
        first = Volunteer(app)
        page, links = first.letters()
        # A letters page left open on the kiosk goes back to the (empty) form by itself.
        assert '<meta http-equiv="refresh" content="900;url=/">' in page
        folder = app.extensions["drafter"]["volunteers"].base
        assert any(folder.rglob("*.docx"))
        assert first.post("/finish", {}).status_code == 303
        assert first.get(links[0]).status_code == 404          # not by a download link
        assert first.get("/letters").status_code == 303        # not by the back button
        assert first.get("/letters").headers["Cache-Control"] == "no-store"
        assert not any(folder.rglob("*.docx"))                 # the files are gone from the disk
        # The next volunteer opening the page ends a session left open, too.
        second = Volunteer(app)
        _, links = second.letters()
        third = Volunteer(app)
        third.get("/")
        assert second.get(links[0]).status_code == 404
        assert 'autocomplete="off"' in third.get("/").get_data(as_text=True)
        # A staff member who signed in on the kiosk is signed out when the form comes back.
        assert third.post("/staff/login", {"token": app.extensions["drafter"]["settings"].staff_token}).status_code == 303
        assert "keeps no campaign log" in third.get("/staff").get_data(as_text=True)    # signed in
        third.get("/")
        assert "Staff token" in third.get("/staff").get_data(as_text=True)
    finally:
        app.extensions["drafter"]["volunteers"].close()


def test_rate_limits_stop_one_session_yet_let_fifty_volunteers_behind_one_address_through(data, tmp_path):
    app = create_app(REPO, "constituent", *data, storage=tmp_path)
    try:
        volunteers = [Volunteer(app) for _ in range(50)]
        for v in volunteers:                                  # one address: the test client's
            _, links = v.letters()
            assert v.get(links[0]).status_code == 200
        abuser = volunteers[0]
        codes = [abuser.post("/", PEMA).status_code for _ in range(Settings().letters_per_session)]
        assert codes[-1] == 429 and set(codes[:-1]) == {303}
        r = abuser.post("/", PEMA)
        assert r.status_code == 429 and r.headers["Retry-After"] == "60"
        assert volunteers[1].post("/", PEMA).status_code == 303    # the others go on
    finally:
        app.extensions["drafter"]["volunteers"].close()


def test_no_personal_data_in_server_log_lines(server, caplog):
    app, _ = server
    with caplog.at_level(logging.DEBUG):
        v = Volunteer(app)
        _, links = v.letters()
        v.get(links[0])
        v.post("/", {**PEMA, "zip": "ab12"})
    lines = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST submit 303" in lines and "GET download 200" in lines
    for secret in ("Pema", "Main Street", "Waltham", "02451", "pema@example.org", "ab12", "Tibetan",
                   links[0].rsplit("/", 1)[1]):
        assert secret not in lines


# ---- staff ----------------------------------------------------------------------------------

def test_staff_page_needs_the_token_and_shows_exports_and_marks(server, tmp_path):
    app, log = server
    Volunteer(app).letters()
    staff = Volunteer(app)
    page = staff.get("/staff").get_data(as_text=True)
    assert "Staff token" in page and "Export" not in page
    assert staff.get("/staff/export/letters.csv").status_code == 403
    assert staff.post("/staff/login", {"token": "guess"}).status_code == 403
    assert staff.post("/staff/login", {"token": "staff-secret"}).status_code == 303
    page = staff.get("/staff").get_data(as_text=True)
    assert "By office" in page and "By hour" in page and "Edward J. Markey" in page
    people = staff.get("/staff/export/constituents.csv")
    assert people.mimetype == "text/csv" and "Pema Example,12 Main Street,Waltham,MA,02451" in people.get_data(as_text=True)
    assert "serve" in staff.get("/staff/export/letters.csv").get_data(as_text=True)
    first = log.list_letters()[0]
    assert staff.post("/staff/mark", {"id": [str(first.id)], "status": "sent"}).status_code == 303
    assert log.list_letters(ids=[first.id])[0].status == "sent"
    assert Volunteer(app).post("/staff/mark", {"id": [str(first.id)]}).status_code == 403


# ---- the command ------------------------------------------------------------------------------

def _serve(campaign: Path, tmp_path: Path, *extra: str, env: dict | None = None,
           pdf_flag: str | None = "--no-pdf") -> tuple[subprocess.Popen, list[str]]:
    cmd = [sys.executable, "-m", "drafter", "-C", str(campaign), "serve", "constituent",
           "--legislators", str(LEGISLATORS), "--zip-districts", str(ZIPS), "--port", "0",
           *([pdf_flag] if pdf_flag else []), "--log", str(tmp_path / "log.sqlite"), *extra]
    env = {**os.environ, "TMPDIR": str(tmp_path), **(env or {})}    # TMPDIR: where the volunteers' folders go
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = [proc.stdout.readline() for _ in range(4)]
    return proc, lines


def test_serve_command_starts_prints_url_and_token_and_serves(campaign, data, tmp_path):
    import urllib.request
    proc, lines = _serve(campaign, tmp_path)
    try:
        url = re.search(r"http://\S+/", lines[0]).group(0)
        assert url.startswith("http://127.0.0.1:")
        assert re.search(r"/staff  token: \S{20,}", lines[1])
        page = urllib.request.urlopen(url, timeout=120).read().decode()
        assert '<label for="name">Full name</label>' in page
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=120)
    # the example's evidence is due for re-checking: said once, as a warning, else nothing
    assert err.count("warning") == 1 and "warning: the letters cite evidence due for re-checking" in err
    assert "GET index 200" in err
    assert "files were removed" in err and not list(tmp_path.glob("drafter-serve-*"))


def test_serve_warns_when_listening_beyond_this_computer(campaign, data, tmp_path):
    proc, lines = _serve(campaign, tmp_path, "--host", "0.0.0.0")
    proc.terminate()
    _, err = proc.communicate(timeout=120)
    assert "warning: listening on 0.0.0.0" in err


def test_serve_refuses_a_letter_that_is_not_for_constituents(campaign, data, tmp_path):
    from click.testing import CliRunner
    from drafter.cli import main
    result = CliRunner().invoke(main, ["-C", str(campaign), "serve", "erc-entity-list", "--legislators",
                                       str(LEGISLATORS), "--zip-districts", str(ZIPS), "--no-pdf",
                                       "--log", str(tmp_path / "log.sqlite")])
    assert result.exit_code == 1
    assert "not a constituent letter" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_pdfs_of_letters_and_envelopes_through_libreoffice(data, soffice, tmp_path):
    app = create_app(REPO, "constituent", *data, pdf=True, pdf_engine="libreoffice", storage=tmp_path)
    try:
        v = Volunteer(app)
        page, links = v.letters()
        assert page.count("Download PDF") == 3 and "Envelopes (PDF)" in page
        assert "Print all letters" in page and "Print my letters" not in page     # Typst's alone
        pdfs = {}
        for link in links:
            r = v.get(link)
            if r.mimetype == "application/pdf":
                pdfs[re.search(r'filename="?([^";]+)', r.headers["Content-Disposition"]).group(1)] = r.data
        assert len(pdfs) == 4
        for name, blob in pdfs.items():
            path = tmp_path / name
            path.write_bytes(blob)
            text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout
            if "envelopes" in name:
                assert text.count("Waltham, MA 02451") == 3 and "The Honorable Katherine M. Clark" in text
                info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
                assert "684 x 297" in info          # #10 envelopes: 9.5 x 4.125 inches
            else:
                assert " ".join(PEMA["message"].split()[:6]) in " ".join(text.split())
    finally:
        app.extensions["drafter"]["volunteers"].close()


def test_a_server_running_past_midnight_dates_letters_the_day_they_are_made(server):
    import dataclasses
    import datetime as dt
    app, _ = server
    maker = app.extensions["drafter"]["maker"]
    assert maker.spec.date_today                       # letters/constituent.yaml: date: today
    loaded = maker.spec
    try:
        maker.spec = dataclasses.replace(loaded, date=dt.date.today() - dt.timedelta(days=1))
        assert maker.composer().spec.date == dt.date.today()
    finally:
        maker.spec = loaded


def test_serve_on_a_port_in_use_says_so_without_a_traceback(campaign, data, tmp_path):
    import socket
    from click.testing import CliRunner
    from drafter.cli import main
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["-C", str(campaign), "serve", "constituent", "--legislators",
                                           str(LEGISLATORS), "--zip-districts", str(ZIPS), "--no-pdf",
                                           "--port", str(port), "--log", str(tmp_path / "log.sqlite")])
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1 port {port}" in result.output and "--port" in result.output
    assert "Traceback" not in result.output
