"""What the data imports share: reading a big source YAML file, the three-way merge that keeps
hand edits, and editing recipients.yaml in place (see `people.congress` for the whole story;
`people.parliaments` uses the same machinery keyed by parliament and member id).

recipients.yaml is edited in place: profiles an import does not change keep their exact bytes,
a changed profile goes through ruamel.yaml round-trip on its own so its comments and key order
survive, and new profiles are appended (written with PyYAML's C emitter: ruamel is too slow to
emit hundreds of profiles in the time budget). Every import records what it wrote for each
member in a "base" file beside recipients.yaml; a field whose value differs from the base was
edited by hand and is kept.
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

from drafter.campaign.reading import read_file
from drafter.campaign.schemas import RECIPIENT
from drafter.campaign.validate import validate
from drafter.campaign.yamlsrc import MAX_BYTES, Located, gc_paused, parse_yaml, round_trip
from drafter.errors import DataError

MAX_SOURCE = 512 * 1024 * 1024    # legislators YAML (about 10 MB today) and the like

try:
    FastLoader, _CDumper = yaml.CSafeLoader, yaml.CSafeDumper
except AttributeError:  # pragma: no cover - libyaml missing
    FastLoader, _CDumper = yaml.SafeLoader, yaml.SafeDumper


class _FastDumper(_CDumper):
    def ignore_aliases(self, data):  # one date object in every profile must not become &id001
        return True


class _Profile(dict):
    """A profile: always a block mapping, even with only scalar fields (short lists stay inline)."""


_FastDumper.add_representer(
    _Profile, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False))


@dataclass
class ImportReport:
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

def read_source(path: str | Path, what: str, build=None):
    """A source YAML file's data; `build(loader)` may build just part of it from the nodes."""
    path = Path(path)
    data = read_file(path, max_bytes=MAX_SOURCE, what=what)    # a regular file: a FIFO cannot hang it
    return parse_source(data, path, what, build)


def parse_source(data: bytes, path: Path, what: str, build=None):
    """read_source for bytes already read: a syntax error names the file and line."""
    try:
        loader = FastLoader(data)
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


_PATTERNS = {k: re.compile(v["pattern"]) for k, v in RECIPIENT["properties"].items()
             if isinstance(v, dict) and "pattern" in v and k != "name"}


def drop_invalid(rid: str, profile: dict, skipped: list[str]) -> dict:
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

MISSING = object()
_AS_OF_LINE = re.compile(r"^(?P<head>\s*as_of\s*:\s*)(?P<value>[^\s#'\"]+|'[^']*'|\"[^\"]*\")(?P<rest>\s*(#.*)?)$")


def hash_value(value) -> str:
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


def _position(keys: list, key: str, fields: tuple) -> int:
    """Where a new field goes: after the fields that precede it in `fields`, the import's order
    of fields in a new profile (else at the end)."""
    if key not in fields:
        return len(keys)
    before = fields[: fields.index(key)]
    return max((i + 1 for i, k in enumerate(keys) if k in before), default=0)


def _set_in_order(profile: CommentedMap, key: str, value, fields: tuple) -> None:
    if key in profile:
        profile[key] = value
    else:
        profile.insert(_position(list(profile), key, fields), key, value)


def _applied(profile: dict, changes: dict, as_of, fields: tuple) -> dict:
    """A plain profile with changes applied, in the same order _set_in_order gives."""
    items = list(profile.items())
    for key, value in changes.items():
        keys = [k for k, _ in items]
        if value is MISSING:
            items = [(k, v) for k, v in items if k != key]
        elif key in keys:
            items[keys.index(key)] = (key, value)
        else:
            items.insert(_position(keys, key, fields), (key, value))
    out = dict(items)
    if as_of is not None:
        out["as_of"] = as_of
    return out


def merge(rid: str, ours: dict, new: dict, base: dict | None, report: ImportReport,
          keep_deleted=()) -> dict:
    """Three-way merge of one profile: the fields to change ({key: value or MISSING}).

    A field deleted by hand is filled in again, except those in `keep_deleted` (a caveat the
    user read and removed) while the source still gives what the import wrote before."""
    changes = {}
    for key in list(new) + [k for k in (base or {}) if k not in new]:
        mine, theirs = ours.get(key, MISSING), new.get(key, MISSING)
        if mine == theirs:
            continue
        dismissed = (mine is MISSING and key in keep_deleted and base is not None
                     and base.get(key) == hash_value(theirs))
        if not dismissed and (mine is MISSING or (base is not None and base.get(key) == hash_value(mine))):
            changes[key] = theirs
        else:
            report.kept.append((rid, key, None if theirs is MISSING else theirs))
    return changes


class CampaignText:
    """recipients.yaml as lines, with the span of every profile, edited by splicing.

    Profiles the import does not change keep their bytes; a changed profile goes through
    ruamel.yaml round-trip on its own (comments and order kept); new profiles are appended
    to the recipients map.
    """

    def __init__(self, text: str, doc: Located, fields: tuple):
        self.path = doc.path
        self.fields = fields
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
            self._put(rid, self._emit({rid: _applied(current, changes, as_of, self.fields)}))
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
            if value is MISSING:
                del profile[key]
            else:
                _set_in_order(profile, key, _styled(key, value), self.fields)
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
        profiles = {rid: _Profile(p) if isinstance(p, dict) else p for rid, p in profiles.items()}
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

def base_path(recipients_path: str | Path, suffix: str) -> Path:
    """Where an import records fingerprints of what it wrote (see the module docstring):
    recipients.congress-base.json for suffix ".congress-base.json"."""
    recipients_path = Path(recipients_path)
    return recipients_path.with_name(recipients_path.stem + suffix)


def read_base(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the import record: {exc}", file=str(path),
                        hint="delete it: the next import then keeps every differing value as a hand edit") from None
    return data if isinstance(data, dict) else {}


def read_campaign_file(path: Path) -> tuple[str, Located]:
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



def check_result(path: Path, text: str, before: Located, report: ImportReport) -> None:
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
