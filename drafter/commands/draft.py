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
from drafter.formats.outputs import DEFAULT_PDF_ENGINE, SUFFIX, PdfFailed, check_formats, render_outputs
from drafter.formats.docx.letterhead import load_spec_letterhead
from drafter.log import open_log
from drafter.log.letters import entry
from drafter.output.files import already_exists, check_target, ensure_dir, remove_stray_temps, write_all
from drafter.output.names import output_name, recipient_label, refuse_clash, target_path


@dataclass
class Draft:
    letter: Letter
    path: Path                                   # the first file written for this letter
    paths: list[Path] = field(default_factory=list)   # every file written, in FORMATS order


def letter_label(letter: Letter) -> str:
    return recipient_label(letter.addressee_ids, letter.recipient_ids)


def draft(root: str | Path, letter: str | Path, out_dir: str | Path = "drafts", *, to: tuple[str, ...] = (),
          mode: str | None = None, clean: bool = False, force: bool = False,
          formats: tuple[str, ...] = ("docx",), wrap: int | None = None,
          log: str | Path | bool | None = None, pdf_engine: str | None = None, pdf_a: bool = False,
          warn=None) -> list[Draft]:
    """Draft the letters a spec describes and write them in `out_dir`, one file per format.

    Everything is composed, built and converted first; files are written only when all of them
    can be, so a bad recipient, a refused letterhead, a failed conversion or an existing draft
    leaves nothing behind. The letters placed are then recorded in the campaign log (`log`: a
    path or URL; None: $DRAFTER_LOG or the campaign folder's; False: none), which is opened
    first, so a log that cannot be used stops the run before anything is written.
    """
    formats = check_formats(formats)
    campaign_log = open_log(root, log or None) if log is not False else None
    try:
        return _draft(root, letter, Path(out_dir), to, mode, clean, force, formats, wrap, campaign_log,
                      pdf_engine, pdf_a, warn)
    finally:
        if campaign_log is not None:
            campaign_log.close()


def _draft(root, letter, out_dir, to, mode, clean, force, formats, wrap, campaign_log, pdf_engine, pdf_a,
           warn) -> list[Draft]:
    campaign = load_campaign(root)
    composer, letters = compose_letters(campaign, letter, to, mode, clean, SPEC_CHECKS)
    letterhead = load_spec_letterhead(campaign, composer.spec)
    spec = composer.spec
    names = [output_name(spec.output, date=spec.date.isoformat(), template=spec.template, letter=spec.name,
                         recipient=letter_label(item)) for item in letters]
    refuse_clash(zip(names, map(letter_label, letters)), "letters", str(spec.path))
    paths = [{f: target_path(out_dir, name, SUFFIX[f]) for f in formats} for name in names]
    present = [path for per_letter in paths for path in per_letter.values() if check_target(path)]
    if present and not force:
        raise already_exists(present[0])
    failed = None
    try:
        outputs = render_outputs(letters, formats, clean, letterhead, wrap,
                                 pdf_engine=pdf_engine or spec.pdf_engine or DEFAULT_PDF_ENGINE,
                                 paper=spec.paper, pdf_a=pdf_a, warn=warn)
    except PdfFailed as exc:
        failed, outputs = exc, exc.outputs
        formats = tuple(f for f in formats if f != "pdf")
        if not formats:
            raise
        paths = [{f: p for f, p in per_letter.items() if f != "pdf"} for per_letter in paths]
    ensure_dir(out_dir)   # only now: a failed conversion leaves no folder behind either
    remove_stray_temps(out_dir)   # what a killed run left behind
    write_all([(per_letter[fmt], data) for per_letter, files in zip(paths, outputs)
               for fmt, data in files.items()], force=force)
    if campaign_log is not None:   # after placing: the log never lists a letter that is not there
        campaign_log.record([
            entry("draft", spec.name, spec.template, [campaign.recipients.get(i, i) for i in item.recipient_ids],
                  [(per_letter[f], files[f]) for f in formats], formats,
                  signers=tuple(sig[0] for sig in item.signatures if sig))
            for item, per_letter, files in zip(letters, paths, outputs)])
    if failed is not None:
        written = ", ".join(str(p) for per_letter in paths for p in per_letter.values())
        failed.hint = f"{failed.hint + '; ' if failed.hint else ''}the other files were written: {written}"
        raise failed
    return [Draft(item, list(p.values())[0], list(p.values())) for item, p in zip(letters, paths)]
