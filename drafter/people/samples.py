"""Stand-ins for `drafter check`, which renders batch letters without the volunteers' CSV or the
legislators file: a sample constituent, and a member of each chamber. They are used only in
memory, never written into a letter."""
from __future__ import annotations

import dataclasses

from drafter.campaign.models import Recipient
from drafter.people.constituents import POSTCODES, Constituencies, Constituent

CONGRESS_ROLES = ("senator", "representative", "delegate", "resident-commissioner")

SAMPLE_CONSTITUENT = Constituent(row=2, name="Sample Constituent", street="1 Sample Street", city="Sampleton",
                                 state="OR", zip="97000", district=1, email="sample@example.org",
                                 note="A sample note in the volunteer's own words.")

SAMPLE_MEMBERS = (
    Recipient(id="sample-senator", name="Pat Sample", role="senator", organization="United States Senate",
              address=("Washington, DC 20510",), state="OR", phone="(202) 555-0100"),
    Recipient(id="sample-representative", name="Sam Sample", role="representative",
              organization="United States House of Representatives", address=("Washington, DC 20515",),
              state="OR", district=1, phone="(202) 555-0101"),
)


def sample_members(recipients: dict[str, Recipient]) -> list[Recipient]:
    """A Senator and a Representative: the first current ones in recipients.yaml, else made-up
    profiles shaped as `drafter batch` builds them from the legislators file."""
    out = []
    for sample in SAMPLE_MEMBERS:
        found = next((r for r in recipients.values() if r.role == sample.role and not r.former), None)
        out.append(found or sample)
    return out


def sample_constituent(country: str = "US") -> Constituent:
    """The sample volunteer; abroad, with a postcode of the country's form and a constituency."""
    if country == "US":
        return SAMPLE_CONSTITUENT
    postcode = POSTCODES[country][2] if country in POSTCODES else "0000"
    return dataclasses.replace(SAMPLE_CONSTITUENT, state="", zip=postcode, district=None, country=country,
                               constituency="Sample Constituency")


def sample_members_abroad(members: Constituencies) -> list[Recipient]:
    """One member of each role among a country's members by constituency (an MP first)."""
    found: dict[str, Recipient] = {}
    everyone = {m.id: m for ms in [*members.by_code.values(), *members.by_name.values()] for m in ms}
    for m in sorted(everyone.values(), key=lambda m: m.role != "mp"):
        found.setdefault(m.role, m)
    return list(found.values())


def samples(recipients: dict[str, Recipient], abroad: Constituencies | None) -> tuple[Constituent, list[Recipient]]:
    """The sample volunteer and the members their letters go to: members of Congress, or
    (`abroad`) the campaign's members by constituency in that country."""
    if abroad is None:
        return SAMPLE_CONSTITUENT, sample_members(recipients)
    return sample_constituent(abroad.country), sample_members_abroad(abroad)
