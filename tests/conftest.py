"""Shared fixtures. Tests that need ../shared or LibreOffice skip without them, except under CI."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, what: str) -> None:
    """Skip when a dependency is missing; under CI a missing dependency is a failure."""
    if condition:
        return
    if UNDER_CI:
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} not available")


@pytest.fixture
def shared() -> Path:
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    return SHARED


@pytest.fixture
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    need(exe is not None, "LibreOffice (soffice)")
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    return exe


@pytest.fixture
def repo() -> Path:
    return REPO
