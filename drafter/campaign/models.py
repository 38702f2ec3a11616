"""The campaign's data as plain, immutable objects, built by `load.py` and read by every later step.

The fields a person writes in YAML (a recipient, a signer, a letter spec) are declared here once,
each with its JSON Schema, its default and how its YAML value is read: `schemas.py` assembles the
file schemas from these declarations and `load.py` builds the objects with `from_yaml`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from drafter.campaign import dates
from drafter.campaign.dates import parse_date
from drafter.campaign.jsontypes import COUNTRIES, DATE, LINES, LOCALES, QUERY_RULES, ROLES, TEXT, URL, caveat

DEFAULT_STALE_DAYS = 365
DEFAULT_KEEP_DAYS = 90            # letter spec: keep_days (the volunteers' details in the campaign log)
DEFAULT_QUESTIONS = ("Why does this matter to you?",
                     "Has it touched you, your family or people you know?",
                     "What would you like your member of Congress to do?")          # evidence.yaml settings: stale_after_days
DEFAULT_STYLE = "chicago-notes-bibliography"


def yaml_field(schema: dict, default: Any = MISSING, *, key: str | None = None, read=None):
    """A field a person writes in YAML: its JSON Schema, its default (none: required), the YAML
    key when it differs from the field's name, and `read`, which turns the YAML value into the
    field's value."""
    meta = {"schema": schema, "key": key, "read": read}
    if isinstance(default, (dict, list)):
        return field(default_factory=type(default), metadata=meta)
    return field(default=default, metadata=meta)


def yaml_fields(model) -> list:
    return [f for f in fields(model) if "schema" in f.metadata]


def schema_of(model) -> dict:
    """The JSON Schema object for a model's YAML form: its fields in declaration order, required
    where the model has no default."""
    own = yaml_fields(model)
    return {"required": [f.metadata["key"] or f.name for f in own
                         if f.default is MISSING and f.default_factory is MISSING],
            "properties": {f.metadata["key"] or f.name: f.metadata["schema"] for f in own}}


def from_yaml(model, data: dict, **given):
    """A model from validated YAML data: each field read from its key, absent ones defaulted."""
    values = dict(given)
    for f in yaml_fields(model):
        key = f.metadata["key"] or f.name
        if key in data:
            read = f.metadata["read"]
            values[f.name] = read(data[key]) if read else data[key]
    return model(**values)


def _listed(value) -> tuple:
    """One value or a list of them, as a tuple."""
    return tuple(value if isinstance(value, list) else [value])


def _tuple(value) -> tuple:
    return tuple(value or ())



class Verbatim(str):
    """Text printed exactly as given (a volunteer's note): never read as Markdown or Jinja,
    whatever its characters or indentation; each of its lines is a paragraph of its own."""

@dataclass(frozen=True)
class Source:
    """A citable work; `csl` is its CSL-JSON item (with `id`)."""
    id: str
    csl: dict

    @property
    def title(self) -> str:
        return self.csl.get("title", "")

    @property
    def url(self) -> str | None:
        return self.csl.get("URL")

    @property
    def note(self) -> str | None:
        """CSL's `note`: the team's caveat on the source (Zotero's Extra field)."""
        return self.csl.get("note")


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    sources: tuple[str, ...]
    locator: str | None = None
    label: str = "page"
    tags: tuple[str, ...] = ()
    verified: dt.date | None = None
    note: str | None = None          # the team's caveat: a review comment wherever it is printed


@dataclass(frozen=True)
class Ask:
    """Something a letter asks for, and who has the authority to do it (queries, any of them)."""
    id: str
    text: str
    applies: tuple[dict, ...]
    evidence: tuple[str, ...] = ()
    authority: str | None = None
    confirm: str | None = None       # a review note: what to confirm about the recipient's authority
    instrument: "Instrument | None" = None   # what an office can log a position against


