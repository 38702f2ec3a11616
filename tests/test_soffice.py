"""Finding LibreOffice where each system's installer puts it, and ending every LibreOffice
process and temporary folder of a run when drafter is stopped (Ctrl-C, SIGTERM), on Linux and
under the Windows and macOS simulations of tests/simulate."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from drafter.cli import main
from drafter.errors import ConversionError
from drafter.formats.pdf import find_soffice, soffice_candidates

REPO = Path(__file__).resolve().parent.parent
SIMULATE = REPO / "tests" / "simulate"
MACOS = Path("Applications", "LibreOffice.app", "Contents", "MacOS", "soffice")
WINDOWS = Path("LibreOffice", "program", "soffice.exe")


# Windows runs any file (there is no execute bit) and finds names on PATH by their extension.
NO_EXECUTE_BIT = pytest.mark.skipif(os.name == "nt", reason="Windows files have no execute bit")


def fake_exe(path: Path, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(mode)
    return path


@pytest.fixture
def bare(tmp_path):
    """An empty root, an empty PATH and an empty home: nothing to find until a test puts it there."""
    root, bin_, home = tmp_path / "root", tmp_path / "bin", tmp_path / "home"
    for d in (root, bin_, home):
        d.mkdir()
    return root, {"PATH": str(bin_), "HOME": str(home)}


def test_the_macos_application_folder_is_looked_in(bare):
    root, env = bare
    exe = fake_exe(root / MACOS)
    assert find_soffice(env, root) == str(exe)


def test_the_macos_application_folder_in_the_home_folder_is_looked_in(bare):
    root, env = bare
    exe = fake_exe(Path(env["HOME"]) / MACOS)
    assert find_soffice(env, root) == str(exe)


@pytest.mark.parametrize("var", ["ProgramFiles", "ProgramFiles(x86)"])
def test_the_windows_program_folders_are_looked_in(bare, tmp_path, var):
    root, env = bare
    exe = fake_exe(tmp_path / "Program Files" / WINDOWS)
    env[var] = str(tmp_path / "Program Files")
    assert find_soffice(env, root) == str(exe)


def test_program_files_comes_before_the_x86_folder(bare, tmp_path):
    root, env = bare
    exe = fake_exe(tmp_path / "pf" / WINDOWS)
    fake_exe(tmp_path / "pf86" / WINDOWS)
    env.update({"ProgramFiles": str(tmp_path / "pf"), "ProgramFiles(x86)": str(tmp_path / "pf86")})
    assert find_soffice(env, root) == str(exe)


def test_windows_default_folders_are_not_relative_names_elsewhere():
    # Without %ProgramFiles%, C:\Program Files is a relative name on Linux: never a place here.
    assert all(p.is_absolute() for p in soffice_candidates({}, "/"))


def test_linux_places_newest_opt_install_first(bare):
    root, env = bare
    fake_exe(root / "opt" / "libreoffice7.6" / "program" / "soffice")
    newest = fake_exe(root / "opt" / "libreoffice24.8" / "program" / "soffice")
    assert find_soffice(env, root) == str(newest)
    distro = fake_exe(root / "usr" / "lib" / "libreoffice" / "program" / "soffice")
    assert find_soffice(env, root) == str(distro)


@NO_EXECUTE_BIT
def test_a_file_that_cannot_be_run_is_passed_over(bare):
    root, env = bare
    fake_exe(root / MACOS, mode=0o644)
    with pytest.raises(ConversionError):
        find_soffice(env, root)


@pytest.mark.parametrize("name", ["soffice", "libreoffice", "soffice.exe"])
def test_path_comes_before_the_installers_places(bare, name):
    root, env = bare
    fake_exe(root / MACOS)
    on_path = fake_exe(Path(env["PATH"]) / (name if name.endswith(".exe") or os.name != "nt" else name + ".exe"))
    assert find_soffice(env, root) == str(on_path)


def test_drafter_soffice_comes_first(bare, tmp_path):
    root, env = bare
    fake_exe(root / MACOS)
    fake_exe(Path(env["PATH"]) / "soffice")
    chosen = fake_exe(tmp_path / "elsewhere" / "my soffice")
    assert find_soffice({**env, "DRAFTER_SOFFICE": str(chosen)}, root) == str(chosen)


@pytest.mark.parametrize("what", ["missing", "not executable", "a folder"])
def test_a_wrong_drafter_soffice_is_an_error_naming_it(bare, tmp_path, what):
    root, env = bare
    fake_exe(root / MACOS)      # found otherwise: a wrong setting is not silently passed over
    path = tmp_path / "wrong" / "soffice"
    if what == "not executable":
        if os.name == "nt":
            pytest.skip("Windows files have no execute bit")
        fake_exe(path, mode=0o644)
    elif what == "a folder":
        path.mkdir(parents=True)
    with pytest.raises(ConversionError, match="DRAFTER_SOFFICE") as err:
        find_soffice({**env, "DRAFTER_SOFFICE": str(path)}, root)
    assert str(path) in str(err.value)


def test_nothing_found_names_each_platforms_install_command(bare):
    root, env = bare
    with pytest.raises(ConversionError) as err:
        find_soffice(env, root)
    text = str(err.value)
    for command in ("brew install --cask libreoffice", "winget install TheDocumentFoundation.LibreOffice",
                    "sudo apt-get install libreoffice-writer", "DRAFTER_SOFFICE"):
        assert command in text


# Stopping drafter while the real LibreOffice converts.

CONVERT = """
import sys, threading
from pathlib import Path
from drafter.errors import DrafterError
from drafter.formats.pdf import pdf_bytes
data = Path(sys.argv[1]).read_bytes()
docs = {f"{i}.docx": data for i in range(int(sys.argv[2]))}

