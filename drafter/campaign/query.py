"""The recipient query of a letter's `to:` and an ask's `for:`: which profiles it matches.

It lives with the campaign because loading checks every query matches someone; selection
(people/select.py) uses it too."""
from __future__ import annotations

from drafter.campaign.models import Recipient


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def matches(r: Recipient, query: dict) -> bool:
    """A query's keys all hold: role, state, district, membership, country, constituency (each a
    value or a list).
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
    if "country" in query and r.country_code not in [c.upper() for c in _as_list(query["country"])]:
        return False
    if "constituency" in query and (r.constituency or "").casefold() not in \
            [c.casefold() for c in _as_list(query["constituency"])]:
        return False
    return True
