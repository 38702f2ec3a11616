"""`drafter kit`: an action kit from a letter spec's campaign — call scripts, an email, social
posts, shareholder questions and a one-page Word fact sheet — from the same evidence, asks and
recipients as the letters.

Each kind has its own template, `letters/templates/kit-KIND.md.j2`, rendered like a letter body
(sandboxed Jinja2 -> Markdown, `snippet()`, `cite()`, `asks`). Length limits are measured on
what the reader or listener gets, and an overshoot is reported with its size; nothing is cut.
The whole kit is written even when a limit is exceeded (so the editor sees the long item in
place); the report's `problems` then make the command exit 1.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from drafter.campaign.load import Campaign, TEMPLATE_SUFFIX, TEMPLATES_DIR, load_campaign, load_letter
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import asks_for
from drafter.formats.pdf import INSTALL_COMMANDS, find_soffice, pdf_bytes
from drafter.errors import ConversionError, DataError, DrafterError
from drafter.compose.letter import Block, FactSheet, Note, NoteRef, Text
from drafter.campaign.models import LetterSpec, Recipient
from drafter.formats.outputs import DEFAULT_PDF_ENGINE, check_formats, docx_bytes
from drafter.formats.text import body_lines, markdown_inlines, md_escape
from drafter.compose.kit import KINDS, KitRenderer, Rendered, kind_extra, member_name, shape_error
from drafter.people.select import select_recipients
from drafter.output.files import ensure_dir, write_all
from drafter.output.names import safe_name
from drafter.log import open_log
from drafter.log.letters import entry

WORD_LIMITS = {"call-script": 150, "email": 200}
POST_LIMIT = 280


# --------------------------------------------------------------------------- measuring

_WORD = re.compile(r"\S*\w\S*")


def count_words(text: str) -> int:
    """Spoken/read words: whitespace-separated tokens with a letter or digit ("919,282" is one)."""
    return len(_WORD.findall(text))


# X's weighted length (twitter-text configuration v3): code points in these ranges weigh 1,
# everything else (CJK, most emoji) 2; a URL weighs 23 whatever its length; an emoji sequence 2.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
URL_WEIGHT = 23
# URLs with a scheme, or bare domains ("example.org/path") — twitter-text links both. It knows
# the list of top-level domains; any alphabetic one is taken here, which can only over-count.
_URL = re.compile(r"(?i)\bhttps?://[^\s<>\"]+|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
                  r"[a-z]{2,}\b(?:/[^\s<>\"]*)?")
_URL_TRAILING = ".,;:!?'\"”’)"
_EMOJI_BASE = "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_EMOJI = re.compile(f"[\U0001f1e6-\U0001f1ff]{{2}}|[{_EMOJI_BASE}][\ufe0f\U0001f3fb-\U0001f3ff]*"
                    f"(?:\u200d[{_EMOJI_BASE}][\ufe0f\U0001f3fb-\U0001f3ff]*)*")


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _URL.finditer(text):
        url = m.group()
        while url and url[-1] in _URL_TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        spans.append((m.start(), m.start() + len(url)))
    return spans


def post_length(text: str) -> int:
    """A post's length counted the way X counts it (twitter-text v3 weighting)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    spans = {s: (e, URL_WEIGHT) for s, e in _url_spans(text)}
    for m in _EMOJI.finditer(text):
        if not any(s <= m.start() < e for s, (e, _) in spans.items()):
            spans[m.start()] = (m.end(), 2)
    total, i = 0, 0
    while i < len(text):
        if i in spans:
            i, weight = spans[i]
            total += weight
            continue
        cp = ord(text[i])
        total += 1 if any(a <= cp <= b for a, b in _LIGHT) else 2
        i += 1
    return total


# --------------------------------------------------------------------------- the report

