"""`drafter draft`: from a letter spec to Word drafts on disk. The whole pipeline in one call."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import build_parts
from .campaign import Campaign, load_campaign, load_letter
from .compose import Composer
from .errors import DataError
from .letter import Letter
from .package import zip_parts
from .select import group_letters, select_recipients
from .write import atomic_write, ensure_dir, output_name, target_path


@dataclass
class Draft:
    letter: Letter
    path: Path


def docx_bytes(letter: Letter, clean: bool = False) -> bytes:
    """The .docx file of a letter; `clean` leaves out review comments."""
    return zip_parts(build_parts(letter, with_comments=not clean))


def compose_letters(campaign: Campaign, letter: str | Path, to: tuple[str, ...] = (),
                    mode: str | None = None, clean: bool = False) -> tuple[Composer, list[Letter]]:
    spec = load_letter(campaign, letter)
    composer = Composer(campaign, spec)
    recipients = select_recipients(campaign.recipients, to or spec.to, campaign.groups)
    groups = group_letters(recipients, mode or spec.mode)
    return composer, [composer.compose(group, comments=not clean) for group in groups]


def draft(root: str | Path, letter: str | Path, out_dir: str | Path = "drafts", *, to: tuple[str, ...] = (),
          mode: str | None = None, clean: bool = False, force: bool = False) -> list[Draft]:
    """Draft the letters a spec describes and write them as .docx files in `out_dir`.

    Everything is composed and built first; files are written only when all of them can be,
    so a bad recipient or an existing draft leaves nothing behind.
    """
    campaign = load_campaign(root)
    composer, letters = compose_letters(campaign, letter, to, mode, clean)
    spec = composer.spec
    out_dir = Path(out_dir)
    ensure_dir(out_dir)
    planned: list[tuple[Letter, Path, bytes]] = []
    seen: set[Path] = set()
    for item in letters:
        name = output_name(spec.output, date=spec.date.isoformat(), template=spec.template,
                           letter=spec.name, recipient="-".join(item.recipient_ids) if len(item.recipient_ids) <= 3
                           else f"{item.recipient_ids[0]}-and-{len(item.recipient_ids) - 1}-others")
        path = target_path(out_dir, name, ".docx")
        if path in seen:
            raise DataError(f"two letters would be written to {path.name}", file=str(spec.path),
                            hint="put {recipient} in the 'output' pattern")
        seen.add(path)
        if path.exists() and not force:
            atomic_write(path, b"", force=False)  # raises the standard 'already exists' error
        planned.append((item, path, docx_bytes(item, clean)))
    for item, path, data in planned:
        atomic_write(path, data, force=force)
    return [Draft(item, path) for item, path, _ in planned]
