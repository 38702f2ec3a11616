"""drafter serve in the campaign's language (issue 27): the letter spec's `locale` gives the
volunteers' page its words (English, German, French; drafter/web/messages), its <html lang>,
and where the GDPR applies (de-DE, fr-FR; en-GB: the UK GDPR) a statement of what is kept in its
terms, with keeping one's details opt-in. Volunteers' own words pass through untouched."""
from __future__ import annotations

import html
import re
import string
import threading
from pathlib import Path

import pytest
import yaml

from conftest import copy_campaign, need
from drafter.errors import DataError
from drafter.log import open_log
from drafter.web import close_app, create_app
from drafter.web.i18n import LANGUAGES, catalogue
from test_serve import LEGISLATORS, PEMA, ZIPS, Volunteer, data  # noqa: F401 (a fixture)

ORGANISATION = {"name": "Tibet-Gruppe Beispielstadt e.V.", "address": ["Musterstraße 1", "12345 Beispielstadt"]}
CONTROLLER = "Tibet-Gruppe Beispielstadt e.V., Musterstraße 1, 12345 Beispielstadt"
# Fixed English text a German or French page must not show (labels, buttons, headings, privacy).
# A German campaign writes its talking points' labels in German (the page shows them as written).
GERMAN_POINTS = {"scale": "Wie viele Menschen die Polizei erfasst hat", "children": "Auch Kinder werden erfasst",
                 "no-refusal": "Niemand kann Nein sagen",
                 "least-free": "Tibet gehört zu den am wenigsten freien Orten der Welt",
                 "us-concern": "Der US-Außenminister hat sich besorgt geäußert"}
ENGLISH = ("Full name", "Street address", "Your message", "Make my letters", "What the campaign keeps",
           "Don’t keep my details", "Skip to the main content", "About you", "Choose your state",
           "Leave out", "Your letters are removed", "Please check", "campaign log")


