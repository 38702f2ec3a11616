"""drafter serve as an attacker or a careless event meets it (issue 25): staff sign-ins kept on
the server, replayed cookies, downloads' headers, bidirectional controls, a failing
LibreOffice. Through Flask's test client, as tests/test_serve.py."""
from __future__ import annotations

import time

import pytest

from conftest import REPO
from drafter.web import Settings, close_app, create_app
from test_serve import PEMA, Volunteer, count, data  # noqa: F401  (data: the module's fixture)

TOKEN = "staff-secret"


@pytest.fixture()
def served(data, tmp_path):  # noqa: F811
    """A fresh app with its own log, for tests that count sessions or sign-ins."""
    from drafter.log import open_log
    log = open_log(tmp_path, tmp_path / "log.sqlite")
    made = []

    def make(**kw):
        app = create_app(REPO, "constituent", *data, campaign_log=log, staff_token=TOKEN,
                         storage=tmp_path, **kw)
        made.append(app)
        return app
    yield make, log
    for app in made:
        close_app(app)
    log.close()


def cookie(v: Volunteer) -> str:
    return v.client.get_cookie("drafter").value


def browser_with(app, value: str) -> Volunteer:
    """Another browser holding a copy of a cookie."""
    other = Volunteer(app)
    other.client.set_cookie("drafter", value)
    return other


def staff_member(app) -> Volunteer:
    staff = Volunteer(app)
    assert staff.post("/staff/login", {"token": TOKEN}).status_code == 303
    assert "By office" in staff.get("/staff").get_data(as_text=True)
    return staff


def locked_out(v: Volunteer) -> bool:
    page = v.get("/staff").get_data(as_text=True)
    return ("Staff token" in page and "Export" not in page
            and v.get("/staff/export/constituents.csv").status_code == 403
            and v.get("/staff/export/letters.csv").status_code == 403)


# ---- staff sign-ins ------------------------------------------------------------------------

def test_staff_cookie_copied_before_finish_opens_neither_staff_page_nor_exports(served):
    make, _ = served
    app = make()
    Volunteer(app).letters()
    staff = staff_member(app)
    copy = browser_with(app, cookie(staff))
    assert copy.get("/staff/export/constituents.csv").status_code == 200     # the copy works...
    assert staff.post("/finish", {}).status_code == 303
    assert locked_out(copy)                                                  # ...until Finish
    assert locked_out(staff)


def test_staff_sign_out_ends_the_sign_in_and_every_copy_of_its_cookie(served):
    make, _ = served
    app = make()
    staff = staff_member(app)
    page = staff.get("/staff").get_data(as_text=True)
    assert 'action="/staff/logout"' in page and "Sign out" in page
    copy = browser_with(app, cookie(staff))
    assert staff.post("/staff/logout", {}).status_code == 303
    assert locked_out(staff) and locked_out(copy)


def test_staff_sign_in_expires_when_unused(served):
    make, _ = served
    app = make(settings=Settings(staff_idle_seconds=0.5))
    staff = staff_member(app)
    time.sleep(0.3)
    assert "By office" in staff.get("/staff").get_data(as_text=True)        # use keeps it
    time.sleep(0.7)
    assert locked_out(staff)


def test_kiosk_staff_page_returns_to_the_form_and_a_copied_staff_cookie_dies_with_it(served):
    make, _ = served
    app = make(kiosk=True)
    staff = staff_member(app)
    assert app.extensions["drafter"]["settings"].staff_idle_seconds <= 300
    page = staff.get("/staff").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="300;url=/">' in page
    copy = browser_with(app, cookie(staff))
    staff.get("/")                                   # the form comes back on the kiosk
    assert locked_out(copy) and locked_out(staff)
    staff = staff_member(app)
    assert staff.post("/staff/logout", {}).headers["Location"].endswith("/")


def test_staff_token_is_typed_into_a_password_field(served):
    make, _ = served
    page = Volunteer(make()).get("/staff").get_data(as_text=True)
    assert '<input type="password" id="token" name="token"' in page


# ---- replayed cookies ----------------------------------------------------------------------

def test_a_replayed_pre_session_cookie_starts_one_session_and_the_letter_limit_holds(served):
    make, log = served
    app = make()
    attacker = Volunteer(app)
    attacker.get("/")
    before_session = cookie(attacker)
    made = 0
    for i in range(15):          # each letter its own words: the log keeps one of each letter
        attacker.client.set_cookie("drafter", before_session)
        r = attacker.post("/", {**PEMA, "message": f"{PEMA['message']} ({i})"})
        made += r.status_code == 303
    limit = Settings().letters_per_session
    assert made == limit and count(log) == 3 * limit
    # Once that session has ended, the old cookie starts nothing, and says the page expired.
    assert attacker.post("/finish", {}).status_code == 303
    attacker.client.set_cookie("drafter", before_session)
    r = attacker.post("/", {**PEMA, "message": "once more"})
    assert r.status_code == 400 and "This page has expired" in r.get_data(as_text=True)
    assert count(log) == 3 * limit
    # The browser itself goes on: the form, opened again, carries a new token.
    attacker.get("/")
    assert attacker.post("/", PEMA).status_code == 303