# The kinds of instrument an ask can name, and the bill types (congress.gov's) with their citation.
INSTRUMENT_KINDS = ("bill", "letter", "hearing", "agency-letter")
BILL_TYPES = {"hr": "H.R.", "s": "S.", "hres": "H.Res.", "sres": "S.Res.", "hjres": "H.J.Res.",
              "sjres": "S.J.Res.", "hconres": "H.Con.Res.", "sconres": "S.Con.Res."}
# Who can vote on a measure's final passage on the floor: a Delegate or the Resident
# Commissioner votes in committee but not on passage; a Senator never votes on a House bill.
FLOOR_VOTERS = {"house": ("representative",), "senate": ("senator",)}
SPONSORS = {"house": ("representative", "delegate", "resident-commissioner"), "senate": ("senator",)}


@dataclass(frozen=True)
class Instrument:
    """What an ask asks an office to act on, named so that the office can log a position: a bill
    (congress, type, number, title), a named letter (its lead office, closing date), a hearing,
    or a letter from the member to an agency (named by office, not by whoever holds it)."""
    kind: str
    title: str
    action: str | None = None        # bill: cosponsor | vote
    congress: int | None = None
    type: str | None = None          # bill: hr, s, hres ... (BILL_TYPES)
    number: int | None = None
    lead: str | None = None          # letter: who leads it; hearing: the committee
    closes: dt.date | None = None    # letter: when signatures close
    to: str | None = None            # agency-letter: the office written to ("the Secretary of Commerce")

    @property
    def chamber(self) -> str | None:
        """A bill's chamber, from its type."""
        return None if self.type is None else ("house" if self.type.startswith("h") else "senate")

    def citation(self) -> str:
        """How the Re: line names it: "H.R. 1234, Title (119th Congress)", "Letter to the Secretary
        of Commerce: Title"."""
        if self.kind == "bill":
            n = self.congress or 0
            suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            return f"{BILL_TYPES[self.type]} {self.number}, {self.title} ({n}{suffix} Congress)"
        if self.kind == "letter":
            parts = [self.title] + ([f"led by {self.lead}"] if self.lead else []) + (
                [f"closing {self.closes:%B} {self.closes.day}, {self.closes.year}"] if self.closes else [])
            return ", ".join(parts)
        if self.kind == "hearing":
            return f"{self.title}" + (f" ({self.lead})" if self.lead else "")
        return f"A letter to {self.to} on {self.title}" if self.to else self.title

    def can_act(self, role: str) -> bool:
        """Whether a member in `role` can do what the ask asks of them."""
        if self.kind != "bill" or self.chamber is None:
            return True
        allowed = FLOOR_VOTERS if self.action == "vote" else SPONSORS
        return role in allowed[self.chamber]


INSTRUMENT_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["kind", "title"],
    "description": "What the ask asks an office to act on, printed in the letter's 'Re:' line: a bill "
                   "(congress, type, number, title, action), a named letter (lead, closes), a hearing "
                   "(lead: the committee), or a letter from the member to an agency (to: the office).",
    "properties": {
        "kind": {"enum": list(INSTRUMENT_KINDS)},
        "title": {**TEXT, "description": "The bill's or letter's title, or what the hearing or letter is about."},
        "action": {"enum": ["cosponsor", "vote"], "description": "A bill: cosponsor it, or vote for it on the floor."},
        "congress": {"type": "integer", "minimum": 1},
        "type": {"enum": list(BILL_TYPES)},
        "number": {"type": "integer", "minimum": 1},
        "lead": {**TEXT, "description": "A letter's lead office or member; a hearing's committee."},
        "closes": {**DATE, "description": "When a letter's signatures close."},
        "to": {**TEXT, "description": "An agency letter's addressee, by office: 'the Secretary of Commerce'."},
    },
    "allOf": [
        {"if": {"properties": {"kind": {"const": "bill"}}},
         "then": {"required": ["congress", "type", "number", "action"]}},
        {"if": {"properties": {"kind": {"const": "agency-letter"}}}, "then": {"required": ["to"]}},
    ],
}


def read_instrument(raw: dict) -> Instrument:
    return Instrument(**{k: (parse_date(v) if k == "closes" else v) for k, v in raw.items()})


