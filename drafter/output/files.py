"""Write drafts safely, the same way on every system: each file is written to a temporary file
beside it, flushed to disk, then put in place by a rename that never replaces a file unless
asked (a hard link, then the temporary name removed). A reader sees a whole file or none; a
failure or an interrupt removes this run's temporary files; one killed outright leaves them
for the next run in the folder, which removes them once their run's process is gone."""
from __future__ import annotations

import errno
import itertools
import os
import re
import secrets
import stat
from pathlib import Path

from drafter.errors import OutputError
from drafter.system import O_BINARY, O_NOFOLLOW, O_NONBLOCK, PLATFORM, pid_alive

TEMP_PREFIX, TEMP_SUFFIX = ".drafter-", ".part"
# A temp file is named `.drafter-PID-RUN-PID2-N.part`: PID is the process that started the run
# (its helpers write under the same run), RUN a token of that run, PID2 the writing process.
_TEMP_OWNER = re.compile(rf"{re.escape(TEMP_PREFIX)}(\d+)-(?:([0-9a-f]{{8}})-)?")
_run: str | None = None
_serial = itertools.count()


def begin_run() -> str:
    """Start a new run in this process: its temporary files carry a fresh token, so cleaning up
    after its own interruption never touches the files of another run in the same folder."""
    global _run
    _run = f"{os.getpid()}-{secrets.token_hex(4)}"
    return _run


def join_run(token: str) -> None:
    """A helper process writes under its parent's run token."""
    global _run
    _run = token


def run_token() -> str:
    return _run or begin_run()


def remove_stray_temps(out_dir: Path, own: bool = False) -> int:
    """Remove temporary files that killed runs left in `out_dir` (a finished draft is never
    temporary). A temp file names the process whose run writes it, so another run still writing
    in the same folder keeps its own; `own` also removes this run's, after its interruption."""
    removed = 0
    mine = f"{TEMP_PREFIX}{_run}-" if _run else None
    for tmp in Path(out_dir).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        owner = _TEMP_OWNER.match(tmp.name)
        if own and mine and tmp.name.startswith(mine):
            pass
        elif owner and pid_alive(int(owner.group(1))):
            continue
        try:
            tmp.unlink()
            removed += 1
        except (FileNotFoundError, PermissionError):    # gone, or still open (Windows)
            pass
    return removed


def replace_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Replace a campaign file (recipients.yaml, evidence.yaml, ...) with new text, atomically."""
    atomic_write(path, text.encode(encoding), force=True)


def ensure_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", file=str(out_dir)) from None


class AlreadyExists(OutputError):
    """The file is there (or appeared while this run wrote it)."""


def already_exists(path: Path) -> OutputError:
    return AlreadyExists("already exists; not overwritten", file=str(path),
                         hint="use --force to replace it, or -o for another folder")


_KINDS = ((stat.S_ISLNK, "a link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def special_kind(mode: int) -> str | None:
    """'a link', 'a FIFO (named pipe)', ... for anything that is not a regular file."""
    return next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a regular file")


def check_target(path: Path) -> bool:
    """Whether a regular file is at `path`; a link (even dangling), FIFO, device, socket or folder
    named like a draft is refused: reading it could hang or never end, writing through it could
    land anywhere."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):    # the folder is not there (yet)
        return False
    except OSError as exc:
        raise OutputError(f"cannot look at: {exc.strerror}", file=str(path)) from None
    kind = special_kind(mode)
    if kind:
        raise OutputError(f"is {kind}, not a letter; drafter neither reads nor writes through it",
                          file=str(path), hint="move it out of the output folder, or choose another with -o")
    return True


def same_content(path: Path, data: bytes) -> bool | None:
    """None when nothing is at `path`, else whether the file there holds exactly `data` (a file
    of another size is not read at all)."""
    if not check_target(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_BINARY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if special_kind(info.st_mode):    # swapped in since the check
            raise OutputError("is not a regular file; not read", file=str(path))
        return info.st_size == len(data) and fh.read(len(data) + 1) == data


WROTE_NOTHING = "nothing was written; free space or choose another folder with -o"


def _write_failed(path: Path, exc: OSError, hint: str = WROTE_NOTHING) -> OutputError:
    reason = {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied",
              errno.EROFS: "the folder is read-only", errno.EDQUOT: "disk quota exceeded"}.get(
        exc.errno, exc.strerror or str(exc))
    if exc.errno == errno.EACCES and path.exists():
        hint = "is it open in Word or another program? Close it and run the same command again"
    return OutputError(f"cannot write: {reason}", file=str(path), hint=hint)


class _Staged:
    """A staged file: its temporary name, and its descriptor while it stays open to be synced
    (fsync on the open file spares opening it again: 1,000 opens in a batch of 1,000)."""
    __slots__ = ("tmp", "fd")

    def __init__(self, tmp: str, fd: int):
        self.tmp, self.fd = tmp, fd

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)

    def discard(self) -> None:
        self.close()      # Windows removes no open file
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


KEEP_OPEN = 64     # staged files held open for their sync: below macOS's 256 descriptors a process


