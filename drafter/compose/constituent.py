"""One volunteer's letter to one member of Congress, as `drafter batch` composes it.

The web page (drafter.web) calls this; `drafter batch` has the same logic in its `_Maker` for
now (to be folded into this module once the parallel batch changes are merged).
"""
from __future__ import annotations

import dataclasses

from drafter.campaign.load import CONSTITUENTS, load_letter
from drafter.campaign.models import Recipient
from drafter.compose.composer import Composer
from drafter.compose.letter import Letter
from drafter.errors import DataError
from drafter.people.constituents import Constituent
from drafter.people.states import STATE_NAMES


def constituent_spec(campaign, letter):
    """The letter spec, which must be a constituent letter (`to: constituents`)."""
    spec = load_letter(campaign, letter)
    if spec.to != (CONSTITUENTS,):
        raise DataError("not a constituent letter: it needs 'to: constituents'",
                        file=str(spec.path), hint="set 'to: constituents' and remove 'from', or use "
                        "'drafter draft' for a letter to named recipients")
    return spec


def constituent_context(c: Constituent) -> dict:
    """What the template sees as `constituent`; every value is escaped when printed."""
    return {"name": c.name, "street": c.street, "city": c.city, "state": c.state,
            "state_name": STATE_NAMES.get(c.state, c.state), "zip": c.zip, "district": c.district,
            "note": c.note or ""}


def signature(c: Constituent) -> tuple[str, ...]:
    return (c.name, c.street, f"{c.city}, {c.state} {c.zip}")


def constituent_letter(composer: Composer, c: Constituent, member: Recipient) -> Letter:
    """The volunteer's letter to `member`, signed by the volunteer, without review comments."""
    letter = composer.compose([member], extra={"constituent": constituent_context(c)},
                              signatures=(signature(c),), comments=False)
    return dataclasses.replace(letter, author=c.name)
