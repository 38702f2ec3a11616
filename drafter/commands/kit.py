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

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from drafter.locale import KitWords, get as get_locale
from drafter.campaign.load import Campaign, TEMPLATE_SUFFIX, TEMPLATES_DIR, load_campaign, load_letter
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import asks_for
from drafter.compose.constituent import constituency_country, members_abroad
from drafter.formats.pdf import INSTALL_COMMANDS, find_soffice, pdf_bytes
from drafter.formats.typst import factsheet_pdf, page_count
from drafter.errors import ConversionError, DataError, DrafterError
from drafter.compose.letter import Block, FactSheet, NoteRef, Text
from drafter.campaign.models import LetterSpec, Recipient
from drafter.formats.outputs import DEFAULT_PDF_ENGINE, check_formats, docx_bytes
from drafter.formats.kittext import (POST_LIMIT, WORD_LIMITS, blocks_text, count_words, plain_text, post_length,
                                     post_text, spoken)
from drafter.formats.text import body_lines, markdown_inlines, md_escape
from drafter.compose.typography import curl
from drafter.compose.kit import (FACTSHEET_PAGES, KINDS, UNLINKED_HINT, KitRenderer, Rendered, fact_sheet,
                                 kind_extra, member_name, shape_error, unlinked_source_message, unlinked_sources)
from drafter.people.address import abroad, parse_name
from drafter.people.select import select_recipients
from drafter.output.files import ensure_dir, write_all
from drafter.output.names import kit_file_name, refuse_clash, safe_name
from drafter.log import open_log
from drafter.log.letters import entry

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
    heading: str = ""            # kit.md's heading of the item, in the kit's language (else the label)

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
    paper: str = "letter"                     # the fact sheet's: the spec's, else its locale's

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

_MD_NOTE = re.compile(r"(?<!\\)\[\^(\d+)\]")


def _md(inlines, note) -> str:
    return _MD_NOTE.sub(lambda m: note(int(m.group(1))), markdown_inlines(inlines))


def _strong_headings(blocks) -> tuple[Block, ...]:
    """Headings of a kit template as bold paragraphs (text and Markdown forms)."""
    return tuple(Block("para", tuple(Text(x.text, style="Strong") if isinstance(x, Text) and not x.link else x
                                     for x in b.inlines)) if b.kind == "heading" else b for b in blocks)


def _markdown(blocks, note) -> str:
    return "\n\n".join(body_lines(_strong_headings(blocks), lambda inl: _md(inl, note), None, markdown=True))


def _note_text(runs) -> str:
    return "".join(r.text for r in runs)


def _footnoted(r: Rendered, prefix: str, words: KitWords, marked: bool = True) -> tuple[str, str]:
    """(plain text with [n] markers and a Sources list, Markdown with pandoc footnotes);
    `marked` False: a script read aloud, with no markers and its sources listed after it.
    `words`: the kit's language's ("Sources", "Quellen")."""
    text = blocks_text(r.blocks, (lambda n: f"[{n}]") if marked else (lambda n: ""))
    md = _markdown(r.blocks, (lambda n: f"[^{prefix}-{n}]") if marked else (lambda n: ""))
    if r.notes and not marked:
        sources = "\n".join(f"{i}. {_note_text(n)}" for i, n in enumerate(r.notes, 1))
        return text + f"\n\n{words.sources}\n\n" + sources, md + f"\n\n{words.sources}{words.colon}\n\n" + "\n".join(
            f"{i}. {markdown_inlines(n)}" for i, n in enumerate(r.notes, 1))
    if r.notes:
        text += f"\n\n{words.sources}\n\n" + "\n".join(f"{i}. {_note_text(n)}" for i, n in enumerate(r.notes, 1))
        md += "\n\n" + "\n".join(f"[^{prefix}-{i}]: {markdown_inlines(n)}" for i, n in enumerate(r.notes, 1))
    return text, md


# "Tibet Autonomous Region (TAR)": a name, then its abbreviation in parentheses.
_DEFINED = re.compile(r"(?P<full>(?:[A-Z][\w’'-]*\s+(?:(?:of|the|and|for|on)\s+)*)+)\((?P<abbr>[A-Z]{2,6})\)")


