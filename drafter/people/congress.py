"""Import members of Congress into recipients.yaml from unitedstates/congress-legislators files.

The source files are big and read with PyYAML's C loader. recipients.yaml is edited in place
(`people.importing`, shared with import-parliament): profiles the import does not change keep
their exact bytes (only an `as_of:` line is refreshed), a changed profile goes through ruamel.yaml
round-trip on its own so its comments and key order survive, and new profiles are appended
(written with PyYAML's C emitter: ruamel is too slow to emit 537 profiles in the time budget).
Round-tripping the whole file through ruamel would take about 3 seconds for 537 members.

Hand edits (a three-way merge per field):
  * every import records what it wrote for each member in `recipients.congress-base.json`
    beside recipients.yaml (the "base");
  * on re-import, a field whose value in recipients.yaml still equals the base is refreshed
    from the source; a field whose value differs from the base (and from the source) was edited
    by hand and is KEPT, and the report names it with the value the import would have written;
  * a field deleted by hand is filled in again; fields the import never writes (title,
    salutation, notes, ...) are never touched; profiles whose id is not a current member's
    bioguide id are never touched;
  * without a base (first import over existing profiles, or the JSON file was lost) every
    value that differs from the source counts as a hand edit: nothing is overwritten blindly.
  To take the imported value again, delete the field and re-import.

Members who left office: a profile that an import created (its `bioguide` equals its id, or
it is in the base) whose id is no longer in the legislators file stays in recipients.yaml
with `former: true` and a `# left office` comment above it, and the report lists it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from drafter.errors import DataError, DrafterError, did_you_mean
from drafter.people.address import COMMITTEE_TITLES
from drafter.people.importing import (MAX_SOURCE, CampaignText, FastLoader, ImportReport, check_result,
                                      drop_invalid, hash_value, merge, read_base, read_campaign_file,
                                      read_source)
from drafter.people.importing import base_path as _base_path
from drafter.people.states import STATE_NAMES
from drafter.campaign.reading import read_file
from drafter.campaign.yamlsrc import gc_paused

DELEGATE_STATES = {"DC", "GU", "VI", "AS", "MP"}
COMMISSIONER_STATES = {"PR"}
ORGANIZATION = {"sen": "United States Senate", "rep": "United States House of Representatives"}
# Each chamber's own ZIP code: the mailing address when the source has no office yet.
CHAMBER_CITY = {"sen": "Washington, DC 20510", "rep": "Washington, DC 20515"}
BIOGUIDE_ID = re.compile(r"^[A-Z]\d{6}$")
_ADDRESS = re.compile(r"^(?P<street>.*?),?\s+Washington,?\s+D\.?C\.?,?\s+(?P<zip>\d{5}(?:-\d{4})?)$",
                      re.IGNORECASE)
# The order of fields in a new profile.
FIELDS = ("name", "role", "given", "surname", "suffix", "nickname", "state", "district", "party",
          "organization", "address", "phone", "website", "contact_form", "committees",
          "memberships", "bioguide")
BASE_SUFFIX = ".congress-base.json"
CongressImportReport = ImportReport
_hash = hash_value


def base_path(recipients_path: str | Path) -> Path:
    """Where the import records fingerprints of what it wrote (see the module docstring)."""
    return _base_path(recipients_path, BASE_SUFFIX)


# The building codes of committee offices in committees-current.yaml ("2170 RHOB").
BUILDINGS = {"RHOB": "Rayburn House Office Building", "LHOB": "Longworth House Office Building",
             "CHOB": "Cannon House Office Building", "FHOB": "Ford House Office Building",
             "DSOB": "Dirksen Senate Office Building", "RSOB": "Russell Senate Office Building",
             "HSOB": "Hart Senate Office Building", "SROB": "Russell Senate Office Building",
             "SDOB": "Dirksen Senate Office Building", "SHOB": "Hart Senate Office Building"}
_CAPITOL_ROOM = re.compile(r"^(?P<wing>[A-Z]+)-?(?P<number>\d.*)$")


def office_lines(text) -> list[str] | None:
    """A committee's office as address lines: "1301 LHOB; Washington, DC 20515-6001" gives
    ["1301 Longworth House Office Building", "Washington, DC 20515-6001"]; "H307 CAPITOL" is
    "H-307, U.S. Capitol". None when there is no office."""
    parts = [" ".join(p.split()) for p in str(text or "").split(";") if p.strip()]
    if not parts:
        return None
    room, _, building = parts[0].rpartition(" ")
    if building.upper() == "CAPITOL" and room:
        m = _CAPITOL_ROOM.match(room)
        parts[0] = f"{m['wing']}-{m['number']}, U.S. Capitol" if m else f"{room}, U.S. Capitol"
    elif building.upper() in BUILDINGS and room:
        parts[0] = f"{room} {BUILDINGS[building.upper()]}"
    return parts


def _committee_names(committees_path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """thomas_id -> name, and thomas_id -> office lines, for committees and subcommittees (ids
    like HSAG15)."""
    if not committees_path.is_file():
        return {}, {}
    names, offices = {}, {}
    for com in read_source(committees_path, "committees-current.yaml") or []:
        cid, cname = com.get("thomas_id"), com.get("name")
        if not cid:
            continue
        if cname:
            names[cid] = cname
        if office_lines(com.get("address")):
            offices[cid] = office_lines(com.get("address"))
        for sub in com.get("subcommittees") or []:
            if sub.get("thomas_id") and sub.get("name"):
                names[cid + str(sub["thomas_id"])] = f"Subcommittee on {sub['name']}, {cname}"
            if sub.get("thomas_id") and office_lines(sub.get("address")):
                offices[cid + str(sub["thomas_id"])] = office_lines(sub.get("address"))
    return names, offices


def read_memberships(membership_path: Path) -> tuple[dict[str, list[dict]], set[str]]:
    """bioguide -> [{id, name?, title?}] in the file's order, and all committee ids."""
    data = read_source(membership_path, "committee-membership-current.yaml") or {}
    if not isinstance(data, dict):
        raise DataError("expected a mapping of committee ids to member lists", file=str(membership_path))
    names, offices = _committee_names(membership_path.with_name("committees-current.yaml"))
    by_member: dict[str, list[dict]] = {}
    for cid, members in data.items():
        cid = str(cid)
        for m in members or []:
            if not isinstance(m, dict) or not m.get("bioguide"):
                continue
            entry = {"id": cid}
            if names.get(cid):
                entry["name"] = names[cid]
            if m.get("title"):
                entry["title"] = str(m["title"])
                # Its office, for letters to the chair or ranking member as such (address.py).
                if entry["title"].lower() in COMMITTEE_TITLES and offices.get(cid):
                    entry["address"] = offices[cid]
            by_member.setdefault(m["bioguide"], []).append(entry)
    return by_member, {str(c) for c in data}