def _stage(path: Path, data: bytes, replacing: bool, keep_open: bool = False) -> _Staged:
    """The data in a temporary file beside `path` (not yet synced), with the final permissions:
    a new file's as the umask gives them, a replaced file's own. Named by the run and a counter
    (mkstemp's random names and its chmod cost a batch more than the write)."""
    keep = None
    if replacing:
        try:
            keep = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            pass
    while True:
        tmp = os.path.join(path.parent, f"{TEMP_PREFIX}{run_token()}-{os.getpid()}-{next(_serial)}{TEMP_SUFFIX}")
        try:
            staged = _Staged(tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, 0o666))
            break
        except FileExistsError:      # left by an earlier process of the same number: take the next
            continue
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(staged.fd, view):]
        if not keep_open:
            staged.close()
        if keep is not None:
            os.chmod(tmp, keep)
    except BaseException:
        staged.discard()
        raise
    return staged


def _commit(tmp: str, path: Path, force: bool) -> None:
    """Put a staged file in place; without `force`, never over a file that is there or appeared
    meanwhile (FileExistsError): a hard link fails where the name is taken, on every system."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.EACCES,
                             errno.EINVAL, errno.ENOSYS):
            raise
        # A file system without hard links (FAT, exFAT on a USB stick, some network shares).
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.rename(tmp, path)       # Windows' rename never replaces; elsewhere the check above
        return
    os.unlink(tmp)


# One sync() flushes a whole chunk at once, faster than one fsync after another
# (bench/files.py). Only where sync() returns once the data is on disk: Linux. POSIX lets it
# return earlier (macOS does), and Windows has none: there each file is fsynced alone.
_SYNC_ALL = hasattr(os, "sync") and PLATFORM.startswith("linux")


def _sync(staged: list[_Staged]) -> None:
    """The staged files' data on disk, and each file closed. sync() reports no error, so each
    file is fsynced after it too: nothing is left to write by then, and fsync reports a write
    that failed (a full disk, an I/O error) to the file it belongs to."""
    if _SYNC_ALL:
        os.sync()
    for item in staged:
        if item.fd < 0:
            item.fd = os.open(item.tmp, os.O_RDONLY | O_BINARY)
        try:
            os.fsync(item.fd)
        finally:
            item.close()


def _sync_folder(folder: Path) -> None:
    """The folder's entries (the new names) on disk; Windows cannot open a folder, and needs not."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass     # some file systems cannot sync a folder; the names are then as safe as they get
    finally:
        os.close(fd)


def place_many(files: list[tuple[Path, bytes, bool]]) -> list[bool]:
    """Place files (path, data, force) all at once: each is staged in a temporary file, the
    chunk is synced (one sync for all, where it pays), then each is put in place and the
    folders synced. A file is either whole in place or absent. Returns, per file, whether it
    was placed: False when a file appeared at its path meanwhile (never replaced without its
    force). On a failure this call's temporary files are removed and nothing more is placed."""
    staged: list[_Staged] = []
    current = files[0][0] if files else Path(".")
    keep_open = len(files) <= KEEP_OPEN
    try:
        for path, data, force in files:
            current = path
            staged.append(_stage(path, data, replacing=force, keep_open=keep_open))
        _sync(staged)
        placed = []
        for (path, _data, force), item in zip(files, staged):
            current = path
            try:
                if force:
                    check_target(path)     # a link or FIFO swapped in is refused, not replaced
                _commit(item.tmp, path, force)
                placed.append(True)
            except FileExistsError:
                os.unlink(item.tmp)
                placed.append(False)
        for folder in dict.fromkeys(path.parent for path, _, _ in files):
            _sync_folder(folder)
        return placed
    except BaseException as exc:
        for item in staged:
            item.discard()
        if isinstance(exc, OSError):
            raise _write_failed(current, exc, hint="the letters placed before it are whole; "
                                "free space, then run the same command again") from None
        raise


def write_all(files: list[tuple[Path, bytes]], force: bool = False) -> None:
    """Write several files all or nothing: only when every one is staged and on disk are they
    put in place. On any failure (a full disk, an existing file) this call's temporary files and
    the new files it placed are removed."""
    present = [check_target(path) for path, _ in files]    # a link or FIFO anywhere stops it first
    for (path, _), there in zip(files, present):
        if there and not force:
            raise already_exists(path)
    staged: list[_Staged] = []
    placed: list[Path] = []
    current = files[0][0] if files else Path(".")
    keep_open = len(files) <= KEEP_OPEN
    try:
        for path, data in files:
            current = path
            staged.append(_stage(path, data, replacing=force, keep_open=keep_open))
        _sync(staged)
        for (path, _), item in zip(files, staged):
            current = path
            existed = os.path.lexists(path)
            _commit(item.tmp, path, force)
            if not existed:
                placed.append(path)
        for folder in dict.fromkeys(path.parent for path, _ in files):
            _sync_folder(folder)
    except BaseException as exc:
        for item in staged:
            item.discard()
        for path in placed:
            path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise already_exists(current) from None
        if isinstance(exc, OSError):
            raise _write_failed(current, exc) from None
        raise


def atomic_write(path: Path, data: bytes, force: bool = False) -> None:
    """Write via a temporary file in the same folder and rename: a reader sees all or nothing.

    Without `force` an existing file is never replaced (checked again at the final link); a
    replaced file keeps its permissions."""
    write_all([(path, data)], force)
