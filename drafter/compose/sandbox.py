"""The template sandbox with limits: no Python internals, and bounded work, output and numbers.

Jinja2's ImmutableSandboxedEnvironment refuses `__class__`, `__globals__`, format-string tricks
and unsafe methods, and caps `range()` at 100,000 items. Nested loops, recursive macros and big
repetitions can still run for hours or fill memory, so every loop iteration and every call is
counted against a budget and a deadline, the output is streamed and stopped at a size, and
`*`, `**`, `+`, `~`, `%`, format widths, `lipsum`, padding arguments and the text made of a
list or dict are kept to sizes a letter can need. A single call the checks miss is still
bounded, in any thread and on every system: a watchdog thread (_Watchdog) stops a render at
its deadline or once the process has grown by MAX_MEMORY while it renders.
"""
from __future__ import annotations

import collections.abc
import contextvars
import ctypes
import os
import re
import string
import sys
import threading
import time
from typing import Any, Iterable, Iterator

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

from drafter.errors import TemplateError
from drafter.system import memory_used

MAX_STEPS = 1_000_000          # loop iterations plus calls in one render
MAX_SECONDS = 10.0             # wall-clock time of one render
MAX_OUTPUT = 2_000_000         # characters of Markdown one render may produce
MAX_NUMBER = 100_000           # largest width or count a padding/slicing argument may be
MAX_POWER_BITS = 4096          # `a ** b` larger than this many bits is refused
MAX_MEMORY = 384 * 2**20       # bytes a render may add to the process (resident memory)
HARD_STOP_AFTER = 5.0          # seconds an overrun may stay undelivered (a call in C) before the process ends
MAX_INCLUDE_DEPTH = 40         # templates including templates, as deep as this
MAX_LIPSUM_WORDS = 100_000     # words `lipsum(n, min, max)` may make
_COUNT_FILTER = "drafter_counted"
_CONCAT_FILTER = "drafter_concat"
INTERNAL_FILTERS = frozenset({_COUNT_FILTER, _CONCAT_FILTER})   # the sandbox's own, not for template authors
_PRINTF_WIDTH = re.compile(r"%[#0 +\-]*(\*|\d{5,})|%[#0 +\-]*\d*\.(\*|\d{5,})")
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_SIZED_FILTERS = {jinja2.filters.do_center, jinja2.filters.do_indent, jinja2.filters.do_slice,
                  jinja2.filters.do_batch}
# Filters that make text of their value (and arguments) in one call; their sizes are checked.
_TEXT_FILTERS = {"string", "tojson", "pprint", "e", "escape", "forceescape", "safe", "urlencode", "upper",
                 "lower", "title", "capitalize", "trim", "truncate", "wordwrap", "wordcount", "striptags",
                 "urlize", "center", "indent", "replace", "format", "xmlattr", "lowerfirst"}
_CONTAINERS = (list, tuple, dict, set, frozenset, Namespace, collections.abc.MappingView)
_BUDGET: contextvars.ContextVar["_Budget"] = contextvars.ContextVar("drafter_template_budget")


class _Budget:
    def __init__(self, path: str):
        self.path = path
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.ident = threading.get_ident()
        self.base: int | None = None       # memory when the render started (set by the watchdog)
        self.fired: str | None = None      # "time" or "memory" once the watchdog stopped it
        self.fired_at = 0.0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateError(f"the template does more than {MAX_STEPS:,} loop steps and calls",
                                hint="a loop inside a loop, or a macro calling itself, runs away")
        if self.steps & 0x3FF == 0:
            if self.fired is None and time.monotonic() > self.deadline:
                self.fired = "time"
            if self.fired is not None:     # also when the watchdog's exception was swallowed
                raise _overrun_error(self.fired)


def _step() -> None:
    budget = _BUDGET.get(None)
    if budget is not None:
        budget.step()


def _counted(iterable: Iterable) -> Iterator:
    """Every template `for` loop iterates through this (see SafeEnvironment._parse)."""
    for item in iterable:
        _step()
        yield item


