"""`drafter check`: every problem in a campaign folder, each with file, line and a suggestion.

Errors: files that do not parse (duplicate keys included), schema violations, snippets citing
unknown sources, letter specs naming unknown recipients, signers or templates, and template calls
(`snippet("id")`, `cite("id")`, `snippets(tag=...)`) naming evidence that does not exist, found in
the templates' syntax trees. Warnings: evidence nobody uses, and evidence due for re-checking.
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from drafter.campaign.load import (EVIDENCE_FILE, LETTERS_DIR, Campaign, build_asks, build_evidence, build_people,
                       check_letter_doc, read_campaign)
from drafter.commands import SPEC_CHECKS
from drafter.errors import DataError, DrafterError, did_you_mean
from drafter.campaign.models import Evidence
from drafter.compose.render import Helpers, make_environment
from drafter.campaign.staleness import stale_snippets, stale_sources
from drafter.campaign.validate import invalid_items, validate
from drafter.campaign.yamlsrc import Located, load_yaml

EVIDENCE_FUNCTIONS = ("snippet", "cite", "snippets")


@dataclass(frozen=True)
class Finding:
    severity: str          # "error" | "warning"
    file: str | None
    line: int | None
    column: int | None
    message: str
    hint: str | None = None

    @classmethod
    def of(cls, exc: DrafterError, severity: str = "error") -> "Finding":
        return cls(severity, exc.file, exc.line, exc.column, exc.message, exc.hint)

    def __str__(self) -> str:
        loc = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = f"{loc}: {self.severity}: {self.message}" if loc else f"{self.severity}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("severity", "file", "line", "column", "message", "hint")}


# --- templates -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceCall:
    """A call of snippet(), cite() or snippets() in a template, with its constant arguments."""
    file: Path
    line: int
    column: int | None
    function: str
    ids: tuple[str, ...]          # the evidence ids it names: snippet(nid) or cite(*source_ids)
    options: dict                 # its other constant arguments (tag=, source=, locator=, ...)
    dynamic: bool                 # some argument is computed, so it cannot be checked here
    problem: str | None = None    # why the call fails whatever the evidence (a missing argument, ...)


# How each function is called, for the hint when a call does not fit.
USAGE = {"snippet": 'snippet("ID")', "cite": 'cite("ID", ..., locator="12", label="page")',
         "snippets": 'snippets(tag="TAG") or snippets(source="ID")'}
_DYNAMIC = object()   # an argument computed when the letter is drafted


def _value(node):
    return node.value if isinstance(node, nodes.Const) else _DYNAMIC


def _bind(call: nodes.Call) -> tuple[dict, str | None]:
    """The call's arguments by parameter name, as render.Helpers takes them (constants, or
    _DYNAMIC), or why Python would refuse the call."""
    name = call.node.name
    if call.dyn_args is not None or call.dyn_kwargs is not None:
        return {"*": _DYNAMIC}, None
    signature = inspect.signature(getattr(Helpers, name))
    try:
        bound = signature.bind(None, *map(_value, call.args), **{kw.key: _value(kw.value) for kw in call.kwargs})
    except TypeError as exc:
        for kw in call.kwargs:     # a misnamed argument first: it explains a missing one
            try:
                signature.bind_partial(None, **{kw.key: None})
            except TypeError:
                return {}, f"{name}() has no argument {kw.key!r}"
        if "missing" in str(exc):
            return {}, f"{name}() needs a {'snippet' if name == 'snippet' else 'source'} id"
        if "too many positional" in str(exc):
            return {}, f"{name}() has too many arguments"
        return {}, f"{name}(): {exc}"
    return dict(list(bound.arguments.items())[1:]), None


def _column(lines: list[str], line: int, text: str | None) -> int | None:
    """The column where `text` (an id in quotes) stands on the call's line or just after it."""
    if not text:
        return None
    for i in range(line - 1, min(line + 4, len(lines))):
        m = re.search(r"""(["'])%s\1""" % re.escape(text), lines[i])
        if m:
            return m.start() + 1 if i == line - 1 else None
    return None


