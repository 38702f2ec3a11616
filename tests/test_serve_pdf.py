"""drafter serve with Typst PDFs (the default engine): Print my letters as one PDF, Envelopes
(PDF), every letter's PDF, a hostile message printed as typed, and a failing, hung or killed
Typst that never costs a volunteer their Word and text letters. Through Flask's test client as
tests/test_serve.py; the PDFs are read back with pdftotext."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import REPO, need
from drafter.web import Settings, close_app, create_app
from test_serve import LEGISLATORS, PEMA, ZIPS, Volunteer, _serve, count, data  # noqa: F401

MEMBERS = ("The Honorable Edward J. Markey", "The Honorable Elizabeth Warren", "The Honorable Katherine M. Clark")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdftotext(data: bytes, tmp_path, name="x.pdf") -> list[str]:
    """The PDF's text, page by page."""
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def folded(text: str) -> str:
    """Whitespace folded away, and U+200B (a break Typst may take inside a long word)."""
    return "".join(text.replace("\u200b", "").split())


def fetch(v: Volunteer, link: str):
    """A download, following "Your PDF is being made" (202, which a browser refreshes)."""
    deadline = time.monotonic() + 120
    r = v.get(link)
    while r.status_code == 202 and time.monotonic() < deadline:
        assert '<meta http-equiv="refresh" content="2;url=' + link + '">' in r.get_data(as_text=True)
        time.sleep(0.5)
        r = v.get(link)
    return r


def downloads(v: Volunteer, links) -> dict[str, tuple[str, bytes]]:
    """Download name -> (mimetype, bytes) of every link."""
    out = {}
    for link in links:
        r = fetch(v, link)
        assert r.status_code == 200, (link, r.status_code)
        out[re.search(r'filename="?([^";]+)', r.headers["Content-Disposition"]).group(1)] = (r.mimetype, r.data)
    return out


def words(text: str) -> list[str]:
    return text.split()


def unmarked(pdf_words: list[str], expected: set[str]) -> list[str]:
    """The PDF's words with note markers taken off where pdftotext glued them on ("people.1")."""
    out = []
    for w in pdf_words:
        m = re.fullmatch(r"(.*\D)\d{1,2}", w)
        out.append(m.group(1) if w not in expected and m and m.group(1) in expected else w)
    return out


def in_order(needle: list[str], hay: list[str]) -> list[str]:
    """The words of `needle` not found in `hay` in the same order (greedy): [] when all are."""
    it = iter(hay)
    return [w for w in needle if not any(w == h for h in it)]


@pytest.fixture(scope="module")
def typst_app(data, tmp_path_factory):  # noqa: F811
    from drafter.log import open_log
    tmp = tmp_path_factory.mktemp("typst")
    log = open_log(tmp, tmp / "log.sqlite")
    app = create_app(REPO, "constituent", *data, pdf=True, campaign_log=log, storage=tmp)
    yield app, log
    close_app(app)
    log.close()


def test_print_my_letters_is_one_pdf_each_letter_on_its_own_pages(typst_app, tmp_path):
    app, _ = typst_app
    v = Volunteer(app)
    page, links = v.letters()
    assert "Print my letters (PDF)" in page and "Envelopes (PDF)" in page and "Envelopes (Word)" in page
    assert "Print all letters" not in page and page.count("Download PDF") == 3
    files = downloads(v, links)
    texts = {n: d.decode() for n, (mime, d) in files.items() if mime == "text/plain"}
    assert len(texts) == 3 and all(mime in ("application/pdf", DOCX, "text/plain") for mime, _ in files.values())
    pages = pdftotext(files["Pema-Example-letters.pdf"][1], tmp_path)
    # Each letter starts a page: the volunteer's address at its top (four lines with the email),
    # then the date, and its addressee right under them.
    starts = [i for i, p in enumerate(pages) if p.lstrip().startswith(texts[next(iter(texts))].split("\n")[0])]
    assert len(starts) == 3, [p[:80] for p in pages]
    for n, (start, member) in enumerate(zip(starts, MEMBERS)):
        end = starts[n + 1] if n + 1 < len(starts) else len(pages)
        letter = "\n".join(pages[start:end])
        # (under the volunteer's return address and the date)
        assert member in "\n".join(pages[start].lstrip().split("\n")[:10])
        # The letter's words in the .txt's order (its "[1]" markers and the Sources list aside),
        # and the volunteer's address to sign above and answer to.
        txt = next(t for t in texts.values() if member in t)
        body = re.sub(r"\[\d+\]", "", txt.split("\nSources\n")[0])
        assert in_order(words(body), unmarked(words(letter), set(words(body)))) == []
        assert "Pema Example" in letter and "12 Main Street" in letter and "Waltham, MA 02451" in letter
        assert folded(PEMA["message"]) in folded(letter)
    # Each letter's own PDF: the same letter, alone.
    for member in MEMBERS:
        name = f"Pema-Example-to-{member.replace(' ', '-')}.pdf"
        alone = "\n".join(pdftotext(files[name][1], tmp_path))
        assert member in alone and not any(m in alone for m in MEMBERS if m != member)


