"""What the volunteers' page (`drafter serve`) states and refuses at start, decided from the
campaign and the letter spec alone, so that `drafter check` reports it first."""
from __future__ import annotations

from drafter.compose.composer import letterhead_lines
from drafter.errors import DataError
from drafter.locale import Locale


def refuse_abroad(campaign, spec) -> None:
    """The page finds a volunteer's members of Congress from their state and ZIP code: a campaign
    whose recipients are all abroad (import-parliament profiles) cannot match its volunteers
    here, and is refused at start rather than sending them to Congress."""
    current = [r for r in campaign.recipients.values() if not r.former]
    abroad = sorted({r.country_code for r in current if r.country_code != "US"})
    if abroad and not any(r.country_code == "US" for r in current):
        raise DataError(f"drafter serve matches volunteers to members of Congress by state and ZIP code; this "
                        f"campaign's recipients are abroad ({', '.join(abroad)}), and the page cannot yet match "
                        "volunteers by constituency", file=str(spec.path),
                        hint="write constituents' letters with 'drafter batch' from a CSV that names each "
                             "volunteer's constituency: see docs/international.md")


def data_controller(spec, letterhead, loc: Locale) -> str:
    """Who is responsible for the volunteers' details, as the page names them: the letter spec's
    letterhead (its name and address lines, or a Word letterhead's header). Where the GDPR
    applies the page must name them (Art. 13(1)(a)), so a page that cannot is refused."""
    name, address_lines = letterhead_lines(spec.letterhead, [])
    if letterhead is not None and not name:
        name = letterhead.header_lines[:1]
        address_lines = letterhead.header_address
    words = ", ".join(" ".join(line.split()) for line in (*name, *address_lines) if line.strip())
    if not words and loc.gdpr:
        raise DataError(f"the volunteers' page of a {loc.code} campaign states, in the GDPR's terms, who "
                        "is responsible for the details volunteers give (Art. 13(1)(a)), and this letter spec "
                        "names nobody", file=str(spec.path),
                        hint="give it a letterhead with the organisation's name and address, e.g. "
                             "'letterhead: {name: Tibet-Gruppe Beispielstadt e.V., address: [Musterstraße 1, "
                             "12345 Beispielstadt]}'")
    return words
