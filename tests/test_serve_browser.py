"""drafter serve end to end in headless Chromium (Selenium): a volunteer fills the form by its
labels, chooses their district, gets three letters, downloads one and Print my letters (the
Typst PDF); axe-core checks both pages.

Saves the screenshots docs/volunteers.md and docs/staff.md show (form and letters, 360 and 1280
px wide). Needs Debian's chromium and chromium-driver (.ci/run installs them).
"""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, SHARED, UNDER_CI, check_docx, docx_text, need

pytestmark = pytest.mark.slow

LEGISLATORS = SHARED / "data/congress-legislators/legislators-current.yaml"
ZIPS = SHARED / "data/zip-districts/zccd.csv"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
MESSAGE = ("My grandmother lives in Lhasa, and I worry about what happens to her blood sample. "
           "Please ask the Commerce Department to act.")
SHOTS = REPO / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app served by waitress on 127.0.0.1 on a free port, with its own campaign log."""
    need(LEGISLATORS.is_file(), f"{SHARED} (the shared data folder)")
    import waitress
    from drafter.log import open_log
    from drafter.web import close_app, create_app
    tmp = tmp_path_factory.mktemp("site")
    log = open_log(tmp, tmp / "log.sqlite")
    app = create_app(REPO, "constituent", LEGISLATORS, ZIPS, campaign_log=log, storage=tmp,
                     staff_token="staff-secret", pdf=True)          # serve's default: PDFs by Typst
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", log
    server.close()
    close_app(app)
    log.close()


def chrome_options(profile: Path, *extra: str):
    """Headless Debian Chromium with its own profile, nothing fetched in the background."""
    from selenium import webdriver
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync",
                f"--user-data-dir={profile}", *extra):
        opts.add_argument(arg)
    return opts


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    need(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), "chromium and chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if UNDER_CI:
            raise
        pytest.skip("selenium not installed")
    tmp = tmp_path_factory.mktemp("chromium")
    downloads = tmp / "downloads"
    downloads.mkdir()
    opts = chrome_options(tmp / "profile", "--window-size=1280,900")
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def by_label(driver, text: str):
    """The form control a label with exactly this text names."""
    from selenium.webdriver.common.by import By
    label = driver.find_element(By.XPATH, f'//label[normalize-space(.)="{text}"]')
    return driver.find_element(By.ID, label.get_attribute("for"))


def screenshot(driver, name: str) -> None:
    """The whole page at 360 and 1280 px wide, into docs/."""
    for width in (360, 1280):
        driver.set_window_size(width, 900)
        for _ in range(2):      # the window's height counts its frame: measure, grow, measure again
            inner = driver.execute_script("return window.innerHeight")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            outer = driver.get_window_size()["height"]
            driver.set_window_size(width, min(height + outer - inner, 6000))
        path = SHOTS / f"serve-{name}-{width}.png"
        assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1280, 900)


def axe_problems(driver) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    import axe_selenium_python
    script = next(Path(axe_selenium_python.__file__).parent.rglob("axe.min.js"))   # the package ships axe-core
    driver.execute_script(script.read_text())
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r); });")
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def click_and_wait(driver, xpath: str) -> None:
    """Click, then wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, xpath).click()

    def replaced(_driver) -> bool:
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:    # Chromium 156, while the old page is torn down
            if "does not belong to the document" in str(exc):
                return True
            raise
    WebDriverWait(driver, 120).until(replaced)
    WebDriverWait(driver, 120).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))


def wait_for_file(folder: Path, suffix: str, timeout: float = 120) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file downloaded into {folder}: {list(folder.iterdir())}")


