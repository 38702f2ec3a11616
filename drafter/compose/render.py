"""Render a letter body: a sandboxed Jinja2 template producing Markdown, parsed into blocks.

Templates call `cite(source_id)`, `snippet(id)` and `snippets(tag=...)`; each citation leaves a
private marker in the Markdown, which becomes a footnote reference once the Markdown is parsed.
Values from data files are Markdown-escaped on output, so a volunteer's note or a recipient's
name is printed as written; snippet text and citations are trusted Markdown from evidence.yaml.
The campaign's own text (the template, snippets, asks) gets typographic quotes; data values are
kept verbatim. Citations with no text between them become one note.
"""
from __future__ import annotations

import contextvars
import dataclasses
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from drafter.campaign.reading import read_file
from drafter.compose.citations import CiteItem
from drafter.errors import DrafterError, TemplateError, did_you_mean
from drafter.compose.letter import Block, NoteRef, Text
from drafter.campaign.models import Evidence, Verbatim
from drafter.compose.sandbox import SafeEnvironment, render_bounded
from drafter.compose.typography import VERBATIM_CLOSE, VERBATIM_OPEN, curl, smart_quotes

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
# A tag naming where a paragraph's text came from ("ask:entity-list"), so later steps can
# attach review notes to it without matching words.
TAG_OPEN, TAG_CLOSE = "\ue002", "\ue003"
_TAG = re.compile(f"{TAG_OPEN}([^{TAG_CLOSE}]*){TAG_CLOSE}")
_PRIVATE = str.maketrans("", "", MARK_OPEN + MARK_CLOSE + TAG_OPEN + TAG_CLOSE + VERBATIM_OPEN + VERBATIM_CLOSE
                         + "\ue006\ue007")   # LINE_OPEN, LINE_CLOSE below
_VERBATIM_MARKS = str.maketrans("", "", VERBATIM_OPEN + VERBATIM_CLOSE)
_MARKS = MARK_OPEN + MARK_CLOSE + TAG_OPEN + TAG_CLOSE   # invisible to smart quotes
# Where a Verbatim value's line goes: the text itself is put back after Markdown is parsed.
LINE_OPEN, LINE_CLOSE = "\ue006", "\ue007"
_VERBATIM_LINE = re.compile(f"{LINE_OPEN}(\\d+){LINE_CLOSE}")
_VERBATIM_LINES: contextvars.ContextVar[list[str]] = contextvars.ContextVar("drafter_verbatim")
_MARKER = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
_ADJACENT_MARKERS = re.compile(f"(?:{MARK_OPEN}\\d+{MARK_CLOSE}){{2,}}")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")
# Chicago: the note number follows punctuation, so move a marker past a following mark.
_MARKER_BEFORE_PUNCT = re.compile(f"({MARK_OPEN}\\d+{MARK_CLOSE})([.,;:!?]+[”’\"]?)")
_SPACE_BEFORE_MARKER = re.compile(f"[ \t]*(?:\n[ \t]*)?(?={MARK_OPEN})")
TEMPLATES_HINT = "letters/templates/ (no paths outside it)"


def md_escape(value: Any) -> str:
    """A data value as literal Markdown text."""
    text = str(value).translate(_PRIVATE)
    return _MD_SPECIAL.sub(r"\\\1", text)


class _Collector:
    """Citation clusters in the order the template emitted them."""

    def __init__(self, evidence: Evidence):
        self.evidence = evidence
        self.clusters: list[tuple[CiteItem, ...]] = []
        self.snippet_ids: list[tuple[str, ...]] = []   # the snippets behind each cluster

    def add(self, items: tuple[CiteItem, ...], snippet_id: str | None = None) -> Markup:
        self.clusters.append(items)
        self.snippet_ids.append((snippet_id,) if snippet_id else ())
        return Markup(f"{MARK_OPEN}{len(self.clusters) - 1}{MARK_CLOSE}")

    def merge_adjacent(self, text: str) -> str:
        """Markers with nothing between them become one marker: one note, its citations
        separated by semicolons (not fused superscripts like "45")."""
        def merge(m: re.Match) -> str:
            ids = [int(i) for i in _MARKER.findall(m.group(0))]
            self.clusters.append(tuple(c for i in ids for c in self.clusters[i]))
            self.snippet_ids.append(tuple(n for i in ids for n in self.snippet_ids[i]))
            return f"{MARK_OPEN}{len(self.clusters) - 1}{MARK_CLOSE}"
        return _ADJACENT_MARKERS.sub(merge, text)


