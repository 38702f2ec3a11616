"""Names of the files drafter writes, made from data (names, addresses, ids, the spec's output
pattern): only characters every system allows, never a reserved name, never out of the
output folder."""
from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path
from typing import Iterable

from drafter.errors import DataError, OutputError

# 120 characters before the suffix ('.docx'): far under the 255 that NTFS, APFS and ext4 allow
# (and the 143 of an encrypted home folder on Linux), leaving about 130 of Windows' 260-character
# MAX_PATH for the folder (C:\Users\NAME\Documents\CAMPAIGN\drafts\constituent\ is often 50-90).
MAX_NAME = 120
# Windows' device names, also before an extension ('con.txt') and with superscript digits (which
# NFKD turns into ASCII digits before this is checked).
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)")
_SUFFIX = re.compile(r"(\.[A-Za-z0-9]+)?")


def safe_name(text: str, suffix: str = "") -> str:
    """A file name from data, valid on Windows, macOS and Linux: `text` in ASCII letters, digits
    and '-', '.', '_' (accents dropped, other characters a '-'), at most MAX_NAME characters, never
    empty ('letter'), never beginning with '.' or '-' nor ending in '.', never a device name
    ('x-con', 'x-COM1.txt'), then `suffix` ('.docx', or '' for a piece of a name): a piece stays
    valid with any suffix after it, and safe_name(safe_name(t)) == safe_name(t)."""
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"not a file suffix: {suffix!r}")
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")
    text = re.sub(r"-{2,}", "-", text)[:MAX_NAME].strip("-._")   # a cut can end in '-' or '.'
    if not text:
        text = "letter"
    elif _RESERVED.match(text):
        text = f"x-{text}"[:MAX_NAME].rstrip("-._")
    return text + suffix


def first_clash(named: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The first two (file name, what it holds) that would be one file on Windows or macOS, whose
    disks ignore case by default ('Casper.txt' is 'casper.txt'); None when all are distinct."""
    seen: dict[str, tuple[str, str]] = {}
    for item in named:
        earlier = seen.setdefault(item[0].casefold(), item)
        if earlier is not item:
            return earlier, item
    return None


def recipient_label(addressee_ids: tuple[str, ...], recipient_ids: tuple[str, ...]) -> str:
    """A draft's {recipient}: the ids of those addressed ("raimondo-yellen-blinken", "a-and-21-others");
    a whole-committee letter is named after its chair and ranking member, "-and-members" telling
    it from a letter to those two alone."""
    ids = addressee_ids or recipient_ids
    label = "-".join(ids) if len(ids) <= 3 else f"{ids[0]}-and-{len(ids) - 1}-others"
    return label + "-and-members" if len(ids) < len(recipient_ids) else label


# How to tell two files apart by name (refuse_clash): letters by the 'output' pattern, kit files by id.
_CLASH_HINTS = {"letters": "put {recipient} in the 'output' pattern",
                "kit files": "give the recipients ids that differ in more than punctuation"}


def refuse_clash(named: Iterable[tuple[str, str]], what: str, file: str | None) -> None:
    """The DataError draft and kit refuse with (and check reports) when two of their files
    ("letters", "kit files"), given as (file name, whom it is for), would be one."""
    hint = _CLASH_HINTS[what]
    clash = first_clash(named)
    if not clash:
        return
    (name, first), (other, second) = clash
    if name == other:
        raise DataError(f"two {what} would be written to {name} (for {first} and for {second})", file=file, hint=hint)
    # Windows' and macOS's disks ignore case: one file would replace the other there
    raise DataError(f"two {what} would be written to {name} and {other} (for {first} and for {second}), "
                    "one file on Windows and macOS, which ignore case", file=file,
                    hint="give the recipients ids that differ in more than case")


def kit_file_name(kind: str, recipient_id: str) -> str:
    """A kit file made for one recipient (a call script, shareholder questions): KIND-ID.txt."""
    return safe_name(f"{kind}-{recipient_id}", ".txt")


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
    path = out_dir / safe_name(name, suffix)
    from drafter.output.files import check_target
    check_target(path)
    if path.resolve().parent != out_dir.resolve():
        raise OutputError(f"output name {name!r} would leave the output folder", file=str(out_dir))
    return path
