"""Evidence that needs checking again: sources accessed long ago, snippets not verified lately.

Used by `drafter check` (warnings), `drafter evidence list --stale` and review comments in drafts.
A partial date ("2023-10", "2023") counts from its first day, so it is flagged rather than missed.
"""
from __future__ import annotations

import datetime as dt

from drafter.campaign.dates import day_of
from drafter.campaign.models import DEFAULT_STALE_DAYS, Evidence, Snippet, Source


def _age(date: dt.date, today: dt.date) -> int:
    return (today - date).days


def _limit(evidence: Evidence) -> int:
    return evidence.stale_after_days or DEFAULT_STALE_DAYS


def stale_sources(evidence: Evidence, today: dt.date | None = None) -> list[tuple[Source, str]]:
    """Sources whose `accessed` date is older than the campaign's limit, with the reason.

    A source without `accessed` is not listed: many (laws, printed reports) have none to check.
    """
    today = today or dt.date.today()
    limit = _limit(evidence)
    out = []
    for source in evidence.sources.values():
        accessed = day_of(source.csl.get("accessed"))
        if accessed is not None and _age(accessed, today) > limit:
            out.append((source, f"accessed {accessed.isoformat()}, {_age(accessed, today)} days ago "
                                f"(limit {limit} days)"))
    return out


def stale_snippets(evidence: Evidence, today: dt.date | None = None) -> list[tuple[Snippet, str]]:
    """Snippets never verified, or verified longer ago than the campaign's limit, with the reason."""
    today = today or dt.date.today()
    limit = _limit(evidence)
    out = []
    for snippet in evidence.snippets.values():
        if snippet.verified is None:
            out.append((snippet, "never verified (no 'verified' date)"))
        elif _age(snippet.verified, today) > limit:
            out.append((snippet, f"verified {snippet.verified.isoformat()}, {_age(snippet.verified, today)} "
                                 f"days ago (limit {limit} days)"))
    return out
