"""What `drafter serve` writes to the campaign log: one entry per letter a volunteer made."""
from __future__ import annotations

import hashlib

from drafter.log import LogEntry


def office(r) -> str:
    """'Jeff Merkley, United States Senate': who and which office, as the log's stats show it."""
    return ", ".join(x for x in (r.name, r.title or r.organization) if x)


def entries(spec, person, made) -> list[LogEntry]:
    """`made`: maker.Made items. The files live only in the volunteer's session, so `paths` are
    the names they were offered under, not places on disk."""
    out = []
    for item in made:
        formats = tuple(item.files)
        first = item.files[formats[0]]
        out.append(LogEntry(
            command="serve", letter=spec.name, template=spec.template,
            recipient_ids=(item.member.id,), office=office(item.member), formats=formats,
            paths=tuple(f"serve:{item.member.id}.{fmt}" for fmt in formats),
            sha256=hashlib.sha256(first).hexdigest(), kind="constituent",
            name=person.name, street=person.street, city=person.city, state=person.state,
            zip=person.zip, district="" if person.district is None else str(person.district),
            message=person.note or "", email=person.email or ""))
    return out