class EvidenceMissing(DrafterError):
    pass


class _Printed:
    """A value a template prints by calling `_say` when it is printed (as text or as Markup)."""

    def __str__(self) -> str:
        return str(self._say())

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class SnippetView(_Printed):
    """What a template sees of a snippet; printing it gives its text with the citation (or,
    when the letter has already stated it, the citation alone)."""
    id: str
    text: Markup
    tags: tuple
    sources: tuple
    _cite: Any = field(repr=False, compare=False)
    _say: Any = field(repr=False, compare=False)

    def cite(self) -> Markup:
        return self._cite()


_LEADING_TAGS = re.compile(f"^(?:{TAG_OPEN}[^{TAG_CLOSE}]*{TAG_CLOSE})*")


def lowerfirst(value):
    """The `lowerfirst` filter: a sentence's first word in lower case, so an ask written as a
    sentence ("Add the ...") can follow "We ask that you". A word in capitals (TAR) or with a
    capital inside (McGovern) is a name and stays as it is."""
    text = str(value)
    at = _LEADING_TAGS.match(text).end()
    word = re.match(r"[^\W\d_]+", text[at:])
    if word and word.group(0)[0].isupper() and (len(word.group(0)) == 1 or word.group(0)[1:].islower()):
        text = text[:at] + text[at].lower() + text[at + 1:]
    return Markup(text) if hasattr(value, "__html__") else text   # Markup, a snippet, an ask


@dataclass(frozen=True)
class AskView(_Printed):
    """An ask as a template prints it: its text, then its supporting snippets, made when it is
    printed so that evidence the body has already stated is cited, not repeated."""
    id: str
    text: Markup
    _say: Any = field(repr=False, compare=False)


@dataclass(frozen=True)
class PointView(_Printed):
    """A talking point as a template prints it: its lead-in, then its snippets with their notes
    (a snippet the letter has already stated gives its note only). `label` is the page's."""
    id: str
    label: str
    _say: Any = field(repr=False, compare=False)


class AskList(list):
    """The letter's asks; remembers whether the template went through them (a list of asks
    that comes out empty leaves a letter asking nothing)."""
    listed = False

    def __iter__(self):
        self.listed = True
        return super().__iter__()


def trusted_markdown(text: str) -> Markup:
    """Markdown from the campaign's own files (snippets, asks), minus drafter's private marks."""
    return Markup(text.translate(_PRIVATE))


def _ids_hint(function: str) -> str:
    return {"snippet": 'write snippet("dna-scale"): one snippet id in quotes',
            "cite": 'write cite("hrw-2022"), or cite("hrw-2022", "citizenlab-2022") for two sources',
            "snippets": 'write snippets(tag="dna") or snippets(source="hrw-2022")'}[function]


