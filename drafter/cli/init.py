"""drafter init DIR"""
from __future__ import annotations

from pathlib import Path

import click

from drafter.cli import main
from drafter.commands.init import init_campaign


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder):
    """Create FOLDER as a new campaign with a small working example."""
    for path in init_campaign(folder):
        click.echo(str(path))
    click.echo(f"next: drafter -C {folder} draft example", err=True)
