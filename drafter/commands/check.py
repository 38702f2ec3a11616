"""`drafter check`: every problem in a campaign folder, each with file, line and a suggestion.

Errors: files that do not parse (duplicate keys included), schema violations, snippets citing
unknown sources, letter specs naming unknown recipients, signers or templates, and template calls
(`snippet("id")`, `cite("id")`, `snippets(tag=...)`) naming evidence that does not exist, found in
the templates' syntax trees, and profiles a letter could not address (one that would be greeted
by the full name, or has no address). Warnings: evidence nobody uses, and evidence due for
re-checking.
"""
from __future__ import annotations

import datetime as dt
import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from drafter.campaign.load import (CONSTITUENTS, EVIDENCE_FILE, LETTERS_DIR, RECIPIENTS_FILE, Campaign, Invalid,
                                   check_letter_doc, collect_campaign, load_letter, might_match)
from drafter.compose import chicago
from drafter.compose.composer import asks_for, letter_locale
from drafter.compose.kit import FACTSHEET_PAGES, UNLINKED_HINT, fact_sheet, member_name, unlinked_source_message
from drafter.compose.trial import trial_letters
from drafter.formats.kittext import overshoots
from drafter.output.names import kit_file_name, output_name, recipient_label, refuse_clash
from drafter.people.select import group_letters, select_recipients
from drafter.people.samples import CONGRESS_ROLES
from drafter.campaign.query import matches
from drafter.commands import SPEC_CHECKS
from drafter.errors import DataError, DrafterError, did_you_mean
from drafter.campaign.models import Evidence
from drafter.people import address, forms
from drafter.locale import get as get_locale
from drafter.formats.docx.letterhead import LETTERHEAD_ADDRESS_NAME, load_spec_letterhead
from drafter.campaign.reading import outside
from drafter.compose.render import Helpers, make_environment, read_template
from drafter.campaign.staleness import stale_snippets, stale_sources
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


def _call_findings(call: EvidenceCall, evidence: Evidence, tags: set[str], invalid: Invalid = Invalid()) -> list[Finding]:
    """What is wrong with one call; evidence that exists with errors of its own (`invalid`) is
    reported at its line in evidence.yaml, not again here as unknown."""
    def error(message, hint=None):
        return Finding("error", str(call.file), call.line, call.column, message, hint)

    if call.problem:
        return [error(call.problem, f"write {USAGE[call.function]}")]
    out = []
    if call.function == "snippet":
        out += [error(f"unknown snippet {nid!r}", did_you_mean(nid, evidence.snippets) or f"add it to {EVIDENCE_FILE}")
                for nid in call.ids if nid not in evidence.snippets and not invalid.has("snippets", nid)]
    elif call.function == "cite":
        if not call.ids and not call.dynamic:
            out.append(error("cite() needs at least one source id"))
        out += [error(f"unknown source {sid!r}", did_you_mean(sid, evidence.sources) or f"add it to {EVIDENCE_FILE}")
                for sid in call.ids if sid not in evidence.sources and not invalid.has("sources", sid)]
    elif not call.dynamic and not invalid.any("snippets"):  # snippets(tag=..., source=...)
        tag, source = call.options.get("tag"), call.options.get("source")
        if tag is not None and tag not in tags:
            out.append(error(f"no snippet has tag {tag!r}", did_you_mean(tag, tags) or "check the tags in evidence.yaml"))
        elif source is not None and source not in evidence.sources and not invalid.has("sources", source):
            out.append(error(f"unknown source {source!r}", did_you_mean(source, evidence.sources)))
        elif source is not None and source in evidence.sources and not evidence.select(tag, source):
            out.append(error(f"no snippet cites {source!r}" + (f" with tag {tag!r}" if tag else "")))
    return out


def template_files(campaign: Campaign) -> list[Path]:
    """Every Jinja2 template under letters/templates (letters and anything they include)."""
    if not campaign.templates_dir.is_dir():
        return []
    return sorted(campaign.templates_dir.rglob("*.j2"))


