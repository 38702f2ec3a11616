"""The volunteers' page in the campaign's language: English, German or French.

The page's fixed words are in messages/LANG.yaml, one catalogue per language with the same
keys (tests/test_serve_locale.py checks them). Plain YAML rather than gettext .po/.mo files:
nothing to compile, so a pip install from a git clone has every word, and a translator edits
one readable file per language. The letter spec's `locale` picks the catalogue; a locale whose
language has none (none yet) falls back to English. Volunteers' own words never pass through here.

Where the GDPR applies (de-DE, fr-FR; en-GB under the UK GDPR) the page states what is kept in
its terms (Art. 13 GDPR), and keeping a volunteer's details is opt-in consent ("Keep my
details", Art. 6(1)(a)): consent needs a clear affirmative act, not an unticked box (Recital 32).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from drafter.campaign.yamlsrc import package_data

from drafter.locale import Locale

LANGUAGES = ("en", "de", "fr")
_DIR = Path(__file__).parent / "messages"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """{key: text} of one language's catalogue."""
    return package_data(_DIR / f"{lang}.yaml")


@dataclass(frozen=True)
class Messages:
    """The page's words for one locale: `t(key, **values)` fills a catalogue entry's {names}."""
    locale: Locale

    @property
    def lang(self) -> str:
        """The page's language, as <html lang> takes it."""
        return self.locale.lang if self.locale.lang in LANGUAGES else "en"

    @property
    def gdpr(self) -> bool:
        """Whether the statement of what is kept is in the GDPR's terms, with opt-in consent."""
        return self.locale.gdpr

    def __call__(self, key: str, **values) -> str:
        text = catalogue(self.lang)[key]
        return text.format(**values) if values else text

    def number(self, n: int) -> str:
        """3,000 / 3.000 / 3 000: a count as the locale writes it."""
        from babel.numbers import format_decimal
        return format_decimal(n, locale=self.locale.babel)

    def ordinal(self, n: int) -> str:
        """A talking point's place: 1st, 2nd ... (English), 1., 2. ... (German), 1er, 2e ... (French)."""
        if self.lang == "de":
            return f"{n}."
        if self.lang == "fr":
            return "1er" if n == 1 else f"{n}e"
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def idle(self, seconds: float) -> str:
        """How long an unused session lasts, in words: '2 hours', 'an hour', '15 minutes'."""
        minutes = round(seconds / 60)
        if minutes % 60 == 0 and minutes > 60:
            return self("idle_hours", n=minutes // 60)
        return self("idle_hour") if minutes == 60 else self("idle_minutes", n=minutes)
