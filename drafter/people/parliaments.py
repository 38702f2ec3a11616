"""Import members of six parliaments into recipients.yaml from ../shared/data/parliaments files.

`drafter recipients import-parliament NAME PATH` reads NAME's members-current.yaml where it is
(never copied) and adds or refreshes one profile per selected member, as `import-congress`
does for Congress and with the same machinery (`people.importing`):

  * a profile is matched by (`parliament`, `member_id`), not by its id, so a user may rename
    the id; a new profile gets a readable id such as `gb-keir-starmer`;
  * every import records what it wrote for each member in `recipients.parliaments-base.json`
    beside recipients.yaml; on re-import a field the user changed is kept, a field the source
    changed and the user did not is updated, a field deleted by hand is filled in again
    (except a `note` the user read and removed, while the source still gives the same one);
  * a profile the import wrote whose member is no longer in the file gets `former: true`;
  * each source's attribution (its README's "Licence duties") is written to
    `recipients.sources.md` beside recipients.yaml, and a comment at the top of recipients.yaml
    points to it.

What the data lacks is left out for the user to supply (gender, courtesy titles, UK and Canadian
ministers); what the import had to guess is said in the profile's `note` (a check warning and a
review comment in every draft): the EP's capitalised surnames title-cased, Australian legal
names, ministerial posts to confirm, constructed or personal e-mail addresses.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drafter.campaign.reading import read_file
from drafter.errors import DataError, did_you_mean
from drafter.people.importing import (MAX_SOURCE, CampaignText, ImportReport, base_path, check_result,
                                      drop_invalid, hash_value, merge, parse_source, read_base,
                                      read_campaign_file)

PARLIAMENTS = ("gb-commons", "eu-parliament", "de-bundestag", "ca-commons", "au-parliament", "fr-assemblee")
SOURCE_FILE = "members-current.yaml"
BASE_SUFFIX = ".parliaments-base.json"
SOURCES_SUFFIX = ".sources.md"
# The order of fields in a new profile.
FIELDS = ("name", "role", "title", "courtesy", "gender", "academic_title", "given", "surname",
          "privy_council", "honourable", "country", "constituency", "constituency_code", "party",
          "email", "phone", "parliament", "member_id", "as_of", "note")
# A caveat the user read and deleted stays deleted while the source gives the same one.
DISMISSIBLE = ("note",)

_MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE."""
_LETTER_TOOL = ("github.com/KhademOHAli1/letter-tool (a letter-writing tool), MIT License, "
                "© 2026 Ali Khademolhosseini:")
_AGPL = "https://www.gnu.org/licenses/agpl-3.0.html"


@dataclass(frozen=True)
class Parliament:
    name: str
    prefix: str           # of the ids of new profiles: gb-keir-starmer
    country: str
    title: str
    attribution: str      # Markdown for recipients.sources.md (its README's "Licence duties")