def _check_number(value: Any) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise SecurityError(f"the number {value} is too large for a template (limit {MAX_NUMBER:,})")


def _text_size(value, limit: int = MAX_OUTPUT) -> int:
    """About how many characters str(value), repr or JSON of value makes, counted up to limit.

    A list holding one long text many times is small in memory, yet becomes text in one call
    (`|string`, `|tojson`, `{{ l }}`) that the step counter never sees: it is measured first.
    """
    if isinstance(value, str) or not isinstance(value, _CONTAINERS):
        return len(value) if isinstance(value, str) else 0
    size, stack = 0, [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 4
        elif isinstance(item, (bytes, bytearray)):
            size += 4 * len(item) + 3
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 3
        elif isinstance(item, dict):
            size += 2 + 4 * len(item)
            if size <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, Namespace):
            stack.append(dict(item._Namespace__attrs))   # its repr shows every attribute
        elif isinstance(item, _CONTAINERS):
            size += 2 + 2 * len(item)
            if size <= limit:
                stack.extend(item)
        else:
            size += 8
    return size


def _check_text_size(*values) -> None:
    for value in values:
        if not isinstance(value, str) and isinstance(value, _CONTAINERS) and _text_size(value) > MAX_OUTPUT:
            raise SecurityError(f"turning that into text gives more than {MAX_OUTPUT:,} characters")


def _sized_finalize(finalize):
    """`{{ value }}` makes text of the value in one call: its size is checked first."""
    if finalize is None:
        def checked(value):
            if value.__class__ is not str and isinstance(value, _CONTAINERS):
                _check_text_size(value)
            return value
    else:
        def checked(value):
            if value.__class__ is not str and isinstance(value, _CONTAINERS):
                _check_text_size(value)
            return finalize(value)
        checked.__dict__.update(finalize.__dict__)   # keeps Jinja's pass_context/... marks
    return checked


def _joined(sep: str, items) -> list:
    """The items of a join, refused when the joined text would pass MAX_OUTPUT."""
    items = list(items)
    if len(sep) * len(items) + _text_size(items) > MAX_OUTPUT:
        raise SecurityError(f"joining those gives more than {MAX_OUTPUT:,} characters")
    return items


def _check_replace(text: str, old, new, count=-1) -> None:
    """A replacement that would grow the text past MAX_OUTPUT is refused before it is made."""
    if not isinstance(text, str) or not isinstance(old, str) or not isinstance(new, str):
        return
    hits = (len(text) + 1 if old == "" else text.count(old))
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(text) + hits * (len(new) - len(old)) > MAX_OUTPUT:
        raise SecurityError(f"that replacement gives more than {MAX_OUTPUT:,} characters")


def _check_size(*parts) -> None:
    """Refuse `a + b` or `a ~ b` whose result would pass MAX_OUTPUT (strings doubled in a loop)."""
    size = sum(len(p) for p in parts if isinstance(p, (str, list, tuple)))
    if size > MAX_OUTPUT:
        raise SecurityError(f"joining those gives more than {MAX_OUTPUT:,} characters or items")


def _concat(items) -> str:
    """`a ~ b ~ c`: Jinja's own str join, after the size check."""
    _check_text_size(*items)
    items = [str(x) for x in items]
    _check_size(*items)
    return "".join(items)


def _lipsum(lipsum):
    def bounded(n=5, html=True, min=20, max=100):  # noqa: A002 - Jinja's parameter names
        for value in (n, min, max):
            _check_number(value)
        if n * max > MAX_LIPSUM_WORDS:
            raise SecurityError(f"lipsum({n}, max={max}) makes more than {MAX_LIPSUM_WORDS:,} words")
        return lipsum(n, html, min, max)
    return bounded


def _check_printf(fmt: str) -> None:
    if _PRINTF_WIDTH.search(fmt):
        raise SecurityError("a %-format width or precision that large (or '*') is not allowed")


