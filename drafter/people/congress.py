"""Import members of Congress into recipients.yaml from unitedstates/congress-legislators files.

The source files are big and read with PyYAML's C loader. recipients.yaml is edited in place:
profiles the import does not change keep their exact bytes (only an `as_of:` line is refreshed),
a changed profile goes through ruamel.yaml round-trip on its own so its comments and key order
survive, and new profiles are appended (written with PyYAML's C emitter: ruamel is too slow to
emit 537 profiles in the time budget). Round-tripping the whole file through ruamel would take
about 3 seconds for 537 members.

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
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import ruamel.yaml
import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from drafter.errors import DataError, DrafterError, did_you_mean
from drafter.people.address import COMMITTEE_TITLES
from drafter.people.states import STATE_NAMES
from drafter.campaign.schemas import RECIPIENT
from drafter.campaign.validate import validate
from drafter.campaign.reading import read_file
from drafter.campaign.yamlsrc import MAX_BYTES, Located, gc_paused, parse_yaml, round_trip

MAX_SOURCE = 512 * 1024 * 1024    # legislators YAML (about 10 MB today) and the like

try:
    _FastLoader, _CDumper = yaml.CSafeLoader, yaml.CSafeDumper
except AttributeError:  # pragma: no cover - libyaml missing
    _FastLoader, _CDumper = yaml.SafeLoader, yaml.SafeDumper


class _FastDumper(_CDumper):
    def ignore_aliases(self, data):  # one date object in every profile must not become &id001
        return True

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


@dataclass
class CongressImportReport:
    path: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str, object]] = field(default_factory=list)   # (id, field, imported value)
    left_office: list[tuple[str, str]] = field(default_factory=list)    # (id, name)
    skipped: list[str] = field(default_factory=list)                    # source values the schema refuses
    written: list[Path] = field(default_factory=list)
    selection: str = ""          # which members were asked for, when not all

    def lines(self) -> list[str]:
        out = [f"selected: {self.selection}"] if self.selection else []
        out += [f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
               f"kept hand edits {len(self.kept)}, left office {len(self.left_office)}"]
        out += [f"  kept: hand edit {rid}.{key} (import has {json.dumps(value, ensure_ascii=False)})"
                for rid, key, value in self.kept]
        out += [f"  left office: {name} ({rid})" for rid, name in self.left_office]
        out += [f"  skipped: {note}" for note in self.skipped]
        return out


# ---- reading the source files -------------------------------------------------------------

def _read_source(path: str | Path, what: str, build=None):
    """A source YAML file's data; `build(loader)` may build just part of it from the nodes."""
    path = Path(path)
    data = read_file(path, max_bytes=MAX_SOURCE, what=what)    # a regular file: a FIFO cannot hang it
    try:
        loader = _FastLoader(data)
        try:
            with gc_paused():
                return build(loader) if build else loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DataError(f"YAML syntax error: {exc.problem}", file=str(path),
                        line=mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, OSError) as exc:
        raise DataError(f"cannot read {what}: {exc}", file=str(path)) from None


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
    for com in _read_source(committees_path, "committees-current.yaml") or []:
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
    data = _read_source(membership_path, "committee-membership-current.yaml") or {}
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


_PATTERNS = {k: re.compile(v["pattern"]) for k, v in RECIPIENT["properties"].items()
             if isinstance(v, dict) and "pattern" in v and k != "name"}


def _drop_invalid(rid: str, profile: dict, skipped: list[str]) -> dict:
    """Leave out source values the schema's patterns refuse (e.g. a contact form 'hhttps://...').

    A cheap check of the fields the source fills freely; the whole result is validated later.
    """
    for key, pattern in _PATTERNS.items():
        value = profile.get(key)
        if isinstance(value, str) and not pattern.search(value):
            skipped.append(f"{rid}.{key}: {json.dumps(profile.pop(key), ensure_ascii=False)} "
                           f"is not valid for this field")
    return profile


# ---- the campaign file: edited in place, one profile at a time -----------------------------

_MISSING = object()
_AS_OF_LINE = re.compile(r"^(?P<head>\s*as_of\s*:\s*)(?P<value>[^\s#'\"]+|'[^']*'|\"[^\"]*\")(?P<rest>\s*(#.*)?)$")


