"""Constituent letters abroad (`drafter batch` for a UK campaign: volunteers matched to their MP by
constituency name or ONS code) and the kit in the letter's language (issue 27, points 5 and 6).

The MPs are hand-written profiles of real members, from ../shared/data/parliaments/gb-commons/
members-current.yaml (Contains Parliamentary information licensed under the Open Parliament
Licence v3.0); their genders are given by hand, as a campaign gives them (the data has none).
"""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import check_docx, docx_text
from drafter.cli import main

UK_MPS = """
  sarah-olney:
    name: Sarah Olney
    role: mp
    country: GB
    gender: female
    constituency: Richmond Park
    constituency_code: E14001445
    parliament: gb-commons
    member_id: "4591"
  rishi-sunak:
    name: Rishi Sunak
    role: mp
    country: GB
    gender: male
    privy_council: true
    constituency: Richmond and Northallerton
    constituency_code: E14001444
    parliament: gb-commons
    member_id: "4483"
  llinos-medi:
    name: Llinos Medi
    role: mp
    country: GB
    gender: female
    constituency: Ynys Môn
    constituency_code: W07000112
    parliament: gb-commons
    member_id: "5085"
"""

UK_ASK = """
  raise-with-foreign-secretary:
    for: {country: GB, role: mp}
    text: >-
      Ask the Foreign Secretary to raise the mass collection of DNA by police in Tibet with the
      Chinese government.
    authority: a member's own question or letter
"""

UK_SPEC = """template: uk-constituent
date: 2026-12-06
to: constituents
locale: en-GB
citation_style: chicago-notes-bibliography
subject: "Mass DNA collection in Tibet"
points:
  scale:
    label: How many people police sampled
    snippets: [dna-scale, dna-no-crime]
    default: true
"""

UK_TEMPLATE = """As your constituent in {{ constituent.city }} ({{ constituent.constituency }}), I am writing
about the mass collection of DNA by police in the Tibet Autonomous Region.
{% if constituent.note %}

{{ constituent.note }}
{% endif %}
{% for point in points %}

{{ point }}
{% endfor %}
{% if asks %}

I ask that you {{ asks[0] | lowerfirst }}
{% endif %}
"""


def uk_campaign(campaign: Path) -> Path:
    """The example campaign with three UK MPs, an ask for them and a UK constituent letter."""
    recipients = campaign / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    recipients.write_text(text.replace("recipients:\n", "recipients:\n" + UK_MPS, 1), encoding="utf-8")
    asks = campaign / "asks.yaml"
    asks.write_text(asks.read_text(encoding="utf-8").replace("asks:\n", "asks:\n" + UK_ASK, 1), encoding="utf-8")
    (campaign / "letters/uk-constituent.yaml").write_text(UK_SPEC, encoding="utf-8")
    (campaign / "letters/templates/uk-constituent.md.j2").write_text(UK_TEMPLATE, encoding="utf-8")
    return campaign


def write_csv(path: Path, rows: list[list[str]], header=("Name", "Street", "Town", "Postcode", "Email",
                                                          "Constituency", "Message", "Points")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([list(header), *rows])
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])