def test_envelopes_pdf_holds_each_office_and_the_volunteers_address(typst_app, tmp_path):
    app, _ = typst_app
    v = Volunteer(app)
    _, links = v.letters()
    pdf = downloads(v, links)["Pema-Example-envelopes.pdf"][1]
    pages = pdftotext(pdf, tmp_path)
    assert len(pages) == 3
    for envelope, member in zip(pages, MEMBERS):
        assert envelope.startswith("Pema Example\n12 Main Street\nWaltham, MA 02451")
        assert member in envelope and "Washington, DC 205" in envelope
    info = subprocess.run(["pdfinfo", str(tmp_path / "x.pdf")], capture_output=True, text=True).stdout
    assert "684 x 297 pts" in info                  # #10: 9.5 x 4.125 inches
    assert re.search(r"Tagged:\s+yes", info)


HOSTILE = ('#read("/etc/passwd") ] [ $x^2$ @pema <x> #import "a.typ": * \\ // /* _em_ `raw` '
           "#{1/0} ```\n= not a heading\n- nor a list\n" + "*" * 2500)


def test_a_hostile_message_prints_exactly_as_typed(typst_app, tmp_path):
    app, log = typst_app
    v = Volunteer(app)
    person = {**PEMA, "name": "Pema #sym.x $1$", "city": "Waltham <l>", "message": HOSTILE}
    page, links = v.letters(person)
    files = downloads(v, links)
    pdfs = {n: d for n, (mime, d) in files.items() if mime == "application/pdf"}
    assert len(pdfs) == 5
    root = open("/etc/passwd").read().split(":")[0] if os.path.exists("/etc/passwd") else "root"
    for name, pdf in pdfs.items():
        text = "\n".join(pdftotext(pdf, tmp_path))
        assert "Pema #sym.x $1$" in text and "Waltham <l>" in text
        if "envelopes" not in name:
            # Every character in order (lines break where the page does), and the run of
            # asterisks whole, if across a page, where the page's notes come between.
            letters = 3 if name.endswith("-letters.pdf") else 1
            assert folded(HOSTILE.rstrip("*")) in folded(text), name
            assert folded(text).count(folded(HOSTILE.rstrip("*") + "*" * 50)) == letters
            assert text.count("*") == HOSTILE.count("*") * letters
            assert f"{root}:x:0" not in text                   # nothing was read
    assert log.list_letters()[-1].entry.message == HOSTILE


def test_a_chinese_name_prints_on_the_letters_and_the_envelopes(typst_app, tmp_path):
    app, _ = typst_app
    v = Volunteer(app)
    _, links = v.letters({**PEMA, "name": "张伟 Zhang Wei"})
    files = downloads(v, links)
    # each letter has the name at its top and under "Sincerely,"; each envelope once
    for name, times in (("Zhang-Wei-letters.pdf", 6), ("Zhang-Wei-envelopes.pdf", 3)):
        text = "\n".join(pdftotext(files[next(n for n in files if n.endswith(name))][1], tmp_path))
        assert text.count("张伟 Zhang Wei") == times, name


# ---- a failing, hung or killed Typst ------------------------------------------------------

