"""How alike two letters read: PRODUCT.md's measure, exact for a pair and fast for many.

The words of a letter are those from its salutation to its closing, notes left out, lower-cased,
punctuation dropped (an apostrophe joins: "people’s" is one word). Two letters' similarity is the
Jaccard similarity of their sets of five-word sequences (shingles): shared / all.

`similarity(a, b)` gives it exactly. For a batch's thousands of letters, and for the campaign
log (which keeps no letter's text), each letter has a fingerprint: a one-permutation MinHash of
its shingles, 128 bins of 16 bits (256 bytes). Two fingerprints agree in a share of bins that
estimates the Jaccard similarity (standard error at most 0.045; tests/test_similarity.py holds
it to the exact measure), and `nearest()` finds each letter's most similar neighbour in its group
through locality-sensitive hashing (42 bands of 3 bins) without comparing every pair.

A fingerprint holds no text: 128 16-bit pieces of hashes of sampled shingles. Someone who
guesses a five-word sequence can test whether it is likely among them, nothing more.
"""
from __future__ import annotations

import base64
import hashlib
import re
import sys
from array import array
from itertools import repeat
from operator import and_, rshift
from typing import Hashable, Iterable, Sequence

SHINGLE = 5
BINS = 128                       # fingerprint bins, 16 bits each
BAND = 3                         # bins per LSH band: 42 bands find a pair at 0.5 with p = 0.996
BANDS = BINS // BAND
THRESHOLD = 0.5                  # above it two letters read as one form letter (WriteToThem's)
CANDIDATES = 32                  # comparisons per letter at most, from its most specific buckets
FINGERPRINT_CHARS = len(base64.b64encode(bytes(2 * BINS)))

_WORD = re.compile(r"[^\W_]+")
_JOINERS = ("'", "’", "‘", "ʼ")    # apostrophes join the word: "don’t" is "dont"
_JOINERS_UTF8 = tuple(j.encode() for j in _JOINERS)
_MASK64 = (1 << 64) - 1
_BIN_SHIFT = 57                  # the top 7 bits of a 64-bit hash choose its bin


# --------------------------------------------------------------------------- words and shingles

def words(text: str) -> list[str]:
    """The words of `text` as the measure reads them: lower-cased, punctuation dropped."""
    for joiner in _JOINERS:
        text = text.replace(joiner, "")
    return _WORD.findall(text.casefold())


# The same words as UTF-8, found at C speed: ASCII letters lower-cased and every other ASCII
# character a space by bytes.translate, the common typographic marks spaces too; a text still
# holding other non-ASCII characters (accented names) is read by words().
_ASCII = bytes(c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32
               for c in range(256))
_MARKS = [m.encode() for m in "“”„‟«»‹›–—―‐‑‒…•·\u00a0\u2009\u202f"]


def _tokens(text: str) -> list[bytes]:
    data = text.encode()
    for joiner in _JOINERS_UTF8:
        data = data.replace(joiner, b"")
    if not data.isascii():
        for mark in _MARKS:
            data = data.replace(mark, b" ")
        if not data.isascii():
            return [w.encode() for w in words(text)]
    return data.translate(_ASCII).split()


def letter_parts(letter) -> list[str]:
    """A letter's text from its salutation to its closing, a line each, without note markers
    or notes (a compose.letter.Letter)."""
    from drafter.compose.letter import Text     # the Letter's own module: no cycle at import
    parts = [letter.salutation]
    for block in letter.body:
        parts.append("".join(run.text for run in block.inlines if isinstance(run, Text)))
    parts.append(letter.closing)
    return parts


def letter_text(letter) -> str:
    return "\n".join(letter_parts(letter))


def shingles(text_or_words: str | Sequence[str]) -> set[tuple[str, ...]]:
    """The set of five-word sequences (a text shorter than five words has none)."""
    w = words(text_or_words) if isinstance(text_or_words, str) else list(text_or_words)
    return set(zip(*(w[i:] for i in range(SHINGLE))))


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b|; two empty sets are 0.0 (nothing to be alike in)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def similarity(a: str, b: str) -> float:
    """The exact similarity of two letters' texts (letter_text of each)."""
    return jaccard(shingles(a), shingles(b))


# --------------------------------------------------------------------------- fingerprints

class _WordIds(dict):
    """A word (UTF-8) -> a stable 60-bit number (blake2b), remembered: a campaign's letters
    share most words."""

    def __missing__(self, word: bytes) -> int:
        if len(self) > 500_000:      # bounded in a long-lived process (drafter serve)
            self.clear()
        value = self[word] = int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(),
                                            "little") >> 4
        return value


_word_ids = _WordIds()
_P1, _P2, _P5 = 11400714785074694791, 14029467366897019727, 2870177450012600261


