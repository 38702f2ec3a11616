"""Compile letter.typ to PDF with the `typst` package, in this process.

Typst may read only a fresh temporary folder holding drafter's two template files and the
letterhead's images (`root`): the data arrives through sys.inputs, never as a file or as
markup. One Compiler per process keeps the fonts it has loaded (about 80 ms the first time,
a few milliseconds a letter after).

Fonts: the letter's font where the machine has it (Times New Roman), else a metric-compatible
free one (Liberation Serif, Tinos), then Noto for Chinese and Tibetan names, then any font of
the machine that has the character, and last the fonts built into typst (Libertinus Serif).
A character no font has is replaced by U+FFFD and reported, never dropped silently. The first
try loads only those families' files (linked into a temporary folder); a character they lack
loads every font of the machine.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Callable

from drafter.errors import ConversionError

TEMPLATE_DIR = Path(__file__).parent
TEMPLATES = ("letter.typ", "letterhead.typ")
# Metric-compatible free faces of the fonts Word letters use: the lines break where Word's do.
METRIC_COMPATIBLE = {"Times New Roman": ("Liberation Serif", "Tinos"),
                     "Arial": ("Liberation Sans", "Arimo"),
                     "Courier New": ("Liberation Mono", "Cousine"),
                     "Calibri": ("Carlito",), "Cambria": ("Caladea",), "Georgia": ("Gelasio",)}
# Scripts of names the campaigns write (Chinese, Tibetan), where the Latin fonts have none.
SCRIPT_FONTS = ("Noto Serif", "Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif Tibetan",
                "Noto Sans Tibetan", "Jomolhari", "Microsoft Himalaya", "SimSun")
IMAGES = "images"       # the letterhead's images, in the root
BUILT_IN = "Libertinus Serif"      # in the typst wheel: always there
STANDARDS = {False: ["ua-1"], True: ["ua-1", "a-2b"]}
REPLACEMENT = "\ufffd"
MAX_RETRIES = 20
_UNSHOWN = re.compile(r'the text `"(.+?)"` could not be displayed')
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")     # Typst's escapes in its message
_QUIET_WARNINGS = re.compile(r"unknown font family", re.I)

_compilers: dict[str, object] = {}     # "few": the fonts drafter asks for; "all": every font
_lock = threading.Lock()
# Typst's compiler runs threads of its own: a process forked after it ran has the compiler but
# not its threads, and a compile there would wait for ever. Such a child makes no PDF (it says
# so); drafter forks its batch helpers before any compile.
_forked_after_use = False


def _note_fork() -> None:
    global _forked_after_use
    _forked_after_use = _forked_after_use or bool(_compilers)


if hasattr(os, "register_at_fork"):      # POSIX; Windows and spawn start fresh processes
    os.register_at_fork(after_in_child=_note_fork)


def font_list(font: str = "Times New Roman") -> list[str]:
    """The families to ask for, in order; those the machine lacks are skipped by Typst."""
    return list(dict.fromkeys([font, *METRIC_COMPATIBLE.get(font, ()), *SCRIPT_FONTS, BUILT_IN]))


def typst_ran() -> bool:
    """Whether this process has a Typst compiler (and its threads): a fork would not keep them."""
    return bool(_compilers)


# Loading every font of a machine costs Typst half a second and more (hundreds of Noto files,
# the CJK collections above all); the first try loads only the files of the Latin and Tibetan
# families drafter asks for (30 ms), found by their file names in the systems' font folders. A
# character none of them has (a Chinese name) is tried again with every font of the machine.
_STYLE_SUFFIXES = {"", "b", "i", "z", "bd", "bi", "regular", "bold", "italic", "bolditalic"}
_FILE_FAMILIES = {"times", "timesnewroman", "himalaya"}    # file names that differ from the family's
_LATER = {"Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun"}   # large collections: only when needed
_FONT_FILE = re.compile(r"\.(ttf|otf|ttc|otc)$", re.I)


def _few_families() -> set[str]:
    return {*font_list(), *METRIC_COMPATIBLE, *(f for fs in METRIC_COMPATIBLE.values() for f in fs)}


def font_folders(env=None) -> list[Path]:
    """Where Linux, macOS and Windows keep fonts, system-wide and the user's own."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or env.get("USERPROFILE") or "~").expanduser()
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
               home / ".local" / "share" / "fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
               home / "Library" / "Fonts"]
    if env.get("WINDIR") or env.get("SystemRoot"):
        folders.append(Path(env.get("WINDIR") or env["SystemRoot"], "Fonts"))
    if env.get("LOCALAPPDATA"):
        folders.append(Path(env["LOCALAPPDATA"], "Microsoft", "Windows", "Fonts"))
    return [f for f in folders if f.is_dir()]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def font_files(families, folders=None) -> list[Path]:
    """The font files of these families: 'LiberationSerif-Bold.ttf', 'timesbd.ttf',
    'Times New Roman Bold.ttf', 'NotoSerifCJK-Regular.ttc'."""
    keys = {_key(f) for f in families if f not in _LATER} | _FILE_FAMILIES
    found = []
    for folder in font_folders() if folders is None else folders:
        for path, _dirs, names in os.walk(folder):
            for name in names:
                if not _FONT_FILE.search(name):
                    continue
                k = _key(_FONT_FILE.sub("", name).split("-")[0])
                if any(k.startswith(f) and k[len(f):] in _STYLE_SUFFIXES for f in keys):
                    found.append(Path(path, name))
    return found


