"""drafter serve for a campaign abroad (issue 27): a letter spec whose `locale:` is another
country's, and the campaign's members there (recipients.yaml), gives a form that asks for the
volunteer's constituency from a list of those members' constituencies instead of state and ZIP;
the letter goes to that constituency's member, composed as `drafter batch` composes it.

The MPs are test_batch_abroad's hand-written profiles of real members (gb-commons, genders
given by hand)."""
from __future__ import annotations

import json
import re

import pytest

from conftest import copy_campaign
from drafter.errors import DataError
from drafter.log import open_log
from drafter.web import close_app, create_app
from test_batch_abroad import run, uk_campaign, write_csv
from test_serve import Volunteer, errors
from test_serve_locale import ORGANISATION, fields, spec_file, text

PEMA = {"name": "Pema Example", "street": "12 Sheen Lane", "town": "London", "postcode": "sw148ld",
        "email": "pema@example.org", "constituency": "Richmond Park",
        "message": "I live near the park, and Tibetan friends of mine worry about their families.",
        "keep": "1"}


@pytest.fixture(scope="module")
def uk(tmp_path_factory):
    root = uk_campaign(copy_campaign(tmp_path_factory.mktemp("abroad")))
    spec = root / "letters/uk-constituent.yaml"        # a GDPR page names who is responsible
    spec.write_text(spec.read_text(encoding="utf-8") + "letterhead: " + json.dumps(ORGANISATION) + "\n",
                    encoding="utf-8")
    return root


@pytest.fixture()
def app(uk, tmp_path):
    log = open_log(tmp_path, tmp_path / "log.sqlite")
    app = create_app(uk, "uk-constituent", None, None, campaign_log=log, storage=tmp_path)
    yield app, log
    close_app(app)
    log.close()


def test_the_form_asks_for_the_constituency_from_a_list_and_not_for_state_or_zip(app):
    page = Volunteer(app[0]).get("/").get_data(as_text=True)
    assert [name for name, _ in fields(page)] == ["name", "street", "town", "postcode", "email", "constituency",
                                                 "message", "keep"]
    assert ("constituency", "Your constituency") in fields(page) and ("postcode", "Postcode") in fields(page)
    assert 'name="state"' not in page and 'name="zip"' not in page and "ZIP" not in text(page)
    select = re.search(r'<select id="constituency" name="constituency" required[^>]*>(.*?)</select>', page, re.S)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    # sorted, accents ignored; each with its member, so a volunteer sees whom they write to
    assert options == [("", "Choose your constituency"), ("Richmond and Northallerton", "Richmond and Northallerton (Rishi Sunak)"),
                       ("Richmond Park", "Richmond Park (Sarah Olney)"), ("Ynys Môn", "Ynys Môn (Llinos Medi)")]
    assert 'aria-describedby="constituency-hint"' in select.group(0)
    words = text(page)
    assert "member of parliament" in words and "Senators" not in words and "Congress" not in words
    assert "postcode, constituency" in words and "Your data (UK GDPR)" in words


def test_a_volunteer_gets_the_letter_batch_makes_logged_with_their_constituency(app, uk, tmp_path):
    server, log = app
    v = Volunteer(server)
    page, links = v.letters(PEMA)
    assert "To Sarah Olney MP" in text(page) or "Sarah Olney" in page
    letter = next(v.client.get(link) for link in links
                  if v.client.get(link).headers["Content-Disposition"].endswith(".txt"))
    served = letter.get_data(as_text=True)
    assert "\nPema Example\n12 Sheen Lane\nLondon\nSW14 8LD\npema@example.org\n\n" in served
    assert "Sarah Olney MP\nHouse of Commons\nLondon SW1A 0AA" in served and "\nDear Ms Olney,\n" in served
    assert "As your constituent in London (Richmond Park)" in served
    # the same volunteer through `drafter batch`: the same letter, word for word
    people = write_csv(tmp_path / "volunteers.csv", [[PEMA["name"], PEMA["street"], PEMA["town"], PEMA["postcode"],
                                                      PEMA["email"], PEMA["constituency"], PEMA["message"], ""]])
    result = run("-C", uk, "batch", "uk-constituent", "--constituents", people, "-o", tmp_path / "out",
                 "--format", "txt")
    assert result.exit_code == 0, result.output
    [batched] = (tmp_path / "out").glob("*.txt")
    assert served == batched.read_text(encoding="utf-8")
    [row] = [e for e in log.list_letters() if e.name == "Pema Example"]
    assert row.recipient_ids == ("sarah-olney",) and row.constituency == "Richmond Park"
    assert row.zip == "SW14 8LD" and row.state == "" and row.city == "London"
    envelopes = [link for link in links if "envelopes" in v.client.get(link).headers["Content-Disposition"]]
    assert envelopes


def test_a_privy_counsellor_is_written_to_in_his_form(app):
    v = Volunteer(app[0])
    v.letters({**PEMA, "constituency": "Richmond and Northallerton", "town": "Northallerton",
               "postcode": "DL7 8EQ"})
    words = v.get("/letters").get_data(as_text=True)
    assert "Dear Mr Sunak," in words and "The Rt Hon Rishi Sunak MP" in words


