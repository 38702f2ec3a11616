"""`drafter draft`: from a letter spec to drafts on disk (Word, PDF, text, Markdown). The whole
pipeline in one call."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from drafter.campaign.load import load_campaign
from drafter.commands import SPEC_CHECKS
from drafter.compose.composer import compose_letters
from drafter.compose.letter import Letter
from drafter.errors import DataError
from drafter.formats.outputs import SUFFIX, check_formats, render_outputs
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.output.files import already_exists, ensure_dir, output_name, remove_stray_temps, target_path, write_all


@dataclass
class Draft:
    letter: Letter
    path: Path                                   # the first file written for this letter
    paths: list[Path] = field(default_factory=list)   # every file written, in FORMATS order


def draft(root: str | Path, letter: str | Path, out_dir: str | Path = "drafts", *, to: tuple[str, ...] = (),
          mode: str | None = None, clean: bool = False, force: bool = False,
          formats: tuple[str, ...] = ("docx",), wrap: int | None = None) -> list[Draft]:
    """Draft the letters a spec describes and write them in `out_dir`, one file per format.

    Everything is composed, built and converted first; files are written only when all of them
    can be, so a bad recipient, a refused letterhead, a failed conversion or an existing draft
    leaves nothing behind.
    """
    formats = check_formats(formats)
    campaign = load_campaign(root)
    composer, letters = compose_letters(campaign, letter, to, mode, clean, SPEC_CHECKS)
    letterhead = load_spec_letterhead(campaign, composer.spec)
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
