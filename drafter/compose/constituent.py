"""One volunteer's letter to one member of Congress: the one way `drafter batch` and the web
page (drafter.web) compose it.
"""
from __future__ import annotations

import dataclasses

from drafter.campaign.load import CONSTITUENTS, load_letter
from drafter.campaign.models import Ask, Instrument, Recipient
from drafter.campaign.query import matches
from drafter.compose.composer import Composer, asks_for, chosen_points
from drafter.compose.typography import curl
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
    """The volunteer's name and postal address (an envelope's return address)."""
    return (c.name, c.street, f"{c.city}, {c.state} {c.zip}")


def return_address(c: Constituent) -> tuple[str, ...]:
    """The volunteer's address at the top of their letter: name, street, city, email if given."""
    return signature(c) + ((c.email,) if c.email else ())


def one_ask(asks: list[Ask], member: Recipient) -> list[Ask]:
    """The one ask a constituent letter makes: the first ask for a committee (or other
    membership) the member holds, else the first general one, in asks.yaml's order."""
    def by_membership(ask: Ask) -> bool:
        return any("membership" in q and matches(member, q) for q in ask.applies)
    ranked = [a for a in asks if by_membership(a)] + [a for a in asks if not by_membership(a)]
    return ranked[:1]


def constituent_letter(composer: Composer, c: Constituent, member: Recipient) -> Letter:
    """The volunteer's letter to `member`, signed by the volunteer, without review comments:
    their address at the top, one ask (its instrument in the Re: line), the talking points
    they picked (`c.points`; ValueError for one the spec lacks)."""
    asks = one_ask(asks_for(composer.campaign.asks.values(), [member]), member)
    extra = {"constituent": constituent_context(c), "points": chosen_points(composer.spec, c.points),
             "asks": asks}
    letter = composer.compose([member], extra=extra, signatures=((c.name,),), comments=False)
    instrument = asks[0].instrument if asks else None
    subject = curl(subject_line_of(instrument)) if instrument else letter.subject
    return dataclasses.replace(letter, author=c.name, return_address=return_address(c), subject=subject)


def subject_line_of(instrument: Instrument) -> str:
    """What the Re: line says of an ask's instrument: its citation, first letter capitalised."""
    text = instrument.citation()
    return text[:1].upper() + text[1:]
