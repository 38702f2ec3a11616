"""Typographic quotation marks and apostrophes for the campaign's own text.

Straight quotes typed in templates, snippets and source titles become ’ “ ” (and ‘ ’), so the
body and the notes match the curly quotes CSL styles print; so do those typed in the campaign's
data (a profile's title, a spec's subject, a string in a template expression: `curl`). Text in a
verbatim span (between VERBATIM_OPEN and VERBATIM_CLOSE) is left exactly as written but still
read as context: a volunteer's own words are never altered, nor are URLs and email addresses.
"""
from __future__ import annotations

import dataclasses
import re

from drafter.compose.letter import Text

VERBATIM_OPEN, VERBATIM_CLOSE = "\ue004", "\ue005"
# After these (or at the start) a quote opens; after anything else it closes.
_OPENS_AFTER = set(" \t\n\r([{<\u00a0\u2014\u2013-/“‘") | {""}
_QUOTE_OR_MARK = re.compile(f"['\"`{VERBATIM_OPEN}{VERBATIM_CLOSE}]")


def smart_quotes(text: str, before: str = "", transparent: str = "") -> str:
    """`text` with straight ' " and BibTeX-style ` turned typographic.

    `before` is the text just ahead of `text` (the previous run), used to tell an opening quote
    from a closing one; characters in `transparent` (drafter's private marks) are skipped when
    looking back or ahead.
    """
    if not any(q in text for q in "'\"`"):
        return text
    skip = transparent + VERBATIM_OPEN + VERBATIM_CLOSE
    out = list(text)
    verbatim = False
    # Only quotes and verbatim marks are visited: body text is long and has few of them.
    for m in _QUOTE_OR_MARK.finditer(text):
        ch, i = m.group(), m.start()
        if ch in (VERBATIM_OPEN, VERBATIM_CLOSE):
            verbatim = ch == VERBATIM_OPEN
            continue
        if verbatim:
            continue
        j = i - 1
        while j >= 0 and out[j] in skip:
            j -= 1
        prev = out[j] if j >= 0 else before[-1:]
        nxt = next((c for c in text[i + 1:i + 40] if c not in skip), "")
        if ch == "`":
            out[i] = "‘"
        elif ch == "'":
            # An apostrophe, or a closing quote, unless it opens a quoted word.
            out[i] = "’" if prev not in _OPENS_AFTER or not nxt or nxt.isspace() else "‘"
        else:
            out[i] = "“" if prev in _OPENS_AFTER and nxt and not nxt.isspace() else "”"
    return "".join(out)


def smart_runs(runs):
    """Note runs with smart quotes, each read in the context of the one before, and double
    quotes inside a quoted title made single (US style); links (URLs) are left alone."""
    out, before, depth = [], "", 0
    for run in runs:
        if not run.link:
            text = smart_quotes(run.text, before)
            nested = []
            for ch in text:
                if ch == "“":
                    depth += 1
                    ch = "‘" if depth == 2 else ch
                elif ch == "”" and depth:
                    ch = "’" if depth == 2 else ch
                    depth -= 1
                nested.append(ch)
            run = dataclasses.replace(run, text="".join(nested))
        out.append(run)
        before = run.text or before
    return out


# Left as typed inside the campaign's data: links, email addresses and handles, and code in
# backticks (in a value a backtick is code, not a BibTeX quote).
_AS_TYPED = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://\S+|\bwww\.\S+|\S*@\S+|`[^`]*`?")
_NO_MARKS = str.maketrans("", "", VERBATIM_OPEN + VERBATIM_CLOSE)


def curl(text: str) -> str:
    """A value of the campaign's own (a profile's title or organisation, a spec's subject or
    signer, a string in a template expression) with typographic quotes, as the template text
    around it gets them; URLs, email addresses and handles as typed."""
    if "'" not in text and '"' not in text:
        return text
    marked = _AS_TYPED.sub(lambda m: VERBATIM_OPEN + m.group() + VERBATIM_CLOSE, text.translate(_NO_MARKS))
    return smart_quotes(marked).translate(_NO_MARKS)


US_MARKS = ("“", "”", "‘", "’")
# A ’ between letters (don’t, Tibet’s) is an apostrophe, not a closing quotation mark.
_MARK = re.compile(r"[“”‘]|(?<!\w)’|’(?!\w)")


def local_marks(text: str, marks: tuple[str, str, str, str]) -> str:
    """Text with US quotation marks (what `curl` and CSL give) in another style: „…“ ‚…‘
    (German), « … » (French), ‘…’ first (British single quotes)."""
    if marks == US_MARKS or not text:
        return text
    table = dict(zip(US_MARKS, marks))
    return _MARK.sub(lambda m: table[m.group()], text)


def us_marks(text: str, marks: tuple[str, str, str, str]) -> str:
    """The reverse of local_marks: another style's quotation marks (a CSL locale's) as US ones,
    so that nesting and the letter's own style apply to them like to any other."""
    pairs = {m: u for m, u in zip(marks, US_MARKS) if m != u}
    if not pairs or not text:
        return text
    pattern = "|".join(r"(?<!\w)’|’(?!\w)" if m == "’" else re.escape(m)
                       for m in sorted(pairs, key=len, reverse=True))
    return re.sub(pattern, lambda m: pairs[m.group()], text)


def localize_quotes(letter, marks: tuple[str, str, str, str]):
    """A composed letter with its quotation marks in the locale's style (links left alone)."""
    if marks == US_MARKS:
        return letter

    def runs(inlines):
        return tuple(dataclasses.replace(x, text=local_marks(x.text, marks))
                     if isinstance(x, Text) and not x.link else x for x in inlines)

    return dataclasses.replace(
        letter, title=local_marks(letter.title, marks), salutation=local_marks(letter.salutation, marks),
        closing=local_marks(letter.closing, marks),
        subject=local_marks(letter.subject, marks) if letter.subject else None,
        body=tuple(dataclasses.replace(b, inlines=runs(b.inlines)) for b in letter.body),
        notes=tuple(dataclasses.replace(n, inlines=runs(n.inlines)) for n in letter.notes))
