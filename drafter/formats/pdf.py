"""PDF through LibreOffice in headless mode.

One `soffice` start converts every draft of a command (starting LibreOffice costs seconds; each
further file costs a fraction of that). Each run has its own profile folder, so parallel runs
(a batch with --jobs, two terminals) never share LibreOffice's lock and never collide.
"""
from __future__ import annotations

import os
import signal
import shutil
import subprocess
import tempfile
from pathlib import Path

from drafter.errors import ConversionError

DEBIAN_PACKAGE = "libreoffice-writer"
BASE_TIMEOUT, PER_FILE_TIMEOUT = 90, 15   # seconds: the start, then each document


def find_soffice() -> str:
    """The LibreOffice executable, or a ConversionError that says what to install."""
    exe = os.environ.get("DRAFTER_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise ConversionError("PDF output needs LibreOffice, and 'soffice' was not found",
                              hint=f"Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGE}; or leave out --format pdf")
    return exe


def soffice_command(exe: str, profile: Path, out_dir: Path, target: str, files: list[Path]) -> list[str]:
    return [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
            "--norestore", "--nodefault", "--nolockcheck", "--convert-to", target,
            "--outdir", str(out_dir), *map(str, files)]


def convert_files(files: list[Path], out_dir: Path, target: str = "pdf", suffix: str = ".pdf",
                  timeout: float | None = None) -> list[Path]:
    """Convert documents with one LibreOffice start; returns the output paths, in order.

    `target` is LibreOffice's --convert-to argument (e.g. 'pdf', 'odt', or a filter with options)."""
    if not files:
        return []
    exe = find_soffice()
    timeout = timeout or BASE_TIMEOUT + PER_FILE_TIMEOUT * len(files)
    with tempfile.TemporaryDirectory(prefix="drafter-lo-") as profile:
        env = {**os.environ, "HOME": profile}   # LibreOffice may write outside its profile too
        cmd = soffice_command(exe, Path(profile), out_dir, target, files)
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as exc:
            raise ConversionError(f"cannot run LibreOffice ({exe}): {exc.strerror}",
                                  hint=f"reinstall {DEBIAN_PACKAGE}") from None
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException as exc:
            # soffice starts soffice.bin in its own session: end the whole group, not just the parent.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            raise ConversionError(f"LibreOffice did not finish converting {len(files)} file(s) in {timeout:.0f} s",
                                  hint="nothing was written; try fewer letters at once") from None
    outputs = [out_dir / (f.stem + suffix) for f in files]
    missing = [p.name for p in outputs if not p.is_file() or p.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        detail = (stderr or stdout).decode(errors="replace").strip().splitlines()
        raise ConversionError(f"LibreOffice could not convert {', '.join(missing) or 'the drafts'}"
                              + (f": {detail[-1]}" if detail else f" (exit status {proc.returncode})"),
                              hint="nothing was written")
    return outputs


def pdf_bytes(docs: dict[str, bytes], timeout: float | None = None) -> dict[str, bytes]:
    """PDF files for .docx files given as {name: bytes}; all converted in one LibreOffice start.

    Work happens in a private temporary folder; the caller writes the results atomically."""
    with tempfile.TemporaryDirectory(prefix="drafter-pdf-") as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        out.mkdir()
        files = []
        for i, (name, data) in enumerate(docs.items()):
            # Numbered names: two drafts can never clash, whatever their own names hold.
            path = src / f"d{i:05d}.docx"
            path.write_bytes(data)
            files.append(path)
        pdfs = convert_files(files, out, timeout=timeout)
        return {name: pdf.read_bytes() for name, pdf in zip(docs, pdfs)}
