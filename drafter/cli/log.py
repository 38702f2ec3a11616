"""drafter log list|stats|mark|export|merge|forget: the campaign log from the command line."""
from __future__ import annotations

import csv
import json
import shlex
import sys
from pathlib import Path

import click

from drafter.cli import main, root
from drafter.cli.options import log_option
from drafter.log import STATS_BY, STATUSES, open_log
from drafter.compose.similarity import THRESHOLD
from drafter.log.store import LETTER_COLUMNS
from drafter.output.sheets import cell

_date = click.DateTime(formats=["%Y-%m-%d"])


def _open(ctx, log_url, **kw):
    return open_log(root(ctx), log_url, **kw)


def _table(header: list[str], rows: list[list], right: set[int] = frozenset()) -> str:
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
                     for r in cells)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


@main.group("log")
def log_group():
    """The campaign log: every letter drafter placed, and what became of it."""


@log_group.command("list")
@click.option("--letter", metavar="NAME", help="Only this letter spec.")
@click.option("--recipient", metavar="ID", help="Only letters to this recipient (an id such as M000133).")
@click.option("--constituent", metavar="TEXT", help="Only letters whose writer's name or email contains TEXT.")
@click.option("--status", type=click.Choice(STATUSES), help="Only letters with this status.")
@click.option("--since", type=_date, metavar="DATE", help="Only letters logged on or after DATE (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@log_option
@click.pass_context
def list_cmd(ctx, letter, recipient, constituent, status, since, fmt, log_url):
    """The letters in the log, oldest first."""
    with _open(ctx, log_url) as log:
        items = log.list_letters(letter=letter, recipient=recipient, constituent=constituent, status=status,
                                 since=since.date() if since else None)
    if fmt == "json":
        click.echo(json.dumps([i.as_dict() for i in items], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(LETTER_COLUMNS)
        for i in items:
            d = i.as_dict()
            d.update(recipients=" ".join(d["recipients"]), formats=" ".join(d["formats"]), paths=" ".join(d["paths"]))
            out.writerow([cell(d[c]) for c in LETTER_COLUMNS])
    else:
        rows = [[i.id, i.created[:16].replace("T", " "), i.status + (f" {i.status_on}" if i.status_on else ""),
                 i.command, i.letter, i.version, _short(" ".join(i.recipient_ids), 24), _short(i.name, 24),
                 Path(i.paths[0]).name if i.paths else ""] for i in items]
        click.echo(_table(["id", "logged (UTC)", "status", "command", "letter", "v", "to", "writer", "file"], rows, {0, 5}))
        click.echo(f"{len(items)} letter(s)", err=True)


@log_group.command()
@click.option("--by", type=click.Choice(STATS_BY), default="recipient", show_default=True)
@click.option("--similar", is_flag=True,
              help="Per office, the letters sharing more than half their five-word sequences with another "
                   "letter to it (read as form letters), across the whole log.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@log_option
@click.pass_context
def stats(ctx, by, similar, fmt, log_url):
    """Letters per office (or letter, state, day, status), sent and answered, with totals. A
    letter counts once however many versions it has."""
    if similar:
        return _similar(ctx, fmt, log_url)
    with _open(ctx, log_url) as log:
        rows, total = log.stats(by)
    if fmt == "json":
        click.echo(json.dumps({"by": by, "rows": rows, "total": total}, ensure_ascii=False, indent=2))
        return
    extra = ["office"] if by == "recipient" else []
    body = [[r[by] or "(none)", *[_short(r[k], 64) for k in extra], r["letters"], r["sent"], r["answered"]]
            for r in rows]
    body.append(["total", *[""] * len(extra), total["letters"], total["sent"], total["answered"]])
    n = len(extra) + 1
    click.echo(_table([by, *extra, "letters", "sent", "answered"], body, {n, n + 1, n + 2}))


def _similar(ctx, fmt: str, log_url) -> None:
    with _open(ctx, log_url) as log:
        offices, letters = log.similar()
    total = {"letters": len(letters), "above": sum(r["above"] for r in offices)}
    if fmt == "json":
        click.echo(json.dumps({"threshold": THRESHOLD, "offices": offices, "total": total, "letters": letters},
                              ensure_ascii=False, indent=2))
        return
    body = [[r["recipient"], _short(r["office"], 64), r["letters"], r["above"]] for r in offices]
    body.append(["total", "", total["letters"], total["above"]])
    click.echo(_table(["recipient", "office", "letters", f"above {THRESHOLD}"], body, {2, 3}))
    click.echo(f"{total['above']} of {total['letters']} letter(s) share more than {THRESHOLD:.0%} of their "
               "five-word sequences with another letter to the same office", err=True)


@log_group.command()
@click.argument("ids", nargs=-1, required=True, type=int)
@click.option("--sent", "status", flag_value="sent", help="The letters went out.")
@click.option("--answered", "status", flag_value="answered", help="The office answered.")
@click.option("--drafted", "status", flag_value="drafted", help="Undo: back to drafted.")
@click.option("--on", type=_date, metavar="DATE", help="When (YYYY-MM-DD) [default: today].")
@click.option("--note", metavar="TEXT", help="A note kept with the letter (who answered, a reference).")
@log_option
@click.pass_context
def mark(ctx, ids, status, on, note, log_url):
    """Mark letters (by the ids 'drafter log list' shows) sent or answered."""
    if status is None:
        raise click.UsageError("say what happened: --sent or --answered")
    with _open(ctx, log_url) as log:
        items = log.mark(ids, status, on.date() if on else None, note)
    click.echo(f"marked {len(items)} letter(s) {status} on {items[0].status_on}: "
               + ", ".join(str(i.id) for i in items))


@log_group.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--constituents", is_flag=True,
              help="One row per constituent, in the columns 'drafter batch --constituents' reads.")
@click.option("--letter", metavar="NAME", help="Only this letter spec's letters (or writers).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@log_option
@click.pass_context
def export(ctx, file, constituents, letter, force, log_url):
    """Write the log as a spreadsheet-safe CSV: one row per letter, or per constituent."""
    with _open(ctx, log_url) as log:
        n = (log.export_constituents_csv(file, force, letter) if constituents
             else log.export_letters_csv(file, force, letter))
    click.echo(str(file))
    click.echo(f"{n} {'constituent' if constituents else 'letter'}(s)", err=True)


@log_group.command()
@click.argument("other")
@log_option
@click.pass_context
def merge(ctx, other, log_url):
    """Bring in another log (an event laptop's drafter-log.sqlite, or a postgresql:// URL).
    Merging the same log again adds nothing; people forgotten in either log stay forgotten.
    The other log is only read, and refused whole if any of it is not as drafter writes it."""
    with _open(ctx, log_url) as log:
        report = log.merge(other)
    click.echo(f"added {report['added']}, updated {report['updated']} status(es), "
               f"removed {report['forgotten']} forgotten")


@log_group.command()
@click.option("--constituent", metavar="EMAIL_OR_NAME",
              help="By email: that email's letters. By name: that name's letters and their emails'.")
@click.option("--before", type=_date, metavar="DATE", help="Every letter logged before DATE (in the past).")
@click.option("--expired", is_flag=True,
              help="Volunteers' letters (batch, serve) older than their letter spec's keep_days (default 90).")
@log_option
@click.pass_context
def forget(ctx, constituent, before, expired, log_url):
    """Remove personal data from the log for good (the database file is rewritten). The files
    drafter wrote are not touched."""
    if bool(constituent) + bool(before) + expired != 1:
        raise click.UsageError("give one of --constituent EMAIL_OR_NAME, --before DATE and --expired")
    if expired:
        from drafter.commands.retention import forget_expired_letters
        with _open(ctx, log_url) as log:
            n = forget_expired_letters(log, root(ctx))
        click.echo(f"removed {n} expired letter(s) from {log.where}")
        return
    with _open(ctx, log_url) as log:
        kept = log.namesakes(constituent) if constituent else []
        n = log.forget(constituent=constituent, before=before.date() if before else None)
    click.echo(f"removed {n} letter(s) from {log.where}"
               + ("; a tombstone (a salted hash, no name) keeps them out of later merges" if constituent else ""))
    if kept:
        click.echo(f"kept {len(kept)} letter(s) with the same name and no email (ids "
                   f"{', '.join(str(r.id) for r in kept)}); if they are this person's, forget them with:")
        for name in dict.fromkeys(r.name for r in kept):
            click.echo(f"  drafter log forget --constituent {shlex.quote(name)}")