def linked_folders(top: Path) -> list[Path]:
    """Links to folders under `top` (not followed)."""
    return sorted(Path(d) / name for d, dirs, _ in os.walk(top) for name in dirs if os.path.islink(Path(d) / name))


def _templates(campaign: Campaign) -> tuple[list[Finding], list[EvidenceCall], set[str]]:
    findings, calls, constants = [], [], set()
    env = make_environment(campaign.templates_dir)
    for folder in linked_folders(campaign.templates_dir):       # rglob does not enter them
        real = outside(folder, campaign.root)
        if real:
            findings.append(Finding("error", str(folder), None, None,
                                    f"resolves to {real}, outside the campaign folder; templates in it are not read"))
    for path in template_files(campaign):
        try:
            source = read_template(path, campaign.root)
            found, consts = template_calls(path, source, env)
        except jinja2.TemplateSyntaxError as exc:
            findings.append(Finding("error", str(path), exc.lineno, None, f"template syntax error: {exc.message}"))
            continue
        except DrafterError as exc:           # a link out of the campaign, a FIFO, not UTF-8
            findings.append(Finding("error", str(path), exc.line, None, exc.message))
            continue
        calls += found
        constants |= consts
    tags = {t for s in campaign.evidence.snippets.values() for t in s.tags}
    for call in calls:
        findings += _call_findings(call, campaign.evidence, tags, campaign.invalid)
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


def _cited_by_invalid(campaign: Campaign) -> set[str]:
    """Source ids named by snippets left out for their errors: used, once those are fixed."""
    doc = campaign.docs["evidence"]
    raw = doc.data.get("snippets") if isinstance(doc.data, dict) else None
    out = set()
    for nid in campaign.invalid.ids.get("snippets", ()):
        entry = raw[nid] if isinstance(raw[nid], dict) else {}
        for value in (entry.get("source"), *(entry.get("sources") or [] if isinstance(entry.get("sources"), list) else [])):
            if isinstance(value, str):
                out.add(value)
    return out


def _unused(doc: Located, evidence: Evidence, used: tuple[set[str], set[str]], cited: set[str] = frozenset()) -> list[Finding]:
    """Warnings for evidence nothing uses; `cited`: sources also named by snippets with errors."""
    snippets, sources = used
    sources = sources | set(cited)
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


# --- forms of address ------------------------------------------------------------------------

def address_findings(doc: Located, recipients: dict, greeting: str = "formal") -> list[Finding]:
    """Profiles a letter could not address as they stand, at the profile's line, with the field
    that fixes it: above all one that would be greeted by the bare full name ("Dear Dana K.
    Whitfield:"), but also a missing address or a former member still at a Senate office.
    Drafting refuses the same profiles. Abroad, a form that needs a gender the profile lacks
    is named too, unless the campaign's letters greet by the full name (`greeting: neutral`) and
    the country's practice allows it."""
    out = []
    for rid, r in recipients.items():
        problem = address.profile_problem(r, greeting=greeting)
        if problem:
            line, col = doc.where(("recipients", rid))
            # A former official is written to only when a letter names them (an import keeps
            # members who left office), and a member abroad whose data lacks a gender may be
            # one no letter greets: a warning, and drafting a letter to them is refused.
            lacks = isinstance(problem, forms.MissingField) and problem.field == "gender"
            out.append(Finding("warning" if r.former or lacks else "error", str(doc.path), line, col,
                               problem.message, problem.hint))
        elif r.former and r.title and not r.inside_address and address.office_title(r):
            line, col = doc.where(("recipients", rid, "title"))
            out.append(Finding("warning", str(doc.path), line, col,
                               f"recipient {rid!r} is a former official, and `title: {r.title}` would read as the "
                               "sitting one: it is left out of the inside address",
                               f"remove `title:` from {rid}, or give their present title"))
    return out


