"""Select a letter's recipients: by id, by a named group, or by a query, and group them into letters."""
from __future__ import annotations

from drafter.errors import DataError, did_you_mean
from drafter.campaign.models import Recipient
from drafter.campaign.query import matches


def select_recipients(recipients: dict[str, Recipient], to: tuple | list,
                      groups: dict[str, list[str]] | None = None) -> list[Recipient]:
    """The recipients named by `to`, in its order, each once."""
    groups = groups or {}
    chosen: dict[str, Recipient] = {}
    for entry in to:
        if isinstance(entry, dict):
            found = [r for r in recipients.values() if matches(r, entry)]
            if not found:
                raise DataError(f"no recipient matches {entry}", hint="check the query in the letter's 'to:'")
            for r in found:
                chosen.setdefault(r.id, r)
        elif entry in recipients:
            chosen.setdefault(entry, recipients[entry])
        elif entry in groups:
            for rid in groups[entry]:
                if rid not in recipients:
                    raise DataError(f"group {entry!r} names unknown recipient {rid!r}",
                                    hint=did_you_mean(rid, recipients))
                chosen.setdefault(rid, recipients[rid])
        else:
            raise DataError(f"unknown recipient {entry!r}",
                            hint=did_you_mean(entry, list(recipients) + list(groups)) or "add it to recipients.yaml")
    return list(chosen.values())


def group_letters(recipients: list[Recipient], mode: str) -> list[list[Recipient]]:
    """joint: one letter to everyone; each: one letter per recipient."""
    if not recipients:
        raise DataError("the letter has no recipients")
    return [recipients] if mode == "joint" else [[r] for r in recipients]
