"""How long the campaign log keeps volunteers' letters: each letter spec's `keep_days`
(default 90), enforced by `drafter log forget --expired` and by `drafter serve` at start."""
from __future__ import annotations

from drafter.campaign.load import load_campaign, load_letter
from drafter.campaign.models import DEFAULT_KEEP_DAYS
from drafter.log.store import forget_expired


def keep_days(campaign) -> dict[str, int]:
    """{letter spec name: days its volunteers' letters are kept}; a spec that cannot be read
    stops it (its retention is unknown, and guessing could keep data longer than promised)."""
    return {name: load_letter(campaign, name).keep_days for name in campaign.letter_names()}


def forget_expired_letters(log, root, campaign=None) -> int:
    """Remove the volunteers' letters logged longer ago than their spec keeps them; the rows of
    a spec no longer in the campaign are kept the default time."""
    campaign = campaign or load_campaign(root)
    return forget_expired(log, keep_days(campaign), DEFAULT_KEEP_DAYS)