def _tuple_hash(items: tuple[int, ...]) -> int:
    """CPython's hash of a tuple of ints (xxHash-based, the same since Python 3.8 on 64-bit
    builds), written out: where hash() differs (another build or interpreter) this is used, so
    fingerprints are the same on every system."""
    acc = _P5
    for x in items:
        acc = (acc + (x % ((1 << 61) - 1)) * _P2) & _MASK64
        acc = (((acc << 31) | (acc >> 33)) * _P1) & _MASK64
    acc = (acc + (len(items) ^ (_P5 ^ 3527539))) & _MASK64
    if acc == _MASK64:
        return 1546275796
    return acc - (1 << 64) if acc >= 1 << 63 else acc


_SAMPLE = (123456789012345, (1 << 60) - 5, 7, 0, 99)
_shingle_hash = hash if sys.hash_info.width == 64 and hash(_SAMPLE) == _tuple_hash(_SAMPLE) else _tuple_hash
_BIN_KEYS = tuple(range(-(BINS // 2), BINS // 2))   # h >> 57 of a signed 64-bit hash


_EMPTY = 1 << 63                 # above every signed 64-bit hash: a bin nothing fell in


def _smallest(hashes: Iterable[int]) -> dict[int, int]:
    """Bin -> the smallest hash in it, for the bins some hash fell in."""
    ordered = sorted(hashes, reverse=True)
    return dict(zip(map(rshift, ordered, repeat(_BIN_SHIFT)), ordered))   # the last (smallest) wins


class _Parts(dict):
    """A paragraph's text -> (its word numbers, the smallest hash of its own shingles in each
    bin), remembered: a batch's letters share most paragraphs, so each is read and hashed once,
    and a letter is made of at most 128 values per paragraph, not of every shingle."""

    def __missing__(self, text: str) -> tuple[list[int], list[int]]:
        if len(self) > 4096:
            self.clear()
        ids = list(map(_word_ids.__getitem__, _tokens(text)))
        # largest first: a letter's paragraphs are then runs that sorting merges quickly
        value = self[text] = (ids, sorted(_smallest(map(_shingle_hash, zip(*(ids[i:] for i in range(SHINGLE)))))
                                          .values(), reverse=True))
        return value


_parts = _Parts()


_probes: list[bytes] = []


def _densified(values: list[int]) -> list[int]:
    """Each empty bin takes the value of the first non-empty bin in its own fixed random order
    of bins (Shrivastava's optimal densification): two letters' copies agree as often as the
    bins they copy, so an estimate stays unbiased for short letters."""
    if not _probes:
        _probes.extend(hashlib.blake2b(b"drafter-bin-%d" % i, digest_size=64).digest() for i in range(BINS))
    filled = list(values)
    i = values.index(_EMPTY)
    while True:
        for probe in _probes[i]:
            v = values[probe % BINS]
            if v != _EMPTY:
                break
        else:            # 64 probes all empty (a very short letter): the next non-empty bin
            step = 1
            while values[(i + step) % BINS] == _EMPTY:
                step += 1
            v = values[(i + step) % BINS]
        filled[i] = v
        try:
            i = values.index(_EMPTY, i + 1)
        except ValueError:
            return filled


def fingerprint(text: str | list[str]) -> bytes:
    """A letter's one-permutation MinHash (of its text, or of letter_parts): for each of 128
    bins, 16 bits of the smallest hash of the shingles falling in it (an empty bin borrows from
    a bin chosen at random: _densified). b"" for fewer than five words."""
    texts = text.split("\n") if isinstance(text, str) else [p for part in text for p in part.split("\n")]
    ids: list[int] = []
    hashes: list[int] = []
    crossing: set[int] = set()       # where shingles spanning two paragraphs start
    for t in texts:
        own, minima = _parts[t]
        if own:
            start = len(ids)
            ids += own
            hashes += minima
            crossing.update(range(max(0, start - SHINGLE + 1), start))
    n = len(ids)
    if n < SHINGLE:
        return b""
    hashes += [_shingle_hash(tuple(ids[k:k + SHINGLE])) for k in crossing if k + SHINGLE <= n]
    smallest = _smallest(hashes)
    values = list(map(smallest.get, _BIN_KEYS, repeat(_EMPTY)))
    if len(smallest) < BINS:
        values = _densified(values)
    out = array("H", map(and_, values, repeat(0xFFFF)))
    if sys.byteorder == "big":
        out.byteswap()             # stored little-endian on every system
    return out.tobytes()


def encode(fp: bytes) -> str:
    """A fingerprint as the log stores it (ASCII)."""
    return base64.b64encode(fp).decode("ascii") if fp else ""


def decode(text: str) -> bytes:
    """A stored fingerprint; ValueError when it is not one."""
    if not text:
        return b""
    if len(text) != FINGERPRINT_CHARS:
        raise ValueError("not a fingerprint")
    return base64.b64decode(text.encode("ascii"), validate=True)


def estimate(a: bytes, b: bytes) -> float:
    """The similarity two fingerprints estimate: the share of bins that agree."""
    if not a or not b:
        return 0.0
    return _agree(int.from_bytes(a, "little"), int.from_bytes(b, "little")) / BINS


_LOW15 = int.from_bytes(b"\xff\x7f" * BINS, "little")
_HIGH = int.from_bytes(b"\x00\x80" * BINS, "little")


def _agree(a: int, b: int) -> int:
    """Equal 16-bit lanes of two packed fingerprints: a lane of a ^ b with any bit set gets its
    top bit set by the addition (no carry leaves a lane), then the top bits are counted."""
    x = a ^ b
    return BINS - ((((x & _LOW15) + _LOW15) | x) & _HIGH).bit_count()


# --------------------------------------------------------------------------- many letters

def nearest(fingerprints: Sequence[bytes], groups: Sequence[Hashable]) -> list[tuple[int | None, float]]:
    """For each letter, (the index of the most similar other letter in the same group, its
    estimated similarity), or (None, 0.0) when it is alone in its group (or has no fingerprint).

    Candidates are letters that agree with it in all three bins of at least one band; where a
    band's bucket is large (letters alike throughout) it is compared with at most CANDIDATES of
    them, from its smallest buckets first, so the work grows with the number of letters, not
    with its square. Identical fingerprints are found first, whatever their number."""
    result: list[tuple[int | None, float]] = [(None, 0.0)] * len(fingerprints)
    by_group: dict[Hashable, list[int]] = {}
    for i, (fp, g) in enumerate(zip(fingerprints, groups)):
        if fp:
            by_group.setdefault(g, []).append(i)
    for members in by_group.values():
        if len(members) > 1:
            _nearest_in(fingerprints, members, result)
    return result


def _nearest_in(fingerprints: Sequence[bytes], members: list[int], result: list) -> None:
    same: dict[bytes, list[int]] = {}
    for i in members:
        same.setdefault(fingerprints[i], []).append(i)
    distinct = []
    for fp, ids in same.items():
        if len(ids) > 1:             # identical: 1.0, each with the next (the last with the first)
            for k, i in enumerate(ids):
                result[i] = (ids[(k + 1) % len(ids)], 1.0)
        distinct.append(ids[0])
    if len(distinct) < 2:
        return
    packed = {i: int.from_bytes(fingerprints[i], "little") for i in distinct}
    width = 2 * BAND
    where: dict[int, list[tuple[int, list[int]]]] = {}   # letter -> (its position, bucket) per shared band
    for band in range(BANDS):        # one band's table at a time: a batch's end stays small
        table: dict[bytes, list[int]] = {}
        for i in distinct:
            table.setdefault(fingerprints[i][band * width:(band + 1) * width], []).append(i)
        for bucket in table.values():
            if len(bucket) > 1:
                for pos, i in enumerate(bucket):
                    where.setdefault(i, []).append((pos, bucket))
    for i, found in where.items():
        found.sort(key=lambda item: len(item[1]))
        seen = {i}
        best, best_agree = None, -1
        mine = packed[i]
        for pos, bucket in found:
            # the bucket's members nearest to it in order, alternately after and before
            for step in range(1, len(bucket)):
                for j in (pos + step, pos - step):
                    if 0 <= j < len(bucket) and bucket[j] not in seen:
                        other = bucket[j]
                        seen.add(other)
                        agree = _agree(mine, packed[other])
                        if agree > best_agree:
                            best, best_agree = other, agree
                if len(seen) > CANDIDATES:
                    break
            if len(seen) > CANDIDATES:
                break
        if best is not None and result[i][1] < 1.0:
            result[i] = (best, best_agree / BINS)
    # A letter sharing no band with any other (below about 0.2) still gets its nearest among a
    # few others, so that every letter with a neighbour in its group has a figure.
    for k, i in enumerate(distinct):
        if result[i][0] is None:
            mine, best, best_agree = packed[i], None, -1
            for other in (distinct[(k + step) % len(distinct)] for step in range(1, min(len(distinct), CANDIDATES + 1))):
                agree = _agree(mine, packed[other])
                if agree > best_agree:
                    best, best_agree = other, agree
            result[i] = (best, best_agree / BINS)


def above(results: Iterable[tuple[int | None, float]], threshold: float = THRESHOLD) -> int:
    """How many letters are more similar than `threshold` to another."""
    return sum(1 for _j, s in results if s > threshold)