def return_address(doc: Located, spec, campaign: Campaign) -> list[Finding]:
    """A letter that does not say where to reply: no address under the letterhead's name (its
    `address:`, or a Word letterhead's Letterhead Address lines) and none for its signers."""
    # a signer left out for its own errors is reported already: no second finding for it
    if spec.to == (CONSTITUENTS,) or any(s not in campaign.signers or campaign.signers[s].address for s in spec.signers):
        return []
    if isinstance(spec.letterhead, dict) and spec.letterhead.get("address"):
        return []
    if isinstance(spec.letterhead, str):
        try:
            if load_spec_letterhead(campaign, spec).header_address:
                return []
        except DrafterError:
            return []      # reported at the letterhead's line already
    key = ("letterhead",) if spec.letterhead is not None else ("from",)
    line, col = doc.where(key)
    signer = spec.signers[0] if spec.signers else "the signer"
    hint = (f"put the address under the name in {spec.letterhead}, in the Word style '{LETTERHEAD_ADDRESS_NAME}'"
            if isinstance(spec.letterhead, str) else "give the letterhead an address: "
                                                     "`letterhead: {name: ..., address: [street, city]}`")
    return [Finding("warning", str(doc.path), line, col,
                    "the letter has no return address: its letterhead gives none, nor do its signers",
                    f"{hint}; or add `address:` to signer {signer!r} in {RECIPIENTS_FILE}")]



def pdf_letterhead(doc: Located, spec, campaign: Campaign) -> list[Finding]:
    """A Word letterhead the Typst engine cannot draw (a text box, a shape, a field): the
    letter's Typst PDFs (draft and batch --format pdf, serve) would be refused. The Word and
    text files are not, so a warning; none where the spec already chooses LibreOffice."""
    if not isinstance(spec.letterhead, str) or spec.pdf_engine == "libreoffice":
        return []
    from drafter.formats.typst.letterhead import typst_letterhead
    try:
        letterhead = load_spec_letterhead(campaign, spec)
    except DrafterError:
        return []      # reported at the letterhead's line already
    try:
        typst_letterhead(letterhead)
    except DrafterError as exc:
        line, col = doc.where(("letterhead",))
        return [Finding("warning", str(doc.path), line, col, f"its PDFs by Typst would be refused: {exc.message}",
                        "set `pdf_engine: libreoffice` in this spec (or use --pdf-engine libreoffice), "
                        "or take that element out of the letterhead")]
    return []


def serve_refusals(doc: Located, spec, campaign: Campaign) -> list[Finding]:
    """What `drafter serve` would refuse at start for a constituent letter (drafter/web/app.py):
    a campaign abroad without members for the letter's country (or an en-US letter whose
    recipients are all abroad), or a GDPR page that names nobody responsible. Batch takes the letter,
    so a warning."""
    if spec.to != (CONSTITUENTS,):
        return []
    from drafter.compose.serving import data_controller, served_abroad
    try:
        letterhead = load_spec_letterhead(campaign, spec)
    except DrafterError:
        return []      # reported at the letterhead's line already
    try:
        served_abroad(campaign, spec)
        data_controller(spec, letterhead, get_locale(spec.locale))
    except DrafterError as exc:
        line, col = doc.where(("locale",) if "locale" in doc.data else ("to",))
        return [Finding("warning", str(doc.path), line, col, f"drafter serve would refuse it: {exc.message}", exc.hint)]
    return []


# --- the whole campaign ------------------------------------------------------------------------

def _sorted(findings: list[Finding]) -> list[Finding]:
    """Files in the order they were checked; inside a file, by line and column."""
    findings = list(dict.fromkeys(findings))     # letters rendered for several recipients fail alike
    order: dict[str | None, int] = {}
    for f in findings:
        order.setdefault(f.file, len(order))
    return sorted(findings, key=lambda f: (order[f.file], f.line or 0, f.column or 0))


