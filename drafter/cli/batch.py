"""drafter batch LETTER --constituents FILE.csv --legislators FILE.yaml"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from drafter.cli import main, root
from drafter.cli.options import log_option, pdf_a_option, pdf_engine_option
from drafter.commands.batch import BATCH_FORMATS, OVERWRITTEN, WRITTEN, BatchInterrupted, run_batch
from drafter.errors import OutputError
from drafter.output import files

_file = click.Path(dir_okay=False, path_type=Path)   # a missing file: our own message, exit 1


@main.command()
@click.argument("letter")
@click.option("--constituents", type=_file, required=True, metavar="FILE.csv",
              help="The volunteers: a spreadsheet's CSV export (name, street, city, state, zip, "
                   "district, email, note; abroad: name, street, town, postcode, constituency, ...).")
@click.option("--legislators", type=_file, default=None, metavar="FILE.yaml",
              help="legislators-current.yaml from github.com/unitedstates/congress-legislators (a US "
                   "letter; abroad, members come from recipients.yaml by constituency).")
@click.option("--zip-districts", type=_file, default=None, metavar="FILE.csv",
              help="ZIP-to-district file (zccd.csv), for rows without a district.")
@click.option("--committees", type=_file, default=None, metavar="FILE.yaml",
              help="committee-membership-current.yaml, so that members of a committee an ask names get that ask.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the letters [default: drafts/LETTER in the campaign folder].")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=1, show_default=True,
              help="Worker processes.")
@click.option("--format", "formats", multiple=True, type=click.Choice(BATCH_FORMATS),
              help="Output format, repeatable: docx (default), pdf, txt (plain text for web forms), md.")
@click.option("--print-pdf", is_flag=True,
              help="Also write print.pdf beside manifest.csv: every letter, each from a new page, to print "
                   "and sign at an event.")
@click.option("--force", is_flag=True, help="Replace letters whose existing files differ.")
@pdf_engine_option
@pdf_a_option
@log_option
@click.pass_context
def batch(ctx, letter, constituents, legislators, zip_districts, committees, out_dir, jobs, formats, print_pdf,
          force, pdf_engine, pdf_a, log_url):
    """One letter from each volunteer in a CSV to each of their members of Congress (or, for a
    letter spec whose locale is another country's, to the MP of their constituency).

    Re-running skips letters already written with the same content; a letter whose file
    differs is reported as a conflict and left alone unless --force.
    """
    bar = None

    def start(total: int):
        nonlocal bar
        if sys.stderr.isatty() and total:
            bar = click.progressbar(length=total, label="letters", file=sys.stderr)
            bar.__enter__()

    def progress(n: int):
        if bar is not None:
            bar.update(n)

    try:
        report = run_batch(root(ctx), letter, constituents, legislators, zip_districts, out_dir,
                           jobs=jobs, formats=formats or ("docx",), force=force,
                           progress=progress, on_start=start, log=log_url, committees=committees,
                           pdf_engine=pdf_engine, pdf_a=pdf_a, print_pdf=print_pdf)
    except BatchInterrupted as exc:
        click.echo(exc.message, err=True)
        ctx.exit(130)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for r in report.records:
        if r.status in (WRITTEN, OVERWRITTEN):
            click.echo(str(report.out_dir / r.file))
    click.echo(str(report.manifest))
    if report.print_pdf is not None:
        click.echo(str(report.print_pdf))
    click.echo(str(report.review_path))
    click.echo(str(report.similarity_path))
    special = 0
    for r in report.conflicts:
        path = report.out_dir / r.file
        try:
            said = ("differs from this letter; not overwritten" if files.check_target(path)
                    else "not written: another of this letter's files is in the way")
        except OutputError as exc:      # a link, pipe or device: --force does not write through it
            special += 1
            said = exc.message
        click.echo(f"conflict: {path} {said}", err=True)
    click.echo(report.summary(), err=True)
    if report.conflicts:
        hint = "check them, then use --force to replace them"
        if special:
            hint = "move the links, pipes or devices out of the folder (--force never writes through them); " + hint
        raise OutputError(f"{len(report.conflicts)} existing letter(s) differ and were not overwritten",
                          file=str(report.out_dir), hint=hint)
