"""The docs show real output: every console block in README.md and docs/*.md is run again and
compared, and the examples of docs/python-api.md run.

A console block is ```console, then `$ command` lines each followed by its output (stdout and
stderr as a terminal shows them). Each page runs in its own copy of the example campaign, its
blocks in order, so a block may use what an earlier one made. Just before a block, an HTML
comment may say `<!-- setup: SHELL -->` (the block then runs in a fresh copy, after SHELL,
whose output is not shown: to break a file for an error example) or `<!-- not-tested: reason -->` (the output depends on the clock or on files
outside the repository; keep these rare). In the expected output a line `...` stands for any
number of lines, and times ("0.6 s", "21 letters/s", a log row's "2026-11-25 17:05") may differ.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CAMPAIGN_FILES, REPO, SHARED, need

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_BLOCK = re.compile(r"(?:^<!--[ \t]*(?P<mark>setup|not-tested):[ \t]*(?P<arg>[^\n]*?)[ \t]*-->[ \t]*\n)?"
                    r"^```console\n(?P<body>.*?)^```", re.S | re.M)
_TIMES = [(re.compile(r"\b\d+(\.\d+)? s\b"), "N s"), (re.compile(r"\b\d+ letters/s\b"), "N letters/s"),
          (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b"), "YYYY-MM-DD HH:MM")]   # when a log row was written
# Pages whose blocks run LibreOffice (PDFs, the kit's page count): slow.
SLOW = {"staff.md"}


def console_blocks(page: Path) -> list[dict]:
    """The page's console blocks: line, setup/not-tested mark, and (command, expected lines) steps."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for m in _BLOCK.finditer(text):
        steps: list[tuple[str, list[str]]] = []
        for line in m.group("body").splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append({"line": text.count("\n", 0, m.start("body")), "mark": m.group("mark"),
                       "arg": m.group("arg"), "steps": steps})
    return blocks


def _normal(line: str) -> str:
    for rx, repl in _TIMES:
        line = rx.sub(repl, line)
    return line.rstrip()


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected `...` line matches any run of lines, including none."""
    expected = [_normal(x) for x in expected]
    actual = [_normal(x) for x in actual]

    def at(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i] == "...":
            return any(at(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and expected[i] == actual[j] and at(i + 1, j + 1)
    return at(0, 0)


def campaign_copy(tmp_path: Path) -> Path:
    """The example campaign beside a link to ../shared, as the docs' commands expect."""
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    for name in (*CAMPAIGN_FILES, "letterheads", "examples", "bench", "tests/data"):
        src = REPO / name
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    (tmp_path / "shared").symlink_to(SHARED)
    return root


def shell(command: str, cwd: Path, status: int = 0) -> tuple[list[str], int]:
    """The lines a terminal would show, and the exit status; `status` is the previous command's
    (for `echo $?`)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="120", TERM="dumb")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    # as a reader runs them: the log in the (copied, temporary) campaign folder, one per page,
    # not the tests' shared DRAFTER_LOG that other pages' sessions also write
    env.pop("DRAFTER_LOG", None)
    done = subprocess.run(["bash", "-c", f"(exit {status}); {command}"], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    return done.stdout.splitlines(), done.returncode


def _page_params():
    for page in PAGES:
        if console_blocks(page):
            marks = [pytest.mark.slow] if page.name in SLOW else []
            yield pytest.param(page, id=page.name, marks=marks)


@pytest.mark.slow      # every documented command run again: a minute of CLI sessions
@pytest.mark.parametrize("page", list(_page_params()))
def test_console_blocks_show_real_output(page, tmp_path):
    need(SHARED.is_dir(), f"{SHARED} (the shared data folder)")
    page_root = campaign_copy(tmp_path / "page")
    failures = []
    for i, block in enumerate(console_blocks(page)):
        root = page_root
        if block["mark"] == "not-tested":
            continue
        if block["mark"] == "setup":   # its changes stay in its own copy
            root = campaign_copy(tmp_path / f"block-{i}")
            shell(block["arg"], root)
        status = 0
        for command, expected in block["steps"]:
            actual, status = shell(command, root, status)
            if not matches(expected, actual):
                failures.append(f"{page.name}:{block['line']}: $ {command}\n--- the page shows\n"
                                + "\n".join(expected) + "\n--- it prints\n" + "\n".join(actual))
    assert not failures, "\n\n".join(failures)


def test_few_blocks_are_left_untested():
    marks = [(p.name, b["line"], b["arg"]) for p in PAGES for b in console_blocks(p) if b["mark"] == "not-tested"]
    total = sum(len(console_blocks(p)) for p in PAGES)
    assert total >= 15 and len(marks) <= 3, marks
    assert all(reason for _, _, reason in marks), "say why a block is not tested"


def test_the_matcher_can_fail():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["done in 1.18 s"], ["done in 0.70 s"])
    assert not matches(["a", "...", "d"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])


def test_python_api_examples_run_and_print_what_the_page_shows(monkeypatch):
    """Each ```python block runs in order in one namespace, in the repository (a campaign);
    a ```text block right after it is what it must print."""
    page = (REPO / "docs" / "python-api.md").read_text(encoding="utf-8")
    examples = re.findall(r"```python\n(.*?)```\n(?:\n```text\n(.*?)```)?", page, re.S)
    assert len(examples) >= 4
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    for code, shown in examples:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "docs/python-api.md", "exec"), namespace)
        if shown:
            assert out.getvalue() == shown, code


def test_import_drafter_is_cheap_and_names_resolve():
    """`import drafter` loads nothing of the pipeline; each API name imports its module on use."""
    code = ("import sys, drafter; before = {m for m in sys.modules if m.startswith('drafter')}; "
            "[getattr(drafter, n) for n in drafter.__all__]; "
            "print(sorted(before)); print(sorted(set(drafter.__all__) - set(dir(drafter))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["['drafter']", "[]"]
    with pytest.raises(AttributeError):
        import drafter
        drafter.no_such_name   # noqa: B018


def test_readme_is_a_short_front_door():
    assert len((REPO / "README.md").read_text(encoding="utf-8")) < 10_000


def test_every_system_runs_the_same_tests():
    """.github/workflows/ci.yml (real macOS and Windows) runs the tests .ci/run runs under its
    Windows and macOS simulations: both through tests/simulate/run.py, on Python 3.10 and 3.13."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    assert set(job["strategy"]["matrix"]["os"]) == {"macos-latest", "windows-latest"}
    assert set(job["strategy"]["matrix"]["python"]) == {"3.10", "3.13"}
    assert [s["run"] for s in job["steps"] if "run" in s][-1] == 'python tests/simulate/run.py native -m "not slow"'
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "python tests/simulate/run.py windows" in ci and "python tests/simulate/run.py macos" in ci
