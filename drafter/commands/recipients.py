"""`drafter recipients list|import-congress|import-parliament`: the profiles of recipients.yaml,
filtered by role, state and country; members of Congress or of a parliament imported into it.

Reads recipients.yaml alone (a mistake in evidence.yaml does not stop a listing); an import
is computed by `people.congress.plan_import` or `people.parliaments.plan_import` and written here.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from drafter.campaign.load import RECIPIENTS_FILE, build_people
from drafter.campaign.models import Recipient
from drafter.campaign.validate import validate
from drafter.campaign.yamlsrc import load_yaml
from drafter.output.files import replace_text
from drafter.people.congress import CongressImportReport, plan_import
from drafter.people.importing import ImportReport
from drafter.people.parliaments import plan_import as plan_parliament


def list_recipients(root: str | Path, roles=(), states=(), countries=()) -> list[Recipient]:
    """The profiles in file order with one of `roles`, from one of `states` and holding office in
    one of `countries` (US, GB, DE, FR, CA, AU, EU) (none: any)."""
    doc = load_yaml(Path(root) / RECIPIENTS_FILE)
    errors = validate(doc, "recipients")
    if errors:
        raise errors[0]
    people, _, _ = build_people(doc)
    states = {s.upper() for s in states}
    countries = {c.upper() for c in countries}
    return [p for p in people.values() if (not roles or p.role in roles) and (not states or p.state in states)
            and (not countries or p.country_code in countries)]


def import_congress(recipients_path: str | Path, legislators_path: str | Path,
                    committees_path: str | Path | None = None, committee_ids=(), states=(),
                    today: dt.date | None = None, ids=()) -> CongressImportReport:
    """Add or refresh current members of Congress as profiles in recipients.yaml (see
    `people.congress` for the merge). Writes recipients.yaml and the import record beside it,
    both atomically, and only when the result validates.
    """
    report, texts = plan_import(recipients_path, legislators_path, committees_path, committee_ids, states, today, ids)
    return _write(report, texts)


def _write(report: ImportReport, texts: dict[Path, str]) -> ImportReport:
    report.path.parent.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        replace_text(path, text)
        report.written.append(path)
    return report


def import_parliament(recipients_path: str | Path, parliament: str, source: str | Path, ids=(),
                      constituencies=(), parties=(), everyone: bool = False) -> ImportReport:
    """Add or refresh members of a parliament as profiles in recipients.yaml (see
    `people.parliaments`). Writes recipients.yaml, the import record and recipients.sources.md
    beside it, each atomically, and only when the result validates."""
    report, texts = plan_parliament(recipients_path, parliament, source, ids, constituencies, parties, everyone)
    return _write(report, texts)