class _SizedConcat(NodeTransformer):
    """`a ~ b` compiles to a plain join; it becomes a filter that checks the size first."""

    def visit_Concat(self, node):  # noqa: N802 - the visitor's naming
        node = self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), _CONCAT_FILTER, [], [], None, None,
                            lineno=node.lineno)


class _GuardedFilters(dict):
    """The filters, guarded also when a caller adds one after the environment is made."""

    def __setitem__(self, name, func):
        super().__setitem__(name, SafeEnvironment._guard_filter(func, name))


class SafeEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **kw):
        kw["finalize"] = _sized_finalize(kw.get("finalize"))
        super().__init__(**kw)
        self.filters = _GuardedFilters({name: self._guard_filter(f, name) for name, f in self.filters.items()})
        self.filters[_COUNT_FILTER] = _counted
        self.filters[_CONCAT_FILTER] = _concat
        if "lipsum" in self.globals:
            self.globals["lipsum"] = _lipsum(self.globals["lipsum"])

    @staticmethod
    def _guard_filter(func, name: str):
        """Filters that allocate by a size argument get their numbers checked; `format` its widths;
        those that make text of a list or dict, its size; `sum` adds numbers only (adding lists
        is one call that grows without bound)."""
        if name in _TEXT_FILTERS:
            inner = SafeEnvironment._guard_filter(func, "")

            def guarded(*args, **kwargs):
                _check_text_size(*args, *kwargs.values())
                return inner(*args, **kwargs)
            guarded.__dict__.update(func.__dict__)
            return guarded
        if func is jinja2.filters.do_sum:
            def guarded(environment, iterable, attribute=None, start=0):
                if not isinstance(start, (int, float)):
                    raise SecurityError("sum adds numbers only")
                return func(environment, iterable, attribute, start)
        elif func is jinja2.filters.do_join:
            def guarded(eval_ctx, value, d="", attribute=None):
                return func(eval_ctx, _joined(str(d), value), d, attribute)
        elif func is jinja2.filters.do_format:
            def guarded(value, *args, **kwargs):
                _check_printf(str(value))
                return func(value, *args, **kwargs)
        elif func is jinja2.filters.do_replace:
            def guarded(eval_ctx, value, old, new, count=None):
                _check_replace(str(value), str(old), str(new), -1 if count is None else count)
                return func(eval_ctx, value, old, new, count)
        elif func in _SIZED_FILTERS:
            def guarded(*args, **kwargs):
                for value in (*args[1:], *kwargs.values()):
                    _check_number(value)
                return func(*args, **kwargs)
        else:
            return func
        guarded.__dict__.update(func.__dict__)   # keeps Jinja's pass_context/pass_environment marks
        return guarded

    def _parse(self, source, name, filename):
        """Route every `for` loop's sequence through the step counter."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _COUNT_FILTER, [], [], None, None, lineno=loop.lineno)
        return _SizedConcat().visit(tree)

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 - Jinja's signature
        """An `{% include %}` inside an include inside ... stops at MAX_INCLUDE_DEPTH, before Python's
        own recursion limit fails somewhere inside Jinja."""
        depth, frame = 0, sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == "root" and frame.f_globals.get("environment") is self:
                depth += 1
            frame = frame.f_back
        if depth > MAX_INCLUDE_DEPTH:
            raise TemplateError(f"templates include each other more than {MAX_INCLUDE_DEPTH} deep",
                                hint=f"{name!r} is included inside itself; the recursion has no end")
        return super().get_template(name, parent, globals)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        _step()
        owner, method = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(owner, str) and method in _SIZED_METHODS:
            for value in (*args, *kwargs.values()):
                _check_number(value)
        if isinstance(owner, str) and method == "replace" and len(args) >= 2:
            _check_replace(owner, *args[:3])
        if isinstance(owner, str) and method == "join" and len(args) == 1:
            args = (_joined(owner, args[0]),)
        elif isinstance(owner, str):
            _check_text_size(*args, *kwargs.values())
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_POWER_BITS:
            raise SecurityError("that power is too large for a template")
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT:
                raise SecurityError(f"repeating that gives more than {MAX_OUTPUT:,} items")
        if operator == "*" and isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
            raise SecurityError("that product is too large for a template")
        if operator == "%" and isinstance(left, str):
            _check_printf(left)
            _check_text_size(right)
        if operator == "+":
            _check_size(left, right)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value):
        """`str.format` and `format_map` (sandboxed by Jinja) also refuse huge or nested widths."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            for _text, _field, spec, _conv in string.Formatter().parse(value.__self__):
                if spec and (re.search(r"\d{5,}", spec) or "{" in spec):
                    raise SecurityError("a format width that large (or a nested one) is not allowed")
        return wrapped


