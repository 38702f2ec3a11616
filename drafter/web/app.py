"""`drafter serve`: the volunteers' web page (a Flask app, served by waitress).

Pages: the form (/), the district choice (a ZIP spanning districts), the letters (/letters) with
downloads (/f/TOKEN), a print view, and /staff behind a token. Everything a volunteer gives
stays in their server-side session (volunteers.py) until it ends; the cookie holds only a
random id and the CSRF token, signed.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import (Flask, abort, g, redirect, render_template, request, send_file, session,
                   url_for)
from werkzeug.exceptions import HTTPException

from drafter.compose.composer import default_points
from drafter.compose.similarity import THRESHOLD, estimate
from drafter.errors import DataError, DrafterError
from drafter.locale import get as get_locale
from drafter.formats.text import letter_text
from drafter.people import address
from drafter.people.constituents import Legislators, ZipDistricts, match
from drafter.output.names import safe_name
from drafter.web import form as F
from drafter.compose.serving import data_controller
from drafter.web.i18n import Messages
from drafter.web.maker import LetterMaker
from drafter.web.pdfs import ENVELOPES, PRINT, job_keys
from drafter.web.volunteers import RateLimit, Volunteer, Volunteers

log = logging.getLogger("drafter.web")

MAX_REQUEST = 64 * 1024          # bytes: the whole form is far smaller; anything bigger is refused unread
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_HOLD = 2.0                   # seconds a download waits in the request for a PDF being made
MIMETYPES = {"docx": DOCX, "pdf": "application/pdf", "txt": "text/plain"}   # werkzeug adds "; charset=utf-8"


# The Finish page: exactly what remains of the volunteer, by what they chose (catalogue keys).
FINISHED = {"kept": "done_kept", "anonymous": "done_anonymous", "nolog": "done_nolog"}


@dataclass
class Settings:
    kiosk: bool = False
    staff_token: str = ""
    letters_per_session: int = 12        # letter requests per session per 10 minutes
    requests_per_address: int = 3000     # per minute: an event of 50 behind one address gets through
    sessions_per_address: int = 600      # new sessions per address per 10 minutes
    idle_seconds: float = 2 * 3600       # a session's files go after this long unused (kiosk: 15 min)
    pdf_wait_seconds: float = 60         # a volunteer waits this long for PDFs, then gets their letters without
    pdf_timeout_seconds: float = 30      # Typst: one volunteer's PDFs take at most this long, then it is stopped
    pdf_workers: int = 2                 # Typst: helper processes (one compile each at a time)
    staff_idle_seconds: float = 1800     # a staff sign-in ends after this long unused (kiosk: 5 min)
    cookie_seconds: float = 12 * 3600    # a cookie older than this is refused (a new page gets a new one)


@dataclass
class LetterView:
    """What the letters page shows for one letter."""
    member: str
    heading: str
    text: str
    contact_form: str | None
    website: str | None               # where the House's data has no contact form
    files: dict[str, str]             # format -> token
    alike: str = ""                   # how alike it reads to the other letters to the office, in words


def alike_words(best: float | None, others: int, t: Messages = F.ENGLISH) -> str:
    """The letter's highest similarity to another letter to the same office, in plain words."""
    if best is None:
        return t("alike_none")
    share = t("alike_share", pct=round(best * 100)) if best >= 0.05 else t("alike_little")
    return t("alike_form" if best > THRESHOLD else "alike_own", share=share, others=others)


def close_app(app: Flask) -> None:
    """Stop the PDF helpers and remove every volunteer's files."""
    app.extensions["drafter"]["maker"].close()
    app.extensions["drafter"]["volunteers"].close()


