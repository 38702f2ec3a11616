"""Zip a package's parts into .docx bytes, the same bytes for the same letter every time.

The archive is written directly (stored names, fixed time, deflate at level 6) with the bytes
Python's zipfile would write; parts that repeat from letter to letter (styles, settings,
footnotes of a batch) are compressed once and remembered, which makes batches faster.
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache

FIXED_TIME = (1980, 1, 1, 0, 0, 0)   # no build time in the file: identical input, identical bytes
LEVEL = 6
_DOSTIME, _DOSDATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1
_VERSION, _UNIX, _DEFLATED = 20, 3, 8
_ATTR = 0o644 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@lru_cache(maxsize=64)
def _deflate(data: bytes) -> tuple[bytes, int]:
    """Raw deflate and CRC-32 of one part. Parts met in every letter stay in the cache; the
    per-letter ones pass through it (bounded, so a long batch accumulates nothing)."""
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data)


def zip_parts(parts: dict[str, bytes]) -> bytes:
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in parts.items():
        packed, crc = _deflate(data)
        fname = name.encode("ascii")     # part names are ASCII (flag 0x800 would mark UTF-8)
        local = _LOCAL.pack(b"PK\003\004", _VERSION, 0, 0, _DEFLATED, _DOSTIME, _DOSDATE, crc,
                            len(packed), len(data), len(fname), 0)
        central.append(_CENTRAL.pack(b"PK\001\002", _VERSION, _UNIX, _VERSION, 0, 0, _DEFLATED,
                                     _DOSTIME, _DOSDATE, crc, len(packed), len(data), len(fname),
                                     0, 0, 0, 0, _ATTR, offset) + fname)
        out += (local, fname, packed)
        offset += len(local) + len(fname) + len(packed)
    directory = b"".join(central)
    end = _END.pack(b"PK\005\006", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(out) + directory + end
