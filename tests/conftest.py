"""Shared fixtures. Tests that need ../shared or LibreOffice skip without them, except under CI.

Slow tests (LibreOffice, a browser, a database server, long property-based runs) carry
`@pytest.mark.slow`; every test that takes the `soffice` fixture is marked so automatically.
A plain `python -m pytest -q` skips them; `--slow` or CI=true runs everything.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Tables are cut to the terminal's width: every test, in any worker, sees the same 120 columns.
os.environ["COLUMNS"] = "120"


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true",
                     help="also run the slow tests (LibreOffice, browser, database server, long property runs); "
                          "CI=true runs them anyway")


def pytest_collection_modifyitems(config, items):
    run_slow = UNDER_CI or config.getoption("--slow")
    skip = pytest.mark.skip(reason="slow: run with --slow (or CI=true)")
    for item in items:
        if "soffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
        if not run_slow and item.get_closest_marker("slow"):
            item.add_marker(skip)


def need(condition: bool, what: str) -> None:
    """Skip when a dependency is missing; under CI a missing dependency is a failure."""
    if condition:
        return
    if UNDER_CI:
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} not available")


LOG_TESTS = ("test_log", "test_log_batch")   # where the log goes is what they test, in tmp folders


@pytest.fixture(scope="session", autouse=True)
def _tests_log(tmp_path_factory):
    """Every test logs into a temporary file (DRAFTER_LOG, inherited by the processes tests
    start), never into the example campaign's own log in the repository: module fixtures too."""
    before = os.environ.get("DRAFTER_LOG")
    os.environ["DRAFTER_LOG"] = str(tmp_path_factory.mktemp("log") / "drafter-log.sqlite")
    yield
    if before is None:
        os.environ.pop("DRAFTER_LOG", None)
    else:
        os.environ["DRAFTER_LOG"] = before


@pytest.fixture(autouse=True)
def _log_in_a_copied_campaign(request, monkeypatch):
    """Tests on a `campaign` copy, and those of where the log goes, keep the log in their
    temporary campaign folder, as a user without DRAFTER_LOG has it."""
    if "campaign" in request.fixturenames or request.module.__name__ in LOG_TESTS:
        monkeypatch.delenv("DRAFTER_LOG", raising=False)


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


CAMPAIGN_FILES = ("evidence.yaml", "recipients.yaml", "asks.yaml", "letters")


@pytest.fixture
def campaign(tmp_path) -> Path:
    """A copy of the example campaign in a temporary folder, free to edit."""
    return copy_campaign(tmp_path)


def copy_campaign(folder: Path) -> Path:
    """A copy of the example campaign in folder/campaign (for module-scoped fixtures too)."""
    root = folder / "campaign"
    root.mkdir()
    for name in CAMPAIGN_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("*.docx"))
        elif src.exists():
            shutil.copy(src, root / name)
    return root


def docx_text(path: Path, part: str = "word/document.xml") -> str:
    """The visible text of one part of a .docx, paragraphs on their own lines."""
    import re
    import zipfile
    xml = zipfile.ZipFile(path).read(part).decode()
    xml = re.sub(r"</w:p>|<w:br/>", "\n", xml)
    xml = re.sub(r"<w:tab/>", "\t", xml)
    text = re.sub(r"<[^>]+>", "", xml)
    import html
    return html.unescape(text)


def pdf_text(soffice: str, docx: Path, outdir: Path) -> str:
    import subprocess
    profile = outdir / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = outdir / (docx.stem + ".pdf")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def check_docx(*paths: Path) -> str:
    """Run ../shared/tools/docx_check.py on drafts; they must pass. Skips without ../shared,
    except under CI."""
    import subprocess
    import sys
    tool = SHARED / "tools" / "docx_check.py"
    need(tool.is_file(), str(tool))
    result = subprocess.run([sys.executable, str(tool), *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def docx_check(shared: Path, *paths: Path) -> str:
    return check_docx(*paths)
