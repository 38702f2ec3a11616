"""What `drafter serve` writes to the campaign log: one entry per letter a volunteer made.

A volunteer who ticks "Don't keep my details" leaves only the letter's office, its day and the
sha256 of its content: no name, address, email or message, no time of day (which a server's
own log could match to them), and no fingerprint (MinHash values of the letter's word
sequences, which include the name and address: a guess of them could be tested against it)."""
from __future__ import annotations

import dataclasses

from drafter.compose.similarity import encode
from drafter.log import LogEntry
from drafter.log.entry import ANONYMOUS
from drafter.log.letters import constituent_fields, entry


def entries(spec, person, made, fingerprints: list[bytes], keep: bool = True) -> list[LogEntry]:
    """`made`: maker.Made items, `fingerprints` theirs. The files live only in the volunteer's
    session, so `paths` name them as 'serve:MEMBER.FORMAT', not as places on disk."""
    out = []
    for item, fp in zip(made, fingerprints):
        e = entry("serve", spec.name, spec.template, [item.member],
                  [(f"serve:{item.member.id}.{fmt}", data) for fmt, data in item.files.items()],
                  tuple(item.files), constituent_fields(person) if keep else {}, on_disk=False,
                  fingerprint=encode(fp) if keep else "")
        if not keep:
            e = dataclasses.replace(e, kind=ANONYMOUS, created=e.created[:10] + "T00:00:00.000000Z")
        out.append(e)
    return out