SOURCES = {p.name: p for p in (
    Parliament("gb-commons", "gb", "GB", "UK House of Commons",
               "Contains Parliamentary information licensed under the Open Parliament Licence v3.0.\n\n"
               "Constituency codes: Source: Office for National Statistics licensed under the Open Government "
               "Licence v3.0.\n\n"
               "Compiled by the Department for Education's analytical services "
               "(github.com/dfe-analytical-services/mp-lookup, `mp_lookup.csv`)."),
    Parliament("eu-parliament", "eu", "EU", "European Parliament",
               "© European Union, 2024 – Source: European Parliament.\n\n"
               "Compilation: TechToThePeople/mep (MEPwatch), github.com/TechToThePeople/mep, licensed under the "
               f"GNU Affero General Public License v3.0 ({_AGPL}). Parts may come from parltrack (ODbL).\n\n"
               "Data as of October 2024, not refreshed since: check each member against the EP's full list "
               "(https://www.europarl.europa.eu/meps/en/full-list) before sending."),
    Parliament("de-bundestag", "de", "DE", "Deutscher Bundestag",
               "Quelle: Deutscher Bundestag.\n\n"
               f"Compiled in {_LETTER_TOOL}\n\n{_MIT}\n\n"
               "The e-mail addresses are constructed by that tool (vorname.nachname.wk@bundestag.de), "
               "not an official list."),
    Parliament("ca-commons", "ca", "CA", "House of Commons of Canada",
               "Source: House of Commons of Canada (ourcommons.ca), via Open North Represent.\n\n"
               f"Compiled in {_LETTER_TOOL}\n\n{_MIT}"),
    Parliament("au-parliament", "au", "AU", "Parliament of Australia",
               "OpenAustralia Foundation (openaustralia-parser, github.com/openaustralia/openaustralia-parser): "
               "Copyright OpenAustralia Foundation Limited. Licensed under the Affero GPL "
               f"(GNU Affero General Public License v3 or later, {_AGPL}).\n\n"
               "The underlying facts come from the Parliament of Australia (Parliamentary Handbook, aph.gov.au)."),
    Parliament("fr-assemblee", "fr", "FR", "Assemblée nationale",
               "Source : Assemblée nationale (data.assemblee-nationale.fr), Licence Ouverte / Etalab 2.0, "
               "données au 2026-01-23.\n\n"
               f"Compiled in {_LETTER_TOOL}\n\n{_MIT}"),
)}


@dataclass
class Member:
    """One member of the source: the profile the import writes, and what selects it."""
    member_id: str
    profile: dict
    places: set[str] = field(default_factory=set)     # what --constituency matches
    parties: set[str] = field(default_factory=set)    # what --party matches


# ---- names -------------------------------------------------------------------------------------

COURTESY = {"Mr": "Mr.", "Mrs": "Mrs.", "Ms": "Ms.", "Miss": "Miss", "Dr": "Dr."}
GENDER = {"Mr": "male", "Sir": "male", "Mrs": "female", "Ms": "female", "Miss": "female", "Dame": "female"}
# Lower case when not the first word of a name: "Kathleen van Brempt", "Pilar del Castillo".
PARTICLES = {"van", "von", "der", "den", "de", "del", "du", "des", "da", "dos", "das", "do", "zu", "zur",
             "ten", "ter", "y", "i"}
# Where a surname's particle keeps its capital: Belgium ("Van Brempt"), Italy ("De Masi").
CAPITAL_PARTICLES = {"BE", "IT"}
_NOBLE = {"Freiherr", "Freifrau", "Graf", "Gräfin", "Prinz", "Prinzessin", "Baron", "Baronin"}


def _cap(word: str) -> str:
    """GOERENS -> Goerens, O'SULLIVAN -> O'Sullivan, MCALLISTER -> McAllister."""
    out = "'".join(p[:1].upper() + p[1:].lower() for p in word.split("'"))
    if len(out) > 3 and out.startswith("Mc"):
        out = "Mc" + out[2].upper() + out[3:]
    return out


def title_case(surname: str, country: str | None = None) -> str:
    """An EP surname in capitals written as names usually are: 'DI RUPO' -> 'Di Rupo',
    'VON DER SCHULENBURG' -> 'von der Schulenburg' (particles lower case, as they follow
    the given name, unless the last word or in a country that capitalises them: 'DE MASI' from
    Italy is 'De Masi'), 'STRACK-ZIMMERMANN' -> 'Strack-Zimmermann'. A guess: the profile's note says so."""
    words = surname.split()
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        particle = country not in CAPITAL_PARTICLES and (
            lower in PARTICLES or (lower == "la" and i and words[i - 1].lower() in ("de", "del")))
        out.append(lower if particle and i < len(words) - 1
                   else "-".join(_cap(p) for p in word.split("-")))
    return " ".join(out)


def strip_prefix(name: str, prefixes) -> tuple[str | None, str]:
    """('Mr', 'Connor Rand') for 'Mr Connor Rand' and prefixes containing Mr."""
    head, _, rest = name.partition(" ")
    key = head.rstrip(".")
    return (key, rest.strip()) if key in prefixes and rest.strip() else (None, name)


