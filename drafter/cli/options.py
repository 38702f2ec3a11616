"""Options several commands share."""
from __future__ import annotations

import click

log_option = click.option(
    "--log", "log_url", metavar="PATH_OR_URL", default=None,
    help="The campaign log: a SQLite file or postgresql://... [default: $DRAFTER_LOG, else "
         "drafter-log.sqlite in the campaign folder].")