def convert():      # as drafter serve converts: in a daemon thread, errors handed on
    try:
        pdf_bytes(docs)
    except DrafterError as exc:
        print(exc)

try:
    if sys.argv[3] == "thread":
        threading.Thread(target=convert, daemon=True).start()
        threading.Event().wait()
    else:
        pdf_bytes(docs)
except KeyboardInterrupt:
    sys.exit(130)
print("finished")
"""


@pytest.fixture(scope="module")
def docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx")
    res = CliRunner().invoke(main, ["-C", str(REPO), "draft", "erc-entity-list", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return next(out.glob("*.docx"))


def start(args: list[str], tmp: Path, simulate: str | None) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    env.pop("DRAFTER_SOFFICE", None)
    if simulate:
        env.update(DRAFTER_SIMULATE=simulate,
                   PYTHONPATH=os.pathsep.join([str(SIMULATE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def libreoffice_of(proc: subprocess.Popen, timeout: float = 120) -> list[psutil.Process]:
    """The processes under `proc` once LibreOffice's own (soffice.bin) runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("finished before LibreOffice was seen running:\n" + proc.communicate()[1])
        try:
            tree = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        names = []
        for p in tree:
            try:
                names.append(p.name())
            except psutil.NoSuchProcess:
                pass
        if "soffice.bin" in names:
            return tree
        time.sleep(0.01)
    proc.kill()
    pytest.fail("LibreOffice never started")


def alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def left_running(tree: list[psutil.Process], tmp: Path) -> list[str]:
    """LibreOffice processes of this run still running: those seen under it, and any process
    whose command line names its private temp folder (its profile is there)."""
    left = [f"{p.pid} {p.name()}" for p in tree if alive(p)]
    for p in psutil.process_iter(["pid", "cmdline"]):
        if str(tmp) in " ".join(p.info["cmdline"] or ()) and alive(p):
            left.append(f"{p.pid} {' '.join(p.info['cmdline'])[:200]}")
    return left


def stop_and_check(proc: subprocess.Popen, sig: int, tmp: Path) -> tuple[str, str]:
    tree = libreoffice_of(proc)
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in tree:       # whatever the outcome, this test leaves nothing running
            if alive(p):
                p.kill()
    assert proc.returncode == 130, f"{proc.returncode}\n{out}\n{err}"
    assert "Traceback" not in err, err
    assert left_running(tree, tmp) == []
    assert sorted(os.listdir(tmp)) == []       # drafter-lo-*, drafter-pdf-*, LibreOffice's own files
    return out, err


CASES = [(signal.SIGINT, None), (signal.SIGTERM, None),
         (signal.SIGINT, "windows"),         # Windows has no SIGTERM to catch: Ctrl-C only
         (signal.SIGINT, "macos"), (signal.SIGTERM, "macos")]


@pytest.mark.parametrize("sig, simulate", CASES, ids=[f"{s.name}-{m or 'linux'}" for s, m in CASES])
def test_a_stopped_conversion_leaves_no_process_and_no_temp_file(soffice, docx, tmp_path, sig, simulate):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = start([sys.executable, "-c", CONVERT, str(docx), "12", "main"], tmp, simulate)
    out, _ = stop_and_check(proc, sig, tmp)
    assert "finished" not in out


@pytest.mark.parametrize("simulate", [None, "windows"])
def test_a_conversion_in_a_thread_is_ended_when_drafter_exits(soffice, docx, tmp_path, simulate):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = start([sys.executable, "-c", CONVERT, str(docx), "12", "thread"], tmp, simulate)
    stop_and_check(proc, signal.SIGINT, tmp)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_during_draft_format_pdf(soffice, tmp_path, sig):
    tmp, out_dir = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    proc = start([sys.executable, "-m", "drafter", "draft", "letters/erc-entity-list.yaml", "--each",
                  "-o", str(out_dir), "--format", "pdf", "--format", "docx", "--pdf-engine", "libreoffice"], tmp, None)
    _, err = stop_and_check(proc, sig, tmp)
    assert "interrupted" in err
    assert not out_dir.exists()      # no letter, no partial file, not even the folder