def abbreviations(campaign: Campaign) -> dict[str, str]:
    """Abbreviations the campaign's own text defines ("Tibet Autonomous Region (TAR)"), from its
    templates, snippets and asks: {"TAR": "Tibet Autonomous Region"}. A spoken script says the
    name: a listener cannot see what "TAR" stands for."""
    texts = [s.text for s in campaign.evidence.snippets.values()] + [a.text for a in campaign.asks.values()]
    if campaign.templates_dir.is_dir():
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(campaign.templates_dir.glob("*.j2"))]
    found: dict[str, str] = {}
    for text in texts:
        for m in _DEFINED.finditer(" ".join(text.split())):
            words, abbr = m["full"].split(), m["abbr"]
            for i in range(len(words) - 1, -1, -1):       # the shortest run of words that spells it
                caps = "".join(ch for ch in " ".join(words[i:]) if ch.isupper())
                if words[i][0] == abbr[0] and caps == abbr:
                    found.setdefault(abbr, " ".join(words[i:]))
                    break
    return found


def spoken_blocks(blocks, names: dict[str, str]) -> tuple[Block, ...]:
    """Blocks with each abbreviation read in full ("the TAR" -> "the Tibet Autonomous Region"),
    its definition's parentheses dropped."""
    if not names:
        return tuple(blocks)
    rules = [(re.compile(rf"\s*\({re.escape(a)}\)"), "") for a in names] + \
            [(re.compile(rf"\b{re.escape(a)}\b"), full) for a, full in names.items()]

    def say(text: str) -> str:
        for rx, repl in rules:
            text = rx.sub(lambda m: repl, text)
        return text
    return tuple(dataclasses.replace(b, inlines=tuple(dataclasses.replace(x, text=say(x.text)) if isinstance(x, Text)
                                                      else x for x in b.inlines)) for b in blocks)


def signed_by(r: Recipient, signers) -> bool:
    """Whether a member of Congress to call signed the letter (a call script would ask them to
    co-sign it): the same surname and first initial ("Jeff Merkley", "Jeffrey A. Merkley")."""
    surname = parse_name(r.name, r.given, r.surname, r.suffix).surname.casefold()
    first = (r.given or r.name).strip()[:1].casefold()
    return any(parse_name(s.name).surname.casefold() == surname and s.name.strip()[:1].casefold() == first
               for s in signers)


# --------------------------------------------------------------------------- the kinds

def call_scripts(kr: KitRenderer, callees: list[Recipient], skipped: list[str]) -> list[tuple[Recipient, KitItem]]:
    """A script per member with a phone number; the others are listed in `skipped` with why."""
    items = []
    names = abbreviations(kr.campaign)
    for r in callees:
        if signed_by(r, kr.composer.signers):
            skipped.append(f"call script for {r.id}: {member_name(r)} signed this letter")
            continue
        if not r.phone:
            skipped.append(f"call script for {r.id}: no phone number in the profile (add 'phone:' to "
                           + ("recipients.yaml)" if abroad(r) else "recipients.yaml, or use --legislators and --state)"))
            continue
        if not asks_for(kr.campaign.asks.values(), [r]):
            skipped.append(f"call script for {r.id}: no ask in asks.yaml applies to them")
            continue
        extra = kr.extra("call-script", r)
        member, words = extra["member"], kr.locale([r]).kit
        rendered = kr.render("call-script", [r], extra)
        # Read aloud: no note markers, abbreviations in full; the sources follow for the caller.
        rendered = dataclasses.replace(rendered, blocks=spoken_blocks(rendered.blocks, names))
        text, md = _footnoted(rendered, f"call-{safe_name(r.id)}", words, marked=False)
        items.append((r, KitItem("call-script", f"call script for {member}", text, md, rendered.template,
                                 count_words(spoken(rendered.blocks)), "words", WORD_LIMITS["call-script"],
                                 heading=words.call_script.format(member=member))))
    return items


