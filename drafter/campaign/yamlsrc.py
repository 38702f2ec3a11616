"""YAML reading that remembers where each value came from.

PyYAML composes the node tree (in C when libyaml is there); this module builds plain Python
values from it so that it can refuse duplicate keys, bound alias expansion ("billion laughs")
and record the line and column of every key and item for error messages.
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drafter.campaign.reading import read_file
from drafter.errors import DataError

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

# Values a document holds or expands to (aliases included): ten times the largest real campaign
# file; millions of tiny items ("[1,1,...]") would take minutes and gigabytes under MAX_BYTES.
MAX_NODES = 500_000
MAX_BYTES = 64 * 1024 * 1024   # a campaign file larger than this is a mistake

@dataclass
class Located:
    """A YAML document's value plus the (line, column) of every path in it, 1-based."""
    path: Path
    data: Any
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    # Values that could not be read (an impossible date, a bad !!tag), by path: each holds its
    # text meanwhile, so the rest of the file is still checked (validate reports these first).
    unreadable: dict[tuple, DataError] = field(default_factory=dict)

    def where(self, keypath: tuple) -> tuple[int | None, int | None]:
        """Line and column of `keypath`, or of its nearest ancestor that has one."""
        keypath = tuple(keypath)
        while keypath not in self.positions and keypath:
            keypath = keypath[:-1]
        return self.positions.get(keypath, (None, None))

    def error(self, keypath: tuple, message: str, hint: str | None = None) -> DataError:
        line, col = self.where(keypath)
        return DataError(message, file=str(self.path), line=line, column=col, hint=hint)


