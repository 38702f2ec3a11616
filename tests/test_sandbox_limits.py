"""The template sandbox's last line: a single call the step and size checks cannot see is still
stopped at the deadline or the memory limit, in any thread, on every system (no SIGALRM, no
RLIMIT_AS: tests/simulate/run.py runs these as on Windows and macOS too)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from drafter.compose import sandbox
from drafter.errors import TemplateError

from conftest import REPO


def spin():
    while True:
        pass


def grow():
    held = []
    while True:
        held.append(bytearray(2**20))       # touched: resident, not just reserved


def render(code: str, context: dict) -> str:
    return sandbox.render_bounded(sandbox.SafeEnvironment().from_string(code), context, "t.md.j2")


@pytest.fixture
def short(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)
    monkeypatch.setattr(sandbox, "MAX_MEMORY", 64 * 2**20)


def test_a_call_that_never_returns_is_stopped_at_the_deadline(short):
    started = time.monotonic()
    with pytest.raises(TemplateError, match="ran for more than 0.5 seconds"):
        render("before {{ spin() }} after", {"spin": spin})
    assert time.monotonic() - started < 5


def test_a_call_that_takes_memory_is_stopped_at_the_limit(short):
    with pytest.raises(TemplateError, match="needs more than 64 MB of memory"):
        render("{{ grow() }}", {"grow": grow})


def test_a_call_that_swallows_exceptions_is_stopped_all_the_same(short):
    """`except Exception` inside the call does not catch the watchdog's stop."""
    def stubborn():
        while True:
            try:
                spin()
            except Exception:       # noqa: BLE001 - what a careless helper does
                pass
    with pytest.raises(TemplateError, match="ran for more than 0.5 seconds"):
        render("{{ stubborn() }}", {"stubborn": stubborn})


def test_limits_hold_in_any_thread_and_each_render_keeps_its_own(monkeypatch):
    """The volunteers' page renders on a server's threads: one runaway is stopped; a render
    that runs while it is stopped, and past the runaway's deadline, finishes untouched."""
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 2.0)
    results: dict[str, object] = {}

    def run(name, code, context):
        try:
            results[name] = render(code, context)
        except TemplateError as exc:
            results[name] = exc

    def steady():
        time.sleep(1.5)
        return "done"
    runaway = threading.Thread(target=run, args=("runaway", "{{ spin() }}", {"spin": spin}))
    beside = threading.Thread(target=run, args=("steady", "{{ steady() }}", {"steady": steady}))
    runaway.start()
    time.sleep(1.0)
    beside.start()
    for t in (runaway, beside):
        t.join(20)
    assert isinstance(results["runaway"], TemplateError)
    assert "ran for more than 2 seconds" in str(results["runaway"])
    assert results["steady"] == "done"


def test_nothing_lands_after_a_render_has_ended(short):
    """A stop is for the render it was meant for: once render_bounded returns or raises, the
    thread runs on undisturbed, and the next render has its own full time."""
    with pytest.raises(TemplateError):
        render("{{ spin() }}", {"spin": spin})
    for _ in range(200):
        assert render("{{ 1 + 1 }}", {}) == "2"
    ends = time.monotonic() + 1.0
    while time.monotonic() < ends:          # Python running on past a whole deadline
        pass
    assert render("{% for i in range(10) %}{{ i }}{% endfor %}", {}) == "0123456789"


def test_a_call_stuck_in_c_ends_the_process_with_the_error():
    """A call that never returns to Python cannot take an exception: the process ends with
    the error and status 1 instead of running on without bound."""
    code = ("import time\n"
            "from drafter.compose import sandbox\n"
            "sandbox.MAX_SECONDS, sandbox.HARD_STOP_AFTER = 0.3, 0.5\n"
            "t = sandbox.SafeEnvironment().from_string('{{ wait(60) }}')\n"
            "sandbox.render_bounded(t, {'wait': time.sleep}, 'stuck.md.j2')\n"
            "print('not stopped')\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1, done.stderr
    assert "stuck.md.j2" in done.stderr and "ran for more than 0.3 seconds" in done.stderr
    assert "Traceback" not in done.stderr and "not stopped" not in done.stdout
    assert time.monotonic() - started < 15
