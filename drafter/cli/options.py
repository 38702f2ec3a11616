"""Options several commands share."""
from __future__ import annotations

import click

log_option = click.option(
    "--log", "log_url", metavar="PATH_OR_URL", default=None,
    help="The campaign log: a SQLite file or postgresql://... [default: $DRAFTER_LOG, else "
         "drafter-log.sqlite in the campaign folder].")

pdf_engine_option = click.option(
    "--pdf-engine", type=click.Choice(("typst", "libreoffice")), default=None,
    help="What makes PDFs: typst (from the letter itself, in milliseconds, no install) or libreoffice "
         "(the Word file as LibreOffice shows it) [default: the letter spec's pdf_engine, else typst].")
pdf_a_option = click.option(
    "--pdf-a", is_flag=True, help="PDFs in PDF/A-2b, for archives (still tagged for screen readers).")
