"""LogEntry values for what the commands place: a drafted letter (its signers), a constituent's
letter (what it holds of the volunteer), and a kit's call scripts and fact sheet."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from drafter.campaign.models import Recipient
from drafter.log.entry import LogEntry
from drafter.log.store import SEP

if TYPE_CHECKING:      # only for the annotation: people.constituents loads the YAML libraries
    from drafter.people.constituents import Constituent


def office(r: Recipient | None, rid: str = "") -> str:
    """'Jeff Merkley, United States Senate': who and which office, as stats show it."""
    if r is None:
        return rid
    return ", ".join(x for x in (r.name, r.title or r.organization) if x)


def constituent_fields(c: Constituent) -> dict:
    """What the log holds of a volunteer: entry()'s `person`. `c.points` are the ids picked
    (batch resolves a Points cell's numbers first: known_points)."""
    return {"name": c.name, "street": c.street, "city": c.city, "state": c.state, "zip": c.zip,
            "district": "" if c.district is None else c.district, "message": c.note or "",
            "email": c.email or "", "points": "; ".join(c.points), "constituency": c.constituency or ""}


def _absolute(path: Path | str) -> str:
    return str(path) if os.path.isabs(path) else str(Path(path).absolute())


def entry(command: str, letter: str, template: str, recipients: list[Recipient | str],
          files: list[tuple[Path | str, bytes | str]], formats: tuple[str, ...], person: dict | None = None,
          signers: tuple[str, ...] = (), on_disk: bool = True, fingerprint: str = "") -> LogEntry:
    """One letter: `files` are its placed files with their bytes (or their sha256, when known),
    the first one's being the letter's sha256; with `on_disk` false they are names logged as
    given (the web's files live only in a volunteer's session), else absolute paths.
    `person` is a constituent's fields (constituent_fields); without it the letter's signers are
    named. A recipient known only by its id is logged so. `fingerprint` is the letter's
    (compose.similarity.encode), for `drafter log stats --similar`."""
    fields = {k: "" if v is None else str(v) for k, v in (person or {}).items()}
    if person is None:
        fields = {"name": "; ".join(s for s in signers if s)}
    return LogEntry(command=command, letter=letter, template=template,
                    recipient_ids=tuple(r if isinstance(r, str) else r.id for r in recipients),
                    office=SEP.join(office(None, r) if isinstance(r, str) else office(r) for r in recipients),
                    formats=tuple(formats),
                    paths=tuple(_absolute(p) if on_disk else str(p) for p, _ in files),
                    sha256=files[0][1] if isinstance(files[0][1], str) else hashlib.sha256(files[0][1]).hexdigest(),
                    kind="signer" if person is None else "constituent", fingerprint=fingerprint, **fields)
