"""Load a campaign folder: read the YAML files, validate them, and build the model objects.

This is the first step of the pipeline (load → validate → select → render → build → write);
nothing here knows about templates or Word.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from drafter.campaign.dates import date_parts, parse_date
from drafter.campaign.schemas import CSL_DATE_FIELDS, SCHEMAS
from drafter.errors import DataError, DrafterError, did_you_mean
from drafter.campaign.models import (DEFAULT_STALE_DAYS, Ask, read_instrument, Evidence, LetterSpec, Recipient, Signer, Snippet, Source,
                                     from_yaml, yaml_fields)
from drafter.campaign.query import matches
from drafter.campaign.validate import invalid_fields, invalid_items, validate
from drafter.campaign.reading import refusal
from drafter.campaign.yamlsrc import Located, load_yaml

EVIDENCE_FILE = "evidence.yaml"
RECIPIENTS_FILE = "recipients.yaml"
ASKS_FILE = "asks.yaml"
LETTERS_DIR = "letters"
TEMPLATES_DIR = "letters/templates"
TEMPLATE_SUFFIX = ".md.j2"
RECIPIENT_KEYS = frozenset(f.metadata["key"] or f.name for f in yaml_fields(Recipient))
CONSTITUENTS = "constituents"   # `to: constituents`: a letter for `drafter batch`, signed by each volunteer


@dataclass
class Campaign:
    root: Path
    evidence: Evidence
    recipients: dict[str, Recipient]
    signers: dict[str, Signer]
    groups: dict[str, list[str]] = field(default_factory=dict)
    docs: dict[str, Located] = field(default_factory=dict)   # the files as read, for line numbers
    asks: dict[str, Ask] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()   # kinds ("recipients", "asks") whose file has errors
    invalid: "Invalid" = field(default_factory=lambda: Invalid())   # entries left out for their errors

    @property
    def templates_dir(self) -> Path:
        return self.root / TEMPLATES_DIR

    def template_path(self, name: str) -> Path:
        return self.templates_dir / f"{name}{TEMPLATE_SUFFIX}"

    def template_names(self) -> list[str]:
        if not self.templates_dir.is_dir():
            return []
        return sorted(p.name[: -len(TEMPLATE_SUFFIX)] for p in self.templates_dir.glob(f"*{TEMPLATE_SUFFIX}"))

    def letter_names(self) -> list[str]:
        return sorted(p.stem for p in (self.root / LETTERS_DIR).glob("*.yaml"))


# The id-keyed sections of each file: an entry with errors is left out, the others are built.
SECTIONS = {"evidence": ("sources", "snippets"), "recipients": ("recipients", "signers", "groups"),
            "asks": ("asks",)}


@dataclass(frozen=True)
class Invalid:
    """Entries that exist but have errors, so were not built: where a letter, an ask or a
    template names one, that is not a second error ("unknown recipient"), only the first."""
    ids: dict[str, frozenset[str]] = field(default_factory=dict)   # section -> ids ("snippets": {...})
    whole: frozenset[str] = frozenset()   # sections not read at all (the file failed): any id may be there

    def has(self, section: str, item_id) -> bool:
        return section in self.whole or item_id in self.ids.get(section, ())

    def any(self, section: str) -> bool:
        return section in self.whole or bool(self.ids.get(section))


def valid_part(doc: Located, kind: str) -> tuple[Located, dict[str, frozenset[str]], frozenset[str]]:
    """The document without the entries that failed the schema (so everything else is still
    built and checked); the ids left out, by section; and the sections not readable at all."""
    skip = invalid_items(doc, kind)
    data = doc.data if isinstance(doc.data, dict) else {}
    sections = SECTIONS[kind]
    part, left_out, whole = {}, {}, set()
    for key, value in data.items():
        if key in sections and isinstance(value, dict):
            part[key] = {k: v for k, v in value.items() if (key, k) not in skip}
            left_out[key] = frozenset(k for k in value if (key, k) in skip)
        elif key in sections:
            whole.add(key)
        elif not any(p[:1] == (key,) for p in skip):
            part[key] = value       # settings
    if not isinstance(doc.data, dict) or set(data) - set(SCHEMAS[kind]["properties"]):
        # a misspelt section ("recipient:") may hold the entries a letter names
        whole |= {key for key in sections if key not in data}
    return Located(doc.path, part, doc.positions), left_out, frozenset(whole)


def _csl_item(sid: str, raw: dict) -> dict:
    item = {"id": sid}
    for key, value in raw.items():
        if key in CSL_DATE_FIELDS:
            item[key] = {"date-parts": [date_parts(value)]}
        else:
            item[key] = value
    return item


def raise_first(errors: list[DataError]) -> None:
    """Raise the first error, its hint counting the others."""
    if errors:
        first = errors[0]
        if len(errors) > 1:
            first.hint = (first.hint + "; " if first.hint else "") + \
                f"{len(errors) - 1} more problem(s): run 'drafter check'"
        raise first


def build_evidence(doc: Located, invalid: Invalid = Invalid()) -> tuple[Evidence, list[DataError]]:
    """Evidence from a validated document, with the cross-reference errors found on the way
    (none for a source that exists with errors of its own: `invalid`)."""
    data = doc.data or {}
    sources = {sid: Source(sid, _csl_item(sid, raw)) for sid, raw in (data.get("sources") or {}).items()}
    snippets, errors = {}, []
    for nid, raw in (data.get("snippets") or {}).items():
        ids = tuple(raw.get("sources") or ([raw["source"]] if raw.get("source") else []))
        for i, sid in enumerate(ids):
            if sid not in sources and not invalid.has("sources", sid):
                key = ("snippets", nid, "sources", i) if raw.get("sources") else ("snippets", nid, "source")
                errors.append(doc.error(key, f"snippet {nid!r} cites unknown source {sid!r}",
                                        did_you_mean(sid, sources) or "add it under 'sources:'"))
        locator = raw.get("locator")
        snippets[nid] = Snippet(
            id=nid, text=" ".join(str(raw["text"]).split()), sources=ids,
            locator=str(locator) if locator is not None else None, label=raw.get("label", "page"),
            tags=tuple(raw.get("tags") or ()), verified=parse_date(raw.get("verified")), note=raw.get("note"))
    stale = (data.get("settings") or {}).get("stale_after_days", DEFAULT_STALE_DAYS)
    return Evidence(sources, snippets, stale), errors


def build_people(doc: Located) -> tuple[dict, dict, dict]:
    data = doc.data or {}
    recipients = {rid: from_yaml(Recipient, raw, id=rid) for rid, raw in (data.get("recipients") or {}).items()}
    signers = {sid: from_yaml(Signer, raw, id=sid) for sid, raw in (data.get("signers") or {}).items()}
    return recipients, signers, dict(data.get("groups") or {})


def build_asks(doc: Located | None, evidence: Evidence,
               invalid: Invalid = Invalid()) -> tuple[dict[str, Ask], list[DataError]]:
    """Asks from asks.yaml (optional), with errors for evidence ids that do not exist (a
    snippet with errors of its own, in `invalid`, exists)."""
    if doc is None:
        return {}, []
    asks, errors = {}, []
    for aid, raw in (doc.data or {}).get("asks", {}).items():
        applies = raw["for"] if isinstance(raw["for"], list) else [raw["for"]]
        for i, nid in enumerate(raw.get("evidence") or []):
            if nid not in evidence.snippets and not invalid.has("snippets", nid):
                errors.append(doc.error(("asks", aid, "evidence", i), f"ask {aid!r} names unknown snippet {nid!r}",
                                        did_you_mean(nid, evidence.snippets) or f"add it to {EVIDENCE_FILE}"))
        asks[aid] = Ask(aid, " ".join(str(raw["text"]).split()), tuple(dict(q) for q in applies),
                        tuple(raw.get("evidence") or ()), raw.get("authority"),
                        raw.get("confirm"), read_instrument(raw["instrument"]) if raw.get("instrument") else None)
    return asks, errors


def load_evidence(root: str | Path = ".") -> Evidence:
    """evidence.yaml alone, validated: enough to browse or cite it without the other files."""
    doc = load_yaml(Path(root) / EVIDENCE_FILE, inside=root, strict=False)
    raise_first(validate(doc, "evidence"))
    evidence, errors = build_evidence(doc)
    raise_first(errors)
    return evidence


def read_campaign(root: str | Path) -> tuple[dict[str, Located], list[DataError]]:
    """Parse and schema-check evidence.yaml, recipients.yaml and (if present) asks.yaml."""
    root = Path(root)
    docs, errors = {}, []
    for name, kind in ((EVIDENCE_FILE, "evidence"), (RECIPIENTS_FILE, "recipients"), (ASKS_FILE, "asks")):
        path = root / name
        if kind == "asks" and not os.path.lexists(path):
            continue
        if not os.path.lexists(path):
            errors.append(DataError(f"no {name} in the campaign folder", file=str(path),
                                    hint="run 'drafter init DIR' for a working example, or pass -C DIR"))
            continue
        try:
            docs[kind] = load_yaml(path, inside=root, strict=False)
        except DataError as exc:
            errors.append(exc)
            continue
        errors.extend(validate(docs[kind], kind))
    return docs, errors


def collect_campaign(root: str | Path = ".") -> tuple[Campaign, list[DataError]]:
    """The campaign built from whatever is valid, and every error found on the way: `drafter
    check` reports them all, `load_campaign` raises the first. An entry with errors (a snippet,
    a profile, an ask) is left out and listed in `Campaign.invalid`; the rest is built."""
    root = Path(root)
    docs, errors = read_campaign(root)
    bad_files = {e.file for e in errors}
    broken = {kind for kind, doc in docs.items() if str(doc.path) in bad_files} | ({"evidence", "recipients"} - set(docs))
    if os.path.lexists(root / ASKS_FILE) and "asks" not in docs:
        broken.add("asks")
    parts, left_out, whole = {}, {}, set()
    for kind in SECTIONS:
        if kind in docs:
            parts[kind], ids, unread = valid_part(docs[kind], kind)
            left_out.update(ids)
            whole |= unread
        elif kind in broken:          # not parsed, or missing: any id may be meant
            whole |= set(SECTIONS[kind])
    invalid = Invalid({k: v for k, v in left_out.items() if v}, frozenset(whole))
    evidence = Evidence({}, {})
    if "evidence" in parts:
        evidence, ref_errors = build_evidence(parts["evidence"], invalid)
        errors += ref_errors
    recipients, signers, groups = build_people(parts["recipients"]) if "recipients" in parts else ({}, {}, {})
    asks = {}
    if "asks" in parts:
        asks, ask_errors = build_asks(parts["asks"], evidence, invalid)
        errors += ask_errors
    return Campaign(root, evidence, recipients, signers, groups, docs, asks, frozenset(broken), invalid), errors


def load_campaign(root: str | Path = ".") -> Campaign:
    """Load and validate a campaign folder; raise the first DataError found."""
    campaign, errors = collect_campaign(root)
    raise_first(errors)
    return campaign


def is_under(path: Path, root: Path) -> bool:
    """Whether `path`, as written, names a file in the campaign folder (which then must not link
    out of it); a spec named by a path elsewhere is the user's own choice, read from there."""
    top = os.path.abspath(root)
    return os.path.abspath(path).startswith(top.rstrip(os.sep) + os.sep)


