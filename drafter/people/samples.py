"""Stand-ins for `drafter check`, which renders batch letters without the volunteers' CSV or the
legislators file: a sample constituent, and a member of each chamber. They are used only in
memory, never written into a letter."""
from __future__ import annotations

from drafter.campaign.models import Recipient
from drafter.people.constituents import Constituent

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