_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d",
                       "Đ": "D", "þ": "th", "œ": "oe", "Œ": "OE", "ı": "i"})


def slug(text: str) -> str:
    """'Jérôme Buisson' -> 'jerome-buisson': ASCII, for ids valid in YAML and as Windows file names."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    text = re.sub(r"['’]", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "member"


def _text(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _key(text) -> str:
    """How --constituency and --party compare: case, spacing and dash kinds ignored."""
    return re.sub(r"\s*[-–—]\s*", "-", " ".join(str(text).split())).casefold()


def _note(*parts) -> str | None:
    parts = [p for p in parts if p]
    return "UNSURE: " + "; ".join(parts) + "." if parts else None


# ---- one record -> one profile, per source ------------------------------------------------------

def _gb(m: dict) -> Member:
    honorific = _text(m.get("honorific"))
    prefix, name = strip_prefix(_text(m["name"]), COURTESY)
    honorific = honorific or prefix
    code = _text(m.get("constituency_code"))
    profile = {"name": name, "role": "mp", "courtesy": COURTESY.get(honorific), "gender": GENDER.get(honorific),
               "privy_council": True if m.get("privy_counsellor") is True else None,
               "constituency": _text(m.get("constituency")), "constituency_code": code,
               "party": _text(m.get("party")), "email": _text(m.get("email"))}
    return Member(str(m["id"]), profile, {profile["constituency"], code}, {profile["party"]})


def _eu(m: dict) -> Member:
    given, capitals = _text(m["first_name"]), _text(m["last_name"])
    surname = title_case(capitals, _text(m.get("country_code")))
    phone = _text(m.get("phone"))
    if phone and phone.startswith("00"):
        phone = "+" + phone[2:]
    profile = {"name": f"{given} {surname}", "role": "mp", "gender": {"F": "female", "M": "male"}.get(m.get("gender")),
               "given": given, "surname": surname,
               "constituency": _text(m.get("country")), "constituency_code": _text(m.get("country_code")),
               "party": _text(m.get("political_group")), "email": _text(m.get("email")), "phone": phone,
               "note": _note(f"name title-cased from the European Parliament's capitals ({capitals}): check "
                             "its spelling", "EP data from October 2024: check the member is still in office")}
    return Member(str(m["id"]), profile, {profile["constituency"], profile["constituency_code"]},
                  {profile["party"], _text(m.get("political_group_name")), _text(m.get("national_party"))})


def _de(m: dict) -> Member:
    title = _text(m.get("academic_title"))
    name = _text(m["name"])
    if title and name.startswith(title + " "):
        name = name[len(title):].strip()
    given, surname = _text(m.get("first_name")), _text(m.get("last_name"))
    if given and surname:   # the source splits "Jan van" / "Aken": particles belong to the surname
        words = given.split()
        cut = next((i for i, w in enumerate(words) if i and (w[0].islower() or w in _NOBLE)), len(words))
        given, surname = " ".join(words[:cut]), " ".join(words[cut:] + [surname])
    number = m.get("constituency_number")
    code = (f"{number:03d}" if isinstance(number, int) else _text(number)) if not m.get("list_mandate") else None
    profile = {"name": name, "role": "mp", "academic_title": title, "given": given, "surname": surname,
               "constituency": _text(m.get("constituency")) if code else None, "constituency_code": code,
               "party": _text(m.get("parliamentary_group")), "email": _text(m.get("email")),
               "note": _note("e-mail address constructed by the source (vorname.nachname.wk@bundestag.de), "
                             "not an official list: verify it before sending") if m.get("email") else None}
    return Member(str(m["id"]), profile, {profile["constituency"], code}, {profile["party"]})


def _ca(m: dict) -> Member:
    riding = m.get("riding_id")
    riding = f"{riding:05d}" if isinstance(riding, int) else _text(riding)
    profile = {"name": _text(m["name"]), "role": "mp", "given": _text(m.get("first_name")),
               "surname": _text(m.get("last_name")), "constituency": _text(m.get("riding")),
               "constituency_code": riding, "party": _text(m.get("party")), "email": _text(m.get("email"))}
    return Member(riding, profile, {profile["constituency"], riding}, {profile["party"]})


AU_STATES = {"NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "WA": "Western Australia",
             "SA": "South Australia", "TAS": "Tasmania", "ACT": "Australian Capital Territory",
             "NT": "Northern Territory"}
_AU_STATE_OF = {**AU_STATES, **{v.upper(): v for v in AU_STATES.values()}}
_MINISTERIAL = re.compile(r"\bMinister\b|Treasurer|Attorney-General|Cabinet Secretary")


def au_state(text) -> str | None:
    """'Vic.', 'Vic', 'Victoria' -> 'Victoria' (the source writes states several ways)."""
    return _AU_STATE_OF.get(str(text or "").strip().rstrip(".").upper())


def au_used_name(styled: str) -> tuple[str, bool, bool]:
    """'Senator the Hon Dr Jess Walsh' -> ('Jess Walsh', honourable, doctor)."""
    words = styled.split()
    if words and words[0] == "Senator":
        words = words[1:]
    honourable = len(words) > 1 and words[0].lower() == "the" and words[1].rstrip(".") == "Hon"
    if honourable:
        words = words[2:]
    doctor = bool(words) and words[0].rstrip(".") == "Dr"
    if doctor:
        words = words[1:]
    if words and words[-1] == "MP":
        words = words[:-1]
    return " ".join(words), honourable, doctor


def _au(m: dict, house: str) -> Member:
    prefix, legal = strip_prefix(_text(m["name"]), COURTESY)
    styled = _text(m.get("styled_name"))
    posts = [p for p in (_text(x) for x in m.get("ministerial_posts") or []) if p]
    notes = []
    honourable = doctor = False
    if styled:
        name, honourable, doctor = au_used_name(styled)
        name = name or legal
    else:
        name = legal
        notes.append(f"'{legal}' is the legal name in the source (OpenAustralia): check the name the member uses")
    title = next((p for p in posts if _MINISTERIAL.search(p)), posts[0] if posts else None)
    if title:
        also = [p for p in posts if p != title]
        notes.append("ministerial post from OpenAustralia's ministers.csv, which keeps some superseded posts "
                     "open: confirm it against the current ministry (pmc.gov.au)"
                     + (f"; the source also lists: {', '.join(also)}" if also else ""))
    state = au_state(m.get("state"))
    senator = house == "senators"
    place = state if senator else _text(m.get("division"))
    profile = {"name": name, "role": "senator" if senator else "mp", "title": title,
               "courtesy": "Dr." if doctor else COURTESY.get(prefix), "gender": GENDER.get(prefix),
               "honourable": True if honourable else None, "constituency": place,
               "party": _text(m.get("party")), "note": _note(*notes)}
    places = {place} | ({_text(m.get("state"))} if senator else set())
    return Member(_text(m["aph_id"]), profile, places, {profile["party"]})


def _fr(m: dict) -> Member:
    department, code, number = _text(m.get("department")), _text(m.get("department_code")), m.get("constituency_number")
    number = int(number) if str(number).isdigit() else None
    place = f"{department} ({number}{'re' if number == 1 else 'e'} circonscription)" if department and number else None
    email = _text(m.get("email"))
    personal = email and not email.lower().endswith("@assemblee-nationale.fr")
    profile = {"name": _text(m["name"]), "role": "mp", "given": _text(m.get("first_name")),
               "surname": _text(m.get("last_name")), "constituency": place,
               "constituency_code": f"{code}-{number:02d}" if code and number else None,
               "party": _text(m.get("political_group")), "email": email,
               "note": _note("the e-mail address is a personal or party address the député published, not an "
                             "@assemblee-nationale.fr one") if personal else None}
    return Member(_text(m["id"]), profile, {place, profile["constituency_code"], department, code},
                  {profile["party"], _text(m.get("political_group_short"))})


# The keys each record must have (a file of another parliament lacks some), and its reader.
READERS = {
    "gb-commons": (("id", "name", "constituency_code"), _gb),
    "eu-parliament": (("id", "first_name", "last_name", "country_code"), _eu),
    "de-bundestag": (("id", "name", "parliamentary_group"), _de),
    "ca-commons": (("riding_id", "name", "riding"), _ca),
    "au-parliament": (("aph_id", "name", "house"), _au),
    "fr-assemblee": (("id", "name", "department", "constituency_number"), _fr),
}


# ---- reading the source ------------------------------------------------------------------------

def parliament_of(name: str) -> Parliament:
    if name not in SOURCES:
        raise DataError(f"no parliament {name!r}",
                        hint=did_you_mean(name, PARLIAMENTS) or f"use one of {', '.join(PARLIAMENTS)}")
    return SOURCES[name]


def source_path(path: str | Path) -> Path:
    """The members file: PATH itself, or PATH/members-current.yaml for a folder."""
    path = Path(path)
    return path / SOURCE_FILE if path.is_dir() else path


_SNAPSHOT = re.compile(r"\((?:[^()]*\s)?(\d{4}-\d{2}-\d{2})\)")


def snapshot_date(data: bytes):
    """The data's date from the file's '# Source: ... (2026-06-27)' comment, or None."""
    for line in data[:4096].decode("utf-8", "replace").splitlines():
        if not line.startswith("#"):
            break
        m = _SNAPSHOT.search(line) if line.startswith("# Source:") else None
        if m:
            try:
                return dt.date.fromisoformat(m[1])
            except ValueError:
                return None
    return None


def _records(loader):
    """[(line, record)] for each member (AU: representatives then senators, with their house)."""
    root = loader.get_single_node()
    if root is None:
        return None
    if isinstance(root, yaml.MappingNode):
        out = []
        for knode, vnode in root.value:
            if knode.value in ("representatives", "senators") and isinstance(vnode, yaml.SequenceNode):
                out += [(n.start_mark.line + 1, loader.construct_object(n, deep=True), knode.value)
                        for n in vnode.value]
        return out or None
    if not isinstance(root, yaml.SequenceNode):
        return None
    return [(n.start_mark.line + 1, loader.construct_object(n, deep=True), None) for n in root.value]


def read_members(parliament: Parliament, path: str | Path) -> tuple[list[Member], object]:
    """The members of one parliament's file, and the data's date (or None)."""
    path = source_path(path)
    data = read_file(path, max_bytes=MAX_SOURCE, what=f"{parliament.name} members file")
    records = parse_source(data, path, f"{parliament.name} members file", _records)
    required, reader = READERS[parliament.name]
    hint = f"use {parliament.name}/{SOURCE_FILE} from ../shared/data/parliaments"
    shape = ("a mapping with lists 'representatives' and 'senators'" if parliament.name == "au-parliament"
             else "a list of members")
    if not records or (records[0][2] is None) != (parliament.name != "au-parliament"):
        raise DataError(f"expected {shape} ({parliament.title})", file=str(path), hint=hint)
    members, seen = [], {}
    for line, record, house in records:
        missing = [k for k in required if not isinstance(record, dict) or record.get(k) in (None, "")]
        if missing:
            raise DataError(f"expected a member of the {parliament.title} with {', '.join(required)}; "
                            f"this one has no {missing[0]!r}", file=str(path), line=line, hint=hint)
        try:
            member = reader(record, house) if house else reader(record)
        except (TypeError, ValueError, AttributeError) as exc:   # a field of an unexpected kind
            raise DataError(f"cannot read this member of the {parliament.title}: {exc}", file=str(path),
                            line=line, hint=hint) from None
        if member.member_id in seen:
            raise DataError(f"member id {member.member_id!r} appears twice (also line {seen[member.member_id]})",
                            file=str(path), line=line, hint=hint)
        seen[member.member_id] = line
        member.places.discard(None)
        member.parties.discard(None)
        members.append(member)
    return members, snapshot_date(data)


# ---- selecting --------------------------------------------------------------------------------

def _select(members: list[Member], ids, places, parties, everyone: bool, path: Path) -> list[Member]:
    if everyone and (ids or places or parties):
        raise DataError("--all takes every member: leave out --id, --constituency and --party, or --all")
    if not (everyone or ids or places or parties):
        raise DataError("no members selected: nothing was imported",
                        hint="choose members with --id, --constituency or --party, or import all with --all")
    known_ids = {_key(m.member_id): m.member_id for m in members}
    known_places = {_key(p): p for m in members for p in m.places}
    known_parties = {_key(p): p for m in members for p in m.parties}
    for values, known, what in ((ids, known_ids, "member id"), (places, known_places, "constituency"),
                                (parties, known_parties, "party")):
        for value in values:
            if _key(value) not in known:
                raise DataError(f"no {what} {value!r} in the members file", file=str(path),
                                hint=did_you_mean(value, sorted(set(known.values()))) or
                                f"see the file for the {what}s it has")
    ids, places, parties = ({_key(v) for v in vs} for vs in (ids, places, parties))
    return [m for m in members
            if (not ids or _key(m.member_id) in ids)
            and (not places or any(_key(p) in places for p in m.places))
            and (not parties or any(_key(p) in parties for p in m.parties))]


def _selection(ids, places, parties) -> str:
    parts = [f"{what} {' or '.join(values)}" for what, values in
             (("id", ids), ("in", places), ("of party", parties)) if values]
    return "members " + ", and ".join(parts) + (" (all must hold)" if len(parts) > 1 else "") if parts else ""


# ---- the import -------------------------------------------------------------------------------

def _profile(parliament: Parliament, member: Member, as_of) -> dict:
    raw = {**member.profile, "country": parliament.country, "parliament": parliament.name,
           "member_id": member.member_id, "as_of": as_of}
    return {k: raw[k] for k in FIELDS if raw.get(k) not in (None, "", [])}


def _match(existing: dict, parliament: str, base: dict, recipients_path: Path) -> dict[str, str]:
    """member id -> profile id, for profiles of this parliament: by (parliament, member_id), else
    the id the last import gave it when that profile has lost its parliament or member_id."""
    found: dict[str, str] = {}
    for rid, profile in existing.items():
        if isinstance(profile, dict) and profile.get("parliament") == parliament and profile.get("member_id"):
            mid = str(profile["member_id"])
            if mid in found:
                raise DataError(f"profiles {found[mid]!r} and {rid!r} both have parliament {parliament} and "
                                f"member_id {mid!r}", file=str(recipients_path),
                                hint="an import updates one profile per member: remove member_id from the copy")
            found[mid] = rid
    for key, record in base.items():
        name, _, mid = key.partition("/")
        rid = record.get("id") if isinstance(record, dict) else None
        profile = existing.get(rid) if isinstance(rid, str) else None
        if name == parliament and mid not in found and isinstance(profile, dict) and rid not in found.values() \
                and profile.get("parliament") in (None, parliament) and profile.get("member_id") in (None, mid):
            found[mid] = rid
    return found


def _id_of(parliament: Parliament, member: Member) -> str:
    """'gb-mark-tami' for Sir Mark Tami: the name without a knight's or dame's title."""
    return f"{parliament.prefix}-{slug(strip_prefix(member.profile['name'], ('Sir', 'Dame'))[1])}"


def _new_id(parliament: Parliament, member: Member, taken: set[str], shared: set[str]) -> str:
    rid = _id_of(parliament, member)
    if rid in shared or rid in taken:     # two members of one name, or a profile of that id
        rid = f"{rid}-{slug(member.member_id)}"
    stem, n = rid, 2
    while rid in taken:
        rid, n = f"{stem}-{n}", n + 1
    return rid


def sources_text(names) -> str:
    """recipients.sources.md: each imported parliament's attribution, as its licence asks."""
    out = ["# Sources of the imported recipient profiles\n",
           "Written by `drafter recipients import-parliament` and rewritten by each import: the attribution "
           "and licence notices of the parliament data the profiles in recipients.yaml come from. Keep this "
           "file with recipients.yaml wherever you share or publish the profiles.\n"]
    for name in PARLIAMENTS:
        if name in names:
            out.append(f"## {SOURCES[name].title} (`{name}`)\n\n{SOURCES[name].attribution}\n")
    return "\n".join(out)