# ---- one member -> one profile ------------------------------------------------------------

def role_of(term: dict) -> str:
    if term.get("type") == "sen":
        return "senator"
    if term.get("state") in DELEGATE_STATES:
        return "delegate"
    if term.get("state") in COMMISSIONER_STATES:
        return "resident-commissioner"
    return "representative"


def split_address(text: str | None, chamber: str) -> list[str]:
    """'511 Hart Senate Office Building Washington DC 20510' -> [street, 'Washington, DC 20510']."""
    if text:
        m = _ADDRESS.match(" ".join(str(text).split()))
        if m:
            return [m["street"], f"Washington, DC {m['zip']}"]
        return [" ".join(str(text).split())]
    return [CHAMBER_CITY[chamber]]


def _full_name(name: dict) -> str:
    """The name the member uses officially (`official_full`), else one built from its parts."""
    if name.get("official_full"):
        return name["official_full"]
    text = " ".join(str(name[k]) for k in ("first", "middle", "last") if name.get(k))
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def _used_suffix(name: dict, full: str) -> str | None:
    """The suffix only when the official name carries it: "Andrew Ogles" (suffix IV in the
    record) is not "Andrew Ogles IV"."""
    suffix = name.get("suffix")
    return suffix if suffix and " ".join(full.split()).rstrip(".").endswith(str(suffix).rstrip(".")) else None


def profile_of(member: dict, committees: list[dict] | None) -> dict:
    """The recipient profile the import writes for one legislator record (plain values)."""
    name, term = member.get("name") or {}, member["terms"][-1]
    chamber = term.get("type", "rep")
    full = _full_name(name)
    raw = {
        "name": full,
        "role": role_of(term),
        "given": name.get("first"),
        "surname": name.get("last"),
        "suffix": _used_suffix(name, full),
        "nickname": name.get("nickname"),
        "state": term.get("state"),
        "district": term.get("district") if chamber == "rep" else None,
        "party": term.get("party"),
        "organization": ORGANIZATION.get(chamber),
        "address": split_address(term.get("address"), chamber),
        "phone": term.get("phone"),
        "website": term.get("url"),
        "contact_form": term.get("contact_form"),
        "committees": committees or None,
        "memberships": [c["id"] for c in committees] if committees else None,
        "bioguide": member["id"]["bioguide"],
    }
    out = {}
    for key in FIELDS:
        value = raw[key]
        if isinstance(value, str):
            value = " ".join(value.split())
        if value is None or value == "" or value == []:
            continue  # omit rather than write an empty value
        out[key] = value
    return out


