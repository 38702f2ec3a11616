"""/staff: the event's totals, the letters, the log's two exports and marking letters sent.

Behind the token printed when the server starts (or $DRAFTER_STAFF_TOKEN); a staff member
signs in once per browser session.
"""
from __future__ import annotations

import hmac
import io
import tempfile
from collections import Counter
from pathlib import Path

from flask import abort, redirect, render_template, request, send_file, session, url_for

from drafter.errors import DrafterError
from drafter.web.volunteers import RateLimit

EXPORTS = {"letters.csv": "export_letters_csv", "constituents.csv": "export_constituents_csv"}
SHOWN = 500          # the latest letters on the page; the export has them all


def register(app, settings, campaign_log, log_lock) -> None:
    attempts = RateLimit(20, 600)      # sign-in attempts per address: a token is not guessed

    def signed_in() -> bool:
        return bool(session.get("staff"))

    @app.get("/staff")
    def staff():
        if not signed_in():
            return render_template("staff_login.html", error=None)
        if campaign_log is None:
            return render_template("staff.html", log=False)
        with log_lock:
            offices, totals = campaign_log.stats(by="recipient")
            letters = campaign_log.list_letters()
        hours = sorted(Counter(x.entry.created[:13].replace("T", " ") + ":00" for x in letters).items())
        return render_template("staff.html", log=True, offices=offices, totals=totals, hours=hours,
                               letters=list(reversed(letters))[:SHOWN], count=len(letters),
                               marked=request.args.get("marked"))

    @app.post("/staff/login")
    def staff_login():
        if not attempts.allow(request.remote_addr or "-"):
            abort(429)
        if not hmac.compare_digest(request.form.get("token", "").strip().encode(), settings.staff_token.encode()):
            return render_template("staff_login.html", error="That is not the staff token."), 403
        session["staff"] = True
        return redirect(url_for("staff"), 303)

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
