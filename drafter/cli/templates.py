"""drafter templates list"""
from __future__ import annotations

import click

from drafter.campaign.load import TEMPLATES_DIR
from drafter.cli import main, root
from drafter.commands.templates import list_templates


@main.group()
def templates():
    """The campaign's letter templates."""


@templates.command("list")
@click.pass_context
def list_cmd(ctx):
    """List templates in letters/templates/ with their first comment line."""
    found = list_templates(root(ctx))
    if not found:
        click.echo(f"no templates in {root(ctx) / TEMPLATES_DIR}")
        return
    width = max(len(name) for name, _ in found)
    for name, summary in found:
        click.echo(f"{name:<{width}}  {summary}".rstrip())