@dataclass(frozen=True)
class TalkingPoint:
    """A point a volunteer may choose to make (a constituent letter's `points:`): a short label
    for the volunteers' page and the campaign's sentences, each a sourced snippet, optionally
    after a lead-in of the campaign's own. `default` points are made when a volunteer picks none."""
    id: str
    label: str
    snippets: tuple[str, ...]
    lead: str | None = None
    default: bool = False


POINT_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["label", "snippets"],
    "properties": {
        "label": {**TEXT, "description": "A few words for the volunteers' page: 'Children are sampled too'."},
        "lead": {**TEXT, "description": "An unsourced lead-in sentence of the campaign's own, before the snippets."},
        "snippets": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "description": "The snippet ids it states (evidence.yaml), in order, each footnoted."},
        "default": {"type": "boolean", "description": "Made when a volunteer picks no points."},
    },
}


def read_points(value) -> dict:
    return {pid: TalkingPoint(pid, " ".join(str(raw["label"]).split()), tuple(raw["snippets"]),
                              " ".join(str(raw["lead"]).split()) if raw.get("lead") else None,
                              bool(raw.get("default")))
            for pid, raw in (value or {}).items()}


@dataclass(frozen=True)
class Evidence:
    sources: dict[str, Source]
    snippets: dict[str, Snippet]
    stale_after_days: int = DEFAULT_STALE_DAYS

    def select(self, tag: str | None = None, source: str | None = None) -> list[Snippet]:
        """The snippets with this tag and citing this source (None: any), in file order: what a
        template's snippets(tag=..., source=...) inserts."""
        return [s for s in self.snippets.values()
                if (tag is None or tag in s.tags) and (source is None or source in s.sources)]