def template_calls(path: Path, source: str, env: jinja2.Environment) -> tuple[list[EvidenceCall], set[str]]:
    """The evidence calls in a template, and every string constant in it (ids can be built into
    lists or variables first, so a constant that equals an id counts as a use)."""
    tree = env.parse(source, filename=str(path))
    lines = source.splitlines()
    calls = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in EVIDENCE_FUNCTIONS):
            continue
        arguments, problem = _bind(call)
        named = (arguments.pop("nid"),) if "nid" in arguments else arguments.pop("source_ids", ())
        ids = tuple(v for v in named if isinstance(v, str))
        options = {k: v for k, v in arguments.items() if v is not _DYNAMIC}
        dynamic = len(ids) < len(named) or len(options) < len(arguments)
        texts = [v for v in (*ids, *options.values()) if isinstance(v, str)]
        calls.append(EvidenceCall(path, call.lineno, _column(lines, call.lineno, texts[0] if texts else None),
                                  call.node.name, ids, options, dynamic, problem))
    constants = {c.value for c in tree.find_all(nodes.Const) if isinstance(c.value, str)}
    return calls, constants


def _call_findings(call: EvidenceCall, evidence: Evidence, tags: set[str]) -> list[Finding]:
    def error(message, hint=None):
        return Finding("error", str(call.file), call.line, call.column, message, hint)

    if call.problem:
        return [error(call.problem, f"write {USAGE[call.function]}")]
    out = []
    if call.function == "snippet":
        out += [error(f"unknown snippet {nid!r}", did_you_mean(nid, evidence.snippets) or f"add it to {EVIDENCE_FILE}")
                for nid in call.ids if nid not in evidence.snippets]
    elif call.function == "cite":
        if not call.ids and not call.dynamic:
            out.append(error("cite() needs at least one source id"))
        out += [error(f"unknown source {sid!r}", did_you_mean(sid, evidence.sources) or f"add it to {EVIDENCE_FILE}")
                for sid in call.ids if sid not in evidence.sources]
    elif not call.dynamic:  # snippets(tag=..., source=...)
        tag, source = call.options.get("tag"), call.options.get("source")
        if tag is not None and tag not in tags:
            out.append(error(f"no snippet has tag {tag!r}", did_you_mean(tag, tags) or "check the tags in evidence.yaml"))
        elif source is not None and source not in evidence.sources:
            out.append(error(f"unknown source {source!r}", did_you_mean(source, evidence.sources)))
        elif source is not None and not evidence.select(tag, source):
            out.append(error(f"no snippet cites {source!r}" + (f" with tag {tag!r}" if tag else "")))
    return out


def template_files(campaign: Campaign) -> list[Path]:
    """Every Jinja2 template under letters/templates (letters and anything they include)."""
    if not campaign.templates_dir.is_dir():
        return []
    return sorted(campaign.templates_dir.rglob("*.j2"))


