"""Forms of address beyond Congress: the UK, the European Parliament, Germany, France, Canada and
Australia, read from the rules in forms.yaml (one form per country and role, with variants).

`address.py` hands a profile with a `country:` other than US to this module. Where a form needs
a field the data lacks (a gender for "Frau"/"Herrn", a courtesy title for "Dear Ms Smith"), the
error names the field to add rather than guess; a campaign may choose the neutral form where the
country's practice allows one (`greeting: neutral`). docs/international.md lists every form.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from drafter.campaign.yamlsrc import package_data

from drafter.campaign.models import Recipient
from drafter.errors import DataError
from drafter.locale import Locale
from drafter.people.lines import clean as _line, stacked

_FIELD = re.compile(r"\{(\?)?([a-z_]+)(?::([^}|]*)\|([^}]*))?\}")
_GENDER_OF = {"Mr.": "male", "Ms.": "female", "Mrs.": "female", "Miss": "female"}
_COURTESY_OF = {"female": "Ms.", "male": "Mr."}
COUNTRY_NAMES = {"GB": "the United Kingdom", "EU": "the European Parliament", "DE": "Germany", "FR": "France",
                 "CA": "Canada", "AU": "Australia"}


@lru_cache(maxsize=1)
def rules() -> dict:
    return package_data(Path(__file__).parent / "forms.yaml")


class MissingField(DataError):
    """A form needs a profile field the profile does not have."""

    def __init__(self, r: Recipient, field: str, why: str, hint: str):
        super().__init__(f"recipient {r.id!r}: {why}", hint=hint)
        self.field = field


def _country(r: Recipient) -> dict:
    return rules()[r.country_code]


def _applies(when, r: Recipient, language: str) -> bool:
    if isinstance(when, str):
        return bool(getattr(r, when))
    if "title_starts" in when:
        return " ".join((r.title or "").split()).startswith(when["title_starts"])
    if "language" in when:
        return language == when["language"]
    raise ValueError(f"forms.yaml: unknown condition {when!r}")


def form(r: Recipient, language: str) -> dict:
    """The form for this profile and language: the role's, with the variants that apply."""
    country = _country(r)
    if r.role not in country:
        roles = [k for k, v in country.items() if isinstance(v, dict) and "salutation" in v]
        raise DataError(f"recipient {r.id!r}: drafter has no form of address for a {r.role} in "
                        f"{COUNTRY_NAMES[r.country_code]}",
                        hint=f"role is one of: {', '.join(roles)}; or give `inside_address:` and `salutation:`")
    out = {k: v for k, v in country[r.role].items() if k != "variants"}
    for variant in country[r.role].get("variants", ()):
        if _applies(variant["when"], r, language):
            out.update({k: v for k, v in variant.items() if k != "when"})
    return {k: (v.get(language, v.get("en")) if isinstance(v, dict) else v) for k, v in out.items()}


def gender(r: Recipient) -> str | None:
    return r.gender or _GENDER_OF.get(r.courtesy or "")


def _courtesy(r: Recipient, loc: Locale) -> str | None:
    word = r.courtesy or _COURTESY_OF.get(r.gender or "")
    return word if word is None or loc.stop else word.rstrip(".")


def _name_parts(r: Recipient) -> tuple[str, str]:
    from drafter.people.address import parse_name
    name = parse_name(r.name, r.given, r.surname, r.suffix, r.family_name_first)
    return name.formal, name.surname


def expand(template: str, r: Recipient, loc: Locale, country: str) -> str:
    """A form's template filled from the profile; MissingField names what it lacks."""
    formal, surname = _name_parts(r)
    values = {"name": formal, "surname": surname, "given": r.given, "academic_title": r.academic_title,
              "post_nominals": r.post_nominals, "title": r.title, "constituency": r.constituency,
              "courtesy": _courtesy(r, loc)}

    def fill(m: re.Match) -> str:
        optional, field, female, male = m.groups()
        if female is not None:
            g = gender(r)
            if g is None:
                raise _missing_gender(r, country)
            return female if g == "female" else male
        value = values[field]
        if value is None and not optional:
            raise _missing_value(r, field, country)
        return value or ""

    return " ".join(_FIELD.sub(fill, template).split())