class Helpers:
    """The functions a template can call; bound to one letter's citation collector.

    Each snippet is stated once per letter: printed again (or named by an ask already printed),
    it gives its citation only, and a later snippets(...) call leaves it out."""

    def __init__(self, evidence: Evidence, collector: _Collector, once: bool = True):
        self.evidence = evidence
        self.collector = collector
        self.once = once            # off where each paragraph stands alone (social posts)
        self.stated: set[str] = set()

    def cite(self, *source_ids: str, locator: str | int | None = None, label: str = "page") -> Markup:
        if not source_ids:
            raise EvidenceMissing("cite() needs at least one source id", hint=_ids_hint("cite"))
        for sid in source_ids:
            if not isinstance(sid, str):
                raise EvidenceMissing(f"cite() takes source ids in quotes, one per argument, not {sid!r}",
                                      hint=_ids_hint("cite"))
            if sid not in self.evidence.sources:
                raise EvidenceMissing(f"unknown source {sid!r}",
                                      hint=did_you_mean(sid, self.evidence.sources) or "add it to evidence.yaml")
        loc = str(locator) if locator is not None else None
        return self.collector.add(tuple(CiteItem(sid, loc if i == 0 else None, label)
                                        for i, sid in enumerate(source_ids)))

    def _view(self, nid: str) -> SnippetView:
        s = self.evidence.snippets[nid]
        items = tuple(CiteItem(sid, s.locator if i == 0 else None, s.label) for i, sid in enumerate(s.sources))
        return SnippetView(nid, trusted_markdown(s.text), s.tags, s.sources,
                           lambda: self.collector.add(items, nid), lambda: self._say(nid, items))

    def _say(self, nid: str, items: tuple[CiteItem, ...]) -> Markup:
        if nid in self.stated:
            return self.collector.add(items, nid)
        if self.once:
            self.stated.add(nid)
        return trusted_markdown(self.evidence.snippets[nid].text) + self.collector.add(items, nid)

    def ask(self, ask) -> AskView:
        """An ask's text followed by its supporting snippets, each with its note."""
        def say() -> Markup:
            parts = [trusted_markdown(ask.text)] + [Markup(str(self.snippet(nid))) for nid in ask.evidence]
            return Markup(f"{TAG_OPEN}ask:{ask.id}{TAG_CLOSE}") + Markup(" ").join(parts)
        return AskView(ask.id, trusted_markdown(ask.text), say)

    def point(self, point) -> PointView:
        """A talking point (models.TalkingPoint) as its paragraph's text, tagged with its id."""
        def say() -> Markup:
            parts = ([trusted_markdown(point.lead)] if point.lead else []) + [
                Markup(str(self.snippet(nid))) for nid in point.snippets]
            return Markup(f"{TAG_OPEN}point:{point.id}{TAG_CLOSE}") + Markup(" ").join(parts)
        return PointView(point.id, point.label, say)

    def snippet(self, nid: str) -> SnippetView:
        if not isinstance(nid, str):
            raise EvidenceMissing(f"snippet() takes a snippet id in quotes, not {nid!r}", hint=_ids_hint("snippet"))
        if nid not in self.evidence.snippets:
            raise EvidenceMissing(f"unknown snippet {nid!r}",
                                  hint=did_you_mean(nid, self.evidence.snippets) or "add it to evidence.yaml")
        return self._view(nid)

    def snippets(self, tag: str | None = None, source: str | None = None) -> list[SnippetView]:
        for name, value in (("tag", tag), ("source", source)):
            if value is not None and not isinstance(value, str):
                raise EvidenceMissing(f"snippets() takes {name}= in quotes, not {value!r}", hint=_ids_hint("snippets"))
        found = [s.id for s in self.evidence.select(tag, source)]
        if not found:
            raise EvidenceMissing(f"no snippet has tag {tag!r}" if tag else f"no snippet cites {source!r}",
                                  hint="check the tags in evidence.yaml")
        return [self._view(nid) for nid in found if nid not in self.stated]


def _verbatim(value: Verbatim) -> str:
    """Each non-blank line as a placeholder paragraph; render() puts the lines back."""
    lines = _VERBATIM_LINES.get(None)
    if lines is None:         # printed outside a letter body: plain escaped text
        return md_escape(" ".join(value.split()))
    out = []
    for line in str(value).split("\n"):
        if line.strip():
            lines.append(line)
            out.append(f"{LINE_OPEN}{len(lines) - 1}{LINE_CLOSE}")
    return "\n\n".join(out)


def _restore_verbatim(blocks: list[Block], lines: list[str]) -> list[Block]:
    def text(run):
        if isinstance(run, Text) and LINE_OPEN in run.text:
            return dataclasses.replace(run, text=_VERBATIM_LINE.sub(lambda m: lines[int(m.group(1))], run.text))
        return run
    return [dataclasses.replace(b, inlines=tuple(map(text, b.inlines))) for b in blocks]


def _finalize(value):
    if isinstance(value, Verbatim):
        return _verbatim(value)
    if isinstance(value, (Markup, SnippetView, AskView, PointView)):
        return str(value)
    if value is None:
        raise TemplateError("a template expression gave no value (None)")
    # The campaign's own text (a profile's title, "People's" typed in an expression) gets curly
    # quotes here, like the template around it; a volunteer's words are Verbatim, above.
    text = md_escape(curl(str(value)))
    # Marks around an empty value would make its blank line non-blank, gluing two paragraphs.
    return VERBATIM_OPEN + text + VERBATIM_CLOSE if text.strip() else text