def check_campaign(root: str | Path = ".", today: dt.date | None = None) -> list[Finding]:
    """All findings for the campaign at `root`, errors and warnings, in file order.

    `today` is the day staleness is measured against (default: the real today).
    """
    root = Path(root)
    campaign, errors = collect_campaign(root)
    findings = [Finding.of(e) for e in errors]
    ev_doc = campaign.docs.get("evidence")
    rdoc = campaign.docs.get("recipients")
    template_findings, calls, constants = _templates(campaign)
    findings += template_findings
    if ev_doc is not None:
        findings += _stale(ev_doc, campaign.evidence, today)
    findings += _notes(campaign)
    findings += _repeated_snippets(calls)
    if ev_doc is not None:
        findings += source_links(campaign, ev_doc, calls, constants)
    specs, batch = [], False
    for path in sorted((root / LETTERS_DIR).glob("*.yaml")):
        try:
            doc = load_yaml(path, inside=root, strict=False)
        except DataError as exc:
            findings.append(Finding.of(exc))
            continue
        batch = batch or (isinstance(doc.data, dict) and doc.data.get("to") == CONSTITUENTS)
        spec_errors = check_letter_doc(doc, campaign, SPEC_CHECKS)
        findings += [Finding.of(e) for e in spec_errors]
        if not spec_errors:
            specs.append((doc, load_letter(campaign, path)))
    if rdoc is not None:
        neutral = any(spec.greeting == "neutral" for _, spec in specs)
        findings += address_findings(rdoc, campaign.recipients, "neutral" if neutral else "formal")
    findings += _asks_for_nobody(campaign, batch)
    findings += _instruments(campaign, batch)
    if ev_doc is not None:
        # a talking point's snippets are used: a volunteer may pick it
        stated = {nid for a in campaign.asks.values() for nid in a.evidence} | {
            nid for _, spec in specs for p in spec.points.values() for nid in p.snippets}
        findings += _unused(ev_doc, campaign.evidence, used_evidence(campaign.evidence, calls, constants, stated),
                            _cited_by_invalid(campaign))
    findings += [f for doc, spec in specs for f in return_address(doc, spec, campaign)]
    findings += [f for doc, spec in specs for f in pdf_letterhead(doc, spec, campaign)]
    findings += [f for doc, spec in specs for f in serve_refusals(doc, spec, campaign)]
    # Rendering needs whole evidence, asks and templates: with errors there, every letter would
    # fail for the reason already reported. A letter waits, too, for the profiles it names.
    failed = {e.file for e in errors}
    if not {str(d.path) for k, d in campaign.docs.items() if k != "recipients"} & failed \
            and not {"evidence", "asks"} & campaign.broken and not any(f.severity == "error" for f in template_findings):
        citers: dict = {}
        for doc, spec in specs:
            if not _waits_for_profiles(spec, campaign):
                findings += _rendered(doc, spec, campaign, citers)
                findings += _file_clashes(doc, spec, campaign)
    return _sorted(_placed_once(findings))


def _waits_for_profiles(spec, campaign: Campaign) -> bool:
    """Whether the spec names a profile or signer left out for its errors (or might: a query
    such a profile could match), so that rendering it now would report that error again."""
    invalid = campaign.invalid
    if "recipients" in invalid.whole or any(invalid.has("signers", s) for s in spec.signers):
        return True
    if spec.to == (CONSTITUENTS,):
        return invalid.any("recipients")       # its sample members come from the profiles
    return any(might_match(campaign, e) if isinstance(e, dict)
               else invalid.has("recipients", e) or invalid.has("groups", e) for e in spec.to)


# --- rendering every letter, batch letter and kit template ------------------------------------

def _rendered(doc: Located, spec, campaign: Campaign, citers: dict) -> list[Finding]:
    """What draft, batch or kit would refuse for this spec, found by rendering it in memory. An
    error without a place of its own (a letter asking nothing) is put at the spec's `to:`."""
    out = []
    line, col = doc.where(("to",))
    kit_items: list = []
    for exc in trial_letters(campaign, spec, citers, kit_items):
        if exc.file is None or (exc.file == str(doc.path) and exc.line is None):
            exc.file, exc.line, exc.column = str(doc.path), line, col
        out.append(Finding.of(exc))
    return out + _kit_lengths(spec, campaign, kit_items)


