"""The template sandbox with limits: no Python internals, and bounded work, output and numbers.

Jinja2's ImmutableSandboxedEnvironment refuses `__class__`, `__globals__`, format-string tricks
and unsafe methods, and caps `range()` at 100,000 items. Nested loops, recursive macros and big
repetitions can still run for hours or fill memory, so every loop iteration and every call is
counted against a budget and a deadline, the output is streamed and stopped at a size, and
`*`, `**`, `+`, `~`, `%`, format widths, `lipsum` and padding arguments are kept to sizes a
letter can need. A single call the checks miss is still bounded: while a template renders, a
timer stops it at the deadline and the process may not grow by more than MAX_MEMORY.
"""
from __future__ import annotations

import contextvars
import re
import signal
import string
import sys
import threading
import time
from typing import Any, Iterable, Iterator

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from drafter.errors import TemplateError

MAX_STEPS = 1_000_000          # loop iterations plus calls in one render
MAX_SECONDS = 10.0             # wall-clock time of one render
MAX_OUTPUT = 2_000_000         # characters of Markdown one render may produce
MAX_NUMBER = 100_000           # largest width or count a padding/slicing argument may be
MAX_POWER_BITS = 4096          # `a ** b` larger than this many bits is refused
MAX_MEMORY = 384 * 2**20       # bytes a render may add to the process (address space)
MAX_INCLUDE_DEPTH = 40         # templates including templates, as deep as this
MAX_LIPSUM_WORDS = 100_000     # words `lipsum(n, min, max)` may make
_COUNT_FILTER = "drafter_counted"
_CONCAT_FILTER = "drafter_concat"
INTERNAL_FILTERS = frozenset({_COUNT_FILTER, _CONCAT_FILTER})   # the sandbox's own, not for template authors
_PRINTF_WIDTH = re.compile(r"%[#0 +\-]*(\*|\d{5,})|%[#0 +\-]*\d*\.(\*|\d{5,})")
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_SIZED_FILTERS = {jinja2.filters.do_center, jinja2.filters.do_indent, jinja2.filters.do_slice,
                  jinja2.filters.do_batch}
_BUDGET: contextvars.ContextVar["_Budget"] = contextvars.ContextVar("drafter_template_budget")


class _Budget:
    def __init__(self, path: str):
        self.path = path
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateError(f"the template does more than {MAX_STEPS:,} loop steps and calls",
                                hint="a loop inside a loop, or a macro calling itself, runs away")
        if self.steps & 0x3FF == 0 and time.monotonic() > self.deadline:
            raise TemplateError(f"the template ran for more than {MAX_SECONDS:g} seconds",
                                hint="look for loops inside loops or macros calling themselves")


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


def _joined(sep: str, items) -> list:
    """The items of a join, refused when the joined text would pass MAX_OUTPUT."""
    items = list(items)
    if len(sep) * len(items) + sum(len(x) for x in items if isinstance(x, str)) > MAX_OUTPUT:
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


class SafeEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **kw):
        super().__init__(**kw)
        self.filters = {name: self._guard_filter(f) for name, f in self.filters.items()}
        self.filters[_COUNT_FILTER] = _counted
        self.filters[_CONCAT_FILTER] = _concat
        if "lipsum" in self.globals:
            self.globals["lipsum"] = _lipsum(self.globals["lipsum"])

    @staticmethod
    def _guard_filter(func):
        """Filters that allocate by a size argument get their numbers checked; `format` its widths."""
        if func is jinja2.filters.do_join:
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
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_POWER_BITS:
            raise SecurityError("that power is too large for a template")
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT:
                raise SecurityError(f"repeating that gives more than {MAX_OUTPUT:,} items")
        if operator == "%" and isinstance(left, str):
            _check_printf(left)
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


class _Limits:
    """While a template renders in the main thread: SIGALRM at the deadline, and an address-space
    limit MAX_MEMORY above what the process uses now (RLIMIT_AS; where the platform has neither,
    the step budget and the size checks remain)."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.saved = None

    def _alarm(self, _signum, _frame):
        raise TemplateError(f"the template ran for more than {MAX_SECONDS:g} seconds",
                            hint="one call ran that long: look for very large numbers or texts")

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return self
        try:
            import resource
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            with open("/proc/self/statm") as fh:
                used = int(fh.read().split()[0]) * resource.getpagesize()
            limit = used + MAX_MEMORY
            if soft == resource.RLIM_INFINITY or soft > limit:
                resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
                self.rlimit = (soft, hard)
        except (ImportError, OSError, ValueError):
            pass
        self.saved = signal.signal(signal.SIGALRM, self._alarm)
        signal.setitimer(signal.ITIMER_REAL, max(0.01, self.budget.deadline - time.monotonic()))
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.saved)
        if getattr(self, "rlimit", None):
            import resource
            resource.setrlimit(resource.RLIMIT_AS, self.rlimit)


def render_bounded(template: jinja2.Template, context: dict, path: str) -> str:
    """Render with the step budget and deadline, stopping as soon as the output is too large."""
    budget = _Budget(path)
    token = _BUDGET.set(budget)
    try:
        with _Limits(budget):
            chunks, size = [], 0
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise TemplateError(f"the template produced more than {MAX_OUTPUT:,} characters",
                                        hint="a loop prints far more than a letter holds")
                chunks.append(chunk)
            return "".join(chunks)
    except MemoryError:
        raise TemplateError(f"the template needs more than {MAX_MEMORY // 2**20} MB of memory",
                            hint="look for texts or lists made larger and larger") from None
    finally:
        _BUDGET.reset(token)