def _linked_fonts(families) -> str | None:
    """A temporary folder of links to the families' font files, or None (none found, or links
    cannot be made here)."""
    import atexit
    files = font_files(families)
    if not files:
        return None
    folder = tempfile.mkdtemp(prefix="drafter-fonts-")
    atexit.register(shutil.rmtree, folder, True)
    try:
        for i, path in enumerate(files):
            os.symlink(path, Path(folder, f"{i:03d}-{path.name}"))
    except (OSError, NotImplementedError):       # Windows without the right to make links
        return None
    return folder


_FEW = _few_families()


def _get_compiler(which: str = "few"):
    if _forked_after_use:
        raise ConversionError("Typst cannot run in a process forked after it made a PDF",
                              hint="make PDFs before forking, or in a process started fresh (spawn)")
    if which not in _compilers:
        try:
            import typst
        except ImportError as exc:      # a broken install: the wheel is a dependency
            raise ConversionError(f"the typst package cannot be loaded ({exc})",
                                  hint="pip install typst, or use --pdf-engine libreoffice") from None
        folder = _linked_fonts(sorted(_FEW)) if which == "few" else None
        if which == "few" and folder is None:
            _compilers["few"] = _get_compiler("all")
        else:
            _compilers[which] = (typst.Compiler(font_paths=[folder], ignore_system_fonts=True) if folder
                                 else typst.Compiler())
    return _compilers[which]


def _strings(value):
    """Every string in a JSON-able value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _replace(value, chars: set[str]):
    if isinstance(value, str):
        return "".join(REPLACEMENT if ch in chars else ch for ch in value) if any(c in value for c in chars) else value
    if isinstance(value, dict):
        return {k: _replace(v, chars) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, chars) for v in value]
    return value


def _no_font(ch: str) -> bool:
    """Unassigned, private-use and surrogate code points: no text font draws them."""
    return unicodedata.category(ch) in ("Cn", "Co", "Cs")


def _name(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


def compile_pdf(data: dict, *, images: dict[str, bytes] | None = None, pdf_a: bool = False,
                date: dt.date | None = None, warn: Callable[[str], None] | None = None,
                template: str = "letter.typ") -> bytes:
    """The PDF of letter.typ (or another of drafter's templates beside it: envelopes.typ) for
    `data` (data.document_data). `images` are written in the root's images/ folder under their
    names; `date` fixes the PDF's timestamps (reproducible files); `warn` receives each
    character no font has, naming the document that holds it."""
    docs = data.get("documents", [])
    unshown: set[str] = {ch for s in _strings(docs) for ch in s if _no_font(ch)}
    timestamp = int(dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time(), dt.timezone.utc).timestamp())
    with tempfile.TemporaryDirectory(prefix="drafter-typst-") as root:
        for name in dict.fromkeys((*TEMPLATES, template)):
            shutil.copyfile(TEMPLATE_DIR / name, Path(root, name))
        for name, content in (images or {}).items():
            # in images/, under the names the letterhead's data gives them (letterhead.typ reads
            # "images/" + name)
            if Path(name).name != name or name.startswith(".") or name in TEMPLATES or "\\" in name:
                raise ConversionError(f"letterhead image name {name!r} is not a plain file name")
            Path(root, IMAGES).mkdir(exist_ok=True)
            Path(root, IMAGES, name).write_bytes(content)
        # a letterhead in a font drafter does not know loads every font, to find it
        which = "few" if set(data.get("fonts", ())) <= _FEW else "all"
        for _ in range(MAX_RETRIES):
            payload = json.dumps(_replace(data, unshown) if unshown else data, ensure_ascii=False)
            try:
                with _lock:
                    pdf, warnings = _get_compiler(which).compile_with_warnings(
                        input=str(Path(root, template)), root=root, sys_inputs={"data": payload},
                        pdf_standards=STANDARDS[bool(pdf_a)], timestamp=timestamp)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:     # TypstError (a character no font has, a template bug), or
                found = _UNSHOWN.search(str(exc))   # a panic in Typst (pyo3's PanicException is a BaseException)
                if not found:
                    raise ConversionError(f"Typst could not make the PDF: {exc}",
                                          hint="use --pdf-engine libreoffice, and report this to drafter's developers") from None
                if which == "few" and _compilers["few"] is not _compilers.get("all"):
                    which = "all"          # another font of the machine may have it
                    continue
                text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), found.group(1))
                new = {ch for ch in text if not ch.isspace()} - unshown
                if not new:
                    new = {REPLACEMENT} if REPLACEMENT not in unshown else set()
                if not new:
                    raise ConversionError(f"Typst could not make the PDF: {exc}") from None
                unshown |= new
                continue
            break
        else:
            raise ConversionError("Typst could not find fonts for the letters' characters",
                                  hint="install Noto fonts, or use --pdf-engine libreoffice")
    if warn is not None:
        for w in warnings:
            if not _QUIET_WARNINGS.search(str(w)):
                warn(f"Typst: {w}")
        for ch in sorted(unshown - {REPLACEMENT}):
            where = [d.get("title", "") for d in docs if any(ch in s for s in _strings(d))]
            warn(f"no installed font has {_name(ch)}; printed as \N{REPLACEMENT CHARACTER} in the PDF of "
                 + ", ".join(repr(w) for w in dict.fromkeys(where)))
    return pdf
