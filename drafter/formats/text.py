"""A letter as plain text (web forms, email) and as Markdown with pandoc-style footnotes.

Both read the same `Letter` the Word builder reads, so the words are the same; only the
markup differs. Plain text has none: note markers are "[1]", the notes follow as a numbered
"Sources" list ("Quellen" in German), lists are "1." and "-", block quotes are indented.
"""
from __future__ import annotations

import re
import textwrap

from drafter.compose.letter import Block, Letter, NoteRef, subject_line
from drafter.locale import get as get_locale



def _plain_inlines(inlines) -> str:
    out = []
    for item in inlines:
        if isinstance(item, NoteRef):
            out.append(f"[{item.number}]")
        elif item.link and item.link != item.text and item.link.removeprefix("mailto:") != item.text:
            out.append(f"{item.text} ({item.link})")
        else:
            out.append(item.text)
    return "".join(out)


def _wrap(text: str, width: int | None, first: str = "", rest: str = "") -> str:
    """Indent (and wrap, when a width is given) one paragraph; hard line breaks are kept."""
    lines = text.split("\n")
    if not width:
        return "\n".join((first if i == 0 else rest) + line for i, line in enumerate(lines))
    out = []
    for i, line in enumerate(lines):
        out.append(textwrap.fill(line, width, initial_indent=first if i == 0 else rest,
                                 subsequent_indent=rest, break_long_words=False,
                                 break_on_hyphens=False) or (first if i == 0 else rest).rstrip())
    return "\n".join(out)


def body_lines(blocks: tuple[Block, ...], render, wrap: int | None, markdown: bool = False) -> list[str]:
    """Body paragraphs; consecutive items of one list are kept together without blank lines."""
    out: list[str] = []
    counters: dict[int, int] = {}
    prev = None
    for block in blocks:
        text = render(block.inlines)
        if block.kind in ("ordered", "bullet"):
            counters[block.list_id] = counters.get(block.list_id, 0) + 1
            marker = f"{counters[block.list_id]}. " if block.kind == "ordered" else "- "
            item = _wrap(text, wrap, marker, " " * len(marker))
            if prev is not None and prev.list_id == block.list_id and prev.kind == block.kind:
                out[-1] += "\n" + item
            else:
                out.append(item)
        elif block.kind == "quote":
            out.append(_wrap(text, wrap, "> ", "> ") if markdown else _wrap(text, wrap, "    ", "    "))
        else:
            out.append(_wrap(text, wrap))
        prev = block
    return out


def _frame(letter: Letter, escape) -> tuple[list[str], list[str]]:
    """The parts around the body: (head, tail) as paragraphs of text."""
    head = []
    if letter.letterhead or letter.letterhead_address:
        head.append("\n".join(escape(x) for x in (*letter.letterhead, *letter.letterhead_address)))
    if letter.return_address:
        head.append("\n".join(escape(x) for x in letter.return_address))
    head.append(escape(letter.date_line))
    head += ["\n".join(escape(x) for x in block.lines) for block in letter.addresses]
    if letter.subject:
        head.append(escape(subject_line(letter.subject, letter.locale)))
    head.append(escape(letter.salutation))
    tail = [escape(letter.closing)]
    tail += ["\n".join(escape(x) for x in sig) for sig in letter.signatures]
    if letter.cc:
        word = get_locale(letter.locale).cc + " "      # "cc: ", "Kopie an: "; the rest aligned under the first
        tail.append("\n".join((word if i == 0 else " " * len(word)) + escape(x) for i, x in enumerate(letter.cc)))
    return head, tail


def letter_text(letter: Letter, wrap: int | None = None) -> str:
    """The letter as plain text; `wrap` is a line width (None: one line per paragraph, for web forms)."""
    head, tail = _frame(letter, str)
    body = body_lines(letter.body, _plain_inlines, wrap)
    parts = head + body + tail
    if letter.notes:
        width = len(str(len(letter.notes))) + 2
        notes = [_wrap(_plain_inlines(n.inlines), wrap, f"{n.number}.".ljust(width), " " * width)
                 for n in letter.notes]
        parts += [get_locale(letter.locale).kit.sources, "\n".join(notes)]
    return "\n\n".join(parts) + "\n"


# Markdown (pandoc and CommonMark): escape what would otherwise be read as markup.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~^]|&(?=#?\w+;))")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_MD_EDGE_SPACE = re.compile(r"^\s+|\s+$")


def _keep_spaces(match: re.Match) -> str:
    """Leading or trailing white space as character references: CommonMark would strip it (or
    read four leading spaces as code), a volunteer's indentation must stay."""
    return "".join(f"&#{ord(ch)};" for ch in match.group())


def md_escape(text: str) -> str:
    text = _MD_INLINE.sub(r"\\\1", text)
    return "\n".join(_MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[0] in "#>+=-"
                                        else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], line)
                     for line in text.split("\n"))


def markdown_inlines(inlines) -> str:
    """Inline runs as Markdown: emphasis, links and pandoc-style note references."""
    out = []
    for item in inlines:
        if isinstance(item, NoteRef):
            out.append(f"[^{item.number}]")
            continue
        text = md_escape(item.text)
        if item.style == "Strong" or item.bold:
            text = f"**{text}**" if text.strip() else text
        if item.style == "Emphasis" or item.italic:
            text = f"*{text}*" if text.strip() else text
        if item.link:
            url = item.link.replace(" ", "%20").replace(")", "%29").replace(">", "%3E")
            text = f"<{url}>" if item.text == item.link else f"[{text}]({url})"
        out.append(text)
    # A hard line break inside a paragraph: backslash-newline (CommonMark and pandoc).
    return _MD_EDGE_SPACE.sub(_keep_spaces, "".join(out)).replace("\n", "\\\n")


def letter_markdown(letter: Letter) -> str:
    """The letter as Markdown with pandoc-style footnotes ([^1] and [^1]: definitions)."""
    head, tail = _frame(letter, md_escape)
    head = [p.replace("\n", "\\\n") for p in head]
    tail = [p.replace("\n", "\\\n") for p in tail]
    body = body_lines(letter.body, markdown_inlines, None, markdown=True)
    parts = head + body + tail
    if letter.notes:
        parts.append("\n".join(f"[^{n.number}]: {markdown_inlines(n.inlines)}" for n in letter.notes))
    return "\n\n".join(parts) + "\n"