class UnknownName(jinja2.UndefinedError):
    """A name or attribute a template uses that does not exist; keeps what it was looked up on."""

    def __init__(self, obj, name):
        super().__init__(f"unknown name {name!r}")
        self.obj, self.name = obj, name


class _Undefined(jinja2.StrictUndefined):
    """Fails as StrictUndefined does, with an UnknownName that keeps the object and the name."""
    __slots__ = ()

    def __init__(self, hint=None, obj=jinja2.utils.missing, name=None, exc=jinja2.UndefinedError):
        if exc is jinja2.UndefinedError:     # the sandbox passes its SecurityError: that stays
            exc = lambda message: UnknownName(obj, name)   # noqa: E731
        super().__init__(hint, obj, name, exc)


def fields_of(value) -> list[str]:
    """The names a template can read on a value: a profile's fields, a mapping's keys, ..."""
    if isinstance(value, dict):
        return [str(k) for k in value]
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value) if not f.name.startswith("_")]
    return []


_KINDS = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list", tuple: "a list"}


def unknown_name_error(exc: UnknownName, context: dict, line_text: str, **where) -> TemplateError:
    """'unknown name ...' with a did-you-mean among the names that exist there, in the template's
    own terms (`recipient.organization`, `vars.closing_line`), never Python's."""
    name = exc.name
    if exc.obj is jinja2.utils.missing:
        if name == "recipient" and "recipients" in context:
            hint = "a joint letter has several recipients: use 'recipients' or 'addressed(role=...)'"
        elif isinstance(context.get("vars"), dict) and name in context["vars"]:
            hint = f"did you mean 'vars.{name}'? A letter spec's vars: are read as vars.NAME"
        else:
            hint = did_you_mean(name, [k for k in context if not k.startswith("_")]) or \
                "the names a template can use are listed in docs/templates.md"
        return TemplateError(f"unknown name {name!r}", hint=hint, **where)
    m = re.search(r"([A-Za-z_]\w*(?:\.\w+|\[[^\]]*\])*)\s*(?:\.\s*%s\b|\[\s*['\"]%s['\"]\s*\])"
                  % (re.escape(str(name)), re.escape(str(name))), line_text or "")
    fields = fields_of(exc.obj)
    owner = m.group(1) if m else _KINDS.get(type(exc.obj), "this value")
    if isinstance(exc.obj, (list, tuple)) and isinstance(name, int):
        m = re.search(r"([A-Za-z_]\w*(?:\.\w+)*)\s*\[\s*%d\s*\]" % name, line_text or "")
        owner = m.group(1) if m else "the list"
        return TemplateError(f"{owner} has no item [{name}]", hint=f"it has {len(exc.obj)} item(s)"
                             + (": test it with {% if " + owner + " %}" if not exc.obj else ""), **where)
    close = did_you_mean(str(name), fields)
    if close and m:
        hint = f"did you mean '{owner}.{close[len('did you mean ') + 1:-2]}'?"
    elif close:
        hint = close
    elif owner == "vars":
        hint = f"set {name}: under 'vars:' in the letter spec" + (f"; it has {', '.join(fields)}" if fields else "")
    else:
        hint = f"{owner} has: {', '.join(fields)}" if fields else None
    return TemplateError(f"{owner} has no field {name!r}", hint=hint, **where)


# Python's names for what a template handles, in the template's terms.
_TYPE_WORDS = {"Recipient": "recipient", "Signer": "signer", "SnippetView": "snippet", "AskView": "ask",
               "PointView": "point",
               "AskList": "list", "Markup": "text", "str": "text", "NoneType": "nothing", "dict": "mapping",
               "int": "number", "float": "number", "tuple": "list", "bool": "true/false"}
_TYPE_NAME = re.compile(r"""(['"])(?:[\w.]+\.)?(%s)(?: object)?\1""" % "|".join(_TYPE_WORDS))


def plain_types(message: str) -> str:
    """An error message with Python's type names ('drafter.campaign.models.Recipient object')
    put as a template author knows them ('recipient')."""
    message = message.replace("can only concatenate str", "can only join text")
    return _TYPE_NAME.sub(lambda m: m.group(1) + _TYPE_WORDS[m.group(2)] + m.group(1), message).replace(" to str", " to text")


MAX_TEMPLATE = 4 * 1024 * 1024     # bytes of one template file