def email(kr: KitRenderer, recipients: list[Recipient]) -> KitItem:
    """The first heading of the template is the subject line; the sources follow the body as
    links, each source once, numbered in order of first citation. "Subject" and "Sources" are
    in the letter's language."""
    words = kr.locale(recipients).kit
    r = kr.render("email", recipients)
    if shape_error("email", r):
        raise shape_error("email", r)
    subject = plain_text(r.blocks[0].inlines, lambda n: "")
    body = r.blocks[1:]
    numbers: dict[str, int] = {}
    for sids in r.sources:
        for sid in sids:
            numbers.setdefault(sid, len(numbers) + 1)

    def mark(n: int) -> str:
        return ", ".join(str(numbers[s]) for s in r.sources[n - 1])

    text = f"{words.subject} {subject}\n\n" + blocks_text(body, lambda n: f" [{mark(n)}]")
    md = f"**{md_escape(words.subject)}** {md_escape(subject)}\n\n" + _markdown(body, lambda n: f" \\[{mark(n)}\\]")
    if numbers:
        # each source's full note, as the letter's first citation of it reads (URL included)
        notes = kr.composer.citer_for(kr.locale(recipients)).full_notes(numbers)
        sources = words.sources + words.colon
        text += f"\n\n{sources}\n" + "\n".join(f"[{i}] {_note_text(notes[s])}" for s, i in numbers.items())
        md += f"\n\n{md_escape(sources)}\n\n" + "\n".join(f"- \\[{i}\\] {markdown_inlines(notes[s])}"
                                                for s, i in numbers.items())
    return KitItem("email", "email", text, md, r.template, count_words(spoken(body)), "words",
                   WORD_LIMITS["email"])


def social_posts(kr: KitRenderer, recipients: list[Recipient]) -> list[KitItem]:
    """One post per paragraph (or list item) of the template; each citation becomes its link."""
    words = kr.locale(recipients).kit
    r = kr.render("social", recipients)
    sources = kr.campaign.evidence.sources
    urls = {sid: source.url for sid, source in sources.items()}
    items = []
    for i, block in enumerate(r.blocks, 1):
        text = post_text(block.inlines, r.sources, urls)
        md = _md(block.inlines, lambda n: "".join(f" <{sources[s].url}>" for s in r.sources[n - 1]
                                                   if sources[s].url))
        unlinked = unlinked_sources(r.sources, [x.number for x in block.inlines if isinstance(x, NoteRef)],
                                    kr.campaign.evidence)
        problems = [f"{unlinked_source_message(s)} ({UNLINKED_HINT})" for s in unlinked]
        items.append(KitItem("social", f"social post {i}", text, md, r.template, post_length(text),
                             "characters", POST_LIMIT, problems, heading=words.social_post.format(n=i)))
    if shape_error("social", r):
        raise shape_error("social", r)
    return items


def shareholder_questions(kr: KitRenderer, companies: list[Recipient]) -> list[KitItem]:
    items = []
    for r in companies:
        company = r.organization or r.name
        words = kr.locale([r]).kit
        rendered = kr.render("shareholder-questions", [r], kind_extra("shareholder-questions", r))
        text, md = _footnoted(rendered, f"sq-{safe_name(r.id)}", words)
        items.append(KitItem("shareholder-questions", f"shareholder questions for {company}", text, md,
                             rendered.template, heading=words.questions.format(company=company)))
    return items


# --------------------------------------------------------------------------- the fact sheet (Word)

def libreoffice_pages(docx: bytes) -> int | None:
    """Pages of a .docx as LibreOffice lays it out, or None when LibreOffice is not installed."""
    try:
        find_soffice()
    except ConversionError:
        return None
    [pdf] = pdf_bytes({"factsheet.docx": docx}).values()
    return page_count(pdf)


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
                out["factsheet.pdf"] = factsheet_pdf(sheet, paper=paper, pdf_a=pdf_a)
        except DrafterError as exc:
            report.errors.append(f"fact sheet PDF: {exc}")
    return out


