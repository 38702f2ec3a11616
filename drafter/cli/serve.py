"""drafter serve LETTER [--legislators FILE --zip-districts FILE]: the volunteers' web page."""
from __future__ import annotations

import ipaddress
import logging
import os
import signal
from pathlib import Path

import click

from drafter.cli import main, root
from drafter.cli.options import log_option, pdf_engine_option
from drafter.errors import DrafterError

_file = click.Path(dir_okay=False, path_type=Path)   # a missing file: our own message, exit 1
STAFF_ENV = "DRAFTER_STAFF_TOKEN"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@click.argument("letter")
@click.option("--legislators", type=_file, metavar="FILE.yaml",
              help="legislators-current.yaml from github.com/unitedstates/congress-legislators (a letter to "
                   "members of Congress; abroad, members come from recipients.yaml by constituency).")
@click.option("--zip-districts", type=_file, metavar="FILE.csv",
              help="ZIP-to-district file (zccd.csv; a letter to members of Congress).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this computer is a warning.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--kiosk", is_flag=True, help="One shared computer: each volunteer starts afresh, "
                                            "nothing of the one before reachable.")
@log_option
@click.option("--workers", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests handled at once (server threads).")
@click.option("--pdf/--no-pdf", default=None,
              help="Offer PDFs [default: on with typst; with libreoffice, when it is installed].")
@pdf_engine_option
@click.pass_context
def serve(ctx, letter, legislators, zip_districts, host, port, kiosk, log_url, workers, pdf, pdf_engine):
    """The volunteers' web page: each volunteer writes their own letters to their members.

    Prints the address to open and the staff token for /staff (set it with $DRAFTER_STAFF_TOKEN).
    Stop it with Ctrl-C.
    """
    import waitress
    from drafter.log import open_log
    from drafter.web import close_app, create_app
    from drafter.web.limits import server_options

    campaign_log = open_log(root(ctx), log_url)
    try:
        app = create_app(root(ctx), letter, legislators, zip_districts, kiosk=kiosk, pdf=pdf, pdf_engine=pdf_engine,
                         staff_token=os.environ.get(STAFF_ENV) or None, campaign_log=campaign_log)
        maker = app.extensions["drafter"]["maker"]
        settings = app.extensions["drafter"]["settings"]
        from drafter.commands.retention import forget_expired_letters
        try:             # the retention the page promises, kept from the first volunteer on
            expired = forget_expired_letters(campaign_log, root(ctx), maker.campaign)
        except DrafterError:
            close_app(app)
            raise
        if maker.stale:          # once, not with each volunteer's letters
            click.secho("warning: the letters cite evidence due for re-checking ('stale: refuse' in the letter "
                        "spec refuses them):\n" + "\n".join(f"  {kind} {item!r}: {why}" for kind, item, why in maker.stale),
                        fg="yellow", err=True)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        try:
            server = waitress.create_server(app, host=host, port=port, threads=workers,
                                            max_request_body_size=1024 * 1024, ident="drafter",
                                            clear_untrusted_proxy_headers=True, **server_options())
        except OSError as exc:
            close_app(app)
            raise DrafterError(f"cannot listen on {host} port {port}: {exc.strerror or exc}",
                               hint="another program may be using the port: choose another with --port") from None
        if not is_loopback(host):
            click.secho(f"warning: listening on {host}: anyone who can reach this computer on the "
                        "network can open the page. Use it only on a network you trust.", fg="yellow", err=True)
        # The first volunteers find Typst warm.
        if maker.typst is not None and not maker.typst.ready(120):
            click.secho("warning: Typst's helper processes did not start: volunteers get Word and text "
                        "letters without PDFs (the log says why)", fg="yellow", err=True)
        where = f"{host}:{server.effective_port}" if ":" not in host else f"[{host}]:{server.effective_port}"
        click.echo(f"drafter serve: http://{where}/" + ("  (kiosk mode)" if kiosk else ""))
        click.echo(f"staff page:    http://{where}/staff  token: {settings.staff_token}")
        click.echo(f"campaign log:  {campaign_log.where}" + (f"  ({expired} expired letter(s) removed)" if expired else ""))
        engine = {"typst": "Typst", "libreoffice": "LibreOffice"}[maker.pdf_engine]
        click.echo("PDFs:          " + (f"on ({engine})" if maker.pdf else "off"))
        def stop(_signum, _frame):      # a service manager's SIGTERM: clean up as for Ctrl-C
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, stop)
        try:
            server.run()            # returns on Ctrl-C or SIGTERM (waitress catches the interrupt)
        except KeyboardInterrupt:
            pass
        finally:
            close_app(app)
            server.close()
        click.echo("stopped; every volunteer's files were removed", err=True)
    finally:
        campaign_log.close()