# ---- downloads and the volunteer's words ---------------------------------------------------

def test_text_downloads_name_their_charset_once(served):
    make, _ = served
    v = Volunteer(make())
    _, links = v.letters()
    types = [v.get(link).headers["Content-Type"] for link in links]
    assert "text/plain; charset=utf-8" in types
    assert all(t.count("charset") <= 1 for t in types)


RLO, PDF_, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def test_unbalanced_bidi_controls_typed_in_the_form_reach_no_letter_page_or_log(served):
    make, log = served
    v = Volunteer(make())
    person = {**PEMA, "name": f"Pema {RLO}Example", "city": f"Waltham{PDI}",
              "message": f"Please act.{RLO}\nOur families: {LRI}בני משפחה{PDI} here."}
    page, links = v.letters(person)
    texts = [r.get_data(as_text=True) for r in map(v.get, links) if r.mimetype == "text/plain"]
    rows = log.list_letters()
    for text in [page, *texts, *(r.entry.name + r.entry.city for r in rows)]:
        assert RLO not in text and PDF_ not in text
        assert PDI not in text.split("בני משפחה")[0]       # only the closing of the pair
    assert "Pema Example" in page and all(r.entry.name == "Pema Example" for r in rows)
    assert f"{LRI}בני משפחה{PDI}" in texts[0]            # a balanced pair stays


# ---- LibreOffice failing or hanging --------------------------------------------------------

def _soffice(tmp_path, monkeypatch, script: str):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    monkeypatch.setenv("DRAFTER_SOFFICE", str(fake))


def _letters_without_pdfs(v: Volunteer) -> None:
    page, links = v.letters()
    assert "PDF versions could not be made" in page and "Download PDF" not in page
    kinds = {v.get(link).mimetype for link in links}
    assert kinds == {"text/plain", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    assert page.count('class="letter-card"') == 3


def test_a_failing_libreoffice_still_gives_the_volunteer_word_and_text_letters(served, tmp_path, monkeypatch):
    make, log = served
    _soffice(tmp_path, monkeypatch, "echo 'Error: source file could not be loaded' >&2\nexit 1\n")
    _letters_without_pdfs(Volunteer(make(pdf=True, pdf_engine="libreoffice")))
    assert count(log) == 3


def test_a_hanging_libreoffice_never_holds_the_volunteer(served, tmp_path, monkeypatch):
    make, _ = served
    _soffice(tmp_path, monkeypatch, "sleep 30 &\nwait\n")
    app = make(pdf=True, pdf_engine="libreoffice", settings=Settings(pdf_wait_seconds=3))
    started = time.monotonic()
    _letters_without_pdfs(Volunteer(app))
    first = time.monotonic() - started
    _letters_without_pdfs(Volunteer(app))          # the next ones wait on nothing while it hangs
    _letters_without_pdfs(Volunteer(app))
    assert 3 <= first < 20 and time.monotonic() - started - first < 3


# ---- the server, over real HTTP ------------------------------------------------------------

def _start(campaign, tmp_path, *extra, env=None):
    """`drafter serve` running (--no-pdf unless `extra` says --pdf); its host:port."""
    import re

    from test_serve import _serve
    proc, lines = _serve(campaign, tmp_path, *extra, env=env)
    return proc, re.search(r"http://(\S+)/", lines[0]).group(1)


def test_slow_clients_holding_many_connections_leave_the_form_answering(campaign, tmp_path):
    import socket
    import urllib.request
    proc, where = _start(campaign, tmp_path)
    host, port = where.rsplit(":", 1)
    slow = []
    try:
        for _ in range(150):       # each sends a header line, then waits (a "slowloris")
            s = socket.create_connection((host, int(port)), timeout=10)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        time.sleep(0.5)
        page = urllib.request.urlopen(f"http://{where}/", timeout=15).read().decode()
        assert '<label for="name">Full name</label>' in page
    finally:
        for s in slow:
            s.close()
        proc.terminate()
        proc.communicate(timeout=60)


def test_stopping_the_server_ends_a_hung_libreoffice(campaign, tmp_path):
    import http.cookiejar
    import re
    import threading
    import urllib.parse
    import urllib.request

    import psutil
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 47.25 &\nwait\n")
    fake.chmod(0o755)
    proc, where = _start(campaign, tmp_path, "--pdf", "--pdf-engine", "libreoffice",
                         env={"DRAFTER_SOFFICE": str(fake)})

    def hung():
        return [p for p in psutil.process_iter(["cmdline"]) if "47.25" in (p.info["cmdline"] or [])]
    try:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = browser.open(f"http://{where}/", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**PEMA, "csrf_token": token}).encode()

        def submit():
            try:
                browser.open(f"http://{where}/", body, timeout=120).read()
            except OSError:          # the server stopped under it
                pass
        threading.Thread(target=submit, daemon=True).start()
        deadline = time.monotonic() + 30
        while not hung() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert hung()                                  # LibreOffice (a hung stand-in) runs
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=60)
    assert "files were removed" in err
    time.sleep(0.5)
    assert hung() == []


