"""PDF through LibreOffice in headless mode.

One `soffice` start converts every draft of a command (starting LibreOffice costs seconds; each
further file costs a fraction of that). Each run has its own profile folder, so parallel runs
(a batch with --jobs, two terminals) never share LibreOffice's lock and never collide.

LibreOffice is looked for in DRAFTER_SOFFICE, on PATH, then where its installers put it on
macOS, Windows and Linux. Every system's places are looked at on every system (decided by the
files there, not by the platform's name), so the look-up can be tested anywhere.

Stopping drafter (Ctrl-C, SIGTERM where there is one, a timeout, the interpreter's exit) ends
the whole process tree LibreOffice started and removes the temporary folders.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Mapping

from drafter.errors import ConversionError
from drafter.system import pid_alive

DEBIAN_PACKAGE = "libreoffice-writer"
INSTALL_COMMANDS = ("macOS: brew install --cask libreoffice",
                    "Windows: winget install TheDocumentFoundation.LibreOffice",
                    f"Debian/Ubuntu: sudo apt-get install {DEBIAN_PACKAGE}")
BASE_TIMEOUT, PER_FILE_TIMEOUT = 90, 15   # seconds: the start, then each document
INSTALL_ROOT = Path(os.path.abspath(os.sep))   # the file system's root; a test points it elsewhere
PATH_NAMES = ("soffice", "libreoffice", "soffice.exe")
# Windows' program folders: the variable, and its value on a default install.
PROGRAM_FOLDERS = (("ProgramFiles", r"C:\Program Files"), ("ProgramW6432", r"C:\Program Files"),
                   ("ProgramFiles(x86)", r"C:\Program Files (x86)"))


def soffice_candidates(env: Mapping[str, str] | None = None, root: str | os.PathLike | None = None) -> list[Path]:
    """Where LibreOffice's installers put soffice, in the order they are tried after
    DRAFTER_SOFFICE and PATH. `root` stands for the file system's root (macOS and Linux places);
    Windows' places come from %ProgramFiles% and %ProgramFiles(x86)%."""
    env = os.environ if env is None else env
    root = INSTALL_ROOT if root is None else Path(root)
    app = Path("LibreOffice.app", "Contents", "MacOS", "soffice")
    places = [root / "Applications" / app]
    if env.get("HOME"):
        places.append(Path(env["HOME"], "Applications") / app)
    for var, default in PROGRAM_FOLDERS:
        place = Path(env.get(var) or default, "LibreOffice", "program", "soffice.exe")
        if place.is_absolute():      # C:\... is a relative name on macOS and Linux: not a place there
            places.append(place)
    places += [root / "usr/lib/libreoffice/program/soffice", root / "usr/lib64/libreoffice/program/soffice",
               root / "usr/local/lib/libreoffice/program/soffice"]
    # LibreOffice's own packages install to /opt/libreofficeX.Y: the newest first.
    places += sorted(root.glob("opt/libreoffice*/program/soffice"), reverse=True,
                     key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)])
    # Snap and Flatpak are left out: their sandbox has its own /tmp, where drafter's files are not.
    return list(dict.fromkeys(places))


def _runnable(path: str | os.PathLike) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_soffice(env: Mapping[str, str] | None = None, root: str | os.PathLike | None = None) -> str:
    """The LibreOffice executable, or a ConversionError that says what to install."""
    env = os.environ if env is None else env
    explicit = env.get("DRAFTER_SOFFICE")
    if explicit:
        if _runnable(explicit):
            return explicit
        raise ConversionError(f"DRAFTER_SOFFICE is {explicit!r}, which is not an executable file",
                              hint="set it to the full path of LibreOffice's soffice, which is soffice.exe in "
                                   "its program folder on Windows, or unset it to let drafter look for LibreOffice")
    search = env.get("PATH", os.defpath)
    for name in PATH_NAMES:
        found = shutil.which(name, path=search)
        if found:
            return found
    for place in soffice_candidates(env, root):
        if _runnable(place):
            return str(place)
    raise ConversionError("PDF output needs LibreOffice, and it was found neither on PATH nor where its "
                          "installers put it",
                          hint="; ".join(INSTALL_COMMANDS)
                               + "; or set DRAFTER_SOFFICE to its soffice; or leave out --format pdf")


def soffice_command(exe: str, profile: Path, out_dir: Path, target: str, files: list[Path]) -> list[str]:
    return [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
            "--norestore", "--nodefault", "--nolockcheck", "--convert-to", target,
            "--outdir", str(out_dir), *map(str, files)]


# Conversions under way (a web server converts in a thread): ended at the interpreter's exit.
_running: set[subprocess.Popen] = set()
_folders: set[str] = set()
_lock = threading.Lock()


