"""Schema validation of YAML documents, reported with file, line and a suggestion."""
from __future__ import annotations

import re
from functools import lru_cache

import jsonschema

from drafter.errors import DataError, did_you_mean
from drafter.campaign.dates import FULL_DATE_PATTERN, iso
from drafter.campaign.schemas import SCHEMAS, SOURCE
from drafter.campaign.yamlsrc import Located


def _jsonable(value):
    """YAML dates become ISO strings so JSON Schema sees what an editor sees."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return iso(value)


_KINDS = {**SCHEMAS, "source": SOURCE}


@lru_cache(maxsize=None)
def _validator(kind: str):
    schema = _KINDS[kind]
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def schema_errors(value, kind: str) -> list:
    """jsonschema's errors for one value (YAML dates allowed) against a campaign schema: a file
    kind, or one source entry ("source"). The one place drafter builds a validator."""
    return list(_validator(kind).iter_errors(_jsonable(value)))


# A fast yes/no check compiled from the schema. jsonschema is the authority and writes every
# message, but it spends ~80 µs per snippet; most documents are valid, and this answers "valid"
# for 12,000 items in a fraction of that. Keywords it does not know make it give up (None).
_ANNOTATIONS = {"description", "title", "$schema", "$id", "default", "examples", "$comment"}
_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class _Unsupported(Exception):
    pass


def _compile(schema):
    """A predicate equivalent to jsonschema's is_valid for the keywords our schemas use."""
    if schema is True or schema == {}:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, dict) or set(schema) - _ANNOTATIONS - set(_KEYWORDS):
        raise _Unsupported(schema)
    checks = [_KEYWORDS[k](schema[k], schema) for k in schema if k in _KEYWORDS]
    checks = [c for c in checks if c is not None]
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def _k_type(value, schema):
    types = [value] if isinstance(value, str) else value
    tests = [_TYPES[t] for t in types]
    return lambda v: any(t(v) for t in tests)


def _k_enum(value, schema):
    if not all(isinstance(e, str) for e in value):
        raise _Unsupported(value)
    allowed = frozenset(value)
    return lambda v: isinstance(v, str) and v in allowed


def _k_pattern(value, schema):
    rx = re.compile(value)
    return lambda v: not isinstance(v, str) or rx.search(v) is not None


def _k_min_length(value, schema):
    return lambda v: not isinstance(v, str) or len(v) >= value


def _k_min_items(value, schema):
    return lambda v: not isinstance(v, list) or len(v) >= value


def _k_min_properties(value, schema):
    return lambda v: not isinstance(v, dict) or len(v) >= value


def _k_minimum(value, schema):
    return lambda v: not _TYPES["number"](v) or v >= value


def _k_required(value, schema):
    return lambda v: not isinstance(v, dict) or all(k in v for k in value)


def _k_properties(value, schema):
    props = {k: _compile(s) for k, s in value.items()}

    def check(v):
        if isinstance(v, dict):
            for k, x in v.items():
                p = props.get(k)
                if p is not None and not p(x):
                    return False
        return True
    return check


def _k_additional(value, schema):
    known = frozenset(schema.get("properties", {}))
    if schema.get("patternProperties"):
        raise _Unsupported(schema)
    if value is False:
        return lambda v: not isinstance(v, dict) or all(k in known for k in v)
    check = _compile(value)
    return lambda v: not isinstance(v, dict) or all(check(x) for k, x in v.items() if k not in known)


def _k_property_names(value, schema):
    check = _compile(value)
    return lambda v: not isinstance(v, dict) or all(check(k) for k in v)


def _k_items(value, schema):
    if not isinstance(value, dict):
        raise _Unsupported(value)
    check = _compile(value)
    return lambda v: not isinstance(v, list) or all(check(x) for x in v)


def _k_const(value, schema):
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _Unsupported(value)
    return lambda v: type(v) is type(value) and v == value


def _k_if(value, schema):
    test = _compile(value)
    then = _compile(schema.get("then", True))
    other = _compile(schema.get("else", True))
    return lambda v: then(v) if test(v) else other(v)


def _k_one_of(value, schema):
    branches = [_compile(s) for s in value]
    return lambda v: sum(1 for b in branches if b(v)) == 1


def _k_any_of(value, schema):
    branches = [_compile(s) for s in value]
    return lambda v: any(b(v) for b in branches)


_KEYWORDS = {"type": _k_type, "enum": _k_enum, "pattern": _k_pattern, "minLength": _k_min_length,
             "minItems": _k_min_items, "minProperties": _k_min_properties, "minimum": _k_minimum,
             "required": _k_required, "properties": _k_properties, "additionalProperties": _k_additional,
             "propertyNames": _k_property_names, "items": _k_items, "oneOf": _k_one_of, "anyOf": _k_any_of,
             "const": _k_const, "if": _k_if, "then": lambda value, schema: None, "else": lambda value, schema: None}


@lru_cache(maxsize=None)
def fast_check(kind: str):
    """The compiled yes/no check for a schema kind, or None when the schema uses other keywords."""
    try:
        return _compile(SCHEMAS[kind])
    except _Unsupported:
        return None


def _leaf_errors(error):
    """The most specific errors under a oneOf/anyOf, so the message names the real problem."""
    if error.context:
        # Prefer the branch that got furthest (deepest path), as jsonschema's best_match does.
        best = jsonschema.exceptions.best_match(error.context)
        return [best] if best is not None else [error]
    return [error]


