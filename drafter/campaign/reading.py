"""The one way drafter opens a file it reads.

A campaign folder travels (a shared drive, a git repository, a pull request), so a link in it
could make drafter print `/etc/passwd` into a letter, and a FIFO or device in it could hang or
never end a read. Every file read from a campaign must lie inside the campaign folder once
links are resolved; every file read at all, campaign or command line, must be a regular file,
and one larger than its limit is refused by its size before a byte is read.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from drafter.errors import DataError, DrafterError
from drafter.system import O_BINARY, O_CLOEXEC, O_NONBLOCK

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def outside(path: str | Path, root: str | Path) -> str | None:
    """Where `path` really is when links take it out of `root`, else None."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return None if real == top or real.startswith(top.rstrip(os.sep) + os.sep) else real


def check_inside(path: str | Path, root: str | Path, error: type[DrafterError] = DataError) -> None:
    real = outside(path, root)
    if real is not None:
        raise error(f"resolves to {real}, outside the campaign folder; not read", file=str(path),
                    hint="copy the file into the campaign folder instead of linking to it")


def read_file(path: str | Path, *, inside: str | Path | None = None, max_bytes: int | None = None,
              error: type[DrafterError] = DataError, what: str = "file") -> bytes:
    """The bytes of a regular file; `inside`: the campaign folder it must lie in (links resolved).

    A FIFO cannot hang the open (O_NONBLOCK; Windows has no FIFOs) and is refused by its type; a file over
    `max_bytes` is refused by its size, unread. Every refusal names the path."""
    path = Path(path)
    if inside is not None:
        check_inside(path, inside, error)
    try:
        fd = os.open(path, os.O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_BINARY)
    except FileNotFoundError:
        kind = "a dangling link" if os.path.islink(path) else None
        raise error(f"{what} not found" + (f" ({kind})" if kind else ""), file=str(path),
                    hint=None if path.is_absolute() else f"a relative path is read from {os.getcwd()}") from None
    except OSError as exc:
        raise error(f"cannot read the {what}: {exc.strerror}", file=str(path)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        kind = next((name for test, name in _KINDS if test(info.st_mode)), None)
        if kind or not stat.S_ISREG(info.st_mode):
            raise error(f"is {kind or 'not a regular file'}, not a {what}; not read", file=str(path))
        if max_bytes is not None and info.st_size > max_bytes:
            raise error(f"{what} is larger than {_size(max_bytes)} ({_size(info.st_size)}); not read",
                        file=str(path), hint="is it the right file?")
        try:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"cannot read the {what}: {exc.strerror}", file=str(path)) from None
    if max_bytes is not None and len(data) > max_bytes:      # grew while being read
        raise error(f"{what} is larger than {_size(max_bytes)}; not read", file=str(path))
    return data


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n // 2**20} MiB" if n >= 2**20 else f"{n:,} bytes"


def refusal(path: str | Path, inside: str | Path | None = None) -> str | None:
    """Why read_file would refuse `path` (links out of `inside`, not a regular file), without
    opening it; None when it would not, or when nothing is there (the caller says 'not found')."""
    if inside is not None and outside(path, inside) is not None:
        return f"{path} resolves to {outside(path, inside)}, outside the campaign folder"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    kind = next((name for test, name in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "not a regular file")
    return f"{path} is {kind}, not a regular file" if kind else None
