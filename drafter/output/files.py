"""Write drafts safely: names that stay in the output folder, atomic writes, nothing overwritten
unless asked."""
from __future__ import annotations

import errno
import functools
import itertools
import os
import re
import secrets
import stat
import string
import sys
import unicodedata
from pathlib import Path

from drafter.errors import OutputError

TEMP_PREFIX, TEMP_SUFFIX = ".drafter-", ".part"
# A temp file is named `.drafter-PID-RUN-xxxx.part`: PID is the process that started the run (its
# workers write under the same name), RUN a token of that run.
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
    """A worker process writes under its parent's run token."""
    global _run
    _run = token


def run_token() -> str:
    return _run or begin_run()


def _alive(pid: int) -> bool:
    """Whether a process is running; a killed one left as a zombie is not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True   # no /proc (macOS): trust the signal check


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
        elif owner and _alive(int(owner.group(1))):
            continue
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
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
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
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
    return OutputError(f"cannot write: {reason}", file=str(path), hint=hint)


def _stage(path: Path, data: bytes, sync: bool = True, replacing: bool = True) -> str:
    """The data in a temporary file beside `path`, on disk (fsync, unless the caller syncs a
    whole chunk at once), with the final permissions: a new file's as the umask gives them, a
    replaced file's own (looked up unless the caller knows nothing is `replacing`). Named by
    the run and a counter (mkstemp's random names and its chmod cost a batch more than the
    write)."""
    keep = None
    if replacing:
        try:
            keep = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            pass
    while True:
        tmp = os.path.join(path.parent, f"{TEMP_PREFIX}{run_token()}-{os.getpid()}-{next(_serial)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:      # left by an earlier process of the same number: take the next
            continue
    try:
        try:
            _write_fd(fd, data)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        if keep is not None:
            os.chmod(tmp, keep)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _commit(tmp: str, path: Path, force: bool) -> None:
    """Put a staged file in place; without `force`, never over a file that appeared meanwhile."""
    if force:
        os.replace(tmp, path)
        return
    if _rename_noreplace(tmp, path):
        return
    try:
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        if path.exists():   # a file system without hard links
            raise FileExistsError(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


@functools.cache
def _libc():
    """The C library, looked up once (None where ctypes cannot load it)."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, ImportError):
        return None


def _renameat2():
    """(renameat2, get_errno) from the C library on Linux, else None."""
    libc = _libc()
    if not sys.platform.startswith("linux") or libc is None or not hasattr(libc, "renameat2"):
        return None
    import ctypes
    call = libc.renameat2
    call.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return call, ctypes.get_errno


_NOREPLACE: list = []      # [_renameat2()] once looked up


def _rename_noreplace(tmp: str, path: Path) -> bool:
    """Rename that never replaces (renameat2 with RENAME_NOREPLACE): one step where link and
    unlink take two. False where the system or file system has none (the caller links);
    FileExistsError when a file is there."""
    if not _NOREPLACE:
        _NOREPLACE.append(_renameat2())
    if _NOREPLACE[0] is None:
        return False
    call, get_errno = _NOREPLACE[0]
    if call(-100, os.fsencode(tmp), -100, os.fsencode(path), 1) == 0:   # AT_FDCWD, RENAME_NOREPLACE
        return True
    err = get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):   # not on this kernel or file system
        return False
    raise OSError(err, os.strerror(err), str(path))


def write_all(files: list[tuple[Path, bytes]], force: bool = False) -> None:
    """Write several files all or nothing: each is staged in a temporary file first, and only
    when every one is on disk are they put in place. On any failure (a full disk, an existing
    file) this call's temporary files and the new files it placed are removed."""
    staged: list[tuple[Path, str]] = []
    placed: list[Path] = []
    current = files[0][0] if files else Path(".")
    present = [check_target(path) for path, _ in files]    # a link or FIFO anywhere stops it first
    try:
        for (path, data), there in zip(files, present):
            current = path
            if there and not force:
                raise already_exists(path)
            staged.append((path, _stage(path, data)))
        for path, tmp in staged:
            current = path
            existed = path.exists()
            _commit(tmp, path, force)
            if not existed:
                placed.append(path)
    except BaseException as exc:
        for _, tmp in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
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


