"""drafter templates list"""
from __future__ import annotations

import click

from drafter.cli import main, root
from drafter.campaign.load import TEMPLATES_DIR, TEMPLATE_SUFFIX
from drafter.compose.render import read_template
from drafter.errors import DrafterError


@main.group()
def templates():
    """The campaign's letter templates."""


@templates.command("list")
@click.pass_context
def list_templates(ctx):
    """List templates in letters/templates/ with their first comment line."""
    folder = root(ctx) / TEMPLATES_DIR
    names = sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")) if folder.is_dir() else []
    if not names:
        click.echo(f"no templates in {folder}")
        return
    width = max(len(p.name) - len(TEMPLATE_SUFFIX) for p in names)
    for path in names:
        name = path.name[: -len(TEMPLATE_SUFFIX)]
        click.echo(f"{name:<{width}}  {_summary(path)}".rstrip())


def _summary(path) -> str:
    try:
        text = read_template(path, path.parent.parent.parent).lstrip()
    except DrafterError as exc:
        return f"(not read: {exc.message})"
    if text.startswith("{#"):
        first = text[2:].lstrip("- \n").splitlines()[0] if text[2:].strip() else ""
        return first.strip().rstrip("-#}").strip()
    return ""