def _templates(campaign: Campaign) -> tuple[list[Finding], list[EvidenceCall], set[str]]:
    findings, calls, constants = [], [], set()
    env = make_environment(campaign.templates_dir)
    for path in template_files(campaign):
        try:
            source = path.read_text(encoding="utf-8")
            found, consts = template_calls(path, source, env)
        except jinja2.TemplateSyntaxError as exc:
            findings.append(Finding("error", str(path), exc.lineno, None, f"template syntax error: {exc.message}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(Finding("error", str(path), None, None, f"cannot read template: {exc}"))
            continue
        calls += found
        constants |= consts
    tags = {t for s in campaign.evidence.snippets.values() for t in s.tags}
    for call in calls:
        findings += _call_findings(call, campaign.evidence, tags)
    return findings, calls, constants


# --- evidence use and staleness ----------------------------------------------------------------

def used_evidence(evidence: Evidence, calls: list[EvidenceCall], constants: set[str],
                  extra_snippets: set[str] = frozenset()) -> tuple[set[str], set[str]]:
    """(snippet ids, source ids) that some template or ask uses.

    A snippet is used when a template names it or a snippets(...) call selects it; a source when a
    used snippet or a cite() names it. A snippets() call with computed arguments may select any.
    """
    snippets = (set(evidence.snippets) & constants) | (set(extra_snippets) & set(evidence.snippets))
    sources = set(evidence.sources) & constants
    for call in calls:
        if call.function == "snippets":
            if call.dynamic:
                snippets |= set(evidence.snippets)
            else:
                snippets |= {s.id for s in evidence.select(call.options.get("tag"), call.options.get("source"))}
        elif call.function == "cite":
            sources |= set(call.ids)
    for nid in snippets:
        sources |= set(evidence.snippets[nid].sources)
    return snippets, sources


def _unused(doc: Located, evidence: Evidence, used: tuple[set[str], set[str]]) -> list[Finding]:
    snippets, sources = used
    out = []
    for nid in evidence.snippets:
        if nid not in snippets:
            line, col = doc.where(("snippets", nid))
            out.append(Finding("warning", str(doc.path), line, col, f"snippet {nid!r} is not used by any template",
                               f'insert it with snippet("{nid}") or a snippets(tag=...) call, or remove it'))
    for sid in evidence.sources:
        if sid not in sources:
            line, col = doc.where(("sources", sid))
            out.append(Finding("warning", str(doc.path), line, col, f"source {sid!r} is not cited anywhere",
                               f'cite it from a snippet or with cite("{sid}"), or remove it'))
    return out


def _stale(doc: Located, evidence: Evidence, today: dt.date | None) -> list[Finding]:
    out = []
    for source, reason in stale_sources(evidence, today):
        line, col = doc.where(("sources", source.id, "accessed"))
        out.append(Finding("warning", str(doc.path), line, col, f"source {source.id!r} is due for re-checking: {reason}",
                           "check that it still says the same, then update 'accessed'"))
    for snippet, reason in stale_snippets(evidence, today):
        line, col = doc.where(("snippets", snippet.id, "verified"))
        out.append(Finding("warning", str(doc.path), line, col, f"snippet {snippet.id!r} is due for re-checking: {reason}",
                           "compare it with its source, then set 'verified' to that day"))
    return out


# --- the whole campaign ------------------------------------------------------------------------

def _valid_part(doc: Located, skip: set[tuple]) -> Located:
    """The document without the sources and snippets that failed the schema, so that the checks
    after it still run on everything else."""
    data = doc.data if isinstance(doc.data, dict) else {}
    part = {}
    for key in ("sources", "snippets"):
        items = data.get(key) if isinstance(data.get(key), dict) else {}
        part[key] = {k: v for k, v in items.items() if (key, k) not in skip}
    # A source with a schema error still exists: snippets citing it are not "unknown source".
    part["sources"].update({k: {} for k in (data.get("sources") or {}) if ("sources", k) in skip})
    settings = data.get("settings")
    if isinstance(settings, dict) and ("settings",) not in skip:
        part["settings"] = settings
    return Located(doc.path, part, doc.positions)


def _sorted(findings: list[Finding]) -> list[Finding]:
    """Files in the order they were checked; inside a file, by line and column."""
    order: dict[str | None, int] = {}
    for f in findings:
        order.setdefault(f.file, len(order))
    return sorted(findings, key=lambda f: (order[f.file], f.line or 0, f.column or 0))


def check_campaign(root: str | Path = ".", today: dt.date | None = None) -> list[Finding]:
    """All findings for the campaign at `root`, errors and warnings, in file order.

    `today` is the day staleness is measured against (default: the real today).
    """
    root = Path(root)
    docs, errors = read_campaign(root)
    findings = [Finding.of(e) for e in errors]
    ev_doc = docs.get("evidence")
    evidence = Evidence({}, {})
    if ev_doc is not None and isinstance(ev_doc.data, dict):
        ev_doc = _valid_part(ev_doc, invalid_items(ev_doc, "evidence"))
        evidence, ref_errors = build_evidence(ev_doc)
        findings += [Finding.of(e) for e in ref_errors]
    people_ok = "recipients" in docs and not any(e.file == str(docs["recipients"].path) for e in errors)
    recipients, signers, groups = build_people(docs["recipients"]) if people_ok else ({}, {}, {})
    asks_doc = docs.get("asks")
    asks_ok = asks_doc is not None and not any(e.file == str(asks_doc.path) for e in errors)
    asks, ask_errors = build_asks(asks_doc, evidence) if asks_ok and ev_doc is not None else ({}, [])
    findings += [Finding.of(e) for e in ask_errors]
    campaign = Campaign(root, evidence, recipients, signers, groups, asks=asks)

    template_findings, calls, constants = _templates(campaign)
    if ev_doc is not None:
        findings += template_findings
        ask_snippets = {nid for a in asks.values() for nid in a.evidence}
        findings += _unused(ev_doc, evidence, used_evidence(evidence, calls, constants, ask_snippets))
        findings += _stale(ev_doc, evidence, today)
    else:
        findings += [f for f in template_findings if f.message.startswith("template syntax")]

    for path in sorted((root / LETTERS_DIR).glob("*.yaml")):
        try:
            doc = load_yaml(path)
        except DataError as exc:
            findings.append(Finding.of(exc))
            continue
        findings += [Finding.of(e) for e in check_letter_doc(doc, campaign, SPEC_CHECKS)] if people_ok else \
            [Finding.of(e) for e in validate(doc, "letter")]
    return _sorted(findings)
