"""The Python API behind `import drafter`: the pipeline for scripts, in memory.

In: a campaign folder and a letter spec (its name in letters/, or a path). Out: `Letter`
objects and the bytes of their .docx, .pdf, .txt and .md files; nothing is written to disk
except by `draft` and `run_batch`, which do what the commands of the same name do.
See docs/python-api.md.
"""
from __future__ import annotations

from pathlib import Path

from drafter.campaign.load import Campaign
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import compose_letters
from drafter.compose.letter import Letter
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.formats.outputs import DEFAULT_PDF_ENGINE, render_outputs


def letters(campaign: Campaign, letter: str | Path, to: tuple[str, ...] | list[str] = (), *,
            mode: str | None = None, clean: bool = False) -> list[Letter]:
    """The letters a spec describes: to its own recipients, or to `to` (ids, group names);
    `mode` "joint" (one letter to all) or "each" overrides the spec's; `clean` leaves out the
    review notes."""
    return compose_letters(campaign, letter, tuple(to), mode, clean, SPEC_CHECKS)[1]


def draft_bytes(campaign: Campaign, letter: str | Path, formats: tuple[str, ...] | list[str] = ("docx",), *,
                to: tuple[str, ...] | list[str] = (), mode: str | None = None, clean: bool = False,
                wrap: int | None = None) -> list[tuple[Letter, dict[str, bytes]]]:
    """What `drafter draft` would write, in memory: each letter with {format: bytes} for the
    requested formats ("docx", "pdf", "txt", "md"), the spec's Word letterhead applied. PDFs
    come from the spec's engine (Typst unless it says `pdf_engine: libreoffice`) on its paper;
    `wrap` wraps plain text at that many columns."""
    composer, composed = compose_letters(campaign, letter, tuple(to), mode, clean, SPEC_CHECKS)
    spec = composer.spec
    letterhead = load_spec_letterhead(campaign, spec)
    return list(zip(composed, render_outputs(composed, tuple(formats), clean, letterhead, wrap,
                                             pdf_engine=spec.pdf_engine or DEFAULT_PDF_ENGINE, paper=spec.paper)))


def letter_bytes(letter: Letter, format: str = "docx", *, clean: bool = False, wrap: int | None = None) -> bytes:
    """One file of a `Letter` you composed (and perhaps changed with dataclasses.replace), without
    a Word letterhead (a text letterhead in the letter is kept)."""
    return render_outputs([letter], (format,), clean, None, wrap)[0][format]
