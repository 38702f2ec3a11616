"""Locales: the letter's language and country (en-US, en-GB, de-DE, fr-FR, en-CA, en-AU).

A locale decides what a letter's fixed parts look like: paper and margins, the date (Babel's CLDR
"long" format), the words before a subject line and a copy list, the page number, the
salutation's punctuation, the default closing, quotation marks and the layout (DIN 5008 for
German letters). The words are data, in locales.yaml; forms of address by role and country are
in drafter/people/forms.yaml. docs/international.md shows them all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drafter.campaign.yamlsrc import package_data

from drafter.campaign.jsontypes import LOCALES

DEFAULT = "en-US"
GDPR_LOCALES = frozenset({"de-DE", "fr-FR", "en-GB"})
# The locale a country's recipients are written to in when neither the letter nor the profile
# names one; the European Parliament's in English (last: a locale's own country comes first).
COUNTRY_LOCALES = {"US": "en-US", "GB": "en-GB", "DE": "de-DE", "FR": "fr-FR", "CA": "en-CA", "AU": "en-AU",
                   "EU": "en-GB"}


@dataclass(frozen=True)
class KitWords:
    """The words `drafter kit` writes in the kit's language (locales.yaml, `kit:`)."""
    title: str                 # kit.md's title, {title} the letter's
    subject: str               # before the email's subject line
    sources: str               # a sources list's heading
    colon: str                 # after a heading in running text ("Sources:", "Sources :")
    sections: tuple[tuple[str, str], ...]   # kit.md's section headings: (kind, heading)
    call_script: str           # a call script's heading, {member} as the caller names them
    social_post: str           # {n}
    questions: str             # {company}
    greetings: tuple[str, ...]  # what precedes a name in a salutation ("Dear")

    def section(self, kind: str) -> str:
        return dict(self.sections)[kind]

    def spoken_name(self, salutation: str) -> str:
        """How a caller names the member the salutation greets: "Dear Ms Olney," -> "Ms Olney"."""
        text = salutation.strip().rstrip(",:;")
        for word in sorted(self.greetings, key=len, reverse=True):
            if text.startswith(word + " "):
                return text[len(word):].strip()
        return text


@dataclass(frozen=True)
class Locale:
    code: str
    language: str
    paper: str
    margins: tuple[float, float, float, float]     # mm: top, right, bottom, left
    subject: str
    cc: str
    page: str
    salutation: str
    closing: str
    quotes: tuple[str, str, str, str]
    joint: str
    stop: bool          # Mr., Ms. with a full stop
    serial_comma: bool
    and_word: str
    csl: str            # the CSL locale of the citations
    layout: str
    envelope: str
    kit: KitWords

    @property
    def gdpr(self) -> bool:
        """Whether the GDPR (the UK GDPR in Britain) governs what a volunteers' page keeps."""
        return self.code in GDPR_LOCALES

    @property
    def babel(self) -> str:
        return self.code.replace("-", "_")

    @property
    def lang(self) -> str:
        """The language alone ('de'), as a PDF's /Lang and a web page's lang attribute take it."""
        return self.code.split("-")[0]

    def date(self, d: dt.date) -> str:
        """The letter's date as the locale writes it: 'October 23, 2023', '23 October 2023',
        '23. Oktober 2023', '23 octobre 2023'."""
        return format_date(d, self.babel)

    def subject_line(self, subject: str) -> str:
        return f"{self.subject} {subject}" if self.subject else subject

    def page_label(self, n: int | str) -> str:
        return self.page.format(n=n)

    def series(self, items: list[str]) -> str:
        """'A', 'A and B', 'A, B, and C' (en-US) or 'A, B and C' (en-GB), 'A, B und C'."""
        if len(items) <= 2:
            return f" {self.and_word} ".join(items)
        comma = "," if self.serial_comma else ""
        return f"{', '.join(items[:-1])}{comma} {self.and_word} {items[-1]}"

    def punctuate(self, salutation: str) -> str:
        """A salutation with the locale's punctuation, unless it already ends in some."""
        salutation = salutation.rstrip()
        return salutation if salutation[-1:] in ",:;!" else salutation + self.salutation

    def closing_for(self, salutation: str) -> str:
        """The default closing; a French one repeats the salutation ('Madame la Députée')."""
        return self.closing.format(appellation=salutation.rstrip().rstrip(",:"))


@lru_cache(maxsize=1)
def _table() -> dict[str, Locale]:
    data = package_data(Path(__file__).parent / "locales.yaml")
    table = {}
    for code, v in data.items():
        table[code] = Locale(code=code, language=v["language"], paper=v["paper"], margins=tuple(v["margins"]),
                             subject=v["subject"], cc=v["cc"], page=v["page"], salutation=v["salutation"],
                             closing=v["closing"], quotes=tuple(v["quotes"]), joint=v["joint"],
                             stop=v["stop"], serial_comma=v["serial_comma"], and_word=v["and"], csl=v["csl"],
                             layout=v["layout"], envelope=v["envelope"], kit=_kit_words(v["kit"]))
    assert sorted(table) == sorted(LOCALES), "locales.yaml and jsontypes.LOCALES must name the same locales"
    return table


def _kit_words(v: dict) -> KitWords:
    return KitWords(**{**v, "sections": tuple(v["sections"].items()), "greetings": tuple(v["greetings"])})


def get(code: str | None) -> Locale:
    """The locale by its code (en-US when None)."""
    return _table()[code or DEFAULT]


def for_country(country: str | None) -> str | None:
    return COUNTRY_LOCALES.get(country or "US")


# en-US's CLDR "long" date ("October 23, 2023") without Babel: loading its locale data costs a
# US letter 0.03 s of CPU at every start (bench/startup.py); tests/test_forms_abroad.py checks
# that this gives what Babel gives for every day of a year.
_US_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


@lru_cache(maxsize=4096)
def format_date(d: dt.date, babel_locale: str) -> str:
    if babel_locale == "en_US":
        return f"{_US_MONTHS[d.month - 1]} {d.day}, {d.year}"
    from babel.dates import format_date as babel_format
    return babel_format(d, "long", locale=babel_locale)