def _without_pdfs(v: Volunteer, links) -> list[int]:
    """Word and text letters all there; Print my letters and the envelopes' PDF say they could
    not be made, and then the letters page says so and offers no PDF. The statuses of the
    letters' own PDFs (made apart: they may have been made by a helper that took over)."""
    kinds = {}
    for link in links:
        r = fetch(v, link)
        name = re.search(r'filename="?([^";]+)', r.headers.get("Content-Disposition", "")) or None
        kinds.setdefault(r.mimetype, []).append((r.status_code, name and name.group(1)))
    assert [s for s, _ in kinds["text/plain"]] == [200] * 3
    assert [s for s, _ in kinds[DOCX]] == [200] * 4          # + the envelopes in Word
    page = v.get("/letters").get_data(as_text=True)
    assert "PDF versions could not be made" in page
    assert "Download PDF" not in page and "Envelopes (PDF)" not in page and "Print my letters" not in page
    assert "Print all letters" in page and "Envelopes (Word)" in page
    failed = [s for s, _ in kinds["text/html"]]
    made = [s for s, _ in kinds.get("application/pdf", [])]
    assert failed[:2] == [503, 503] and len(failed) + len(made) == 5 and set(made) <= {200}
    return failed[2:] + made


@pytest.fixture()
def fresh(data, tmp_path):  # noqa: F811
    made = []

    def make(**settings):
        app = create_app(REPO, "constituent", *data, pdf=True, storage=tmp_path, settings=Settings(**settings))
        made.append(app)
        return app
    yield make
    for app in made:
        close_app(app)


def test_typst_given_no_time_at_all_still_gives_word_and_text_letters(fresh):
    app = fresh(pdf_timeout_seconds=0)           # every compile is stopped at once
    v = Volunteer(app)
    page, links = v.letters()
    assert page.count('class="letter-card"') == 3
    r = fetch(v, re.search(r'href="(/f/[^"]+)">Print my letters', page).group(1))
    assert r.status_code == 503 and "This PDF could not be made" in r.get_data(as_text=True)
    assert _without_pdfs(v, links) == [503] * 3


def _made(app) -> dict:
    """A volunteer's letters, every file downloaded (PDFs included)."""
    v = Volunteer(app)
    _, links = v.letters()
    files = downloads(v, links)
    assert len(files) == 12          # 3 x (docx, txt, pdf), envelopes x 2, Print my letters
    return files


def _pool(app):
    return app.extensions["drafter"]["maker"].typst


def _wait_for_helpers(app, n: int = 2, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(_pool(app).pids()) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return _pool(app).pids()


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="stopping a process needs SIGSTOP (POSIX)")
def test_a_hung_typst_is_stopped_and_replaced_and_the_volunteer_keeps_their_letters(fresh):
    app = fresh(pdf_timeout_seconds=2, pdf_wait_seconds=20, pdf_workers=1)
    _made(app)                               # the helper is warm, and idle
    [pid] = _wait_for_helpers(app, 1)
    os.kill(pid, signal.SIGSTOP)             # Typst hangs, for real
    try:
        v = Volunteer(app)
        started = time.monotonic()
        page, links = v.letters()
        assert time.monotonic() - started < 2          # the page never waits on PDFs
        _without_pdfs(v, links)
        assert time.monotonic() - started < 15
    finally:
        if pid in _pool(app).pids():
            os.kill(pid, signal.SIGCONT)
    assert pid not in _wait_for_helpers(app, 1)     # ended, and a new helper took its place
    _made(app)


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="stopping a process needs SIGSTOP (POSIX)")
def test_a_pdf_still_being_made_answers_at_once_with_a_page_that_asks_again(fresh):
    app = fresh(pdf_workers=1)
    _made(app)
    [pid] = _wait_for_helpers(app, 1)
    os.kill(pid, signal.SIGSTOP)             # Typst busy for as long as this test wants
    try:
        v = Volunteer(app)
        page, _ = v.letters()
        link = re.search(r'href="(/f/[^"]+)">Print my letters', page).group(1)
        started = time.monotonic()
        r = v.get(link)
        assert r.status_code == 202 and time.monotonic() - started < 10
        waiting = r.get_data(as_text=True)
        assert "Your PDF is being made" in waiting and f'content="2;url={link}"' in waiting
        assert "Back to your letters" in waiting
    finally:
        os.kill(pid, signal.SIGCONT)
    r = fetch(v, link)
    assert r.status_code == 200 and r.data.startswith(b"%PDF-")