# ---- the staff page with a big log ---------------------------------------------------------

def test_staff_page_of_a_big_log_reads_aggregates_and_one_page_of_rows(served):
    import re
    import tracemalloc

    from drafter.log import LogEntry
    make, log = served
    app = make()
    n = 20_000
    log.record([LogEntry(command="serve", letter="constituent", template="t", recipient_ids=("M000133",),
                         office="Senator Markey", formats=("txt",), paths=(f"serve:{i}.txt",), sha256=f"{i:064x}",
                         kind="constituent", name=f"Volunteer {i}", state="MA",
                         created=f"2026-12-06T{10 + i // 10_000:02d}:00:00Z") for i in range(n)])
    staff = staff_member(app)
    tracemalloc.start()
    try:
        page = staff.get("/staff").get_data(as_text=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"(the latest 500 of {n})" in page
    names = re.findall(r"<td>(Volunteer \d+)</td>", page)
    assert len(names) == 500 and names[0] == f"Volunteer {n - 1}" and names[-1] == f"Volunteer {n - 500}"
    assert "<td>2026-12-06 10:00</td><td>10000</td>" in page and "<td>2026-12-06 11:00</td><td>10000</td>" in page
    assert peak < 8 * 2**20, f"{peak / 2**20:.0f} MB read for one page"     # every row: ~40 MB


# ---- random Unicode in every field ---------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_app(data, tmp_path_factory):  # noqa: F811
    from drafter.log import open_log
    tmp = tmp_path_factory.mktemp("fuzz")
    log = open_log(tmp, tmp / "log.sqlite")
    app = create_app(REPO, "constituent", *data, campaign_log=log, storage=tmp)
    yield app, log
    close_app(app)
    log.close()


def _field(name):
    """Random text, or the valid value; mostly valid where a check refuses most text (state, ZIP,
    email), and never blank in what a letter prints, so that letters get made."""
    from hypothesis import strategies as st
    from test_fuzz import TEXT
    if name in ("state", "zip", "email"):
        return st.one_of(st.just(PEMA[name]), st.just(PEMA[name]), st.just(PEMA[name]), TEXT)
    return st.one_of(st.just(PEMA[name]), TEXT.map(lambda s: s + " x"))


@pytest.mark.slow
def test_random_unicode_in_every_field_never_breaks_the_page_or_loses_a_letter(fuzz_app):
    import itertools
    import urllib.parse

    from hypothesis import HealthCheck, given, settings, strategies as st
    app, log = fuzz_app
    runs = itertools.count()
    bidi = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.fixed_dictionaries({k: _field(k) for k in PEMA}))
    def one(person):
        before = count(log)
        v = Volunteer(app)
        v.get("/")
        # As bytes on the wire: a lone surrogate goes as the invalid UTF-8 an attacker can send.
        # Each run its own words: the log keeps one row per distinct letter, and examples repeat.
        person = {**person, "message": f"{person['message']} #{next(runs)}"}
        body = urllib.parse.urlencode({**{k: x.encode("utf-8", "surrogatepass") for k, x in person.items()},
                                       "csrf_token": v.token})
        r = v.client.post("/", data=body, content_type="application/x-www-form-urlencoded")
        assert r.status_code in (200, 303, 422), r.status_code     # 200: the district choice
        if r.status_code == 303:
            page = v.get("/letters")
            assert page.status_code == 200
            assert count(log) - before == page.get_data(as_text=True).count('class="letter-card"') > 0
            for row in log.list_letters()[before:]:
                for value in (row.entry.name, row.entry.street, row.entry.city, row.entry.message):
                    if set(value) & bidi:          # only balanced pairs reach the log
                        from drafter.people.constituents import balanced_bidi
                        assert all(balanced_bidi(line) == line for line in value.split("\n"))
        else:
            assert count(log) == before
    one()