def count_factsheet_pages(report: KitReport, files: dict[str, bytes], paper: str = "letter") -> None:
    """Measure the built fact sheet's pages in LibreOffice (the build itself never converts);
    a PDF LibreOffice already made is counted as it is. Without LibreOffice, its Typst PDF's
    pages: a close measure of the Word file's, in milliseconds (check's measure too)."""
    item = next((i for i in report.items if i.kind == "factsheet"), None)
    if item is None or report.factsheet is None:
        return
    pages = (page_count(files["factsheet.pdf"]) if report.factsheet_by_libreoffice
             else libreoffice_pages(files.get("factsheet.docx") or docx_bytes(report.factsheet, paper=paper)))
    if pages is None:
        try:
            pages = page_count(files.get("factsheet.pdf") or factsheet_pdf(report.factsheet, paper=paper, warn=None))
        except DrafterError as exc:
            report.skipped.append(f"fact sheet page count: not checked ({exc})")
            return
        report.skipped.append("fact sheet page count: measured in its Typst PDF (LibreOffice, which lays out "
                              f"the Word file, is not installed: {'; '.join(INSTALL_COMMANDS)})")
    item.measure, item.unit, item.limit = pages, "page(s)", FACTSHEET_PAGES


def factsheet(kr: KitRenderer, recipients: list[Recipient]) -> tuple[KitItem, FactSheet]:
    r = kr.render("factsheet", recipients)
    if shape_error("factsheet", r):
        raise shape_error("factsheet", r)
    text, md = _footnoted(r, "fs", kr.locale(recipients).kit)
    return KitItem("factsheet", "fact sheet", text, md, r.template), fact_sheet(r, kr.composer.organization, kr.spec.date)


# --------------------------------------------------------------------------- the kit

SECTION_TITLES = {"call-script": "Call scripts", "email": "Email", "social": "Social posts",
                  "shareholder-questions": "Shareholder questions", "factsheet": "Fact sheet"}


def kit_markdown(title: str, items: list[KitItem], words: KitWords | None = None) -> str:
    """The kit as one Markdown page (footnote labels are unique across sections); its headings
    in the kit's language (`words`, default English)."""
    words = words or get_locale(None).kit
    parts = [f"# {md_escape(title)}"]
    for kind in KINDS:
        mine = [i for i in items if i.kind == kind]
        if not mine:
            continue
        parts.append(f"## {md_escape(words.section(kind))}")
        for item in mine:
            if len(mine) > 1 or kind in ("call-script", "shareholder-questions"):
                heading = item.heading or item.label[:1].upper() + item.label[1:]
                parts.append(f"### {md_escape(heading)}")
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


def constituency_callees(campaign: Campaign, spec: LetterSpec, constituency: str | None,
                         legislators=None) -> list[Recipient]:
    """The member of a constituency (name or code) for a constituent letter abroad, from the
    campaign's profiles as batch matches volunteers (--constituency)."""
    if constituency is None:
        return []
    members = members_abroad(campaign, spec, legislators) if constituency_country(spec) != "US" else None
    if members is None:
        raise DataError(f"--constituency is for a letter abroad, and letter {spec.name!r} goes to members of "
                        "Congress", file=str(spec.path), hint="use --legislators FILE --state XX [--district N]")
    found, why, _candidates = members.members(constituency)
    if why:
        raise DataError(why, file=str(spec.path), hint="give --constituency the name or code a profile in "
                                                       "recipients.yaml has")
    return found


