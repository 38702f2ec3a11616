"""Typographic quotation marks and apostrophes for the campaign's own text.

Straight quotes typed in templates, snippets and source titles become ’ “ ” (and ‘ ’), so the
body and the notes match the curly quotes CSL styles print. Text in a verbatim span (between
VERBATIM_OPEN and VERBATIM_CLOSE) is left exactly as written but still read as context: a
volunteer's own words are never altered.
"""
from __future__ import annotations

VERBATIM_OPEN, VERBATIM_CLOSE = "\ue004", "\ue005"
# After these (or at the start) a quote opens; after anything else it closes.
_OPENS_AFTER = set(" \t\n\r([{<\u00a0\u2014\u2013-/“‘") | {""}


def smart_quotes(text: str, before: str = "", transparent: str = "") -> str:
    """`text` with straight ' " and BibTeX-style ` turned typographic.

    `before` is the text just ahead of `text` (the previous run), used to tell an opening quote
    from a closing one; characters in `transparent` (drafter's private marks) are skipped when
    looking back or ahead.
    """
    if not any(q in text for q in "'\"`"):
        return text
    out: list[str] = []
    prev = before[-1:] if before else ""
    verbatim = False
    for i, ch in enumerate(text):
        if ch == VERBATIM_OPEN or ch == VERBATIM_CLOSE:
            verbatim = ch == VERBATIM_OPEN
            out.append(ch)
            continue
        if ch in transparent:
            out.append(ch)
            continue
        if not verbatim and ch in "'\"`":
            nxt = next((c for c in text[i + 1:] if c not in transparent + VERBATIM_OPEN + VERBATIM_CLOSE), "")
            if ch == "`":
                ch = "‘"
            elif ch == "'":
                # An apostrophe inside or at the end of a word, else a single quote.
                ch = "’" if prev not in _OPENS_AFTER or not nxt or nxt.isspace() else "‘"
            else:
                ch = "“" if prev in _OPENS_AFTER and nxt and not nxt.isspace() else "”"
        out.append(ch)
        prev = ch
    return "".join(out)


def smart_runs(runs):
    """Note runs with smart quotes, each read in the context of the one before, and double
    quotes inside a quoted title made single (US style); links (URLs) are left alone."""
    import dataclasses
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