def _missing_gender(r: Recipient, country: str) -> MissingField:
    neutral = " or `greeting: neutral` in the letter spec" if rules()[country].get("neutral") else ""
    return MissingField(r, "gender", f"the form of address in {COUNTRY_NAMES[country]} needs a gender "
                                     "(Frau/Herrn, Madame/Monsieur, Ms/Mr), and the profile has none",
                        f"add `gender: female` or `gender: male` to {r.id} (the parliament's data has none: "
                        f"give it by hand){neutral}")


def _missing_value(r: Recipient, field: str, country: str) -> MissingField:
    if field == "courtesy":
        neutral = " or `greeting: neutral` in the letter spec" if rules()[country].get("neutral") else ""
        return MissingField(r, "gender", f"the salutation in {COUNTRY_NAMES[country]} needs a courtesy title "
                                         "(Ms, Mr, Dr), and the profile has none",
                            f"add `gender:` (female or male) or `courtesy:` (Mr., Ms., Mrs., Dr., Mx.) to "
                            f"{r.id}{neutral}")
    what = {"constituency": "what the member represents (e.g. 'South Australia')",
            "title": "the post (e.g. 'Minister for Foreign Affairs')"}.get(field, field.replace("_", " "))
    return MissingField(r, field, f"the form of address needs {what}, and the profile has none",
                        f"add `{field}:` to {r.id}")


def addressee_lines(r: Recipient, loc: Locale) -> list[str]:
    """The name line(s) of the inside address ("The Rt Hon Yvette Cooper MP"; "Herrn" and
    "Dr. Johann Wadephul")."""
    if _line(r.addressee):
        return [_line(r.addressee)]
    f = form(r, loc.lang)
    return [line for line in (expand(t, r, loc, r.country_code) for t in f["addressee"]) if line]


def inside_address(r: Recipient, loc: Locale) -> list[str]:
    """Name lines, the post, the organisation and the address, each once."""
    if any(map(_line, r.inside_address)):
        return [x for x in map(_line, r.inside_address) if x]
    f = form(r, loc.lang)
    title = r.title if r.title else (expand(f["title"], r, loc, r.country_code) if f.get("title") else None)
    organization = r.organization or f.get("organization")
    address = [x for x in map(_line, r.address) if x] or list(f.get("address") or ())
    if not address:
        raise MissingField(r, "address", f"the mailing address is missing (a {r.role}'s office has no default)",
                           f"add `address:` (street, postcode and city) and `organization:` to {r.id}")
    return stacked([*addressee_lines(r, loc), title, organization, *address])


def salutation_text(r: Recipient, loc: Locale, greeting: str = "formal") -> str:
    """The salutation without its punctuation: "Dear Ms Smith", "Sehr geehrter Herr Bundesminister"."""
    if _line(r.salutation):
        return _line(r.salutation).rstrip(",:")
    f = form(r, loc.lang)
    if greeting == "neutral" and _country(r).get("neutral") and f.get("neutral"):
        return expand(f["neutral"], r, loc, r.country_code)
    return expand(f["salutation"], r, loc, r.country_code)


_DEAR = re.compile(r"^(Dear) ")


def joint_salutation(rs: list[Recipient], loc: Locale, greeting: str = "formal") -> str:
    """One salutation for several: "Dear Ms Smith and Mr Jones," (English), "Sehr geehrte Frau
    A, sehr geehrter Herr B," (German), "Madame la Députée, Monsieur le Député," (French)."""
    parts = list(dict.fromkeys(salutation_text(r, loc, greeting) for r in rs))
    if len(parts) == 1:
        return loc.punctuate(parts[0])
    if loc.joint == "series" and all(_DEAR.match(p) for p in parts):
        return loc.punctuate("Dear " + loc.series([_DEAR.sub("", p) for p in parts]))
    if loc.joint == "lower":
        parts = [parts[0]] + [p[:1].lower() + p[1:] for p in parts[1:]]
    return loc.punctuate(", ".join(parts))


def profile_problem(r: Recipient, loc: Locale, greeting: str = "formal") -> DataError | None:
    """Why a letter in `loc` could not address this profile as it stands, or None."""
    try:
        salutation_text(r, loc, greeting)
        inside_address(r, loc)
    except DataError as exc:
        return exc
    return None
