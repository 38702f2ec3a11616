"""Render a letter body: a sandboxed Jinja2 template producing Markdown, parsed into blocks.

Templates call `cite(source_id)`, `snippet(id)` and `snippets(tag=...)`; each citation leaves a
private marker in the Markdown, which becomes a footnote reference once the Markdown is parsed.
Values from data files are Markdown-escaped on output, so a volunteer's note or a recipient's
name is printed as written; snippet text and citations are trusted Markdown from evidence.yaml.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from drafter.compose.citations import CiteItem
from drafter.errors import DrafterError, TemplateError, did_you_mean
from drafter.compose.letter import Block, NoteRef, Text
from drafter.campaign.models import Evidence
from drafter.compose.sandbox import SafeEnvironment, render_bounded

MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
# A tag naming where a paragraph's text came from ("ask:entity-list"), so later steps can
# attach review notes to it without matching words.
TAG_OPEN, TAG_CLOSE = "\ue002", "\ue003"
_TAG = re.compile(f"{TAG_OPEN}([^{TAG_CLOSE}]*){TAG_CLOSE}")
_PRIVATE = str.maketrans("", "", MARK_OPEN + MARK_CLOSE + TAG_OPEN + TAG_CLOSE)
_MARKER = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
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
        self.snippet_ids: list[str | None] = []   # the snippet behind each cluster, if any

    def add(self, items: tuple[CiteItem, ...], snippet_id: str | None = None) -> Markup:
        self.clusters.append(items)
        self.snippet_ids.append(snippet_id)
        return Markup(f"{MARK_OPEN}{len(self.clusters) - 1}{MARK_CLOSE}")


class EvidenceMissing(DrafterError):
    pass


@dataclass(frozen=True)
class SnippetView:
    """What a template sees of a snippet; printing it gives its text with the citation."""
    id: str
    text: Markup
    tags: tuple
    sources: tuple
    _cite: Any = field(repr=False, compare=False)

    def __str__(self) -> str:
        return str(self.text + self._cite())

    def __html__(self) -> str:
        return str(self)

    def cite(self) -> Markup:
        return self._cite()


def trusted_markdown(text: str) -> Markup:
    """Markdown from the campaign's own files (snippets, asks), minus drafter's private marks."""
    return Markup(text.translate(_PRIVATE))


class Helpers:
    """The functions a template can call; bound to one letter's citation collector."""

    def __init__(self, evidence: Evidence, collector: _Collector):
        self.evidence = evidence
        self.collector = collector

    def cite(self, *source_ids: str, locator: str | int | None = None, label: str = "page") -> Markup:
        if not source_ids:
            raise EvidenceMissing("cite() needs at least one source id")
        for sid in source_ids:
            if sid not in self.evidence.sources:
                raise EvidenceMissing(f"unknown source {sid!r}",
                                      hint=did_you_mean(sid, self.evidence.sources) or "add it to evidence.yaml")
        loc = str(locator) if locator is not None else None
        return self.collector.add(tuple(CiteItem(sid, loc if i == 0 else None, label)
                                        for i, sid in enumerate(source_ids)))

    def _view(self, nid: str) -> SnippetView:
        s = self.evidence.snippets[nid]
        items = tuple(CiteItem(sid, s.locator if i == 0 else None, s.label) for i, sid in enumerate(s.sources))
        return SnippetView(nid, trusted_markdown(s.text), s.tags, s.sources, lambda: self.collector.add(items, nid))

    def ask(self, ask) -> Markup:
        """An ask's text followed by its supporting snippets, each with its note."""
        parts = [trusted_markdown(ask.text)] + [Markup(str(self.snippet(nid))) for nid in ask.evidence]
        return Markup(f"{TAG_OPEN}ask:{ask.id}{TAG_CLOSE}") + Markup(" ").join(parts)

    def snippet(self, nid: str) -> SnippetView:
        if nid not in self.evidence.snippets:
            raise EvidenceMissing(f"unknown snippet {nid!r}",
                                  hint=did_you_mean(nid, self.evidence.snippets) or "add it to evidence.yaml")
        return self._view(nid)

    def snippets(self, tag: str | None = None, source: str | None = None) -> list[SnippetView]:
        out = [self._view(s.id) for s in self.evidence.select(tag, source)]
        if not out:
            raise EvidenceMissing(f"no snippet has tag {tag!r}" if tag else f"no snippet cites {source!r}",
                                  hint="check the tags in evidence.yaml")
        return out


def _finalize(value):
    if isinstance(value, (Markup, SnippetView)):
        return str(value)
    if value is None:
        raise TemplateError("a template expression gave no value (None)")
    return md_escape(value)


def make_environment(templates_dir: Path) -> SafeEnvironment:
    env = SafeEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined, autoescape=False, finalize=_finalize,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
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
    snippet_ids: list[str | None] = field(default_factory=list)   # the snippet behind each note


class BodyRenderer:
    """Renders one template for many letters; the parsed template is reused."""

    def __init__(self, templates_dir: Path, name: str, evidence: Evidence, suffix: str = ".md.j2"):
        self.evidence = evidence
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

    def render(self, context: dict) -> RenderedBody:
        collector = _Collector(self.evidence)
        helpers = Helpers(self.evidence, collector)
        ctx = dict(context, cite=helpers.cite, snippet=helpers.snippet, snippets=helpers.snippets)
        if "asks" in ctx:
            ctx["asks"] = [helpers.ask(a) for a in ctx["asks"]]
        try:
            text = render_bounded(self.template, ctx, str(self.path))
        except jinja2.UndefinedError as exc:
            hint = None
            if "'recipient' is undefined" in str(exc):
                hint = "a joint letter has several recipients: use 'recipients' or 'addressed(role=...)'"
            raise TemplateError(f"{exc.message}", file=str(self.path),
                                line=_template_line(exc, self.template.filename), hint=hint) from None
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
            exc.file, exc.line = str(self.path), _template_line(exc, self.template.filename)
            raise
        except RecursionError as exc:
            raise TemplateError("the template recurses without end", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError,
                OverflowError, jinja2.TemplateRuntimeError) as exc:
            raise TemplateError(f"template error: {exc}", file=str(self.path),
                                line=_template_line(exc, self.template.filename)) from None
        text = _MARKER_BEFORE_PUNCT.sub(r"\2\1", _SPACE_BEFORE_MARKER.sub("", text))
        blocks, order = self._blocks(text)
        # Notes are numbered by where their markers stand in the text, not by call order.
        return RenderedBody(tuple(blocks), [collector.clusters[i] for i in order],
                            [collector.snippet_ids[i] for i in order])


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