def test_a_typst_helper_that_died_is_replaced_before_the_next_volunteer(fresh, tmp_path):
    app = fresh(pdf_workers=1)
    _made(app)
    [pid] = _wait_for_helpers(app, 1)
    os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    _made(app)                               # every PDF, from a new helper
    assert pid not in _pool(app).pids()


def test_finish_while_pdfs_are_made_leaves_nothing_behind(fresh, tmp_path):
    app = fresh()
    v = Volunteer(app)
    v.letters()
    folder = app.extensions["drafter"]["volunteers"].base
    assert v.post("/finish", {}).status_code == 303
    time.sleep(3)                                   # the PDFs' job ends meanwhile
    assert not any(folder.rglob("*.pdf"))


def test_asking_again_keeps_only_the_latest_letters_pdfs(fresh, tmp_path):
    app = fresh(pdf_workers=1)
    v = Volunteer(app)
    v.letters()
    _, links = v.letters({**PEMA, "message": "On second thoughts, these words."})
    files = downloads(v, links)           # one helper, in order: the first job is done too
    assert len(files) == 12
    on_disk = list(app.extensions["drafter"]["volunteers"].base.rglob("*.pdf"))
    assert len(on_disk) == 5, on_disk     # the first letters' PDFs neither kept nor written
    printed = "\n".join(pdftotext(files["Pema-Example-letters.pdf"][1], tmp_path))
    assert "On second thoughts" in printed and "Tibetan families" not in printed


# ---- no LibreOffice on the machine --------------------------------------------------------

def test_serve_without_libreoffice_still_makes_pdfs(data, tmp_path, monkeypatch):  # noqa: F811
    from drafter.errors import DrafterError
    from drafter.formats import pdf
    empty = tmp_path / "empty"
    (empty / "bin").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(empty / "bin"))
    monkeypatch.delenv("DRAFTER_SOFFICE", raising=False)
    monkeypatch.setattr(pdf, "INSTALL_ROOT", empty)
    with pytest.raises(DrafterError):
        pdf.find_soffice()
    app = create_app(REPO, "constituent", *data, pdf=None, storage=tmp_path)     # serve's default
    try:
        v = Volunteer(app)
        page, links = v.letters()
        assert "Print my letters (PDF)" in page
        made = downloads(v, links)
        assert sum(mime == "application/pdf" for mime, _ in made.values()) == 5
    finally:
        close_app(app)
    # LibreOffice as the engine: PDFs off by default, and asked for, a clear error at start.
    app = create_app(REPO, "constituent", *data, pdf=None, pdf_engine="libreoffice", storage=tmp_path)
    try:
        assert not app.extensions["drafter"]["maker"].pdf
        page, _ = Volunteer(app).letters()
        assert "Print all letters" in page and "PDF" not in page.split('class="letter-card"')[0]
    finally:
        close_app(app)
    with pytest.raises(DrafterError, match="LibreOffice"):
        create_app(REPO, "constituent", *data, pdf=True, pdf_engine="libreoffice", storage=tmp_path)


# ---- the command ------------------------------------------------------------------------

def _running(p) -> bool:
    import psutil
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("flags, banner", [((), "on (Typst)"), (("--no-pdf",), "off"),
                                           (("--pdf-engine", "libreoffice", "--no-pdf"), "off")])
def test_serve_banner_names_the_pdf_engine(campaign, tmp_path, flags, banner):
    import psutil
    proc, lines = _serve(campaign, tmp_path, *flags, pdf_flag=None)
    try:
        assert lines[3] == f"PDFs:          {banner}\n", lines
        helpers = psutil.Process(proc.pid).children(recursive=True)     # and multiprocessing's tracker
        spawned = [p for p in helpers if "spawn_main" in " ".join(p.cmdline())]
        assert len(spawned) == (2 if "Typst" in banner else 0)     # started before the address is printed
    finally:
        proc.terminate()
        proc.communicate(timeout=120)
    # stopping the server ends them (is_running reads the process table: psutil.wait_procs would
    # probe with os.kill(pid, 0), which on Windows sends Ctrl-C)
    deadline = time.monotonic() + 10
    while (alive := [p for p in helpers if _running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive == []
