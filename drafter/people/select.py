"""Select a letter's recipients: by id, by a named group, or by a query, and group them into letters."""
from __future__ import annotations

from drafter.errors import DataError, did_you_mean
from drafter.campaign.models import Recipient


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def matches(r: Recipient, query: dict) -> bool:
    """A query's keys all hold: role, state, district, membership (each a value or a list).
    Former officials match only when named by id: a query is about who holds office now."""
    if r.former:
        return False
    if "role" in query and r.role not in _as_list(query["role"]):
        return False
    if "state" in query and r.state not in [s.upper() for s in _as_list(query["state"])]:
        return False
    if "district" in query and r.district not in _as_list(query["district"]):
        return False
    if "membership" in query and not any(r.is_member(m) for m in _as_list(query["membership"])):
        return False
    return True


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