def _hash(value) -> str:
    """A short fingerprint of an imported value: the base stores these, not a second copy."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _styled(key: str, value):
    """Short lists inline (as in the design card); committees one flow map per line."""
    if key in ("address", "memberships"):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    if key == "committees":
        seq = CommentedSeq()
        for item in value:
            m = CommentedMap(item)
            m.fa.set_flow_style()
            seq.append(m)
        return seq
    return value


def _position(keys: list, key: str) -> int:
    """Where a new field goes: after the fields that precede it in FIELDS (else at the end)."""
    if key not in FIELDS:
        return len(keys)
    before = FIELDS[: FIELDS.index(key)]
    return max((i + 1 for i, k in enumerate(keys) if k in before), default=0)


def _set_in_order(profile: CommentedMap, key: str, value) -> None:
    if key in profile:
        profile[key] = value
    else:
        profile.insert(_position(list(profile), key), key, value)


def _applied(profile: dict, changes: dict, as_of) -> dict:
    """A plain profile with changes applied, in the same order _set_in_order gives."""
    items = list(profile.items())
    for key, value in changes.items():
        keys = [k for k, _ in items]
        if value is _MISSING:
            items = [(k, v) for k, v in items if k != key]
        elif key in keys:
            items[keys.index(key)] = (key, value)
        else:
            items.insert(_position(keys, key), (key, value))
    out = dict(items)
    if as_of is not None:
        out["as_of"] = as_of
    return out


def _merge(rid: str, ours: dict, new: dict, base: dict | None, report: CongressImportReport) -> dict:
    """Three-way merge of one profile: the fields to change ({key: value or _MISSING})."""
    changes = {}
    for key in list(new) + [k for k in (base or {}) if k not in new]:
        mine, theirs = ours.get(key, _MISSING), new.get(key, _MISSING)
        if mine == theirs:
            continue
        if mine is _MISSING or (base is not None and base.get(key) == _hash(mine)):
            changes[key] = theirs
        else:
            report.kept.append((rid, key, None if theirs is _MISSING else theirs))
    return changes


class _CampaignText:
    """recipients.yaml as lines, with the span of every profile, edited by splicing.

    Profiles the import does not change keep their bytes; a changed profile goes through
    ruamel.yaml round-trip on its own (comments and order kept); new profiles are appended
    to the recipients map.
    """

    def __init__(self, text: str, doc: Located):
        self.path = doc.path
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        self.replace: dict[int, list[str]] = {}   # first line index -> new lines for the span
        self.before: dict[int, list[str]] = {}    # line index -> lines inserted above it
        data = doc.data if isinstance(doc.data, dict) else {}
        self.recipients = data.get("recipients") or {}
        self.has_key = "recipients" in data
        self.key_col, self.indent = 2, 2
        self.spans: dict[str, tuple[int, int]] = {}
        self.insert_at = len(self.lines)
        if self.has_key:
            self._find_spans(doc, data)

    def _find_spans(self, doc: Located, data: dict) -> None:
        line, col = doc.positions[("recipients",)]
        if col != 1 or not re.match(r"""^["']?recipients["']?\s*:""", self.lines[line - 1]):
            raise doc.error(("recipients",), "the import needs 'recipients:' as a block mapping at the left margin",
                            "write the file in block style (one 'key: value' per line)")
        later = [doc.positions[(k,)][0] for k in data if doc.positions[(k,)][0] > line]
        end = min(later) - 1 if later else len(self.lines)        # index after the block
        while end > line and (not self.lines[end - 1].strip() or self.lines[end - 1].startswith("#")):
            end -= 1                                              # leave the next key's comments with it
        self.insert_at = end
        starts = sorted((doc.positions[("recipients", rid)], rid) for rid in self.recipients)
        if not starts:
            head = self.lines[line - 1]
            m = re.match(r"""^(["']?recipients["']?\s*:)\s*(\{\s*\}|null|~)?\s*(#.*)?$""", head.rstrip("\n"))
            if not m:
                raise doc.error(("recipients",), "cannot add profiles to this 'recipients:' value",
                                "write 'recipients:' on a line of its own")
            self.replace[line - 1] = [m[1] + (f"  {m[3]}" if m[3] else "") + "\n"]
            self.spans["<head>"] = (line - 1, line)
            self.insert_at = line
            return
        cols = {c for (_, c), _ in starts}
        lines_used = [ln for (ln, _), _ in starts]
        if len(cols) != 1 or len(set(lines_used)) != len(lines_used) or lines_used[0] <= line:
            raise doc.error(("recipients",), "the import needs the profiles in block style, one per line",
                            "write each profile as 'id:' on its own line followed by its fields")
        self.key_col = cols.pop() - 1
        for i, ((ln, _), rid) in enumerate(starts):
            stop = starts[i + 1][0][0] - 1 if i + 1 < len(starts) else end
            self.spans[rid] = (ln - 1, stop)
        first = starts[0][1]
        fields = [doc.positions[("recipients", first, k)][1] for k in (self.recipients[first] or {})]
        if fields:
            self.indent = max(min(fields) - 1 - self.key_col, 1)

    def _span_text(self, rid: str) -> str:
        a, b = self.spans[rid]
        cut = self.key_col
        return "".join(ln[cut:] if ln[:cut].strip() == "" else ln.lstrip(" ") for ln in self.lines[a:b])

    def rewrite(self, rid: str, changes: dict, as_of: dt.date | None = None) -> None:
        """Apply changes to one profile, keeping its comments and key order.

        A profile whose text is exactly what the import writes (no comments, no restyling)
        is written again by the fast emitter; any other goes through ruamel round-trip.
        """
        text = self._span_text(rid)
        current = self.recipients[rid]
        if isinstance(current, dict) and text == self._emit({rid: current}):
            self._put(rid, self._emit({rid: _applied(current, changes, as_of)}))
            return
        _, indent, bsi = load_yaml_guess_indent(text)
        ry = round_trip(self.indent if indent is None else indent, 2 if bsi is None else bsi, aliases=False)
        try:
            doc = ry.load(text)
        except ruamel.yaml.YAMLError as exc:
            line = self.spans[rid][0] + 1
            raise DataError(f"cannot edit profile {rid!r}: {exc.problem if hasattr(exc, 'problem') else exc}",
                            file=str(self.path), line=line,
                            hint="a profile the import updates cannot use YAML aliases defined elsewhere") from None
        profile = doc[rid]
        for key, value in changes.items():
            if value is _MISSING:
                del profile[key]
            else:
                _set_in_order(profile, key, _styled(key, value))
        if as_of is not None:
            profile["as_of"] = as_of
        buf = io.StringIO()
        ry.dump(doc, buf)
        self._put(rid, buf.getvalue())

    def _put(self, rid: str, text: str) -> None:
        pad = " " * self.key_col
        a, _ = self.spans[rid]
        self.replace[a] = [pad + ln if ln.strip() else ln for ln in text.splitlines(keepends=True)]

    def _emit(self, profiles: dict) -> str:
        return yaml.dump(profiles, Dumper=_FastDumper, default_flow_style=None, sort_keys=False,
                         width=4096, allow_unicode=True, indent=self.indent)

    def set_as_of(self, rid: str, today: dt.date, doc: Located) -> None:
        """Refresh only the as_of line; anything unusual goes through rewrite()."""
        pos = doc.positions.get(("recipients", rid, "as_of"))
        m = _AS_OF_LINE.match(self.lines[pos[0] - 1].rstrip("\n")) if pos else None
        if not m:
            self.rewrite(rid, {}, today)
        elif m["value"] != today.isoformat():
            self.lines[pos[0] - 1] = f"{m['head']}{today.isoformat()}{m['rest']}\n"

    def comment_above(self, rid: str, comment: str) -> None:
        a, _ = self.spans[rid]
        self.before.setdefault(a, []).append(" " * self.key_col + f"# {comment}\n")

    def render(self, added: dict[str, dict]) -> str:
        """The new text: untouched lines as they were, rewritten spans, new profiles."""
        stale = set()
        for a, b in self.spans.values():
            if a in self.replace:
                stale.update(range(a, b))
        out = []
        for i, line in enumerate(self.lines):
            if i == self.insert_at:
                out.extend(self._added_text(added))
            out.extend(self.before.get(i, ()))
            out.extend(self.replace.get(i, () if i in stale else (line,)))
        if self.insert_at >= len(self.lines):
            out.extend(self._added_text(added))
        return "".join(out)

    def _added_text(self, added: dict[str, dict]) -> list[str]:
        if not added:
            return []
        head = [] if self.has_key else ["recipients:\n"]
        pad = " " * self.key_col
        return head + [pad + ln for ln in self._emit(added).splitlines(keepends=True)]


# ---- writing ------------------------------------------------------------------------------

def base_path(recipients_path: str | Path) -> Path:
    """Where the import records fingerprints of what it wrote (see the module docstring)."""
    recipients_path = Path(recipients_path)
    return recipients_path.with_name(recipients_path.stem + BASE_SUFFIX)


def _read_base(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the import record: {exc}", file=str(path),
                        hint="delete it: the next import then keeps every differing value as a hand edit") from None
    return data if isinstance(data, dict) else {}


def _read_campaign_file(path: Path) -> tuple[str, Located]:
    """The file's text and parsed document; a file that is already wrong is refused as it is."""
    if not path.exists():
        return "", Located(path, None, {})
    text = read_file(path, inside=path.parent, max_bytes=MAX_BYTES).decode("utf-8-sig", errors="strict")
    doc = parse_yaml(text, path)
    if doc.data is not None:
        errors = validate(doc, "recipients")
        if errors:
            first = errors[0]
            first.hint = (first.hint + "; " if first.hint else "") + "fix it first: nothing was imported"
            raise first
    return text, doc


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
    loader = _FastLoader(data)
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
        legislators = _read_source(path, "legislators-current.yaml", _build_current)
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
    text, doc = _read_campaign_file(recipients_path)
    campaign = _CampaignText(text, doc)
    existing = campaign.recipients
    bpath = base_path(recipients_path)
    base = _read_base(bpath)
    report = CongressImportReport(recipients_path, selection=_selection(ids, states, committee_ids))

    added = []
    for member in _select(legislators, committee_ids, states, ids, memberships, all_committees, committees_path,
                          legislators_path):
        rid = member["id"]["bioguide"]
        new = _drop_invalid(rid, profile_of(member, memberships.get(rid)), report.skipped)
        if rid not in existing:
            added.append((rid, {**new, "as_of": today}))
        else:
            changes = _merge(rid, existing[rid], new, base.get(rid), report)
            if changes:
                campaign.rewrite(rid, changes, today)
            else:
                campaign.set_as_of(rid, today, doc)
            (report.updated if changes else report.unchanged).append(rid)
        base[rid] = {k: _hash(v) for k, v in new.items()}
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
                base.setdefault(rid, {})["former"] = _hash(True)

    new_text = campaign.render(dict(added))
    _check_result(recipients_path, new_text, doc, report)
    return report, {recipients_path: new_text,
                    bpath: json.dumps(base, indent=0, sort_keys=True, ensure_ascii=False) + "\n"}


def _check_result(path: Path, text: str, before: Located, report: CongressImportReport) -> None:
    """The new text must parse, its new and changed profiles must match the schema, and
    everything else must be what it was (the old file was validated before the import)."""
    doc = parse_yaml(text, path)
    old, new = before.data or {}, doc.data or {}
    touched = set(report.added) | set(report.updated) | {rid for rid, _ in report.left_office}
    problems = [e.message for e in _touched_errors(doc, touched)]
    if {k: v for k, v in new.items() if k != "recipients"} != \
            {k: v for k, v in old.items() if k != "recipients"}:
        problems.append("signers or groups would change")
    before_people, after_people = old.get("recipients") or {}, new.get("recipients") or {}
    for rid, profile in before_people.items():
        if rid not in after_people or (rid not in touched and _sans_as_of(after_people[rid]) != _sans_as_of(profile)):
            problems.append(f"profile {rid!r} would change")
    if problems:  # an import bug, not the user's: say so and write nothing
        raise DataError(f"the imported file would not be right: {problems[0]}", file=str(path),
                        hint="nothing was written; please report this")


def _touched_errors(doc: Located, touched: set[str]) -> list[DataError]:
    people = (doc.data or {}).get("recipients") or {}
    part = Located(doc.path, {"recipients": {rid: people[rid] for rid in touched if rid in people}},
                   doc.positions)
    return validate(part, "recipients")


def _sans_as_of(profile: dict) -> dict:
    return {k: v for k, v in profile.items() if k != "as_of"}