# ---- the import ---------------------------------------------------------------------------

def _select(legislators: list, committee_ids, states, bioguides, memberships, all_committees, source,
            legislators_path) -> list:
    wanted = tuple(committee_ids)
    for cid in wanted:
        if cid not in all_committees:
            raise DataError(f"no committee {cid!r} in the membership file", file=str(source),
                            hint=did_you_mean(cid, sorted(all_committees)) or "use a thomas_id such as SSFR or HSFA")
    known = {m["id"]["bioguide"] for m in legislators}
    for rid in bioguides:
        if rid not in known:
            raise DataError(f"no member with bioguide id {rid!r} in the legislators file", file=str(legislators_path),
                            hint=did_you_mean(rid, sorted(known)) or "bioguide ids look like M001176 (bioguide.congress.gov)")
    keep = []
    for member in legislators:
        if bioguides and member["id"]["bioguide"] not in bioguides:
            continue
        if states and member["terms"][-1].get("state") not in states:
            continue
        if wanted:
            ids = [c["id"] for c in memberships.get(member["id"]["bioguide"], [])]
            # A committee id keeps members of the committee and of its subcommittees (SSFR09).
            if not any(i == w or (i.startswith(w) and i[len(w):].isdigit()) for i in ids for w in wanted):
                continue
        keep.append(member)
    return keep


def _selection(ids, states, committee_ids) -> str:
    """What the options asked for, said plainly: they combine as AND, each option's values as OR."""
    parts = [f"{what} {' or '.join(sorted(values))}" for what, values in
             (("bioguide id", ids), ("from", states), ("on committee", set(committee_ids))) if values]
    return "members " + ", and ".join(parts) + (" (all must hold)" if len(parts) > 1 else "") if parts else ""


def _sort_key(profile: dict):
    return (profile["role"] != "senator", profile.get("state", ""), profile.get("district", 0),
            profile.get("surname", ""), profile["name"])


def _current_record(loader, node) -> dict:
    """One legislator with only what drafter reads: id.bioguide, name and the latest term.
    Building just these from the parsed nodes is what keeps loading fast (the earlier terms
    are most of the file)."""
    out: dict = {}
    for knode, vnode in node.value:
        if knode.value == "id" and isinstance(vnode, yaml.MappingNode):
            out["id"] = {"bioguide": loader.construct_object(v, deep=True)
                         for k, v in vnode.value if k.value == "bioguide"}
        elif knode.value == "name":
            out["name"] = loader.construct_object(vnode, deep=True)
        elif knode.value == "terms" and isinstance(vnode, yaml.SequenceNode) and vnode.value:
            out["terms"] = [loader.construct_object(vnode.value[-1], deep=True)]
    return out


def _build_current(loader):
    root = loader.get_single_node()
    if not isinstance(root, yaml.SequenceNode):
        return None
    return [_current_record(loader, n) if isinstance(n, yaml.MappingNode) else None for n in root.value]