def test_volunteer_gets_three_letters_in_chromium(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    url, log = site
    d = browser
    before = len(log.list_letters())
    d.get(url + "/")
    assert d.find_element(By.TAG_NAME, "h1").text == "Stop the mass DNA collection in Tibet"
    screenshot(d, "form")
    assert axe_problems(d) == []

    by_label(d, "Full name").send_keys("Tenzin Sample")
    by_label(d, "Street address").send_keys("400 Elm Street Apt 3")
    by_label(d, "City").send_keys("New York")
    Select(by_label(d, "State")).select_by_visible_text("New York")
    by_label(d, "ZIP code").send_keys("10001")
    by_label(d, "Email (optional)").send_keys("tenzin@example.org")
    by_label(d, "Your message").send_keys(MESSAGE)
    click_and_wait(d, '//button[normalize-space(.)="Make my letters"]')

    # ZIP 10001 spans two districts: the volunteer chooses; nothing is guessed.
    assert d.find_element(By.TAG_NAME, "h1").text == "Which district do you live in?"
    choices = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".choice label")]
    assert choices == ["District NY-10: Representative Daniel S. Goldman",
                       "District NY-12: Representative Jerrold Nadler"]
    assert axe_problems(d) == []
    assert len(log.list_letters()) == before
    d.find_element(By.XPATH, '//label[contains(., "Jerrold Nadler")]').click()
    click_and_wait(d, '//button[normalize-space(.)="Make my letters"]')

    assert d.find_element(By.TAG_NAME, "h1").text == "Your letters"
    cards = d.find_elements(By.CSS_SELECTOR, ".letter-card h2")
    assert [c.text for c in cards] == ["To The Honorable Kirsten E. Gillibrand",   # batch's order
                                       "To The Honorable Charles E. Schumer",
                                       "To The Honorable Jerrold Nadler"]
    letters = d.find_elements(By.CSS_SELECTOR, "pre.letter")
    assert all(MESSAGE in p.text for p in letters)
    # JavaScript adds the copy buttons (hidden without it).
    assert all(b.is_displayed() for b in d.find_elements(By.CSS_SELECTOR, "button.copy"))
    screenshot(d, "letters")
    assert axe_problems(d) == []

    d.find_elements(By.PARTIAL_LINK_TEXT, "Download Word (.docx)")[2].click()
    docx = wait_for_file(d.downloads, ".docx")
    check_docx(docx)
    text = docx_text(docx)
    assert MESSAGE in text and "Dear Representative Nadler:" in text and "Tenzin Sample" in text

    # Print my letters: one PDF, each letter on its own pages; Envelopes (PDF) beside it.
    assert d.find_element(By.PARTIAL_LINK_TEXT, "Envelopes (PDF)").is_displayed()
    d.find_element(By.LINK_TEXT, "Print my letters (PDF)").click()
    pdf = wait_for_file(d.downloads, ".pdf")
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert printed.count("Dear Senator Gillibrand:") == 1 and printed.count("Dear Representative Nadler:") == 1
    assert " ".join(printed.split()).count(MESSAGE) == 3

    entries = [x.entry for x in log.list_letters()[before:]]
    assert [e.recipient_ids for e in entries] == [("G000555",), ("S000148",), ("N000002",)]
    assert all(e.command == "serve" and e.message == MESSAGE and e.district == "12" and e.zip == "10001"
               and e.name == "Tenzin Sample" for e in entries)

    # The staff page, behind its token, counts these letters; axe checks it too.
    d.get(url + "/staff")
    by_label(d, "Staff token").send_keys("staff-secret")
    click_and_wait(d, '//button[normalize-space(.)="Sign in"]')
    assert "Jerrold Nadler" in d.find_element(By.TAG_NAME, "main").text
    assert axe_problems(d) == []
    d.get(url + "/letters")

    # Finish: the page resets and the back button reaches nothing of this volunteer.
    click_and_wait(d, '//button[normalize-space(.)="Finish"]')
    assert "Your session has ended" in d.page_source
    d.back()
    assert "Tenzin Sample" not in d.page_source and d.find_element(By.TAG_NAME, "h1").text != "Your letters"


def test_page_works_without_javascript(site, tmp_path):
    """The same flow with JavaScript off: the form, the letters, no copy button (it needs JS)."""
    need(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), "chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    url, _ = site
    opts = chrome_options(tmp_path / "profile", "--blink-settings=scriptEnabled=false")
    d = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    try:
        d.get(url + "/")
        by_label(d, "Full name").send_keys("Karma Testcase")
        by_label(d, "Street address").send_keys("21 Pine Street")
        by_label(d, "City").send_keys("Cheyenne")
        Select(by_label(d, "State")).select_by_visible_text("Wyoming")
        by_label(d, "ZIP code").send_keys("82001")
        by_label(d, "Your message").send_keys("Please act.")
        click_and_wait(d, '//button[normalize-space(.)="Make my letters"]')
        assert d.find_element(By.TAG_NAME, "h1").text == "Your letters"
        assert len(d.find_elements(By.CSS_SELECTOR, "pre.letter")) == 3
        assert not any(b.is_displayed() for b in d.find_elements(By.CSS_SELECTOR, "button.copy"))
    finally:
        d.quit()


def test_prompt_for_a_message_of_one_s_own_then_nothing_kept(site, browser):
    """An empty message gets the campaign's questions once (screenshots for the docs); the
    volunteer picks their points, ticks "Don't keep my details", and the log keeps no name."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    url, log = site
    d = browser
    before = len(log.list_letters())
    d.get(url + "/")
    by_label(d, "Full name").send_keys("Lhamo Private")
    by_label(d, "Street address").send_keys("9 Birch Road")
    by_label(d, "City").send_keys("Cheyenne")
    Select(by_label(d, "State")).select_by_visible_text("Wyoming")
    by_label(d, "ZIP code").send_keys("82001")
    click_and_wait(d, '//button[normalize-space(.)="Make my letters"]')
    nudge = d.find_element(By.CSS_SELECTOR, ".nudge")
    assert nudge.find_element(By.TAG_NAME, "h2").text == "Would you add a few words of your own?"
    assert "Why does this matter to you?" in nudge.text
    assert len(log.list_letters()) == before
    d.execute_script("window.scrollTo(0, 0)")
    screenshot(d, "prompt")
    assert axe_problems(d) == []

    by_label(d, "Your message").send_keys(MESSAGE)
    Select(by_label(d, "Children are sampled too")).select_by_visible_text("1st")
    Select(by_label(d, "How many people police sampled")).select_by_visible_text("2nd")
    by_label(d, "Don’t keep my details").click()
    click_and_wait(d, '//button[normalize-space(.)="Make my letters"]')
    assert d.find_element(By.TAG_NAME, "h1").text == "Your letters"
    text = d.find_element(By.CSS_SELECTOR, "pre.letter").text
    assert text.index("kindergartens") < text.index("919,282")
    assert all(p.text for p in d.find_elements(By.CSS_SELECTOR, ".alike"))
    click_and_wait(d, '//button[normalize-space(.)="Finish"]')
    assert "The campaign log keeps only, for each letter, which office it is to" in d.page_source
    rows = log.list_letters()[before:]
    assert [r.kind for r in rows] == ["anonymous"] * 3 and not any(r.name or r.street for r in rows)