@dataclass
class KitItem:
    kind: str                  # one of KINDS
    label: str                 # "call script for Senator Merkley", "social post 3", ...
    text: str                  # as the volunteer uses it (plain text)
    markdown: str              # the kit.md section body
    template: Path
    measure: int | None = None   # words or characters, when the kind has a limit
    unit: str = ""
    limit: int | None = None
    problems: list[str] = field(default_factory=list)   # other faults (a fact without a link)

    @property
    def over(self) -> int:
        return max(0, self.measure - self.limit) if self.limit is not None else 0

    def limit_message(self) -> str | None:
        if not self.over:
            return None
        return (f"{self.label}: {self.measure} {self.unit}, {self.over} over the {self.limit} limit "
                f"(shorten it in {TEMPLATES_DIR}/{self.template.name})")


@dataclass
class KitReport:
    out_dir: Path
    items: list[KitItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)    # what was not made, and why
    paths: list[Path] = field(default_factory=list)
    # What the campaign log records: (template kind, recipients, file names) per call script and
    # for the fact sheet; the email, posts and questions go to no office, so they are not logged.
    logged: list[tuple[str, list[Recipient], tuple[str, ...]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)      # what could not be made (the fact sheet's PDF)
    factsheet: FactSheet | None = None
    factsheet_by_libreoffice: bool = False    # its PDF is LibreOffice's: counted as it is

    @property
    def problems(self) -> list[str]:
        out = []
        for item in self.items:
            out += [m for m in [item.limit_message()] if m] + [f"{item.label}: {p}" for p in item.problems]
        return out + self.errors

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------- rendering

# Inline renderers. `note` turns a note number into what stands in its place.

def _plain(inlines, note) -> str:
    out = []
    for item in inlines:
        if isinstance(item, NoteRef):
            out.append(note(item.number))
        elif item.link and item.link != item.text:
            out.append(f"{item.text} ({item.link})")
        else:
            out.append(item.text)
    return "".join(out)


_MD_NOTE = re.compile(r"(?<!\\)\[\^(\d+)\]")


def _md(inlines, note) -> str:
    return _MD_NOTE.sub(lambda m: note(int(m.group(1))), markdown_inlines(inlines))


def _strong_headings(blocks) -> tuple[Block, ...]:
    """Headings of a kit template as bold paragraphs (text and Markdown forms)."""
    return tuple(Block("para", tuple(Text(x.text, style="Strong") if isinstance(x, Text) and not x.link else x
                                     for x in b.inlines)) if b.kind == "heading" else b for b in blocks)


def _text(blocks, note) -> str:
    return "\n\n".join(body_lines(blocks, lambda inl: _plain(inl, note), None))


def _markdown(blocks, note) -> str:
    return "\n\n".join(body_lines(_strong_headings(blocks), lambda inl: _md(inl, note), None, markdown=True))


def _note_text(runs) -> str:
    return "".join(r.text for r in runs)


def _footnoted(r: Rendered, prefix: str) -> tuple[str, str]:
    """(plain text with [n] markers and a Sources list, Markdown with pandoc footnotes)."""
    text = _text(r.blocks, lambda n: f"[{n}]")
    md = _markdown(r.blocks, lambda n: f"[^{prefix}-{n}]")
    if r.notes:
        text += "\n\nSources\n\n" + "\n".join(f"{i}. {_note_text(n)}" for i, n in enumerate(r.notes, 1))
        md += "\n\n" + "\n".join(f"[^{prefix}-{i}]: {markdown_inlines(n)}" for i, n in enumerate(r.notes, 1))
    return text, md


def _spoken(blocks) -> str:
    """The words a caller says or a reader reads: the text without citations."""
    return _text(blocks, lambda n: "")


# --------------------------------------------------------------------------- the kinds

def call_scripts(kr: KitRenderer, callees: list[Recipient], skipped: list[str]) -> list[tuple[Recipient, KitItem]]:
    """A script per member with a phone number; the others are listed in `skipped` with why."""
    items = []
    for r in callees:
        if not r.phone:
            skipped.append(f"call script for {r.id}: no phone number in the profile "
                           "(add 'phone:' to recipients.yaml, or use --legislators and --state)")
            continue
        if not asks_for(kr.campaign.asks.values(), [r]):
            skipped.append(f"call script for {r.id}: no ask in asks.yaml applies to them")
            continue
        member = member_name(r)
        rendered = kr.render("call-script", [r], kind_extra("call-script", r))
        text, md = _footnoted(rendered, f"call-{safe_name(r.id)}")
        items.append((r, KitItem("call-script", f"call script for {member}", text, md, rendered.template,
                                 count_words(_spoken(rendered.blocks)), "words", WORD_LIMITS["call-script"])))
    return items


def email(kr: KitRenderer, recipients: list[Recipient]) -> KitItem:
    """The first heading of the template is the subject line; the sources follow the body as
    links, each source once, numbered in order of first citation."""
    r = kr.render("email", recipients)
    if shape_error("email", r):
        raise shape_error("email", r)
    subject = _plain(r.blocks[0].inlines, lambda n: "")
    body = r.blocks[1:]
    numbers: dict[str, int] = {}
    for sids in r.sources:
        for sid in sids:
            numbers.setdefault(sid, len(numbers) + 1)

    def mark(n: int) -> str:
        return ", ".join(str(numbers[s]) for s in r.sources[n - 1])

    text = f"Subject: {subject}\n\n" + _text(body, lambda n: f" [{mark(n)}]")
    md = f"**Subject:** {md_escape(subject)}\n\n" + _markdown(body, lambda n: f" \\[{mark(n)}\\]")
    if numbers:
        # each source's full note, as the letter's first citation of it reads (URL included)
        notes = kr.composer.citer.full_notes(numbers)
        text += "\n\nSources:\n" + "\n".join(f"[{i}] {_note_text(notes[s])}" for s, i in numbers.items())
        md += "\n\nSources:\n\n" + "\n".join(f"- \\[{i}\\] {markdown_inlines(notes[s])}"
                                                for s, i in numbers.items())
    return KitItem("email", "email", text, md, r.template, count_words(_spoken(body)), "words",
                   WORD_LIMITS["email"])


def social_posts(kr: KitRenderer, recipients: list[Recipient]) -> list[KitItem]:
    """One post per paragraph (or list item) of the template; each citation becomes its link."""
    r = kr.render("social", recipients)
    sources = kr.campaign.evidence.sources

    def links(n: int) -> str:
        return "".join(f" {sources[s].url}" for s in r.sources[n - 1] if sources[s].url)

    items = []
    for i, block in enumerate(r.blocks, 1):
        text = _plain(block.inlines, links)
        md = _md(block.inlines, lambda n: "".join(f" <{sources[s].url}>" for s in r.sources[n - 1]
                                                   if sources[s].url))
        unlinked = [s for x in block.inlines if isinstance(x, NoteRef)
                    for s in r.sources[x.number - 1] if not sources[s].url]
        problems = [f"source {s!r} has no URL to link (give it one in evidence.yaml, or use another fact)"
                    for s in dict.fromkeys(unlinked)]
        items.append(KitItem("social", f"social post {i}", text, md, r.template, post_length(text),
                             "characters", POST_LIMIT, problems))
    if shape_error("social", r):
        raise shape_error("social", r)
    return items


def shareholder_questions(kr: KitRenderer, companies: list[Recipient]) -> list[KitItem]:
    items = []
    for r in companies:
        company = r.organization or r.name
        rendered = kr.render("shareholder-questions", [r], kind_extra("shareholder-questions", r))
        text, md = _footnoted(rendered, f"sq-{safe_name(r.id)}")
        items.append(KitItem("shareholder-questions", f"shareholder questions for {company}", text, md,
                             rendered.template))
    return items


# --------------------------------------------------------------------------- the fact sheet (Word)

FACTSHEET_PAGES = 1
_PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def page_count(docx: bytes) -> int | None:
    """Pages of a .docx as LibreOffice lays it out, or None when LibreOffice is not installed."""
    try:
        find_soffice()
    except ConversionError:
        return None
    [pdf] = pdf_bytes({"factsheet.docx": docx}).values()
    return len(_PDF_PAGE.findall(pdf))


FORMATS = ("docx", "pdf")     # the fact sheet's


def factsheet_files(report: KitReport, formats: tuple[str, ...], pdf_engine: str, pdf_a: bool,
                    paper: str = "letter") -> dict[str, bytes]:
    """The fact sheet as factsheet.docx and/or factsheet.pdf. A PDF that fails is one of the
    report's problems (exit 1); every other file of the kit is still written."""
    sheet, out = report.factsheet, {}
    if sheet is None:
        return out
    docx = docx_bytes(sheet, paper=paper)
    if "docx" in formats:
        out["factsheet.docx"] = docx
    if "pdf" in formats:
        try:
            if pdf_engine == "libreoffice":
                out["factsheet.pdf"] = next(iter(pdf_bytes({"factsheet.docx": docx}, pdf_a=pdf_a).values()))
            else:
                from drafter.formats.typst import factsheet_pdf
                out["factsheet.pdf"] = factsheet_pdf(sheet, paper=paper, pdf_a=pdf_a)
        except DrafterError as exc:
            report.errors.append(f"fact sheet PDF: {exc}")
    return out


def count_factsheet_pages(report: KitReport, files: dict[str, bytes]) -> None:
    """Measure the built fact sheet's pages in LibreOffice (the build itself never converts);
    a PDF LibreOffice already made is counted as it is."""
    item = next((i for i in report.items if i.kind == "factsheet"), None)
    if item is None or report.factsheet is None:
        return
    pages = (len(_PDF_PAGE.findall(files["factsheet.pdf"])) if report.factsheet_by_libreoffice
             else page_count(files.get("factsheet.docx") or docx_bytes(report.factsheet)))
    if pages is None:
        report.skipped.append("fact sheet page count: not checked, LibreOffice is not installed "
                              f"({'; '.join(INSTALL_COMMANDS)})")
    else:
        item.measure, item.unit, item.limit = pages, "page(s)", FACTSHEET_PAGES


def factsheet(kr: KitRenderer, recipients: list[Recipient]) -> tuple[KitItem, FactSheet]:
    r = kr.render("factsheet", recipients)
    if shape_error("factsheet", r):
        raise shape_error("factsheet", r)
    title = _plain(r.blocks[0].inlines, lambda n: "")
    text, md = _footnoted(r, "fs")
    sheet = FactSheet(title, kr.composer.organization, kr.spec.date, tuple(r.blocks),
                      tuple(Note(n, tuple(runs)) for n, runs in enumerate(r.notes, 1)))
    return KitItem("factsheet", "fact sheet", text, md, r.template), sheet


# --------------------------------------------------------------------------- the kit

SECTION_TITLES = {"call-script": "Call scripts", "email": "Email", "social": "Social posts",
                  "shareholder-questions": "Shareholder questions", "factsheet": "Fact sheet"}


def kit_markdown(title: str, items: list[KitItem]) -> str:
    """The kit as one Markdown page (footnote labels are unique across sections)."""
    parts = [f"# {md_escape(title)}"]
    for kind in KINDS:
        mine = [i for i in items if i.kind == kind]
        if not mine:
            continue
        parts.append(f"## {SECTION_TITLES[kind]}")
        for item in mine:
            if len(mine) > 1 or kind in ("call-script", "shareholder-questions"):
                parts.append(f"### {md_escape(item.label[:1].upper() + item.label[1:])}")
            parts.append(item.markdown)
    return "\n\n".join(parts) + "\n"


def load_callees(legislators: str | Path | None, state: str | None, district: int | None) -> list[Recipient]:
    """Members of Congress to call, from a legislators-current.yaml the user names."""
    if state is None and district is None and legislators is None:
        return []
    if legislators is None or state is None:
        raise DataError("--legislators and --state go together",
                        hint="e.g. --legislators ../shared/data/congress-legislators/legislators-current.yaml --state OR")
    from drafter.people.constituents import Legislators, parse_state
    members = Legislators.load(legislators)
    code = parse_state(state)
    if code not in members.states:
        raise DataError(f"no members of Congress for state {state!r} in the legislators file", file=str(legislators))
    out = members.senators(code)
    if district is not None:
        rep = members.representative(code, district)
        if rep is None:
            raise DataError(f"no representative for {code}-{district} in the legislators file",
                            file=str(legislators), hint=f"districts: {members.districts(code)}")
        out.append(rep)
    return out


def company_letters(campaign: Campaign) -> list[str]:
    """Letter specs of the campaign addressed to a company's chief executive."""
    out = []
    for name in campaign.letter_names():
        try:
            spec = load_letter(campaign, name, SPEC_CHECKS)
            if any(r.role == "ceo" for r in select_recipients(campaign.recipients, spec.to, campaign.groups)):
                out.append(name)
        except DataError:
            continue   # a broken spec is `drafter check`'s business, not the kit's
    return out


def kit_recipients(campaign: Campaign, spec: LetterSpec, callees: list[Recipient]) -> list[Recipient]:
    """The spec's recipients; for a constituent letter (`to: constituents`, for `drafter batch`)
    the members of Congress named with --legislators and --state."""
    if tuple(spec.to) == ("constituents",) and "constituents" not in campaign.recipients:
        if not callees:
            raise DataError("this letter goes to each constituent's members of Congress", file=str(spec.path),
                            hint="pass --legislators FILE --state XX [--district N] to name them")
        return list(callees)
    return select_recipients(campaign.recipients, spec.to, campaign.groups)


def build_kit(campaign: Campaign, spec: LetterSpec, callees: list[Recipient] = (), formats: tuple[str, ...] = ("docx",),
              pdf_engine: str | None = None, pdf_a: bool = False) -> tuple[KitReport, dict[str, bytes]]:
    """Every item of the kit, and the files to write ({name: bytes}); nothing is written here.
    `formats` are the fact sheet's (docx, pdf); its PDF comes from `pdf_engine` (None: the spec's,
    else Typst)."""
    formats = check_formats(formats, FORMATS, "format {!r} is not available for the fact sheet")
    pdf_engine = pdf_engine or spec.pdf_engine or DEFAULT_PDF_ENGINE
    kr = KitRenderer(campaign, spec)
    recipients = kit_recipients(campaign, spec, callees)
    report = KitReport(Path("."))
    files: dict[str, bytes] = {}

    def missing(kind: str) -> bool:
        if kr.has(kind):
            return False
        report.skipped.append(f"{SECTION_TITLES[kind].lower()}: no template {TEMPLATES_DIR}/kit-{kind}{TEMPLATE_SUFFIX}")
        return True

    taken: dict[str, tuple[str, str]] = {}

    def named(kind: str, r: Recipient) -> str:
        """kind-ID.txt; two recipients whose ids make one name, even only without case (as Windows
        and macOS compare names), are refused: one file would replace the other."""
        name = safe_name(f"{kind}-{r.id}", ".txt")
        other, other_id = taken.setdefault(name.casefold(), (name, r.id))
        if other_id != r.id:
            where = name if other == name else f"{other} and {name}, one file on Windows and macOS"
            raise DataError(f"the kit files for {other_id} and {r.id} would be written to {where}",
                            file=str(spec.path), hint="give the recipients ids that differ in more than case")
        return name

    if not missing("call-script"):
        people = list({r.id: r for r in [*recipients, *callees]}.values())
        for r, item in call_scripts(kr, people, report.skipped):
            report.items.append(item)
            name = named("call-script", r)
            files[name] = (item.text + "\n").encode()
            report.logged.append(("call-script", [r], (name,)))
        if not callees and not any(i.kind == "call-script" for i in report.items):
            report.skipped.append("call scripts: pass --legislators FILE --state XX to call members of Congress")
    if not missing("email"):
        item = email(kr, recipients)
        report.items.append(item)
        files["email.txt"] = (item.text + "\n").encode()
    if not missing("social"):
        posts = social_posts(kr, recipients)
        report.items += posts
        files["social.txt"] = "\n\n".join(p.text for p in posts).encode() + b"\n"
    if not missing("shareholder-questions"):
        companies = [r for r in recipients if r.role == "ceo"]
        if not companies:
            report.skipped.append("shareholder questions: no company among this letter's recipients (role: ceo)"
                                  + "".join(f"; try 'drafter kit {n}'" for n in company_letters(campaign)))
        for r, item in zip(companies, shareholder_questions(kr, companies)):
            report.items.append(item)
            files[named("shareholder-questions", r)] = (item.text + "\n").encode()
    if not missing("factsheet"):
        item, report.factsheet = factsheet(kr, recipients)
        report.items.append(item)
        made = factsheet_files(report, formats, pdf_engine, pdf_a, spec.paper)
        files.update(made)
        report.factsheet_by_libreoffice = "factsheet.pdf" in made and pdf_engine == "libreoffice"
        if made:
            report.logged.append(("factsheet", recipients, tuple(made)))
    title = spec.kit.get("title") or f"Action kit: {spec.title or spec.name}"
    files["kit.md"] = kit_markdown(title, report.items).encode()
    return report, files


def make_kit(root: str | Path, letter: str | Path, out_dir: str | Path | None = None, force: bool = False,
             legislators: str | Path | None = None, state: str | None = None,
             district: int | None = None, log: str | Path | bool | None = None,
             formats: tuple[str, ...] = ("docx",), pdf_engine: str | None = None, pdf_a: bool = False) -> KitReport:
    """Write the action kit of a letter spec's campaign in `out_dir` (default: kit/LETTER in the
    campaign folder). Everything is rendered first, then written all or nothing: an existing
    file (unless `force`), a full disk or a link in the way leaves no file of the kit. Limits exceeded are in `report.problems`, not cut.
    Call scripts and the fact sheet are recorded in the campaign log (`log` as for draft)."""
    campaign_log = open_log(root, log or None) if log is not False else None
    try:
        return _make_kit(root, letter, out_dir, force, legislators, state, district, campaign_log,
                         formats, pdf_engine, pdf_a)
    finally:
        if campaign_log is not None:
            campaign_log.close()


def _make_kit(root, letter, out_dir, force, legislators, state, district, campaign_log, formats=("docx",),
              pdf_engine=None, pdf_a=False) -> KitReport:
    campaign = load_campaign(root)
    spec = load_letter(campaign, letter, SPEC_CHECKS)
    callees = load_callees(legislators, state, district)
    report, files = build_kit(campaign, spec, callees, formats, pdf_engine, pdf_a)
    count_factsheet_pages(report, files)
    out = Path(out_dir) if out_dir is not None else Path(root) / "kit" / spec.name
    ensure_dir(out)
    targets = {name: out / name for name in files}
    write_all([(targets[name], data) for name, data in files.items()], force=force)   # all or nothing
    if campaign_log is not None:
        campaign_log.record([entry("kit", spec.name, f"kit-{kind}", people, [(targets[n], files[n]) for n in names],
                                   tuple(n.rsplit(".", 1)[1] for n in names)) for kind, people, names in report.logged])
    report.out_dir, report.paths = out, list(targets.values())
    return report
