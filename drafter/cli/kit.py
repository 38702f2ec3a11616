"""drafter kit LETTER"""
from __future__ import annotations

from pathlib import Path

import click

from drafter.cli import main, root
from drafter.cli.options import log_option, pdf_a_option, pdf_engine_option
from drafter.commands.kit import FORMATS, make_kit


@main.command()
@click.argument("letter")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the kit [default: kit/LETTER in the campaign folder].")
@click.option("--legislators", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="legislators-current.yaml: write call scripts for members of Congress from it.")
@click.option("--state", default=None, metavar="XX", help="With --legislators: the state whose members to call.")
@click.option("--district", type=click.IntRange(0, 99), default=None, metavar="N",
              help="With --legislators and --state: also the representative of this district.")
@click.option("--constituency", default=None, metavar="NAME",
              help="A constituent letter abroad: call the member of this constituency (its name or code, as "
                   "recipients.yaml gives it).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="The fact sheet's format, repeatable: docx (default), pdf.")
@click.option("--force", is_flag=True, help="Replace kit files that already exist.")
@pdf_engine_option
@pdf_a_option
@log_option
@click.pass_context
def kit(ctx, letter, out_dir, legislators, state, district, constituency, formats, force, pdf_engine, pdf_a, log_url):
    """An action kit for LETTER's campaign: call scripts, email, social posts, shareholder
    questions, a one-page fact sheet (Word, or PDF with --format pdf), and all of it as kit.md.

    Everything is written even when an item is too long; the command then names each item to
    shorten, with its overshoot, and exits 1."""
    if (legislators is None) != (state is None) or (district is not None and state is None):
        raise click.UsageError("--legislators and --state go together (and --district needs both), e.g. "
                               "--legislators ../shared/data/congress-legislators/legislators-current.yaml --state OR")
    report = make_kit(root(ctx), letter, out_dir, force=force, legislators=legislators, state=state,
                      district=district, log=log_url, formats=formats or ("docx",), pdf_engine=pdf_engine,
                      pdf_a=pdf_a, constituency=constituency)
    for path in report.paths:
        click.echo(str(path))
    for item in report.items:
        if item.limit is not None:
            click.echo(f"{item.label}: {item.measure} {item.unit} (limit {item.limit})", err=True)
    for reason in report.skipped:
        click.echo(f"skipped: {reason}", err=True)
    for problem in report.problems:
        click.secho(f"error: {problem}", fg="red", err=True)
    if report.problems:
        ctx.exit(1)
