"""/staff: the event's totals, the letters, the log's two exports and marking letters sent.

Behind the token printed when the server starts (or $DRAFTER_STAFF_TOKEN). A sign-in is kept
on the server (StaffSessions), the cookie holding only its random id: signing out, Finish, the
kiosk's form and an idle expiry end it, and a copy of the cookie with it.
"""
from __future__ import annotations

import hmac
import io
import secrets
import tempfile
import threading
import time
from pathlib import Path

from flask import abort, redirect, render_template, request, send_file, session, url_for

from drafter.errors import DrafterError
from drafter.log.store import latest_letters, rows_by_hour
from drafter.web.form import ENGLISH
from drafter.web.volunteers import RateLimit

EXPORTS = {"letters.csv": "export_letters_csv", "constituents.csv": "export_constituents_csv"}
SHOWN = 500          # the latest letters on the page; the export has them all


class StaffSessions:
    """Staff sign-ins of the running server: random id -> when last used."""

    def __init__(self, idle_seconds: float):
        self.idle = idle_seconds
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def new(self) -> str:
        sid = secrets.token_urlsafe(24)
        with self._lock:
            now = time.monotonic()
            for old in [s for s, seen in self._seen.items() if now - seen > self.idle]:
                del self._seen[old]
            self._seen[sid] = now
        return sid

    def valid(self, sid) -> bool:
        """Whether `sid` is signed in; using it keeps it so."""
        if not isinstance(sid, str):
            return False
        with self._lock:
            now = time.monotonic()
            seen = self._seen.get(sid)
            if seen is None or now - seen > self.idle:
                self._seen.pop(sid, None)
                return False
            self._seen[sid] = now
            return True

    def end(self, sid) -> None:
        if isinstance(sid, str):
            with self._lock:
                self._seen.pop(sid, None)


def staff_page(name: str, **values):
    """A staff page: in English whatever the campaign's language (the volunteers' page is theirs)."""
    return render_template(name, t=ENGLISH, lang="en", **values)


def register(app, settings, campaign_log, log_lock) -> StaffSessions:
    attempts = RateLimit(20, 600)      # sign-in attempts per address: a token is not guessed
    sessions = StaffSessions(settings.staff_idle_seconds)

    def signed_in() -> bool:
        return sessions.valid(session.get("staff"))

    @app.get("/staff")
    def staff():
        if not signed_in():
            return staff_page("staff_login.html", error=None)
        if campaign_log is None:
            return staff_page("staff.html", log=False)
        with log_lock:
            offices, totals = campaign_log.stats(by="recipient")
            by_hour = rows_by_hour(campaign_log)
            letters = latest_letters(campaign_log, SHOWN)
        hours = [(hour.replace("T", " ") + ":00", n) for hour, n in by_hour]
        return staff_page("staff.html", log=True, offices=offices, totals=totals, hours=hours,
                               letters=letters, count=sum(n for _, n in by_hour),
                               marked=request.args.get("marked"))

    @app.post("/staff/login")
    def staff_login():
        if not attempts.allow(request.remote_addr or "-"):
            abort(429)
        if not hmac.compare_digest(request.form.get("token", "").strip().encode(), settings.staff_token.encode()):
            return staff_page("staff_login.html", error="That is not the staff token."), 403
        sessions.end(session.get("staff"))
        session["staff"] = sessions.new()
        return redirect(url_for("staff"), 303)

    @app.post("/staff/logout")
    def staff_logout():
        sessions.end(session.pop("staff", None))
        return redirect(url_for("index" if settings.kiosk else "staff"), 303)

    @app.post("/staff/mark")
    def staff_mark():
        if not signed_in() or campaign_log is None:
            abort(403)
        try:
            ids = [int(i) for i in request.form.getlist("id")]
        except ValueError:
            abort(400)
        status = request.form.get("status", "sent")
        if ids:
            try:
                with log_lock:
                    campaign_log.mark(ids, status)
            except DrafterError:
                abort(400)
        return redirect(url_for("staff", marked=len(ids)), 303)

    @app.get("/staff/export/<name>")
    def staff_export(name: str):
        if not signed_in() or campaign_log is None:
            abort(403)
        if name not in EXPORTS:
            abort(404)
        with tempfile.TemporaryDirectory(prefix="drafter-export-") as tmp:
            path = Path(tmp, name)
            with log_lock:
                getattr(campaign_log, EXPORTS[name])(path)
            data = path.read_bytes()
        return send_file(io.BytesIO(data), mimetype="text/csv", as_attachment=True, download_name=name)

    return sessions
