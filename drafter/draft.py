"""`drafter draft`: from a letter spec to drafts on disk (Word, PDF, text, Markdown). The whole
pipeline in one call."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_parts
from .campaign import CONSTITUENTS, Campaign, letterhead_file, load_campaign, load_letter
from .compose import Composer
from .errors import DataError, DrafterError
from .letter import Letter
from .package import zip_parts
from .plaintext import letter_markdown, letter_text
from .select import group_letters, select_recipients
from .write import already_exists, ensure_dir, output_name, remove_stray_temps, target_path, write_all

FORMATS = ("docx", "pdf", "txt", "md")
SUFFIX = {"docx": ".docx", "pdf": ".pdf", "txt": ".txt", "md": ".md"}


@dataclass
class Draft:
    letter: Letter
    path: Path                                   # the first file written for this letter
    paths: list[Path] = field(default_factory=list)   # every file written, in FORMATS order


def docx_bytes(letter: Letter, clean: bool = False, letterhead=None) -> bytes:
    """The .docx file of a letter; `clean` leaves out review comments; `letterhead` is a
    `drafter.letterhead.Letterhead`."""
    return zip_parts(build_parts(letter, with_comments=not clean, letterhead=letterhead))


def compose_letters(campaign: Campaign, letter: str | Path, to: tuple[str, ...] = (),
                    mode: str | None = None, clean: bool = False) -> tuple[Composer, list[Letter]]:
    spec = load_letter(campaign, letter)
    if spec.to == (CONSTITUENTS,):
        raise DataError("this letter is written by constituents to their own members of Congress",
                        file=str(spec.path), hint=f"run 'drafter batch {spec.name} --constituents FILE.csv ...'")
    composer = Composer(campaign, spec)
    recipients = select_recipients(campaign.recipients, to or spec.to, campaign.groups)
    groups = group_letters(recipients, mode or spec.mode)
    return composer, [composer.compose(group, comments=not clean) for group in groups]


def load_spec_letterhead(campaign: Campaign, composer: Composer):
    """The spec's Word letterhead, read and checked, or None (no letterhead, or a text one)."""
    if not isinstance(composer.spec.letterhead, str):
        return None
    from .letterhead import read_letterhead
    return read_letterhead(letterhead_file(campaign.root, composer.spec.letterhead))


def _check_formats(formats) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(formats or ("docx",)))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise DrafterError(f"unknown format {bad[0]!r}", hint="use " + ", ".join(FORMATS))
    return formats


def render_outputs(letters: list[Letter], formats, clean: bool = False, letterhead=None,
                   wrap: int | None = None) -> list[dict[str, bytes]]:
    """Each letter's files as {format: bytes}; PDFs come from one LibreOffice run for all letters."""
    formats = _check_formats(formats)
    outputs: list[dict[str, bytes]] = []
    for item in letters:
        files: dict[str, bytes] = {}
        if "docx" in formats or "pdf" in formats:
            files["docx"] = docx_bytes(item, clean, letterhead)
        text_item = item
        if letterhead is not None and letterhead.header_lines:
            # The Word header carries the letterhead; the text forms print its words at the top.
            text_item = dataclasses.replace(item, letterhead=letterhead.header_lines)
        if "txt" in formats:
            files["txt"] = letter_text(text_item, wrap).encode()
        if "md" in formats:
            files["md"] = letter_markdown(text_item).encode()
        outputs.append(files)
    if "pdf" in formats:
        from .convert import pdf_bytes
        pdfs = pdf_bytes({str(i): files["docx"] for i, files in enumerate(outputs)})
        for i, files in enumerate(outputs):
            files["pdf"] = pdfs[str(i)]
    for files in outputs:
        if "docx" not in formats:
            files.pop("docx", None)   # built only to make the PDF
    return [{f: files[f] for f in FORMATS if f in files} for files in outputs]


def draft(root: str | Path, letter: str | Path, out_dir: str | Path = "drafts", *, to: tuple[str, ...] = (),
          mode: str | None = None, clean: bool = False, force: bool = False,
          formats: tuple[str, ...] = ("docx",), wrap: int | None = None) -> list[Draft]:
    """Draft the letters a spec describes and write them in `out_dir`, one file per format.

    Everything is composed, built and converted first; files are written only when all of them
    can be, so a bad recipient, a refused letterhead, a failed conversion or an existing draft
    leaves nothing behind.
    """
    formats = _check_formats(formats)
    campaign = load_campaign(root)
    composer, letters = compose_letters(campaign, letter, to, mode, clean)
    letterhead = load_spec_letterhead(campaign, composer)
    spec = composer.spec
    out_dir = Path(out_dir)
    names: list[str] = []
    seen: set[str] = set()
    for item in letters:
        ids = item.recipient_ids
        name = output_name(spec.output, date=spec.date.isoformat(), template=spec.template, letter=spec.name,
                           recipient="-".join(ids) if len(ids) <= 3 else f"{ids[0]}-and-{len(ids) - 1}-others")
        if name in seen:
            raise DataError(f"two letters would be written to {name}", file=str(spec.path),
                            hint="put {recipient} in the 'output' pattern")
        seen.add(name)
        names.append(name)
    paths = [{f: target_path(out_dir, name, SUFFIX[f]) for f in formats} for name in names]
    for per_letter in paths:
        for path in per_letter.values():
            if path.exists() and not force:
                raise already_exists(path)
    outputs = render_outputs(letters, formats, clean, letterhead, wrap)
    ensure_dir(out_dir)   # only now: a failed conversion leaves no folder behind either
    remove_stray_temps(out_dir)   # what a killed run left behind
    write_all([(per_letter[fmt], data) for per_letter, files in zip(paths, outputs)
               for fmt, data in files.items()], force=force)
    return [Draft(item, list(p.values())[0], list(p.values())) for item, p in zip(letters, paths)]