class _Overrun(BaseException):
    """Raised inside a render's thread by the watchdog. A BaseException, so that no `except
    Exception` between the template and render_bounded (Jinja's, a helper's) swallows it."""


class _Watchdog:
    """One daemon thread per process that stops renders running past their deadline or memory.

    It works in any thread and on every platform CPython runs on: an overrun is raised in the
    render's thread with PyThreadState_SetAsyncExc, which takes effect at the thread's next
    Python instruction. While renders are active (and for LINGER seconds after, so that a
    batch's back-to-back renders do not wake it each time) it samples the process's memory and
    checks deadlines every TICK seconds; where memory cannot be read it sleeps until the nearest
    deadline; with no render it sleeps until one starts. A call that stays
    in C code cannot take the exception: if a fired render is still running HARD_STOP_AFTER
    seconds later, or the process has grown past twice MAX_MEMORY, the process ends with the
    error (exit status 1) rather than take the machine's memory or run on without bound.
    """

    TICK = 0.025
    LINGER = 1.0            # seconds of sampling after the last render ended

    def __init__(self):
        # reentrant, so that a render thread can tell it still holds it (release_leaked)
        self.cond = threading.Condition(threading.RLock())
        self.active: dict[int, _Budget] = {}    # thread id -> the render it runs
        self.fired: dict[int, _Budget] = {}     # overrun raised, render not ended yet
        self.thread: threading.Thread | None = None
        self.sample: int | None = None          # the last memory sample, and when
        self.sampled_at = 0.0
        self.idle = True
        self.can_measure = True

    def _measure(self) -> int | None:
        if not self.can_measure:
            return None
        try:
            return memory_used()
        except Exception:       # noqa: BLE001 - no reading on this system: the step and size checks remain
            self.can_measure = False
            return None

    def add(self, budget: _Budget) -> bool:
        """Watch this render; False when its thread already runs one (an outer render's limits hold)."""
        with self.cond:
            if budget.ident in self.active or budget.ident in self.fired:
                return False
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="drafter-template-watchdog", daemon=True)
                self.thread.start()
            if not self.idle and time.monotonic() - self.sampled_at < 2 * self.TICK:
                budget.base = self.sample     # lowered by the next sample if memory was freed since
            else:       # measured here: the watchdog's first sample may come late behind a busy render
                budget.base = self._measure()
            self.active[budget.ident] = budget
            if self.idle or not self.can_measure:
                self.cond.notify()
            return True

    def release_leaked(self) -> None:
        """An overrun that lands just after this thread took the lock, before its `with` block
        began, leaves the lock taken (a `with` statement is not safe from asynchronous
        exceptions: bpo-29988); the watchdog and every later render would wait on it forever.
        Called where the overrun is caught, outside any `with self.cond`."""
        while self.cond._is_owned():
            self.cond.release()

    def remove(self, budget: _Budget) -> None:
        with self.cond:
            if self.active.get(budget.ident) is budget:
                del self.active[budget.ident]
            elif self.fired.get(budget.ident) is budget:
                del self.fired[budget.ident]
                # Fired but perhaps not yet delivered: cancel it, or it would land in unrelated code.
                _set_async_exc(budget.ident, None)

    def _fire(self, budget: _Budget, kind: str, now: float) -> None:
        """Under the lock: the render leaves the registry and gets its exception."""
        del self.active[budget.ident]
        budget.fired, budget.fired_at = kind, now
        self.fired[budget.ident] = budget
        _set_async_exc(budget.ident, _Overrun)

    def _run(self) -> None:
        with self.cond:
            last_active = time.monotonic()
            while True:
                now = time.monotonic()
                if self.active or self.fired:
                    last_active = now
                if not (self.active or self.fired or (self.can_measure and now - last_active < self.LINGER)):
                    self.idle = True
                    self.cond.wait()
                    continue
                self.idle = False
                used = self._measure()
                self.sample, self.sampled_at = used, time.monotonic()
                self._check(used, self.sampled_at)
                if used is not None:
                    self.cond.wait(self.TICK)
                else:       # nothing to sample: sleep until the nearest deadline or hard stop
                    ends = [b.deadline for b in self.active.values()]
                    ends += [b.fired_at + HARD_STOP_AFTER for b in self.fired.values()]
                    self.cond.wait(max(0.001, min(ends) - time.monotonic()) if ends else None)

    def _check(self, used: int | None, now: float) -> None:
        for budget in list(self.active.values()):
            if used is not None:
                if budget.base is None or used < budget.base:
                    budget.base = used
                if used - budget.base > MAX_MEMORY:
                    self._fire(budget, "memory", now)
                    continue
            if now > budget.deadline:
                self._fire(budget, "time", now)
        for budget in list(self.fired.values()):
            grown = used is not None and budget.base is not None and used - budget.base > 2 * MAX_MEMORY
            if grown or now - budget.fired_at > HARD_STOP_AFTER:
                _hard_stop(budget)

    def after_fork(self) -> None:
        """A forked child has none of the parent's threads, and perhaps a lock held by one."""
        self.__init__()