def _where(path) -> str:
    """A key path as a reader writes it: to[0].role, snippets.dna-scale."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or "the file"


def _message(error, doc: Located) -> tuple[str, str | None]:
    path = list(error.absolute_path)
    where = _where(path)
    hint = None
    if _is_date_choice(error):
        return f"{where}: {error.instance!r} is not a date", "write a full date YYYY-MM-DD or 'today'"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        known = list(error.schema.get("properties", {}))
        names = ", ".join(repr(e) for e in extra)
        if extra:
            hint = did_you_mean(extra[0], known) or f"allowed here: {', '.join(known)}"
        return f"unknown field {names} in {where}", hint
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}: missing required field {missing!r}", None
    if error.validator == "enum":
        hint = did_you_mean(error.instance, error.validator_value) or \
            "expected one of: " + ", ".join(map(str, error.validator_value))
        return f"{where}: {error.instance!r} is not allowed", hint
    if error.validator == "pattern":
        value = error.instance
        if "pattern" in error.schema and error.schema["pattern"].startswith(r"^\d{4}"):
            return f"{where}: {value!r} is not a date", "write YYYY-MM-DD, YYYY-MM or YYYY"
        if error.schema["pattern"].startswith("^https?"):
            return f"{where}: {value!r} is not a web address", "write a full http:// or https:// URL"
        if error.schema["pattern"] == r"\S":
            return f"{where}: is empty", "fill it in or remove the field"
        return f"{where}: {value!r} does not have the expected form", None
    if error.validator in ("minLength", "minItems", "minProperties"):
        return f"{where}: is empty", "fill it in or remove the field"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = "nothing" if error.instance is None else type(error.instance).__name__
        return f"{where}: expected {expected}, found {got}", None
    if error.validator == "oneOf" and path and path[-2:-1] == ["snippets"] or (
            error.validator == "oneOf" and isinstance(error.instance, dict) and "text" in error.instance):
        return f"{where}: a snippet needs exactly one of 'source' or 'sources'", None
    return f"{where}: {error.message}", None


def _schema_errors(doc: Located, kind: str) -> list:
    """jsonschema's errors for `doc`, computed once per document (check asks twice)."""
    cache = doc.__dict__.setdefault("_schema_errors", {})
    if kind not in cache:
        data = _jsonable(doc.data)
        fast = fast_check(kind)
        if fast is not None and fast(data):
            cache[kind] = []
        else:
            cache[kind] = list(_validator(kind).iter_errors(_without_valid_items(kind, data)))
    return cache[kind]


def _without_valid_items(kind: str, data):
    """`data` less the entries of its id-keyed maps (sources, snippets, ...) that pass the fast
    check: jsonschema then spends its time on the entries that have errors, and the errors and
    their paths are the same."""
    schema = SCHEMAS[kind]
    if not isinstance(data, dict) or fast_check(kind) is None:
        return data
    out = dict(data)
    for name, sub in schema.get("properties", {}).items():
        items = sub.get("additionalProperties")
        if not isinstance(out.get(name), dict) or not isinstance(items, dict) or \
                set(sub) - {"type", "propertyNames", "additionalProperties", "description"}:
            continue
        item_ok, key_ok = _compile(items), _compile(sub.get("propertyNames", True))
        out[name] = {k: v for k, v in out[name].items() if not (item_ok(v) and key_ok(k))}
    return out


def invalid_items(doc: Located, kind: str) -> set[tuple]:
    """Paths of the entries with schema errors, two levels deep (("snippets", "dna-scale"), ...)."""
    if doc.data is None:
        return set()
    out = {path[:2] for path in doc.unreadable}
    for top in _schema_errors(doc, kind):
        path = tuple(top.absolute_path)
        out.add(path[:2])
    return out


def invalid_fields(doc: Located, kind: str, item: tuple) -> set:
    """The fields of one entry (("recipients", "raimondo")) that have errors; None among them
    for an error about the entry as a whole (a missing or unknown field)."""
    out = set()
    paths = list(doc.unreadable) + [tuple(e.absolute_path) for e in _schema_errors(doc, kind)]
    for path in paths:
        if path[:len(item)] == item:
            out.add(path[len(item)] if len(path) > len(item) else None)
    return out


def _is_date_choice(error) -> bool:
    """A full date that may also be a keyword (a letter's `date: today`)."""
    return error.validator == "anyOf" and any(
        isinstance(sub, dict) and sub.get("pattern") == FULL_DATE_PATTERN for sub in error.validator_value)


def validate(doc: Located, kind: str) -> list[DataError]:
    """All schema errors in `doc`, sorted by line."""
    if doc.data is None:
        return [DataError("the file is empty", file=str(doc.path), line=1)]
    out = list(doc.unreadable.values())
    for top in _schema_errors(doc, kind):
        if any(tuple(top.absolute_path)[:len(p)] == p for p in doc.unreadable):
            continue   # the value's text, kept in its place, says nothing more
        keep_whole = (top.validator == "oneOf" and isinstance(top.instance, dict) and "text" in top.instance) \
            or _is_date_choice(top)
        errors = [top] if keep_whole else _leaf_errors(top)
        for error in errors:
            message, hint = _message(error, doc)
            path = tuple(error.absolute_path)
            if error.validator == "additionalProperties":
                extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
                if extra:
                    path = path + (extra[0],)
            line, col = doc.where(path)
            out.append(DataError(message, file=str(doc.path), line=line, column=col, hint=hint))
    out.sort(key=lambda e: (e.line or 0, e.column or 0))
    return out
