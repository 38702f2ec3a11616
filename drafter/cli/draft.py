"""drafter draft LETTER"""
from __future__ import annotations

from pathlib import Path

import click

from drafter.cli import main, root
from drafter.cli.options import log_option, pdf_a_option, pdf_engine_option
from drafter.commands.draft import draft as draft_letters
from drafter.formats.outputs import FORMATS


def warn(message: str) -> None:
    """What a PDF could not show (a character no installed font has), on stderr."""
    click.echo(f"warning: {message}", err=True)


@main.command()
@click.argument("letter")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the drafts [default: drafts/ in the campaign folder].")
@click.option("--to", "to", multiple=True, metavar="ID", help="Only these recipients (repeatable).")
@click.option("--each", is_flag=True, help="One letter per recipient.")
@click.option("--joint", is_flag=True, help="One letter to all recipients.")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Output format, repeatable: docx (default), pdf, txt, md.")
@click.option("--wrap", type=click.IntRange(20, 1000), default=None, metavar="N",
              help="Wrap plain text at N columns [default: one line per paragraph].")
@click.option("--clean", is_flag=True, help="No review comments in the draft.")
@click.option("--force", is_flag=True, help="Replace drafts that already exist.")
@pdf_engine_option
@pdf_a_option
@log_option
@click.pass_context
def draft(ctx, letter, out_dir, to, each, joint, formats, wrap, clean, force, pdf_engine, pdf_a, log_url):
    """Draft LETTER (a spec path, or a name in letters/) as Word files (or PDF, text, Markdown)."""
    if each and joint:
        raise click.UsageError("choose one of --each and --joint")
    mode = "each" if each else "joint" if joint else None
    out_dir = out_dir if out_dir is not None else root(ctx) / "drafts"
    for d in draft_letters(root(ctx), letter, out_dir, to=to, mode=mode, clean=clean, force=force,
                           formats=formats or ("docx",), wrap=wrap, log=log_url,
                           pdf_engine=pdf_engine, pdf_a=pdf_a, warn=warn):
        for block in d.letter.addresses:
            if block.comment:
                click.echo(f"warning: {block.comment}", err=True)
        comments = 0 if clean else d.letter.review_comments()
        for path in d.paths:
            click.echo(str(path))
            if comments and path.suffix == ".docx":     # on stderr: stdout stays a list of paths
                click.echo(f"  {comments} review comment{'s' if comments > 1 else ''} for its editor; "
                           "--clean writes a copy to send", err=True)
