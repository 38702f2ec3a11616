"""Names of the files drafter writes, made from data (names, addresses, ids, the spec's output
pattern): only characters every system allows, never a reserved name, never out of the
output folder."""
from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

from drafter.errors import OutputError

MAX_NAME = 120
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(text: str) -> str:
    """A file-name piece from data: ASCII letters, digits, '-', '.', '_'; never empty or reserved."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")
    text = re.sub(r"-{2,}", "-", text)[:MAX_NAME].strip("-._")
    if not text or text.lower() in _RESERVED:
        text = f"x-{text}" if text else "letter"
    return text


def output_name(pattern: str, **values) -> str:
    """Fill the spec's `output` pattern ({date}, {template}, {recipient}, {letter}); each value is made safe.

    Only plain fields are allowed: `{recipient.__class__}`, `{recipient[0]}` or `{recipient:>999999}`
    would reach into Python objects or allocate without bound."""
    hint = "use {date}, {template}, {recipient} and {letter}"
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise OutputError(f"bad output pattern {pattern!r}: {exc}", hint=hint) from None
    literal = "".join(text for text, *_ in parsed)
    if re.search(r"[/\\:]", literal) or literal.startswith("."):
        raise OutputError(f"bad output pattern {pattern!r}: it names a file, not a path",
                          hint="drop folders and '..' from 'output'; choose the folder with -o")
    fields = [(f, spec, conv) for _text, f, spec, conv in parsed if f is not None]
    for name, spec, conv in fields:
        if name not in values or spec or conv:
            raise OutputError(f"bad output pattern {pattern!r}: {{{name}{'!' + conv if conv else ''}"
                              f"{':' + spec if spec else ''}}} is not a plain field", hint=hint)
    name = pattern.format(**{k: safe_name(v) for k, v in values.items()})
    return safe_name(name)


def target_path(out_dir: Path, name: str, suffix: str) -> Path:
    path = (out_dir / f"{name}{suffix}")
    from drafter.output.files import check_target
    check_target(path)
    if path.resolve().parent != out_dir.resolve():
        raise OutputError(f"output name {name!r} would leave the output folder", file=str(out_dir))
    return path