def _kit_lengths(spec, campaign: Campaign, kit_items: list) -> list[Finding]:
    """Kit items over their limit, measured as `drafter kit` measures them (which then exits 1),
    at their template: the email and a call script in words, each social post in characters,
    the fact sheet in pages of its Typst PDF (kit counts LibreOffice's pages where it is installed)."""
    urls = {sid: s.url for sid, s in campaign.evidence.sources.items()}
    out = []
    for kind, people, rendered in kit_items:
        if kind == "factsheet":
            out += _factsheet_pages(spec, rendered, people)
        for number, measure, limit, unit in overshoots(kind, rendered.blocks, rendered.sources, urls):
            label = {"email": "the email", "social": f"social post {number}",
                     "call-script": f"the call script for {member_name(people[0])}"}[kind]
            out.append(Finding("error", str(rendered.template), None, None,
                               f"{label} of letter {spec.name!r}: {measure} {unit}, {measure - limit} over "
                               f"the {limit} limit", "shorten it: 'drafter kit' measures it the same way"))
    return out



def _factsheet_pages(spec, rendered, people=()) -> list[Finding]:
    from drafter.formats.typst import factsheet_pdf, page_count
    if not rendered.blocks:
        return []       # its shape is reported already
    try:
        paper = spec.paper or letter_locale(spec, list(people)).paper      # the kit's: the letter's locale's
        pages = page_count(factsheet_pdf(fact_sheet(rendered, "", spec.date), paper=paper, warn=None))
    except DrafterError:
        return []       # the engine's failure is kit's to report, at the PDF it makes
    if pages <= FACTSHEET_PAGES:
        return []
    return [Finding("error", str(rendered.template), None, None,
                    f"the fact sheet of letter {spec.name!r}: {pages} pages, over the {FACTSHEET_PAGES}-page limit",
                    "shorten it: 'drafter kit' counts its pages the same way")]

def _file_clashes(doc: Located, spec, campaign: Campaign) -> list[Finding]:
    """Two letters `draft` would write to one file (an 'output' pattern without {recipient}, ids
    that differ only in case), or two kit files `kit` would: both refuse, at the spec's `to:`."""
    if spec.to == (CONSTITUENTS,):
        return []
    try:
        recipients = select_recipients(campaign.recipients, spec.to, campaign.groups)
    except DrafterError:
        return []               # rendering has reported it
    letters = []
    for group in group_letters(recipients, spec.mode):
        try:
            addressed = tuple(r.id for r in address.address_letter(group, spec.committee, spec.salutation)[0])
        except DrafterError:
            addressed = ()
        label = recipient_label(addressed, tuple(r.id for r in group))
        letters.append((output_name(spec.output, date=spec.date.isoformat(), template=spec.template,
                                    letter=spec.name, recipient=label), label))
    asks = campaign.asks.values()
    kit = [(kit_file_name(kind, r.id), r.id) for kind, people in (
        ("call-script", [r for r in recipients if r.phone and asks_for(asks, [r])]),
        ("shareholder-questions", [r for r in recipients if r.role == "ceo"]))
        if campaign.template_path(f"kit-{kind}").is_file() for r in people]
    line, col = doc.where(("to",))
    out = []
    for named, what in ((letters, "letters"), (kit, "kit files")):
        try:
            refuse_clash(named, what, str(doc.path))
        except DataError as exc:
            out.append(Finding("error", str(doc.path), line, col, exc.message, exc.hint))
    return out


# --- asks ------------------------------------------------------------------------------------

_COMMITTEE_ID = re.compile(r"^[A-Z]{4}(\d{2})?$")     # congress-legislators committee ids: SSFR, HSFA14


def _could_be_member_of_congress(query: dict) -> bool:
    """Whether some member of Congress could match (a batch letter reaches them all): any state
    and district; memberships only as committee ids."""
    roles = query.get("role", list(CONGRESS_ROLES))
    if not set(roles if isinstance(roles, list) else [roles]) & set(CONGRESS_ROLES):
        return False
    groups = query.get("membership")
    return groups is None or any(_COMMITTEE_ID.match(str(g)) for g in (groups if isinstance(groups, list) else [groups]))


