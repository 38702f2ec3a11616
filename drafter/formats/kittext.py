"""The action kit's texts as a volunteer uses them (plain text, each citation a number, a link or
nothing) and their lengths as the reader or listener meets them: words spoken or read, a post's
characters as X counts them. `drafter kit` writes and measures them; `drafter check` measures
the same texts in memory, so that an item kit would fail is reported first.
"""
from __future__ import annotations

import re
import unicodedata

from drafter.compose.letter import NoteRef
from drafter.formats.text import body_lines

WORD_LIMITS = {"call-script": 150, "email": 200}
POST_LIMIT = 280


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


def plain_text(inlines, note) -> str:
    """Inline runs as plain text; `note` gives what stands in place of note number n."""
    out = []
    for item in inlines:
        if isinstance(item, NoteRef):
            out.append(note(item.number))
        elif item.link and item.link != item.text:
            out.append(f"{item.text} ({item.link})")
        else:
            out.append(item.text)
    return "".join(out)


def blocks_text(blocks, note) -> str:
    return "\n\n".join(body_lines(blocks, lambda inl: plain_text(inl, note), None))


def spoken(blocks) -> str:
    """The words a caller says or a reader reads: the text without citations."""
    return blocks_text(blocks, lambda n: "")


def post_text(inlines, note_sources: list[tuple[str, ...]], urls: dict[str, str | None]) -> str:
    """A social post: each citation becomes the links of its sources (`urls` by source id)."""
    return plain_text(inlines, lambda n: "".join(f" {urls[s]}" for s in note_sources[n - 1] if urls.get(s)))


def overshoots(kind: str, blocks, note_sources=(), urls=None) -> list[tuple[int, int, int, str]]:
    """(item number, measure, limit, unit) of each item of a rendered kit template that is over
    its limit: the email's body or a call script in words, each social post in characters."""
    if kind == "social":
        lengths = [post_length(post_text(b.inlines, note_sources, urls or {})) for b in blocks]
        return [(i, n, POST_LIMIT, "characters") for i, n in enumerate(lengths, 1) if n > POST_LIMIT]
    if kind in WORD_LIMITS:
        words = count_words(spoken(blocks[1:] if kind == "email" else blocks))
        return [(1, words, WORD_LIMITS[kind], "words")] if words > WORD_LIMITS[kind] else []
    return []