def _set_async_exc(ident: int, exc) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


def _overrun_error(kind: str) -> TemplateError:
    if kind == "memory":
        return TemplateError(f"the template needs more than {MAX_MEMORY // 2**20} MB of memory",
                             hint="look for texts or lists made larger and larger")
    return TemplateError(f"the template ran for more than {MAX_SECONDS:g} seconds",
                         hint="look for loops inside loops or macros calling themselves")


def _hard_stop(budget: _Budget) -> None:
    """The last resort for a call that never returns to Python: end the process with the error."""
    error = _overrun_error(budget.fired or "time")
    error.file = budget.path
    error.hint = "one call could not be stopped, so drafter stopped"
    try:
        sys.stderr.write(f"error: {error}\n")
        sys.stderr.flush()
    finally:
        os._exit(1)


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG.after_fork)


def render_bounded(template: jinja2.Template, context: dict, path: str) -> str:
    """Render with the step budget, deadline and memory limit, stopping as soon as the output is
    too large. Any thread may call it."""
    budget = _Budget(path)
    token = _BUDGET.set(budget)
    try:
        try:
            watched = _WATCHDOG.add(budget)
            try:
                chunks, size = [], 0
                for chunk in template.generate(context):
                    size += len(chunk)
                    if size > MAX_OUTPUT:
                        raise TemplateError(f"the template produced more than {MAX_OUTPUT:,} characters",
                                            hint="a loop prints far more than a letter holds")
                    chunks.append(chunk)
                return "".join(chunks)
            finally:
                if watched:
                    _WATCHDOG.remove(budget)
        except _Overrun:
            if budget.fired is None:        # an outer render's overrun: it is theirs to report
                raise
            _WATCHDOG.release_leaked()      # it may have landed as the first remove took the lock
            _WATCHDOG.remove(budget)        # or inside the first remove
            raise _overrun_error(budget.fired) from None
    except MemoryError:
        raise _overrun_error("memory") from None
    finally:
        _BUDGET.reset(token)
