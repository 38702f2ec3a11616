"""Placing files (output.files.place_many): whole or absent, never over a file that appeared
meanwhile, permissions as a user expects, no temporary file left behind."""
from __future__ import annotations

import os
import stat

import pytest

from drafter.output import files


@pytest.fixture(params=["renameat2", "link"])
def commit_by(request, monkeypatch):
    """Where the system has renameat2 (Linux) a file is put in place in one step; elsewhere by
    link and unlink. Both must behave the same."""
    if request.param == "link":
        monkeypatch.setattr(files, "_NOREPLACE", [None])
    elif files._renameat2() is None:
        pytest.skip("this system has no renameat2")
    return request.param


def test_a_chunk_is_placed_whole_with_the_umask_mode(tmp_path, commit_by):
    wanted = {tmp_path / f"{i}.docx": bytes([i]) * 1000 for i in range(5)}
    assert files.place_many([(p, d, False) for p, d in wanted.items()]) == [True] * 5
    umask = os.umask(0)
    os.umask(umask)
    for path, data in wanted.items():
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in wanted)


def test_a_file_that_appears_meanwhile_is_never_replaced(tmp_path, monkeypatch, commit_by):
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


def test_a_replaced_file_keeps_its_mode(tmp_path, commit_by):
    path = tmp_path / "a.docx"
    path.write_bytes(b"old")
    path.chmod(0o600)
    assert files.place_many([(path, b"new", True)]) == [True]
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o600