def _asks_for_nobody(campaign: Campaign, batch: bool) -> list[Finding]:
    """An ask whose `for:` matches no recipient any letter can reach is an error at its line;
    `batch`: some letter goes to members of Congress (`to: constituents`)."""
    doc = campaign.docs.get("asks")
    if doc is None or not campaign.asks:
        return []
    people = [r for r in campaign.recipients.values()]
    memberships = sorted({m for r in people for m in r.memberships} | {c.get("id") for r in people for c in r.committees})
    out = []
    for ask in campaign.asks.values():
        dead = [i for i, q in enumerate(ask.applies)
                if not any(matches(r, q) for r in people) and not (batch and _could_be_member_of_congress(q))
                and not might_match(campaign, q)]
        if len(dead) < len(ask.applies):
            continue
        raw_for = (doc.data["asks"][ask.id] or {}).get("for")
        for i in dead:
            query = ask.applies[i]
            key = ("asks", ask.id, "for") + ((i,) if isinstance(raw_for, list) else ())
            line, col = doc.where(key)
            out.append(Finding("error", str(doc.path), line, col,
                               f"ask {ask.id!r} is for nobody: no recipient matches {_query_text(query)}",
                               _query_hint(query, people, memberships)))
    return out


def _instruments(campaign: Campaign, batch: bool) -> list[Finding]:
    """An ask a recipient's role cannot perform (a Delegate voting on a bill's final passage, a
    Senator cosponsoring a House bill) is an error at its instrument; `batch`: an ask a
    constituent letter may carry that names no instrument is a warning (an office logs a
    position against a bill, a named letter, a hearing or an agency letter, not a cause)."""
    doc = campaign.docs.get("asks")
    if doc is None:
        return []
    out = []
    for ask in campaign.asks.values():
        inst = ask.instrument
        if inst is None:
            if batch and any(_could_be_member_of_congress(q) for q in ask.applies):
                line, col = doc.where(("asks", ask.id))
                out.append(Finding("warning", str(doc.path), line, col,
                                   f"ask {ask.id!r} goes in constituent letters but names no instrument: "
                                   "nothing an office can log a position against",
                                   "add 'instrument:' (a bill with congress, type, number and title; a named "
                                   "letter with its lead and closing date; a hearing; or a letter to an agency)"))
            continue
        named = inst.citation().split(",")[0] if inst.kind == "bill" else None     # "H.R. 1234"
        if named and named not in ask.text:
            line, col = doc.where(("asks", ask.id, "text"))
            out.append(Finding("warning", str(doc.path), line, col,
                               f"ask {ask.id!r} names the bill {named} in its instrument but not in its text",
                               f"say which bill in the ask, e.g. 'Cosponsor {named}, the ...'"))
        roles = {r for q in ask.applies if _could_be_member_of_congress(q) for r in _roles(q)} | {
            r.role for r in campaign.recipients.values() if any(matches(r, q) for q in ask.applies)}
        cannot = sorted(r for r in roles if r in CONGRESS_ROLES and not inst.can_act(r))
        if cannot:
            line, col = doc.where(("asks", ask.id, "instrument"))
            what = "vote on the final passage of" if inst.action == "vote" else "cosponsor"
            out.append(Finding("error", str(doc.path), line, col,
                               f"ask {ask.id!r} asks its recipients to {what} {inst.citation()}, which a "
                               f"{' or a '.join(r.replace('-', ' ') for r in cannot)} cannot do",
                               "narrow 'for:' to the roles that can (e.g. {role: representative}), and give "
                               "the others an ask of their own"))
    return out


def _roles(query: dict) -> list[str]:
    """The roles a query names (none named: any member of Congress)."""
    roles = query.get("role", list(CONGRESS_ROLES))
    return roles if isinstance(roles, list) else [roles]


def _query_text(query: dict) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in query.items()) + "}"


