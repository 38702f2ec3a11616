"""`drafter recipients list`: the profiles of recipients.yaml, filtered by role and state.

Reads recipients.yaml alone (a mistake in evidence.yaml does not stop a listing); the import
from congress-legislators is `people.congress.import_congress`.
"""
from __future__ import annotations

from pathlib import Path

from drafter.campaign.load import RECIPIENTS_FILE, build_people
from drafter.campaign.models import Recipient
from drafter.campaign.validate import validate
from drafter.campaign.yamlsrc import load_yaml


def list_recipients(root: str | Path, roles=(), states=()) -> list[Recipient]:
    """The profiles in file order with one of `roles` and from one of `states` (none: any)."""
    doc = load_yaml(Path(root) / RECIPIENTS_FILE)
    errors = validate(doc, "recipients")
    if errors:
        raise errors[0]
    people, _, _ = build_people(doc)
    states = {s.upper() for s in states}
    return [p for p in people.values() if (not roles or p.role in roles) and (not states or p.state in states)]