def spec_file(root: Path, name: str, **fields) -> str:
    """letters/NAME.yaml: the example constituent letter with `fields` changed (None removes one)."""
    spec = yaml.safe_load((root / "letters/constituent.yaml").read_text(encoding="utf-8"))
    for key, value in fields.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    (root / f"letters/{name}.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    root = copy_campaign(tmp_path_factory.mktemp("locale"))
    points = yaml.safe_load((root / "letters/constituent.yaml").read_text(encoding="utf-8"))["points"]
    german = {pid: {**point, "label": GERMAN_POINTS[pid]} for pid, point in points.items()}
    spec_file(root, "aufruf", locale="de-DE", closing=None, letterhead=ORGANISATION, points=german,
              subject="Stoppt die massenhafte DNA-Sammlung in Tibet", summary=None, keep_days=30)
    spec_file(root, "appel", locale="fr-FR", closing=None, letterhead=ORGANISATION,
              subject="Arrêtez la collecte massive d’ADN au Tibet", summary=None, keep_days=45)
    spec_file(root, "uk", locale="en-GB", closing=None, letterhead=ORGANISATION, keep_days=60)
    return root


def app_for(campaign, data, tmp_path, letter, log=True, **kw):
    campaign_log = open_log(tmp_path, tmp_path / "log.sqlite") if log else None
    app = create_app(campaign, letter, *data, campaign_log=campaign_log, storage=tmp_path, **kw)
    return app, campaign_log


@pytest.fixture()
def german(campaign, data, tmp_path):
    app, log = app_for(campaign, data, tmp_path, "aufruf", staff_token="staff-secret")
    yield app, log
    close_app(app)
    log.close()


@pytest.fixture()
def french(campaign, data, tmp_path):
    app, log = app_for(campaign, data, tmp_path, "appel")
    yield app, log
    close_app(app)
    log.close()


def text(page: str) -> str:
    """The page's words, spaces run together (a French no-break space stays one)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def fixed_text(page: str) -> str:
    """The page's words without what the campaign or the volunteer wrote: the letters' own text
    (English here, as the example's template is) and the talking points' labels."""
    page = re.sub(r'<pre class="letter".*?</pre>', " ", page, flags=re.S)
    page = re.sub(r'<label for="point-[^"]+">[^<]*</label>', " ", page)
    return text(page)


def fields(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<label for="([a-z]+)">([^<]+)</label>', page)


# ---- the catalogues ----------------------------------------------------------------------------

def names(entry: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(entry) if name}


def test_every_catalogue_has_the_english_keys_and_fills_in_the_same_values():
    english = catalogue("en")
    for lang in LANGUAGES:
        words = catalogue(lang)
        assert set(words) == set(english), lang
        for key, entry in words.items():
            assert isinstance(entry, str) and entry.strip(), (lang, key)
            # French print hints name no closing: a French one repeats each letter's salutation.
            allowed = names(english[key]) - ({"closing"} if lang == "fr" else set())
            assert allowed <= names(entry) <= names(english[key]), (lang, key)


# ---- German ------------------------------------------------------------------------------------

def test_german_page_speaks_german_and_states_what_is_kept_in_gdpr_terms(german):
    app, _ = german
    page = Volunteer(app).get("/").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert fields(page) == [("name", "Vor- und Nachname"), ("street", "Straße und Hausnummer"), ("city", "Ort"),
                            ("state", "Bundesstaat"), ("zip", "ZIP-Code (US-Postleitzahl)"),
                            ("email", "E-Mail (freiwillig)"), ("message", "Ihre Nachricht"),
                            ("keep", "Meine Daten speichern")]
    words = fixed_text(page)
    assert [w for w in ENGLISH if w in words] == []
    assert "Meine Briefe erstellen" in words and "1. kommt zuerst" in words
    # Art. 13 GDPR: controller, purpose, legal basis, how long, withdrawal and erasure, nothing shared
    assert "Datenschutzhinweise (Art. 13 DSGVO)" in words
    assert f"Verantwortlich für die Verarbeitung Ihrer Angaben auf dieser Seite ist {CONTROLLER}." in words
    assert "Zweck: die Briefe zu zählen" in words
    assert words.count("Rechtsgrundlage: Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)") == 2
    assert "Speicherdauer: 30 Tage" in words and "90" not in words
    assert "jederzeit widerrufen (Art. 7 Abs. 3 DSGVO)" in words and "die Löschung Ihrer Angaben (Art. 17 DSGVO)" in words
    assert "an niemanden weitergegeben" in words
    # opt-in: the box is not ticked to start with
    assert re.search(r'<input type="checkbox" id="keep" name="keep" value="1" aria-describedby="keep-hint">', page)


def test_german_errors_are_german_and_keep_what_was_typed(german):
    app, log = german
    v = Volunteer(app)
    typed = {**PEMA, "name": "", "zip": "1234", "message": "x" * 3001}
    r = v.post("/", typed)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    words = fixed_text(page)
    assert "Bitte prüfen Sie diese Angaben:" in words
    assert "Vor- und Nachname: Bitte geben Sie Ihren Vor- und Nachnamen ein" in words
    assert "Wir konnten den ZIP-Code 1234 nicht finden: Er braucht fünf Ziffern." in words
    assert "Ihre Nachricht hat 3.001 Zeichen; bitte bleiben Sie unter 3.000" in words
    assert [w for w in ENGLISH if w in words] == []
    assert 'value="12 Main Street"' in page and "x" * 3001 in page
    r = v.post("/", {**PEMA, "zip": "10001"})          # a New York ZIP code with Massachusetts
    assert "Der ZIP-Code 10001 liegt in New York, nicht in Massachusetts." in text(r.get_data(as_text=True))
    assert log.list_letters() == []


def test_german_letters_keep_details_only_with_consent_and_the_volunteer_s_words_verbatim(german):
    app, log = german
    # words of the catalogue and a format field, typed by a volunteer: printed as typed
    mine = "Ich lebe in Waltham. {days} {controller} Full name – Don’t keep my details."
    page, _ = Volunteer(app).letters({**PEMA, "message": mine})        # the box not ticked
    words = fixed_text(page)
    assert "Hier sind Ihre 3 Briefe." in words and "Alle Briefe drucken" in words and "Umschläge (Word)" in words
    assert "Text des Briefs an" in page and "Im Protokoll der Kampagne ist noch kein anderer Brief" in words
    assert [w for w in ENGLISH if w in words] == []
    assert page.count(html.escape(mine, quote=False)) == 3
    assert "Das Kampagnenprotokoll speichert nur, an welches Büro jeder Brief geht" in words
    rows = log.list_letters()
    assert len(rows) == 3 and {r.kind for r in rows} == {"anonymous"} and not any(r.name for r in rows)

    v = Volunteer(app)
    page, _ = v.letters({**PEMA, "keep": "1"})
    assert "Das Kampagnenprotokoll bewahrt seinen Eintrag zu Ihren Briefen 30 Tage lang auf." in text(page)
    assert sorted(r.name for r in log.list_letters() if r.name) == ["Pema Example"] * 3
    finished = v.post("/finish", {})
    done = text(v.get(finished.headers["Location"]).get_data(as_text=True))
    assert "Vielen Dank. Ihre Sitzung ist beendet" in done and "30 Tage lang sehen" in done
    assert f"verlangen Sie von {CONTROLLER} die Löschung Ihrer Angaben." in done


def test_withdrawing_consent_on_the_page_removes_what_named_them(german):
    """As the statement says: making the letters again without the box ticked, before Finish."""
    app, log = german
    v = Volunteer(app)
    v.letters({**PEMA, "keep": "1"})
    assert len([r for r in log.list_letters() if r.name]) == 3
    v.letters(PEMA)
    rows = log.list_letters()
    assert len(rows) == 3 and not any(r.name or r.street or r.email for r in rows)


def test_german_error_pages_and_english_staff_pages(german):
    app, _ = german
    v = Volunteer(app)
    r = v.get("/f/no-such-file")
    assert r.status_code == 404 and '<html lang="de">' in r.get_data(as_text=True)
    assert "Hier ist nichts" in text(r.get_data(as_text=True))
    r = v.client.post("/", data={"name": "x"})          # no CSRF token
    assert r.status_code == 400 and "Diese Seite ist abgelaufen" in text(r.get_data(as_text=True))
    staff = v.get("/staff").get_data(as_text=True)
    assert '<html lang="en">' in staff and "Skip to the main content" in staff and "Staff token" in staff


# ---- French and British ------------------------------------------------------------------------

def test_french_page_and_letters(french):
    app, log = french
    v = Volunteer(app)
    page = v.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    words = fixed_text(page)
    assert [w for w in ENGLISH if w in words] == []
    assert "Créer mes lettres" in words and "le 1er vient en premier" in words
    assert "Vos données personnelles (article 13 du RGPD)" in words
    assert f"Responsable du traitement des données que vous donnez ici\u00a0: {CONTROLLER}." in words
    assert "Base juridique\u00a0: votre consentement (article 6, paragraphe 1, point a), du RGPD)" in words
    assert "Durée de conservation\u00a0: 45\u00a0jours" in words and "la CNIL" in words
    assert ("keep", "Conserver mes données") in fields(page)
    page, _ = v.letters({**PEMA, "keep": "1"})
    words = fixed_text(page)
    assert "Voici vos 3\u00a0lettres." in words and "Terminer" in words
    assert "Le journal de la campagne garde la trace de vos lettres pendant 45\u00a0jours." in words
    assert [w for w in ENGLISH if w in words] == []
    assert len([r for r in log.list_letters() if r.name == "Pema Example"]) == 3


def test_british_page_is_english_in_uk_gdpr_terms(campaign, data, tmp_path):
    app, log = app_for(campaign, data, tmp_path, "uk")
    try:
        page = Volunteer(app).get("/").get_data(as_text=True)
        words = text(page)
        assert '<html lang="en">' in page and "Full name" in words
        assert "Your data (UK GDPR)" in words and f"{CONTROLLER} is the controller" in words
        assert "Legal basis: your consent (Article 6(1)(a) UK GDPR), given by ticking the box." in words
        assert "It is kept for 60 days, then removed." in words and "Information Commissioner’s Office" in words
        assert ("keep", "Keep my details") in fields(page) and "Don’t keep my details" not in words
    finally:
        close_app(app)
        log.close()


def test_us_page_says_what_it_said(campaign, data, tmp_path):
    """en-US (no locale): the statement and the opt-out box as before, no GDPR words."""
    app, _ = app_for(campaign, data, tmp_path, "constituent", log=False)
    try:
        words = text(Volunteer(app).get("/").get_data(as_text=True))
        assert "This server keeps no log of your letters." in words and "GDPR" not in words
    finally:
        close_app(app)


# ---- what the page refuses at start ------------------------------------------------------------

def test_a_gdpr_page_that_names_nobody_responsible_is_refused(campaign, data, tmp_path):
    spec_file(campaign, "ohne-kopf", locale="de-DE", closing=None, letterhead=None)
    with pytest.raises(DataError) as err:
        create_app(campaign, "ohne-kopf", *data, storage=tmp_path)
    assert "Art. 13(1)(a)" in err.value.message and "ohne-kopf.yaml" in str(err.value.file)
    assert "letterhead" in err.value.hint


def test_serve_says_so_and_exits_1(campaign):
    from click.testing import CliRunner
    from drafter.cli import main
    need(LEGISLATORS.is_file() and ZIPS.is_file(), "the shared data folder")
    spec_file(campaign, "ohne-kopf", locale="de-DE", closing=None, letterhead=None)
    result = CliRunner().invoke(main, ["-C", str(campaign), "serve", "ohne-kopf", "--legislators", str(LEGISLATORS),
                                       "--zip-districts", str(ZIPS), "--port", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "names nobody" in result.output and "ohne-kopf.yaml" in result.output


# ---- in Chromium -------------------------------------------------------------------------------

@pytest.mark.slow
def test_german_page_in_chromium_has_lang_de_and_passes_axe(campaign, data, tmp_path):
    """Fills the German form by its German labels; axe-core checks the form, its errors and the letters."""
    import waitress
    from selenium.webdriver.common.by import By
    from test_serve_browser import CHROMEDRIVER, CHROMIUM, axe_problems, by_label, chrome_options, screenshot
    need(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), "chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import Select
    app, log = app_for(campaign, data, tmp_path, "aufruf")
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    driver = webdriver.Chrome(options=chrome_options(tmp_path / "profile", "--window-size=1280,900"),
                              service=Service(CHROMEDRIVER))
    try:
        url = f"http://127.0.0.1:{server.effective_port}"
        driver.get(url + "/")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
        screenshot(driver, "form-de")          # docs/international.md shows it
        assert axe_problems(driver) == []
        by_label(driver, "Vor- und Nachname").send_keys("Pema Beispiel")
        driver.find_element(By.CSS_SELECTOR, "button.primary").click()      # errors: German, still accessible
        assert "Bitte prüfen Sie diese Angaben:" in driver.find_element(By.ID, "error-summary-title").text
        assert axe_problems(driver) == []
        for label, value in (("Straße und Hausnummer", "12 Main Street"), ("Ort", "Waltham"),
                             ("ZIP-Code (US-Postleitzahl)", "02451"), ("Ihre Nachricht", PEMA["message"])):
            by_label(driver, label).send_keys(value)
        Select(by_label(driver, "Bundesstaat")).select_by_value("MA")
        by_label(driver, "Meine Daten speichern").click()
        driver.find_element(By.CSS_SELECTOR, "button.primary").click()
        assert driver.find_element(By.TAG_NAME, "h1").text == "Ihre Briefe"
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
        assert axe_problems(driver) == []
        assert len([r for r in log.list_letters() if r.name == "Pema Beispiel"]) == 3
    finally:
        driver.quit()
        server.close()
        close_app(app)
        log.close()


def test_check_warns_of_what_serve_would_refuse(tmp_path):
    from click.testing import CliRunner
    from drafter.cli import main
    root = copy_campaign(tmp_path)
    spec_file(root, "ohne-kopf", locale="de-DE", closing=None, letterhead=None)
    spec_file(root, "mit-kopf", locale="de-DE", closing=None, letterhead=ORGANISATION)
    result = CliRunner().invoke(main, ["-C", str(root), "check"])
    said = [line for line in result.output.splitlines() if "drafter serve would refuse" in line]
    assert len(said) == 1 and "ohne-kopf.yaml" in said[0] and "names nobody" in said[0], result.output
