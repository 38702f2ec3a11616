"""One volunteer's letter to one member of Congress: the one way `drafter batch` and the web
page (drafter.web) compose it.
"""
from __future__ import annotations

import dataclasses

from drafter.campaign.load import CONSTITUENTS, load_letter
from drafter.campaign.models import Ask, Instrument, Recipient
from drafter.campaign.query import matches
from drafter.compose.composer import Composer, asks_for, chosen_points
from drafter.compose.typography import curl
from drafter.compose.letter import Letter
from drafter.errors import DataError
from drafter import locale as locales
from drafter.people.constituents import Constituencies, Constituent, constituent_context


def constituency_country(spec) -> str:
    """The country a constituent letter's volunteers live in: its locale's (en-GB: GB), where
    they are matched to members by constituency; US (ZIP and district) by default."""
    return next((country for country, code in locales.COUNTRY_LOCALES.items() if code == spec.locale), "US")


# The parliament data `drafter recipients import-parliament` takes a country's members from.
PARLIAMENTS = {"GB": "gb-commons", "CA": "ca-commons", "AU": "au-parliament", "DE": "de-bundestag",
               "FR": "fr-assemblee"}


def members_abroad(campaign, spec, legislators=None, zip_districts=None, committees=None) -> Constituencies | None:
    """For a letter whose volunteers live outside the US (its locale's country), the campaign's
    members there by constituency (recipients.yaml); None for a letter to members of Congress,
    which needs the legislators file."""
    country = constituency_country(spec)
    if country == "US":
        if legislators is None:
            raise DataError(f"letter {spec.name!r} goes to members of Congress, and no --legislators file "
                            "was given", file=str(spec.path),
                            hint="add --legislators legislators-current.yaml (github.com/unitedstates/congress-"
                                 "legislators); for a campaign abroad set the spec's `locale:` (e.g. en-GB)")
        return None
    given = [option for option, value in (("--legislators", legislators), ("--zip-districts", zip_districts),
                                          ("--committees", committees)) if value is not None]
    if given:
        raise DataError(f"{', '.join(given)} name members of Congress, but letter {spec.name!r} (locale "
                        f"{spec.locale}) goes to members in {country}, matched by constituency in recipients.yaml",
                        file=str(spec.path), hint=f"leave out {', '.join(given)}")
    found = Constituencies.of(campaign.recipients.values(), country)
    if not len(found):
        doc = campaign.docs.get("recipients")
        raise DataError(f"letter {spec.name!r} goes to members in {country}, and no profile in recipients.yaml "
                        f"has `country: {country}`, role mp (or minister) and a `constituency:`",
                        file=str(doc.path) if doc is not None else str(spec.path),
                        hint=(f"import them: drafter recipients import-parliament {PARLIAMENTS[country]}; or "
                              if country in PARLIAMENTS else "") + "write profiles with `country:`, `role: mp`, "
                             "`constituency:` and `constituency_code:`")
    return found


def constituent_spec(campaign, letter, checks=(), needed_by: str = "it"):
    """The letter spec, which must be a constituent letter (`to: constituents`); `checks` are
    the later stages' (drafter.commands.SPEC_CHECKS), `needed_by` who the message says needs it."""
    spec = load_letter(campaign, letter, checks)
    if spec.to != (CONSTITUENTS,):
        raise DataError(f"not a constituent letter: {needed_by} needs 'to: constituents'",
                        file=str(spec.path), hint="set 'to: constituents' and remove 'from', or use "
                        "'drafter draft' for a letter to named recipients")
    return spec


def stale_refused(composer: Composer, found: dict[tuple[str, str], str]) -> DataError:
    """The error of a constituent letter citing evidence due for re-checking where its spec
    sets `stale: refuse`: each stale snippet or source once, with the first letter citing it
    (`found`: (kind, id) -> "the letter from row 3 to M000133")."""
    said = "; ".join(f"{kind} {item!r} in {where}: {composer.stale_reason(kind, item)}"
                     for (kind, item), where in found.items())
    return DataError(f"the letters cite evidence due for re-checking, and the spec sets 'stale: refuse': {said}",
                     file=str(composer.spec.path),
                     hint="compare each with its source and update 'verified' (a snippet) or 'accessed' (a source) "
                          "in evidence.yaml, or set 'stale: warn'; no letter was written")


# The lines of a volunteer's postal address after the street, by country: in the UK the town,
# then the postcode on a line of its own; in Canada municipality, province, two spaces, postal
# code; in Australia locality, state, postcode; in Germany and France the postcode before the
# town. {region} is the CSV's State column, if any. (US: "City, ST 12345".)
TOWN_LINES = {
    "GB": ("{city}", "{zip}"),
    "CA": ("{city} {region}  {zip}",),
    "AU": ("{city} {region} {zip}",),
    "DE": ("{zip} {city}",),
    "FR": ("{zip} {city}",),
}


def signature(c: Constituent) -> tuple[str, ...]:
    """The volunteer's name and postal address (an envelope's return address), in their
    country's order: 'Austin, TX 78701'; in the UK town and postcode on lines of their own."""
    if c.country == "US":
        return (c.name, c.street, f"{c.city}, {c.state} {c.zip}")
    return (c.name, c.street, *(_town_line(t, c) for t in TOWN_LINES.get(c.country, ("{city}", "{zip}"))))


def _town_line(template: str, c: Constituent) -> str:
    """A town line filled in, an empty region leaving no gap (a double space where the post
    asks for one stays)."""
    text = template.format(city=c.city, state=c.state, region=c.state, zip=c.zip)
    parts = text.split("  ") if "  " in template else [text]
    return "  ".join(" ".join(p.split()) for p in parts if p.strip())


def return_address(c: Constituent) -> tuple[str, ...]:
    """The volunteer's address at the top of their letter: name, street, city, email if given."""
    return signature(c) + ((c.email,) if c.email else ())


def one_ask(asks: list[Ask], member: Recipient) -> list[Ask]:
    """The one ask a constituent letter makes: the first ask for a committee (or other
    membership) the member holds, else the first general one, in asks.yaml's order."""
    def by_membership(ask: Ask) -> bool:
        return any("membership" in q and matches(member, q) for q in ask.applies)
    ranked = [a for a in asks if by_membership(a)] + [a for a in asks if not by_membership(a)]
    return ranked[:1]


def constituent_letter(composer: Composer, c: Constituent, member: Recipient) -> Letter:
    """The volunteer's letter to `member`, signed by the volunteer, without review comments:
    their address at the top, one ask (its instrument in the Re: line), the talking points
    they picked (`c.points`; ValueError for one the spec lacks)."""
    asks = one_ask(asks_for(composer.campaign.asks.values(), [member]), member)
    person = constituent_context(c)
    if c.country != "US" and member.constituency:       # its name, though the volunteer gave its code
        person["constituency"] = member.constituency
    extra = {"constituent": person, "points": chosen_points(composer.spec, c.points),
             "asks": asks}
    letter = composer.compose([member], extra=extra, signatures=((c.name,),), comments=False)
    instrument = asks[0].instrument if asks else None
    subject = curl(subject_line_of(instrument)) if instrument else letter.subject
    return dataclasses.replace(letter, author=c.name, return_address=return_address(c), subject=subject)


def subject_line_of(instrument: Instrument) -> str:
    """What the Re: line says of an ask's instrument: its citation, first letter capitalised."""
    text = instrument.citation()
    return text[:1].upper() + text[1:]