def read_template(path: Path, root: Path) -> str:
    """A template's text: a regular file inside the campaign folder `root` (reading.read_file)."""
    data = read_file(path, inside=root, max_bytes=MAX_TEMPLATE, error=TemplateError, what="template")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", file=str(path),
                            line=data[:exc.start].count(b"\n") + 1, hint="save the template as UTF-8") from None


class CampaignLoader(jinja2.BaseLoader):
    """Templates from letters/templates, each read through reading.read_file: a link out of the
    campaign folder, a FIFO or a device is refused (a FileSystemLoader would follow or hang)."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = Path(templates_dir)
        self.root = self.templates_dir.parent.parent      # CAMPAIGN/letters/templates

    def get_source(self, environment, template):
        path = self.templates_dir.joinpath(*jinja2.loaders.split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        source = read_template(path, self.root)
        mtime = os.path.getmtime(path)
        return source, str(path), lambda: os.path.exists(path) and os.path.getmtime(path) == mtime


def make_environment(templates_dir: Path) -> SafeEnvironment:
    env = SafeEnvironment(
        loader=CampaignLoader(templates_dir),
        undefined=_Undefined, autoescape=False, finalize=_finalize,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["lowerfirst"] = lowerfirst
    return env


def _template_line(exc: BaseException, template_file: str) -> int | None:
    """The line of the template where a runtime error happened (Jinja rewrites tracebacks)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == template_file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


@dataclass
class RenderedBody:
    blocks: tuple[Block, ...]
    clusters: list[tuple[CiteItem, ...]]          # one per note, in note order
    snippet_ids: list[tuple[str, ...]] = field(default_factory=list)   # the snippets behind each note
    asks_missing: bool = False      # the template lists the asks, and there are none