def confined_to(spec_path: Path, campaign: "Campaign") -> Path | None:
    """The folder a spec and the files it names must stay in: the campaign folder for a spec in
    it; none for a spec the user named by a path outside it."""
    return campaign.root if is_under(spec_path, campaign.root) else None


def resolve_letter_path(campaign_root: Path, letter: str) -> Path:
    """LETTER is a path to a spec, or the name of one in letters/."""
    path = Path(letter)
    candidates = [path, campaign_root / path, campaign_root / LETTERS_DIR / f"{letter}.yaml"]
    for candidate in candidates:
        if os.path.lexists(candidate) and not candidate.is_dir():   # a FIFO or link is refused when read
            return candidate
    names = sorted(p.stem for p in (campaign_root / LETTERS_DIR).glob("*.yaml"))
    raise DataError(f"no letter spec {letter!r}", file=str(path),
                    hint=did_you_mean(path.stem, names) or
                    (f"letters here: {', '.join(names)}" if names else "create letters/NAME.yaml"))


def check_letter_doc(doc: Located, campaign: Campaign, checks: Sequence[SpecCheck] = ()) -> list[DataError]:
    """Schema and cross-reference errors of a letter spec: whatever `drafter draft` would refuse
    in the spec itself (with `checks`, drafter.commands.SPEC_CHECKS) is reported here, at its line.
    A field with a schema error is not checked further; the others are."""
    errors = validate(doc, "letter")
    if not isinstance(doc.data, dict):
        return errors
    bad = invalid_fields(doc, "letter", ()) if errors else set()
    data = {k: v for k, v in doc.data.items() if k not in bad}
    template = data.get("template")
    refused = template is not None and refusal(campaign.template_path(template), campaign.root)
    if refused:
        errors.append(doc.error(("template",), f"template refused: {refused}",
                                "keep templates as plain files inside the campaign folder"))
    elif template is not None and not campaign.template_path(template).is_file():
        errors.append(doc.error(("template",), f"no template {template!r} in {TEMPLATES_DIR}/",
                                did_you_mean(template, campaign.template_names())
                                or f"create {TEMPLATES_DIR}/{template}{TEMPLATE_SUFFIX}"))
    errors += _check_settings(doc, campaign, checks, data)
    for pid, raw in (data.get("points") or {}).items():
        for i, nid in enumerate(raw.get("snippets") or ()):
            if nid not in campaign.evidence.snippets and not campaign.invalid.has("snippets", nid):
                errors.append(doc.error(("points", pid, "snippets", i), f"talking point {pid!r} names unknown snippet {nid!r}",
                                        did_you_mean(nid, campaign.evidence.snippets) or f"add it to {EVIDENCE_FILE}"))
    if data.get("to") == CONSTITUENTS:
        if "from" in data:
            errors.append(doc.error(("from",), "a constituent letter is signed by each constituent",
                                    "remove 'from' (or name recipients in 'to' for 'drafter draft')"))
        return sorted(errors, key=_by_line)
    if "to" in data:
        errors += _check_to(doc, campaign)
    signers = data.get("from", [])
    for i, sid in enumerate(signers if isinstance(signers, list) else [signers]):
        key = ("from", i) if isinstance(signers, list) else ("from",)
        if sid not in campaign.signers and not campaign.invalid.has("signers", sid):
            errors.append(doc.error(key, f"unknown signer {sid!r}",
                                    did_you_mean(sid, campaign.signers) or f"add it under 'signers:' in {RECIPIENTS_FILE}"))
    for i, cc in enumerate(data.get("cc") or []):
        if not str(cc).strip():
            errors.append(doc.error(("cc", i), "empty cc line"))
    return sorted(errors, key=_by_line)


