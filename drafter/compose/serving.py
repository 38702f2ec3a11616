"""What the volunteers' page (`drafter serve`) states and refuses at start, decided from the
campaign and the letter spec alone, so that `drafter check` reports it first."""
from __future__ import annotations

from drafter.compose.composer import letterhead_lines
from drafter.compose.constituent import constituency_country, members_abroad
from drafter.errors import DataError
from drafter.locale import COUNTRY_LOCALES, Locale
from drafter.people.constituents import Constituencies


def served_abroad(campaign, spec, legislators=None, zip_districts=None) -> Constituencies | None:
    """The members the page matches volunteers to by constituency (a spec whose locale is another
    country's, and the campaign's profiles there: compose.constituent.members_abroad, as batch
    matches them), or None for members of Congress by state and ZIP. A campaign whose current
    recipients are all abroad is refused rather than sending its volunteers to Congress."""
    country = constituency_country(spec)
    current = [r for r in campaign.recipients.values() if not r.former]
    abroad = sorted({r.country_code for r in current if r.country_code != "US"})
    all_abroad = bool(abroad) and not any(r.country_code == "US" for r in current)
    if country != "US" and (all_abroad or len(Constituencies.of(current, country))):
        return members_abroad(campaign, spec, legislators, zip_districts)     # none there: names the import
    if all_abroad:
        raise DataError(f"drafter serve matches the volunteers of an en-US letter to members of Congress by "
                        f"state and ZIP code, and this campaign's recipients are abroad ({', '.join(abroad)})",
                        file=str(spec.path),
                        hint=f"set the letter spec's `locale:` to their country's (e.g. 'locale: "
                             f"{COUNTRY_LOCALES[abroad[0]]}'): the page then matches volunteers to the "
                             "campaign's members by constituency")
    return None


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