def kit_recipients(campaign: Campaign, spec: LetterSpec, callees: list[Recipient]) -> list[Recipient]:
    """The spec's recipients; for a constituent letter (`to: constituents`, for `drafter batch`)
    the members of Congress named with --legislators and --state, or abroad the member of the
    constituency named with --constituency."""
    if tuple(spec.to) == ("constituents",) and "constituents" not in campaign.recipients:
        if not callees and constituency_country(spec) != "US":
            raise DataError("this letter goes to each constituent's member of parliament", file=str(spec.path),
                            hint="pass --constituency NAME (or its code) to name one")
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
    loc = kr.locale(recipients)        # the kit's language and paper: the letter's
    report = KitReport(Path("."), paper=spec.paper or loc.paper)
    files: dict[str, bytes] = {}

    def missing(kind: str) -> bool:
        if kr.has(kind):
            return False
        report.skipped.append(f"{SECTION_TITLES[kind].lower()}: no template {TEMPLATES_DIR}/kit-{kind}{TEMPLATE_SUFFIX}")
        return True

    names: list[tuple[str, str]] = []

    def named(kind: str, r: Recipient) -> str:
        """kind-ID.txt; two recipients whose ids make one name, even only without case (as Windows
        and macOS compare names), are refused: one file would replace the other."""
        names.append((kit_file_name(kind, r.id), r.id))
        refuse_clash(names, "kit files", str(spec.path))
        return names[-1][0]

    if not missing("call-script"):
        people = list({r.id: r for r in [*recipients, *callees]}.values())
        for r, item in call_scripts(kr, people, report.skipped):
            report.items.append(item)
            name = named("call-script", r)
            files[name] = (item.text + "\n").encode()
            report.logged.append(("call-script", [r], (name,)))
        if not callees and not any(i.kind == "call-script" for i in report.items) \
                and constituency_country(spec) == "US" and not any(map(abroad, recipients)):
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
        made = factsheet_files(report, formats, pdf_engine, pdf_a, report.paper)
        files.update(made)
        report.factsheet_by_libreoffice = "factsheet.pdf" in made and pdf_engine == "libreoffice"
        if made:
            report.logged.append(("factsheet", recipients, tuple(made)))
    title = curl(spec.kit.get("title") or loc.kit.title.format(title=spec.title or spec.name))
    files["kit.md"] = kit_markdown(title, report.items, loc.kit).encode()
    return report, files


def make_kit(root: str | Path, letter: str | Path, out_dir: str | Path | None = None, force: bool = False,
             legislators: str | Path | None = None, state: str | None = None,
             district: int | None = None, log: str | Path | bool | None = None,
             formats: tuple[str, ...] = ("docx",), pdf_engine: str | None = None, pdf_a: bool = False,
             constituency: str | None = None) -> KitReport:
    """Write the action kit of a letter spec's campaign in `out_dir` (default: kit/LETTER in the
    campaign folder). Everything is rendered first, then written all or nothing: an existing
    file (unless `force`), a full disk or a link in the way leaves no file of the kit. Limits exceeded are in `report.problems`, not cut.
    Call scripts and the fact sheet are recorded in the campaign log (`log` as for draft).
    `constituency` (a constituent letter abroad): the member of that constituency is called."""
    campaign_log = open_log(root, log or None) if log is not False else None
    try:
        return _make_kit(root, letter, out_dir, force, legislators, state, district, campaign_log,
                         formats, pdf_engine, pdf_a, constituency)
    finally:
        if campaign_log is not None:
            campaign_log.close()


def _make_kit(root, letter, out_dir, force, legislators, state, district, campaign_log, formats=("docx",),
              pdf_engine=None, pdf_a=False, constituency=None) -> KitReport:
    campaign = load_campaign(root)
    spec = load_letter(campaign, letter, SPEC_CHECKS)
    callees = (constituency_callees(campaign, spec, constituency, legislators) if constituency is not None
               else load_callees(legislators, state, district))
    report, files = build_kit(campaign, spec, callees, formats, pdf_engine, pdf_a)
    count_factsheet_pages(report, files, report.paper)
    out = Path(out_dir) if out_dir is not None else Path(root) / "kit" / spec.name
    ensure_dir(out)
    targets = {name: out / name for name in files}
    write_all([(targets[name], data) for name, data in files.items()], force=force)   # all or nothing
    if campaign_log is not None:
        campaign_log.record([entry("kit", spec.name, f"kit-{kind}", people, [(targets[n], files[n]) for n in names],
                                   tuple(n.rsplit(".", 1)[1] for n in names)) for kind, people, names in report.logged])
    report.out_dir, report.paths = out, list(targets.values())
    return report