def _by_line(error: DataError) -> tuple[int, int]:
    return error.line or 0, error.column or 0


# The profile fields each query key reads (query.matches).
_QUERY_FIELDS = {"role": ("role",), "state": ("state",), "district": ("district",),
                 "membership": ("memberships", "committees")}


def might_match(campaign: Campaign, query: dict) -> bool:
    """Whether a profile left out for its errors might be one `query` is meant to match: a
    field with an error could hold anything, and so could a missing one when the profile has a
    misspelt field. Then "no recipient matches" would be an error caused by that one."""
    if "recipients" in campaign.invalid.whole:
        return True
    doc = campaign.docs.get("recipients")
    for rid in campaign.invalid.ids.get("recipients", ()):
        raw = doc.data["recipients"][rid]
        if not isinstance(raw, dict):
            return True
        bad = invalid_fields(doc, "recipients", ("recipients", rid))
        good = {k: v for k, v in raw.items() if k not in bad and k in RECIPIENT_KEYS}
        unknown = {key for key, names in _QUERY_FIELDS.items()
                   if any(n in bad for n in names) or (None in bad and not any(n in raw for n in names))}
        profile = from_yaml(Recipient, good, id=rid, name="", role="other")
        if matches(profile, {k: v for k, v in query.items() if k not in unknown}):
            return True
    return False


