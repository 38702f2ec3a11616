"""Placing files (output.files.place_many): whole or absent, never over a file that appeared
meanwhile, permissions as a user expects, no temporary file left behind."""
from __future__ import annotations

import os
import stat

import pytest

from drafter.output import files


@pytest.fixture(params=["unnamed", "renameat2", "link"])
def staged_by(request, monkeypatch):
    """Where the system has them (Linux), a new file is written as an unnamed file and named
    once synced; else as a named temporary file, renamed in one step (renameat2) or linked and
    unlinked. All must behave the same."""
    if request.param == "unnamed":
        if not hasattr(os, "O_TMPFILE"):
            pytest.skip("this system has no unnamed files (O_TMPFILE)")
        return request.param
    monkeypatch.setattr(files, "_stage_unnamed", lambda path, data: None)
    if request.param == "link":
        monkeypatch.setattr(files, "_NOREPLACE", [None])
    elif files._renameat2() is None:
        pytest.skip("this system has no renameat2")
    return request.param


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_a_chunk_is_placed_whole_with_the_umask_mode(tmp_path, staged_by):
    wanted = {tmp_path / f"{i}.docx": bytes([i]) * 1000 for i in range(5)}
    before = open_fds()
    assert files.place_many([(p, d, False) for p, d in wanted.items()]) == [True] * 5
    assert open_fds() == before
    umask = os.umask(0)
    os.umask(umask)
    for path, data in wanted.items():
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in wanted)


def test_a_file_that_appears_meanwhile_is_never_replaced(tmp_path, monkeypatch, staged_by):
    """Another run placed the same name between staging and placing: it stays, ours is not placed."""
    theirs, ours = tmp_path / "a.docx", tmp_path / "b.docx"
    real_syncfs = files._syncfs

    def meanwhile(folder):
        theirs.write_bytes(b"theirs")
        return real_syncfs(folder)
    monkeypatch.setattr(files, "_syncfs", meanwhile)
    assert files.place_many([(theirs, b"ours", False), (ours, b"ours", False)]) == [False, True]
    assert theirs.read_bytes() == b"theirs" and ours.read_bytes() == b"ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "b.docx"]     # no temporary file


def test_a_replaced_file_keeps_its_mode(tmp_path, staged_by):
    path = tmp_path / "a.docx"
    path.write_bytes(b"old")
    path.chmod(0o600)
    assert files.place_many([(path, b"new", True)]) == [True]
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_proc_an_unnamed_file_is_written_again_by_name(tmp_path, monkeypatch):
    if not hasattr(os, "O_TMPFILE"):
        pytest.skip("this system has no unnamed files (O_TMPFILE)")
    monkeypatch.setattr(files, "_name_unnamed", lambda fd, path, anchor: False)
    before = open_fds()
    assert files.place_many([(tmp_path / "a.docx", b"letter", False)]) == [True]
    assert (tmp_path / "a.docx").read_bytes() == b"letter"
    assert open_fds() == before and [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_a_killed_run_leaves_no_unnamed_file_behind(tmp_path, monkeypatch):
    """A failure after staging (here: the disk sync) leaves neither a file nor a descriptor."""
    def failing(folder):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(files, "_syncfs", failing)
    before = open_fds()
    with pytest.raises(Exception, match="Input/output error"):
        files.place_many([(tmp_path / f"{i}.docx", b"x" * 100, False) for i in range(3)])
    assert open_fds() == before and list(tmp_path.iterdir()) == []
