"""drafter evidence list|sources|show|import"""
from __future__ import annotations

import datetime as dt

import click

from drafter.cli import echo_table, main, root
from drafter.campaign.load import EVIDENCE_FILE, load_evidence
from drafter.compose.citations import DEFAULT_STYLE
from drafter.commands.evidence import list_snippets, list_sources, show_evidence
from drafter.commands.imports import import_sources


def _today(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write YYYY-MM-DD", param_hint="--today") from None


@main.group()
def evidence():
    """Browse, check and import the evidence library (evidence.yaml)."""


def _print(listing) -> None:
    for i, table in enumerate(listing.tables):
        if i:
            click.echo()
        echo_table(table.headers, table.rows)
    for line in listing.summary:
        click.echo(line)


@evidence.command("list")
@click.option("--tag", help="Only snippets with this tag.")
@click.option("--source", "source_id", help="Only snippets citing this source.")
@click.option("--stale", is_flag=True, help="Only what is due for re-checking (see settings: stale_after_days).")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge staleness as of this day (default: today).")
@click.pass_context
def list_(ctx, tag, source_id, stale, today):
    """List snippets as a table (and, with --stale, stale sources too); * marks a note."""
    _print(list_snippets(load_evidence(root(ctx)), root(ctx) / EVIDENCE_FILE, tag, source_id, stale, _today(today)))


@evidence.command("sources")
@click.option("--type", "type_", metavar="TYPE", help="Only sources of this CSL type (report, webpage, ...).")
@click.option("--author", help="Only sources with an author whose name contains this text.")
@click.option("--cited/--uncited", default=None, help="Only sources some snippet cites, or none does.")
@click.option("--stale", is_flag=True, help="Only sources due for re-checking (their 'accessed' date).")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge staleness as of this day (default: today).")
@click.pass_context
def sources(ctx, type_, author, cited, stale, today):
    """List sources as a table: type, first author, date, snippets citing them, accessed, title."""
    _print(list_sources(load_evidence(root(ctx)), root(ctx) / EVIDENCE_FILE, type_, author, cited, stale,
                        _today(today)))


@evidence.command()
@click.argument("evidence_id", metavar="ID")
@click.option("--style", default=DEFAULT_STYLE, show_default=True, help="CSL style name or .csl file.")
@click.pass_context
def show(ctx, evidence_id, style):
    """Print a snippet (or a source) with its footnote, as a letter would print them, and its notes."""
    click.echo(show_evidence(load_evidence(root(ctx)), evidence_id, style, root(ctx)))


@evidence.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.pass_context
def import_(ctx, file, dry_run):
    """Add the sources of a CSL-JSON (Zotero) or BibTeX FILE to evidence.yaml.

    Existing entries and comments stay as they are. An id that is already there with different
    content is a conflict: it is reported and left for you to settle (exit status 1).
    """
    path = root(ctx) / EVIDENCE_FILE
    report = import_sources(path, file, dry_run=dry_run)
    verb = "would add" if dry_run else "added"
    for sid in report.added:
        click.echo(f"{verb}: {sid}")
        for note in report.notes.get(sid, []):
            click.echo(f"    note: {note}")
        if report.dropped.get(sid):
            click.echo(f"    left out (not CSL fields): {', '.join(report.dropped[sid])}")
    for sid in report.unchanged:
        click.echo(f"unchanged: {sid}")
    for sid, existing in report.same_as:
        click.echo(f"already there as {existing}: {sid}")
    for cand in report.skipped:
        click.echo(f"{cand.origin}: skipped {cand.id}: {'; '.join(cand.problems)}", err=True)
    for conflict in report.conflicts:
        click.echo(f"{conflict.origin}: conflict: {conflict.id} is already in {EVIDENCE_FILE} with other content "
                   "(left as it is):", err=True)
        for name, old, new in conflict.differences:
            click.echo(f"    {name}:\n      here:   {_value(old)}\n      import: {_value(new)}", err=True)
    if report.written:
        click.echo(f"wrote {report.written}")
    click.echo(f"{len(report.added)} added, {len(report.unchanged) + len(report.same_as)} unchanged, "
               f"{len(report.conflicts)} conflict(s), {len(report.skipped)} skipped")
    if report.conflicts or report.skipped:
        ctx.exit(1)


def _value(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(n.get("literal") or " ".join(filter(None, (n.get("given"), n.get("family"))))
                         if isinstance(n, dict) else str(n) for n in value)
    return str(value)