@dataclass(frozen=True)
class Recipient:
    """A person a letter goes to. Optional fields override what `address.py` derives."""
    id: str
    name: str = yaml_field({**TEXT, "description": "Full name as written in the address."})
    role: str = yaml_field({"enum": ROLES})
    title: str | None = yaml_field(TEXT, None)
    organization: str | None = yaml_field(TEXT, None)
    address: tuple[str, ...] = yaml_field(LINES, (), read=tuple)
    memberships: tuple[str, ...] = yaml_field({"type": "array", "items": {"type": "string"}}, (), read=tuple)
    committees: tuple[dict, ...] = yaml_field(
        {"type": "array", "items": {"type": "object", "required": ["id"], "additionalProperties": False,
                                    "properties": {"id": TEXT, "name": TEXT, "title": TEXT,
                                                   "address": {**LINES, "description": "The committee's office, "
                                                               "where a letter to it as chair or ranking member goes."}}}},
        (), read=lambda value: tuple(dict(c) for c in value))
    as_of: dt.date | None = yaml_field(DATE, None, read=parse_date)
    former: bool = yaml_field({"type": "boolean"}, False)
    honorific: str | None = yaml_field({"type": "string", "description": "'The Honorable', or '' for none."}, None)
    courtesy: str | None = yaml_field(
        {"enum": ["Mr.", "Ms.", "Mrs.", "Dr.", "Mx.", "Miss"],
         "description": "Mr., Ms., Dr., Mx.: greets a chief executive or former official "
                        "('Dear Mr. Casper:'), and picks His/Her Excellency."}, None)
    foreign: bool | None = yaml_field(   # an ambassador of another country (His/Her Excellency)
        {"type": "boolean", "description": "An ambassador of another country (true: "
                                           "His/Her Excellency) or of the United States (false: The Honorable)."}, None)
    family_name_first: bool = yaml_field(   # "Xie Feng": greeted as Ambassador Xie
        {"type": "boolean", "description": "The name is written family name first "
                                           "('Xie Feng': 'Dear Ambassador Xie:')."}, False)
    family_name: str | None = yaml_field(   # "Penpa Tsering": two given names, no surname
        {"enum": ["none"], "description": "'none' where the person has no family name, as most Tibetans: "
                                          "greeted by the whole name ('Dear Mr. Penpa Tsering:')."}, None)
    given: str | None = yaml_field({**TEXT, "description": "Given name, when 'name' alone is ambiguous."}, None)
    surname: str | None = yaml_field(TEXT, None)
    suffix: str | None = yaml_field({**TEXT, "description": "Jr., III, ..."}, None)
    nickname: str | None = yaml_field(TEXT, None)
    addressee: str | None = yaml_field({**TEXT, "description": "Overrides the first line of the inside address."},
                                       None)
    salutation: str | None = yaml_field({**TEXT, "description": "Overrides the derived 'Dear ...:' line."}, None)
    salutation_name: str | None = yaml_field(
        {**TEXT, "description": "The name (or title and name) after 'Dear': "
                                "'Senator Chuck Schumer', or a name alone, which keeps the derived title."}, None)
    inside_address: tuple[str, ...] = yaml_field(
        {**LINES, "description": "Overrides the whole derived inside address."}, (), read=tuple)
    # Parliaments beyond Congress (drafter/people/forms.yaml): where the office is, and what a
    # country's form of address needs that the US forms do not.
    country: str | None = yaml_field(
        {"enum": COUNTRIES, "description": "Where the recipient holds office: US (the default), GB, DE, FR, CA, "
                                           "AU, or EU (the European Parliament). Picks the forms of address."}, None)
    locale: str | None = yaml_field(
        {"enum": LOCALES, "description": "The language and country of letters to this recipient, when the "
                                         "letter spec names none (default: the country's, e.g. de-DE for DE)."}, None)
    gender: str | None = yaml_field(
        {"enum": ["female", "male"],
         "description": "Picks Frau/Herr, Madame/Monsieur, Ms/Mr where a country's form needs it "
                        "(most parliaments' data has none: given by hand)."}, None)
    privy_council: bool = yaml_field(
        {"type": "boolean", "description": "A member of the Privy Council: 'The Rt Hon' (UK) or "
                                           "'The Honourable ..., P.C.' (Canada) in the address."}, False)
    honourable: bool = yaml_field(
        {"type": "boolean", "description": "Styled 'The Hon' (Australia: members of the Executive Council)."},
        False)
    academic_title: str | None = yaml_field(
        {**TEXT, "description": "An academic title kept in the address and salutation ('Dr.', 'Prof. Dr.')."}, None)
    post_nominals: str | None = yaml_field({**TEXT, "description": "Letters after the name ('OAM')."}, None)
    constituency: str | None = yaml_field(
        {**TEXT, "description": "What a member represents: a constituency, riding, division, Wahlkreis, "
                                "circonscription, or a state (an Australian Senator)."}, None)
    constituency_code: str | None = yaml_field(
        {**TEXT, "description": "The constituency's code (a UK GSS code such as E14001234, a Canadian riding "
                                "number): what batch matches volunteers by."}, None)
    parliament: str | None = yaml_field(
        {"enum": ["gb-commons", "eu-parliament", "de-bundestag", "ca-commons", "au-parliament", "fr-assemblee"],
         "description": "The parliament data 'drafter recipients import-parliament' took the profile from."}, None)
    member_id: str | None = yaml_field(
        {**TEXT, "description": "The member's id in that parliament's data (what a re-import matches)."}, None)
    state: str | None = yaml_field({"type": "string", "pattern": "^[A-Z]{2}$"}, None)
    district: int | None = yaml_field({"type": "integer", "minimum": 0}, None)
    party: str | None = yaml_field(TEXT, None)
    phone: str | None = yaml_field(TEXT, None)
    website: str | None = yaml_field(URL, None)
    contact_form: str | None = yaml_field(URL, None)
    email: str | None = yaml_field(TEXT, None)
    handle: str | None = yaml_field(TEXT, None)
    bioguide: str | None = yaml_field(TEXT, None)
    notes: str | None = yaml_field({"type": "string"}, None)
    note: str | None = yaml_field(caveat("address"), None)   # the team's caveat: a review comment on the address

    @property
    def caveat(self) -> str | None:
        return self.note or self.notes

    @property
    def country_code(self) -> str:
        return self.country or "US"

    def is_member(self, group: str) -> bool:
        return group in self.memberships or any(c.get("id") == group for c in self.committees)