class BodyRenderer:
    """Renders one template for many letters; the parsed template is reused."""

    def __init__(self, templates_dir: Path, name: str, evidence: Evidence, suffix: str = ".md.j2",
                 once: bool = True):
        self.evidence = evidence
        self.once = once
        self.env = make_environment(templates_dir)
        self.filename = f"{name}{suffix}"
        self.path = templates_dir / self.filename
        try:
            self.template = self.env.get_template(self.filename)
        except jinja2.TemplateNotFound:
            raise TemplateError("template not found", file=str(self.path)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", file=str(self.path),
                                line=exc.lineno) from None
        self.md = MarkdownIt("commonmark", {"html": False, "typographer": False})
        # A batch's letters from one volunteer to each member usually share the same body text.
        self._blocks = functools.lru_cache(maxsize=8)(lambda text: markdown_blocks(self.md, text))

    def _line_text(self, line: int | None) -> str:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return ""
        return lines[line - 1] if line and 0 < line <= len(lines) else ""

    def render(self, context: dict) -> RenderedBody:
        collector = _Collector(self.evidence)
        helpers = Helpers(self.evidence, collector, self.once)
        ctx = dict(context, cite=helpers.cite, snippet=helpers.snippet, snippets=helpers.snippets)
        if "asks" in ctx:
            ctx["asks"] = AskList(helpers.ask(a) for a in ctx["asks"])
        if "points" in ctx:
            ctx["points"] = [helpers.point(p) for p in ctx["points"]]
        verbatim: list[str] = []
        token = _VERBATIM_LINES.set(verbatim)
        try:
            text = render_bounded(self.template, ctx, str(self.path))
        except UnknownName as exc:
            line = _template_line(exc, self.template.filename)
            raise unknown_name_error(exc, ctx, self._line_text(line), file=str(self.path), line=line) from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"{exc.message}", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"included template {exc.name!r} not found in {TEMPLATES_HINT}",
                                file=str(self.path), line=_template_line(exc, self.template.filename)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", file=exc.filename or str(self.path),
                                line=exc.lineno) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateError(f"not allowed in a template: {exc}", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        except DrafterError as exc:
            if exc.file and exc.file != str(self.path):     # e.g. an included template refused
                exc.message = f"{exc.file}: {exc.message}"
            exc.file, exc.line = str(self.path), _template_line(exc, self.template.filename)
            raise
        except RecursionError as exc:
            raise TemplateError("the template recurses without end", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError,
                OverflowError, jinja2.TemplateRuntimeError) as exc:
            raise TemplateError(f"template error: {plain_types(str(exc))}", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        finally:
            _VERBATIM_LINES.reset(token)
        text = collector.merge_adjacent(_SPACE_BEFORE_MARKER.sub("", text))
        text = smart_quotes(_MARKER_BEFORE_PUNCT.sub(r"\2\1", text), transparent=_MARKS)
        blocks, order = self._blocks(text)
        if verbatim:
            blocks = _restore_verbatim(blocks, verbatim)
        # Notes are numbered by where their markers stand in the text, not by call order.
        asks = ctx.get("asks")
        return RenderedBody(tuple(blocks), [collector.clusters[i] for i in order],
                            [collector.snippet_ids[i] for i in order],
                            isinstance(asks, AskList) and asks.listed and not asks)


def _inline_runs(children, order: list[int], origins: list[str] | None = None) -> list:
    """Inline tokens to Text runs and note markers; `order` collects marker indexes in document
    order, `origins` the tags met in the text."""
    out: list = []
    styles: list[str] = []
    link: list[str] = []

    def add_text(text: str):
        if TAG_OPEN in text:
            if origins is not None:
                origins.extend(_TAG.findall(text))
            text = _TAG.sub("", text)
        pos = 0
        for m in _MARKER.finditer(text):
            if m.start() > pos:
                add_plain(text[pos:m.start()])
            order.append(int(m.group(1)))
            out.append(NoteRef(len(order)))
            pos = m.end()
        if pos < len(text):
            add_plain(text[pos:])

    def add_plain(text: str):
        text = text.translate(_VERBATIM_MARKS)
        style = "Hyperlink" if link else (styles[-1] if styles else None)
        if "Emphasis" in styles and "Strong" in styles and not link:
            out.append(Text(text, style="Strong", italic=True))
            return
        out.append(Text(text, style=style, link=link[-1] if link else None))

    for tok in children or []:
        if tok.type == "text" or tok.type == "code_inline":
            add_text(tok.content)
        elif tok.type == "softbreak":
            add_plain(" ")
        elif tok.type == "hardbreak":
            add_plain("\n")
        elif tok.type == "em_open":
            styles.append("Emphasis")
        elif tok.type == "strong_open":
            styles.append("Strong")
        elif tok.type in ("em_close", "strong_close"):
            styles.pop()
        elif tok.type == "link_open":
            href = tok.attrGet("href") or ""
            link.append(href if href.startswith(("http://", "https://", "mailto:")) else None)
            if link[-1] is None:
                link.pop()
                link.append("")
        elif tok.type == "link_close":
            link.pop()
        elif tok.type == "image":
            add_text(tok.content)
    return [r for r in out if not (isinstance(r, Text) and r.text == "")]


def markdown_blocks(md: MarkdownIt, text: str) -> tuple[list[Block], list[int]]:
    """CommonMark to body blocks (paragraphs, lists, block quotes, headings), and the citation
    marker indexes in the order they appear."""
    tokens = md.parse(text)
    blocks: list[Block] = []
    order: list[int] = []
    lists: list[tuple[str, int]] = []
    quote = 0
    list_counter = 0
    previous = None
    for tok in tokens:
        prev, previous = previous, tok
        if tok.type in ("ordered_list_open", "bullet_list_open"):
            list_counter += 1
            lists.append(("ordered" if tok.type == "ordered_list_open" else "bullet", list_counter))
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif tok.type == "blockquote_open":
            quote += 1
        elif tok.type == "blockquote_close":
            quote -= 1
        elif tok.type == "inline":
            origins: list[str] = []
            runs = tuple(_inline_runs(tok.children, order, origins))
            if not runs:
                continue
            origin = origins[0] if origins else None
            if lists:
                kind, lid = lists[-1]
                blocks.append(Block(kind, runs, lid, origin=origin))
            elif quote:
                blocks.append(Block("quote", runs, origin=origin))
            elif prev is not None and prev.type == "heading_open":
                blocks.append(Block("heading", runs, origin=origin))
            else:
                blocks.append(Block("para", runs, origin=origin))
        elif tok.type in ("fence", "code_block"):
            code = Token("text", "", 0, content=tok.content.rstrip())
            blocks.append(Block("para", tuple(_inline_runs([code], order))))
    return blocks, order
