"""`drafter recipients list|import-congress|import-parliament`."""
from __future__ import annotations

import time
from pathlib import Path

import click

from drafter.campaign.load import RECIPIENTS_FILE
from drafter.campaign.jsontypes import COUNTRIES
from drafter.campaign.schemas import ROLES
from drafter.commands.recipients import import_congress, import_parliament, list_recipients
from drafter.cli import echo_table, main, root


@main.group()
def recipients():
    """List recipient profiles, or import members of Congress or of a parliament."""


@recipients.command("import-congress")
@click.argument("legislators", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--committees", "membership", type=click.Path(dir_okay=False, path_type=Path),
              help="committee-membership-current.yaml (committee names come from "
                   "committees-current.yaml beside it).")
@click.option("--committee", "committee_ids", multiple=True, metavar="ID",
              help="Only members of this committee or its subcommittees (thomas_id, e.g. SSFR).")
@click.option("--state", "states", multiple=True, metavar="XX", help="Only members from this state.")
@click.option("--id", "ids", multiple=True, metavar="BIOGUIDE", help="Only this member (bioguide id, e.g. M001176).")
@click.pass_context
def import_congress_cmd(ctx, legislators, membership, committee_ids, states, ids):
    """Add or refresh members of Congress from congress-legislators' LEGISLATORS file.

    Each option can be repeated (any of its values); options given together must all hold."""
    path = root(ctx) / RECIPIENTS_FILE
    started = time.perf_counter()
    _echo(import_congress(path, legislators, membership, committee_ids, states, ids=ids), started)


def _echo(report, started: float) -> None:
    for line in report.lines():
        click.echo(line)
    for written in report.written:
        click.echo(f"wrote {written}")
    click.echo(f"done in {time.perf_counter() - started:.2f} s")


@recipients.command("import-parliament")
@click.argument("parliament", metavar="PARLIAMENT")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--id", "ids", multiple=True, metavar="ID", help="Only this member (the id in the source).")
@click.option("--constituency", "constituencies", multiple=True, metavar="NAME_OR_CODE",
              help="Only the member(s) for this constituency, riding, division or Wahlkreis (name or code); "
                   "a state for Australian Senators, a member state for MEPs, a département in France.")
@click.option("--party", "parties", multiple=True, metavar="TEXT",
              help="Only members of this party or parliamentary group.")
@click.option("--all", "everyone", is_flag=True, help="Every member in the file.")
@click.pass_context
def import_parliament_cmd(ctx, parliament, source, ids, constituencies, parties, everyone):
    """Add or refresh members of PARLIAMENT (gb-commons, eu-parliament, de-bundestag, ca-commons,
    au-parliament or fr-assemblee) from SOURCE, its members-current.yaml or the folder holding it.

    Each option can be repeated (any of its values); options given together must all hold.
    The sources' attribution goes to recipients.sources.md beside recipients.yaml."""
    path = root(ctx) / RECIPIENTS_FILE
    started = time.perf_counter()
    _echo(import_parliament(path, parliament, source, ids, constituencies, parties, everyone), started)


@recipients.command("list")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="Only this role.")
@click.option("--state", "states", multiple=True, metavar="XX", help="Only this state.")
@click.option("--country", "countries", multiple=True, type=click.Choice(COUNTRIES, case_sensitive=False),
              help="Only those holding office in this country (EU: the European Parliament).")
@click.pass_context
def list_cmd(ctx, roles, states, countries):
    """A table of recipient profiles: id, name, role, and state and district (members of Congress)
    or country and constituency (abroad)."""
    people = list_recipients(root(ctx), roles, states, countries)
    if not people:
        click.echo("no recipient matches", err=True)
        return
    us, abroad = any(p.country_code == "US" for p in people), any(p.country_code != "US" for p in people)
    head = ("id", "name", "role") + (("state", "district") if us else ()) + (("country", "constituency") if abroad else ())
    rows = [(p.id, p.name, p.role)
            + ((p.state or "", "" if p.district is None else str(p.district)) if us else ())
            + ((p.country or "", p.constituency or "") if abroad else ()) for p in people]
    echo_table(head, rows)
