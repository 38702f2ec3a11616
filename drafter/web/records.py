"""What `drafter serve` writes to the campaign log: one entry per letter a volunteer made."""
from __future__ import annotations

import hashlib

from drafter.log import LogEntry
from drafter.log.letters import office


def entries(spec, person, made) -> list[LogEntry]:
    """`made`: maker.Made items. The files live only in the volunteer's session, so `paths` name
    them as 'serve:MEMBER.FORMAT', not as places on disk (which log.letters.entry would make)."""
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