def _parse_part(data: bytes):
    """One part of a split legislators file, or None when it does not parse on its own."""
    loader = FastLoader(data)
    try:
        with gc_paused():
            return _build_current(loader)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def _split_halves(data: bytes) -> tuple[bytes, bytes] | None:
    """The file cut in two at a top-level list item near its middle, when it is a plain
    block list at column 0 (no directives or document markers that the second half would lack)."""
    if not data.startswith(b"- ") or re.search(rb"^(%|---|\.\.\.)", data, re.M):
        return None
    cut = data.find(b"\n- ", len(data) // 2)
    return None if cut < 0 else (data[:cut + 1], data[cut + 1:])


def _read_split(path: Path, pool) -> list[dict] | None:
    """The records parsed half here, half by `pool` (an Executor: the batch's helpers), at once
    (parsing is most of the time a batch takes before its first letter). None when the file
    cannot be split safely: an alias to an anchor in the other half, or any error, makes a half
    fail to parse on its own, and the caller then reads the whole file the usual way (errors
    keep their true line numbers)."""
    try:
        halves = _split_halves(read_file(path, max_bytes=MAX_SOURCE, what="legislators-current.yaml"))
    except DrafterError:
        return None
    if halves is None:
        return None
    second = pool.submit(_parse_part, halves[1])
    first = _parse_part(halves[0])
    try:
        second = second.result()
    except Exception:      # the helper failed: the whole file is read here
        return None
    return None if first is None or second is None else first + second


def read_legislators(path: str | Path, pool=None) -> list[dict]:
    """The records of legislators-current.yaml, each reduced to id, name and current term;
    with `pool` (an Executor) parsed in two processes at once where the file allows it."""
    legislators = _read_split(Path(path), pool) if pool is not None else None
    if legislators is None:
        legislators = read_source(path, "legislators-current.yaml", _build_current)
    if legislators is None or not all(
            m and isinstance(m.get("id"), dict) and m["id"].get("bioguide") and m.get("terms")
            for m in legislators):
        raise DataError("expected a list of legislators, each with id.bioguide and terms",
                        file=str(path), hint="use legislators-current.yaml from congress-legislators")
    return legislators


def plan_import(recipients_path: str | Path, legislators_path: str | Path,
                committees_path: str | Path | None = None, committee_ids=(), states=(),
                today: dt.date | None = None, ids=()) -> tuple[CongressImportReport, dict[Path, str]]:
    """The import's report and the new text of each file it changes (recipients.yaml, then
    the import record beside it), computed and validated but not written: the command
    (commands/recipients.py `import_congress`) writes them.

    `committees_path` is committee-membership-current.yaml (committees-current.yaml beside it
    supplies committee names). `committee_ids`, `states` and `ids` (bioguide ids) narrow which
    members are imported: a member must match each that is given (any of its values);
    departures are judged against the whole legislators file.
    """
    recipients_path, legislators_path = Path(recipients_path), Path(legislators_path)
    today = today or dt.date.today()
    states = {s.upper() for s in states}
    ids = {i.strip().upper() for i in ids}
    for s in sorted(states):
        if s not in STATE_NAMES:
            raise DataError(f"{s!r} is not a state code",
                            hint=did_you_mean(s, STATE_NAMES) or "use the two-letter USPS code, e.g. OR")
    if committee_ids and committees_path is None:
        raise DataError("--committee needs the membership file",
                        hint="pass --committees committee-membership-current.yaml")

    legislators = read_legislators(legislators_path)
    memberships, all_committees = read_memberships(Path(committees_path)) if committees_path else ({}, set())
    text, doc = read_campaign_file(recipients_path)
    campaign = CampaignText(text, doc, FIELDS)
    existing = campaign.recipients
    bpath = base_path(recipients_path)
    base = read_base(bpath)
    report = CongressImportReport(recipients_path, selection=_selection(ids, states, committee_ids))

    added = []
    for member in _select(legislators, committee_ids, states, ids, memberships, all_committees, committees_path,
                          legislators_path):
        rid = member["id"]["bioguide"]
        new = drop_invalid(rid, profile_of(member, memberships.get(rid)), report.skipped)
        if rid not in existing:
            added.append((rid, {**new, "as_of": today}))
        else:
            changes = merge(rid, existing[rid], new, base.get(rid), report)
            if changes:
                campaign.rewrite(rid, changes, today)
            else:
                campaign.set_as_of(rid, today, doc)
            (report.updated if changes else report.unchanged).append(rid)
        base[rid] = {k: hash_value(v) for k, v in new.items()}
    added.sort(key=lambda item: _sort_key(item[1]))
    report.added = [rid for rid, _ in added]

    current = {m["id"]["bioguide"] for m in legislators}
    for rid, profile in existing.items():
        imported = rid in base or (isinstance(profile, dict) and profile.get("bioguide") == rid)
        if imported and BIOGUIDE_ID.match(str(rid)) and rid not in current:
            report.left_office.append((rid, str(profile.get("name", rid))))
            if profile.get("former") is not True:
                campaign.rewrite(rid, {"former": True})
                campaign.comment_above(rid, f"left office: not in {legislators_path.name} "
                                            f"on {today.isoformat()}")
                base.setdefault(rid, {})["former"] = hash_value(True)

    new_text = campaign.render(dict(added))
    check_result(recipients_path, new_text, doc, report)
    return report, {recipients_path: new_text,
                    bpath: json.dumps(base, indent=0, sort_keys=True, ensure_ascii=False) + "\n"}


