"""The volunteer's form: what each field accepts, and errors in words a volunteer understands.

The field labels are the ones the issue fixes, in the page's language (drafter/web/messages);
the length limits keep one letter a letter (and the request-size limit in app.py stops anything
far larger before it is read). What a volunteer typed is only cleaned, never translated.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from drafter.locale import get as get_locale
from drafter.people.constituents import (POSTCODES, Constituencies, Constituent, Legislators, ZipDistricts,
                                         clean_text, parse_postcode, seat_label)
from drafter.people.states import STATE_NAMES
from drafter.web.i18n import Messages

ENGLISH = Messages(get_locale(None))


@dataclass(frozen=True)
class Field:
    name: str
    max: int
    required: bool = True
    autocomplete: str = "off"
    hint: bool = False          # a hint under the label: the catalogue's "hint_NAME"

    @property
    def label(self) -> str:
        """The label's key in the page's catalogue (drafter/web/messages)."""
        return f"label_{self.name}"


FIELDS = (
    Field("name", 100, autocomplete="name"),
    Field("street", 150, autocomplete="address-line1"),
    Field("city", 80, autocomplete="address-level2"),
    Field("state", 2, autocomplete="address-level1"),
    Field("zip", 10, autocomplete="postal-code", hint=True),
    Field("email", 200, required=False, autocomplete="email", hint=True),
    Field("message", 3000, required=False, hint=True),
)
# Abroad (a spec whose locale is another country's): the constituency, chosen from the
# campaign's own members' (no free text: nothing to guess), instead of state and ZIP.
FIELDS_ABROAD = (
    Field("name", 100, autocomplete="name"),
    Field("street", 150, autocomplete="address-line1"),
    Field("town", 80, autocomplete="address-level2"),
    Field("postcode", 10, autocomplete="postal-code"),
    Field("email", 200, required=False, autocomplete="email", hint=True),
    Field("constituency", 200, hint=True),
    Field("message", 3000, required=False, hint=True),
)
ZIP_RE = re.compile(r"\d{5}(?:-\d{4})?")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Characters a letter cannot carry (controls other than line breaks and tabs, lone surrogates).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def states(legislators: Legislators) -> list[tuple[str, str]]:
    """(code, name) of every state or territory with members, by name, for the State list."""
    return sorted(((c, STATE_NAMES.get(c, c)) for c in legislators.states), key=lambda s: s[1])


def clean(name: str, text: str) -> str:
    # As a CSV cell is cleaned for `drafter batch` (unbalanced bidi controls too), so the same
    # words make the same letter.
    text = unicodedata.normalize("NFC", _CONTROL.sub("", clean_text(text or "")))
    if name == "message":
        return text.strip()
    return " ".join(text.split())


def read_points(raw, points) -> dict[str, int]:
    """{point id: its place} for the talking points given a place ('point-ID': '1', '2' ...;
    '' leaves it out); anything else leaves it out too (only a forged form sends it)."""
    places = {}
    for pid in points:
        value = raw.get(f"point-{pid}", "")
        if value.isdigit() and 1 <= int(value) <= len(points):
            places[pid] = int(value)
    return places


def picked(places: dict[str, int], points) -> tuple[str, ...]:
    """The ids in the volunteer's order (two given one place: in the campaign's order)."""
    order = list(points)
    return tuple(sorted(places, key=lambda pid: (places[pid], order.index(pid))))


def read_form(raw, message_required: bool = False, points=(), t: Messages = ENGLISH,
              abroad: Constituencies | None = None, choices=()) -> tuple[dict, dict[str, str]]:
    """(values as typed, cleaned; errors by field) for a submitted form. The values also say
    whether the volunteer ticked "Don't keep my details" (`forget`), was already asked for a
    message of their own (`nudged`), and which of the spec's talking `points` (their ids) they
    placed where (`points`); `message_required` is the letter spec's; errors in `t`'s language.
    Where the GDPR applies, keeping the details is opt-in: "Keep my details" (`keep`) ticked.
    `abroad` (a campaign abroad): postcode and constituency, one of `choices`, not state and ZIP."""
    fields = FIELDS if abroad is None else FIELDS_ABROAD
    values = {f.name: clean(f.name, raw.get(f.name, "")) for f in fields}
    values["forget"] = raw.get("keep") != "1" if t.gdpr else raw.get("forget") == "1"
    values["nudged"] = raw.get("nudged") == "1"
    values["points"] = read_points(raw, points)
    values["picked"] = picked(values["points"], points)
    errors: dict[str, str] = {}
    for f in fields:
        v = values[f.name]
        if (f.required or (f.name == "message" and message_required)) and not v:
            errors[f.name] = t(f"need_{f.name}")
        elif len(v) > f.max:
            errors[f.name] = t("too_long" if f.name != "message" else "message_too_long",
                               n=t.number(len(v)), max=t.number(f.max))
    if abroad is not None:
        where_abroad(values, errors, abroad.country, choices, t)
    elif "zip" not in errors and not ZIP_RE.fullmatch(z := values["zip"]):
        digits = re.sub(r"\D", "", z)
        errors["zip"] = t("zip_short" if digits and len(digits) < 5 else "zip_unread", zip=z)
    if values["email"] and "email" not in errors and not EMAIL_RE.fullmatch(values["email"]):
        errors["email"] = t("email_bad")
    return values, errors


def where_abroad(values: dict, errors: dict, country: str, choices, t: Messages) -> None:
    """Errors on the postcode (written as the country writes it, as a batch's) and the
    constituency (one of the list's `choices`, else only a forged form sends it)."""
    if "postcode" not in errors:
        try:
            values["postcode"] = parse_postcode(values["postcode"], country)
        except ValueError:
            errors["postcode"] = t("postcode_bad", postcode=values["postcode"], example=POSTCODES[country][2] if country in POSTCODES else "")
    if "constituency" not in errors and values["constituency"] not in choices:
        errors["constituency"] = t("constituency_unknown")


def where(values: dict, legislators: Legislators, zips: ZipDistricts, t: Messages = ENGLISH) -> tuple[dict, list]:
    """Errors on state and ZIP, and the districts a ZIP spans (more than one: the volunteer chooses)."""
    state, zip5 = values["state"], values["zip"][:5]
    if state not in legislators.states:
        return {"state": t("state_unknown")}, []
    if legislators.districts(state) == [0]:          # one seat for the whole state: nothing to look up
        return {}, [0]
    seats = zips.get(zip5)
    if not seats:
        return {"zip": t("zip_unknown", zip=zip5)}, []
    in_state = sorted({d for s, d in seats if s == state})
    if not in_state:
        elsewhere = f" {t('or')} ".join(sorted({STATE_NAMES.get(s, s) for s, _ in seats}))
        return {"zip": t("zip_elsewhere", zip=zip5, elsewhere=elsewhere, state=STATE_NAMES.get(state, state))}, []
    return {}, in_state


def district_choices(state: str, districts: list[int], legislators: Legislators,
                     t: Messages = ENGLISH) -> list[dict]:
    """Each candidate district with its Representative's name, for the volunteer to choose."""
    out = []
    for d in districts:
        rep = legislators.representative(state, d)
        out.append({"value": str(d), "label": seat_label(state, d),
                    "member": rep.name if rep else t("vacant")})
    return out


def constituent(values: dict, district: int | None) -> Constituent:
    return Constituent(row=0, name=values["name"], street=values["street"], city=values["city"],
                       state=values["state"], zip=values["zip"][:5], district=district,
                       email=values["email"] or None, note=values["message"], points=values.get("picked", ()))


def constituent_abroad(values: dict, country: str) -> Constituent:
    return Constituent(row=0, name=values["name"], street=values["street"], city=values["town"], state="",
                       zip=values["postcode"], email=values["email"] or None, note=values["message"],
                       points=values.get("picked", ()), country=country, constituency=values["constituency"])