class _Builder:
    def __init__(self, loader, path):
        self.loader = loader
        self.path = path
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.unreadable: dict[tuple, DataError] = {}

    def _fail(self, node, message, hint=None):
        return DataError(message, file=str(self.path), line=node.start_mark.line + 1,
                         column=node.start_mark.column + 1, hint=hint)

    def check_size(self, root):
        """Refuse documents whose aliases expand past MAX_NODES, before building anything."""
        sizes: dict[int, int] = {}

        def size(node, depth=0):
            key = id(node)
            if key in sizes:
                return sizes[key]
            if depth > 500:
                raise self._fail(node, "nesting is too deep")
            sizes[key] = MAX_NODES + 1  # a node reached again while sizing it is recursive
            total = 1
            if isinstance(node, yaml.MappingNode):
                total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                total += sum(size(v, depth + 1) for v in node.value)
            sizes[key] = min(total, MAX_NODES + 1)
            return sizes[key]

        if size(root) > MAX_NODES:
            raise self._fail(root, f"the document expands to more than {MAX_NODES:,} values",
                             "aliases ('*name') referring to each other blow it up; remove them")

    def build(self, node, keypath=(), seen=()):
        if keypath not in self.positions:
            self.positions[keypath] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            if id(node) in seen:
                raise self._fail(node, "recursive alias")
            seen = seen + (id(node),)
            self.loader.flatten_mapping(node)
            out: dict = {}
            for knode, vnode in node.value:
                key = self.build(knode, keypath + ("<key>",), seen)
                if isinstance(key, (list, dict)):
                    raise self._fail(knode, "a mapping key must be a plain value")
                if key in out:
                    first = self.positions.get(keypath + (key,), (None,))[0]
                    raise self._fail(knode, f"duplicate key {key!r} (first defined on line {first})",
                                     "YAML would silently keep only the last one; merge or rename them")
                self.positions[keypath + (key,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
                out[key] = self.build(vnode, keypath + (key,), seen)
            self.positions.pop(keypath + ("<key>",), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            if id(node) in seen:
                raise self._fail(node, "recursive alias")
            seen = seen + (id(node),)
            return [self.build(item, keypath + (i,), seen) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            error = self._fail(node, *_unreadable(node.value, exc))
            if keypath and keypath[-1] == "<key>":
                raise error from None
            self.unreadable[keypath] = error
            return node.value


def _unreadable(text: str, exc: Exception) -> tuple[str, str | None]:
    """Message and hint for a scalar YAML cannot construct."""
    if isinstance(exc, yaml.constructor.ConstructorError):
        return f"cannot read value: {exc.problem}", None
    # e.g. an impossible date such as 2023-02-30
    hint = "write a real date, YYYY-MM-DD" if re.match(r"\d{4}-\d", text) else None
    return f"cannot read value {text!r}: {exc}", hint


def _too_many(path: Path, mark) -> DataError:
    return DataError(f"the document holds more than {MAX_NODES:,} values", file=str(path),
                     line=mark.line + 1, column=mark.column + 1,
                     hint="keep only the entries the campaign uses; a file this large is generated or "
                          "pasted data by mistake")


_VALUE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _count_rest(loader, count: int, path: Path) -> None:
    """Count the stream's remaining values before its node tree is composed: a huge document
    with an anchor somewhere is refused without building millions of nodes."""
    while not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        if isinstance(event, _VALUE_EVENTS):
            count += 1
            if count > MAX_NODES:
                raise _too_many(path, event.start_mark)


class _NeedsNodes(Exception):
    """The document uses anchors, aliases, merge keys or tagged collections: build from nodes."""


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _EventBuilder:
    """Builds values and positions straight from parser events. Composing the node tree costs
    several times more than parsing; the node path (`_Builder`) remains for the documents
    this does not handle (aliases can expand, so they need the size check on nodes)."""

    def __init__(self, loader, path):
        self.loader = loader
        self.path = path
        self.positions: dict[tuple, tuple[int, int]] = {}
        self.count = 0
        self.resolved: dict[str, str] = {}
        self.unreadable: dict[tuple, DataError] = {}

    def _fail(self, mark, message, hint=None):
        return DataError(message, file=str(self.path), line=mark.line + 1, column=mark.column + 1, hint=hint)

    def _scalar(self, event, keypath=None):
        """The scalar's value; one that cannot be read is kept as its text and recorded at
        `keypath` (a key, keypath None, cannot be kept)."""
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0]:
                tag = self.resolved.get(event.value)
                if tag is None:
                    tag = self.resolved[event.value] = self.loader.resolve(yaml.ScalarNode, event.value,
                                                                           event.implicit)
            else:
                tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value
        if tag == _MERGE_TAG:
            raise _NeedsNodes
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            error = self._fail(event.start_mark, *_unreadable(event.value, exc))
            if keypath is None:
                raise error from None
            self.unreadable[keypath] = error
            return event.value

    def value(self, event, keypath, depth=0):
        """The value that starts with `event` (already taken from the parser)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _too_many(self.path, event.start_mark)
        if depth > 500:
            raise self._fail(event.start_mark, "nesting is too deep")
        kind = type(event)
        if kind is yaml.AliasEvent or event.anchor is not None:
            raise _NeedsNodes
        positions = self.positions
        if keypath not in positions:
            mark = event.start_mark
            positions[keypath] = (mark.line + 1, mark.column + 1)
        if kind is yaml.ScalarEvent:
            return self._scalar(event, keypath)
        if event.tag not in (None, "!"):
            raise _NeedsNodes
        get_event = self.loader.get_event
        if kind is yaml.SequenceStartEvent:
            out = []
            while True:
                item = get_event()
                if type(item) is yaml.SequenceEndEvent:
                    return out
                out.append(self.value(item, keypath + (len(out),), depth + 1))
        out = {}
        while True:
            kevent = get_event()
            kkind = type(kevent)
            if kkind is yaml.MappingEndEvent:
                return out
            if kkind is not yaml.ScalarEvent:
                if kkind is yaml.AliasEvent:
                    raise _NeedsNodes
                raise self._fail(kevent.start_mark, "a mapping key must be a plain value")
            if kevent.anchor is not None:
                raise _NeedsNodes
            key = self._scalar(kevent)
            mark = kevent.start_mark
            if key in out:
                first = positions.get(keypath + (key,), (None,))[0]
                raise self._fail(mark, f"duplicate key {key!r} (first defined on line {first})",
                                 "YAML would silently keep only the last one; merge or rename them")
            path = keypath + (key,)
            positions[path] = (mark.line + 1, mark.column + 1)
            out[key] = self.value(get_event(), path, depth + 1)

    def document(self) -> tuple[bool, object]:
        """(found, value) of the stream's single document."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return False, None
        loader.get_event()  # document start
        data = self.value(loader.get_event(), ())
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        return True, data


@contextmanager
def gc_paused():
    """The cycle collector off while a document's values are built: every object made is kept,
    so the full collections a big file sets off (up to a fifth of a 1,000-letter batch's time,
    parsing legislators-current.yaml) would scan everything and free nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse_nodes(text: str, path: Path) -> Located:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(path, None, {})
        builder = _Builder(loader, path)
        builder.check_size(node)
        data = builder.build(node)
        return Located(path, data, builder.positions, builder.unreadable)
    finally:
        loader.dispose()


def _parse(text: str, path: Path) -> Located:
    loader = _Loader(text)
    try:
        builder = _EventBuilder(loader, path)
        found, data = builder.document()
        return Located(path, data, builder.positions if found else {}, builder.unreadable)
    except _NeedsNodes:
        _count_rest(loader, builder.count, path)
    finally:
        loader.dispose()
    return _parse_nodes(text, path)


def parse_yaml(text: str | bytes, path: str | Path = "<string>", strict: bool = True) -> Located:
    """Parse YAML text into a Located value, raising DataError with file and line. Not `strict`:
    a value that cannot be read is left in `unreadable` for `validate` to report with the rest."""
    doc = _parse_text(text, Path(path))
    if strict and doc.unreadable:
        raise min(doc.unreadable.values(), key=lambda e: (e.line or 0, e.column or 0))
    return doc


def _parse_text(text: str | bytes, path: Path) -> Located:
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise DataError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=str(path))
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            raise DataError(f"not valid UTF-8 (byte 0x{text[exc.start]:02x})", file=str(path), line=line,
                            hint="save the file as UTF-8") from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        with gc_paused():
            return _parse(text, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        hint = None
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            hint = "YAML indents with spaces, not tabs"
        raise DataError(f"YAML syntax error: {problem}", file=str(path),
                        line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None, hint=hint) from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow, e.g. from pasted text
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise DataError(f"the control character U+{ord(char):04X} is not allowed in YAML", file=str(path),
                        line=line, column=column,
                        hint="delete it (text pasted from Word or a PDF often carries one)") from None
    except yaml.YAMLError as exc:
        raise DataError(f"YAML error: {exc}", file=str(path)) from None


def package_data(path: Path):
    """One of drafter's own data files (locales, forms of address, the page's words), through
    libyaml where present: it is read at every start, and the pure-Python parser takes tens of ms."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def load_yaml(path: str | Path, inside: str | Path | None = None, strict: bool = True) -> Located:
    """Read and parse a YAML file (reading.read_file: a regular file, inside the campaign folder
    `inside` if given, refused by its size before it is read); problems are DataErrors, and
    `strict` as for parse_yaml."""
    path = Path(path)
    return parse_yaml(read_file(path, inside=inside, max_bytes=MAX_BYTES, what="file"), path, strict)


def round_trip(indent: int = 2, block_seq_indent: int = 2, aliases: bool = True):
    """The one ruamel.yaml set-up for editing a campaign file in place (evidence import, Congress
    import): comments, key order and quotes kept, long lines never re-wrapped, the file's own
    indentation. `aliases` False writes repeated values out instead of as &anchors."""
    from ruamel.yaml import YAML    # only the commands that edit files pay for ruamel
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=indent, sequence=indent + block_seq_indent, offset=block_seq_indent)
    y.brace_single_entry_mapping_in_flow_sequence = True
    if not aliases:
        y.representer.ignore_aliases = lambda data: True
    return y
