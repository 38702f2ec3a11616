"""drafter check"""
from __future__ import annotations

import json

import click

from drafter.cli import main, root
from drafter.commands.check import check_campaign


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Judge staleness as of this day (default: today), for reproducible runs.")
@click.pass_context
def check(ctx, fmt, strict, today):
    """Check the campaign's files; exit 1 when there are errors (with --strict, warnings too)."""
    findings = check_campaign(root(ctx), today=today.date() if today else None)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors and not (strict and warnings),
                               "errors": len(errors), "warnings": len(warnings),
                               "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        # All on stdout, in file order: `2>&1` or a pager keeps errors beside their warnings.
        for f in findings:
            click.echo(str(f))
        click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    if errors or (strict and warnings):
        ctx.exit(1)