def end_tree(proc: subprocess.Popen, reap: bool = True) -> None:
    """End a process and every process it started, and wait for them: their files in the
    profile folder must be closed before it is removed (Windows cannot remove an open file).
    `reap=False` leaves collecting `proc` to the thread that is waiting on it."""
    import psutil
    tree: dict[int, psutil.Process] = {}
    try:
        look = [psutil.Process(proc.pid)]
    except psutil.NoSuchProcess:
        look = []
    while look:      # suspend first, so that no process starts another while the rest are ended
        for p in look:
            tree[p.pid] = p
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                p.suspend()
        look = []
        for p in list(tree.values()):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                look += [c for c in p.children(recursive=True) if c.pid not in tree]
        look = list({p.pid: p for p in look}.values())
    if hasattr(os, "killpg"):      # also whatever left the tree but stayed in LibreOffice's session
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    for p in tree.values():
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            p.kill()
    with contextlib.suppress(OSError):
        proc.kill()
    # Polled rather than psutil.wait_procs, which on POSIX probes with os.kill(pid, 0): on
    # Windows that would send Ctrl-C (and the Windows simulation refuses it). An ended but
    # uncollected process (a zombie) counts as gone.
    deadline = time.monotonic() + 10
    while any(pid_alive(pid) for pid in tree) and time.monotonic() < deadline:
        time.sleep(0.02)
    if not reap:
        return
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:    # a process outside the tree holds the pipes
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
        proc.wait()


_exiting = threading.Event()


@atexit.register
def _end_all() -> None:
    _exiting.set()
    with _lock:
        procs, folders = list(_running), list(_folders)
    for proc in procs:
        with contextlib.suppress(Exception):      # exiting: nothing left to report to
            end_tree(proc, reap=False)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _temporary_folder(prefix: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as folder:
        with _lock:
            _folders.add(folder)
        try:
            yield folder
        finally:
            with _lock:
                _folders.discard(folder)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM's default ends drafter at once, leaving LibreOffice running and the temporary
    folders behind: while a conversion runs, SIGTERM is Ctrl-C instead. A handler someone else
    set (a batch that stops between chunks) stays in charge; signal handlers belong to the main
    thread."""
    sigterm = getattr(signal, "SIGTERM", None)
    if (sigterm is None or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(sigterm) is not signal.SIG_DFL):
        yield
        return

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt
    previous = signal.signal(sigterm, interrupt)
    try:
        yield
    finally:
        signal.signal(sigterm, previous)


def convert_files(files: list[Path], out_dir: Path, target: str = "pdf", suffix: str = ".pdf",
                  timeout: float | None = None) -> list[Path]:
    """Convert documents with one LibreOffice start; returns the output paths, in order.

    `target` is LibreOffice's --convert-to argument (e.g. 'pdf', 'odt', or a filter with options)."""
    if not files:
        return []
    exe = find_soffice()
    timeout = timeout or BASE_TIMEOUT + PER_FILE_TIMEOUT * len(files)
    with _sigterm_interrupts(), _temporary_folder("drafter-lo-") as profile:
        # LibreOffice writes outside its profile too (home, temp files): all of it goes in the
        # profile folder, so that removing it leaves nothing behind, even after a kill.
        scratch = os.path.join(profile, "tmp")
        os.mkdir(scratch)
        env = {**os.environ, "HOME": profile, "TMPDIR": scratch, "TMP": scratch, "TEMP": scratch}
        cmd = soffice_command(exe, Path(profile), out_dir, target, files)
        try:
            # Its own session (POSIX) or process group (Windows): a terminal's Ctrl-C reaches
            # drafter only, which then ends LibreOffice's whole tree itself.
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, start_new_session=True,
                                    creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0))
        except OSError as exc:
            raise ConversionError(f"cannot run LibreOffice ({exe}): {exc.strerror}",
                                  hint=f"reinstall LibreOffice ({'; '.join(INSTALL_COMMANDS)})") from None
        with _lock:
            _running.add(proc)    # from here, the interpreter's exit ends it too
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException as exc:
            end_tree(proc)
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            raise ConversionError(f"LibreOffice did not finish converting {len(files)} file(s) in {timeout:.0f} s",
                                  hint="nothing was written; try fewer letters at once") from None
        finally:
            with _lock:
                _running.discard(proc)
    if _exiting.is_set():
        raise ConversionError("LibreOffice was stopped: drafter is exiting", hint="nothing was written")
    outputs = [out_dir / (f.stem + suffix) for f in files]
    missing = [p.name for p in outputs if not p.is_file() or p.stat().st_size == 0]
    if proc.returncode != 0 or missing:
        detail = (stderr or stdout).decode(errors="replace").strip().splitlines()
        raise ConversionError(f"LibreOffice could not convert {', '.join(missing) or 'the drafts'}"
                              + (f": {detail[-1]}" if detail else f" (exit status {proc.returncode})"),
                              hint="nothing was written")
    return outputs


# PDF/A-2b (SelectPdfVersion 2), tagged: LibreOffice's PDF export options as JSON (7.4 and later).
PDF_A_TARGET = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
                '"UseTaggedPDF":{"type":"boolean","value":"true"}}')


def pdf_bytes(docs: dict[str, bytes], timeout: float | None = None, pdf_a: bool = False) -> dict[str, bytes]:
    """PDF files for .docx files given as {name: bytes}; all converted in one LibreOffice start
    (PDF/A-2b with `pdf_a`).

    Work happens in a private temporary folder; the caller writes the results atomically."""
    with _sigterm_interrupts(), _temporary_folder("drafter-pdf-") as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        out.mkdir()
        files = []
        for i, (name, data) in enumerate(docs.items()):
            # Numbered names: two drafts can never clash, whatever their own names hold.
            path = src / f"d{i:05d}.docx"
            path.write_bytes(data)
            files.append(path)
        pdfs = convert_files(files, out, target=PDF_A_TARGET if pdf_a else "pdf", timeout=timeout)
        return {name: pdf.read_bytes() for name, pdf in zip(docs, pdfs)}