def _check_to(doc: Located, campaign: Campaign) -> list[DataError]:
    """Each `to` entry names a recipient or group, or is a query that someone matches."""
    to = doc.data["to"]
    errors = []
    for i, entry in enumerate(to if isinstance(to, list) else [to]):
        key = ("to", i) if isinstance(to, list) else ("to",)
        if isinstance(entry, dict):
            if not any(matches(r, entry) for r in campaign.recipients.values()) and not might_match(campaign, entry):
                errors.append(doc.error(key, "no recipient matches this query",
                                        f"check it against {RECIPIENTS_FILE}; former officials match only by id"))
        elif entry not in campaign.recipients and entry not in campaign.groups and \
                not campaign.invalid.has("recipients", entry) and not campaign.invalid.has("groups", entry):
            errors.append(doc.error(key, f"unknown recipient {entry!r}",
                                    did_you_mean(entry, list(campaign.recipients) + list(campaign.groups))
                                    or f"add it to {RECIPIENTS_FILE}"))
    return errors


# A setting of a letter spec that a later stage reads (citation style, letterhead, output name):
# (key, check(value, campaign root)), raising DrafterError. The commands pass the checks of the
# stages they run (drafter.commands.SPEC_CHECKS), so the loader needs none of those stages.
SpecCheck = tuple[str, Callable[[Any, Path, "Path | None"], None]]   # (value, campaign root, confined to)


def _at(doc: Located, key: str, exc: DrafterError) -> DataError:
    """An error in the file a spec setting names, reported at the setting, naming that file."""
    return doc.error((key,), f"{exc.message} (in {exc.file})" if exc.file else exc.message, exc.hint)


def _check_settings(doc: Located, campaign: Campaign, checks: Sequence[SpecCheck], data: dict) -> list[DataError]:
    """Each setting (of `data`, the spec's valid fields) checked as the stage that uses it will
    read it, reported at its line; files it names must stay where the spec must (`confined_to`)."""
    errors = []
    inside = confined_to(doc.path, campaign)
    for key, check in checks:
        if key in data:
            try:
                check(data[key], campaign.root, inside)
            except DrafterError as exc:
                errors.append(_at(doc, key, exc))
    return errors


def load_letter(campaign: Campaign, letter: str | Path, checks: Sequence[SpecCheck] = ()) -> LetterSpec:
    """Read, validate and resolve a letter spec against the campaign; `checks` are the later
    stages' checks of its settings."""
    path = resolve_letter_path(campaign.root, str(letter))
    doc = load_yaml(path, inside=confined_to(path, campaign), strict=False)
    raise_first(check_letter_doc(doc, campaign, checks))
    return from_yaml(LetterSpec, doc.data, path=path, name=path.stem, date_today=doc.data["date"] == "today")