@dataclass(frozen=True)
class Signer:
    id: str
    name: str = yaml_field(TEXT)
    title: str | None = yaml_field(TEXT, None)
    organization: str | None = yaml_field(TEXT, None)
    address: tuple[str, ...] = yaml_field(LINES, (), read=tuple)
    email: str | None = yaml_field(TEXT, None)
    phone: str | None = yaml_field(TEXT, None)


@dataclass(frozen=True, kw_only=True)
class LetterSpec:
    """A letter spec (letters/NAME.yaml); its fields in the order the schema lists them."""
    path: Path
    name: str
    template: str = yaml_field({**TEXT, "description": "letters/templates/NAME.md.j2"})
    title: str | None = yaml_field(TEXT, None)
    subject: str | None = yaml_field({**TEXT, "description": "A subject line, printed 'Re: ...' above the salutation."},
                                     None)
    summary: str | None = yaml_field(     # one paragraph for the volunteers' page (drafter serve)
        {**TEXT, "description": "One paragraph about the campaign, shown on the volunteers' page of 'drafter serve'."},
        None)
    date: dt.date = yaml_field({"anyOf": [{"type": "string", "pattern": dates.FULL_DATE_PATTERN},
                                          {"const": "today"}],
                                "description": "The letter's date: YYYY-MM-DD, or 'today' (the day it is drafted)."},
                               read=lambda value: dates.letter_date(value))   # looked up when read: "today" is that day
    to: tuple = yaml_field(     # ids (str) and queries (dict), in the spec's order
        {"type": ["array", "object", "string"], "minItems": 1, **QUERY_RULES,
         "items": {"type": ["string", "object"], **QUERY_RULES},
         "description": "Recipient ids, group names or queries ({role, state, district, membership}): "
                        "one, or a list; 'constituents' for 'drafter batch'."},
        read=_listed)
    mode: str = yaml_field({"enum": ["joint", "each"]}, "joint")
    signers: tuple[str, ...] = yaml_field(     # none in a constituent letter
        {"oneOf": [{"type": "array", "items": {"type": "string"}, "minItems": 1}, {"type": "string"}]},
        (), key="from", read=_listed)
    cc: tuple[str, ...] = yaml_field({"type": "array", "items": {"type": "string"}}, (), read=_tuple)
    letterhead: Any = yaml_field(
        {"anyOf": [TEXT, LINES, {"type": "object", "required": ["name"], "additionalProperties": False,
                                 "properties": {"name": {"anyOf": [TEXT, LINES]}, "address": LINES}}],
         "description": "A .docx file, lines of text (the organisation's name), or {name, address}: "
                        "the name, then the sender's address lines in a smaller style."}, None)
    locale: str | None = yaml_field(
        {"enum": LOCALES, "description": "The letter's language and country: en-US (the default), en-GB, de-DE, "
                                         "fr-FR, en-CA or en-AU. It sets the paper, the date, the salutation's "
                                         "punctuation, the closing, the letter's fixed words, the citations' terms "
                                         "and the language of the volunteers' page (drafter serve)."},
        None)
    greeting: str = yaml_field(
        {"enum": ["formal", "neutral"],
         "description": "'neutral' greets by the full name ('Dear Keir Starmer,', 'Guten Tag Anna Beispiel,') where "
                        "the country's practice allows it and a profile gives no gender."}, "formal")
    quotes: str | None = yaml_field(
        {"enum": ["double", "single"],
         "description": "Quotation marks: the locale's (default), or 'single' for British style (‘...’)."}, None)
    paper: str | None = yaml_field({"enum": ["letter", "a4"],
                                    "description": "The paper of its PDF and Word file: 'letter' (US Letter, one-inch "
                                                   "margins) or 'a4'; default: the locale's."},
                                   None)
    pdf_engine: str | None = yaml_field(
        {"enum": ["typst", "libreoffice"],
         "description": "What makes its PDFs: 'typst' (the default, from the letter itself) or 'libreoffice' "
                        "(the Word file as LibreOffice shows it); --pdf-engine overrides it."}, None)
    citation_style: str = yaml_field(TEXT, DEFAULT_STYLE)
    committee: str | None = yaml_field(     # a letter about this committee's work: chairs addressed as such
        {**TEXT, "description": "A committee id (e.g. SSFR): its chair and ranking member are "
                                "addressed by that title."}, None)
    committee_address: tuple[str, ...] = yaml_field(   # the committee's office, overriding the committee data's
        {**LINES, "description": "The committee's office (street, city) for a letter with `committee:`, "
                                 "where the committee data gives none or another."}, (), read=tuple)
    output: str = yaml_field(TEXT, "{date}-{template}-{recipient}")
    closing: str | None = yaml_field(
        {**TEXT, "description": "The closing; default: the locale's and the form of address's ('Sincerely,', "
                                "'Yours sincerely,', 'Mit freundlichen Grüßen', ...)."}, None)
    salutation: str | None = yaml_field(    # replaces the derived "Dear ...:" line
        {**TEXT, "description": "Replaces the derived salutation, e.g. 'Dear Mr. Chairman:'."}, None)
    stale_after_days: int = yaml_field({"type": "integer", "minimum": 1}, 180)
    stale: str = yaml_field(    # evidence due for re-checking in a constituent letter (batch)
        {"enum": ["warn", "refuse"],
         "description": "A constituent letter citing evidence due for re-checking: 'warn' (batch says so, once "
                        "per snippet) or 'refuse' (batch stops before any letter is written)."}, "warn")
    # The volunteers' page (drafter serve): the message, and how long the log keeps a volunteer.
    message_required: bool = yaml_field(
        {"type": "boolean", "description": "The volunteers' page refuses a letter without a message of the "
                                           "volunteer's own (default false: an empty one is asked about once)."},
        False)
    message_questions: tuple[str, ...] = yaml_field(
        {"type": "array", "items": {**TEXT, "minLength": 3}, "minItems": 1,
         "description": "The questions the volunteers' page asks when a message is empty or repeats the "
                        "campaign's own words."}, DEFAULT_QUESTIONS, read=tuple)
    keep_days: int = yaml_field(
        {"type": "integer", "minimum": 1,
         "description": "How long the campaign log keeps the letters of volunteers (batch and serve), in days: "
                        "'drafter log forget --expired' and 'drafter serve' at start remove older ones."},
        DEFAULT_KEEP_DAYS)
    points: dict = yaml_field(     # id -> TalkingPoint, in the spec's order
        {"type": "object", "propertyNames": {"pattern": "^[a-z0-9][a-z0-9-]*$"}, "additionalProperties": POINT_SCHEMA,
         "description": "A constituent letter's talking points: the volunteer picks which to make, in their "
                        "order (the page, or the CSV's Points column: ids or numbers separated by ';'); "
                        "none picked makes the `default: true` ones. The template prints them with "
                        "{% for point in points %}{{ point }}{% endfor %}."},
        {}, read=read_points)
    vars: dict = yaml_field({"type": "object", "description": "Extra values the template can use."}, {},
                            read=lambda value: dict(value or {}))
    kit: dict = yaml_field(      # the spec's `kit:` settings (drafter kit)
        {"type": "object", "additionalProperties": False,
         "description": "Settings for 'drafter kit' (action kit): hashtags and handles for social posts.",
         "properties": {
             "hashtags": {"type": "array", "items": {"type": "string", "pattern": r"^#?\w+$"}},
             "handles": {"type": "array", "items": {"type": "string", "pattern": r"^@?\w{1,15}$"}},
             "title": TEXT}},
        {}, read=lambda value: dict(value or {}))
    date_today: bool = False     # `date: today`: a resumed batch keeps its first run's date