def _syncfs(folder: Path) -> bool:
    """Flush the file system holding `folder` in one call (Linux syncfs); False where there is none."""
    libc = _libc()
    if libc is None or not hasattr(libc, "syncfs"):
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        return libc.syncfs(fd) == 0
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """The folder's entries (the new names) on disk."""
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


_UNNAMED_MAX = 128      # unnamed files a chunk holds open at once; more go by name


def _stage_unnamed(path: Path, data: bytes) -> int | None:
    """The data in a new file that has no name yet (Linux O_TMPFILE, in `path`'s folder): a run
    killed before naming it leaves nothing behind, and naming it is one change to the folder
    where a named temporary file takes two. Its descriptor, or None where the system or the
    file system has no such files."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or path.parent in _NO_UNNAMED:
        return None
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            _NO_UNNAMED.add(path.parent)
            return None
        raise
    try:
        _write_fd(fd, data)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_NO_UNNAMED: set = set()     # folders whose file system refused unnamed files


def _name_unnamed(fd: int, path: Path, anchor: int) -> bool:
    """Give an unnamed file its name (linkat through /proc, following the link); never over a
    file that is there (FileExistsError). False where /proc is not mounted. `anchor` is any
    open folder: given a dir fd, os.link calls linkat, which can follow the /proc link."""
    try:
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=anchor, follow_symlinks=True)
    except FileNotFoundError:
        if os.path.isdir("/proc/self/fd"):     # /proc is there: the folder itself is gone
            raise
        return False
    return True


def place_many(files: list[tuple[Path, bytes, bool]]) -> list[bool]:
    """Place a chunk of files (path, data, force) with one disk sync for them all rather than one
    per file: every file is staged (an unnamed file where the system has them, else a temporary
    file), the file system is synced once, then each is put in place and the folders are
    synced. A file is either whole in place or absent, as with atomic_write. Returns, per file,
    whether it was placed: False when a file appeared at its path meanwhile (never replaced
    without its force). On a failure this chunk's temporary files are removed and nothing more
    of it is placed."""
    staged: list[str | int] = []        # a temporary file's name, or an unnamed file's descriptor
    unnamed_fds: list[int] = []
    anchor = None
    current = files[0][0] if files else Path(".")
    unnamed = len(files) <= _UNNAMED_MAX
    try:
        for path, data, force in files:
            current = path
            fd = _stage_unnamed(path, data) if unnamed and not force else None
            if fd is not None:
                unnamed_fds.append(fd)
            staged.append(fd if fd is not None else _stage(path, data, sync=False, replacing=force))
        folders = list(dict.fromkeys(path.parent for path, _, _ in files))
        if not all(_syncfs(folder) for folder in folders):
            for tmp in staged:                 # no syncfs: one fsync per file after all
                fd = tmp if isinstance(tmp, int) else os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    if fd is not tmp:
                        os.close(fd)
        placed = []
        for i, ((path, data, force), tmp) in enumerate(zip(files, staged)):
            current = path
            try:
                if isinstance(tmp, int):
                    if anchor is None:
                        anchor = os.open(path.parent, os.O_RDONLY)
                    if not _name_unnamed(tmp, path, anchor):     # no /proc: by name after all
                        staged[i] = _stage(path, data, sync=True, replacing=False)
                        _commit(staged[i], path, False)
                else:
                    if force:            # a new file never replaces anything: no need to look
                        check_target(path)
                    _commit(tmp, path, force)
                placed.append(True)
            except FileExistsError:
                if isinstance(staged[i], str):
                    os.unlink(staged[i])
                placed.append(False)
        for folder in folders:
            _sync_folder(folder)
        return placed
    except BaseException as exc:
        for tmp in staged:
            if isinstance(tmp, str) and os.path.exists(tmp):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_failed(current, exc, hint="the letters placed before it are whole; "
                                "free space, then run the same command again") from None
        raise
    finally:
        for fd in unnamed_fds:
            os.close(fd)               # an unnamed file not placed is gone with it
        if anchor is not None:
            os.close(anchor)