def create_app(root, letter, legislators: Legislators | str | Path | None, zip_districts: ZipDistricts | str | Path | None,
               kiosk: bool = False, staff_token: str | None = None, pdf: bool | None = False,
               campaign_log=None, settings: Settings | None = None, storage: Path | None = None,
               pdf_engine: str | None = None) -> Flask:
    """The app. `campaign_log` is an open campaign log (drafter.log) or None; `pdf` makes PDFs
    as well (None: where the engine is installed), with `pdf_engine` ("typst" or "libreoffice";
    None: the letter spec's, else typst). A campaign abroad (compose.serving.served_abroad)
    needs no `legislators` or `zip_districts`. `close_app(app)` ends it."""
    if legislators is not None and not isinstance(legislators, Legislators):
        legislators = Legislators.load(legislators)
    if zip_districts is not None and not isinstance(zip_districts, ZipDistricts):
        zip_districts = ZipDistricts.load(zip_districts)
    settings = settings or Settings(kiosk=kiosk)
    settings.kiosk = kiosk or settings.kiosk
    if settings.kiosk:
        settings.idle_seconds = min(settings.idle_seconds, 900)
        settings.staff_idle_seconds = min(settings.staff_idle_seconds, 300)
    settings.staff_token = staff_token or settings.staff_token or secrets.token_urlsafe(18)
    maker = LetterMaker(root, letter, legislators, zip_districts, pdf=pdf, pdf_wait=settings.pdf_wait_seconds,
                        pdf_engine=pdf_engine, pdf_workers=settings.pdf_workers,
                        pdf_timeout=settings.pdf_timeout_seconds)
    volunteers = Volunteers(storage, idle_seconds=settings.idle_seconds, cookie_seconds=settings.cookie_seconds)
    per_session = RateLimit(settings.letters_per_session, 600)
    per_address = RateLimit(settings.requests_per_address, 60)
    new_sessions = RateLimit(settings.sessions_per_address, 600)
    abroad = maker.abroad           # None: members of Congress, by state and ZIP
    state_list = F.states(legislators) if abroad is None else []
    if abroad is not None:
        choices, left_out = abroad.choices()
        for why in left_out:         # said once at start: that constituency's volunteers are not served
            log.warning("left out of the constituency list: %s", why)
    else:
        choices = {}
    fields = F.FIELDS if abroad is None else F.FIELDS_ABROAD
    by_name = {f.name: f for f in fields}
    options = [(value, f"{value} ({member.name})") for value, member in choices.items()]   # each with its member
    mode = "" if abroad is None else "_abroad"      # the catalogue's words for a campaign abroad
    log_lock = threading.Lock()

    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_bytes(32), MAX_CONTENT_LENGTH=MAX_REQUEST,
                      MAX_FORM_MEMORY_SIZE=MAX_REQUEST, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_NAME="drafter",
                      # Flask refuses a cookie signed longer ago than this, so the server need
                      # remember which pre-session cookies started a session only as long.
                      PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.cookie_seconds))
    from drafter.web.staff import register
    staff_sessions = register(app, settings, campaign_log, log_lock)
    app.extensions["drafter"] = {"settings": settings, "volunteers": volunteers, "maker": maker,
                                 "log": campaign_log, "log_lock": log_lock, "staff": staff_sessions}
    spec = maker.spec
    t = Messages(get_locale(spec.locale))
    try:
        controller = data_controller(spec, maker.letterhead, t.locale)
    except DrafterError:
        close_app(app)
        raise
    campaign = {"title": spec.subject or spec.title or t("default_title" + mode), "summary": spec.summary}
    privacy = {"log": campaign_log is not None, "days": spec.keep_days, "idle": t.idle(settings.idle_seconds),
               "gdpr": t.gdpr, "controller": controller}
    # The closing a volunteer signs below, as the print hints name it (French: the formula repeats
    # the salutation, so the hint says "the closing" without quoting one).
    closing = (spec.closing or t.locale.closing).rstrip()

    # ------------------------------------------------------------------ every request

    @app.before_request
    def guard():
        g.started = time.perf_counter()
        if not per_address.allow(request.remote_addr or "-"):
            abort(429)
        if volunteers.ended(session.get("csrf")):
            # A page of a session that has ended, or its pre-session cookie replayed: it starts
            # nothing (a replay while it lasts joins it); the next page gets a new token.
            session.pop("csrf")
            session.pop("sid", None)
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not session.get("csrf") or not hmac.compare_digest(sent, session["csrf"]):
                abort(400, "csrf")

    @app.after_request
    def headers(resp):
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":
            # Nothing of a volunteer is kept by the browser: the back button asks the server again.
            resp.headers["Cache-Control"] = "no-store"
        # No personal data in the server's log: the route's name, never its path, form or query.
        log.info("%s %s %s %.0f ms", request.method, request.endpoint or "-", resp.status_code,
                 (time.perf_counter() - g.get("started", time.perf_counter())) * 1000)
        return resp

    @app.context_processor
    def common():
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return {"csrf_token": session["csrf"], "campaign": campaign, "kiosk": settings.kiosk, "privacy": privacy,
                "t": t, "lang": t.lang, "closing": closing, "mode": mode}

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code = exc.code or 500
        messages = {400: ("expired_title", "expired_text") if exc.description == "csrf" else ("bad_title", "bad_text"),
                    404: ("nothing_title", "nothing_text"), 405: ("nothing_title", "use_form"),
                    413: ("too_large_title", "too_large_text"), 429: ("busy_title", "busy_text")}
        title, text = messages.get(code, ("wrong_title", "wrong_text"))
        resp = app.make_response((render_template("error.html", title=t(title), text=t(text)), code))
        if code == 429:
            resp.headers["Retry-After"] = "60"
        return resp

    @app.errorhandler(Exception)
    def crash(exc):
        log.error("error in %s: %s", request.endpoint or "-", type(exc).__name__)
        return render_template("error.html", title=t("wrong_title"), text=t("crash_text")), 500

    # ------------------------------------------------------------------ sessions

    def current() -> Volunteer | None:
        return volunteers.get(session.get("sid"))

    def start() -> Volunteer:
        if not new_sessions.allow(request.remote_addr or "-"):
            abort(429)
        if settings.kiosk:
            volunteers.end_all()
        v = volunteers.new(session["csrf"])
        if v is None:
            abort(400, "csrf")
        session["sid"] = v.sid
        return v

    # ------------------------------------------------------------------ the form

    def form_page(values=None, errors=None, status=200, notice=None, nudge=None):
        if values is None and spec.points:       # a new form: the campaign's usual points, in order
            values = {"points": {p.id: i for i, p in enumerate(default_points(spec), 1)}}
        return render_template("form.html", values=values or {}, errors=errors or {}, fields=by_name,
                               states=state_list, abroad=abroad is not None, constituencies=options,
                               notice=notice, nudge=nudge, questions=spec.message_questions,
                               message_required=spec.message_required, points=list(spec.points.values()),
                               ordinals=[t.ordinal(n) for n in range(1, len(spec.points) + 1)]), status

    @app.get("/")
    def index():
        if settings.kiosk:
            # One shared computer: the form shown is the next volunteer's, so nobody before
            # them stays reachable (their files go from the disk too).
            volunteers.end_all()
            staff_sessions.end(session.get("staff"))     # a staff sign-in on the kiosk goes too
            session.clear()
        done = request.args.get("done", "")
        notice = t(FINISHED[done] + (mode if done == "kept" else ""), days=spec.keep_days) if done in FINISHED else None
        if done == "kept" and t.gdpr:
            notice += t("done_kept_gdpr", controller=controller)
        v = None if settings.kiosk else current()
        # Back from the district choice: the form as the volunteer filled it.
        return form_page(values=v.pending if v is not None and v.pending else None, notice=notice)

    @app.post("/")
    def submit():
        values, errors = F.read_form(request.form, spec.message_required, tuple(spec.points), t, abroad, choices)
        districts = []
        if not errors and abroad is None:
            more, districts = F.where(values, legislators, zip_districts, t)
            errors.update(more)
        if errors:      # in the form's order, so the summary reads top to bottom
            return form_page(values, {f.name: errors[f.name] for f in fields if f.name in errors}, 422)
        if not values["nudged"]:
            # Once: a message of one's own makes the letter count as the writer's.
            nudge = "empty" if not values["message"] else "copied" if maker.repeats_campaign(values["message"]) else None
            if nudge:
                values["nudged"] = True
                return form_page(values, nudge=nudge)
        v = current() or start()
        if not per_session.allow(v.sid):
            abort(429)
        if len(districts) > 1:
            v.pending = values
            return render_template("district.html", choices=F.district_choices(values["state"], districts,
                                                                                legislators, t),
                                   zip=values["zip"][:5], error=None), 200
        district = districts[0] if districts else None
        return make_letters(v, values, district)

    @app.post("/district")
    def choose_district():
        v = current()
        if v is None or v.pending is None:
            return redirect(url_for("index"), 303)
        values = v.pending
        _, districts = F.where(values, legislators, zip_districts, t)
        chosen = request.form.get("district", "")
        if chosen not in {str(d) for d in districts}:
            return render_template("district.html", choices=F.district_choices(values["state"], districts,
                                                                                legislators, t),
                                   zip=values["zip"][:5], error=t("district_missing")), 422
        v.pending = None
        return make_letters(v, values, int(chosen))

    def make_letters(v: Volunteer, values: dict, district: int | None):
        if abroad is not None:      # as batch matches a row abroad
            person = F.constituent_abroad(values, abroad.country)
            m = abroad.match(person)
        else:
            person = F.constituent(values, district)
            m = match(person, legislators, zip_districts)
        if not m.ok and abroad is not None:
            return form_page(values, {"constituency": t("constituency_unknown")}, 422)
        if not m.ok:
            return form_page(values, {"zip": "We could not find your members of Congress from this "
                                              f"address ({m.review.reason}). Please ask a staff member."}, 422)
        # Typst's PDFs arrive after the page: this submit's own names, so that a later submit's
        # files and an earlier job's never meet.
        batch = secrets.token_hex(6)
        pdf_path = {key: v.folder / f"{batch}-{key}.pdf" for key in job_keys(len(m.members))}

        def store(pdfs: dict[str, bytes]) -> None:        # in the PDF pool's thread
            if v.pdf_batch != batch:        # asked again meanwhile: these letters are gone
                return
            for key, data in pdfs.items():
                part = pdf_path[key].with_suffix(".part")
                part.write_bytes(data)
                part.replace(pdf_path[key])
        earlier, v.pdf_batch = v.pdf_batch, batch
        try:
            made = maker.make(person, m.members, store=store)
        except DrafterError as exc:
            v.pdf_batch = earlier
            log.error("letters failed: %s", type(exc).__name__)
            return render_template("error.html", title=t("failed_title"), text=t("failed_text")), 500
        v.clear_letters()
        job = made.pdf_job
        views = []
        stem = safe_name(safe_name(person.name)[:40])    # a cut can end in '-'
        for i, item in enumerate(made.made):
            r = item.member
            base = f"{stem}-to-{address.addressee_line(r)}"
            tokens = {fmt: v.add_file(f"{i}.{fmt}", data, safe_name(base, f".{fmt}"), MIMETYPES[fmt])
                      for fmt, data in item.files.items()}
            if job is not None:
                tokens["pdf"] = v.add_file(pdf_path[str(i)].name, None, safe_name(base, ".pdf"), MIMETYPES["pdf"],
                                           job.part(str(i)))
            views.append(LetterView(r.id, address.addressee_line(r), letter_text(item.letter),
                                    r.contact_form, r.website, tokens))
        if job is not None:        # printing first, then envelopes
            for key, label in ((PRINT, "letters"), (ENVELOPES, "envelopes")):
                v.extras.append((f"{key}.pdf", v.add_file(pdf_path[key].name, None, safe_name(f"{stem}-{label}", ".pdf"),
                                                          MIMETYPES["pdf"], job.part(key))))
        for name, data in made.extras.items():
            fmt = name.rsplit(".", 1)[1]
            v.extras.append((name, v.add_file(name, data, safe_name(f"{stem}-envelopes", f".{fmt}"), MIMETYPES[fmt])))
        v.letters = views
        v.pdf_failed = made.pdf_failed
        v.pdf_job = job
        v.kept = not values["forget"]
        record(v, person, made.made, views)
        return redirect(url_for("letters"), 303)

    def record(v: Volunteer, person, made, views: list[LetterView]) -> None:
        """Everything made goes into the campaign log (when the server has one), after each
        letter is measured against the others logged to its office (not this volunteer's)."""
        if campaign_log is None:
            return
        from drafter.log.store import office_fingerprints
        from drafter.web.records import entries
        with log_lock:           # one connection, many server threads
            logged = office_fingerprints(campaign_log, [item.member.id for item in made])
            for item, view in zip(made, views):
                others = [fp for id_, fp in logged[item.member.id] if id_ not in v.logged]
                view.alike = alike_words(max((estimate(item.fingerprint, fp) for fp in others), default=None),
                                         len(others), t)
            if not v.kept and v.logged:     # their earlier letters named them: gone now
                campaign_log.remove(v.logged)
                v.logged.clear()
            ids = campaign_log.record(entries(spec, person, made, [item.fingerprint for item in made],
                                              keep=v.kept))
        v.logged.update(ids)

    # ------------------------------------------------------------------ letters and files

    @app.get("/letters")
    def letters():
        v = current()
        if v is None or not v.letters:
            return redirect(url_for("index"), 303)
        failed = v.pdf_failed or (v.pdf_job is not None and v.pdf_job.failed)
        print_token = None if failed else next((t for name, t in v.extras if name == f"{PRINT}.pdf"), None)
        return render_template("letters.html", letters=v.letters, extras=v.extras, pdf_failed=failed,
                               print_token=print_token, kept=v.kept)

    @app.get("/letters/print")
    def print_view():
        v = current()
        if v is None or not v.letters:
            return redirect(url_for("index"), 303)
        return render_template("print.html", letters=v.letters)

    @app.get("/f/<token>")
    def download(token: str):
        v = current()
        f = v.files.get(token) if v is not None else None
        if f is None:
            abort(404)
        if f.job is not None and not f.job.wait(PDF_HOLD):
            if not f.job.done.is_set() and f.job.waited() < settings.pdf_wait_seconds:
                # Still being made: a page that asks again by itself, rather than a server
                # thread held while a busy event's PDFs queue (the form would wait behind it).
                return render_template("wait.html", again=request.path), 202
            # Typst failed, hung (its helper was stopped), or is that late: the Word and text
            # letters are there, and the letters page says so once the PDFs have failed.
            return render_template("error.html", title=t("pdf_missing_title"), text=t("pdf_missing_text"),
                                   back=url_for("letters")), 503
        if not f.path.is_file():
            abort(404)
        return send_file(f.path, mimetype=f.mimetype, as_attachment=True, download_name=f.download_name,
                         max_age=0)

    @app.post("/finish")
    def finish():
        v = current()
        done = "nolog" if campaign_log is None else "anonymous" if v is not None and not v.kept else "kept"
        volunteers.end(session.get("sid"))
        staff_sessions.end(session.get("staff"))         # a copy of this cookie opens nothing
        session.clear()
        return redirect(url_for("index", done=done), 303)

    return app
