"""What `drafter serve` writes to the campaign log: one entry per letter a volunteer made."""
from __future__ import annotations

from drafter.log import LogEntry
from drafter.log.letters import constituent_fields, entry


def entries(spec, person, made) -> list[LogEntry]:
    """`made`: maker.Made items. The files live only in the volunteer's session, so `paths` name
    them as 'serve:MEMBER.FORMAT', not as places on disk."""
    return [entry("serve", spec.name, spec.template, [item.member],
                  [(f"serve:{item.member.id}.{fmt}", data) for fmt, data in item.files.items()],
                  tuple(item.files), constituent_fields(person), on_disk=False)
            for item in made]
