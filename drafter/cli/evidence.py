"""drafter evidence list|show|import"""
from __future__ import annotations

import datetime as dt
import textwrap

import click

from drafter.cli import echo_table, main, root
from drafter.campaign.load import EVIDENCE_FILE, load_evidence
from drafter.compose.citations import DEFAULT_STYLE, CiteItem, Citer
from drafter.errors import DataError, did_you_mean
from drafter.commands.imports import import_sources
from drafter.campaign.staleness import stale_snippets, stale_sources


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


@evidence.command("list")
@click.option("--tag", help="Only snippets with this tag.")
@click.option("--source", "source_id", help="Only snippets citing this source.")
@click.option("--stale", is_flag=True, help="Only what is due for re-checking (see settings: stale_after_days).")
@click.option("--today", metavar="YYYY-MM-DD", help="Judge staleness as of this day (default: today).")
@click.pass_context
def list_(ctx, tag, source_id, stale, today):
    """List snippets as a table (and, with --stale, stale sources too)."""
    ev = load_evidence(root(ctx))
    day = _today(today)
    if source_id and source_id not in ev.sources:
        raise DataError(f"unknown source {source_id!r}", file=str(root(ctx) / EVIDENCE_FILE),
                        hint=did_you_mean(source_id, ev.sources))
    tags = {t for s in ev.snippets.values() for t in s.tags}
    if tag and tag not in tags:
        raise DataError(f"no snippet has tag {tag!r}", file=str(root(ctx) / EVIDENCE_FILE),
                        hint=did_you_mean(tag, tags) or f"tags in use: {', '.join(sorted(tags))}")
    reasons = {s.id: why for s, why in stale_snippets(ev, day)} if stale else {}
    chosen = [s for s in ev.select(tag, source_id) if not stale or s.id in reasons]
    if stale:
        old = [(s, why) for s, why in stale_sources(ev, day) if source_id is None or s.id == source_id]
        if old:
            echo_table(["SOURCE", "WHY"], [[s.id, why] for s, why in old])
            click.echo()
        echo_table(["SNIPPET", "SOURCES", "WHY"], [[s.id, ", ".join(s.sources), reasons[s.id]] for s in chosen])
        click.echo(f"{len(old)} stale source(s), {len(chosen)} stale snippet(s)")
        return
    echo_table(["SNIPPET", "SOURCES", "TAGS", "VERIFIED", "TEXT"],
           [[s.id, ", ".join(s.sources), ", ".join(s.tags), s.verified.isoformat() if s.verified else "-", s.text]
            for s in chosen])
    click.echo(f"{len(chosen)} snippet(s)")


def note_text(citer: Citer, items: tuple[CiteItem, ...]) -> str:
    """The footnote of one citation as plain text (URLs included, as in the letter)."""
    return "".join(run.text for run in citer.notes([items])[0])


@evidence.command()
@click.argument("evidence_id", metavar="ID")
@click.option("--style", default=DEFAULT_STYLE, show_default=True, help="CSL style name or .csl file.")
@click.pass_context
def show(ctx, evidence_id, style):
    """Print a snippet (or a source) with its footnote, as a letter would print them."""
    ev = load_evidence(root(ctx))
    citer = Citer(ev, style, root(ctx))
    if evidence_id in ev.snippets:
        s = ev.snippets[evidence_id]
        items = tuple(CiteItem(sid, s.locator if i == 0 else None, s.label) for i, sid in enumerate(s.sources))
        details = [f"sources: {', '.join(s.sources)}"] + ([f"{s.label} {s.locator}"] if s.locator else []) + \
            ([f"tags: {', '.join(s.tags)}"] if s.tags else []) + \
            [f"verified: {s.verified.isoformat()}" if s.verified else "verified: never"]
        click.echo(f"{s.id} ({'; '.join(details)})\n")
        click.echo(textwrap.fill(s.text + "[1]", width=92, break_long_words=False, break_on_hyphens=False))
        click.echo()
        click.echo(f"[1] {note_text(citer, items)}")
    elif evidence_id in ev.sources:
        used = [s.id for s in ev.snippets.values() if evidence_id in s.sources]
        click.echo(f"{evidence_id} (source; cited by: {', '.join(used) or 'no snippet'})\n")
        click.echo(f"[1] {note_text(citer, (CiteItem(evidence_id),))}")
    else:
        raise DataError(f"no snippet or source {evidence_id!r}", file=str(root(ctx) / EVIDENCE_FILE),
                        hint=did_you_mean(evidence_id, list(ev.snippets) + list(ev.sources)))


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
