"""drafter schema evidence|recipients|letter"""
from __future__ import annotations

import click

from drafter.cli import main
from drafter.campaign.schemas import SCHEMAS, schema_json


@main.command()
@click.argument("kind", type=click.Choice(sorted(SCHEMAS)))
def schema(kind):
    """Print the JSON Schema of a campaign file, for editors:

    drafter schema evidence > evidence.schema.json, then put
    "# yaml-language-server: $schema=./evidence.schema.json" on the first line of evidence.yaml.
    """
    click.echo(schema_json(kind), nl=False)
