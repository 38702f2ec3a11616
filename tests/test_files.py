"""Placing files (output.files.place_many, write_all): whole or absent, never over a file that
appeared meanwhile, permissions as a user expects, no temporary file left behind; the same
with one sync for a chunk (Linux) and one fsync per file (macOS, Windows), with hard links and
on a file system without them (FAT, exFAT)."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest

from drafter.output import files
from drafter.errors import OutputError

from conftest import REPO


@pytest.fixture(params=["sync-all", "fsync-each", "no-hard-links"])
def placing(request, monkeypatch):
    """Every way a file is placed must behave the same."""
    monkeypatch.setattr(files, "_SYNC_ALL", request.param == "sync-all" and hasattr(os, "sync"))
    if request.param == "no-hard-links":
        def no_link(src, dst, *args, **kwargs):
            raise OSError(errno.EPERM, "Operation not permitted (no hard links here)")
        monkeypatch.setattr(os, "link", no_link)
    return request.param


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_a_chunk_is_placed_whole_with_the_umask_mode(tmp_path, placing):
    wanted = {tmp_path / f"{i}.docx": bytes([i]) * 1000 for i in range(5)}
    before = open_fds()
    assert files.place_many([(p, d, False) for p, d in wanted.items()]) == [True] * 5
    assert open_fds() == before
    umask = os.umask(0)
    os.umask(umask)
    for path, data in wanted.items():
        assert path.read_bytes() == data
        if os.name != "nt":
            assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in wanted)


def test_more_files_than_are_held_open_are_placed_whole(tmp_path, placing):
    """Past KEEP_OPEN files (a draft to every member of Congress) each is closed once written
    and opened again for its sync: never more descriptors than macOS allows a process."""
    wanted = [(tmp_path / f"{i:03d}.docx", bytes([i % 256]) * 100) for i in range(files.KEEP_OPEN + 6)]
    before = open_fds()
    files.write_all(wanted)
    assert open_fds() == before
    assert all(path.read_bytes() == data for path, data in wanted)
    assert len(list(tmp_path.iterdir())) == len(wanted)


def test_a_file_that_appears_meanwhile_is_never_replaced(tmp_path, monkeypatch, placing):
    """Another run placed the same name between staging and placing: it stays, ours is not placed."""
    theirs, ours = tmp_path / "a.docx", tmp_path / "b.docx"
    real_sync = files._sync

    def meanwhile(paths):
        theirs.write_bytes(b"theirs")
        return real_sync(paths)
    monkeypatch.setattr(files, "_sync", meanwhile)
    assert files.place_many([(theirs, b"ours", False), (ours, b"ours", False)]) == [False, True]
    assert theirs.read_bytes() == b"theirs" and ours.read_bytes() == b"ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]     # no temporary file


def test_write_all_never_replaces_a_file_that_appeared_meanwhile(tmp_path, monkeypatch, placing):
    theirs = tmp_path / "b.docx"
    real_sync = files._sync

    def meanwhile(paths):
        theirs.write_bytes(b"theirs")
        return real_sync(paths)
    monkeypatch.setattr(files, "_sync", meanwhile)
    with pytest.raises(OutputError, match="already exists"):
        files.write_all([(tmp_path / "a.docx", b"ours"), (theirs, b"ours")])
    assert [p.name for p in tmp_path.iterdir()] == ["b.docx"] and theirs.read_bytes() == b"theirs"


def test_a_replaced_file_keeps_its_mode(tmp_path, placing):
    path = tmp_path / "a.docx"
    path.write_bytes(b"old")
    path.chmod(0o600)
    assert files.place_many([(path, b"new", True)]) == [True]
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failure_after_staging_leaves_no_file_behind(tmp_path, monkeypatch, placing):
    """A failure after staging (here: the disk sync) leaves neither a file nor a descriptor."""
    def failing(paths):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(files, "_sync", failing)
    before = open_fds()
    with pytest.raises(OutputError, match="Input/output error"):
        files.place_many([(tmp_path / f"{i}.docx", b"x" * 100, False) for i in range(3)])
    assert open_fds() == before and list(tmp_path.iterdir()) == []


def test_a_write_the_disk_refused_later_is_reported(tmp_path, monkeypatch, placing):
    """A write the system accepted and the disk refused when flushing (a full disk, an I/O
    error) is reported by fsync, also after one sync() for the chunk, which reports nothing."""
    def refused(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(files.os, "fsync", refused)
    with pytest.raises(OutputError, match="the disk is full"):
        files.place_many([(tmp_path / f"{i}.docx", b"x" * 100, False) for i in range(3)])
    assert list(tmp_path.iterdir()) == []


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(tmp_path):
    """A run killed outright leaves its temporary files; the next run in the folder removes them
    once that run's process is gone, and never those of a run still writing."""
    code = ("import os, sys; from pathlib import Path; from drafter.output import files\n"
            "files._stage(Path(sys.argv[1]) / 'a.docx', b'x', replacing=False)\n"
            "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO)
    left = list(tmp_path.glob(".drafter-*.part"))
    assert len(left) == 1
    files.begin_run()
    mine = files._stage(tmp_path / "b.docx", b"y", replacing=False)       # a live run's: kept
    assert files.remove_stray_temps(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == [os.path.basename(mine.tmp)]
    assert files.remove_stray_temps(tmp_path, own=True) == 1 and not list(tmp_path.iterdir())