@pytest.mark.parametrize("value", ["Richmond", "E14001445", "Nowhere", "", "Richmond Park\u0000x"])
def test_a_constituency_not_on_the_list_is_a_422_next_to_the_field(app, value):
    server, log = app
    r = Volunteer(server).post("/", {**PEMA, "constituency": value})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert errors(page) == {"constituency": "Please choose your constituency from the list."}
    assert 'href="#constituency">Your constituency: ' in page and 'aria-invalid="true"' in page
    assert log.list_letters() == []


def test_a_postcode_that_cannot_be_one_is_a_422(app):
    r = Volunteer(app[0]).post("/", {**PEMA, "postcode": "12345"})
    assert r.status_code == 422
    assert errors(r.get_data(as_text=True)) == {
        "postcode": "We could not read postcode 12345: it is written like SW1A 0AA."}


def test_state_and_zip_files_are_refused_for_a_campaign_abroad(uk, tmp_path):
    from test_serve import LEGISLATORS, ZIPS
    with pytest.raises(DataError) as err:
        create_app(uk, "uk-constituent", LEGISLATORS, ZIPS, storage=tmp_path)
    assert "--legislators, --zip-districts name members of Congress" in err.value.message


def test_a_campaign_abroad_without_members_for_the_letters_country_is_refused(tmp_path):
    root = copy_campaign(tmp_path)
    (root / "recipients.yaml").write_text(
        "recipients:\n  mp-example:\n    name: Anna Example\n    role: mp\n    country: GB\n"
        "    gender: female\n    constituency: Exampleton\n    address: [House of Commons, London, SW1A 0AA]\n",
        encoding="utf-8")
    spec_file(root, "aufruf", locale="de-DE", closing=None, letterhead=ORGANISATION)
    with pytest.raises(DataError) as err:
        create_app(root, "aufruf", None, None, storage=tmp_path)
    assert "no profile in recipients.yaml has `country: DE`" in err.value.message
    assert "drafter recipients import-parliament de-bundestag" in err.value.hint
    spec_file(root, "us", closing=None, letterhead=ORGANISATION)        # en-US: to Congress, by state and ZIP
    with pytest.raises(DataError) as err:
        create_app(root, "us", None, None, storage=tmp_path)
    assert "recipients are abroad (GB)" in err.value.message and "locale: en-GB" in err.value.hint
    result = run("-C", root, "check")
    said = [line for line in result.output.splitlines() if "drafter serve would refuse" in line]
    assert any("aufruf.yaml" in line and "country: DE" in line for line in said), result.output
    assert any("us.yaml" in line and "abroad (GB)" in line for line in said), result.output


def test_check_does_not_warn_of_a_campaign_abroad_the_page_serves(uk):
    result = run("-C", uk, "check")
    assert "drafter serve would refuse" not in result.output, result.output


@pytest.mark.slow
def test_the_uk_form_in_chromium_passes_axe(uk, tmp_path):
    """Fills the UK form by its labels and picks the constituency from the list; axe-core checks
    the form, its errors and the letters page."""
    import threading
    from pathlib import Path

    import waitress
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from conftest import need
    from test_serve_browser import CHROMEDRIVER, CHROMIUM, axe_problems, by_label, chrome_options
    need(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), "chromium and chromium-driver")
    log = open_log(tmp_path, tmp_path / "log.sqlite")
    app = create_app(uk, "uk-constituent", None, None, campaign_log=log, storage=tmp_path)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    driver = webdriver.Chrome(options=chrome_options(tmp_path / "profile", "--window-size=1280,900"),
                              service=Service(CHROMEDRIVER))
    try:
        driver.get(f"http://127.0.0.1:{server.effective_port}/")
        assert axe_problems(driver) == []
        by_label(driver, "Full name").send_keys(PEMA["name"])
        driver.find_element(By.CSS_SELECTOR, "button.primary").click()
        assert "Your constituency" in driver.find_element(By.CLASS_NAME, "error-summary").text
        assert axe_problems(driver) == []
        for label, field in (("Street address", "street"), ("Town or city", "town"), ("Postcode", "postcode"),
                             ("Your message", "message")):
            by_label(driver, label).send_keys(PEMA[field])
        Select(by_label(driver, "Your constituency")).select_by_visible_text("Ynys Môn (Llinos Medi)")
        by_label(driver, "Keep my details").click()
        driver.find_element(By.CSS_SELECTOR, "button.primary").click()
        WebDriverWait(driver, 30).until(lambda d: "Your letters" in d.title)     # a loaded machine is slow
        assert "Dear Ms Medi," in driver.page_source
        assert axe_problems(driver) == []
        [row] = [e for e in log.list_letters() if e.name == PEMA["name"]]
        assert row.constituency == "Ynys Môn" and row.recipient_ids == ("llinos-medi",)
    finally:
        driver.quit()
        server.close()
        close_app(app)
        log.close()
