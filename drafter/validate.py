"""Schema validation of YAML documents, reported with file, line and a suggestion."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jsonschema

from .errors import DataError, did_you_mean
from .schemas import SCHEMAS
from .yamlsrc import Located


def _jsonable(value):
    """YAML dates become ISO strings so JSON Schema sees what an editor sees."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@lru_cache(maxsize=None)
def _validator(kind: str):
    schema = SCHEMAS[kind]
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _leaf_errors(error):
    """The most specific errors under a oneOf/anyOf, so the message names the real problem."""
    if error.context:
        # Prefer the branch that got furthest (deepest path), as jsonschema's best_match does.
        best = jsonschema.exceptions.best_match(error.context)
        return [best] if best is not None else [error]
    return [error]


def _message(error, doc: Located) -> tuple[str, str | None]:
    path = list(error.absolute_path)
    where = ".".join(str(p) for p in path) or "the file"
    hint = None
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
    if error.validator == "minLength":
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


def validate(doc: Located, kind: str) -> list[DataError]:
    """All schema errors in `doc`, sorted by line."""
    if doc.data is None:
        return [DataError("the file is empty", file=str(doc.path), line=1)]
    out = []
    for top in _validator(kind).iter_errors(_jsonable(doc.data)):
        errors = [top] if top.validator == "oneOf" and isinstance(top.instance, dict) and "text" in top.instance \
            else _leaf_errors(top)
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
