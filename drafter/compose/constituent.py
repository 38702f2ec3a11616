"""One volunteer's letter to one member of Congress: the one way `drafter batch` and the web
page (drafter.web) compose it.
"""
from __future__ import annotations

import dataclasses

from drafter.campaign.load import CONSTITUENTS, load_letter
from drafter.campaign.models import Recipient
from drafter.compose.composer import Composer
from drafter.compose.letter import Letter
from drafter.errors import DataError
from drafter.people.constituents import Constituent, constituent_context


def constituent_spec(campaign, letter, checks=(), needed_by: str = "it"):
    """The letter spec, which must be a constituent letter (`to: constituents`); `checks` are
    the later stages' (drafter.commands.SPEC_CHECKS), `needed_by` who the message says needs it."""
    spec = load_letter(campaign, letter, checks)
    if spec.to != (CONSTITUENTS,):
        raise DataError(f"not a constituent letter: {needed_by} needs 'to: constituents'",
                        file=str(spec.path), hint="set 'to: constituents' and remove 'from', or use "
                        "'drafter draft' for a letter to named recipients")
    return spec


def stale_refused(composer: Composer, found: dict[tuple[str, str], str]) -> DataError:
    """The error of a constituent letter citing evidence due for re-checking where its spec
    sets `stale: refuse`: each stale snippet or source once, with the first letter citing it
    (`found`: (kind, id) -> "the letter from row 3 to M000133")."""
    said = "; ".join(f"{kind} {item!r} in {where}: {composer.stale_reason(kind, item)}"
                     for (kind, item), where in found.items())
    return DataError(f"the letters cite evidence due for re-checking, and the spec sets 'stale: refuse': {said}",
                     file=str(composer.spec.path),
                     hint="compare each with its source and update 'verified' (a snippet) or 'accessed' (a source) "
                          "in evidence.yaml, or set 'stale: warn'; no letter was written")


def signature(c: Constituent) -> tuple[str, ...]:
    """The volunteer's signature block: name and postal address."""
    return (c.name, c.street, f"{c.city}, {c.state} {c.zip}")


def constituent_letter(composer: Composer, c: Constituent, member: Recipient) -> Letter:
    """The volunteer's letter to `member`, signed by the volunteer, without review comments."""
    letter = composer.compose([member], extra={"constituent": constituent_context(c)},
                              signatures=(signature(c),), comments=False)
    return dataclasses.replace(letter, author=c.name)