_POINTER = "# Profiles imported from parliament data: see {name} for their sources and licences.\n"


def plan_import(recipients_path: str | Path, parliament: str, source: str | Path, ids=(), constituencies=(),
                parties=(), everyone: bool = False) -> tuple[ImportReport, dict[Path, str]]:
    """The import's report and the new text of each file it changes (recipients.yaml, the import
    record and recipients.sources.md beside it), computed and validated but not written: the
    command (commands/recipients.py `import_parliament`) writes them."""
    recipients_path = Path(recipients_path)
    chamber = parliament_of(parliament)
    path = source_path(source)
    members, as_of = read_members(chamber, path)
    chosen = _select(members, ids, constituencies, parties, everyone, path)
    text, doc = read_campaign_file(recipients_path)
    campaign = CampaignText(text, doc, FIELDS)
    existing = campaign.recipients
    bpath = base_path(recipients_path, BASE_SUFFIX)
    base = read_base(bpath)
    report = ImportReport(recipients_path, selection=_selection(ids, constituencies, parties))
    if as_of is None:
        report.skipped.append(f"no date in the file's '# Source:' line: as_of left out ({path})")
    matched = _match(existing, chamber.name, base, recipients_path)
    taken = set(existing)
    names = {}
    for m in members:
        names.setdefault(_id_of(chamber, m), []).append(m)
    shared = {rid for rid, ms in names.items() if len(ms) > 1}

    added = {}
    for member in chosen:
        key = f"{chamber.name}/{member.member_id}"
        new = drop_invalid(member.member_id, _profile(chamber, member, as_of), report.skipped)
        rid = matched.get(member.member_id)
        record = base.get(key) if isinstance(base.get(key), dict) else None
        if rid is None:
            rid = _new_id(chamber, member, taken, shared)
            taken.add(rid)
            added[rid] = new
        else:
            changes = merge(rid, existing[rid], new, record.get("fields") if record else None, report,
                            keep_deleted=DISMISSIBLE)
            if changes:
                campaign.rewrite(rid, changes)
            (report.updated if changes else report.unchanged).append(rid)
        base[key] = {"id": rid, "fields": {k: hash_value(v) for k, v in new.items()}}
    report.added = list(added)

    current = {m.member_id for m in members}
    for mid, rid in matched.items():
        if mid not in current and f"{chamber.name}/{mid}" in base:
            profile = existing[rid]
            report.left_office.append((rid, str(profile.get("name", rid))))
            if profile.get("former") is not True:
                campaign.rewrite(rid, {"former": True})
                campaign.comment_above(rid, f"left office: not in {chamber.name}'s {path.name}")
                base[f"{chamber.name}/{mid}"]["fields"]["former"] = hash_value(True)

    spath = recipients_path.with_name(recipients_path.stem + SOURCES_SUFFIX)
    pointer = _POINTER.format(name=spath.name)
    if spath.name in text:
        pointer = ""
    elif campaign.has_key:       # above 'recipients:', below the file's own heading comments
        campaign.before.setdefault(doc.positions[("recipients",)][0] - 1, []).append(pointer)
        pointer = ""
    new_text = pointer + campaign.render(added)
    check_result(recipients_path, new_text, doc, report)
    imported = {key.partition("/")[0] for key in base} | {chamber.name}
    return report, {recipients_path: new_text,
                    bpath: json.dumps(base, indent=0, sort_keys=True, ensure_ascii=False) + "\n",
                    spath: sources_text(imported)}