def _query_hint(query: dict, people, memberships: list[str]) -> str:
    """A did-you-mean for a mistyped membership, or the values recipients.yaml does have."""
    for key, have in (("membership", memberships), ("role", sorted({r.role for r in people})),
                      ("state", sorted({r.state for r in people if r.state}))):
        wanted = query.get(key)
        for value in (wanted if isinstance(wanted, list) else [wanted] if wanted is not None else []):
            if value not in have:
                return did_you_mean(str(value), have) or \
                    (f"no profile has {key} {value!r}; {key}s in {RECIPIENTS_FILE}: {', '.join(have) or 'none'}")
    return f"no single profile in {RECIPIENTS_FILE} has all of these"


# --- caveats and repeats -----------------------------------------------------------------------

def _notes(campaign: Campaign) -> list[Finding]:
    """Every `note:` the team wrote on a snippet, source or profile, as a warning at its line."""
    out = []
    for kind, items, field in (("evidence", campaign.evidence.snippets, "snippets"),
                               ("evidence", campaign.evidence.sources, "sources"),
                               ("recipients", campaign.recipients, "recipients")):
        doc = campaign.docs.get(kind)
        for item_id, item in items.items():
            note = item.caveat if field == "recipients" else item.note
            if doc is None or not note:
                continue
            key = "note" if field != "recipients" or item.note else "notes"
            line, col = doc.where((field, item_id, key))
            out.append(Finding("warning", str(doc.path), line, col, f"{field[:-1]} {item_id!r} has a note: {note}",
                               "settle it, then remove the note; drafts carry it as a review comment"))
    return out


def _repeated_snippets(calls: list[EvidenceCall]) -> list[Finding]:
    """A template naming the same snippet twice: the letter states it once and only cites it again."""
    seen, out = set(), []
    for call in calls:
        if call.function != "snippet":
            continue
        for nid in call.ids:
            if (call.file, nid) in seen:
                out.append(Finding("warning", str(call.file), call.line, call.column,
                                   f"snippet {nid!r} is named twice in this template",
                                   "a letter states a snippet once; the second place prints only its citation"))
            seen.add((call.file, nid))
    return out


# --- links: cited sources without a URL ---------------------------------------------------------

def source_links(campaign: Campaign, doc: Located, calls: list[EvidenceCall], constants: set[str]) -> list[Finding]:
    """A cited source without a URL, once, as a warning at its line (a note shows a link wherever
    there is one; laws and regulations are cited by their official reporter and need none); and a
    social post citing one, which `kit` refuses, as an error at the template's call."""
    ev = campaign.evidence
    ask_snippets = {nid for a in campaign.asks.values() for nid in a.evidence}
    _, cited = used_evidence(ev, calls, constants, ask_snippets)
    out = []
    for sid in (s for s in ev.sources if s in cited and not ev.sources[s].url):
        if chicago.kind(ev.sources[sid].csl) in chicago.LEGAL:
            continue
        line, col = doc.where(("sources", sid))
        out.append(Finding("warning", str(doc.path), line, col, f"source {sid!r} is cited but has no URL",
                           "add its URL, so that notes link to it"))
    social = campaign.template_path("kit-social")
    for call in (c for c in calls if c.file == social):
        if call.function == "cite":
            sids = call.ids
        elif call.function == "snippet":
            sids = [s for nid in call.ids if nid in ev.snippets for s in ev.snippets[nid].sources]
        else:
            sids = [] if call.dynamic else [s for n in ev.select(call.options.get("tag"), call.options.get("source"))
                                            for s in n.sources]
        out += [Finding("error", str(call.file), call.line, call.column, unlinked_source_message(s), UNLINKED_HINT)
                for s in dict.fromkeys(sids) if s in ev.sources and not ev.sources[s].url]
    return out


def _placed_once(findings: list[Finding]) -> list[Finding]:
    """A problem found both in a template's calls (with its line) and by rendering (without one)
    is reported once, at its line; one a letter makes an error is not also a warning."""
    placed = {(f.file, f.message) for f in findings if f.line is not None}
    errors = {(f.file, f.line, f.message) for f in findings if f.severity == "error"}
    return [f for f in findings if (f.line is not None or (f.file, f.message) not in placed)
            and not (f.severity == "warning" and (f.file, f.line, f.message) in errors)]
