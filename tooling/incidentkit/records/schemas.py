"""The JSON Schemas records are validated against, compiled once per repository.

The schemas come from the repository's `schemas/` folder when it has one, else
from the packaged defaults. `date-time` and `date` formats are checked with
the same parser the metrics use (`records.timestamps`).

A schema is the team's to edit, so it is checked before use: every `$ref`
must resolve to one of the schemas themselves (incidentkit never fetches a
schema over the network), and every `pattern` must be a regular expression
the engine can run within bounds (`bounded_regex`). Either problem is a
configuration error naming the schema file, never a crash mid-lint.

Those checks (the meta-schema's above all) cost about 0.1 s, a tenth of a
pre-commit hook run. Schemas whose exact bytes a run has checked are noted
(`checked_digests`); the lint cache keeps the note and vouches for them on
later runs (`vouch`), which then skip the checks for those bytes only.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema
import referencing
import referencing.exceptions
from jsonschema.exceptions import ValidationError, best_match
from jsonschema_specifications import REGISTRY as SPECIFICATIONS  # type: ignore[import-untyped]

from incidentkit.bounded_regex import compile_regex
from incidentkit.errors import ConfigError
from incidentkit.records.timestamps import RANGE_HINT, OutOfRange, date_format, timestamp_format
from incidentkit.records.yamlsource import Key

SCHEMA_FILES = {
    "incident": "incident.schema.json",
    "postmortem": "postmortem.schema.json",
    "eval": "eval-case.schema.json",
    "config": "config.schema.json",
}


_FORMATS = jsonschema.FormatChecker(formats=())


_FORMATS.checks("date-time", raises=OutOfRange)(timestamp_format)
_FORMATS.checks("date", raises=OutOfRange)(date_format)


@dataclass(frozen=True)
class SchemaError:
    key: Key  # where in the data the problem is
    message: str
    hint: str
    kind: str = ""  # the JSON Schema keyword that failed


# When several keywords fail on one value (a null timestamp fails both `type`
# and `format`), the first of these is the one worth reading.
_PRIORITY = ("type", "const", "enum", "format", "pattern")


# Digests of schema sets (every file's bytes, in SCHEMA_FILES order) checked in
# this process, and those a cache vouches were checked by an earlier run.
_CHECKED: set[str] = set()
_VOUCHED: set[str] = set()


def checked_digests() -> set[str]:
    """The schema sets this process has checked (for the lint cache to keep)."""
    return set(_CHECKED)


def vouch(digests: set[str]) -> None:
    """Schema sets an earlier run checked: `validators` skips the checks for those bytes."""
    _VOUCHED.update(digests)


@cache
def validators(schemas_dir: Path) -> dict[str, jsonschema.protocols.Validator]:
    """A compiled validator per record kind, from one schemas folder."""
    loaded: dict[str, dict[str, Any]] = {}
    digest = hashlib.blake2b(digest_size=20)
    for kind, name in SCHEMA_FILES.items():
        file = schemas_dir / name
        try:
            data = file.read_bytes()
            digest.update(b"%s:%d:" % (kind.encode(), len(data)))
            digest.update(data)
            loaded[kind] = json.loads(data.decode("utf-8"))
        except FileNotFoundError:
            if kind == "config":
                continue
            raise ConfigError(
                f"{file} is missing; copy it from `incidentkit init` or remove {schemas_dir}"
            ) from None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{file} is not a readable JSON Schema: {exc}") from exc
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (s["$id"], referencing.Resource.from_contents(s)) for s in loaded.values() if "$id" in s
    )
    checked = digest.hexdigest() in _VOUCHED
    result: dict[str, jsonschema.protocols.Validator] = {}
    for kind, schema in loaded.items():
        where = schemas_dir / SCHEMA_FILES[kind]
        if not checked:
            _check_schema(schema, registry, where)
        result[kind] = jsonschema.Draft202012Validator(
            schema, registry=registry, format_checker=_FORMATS
        )
    _CHECKED.add(digest.hexdigest())
    return result


def _check_schema(schema: Any, registry: referencing.Registry[Any], where: Path) -> None:
    try:
        _check_patterns(schema)
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"{where}: not a valid schema: {exc.message}") from exc
    except (re.error, RecursionError) as exc:
        raise ConfigError(f"{where}: not a usable schema: {exc}") from exc
    _check_refs(schema, registry, where)


def _check_refs(schema: Any, registry: referencing.Registry[Any], where: Path) -> None:
    """Every `$ref` must resolve among the loaded schemas: no network, no crash while linting."""
    combined = SPECIFICATIONS.combine(registry)
    stack: list[tuple[Any, str]] = [
        (schema, schema.get("$id", "") if isinstance(schema, dict) else "")
    ]
    while stack:
        node, base = stack.pop()
        if isinstance(node, list):
            stack.extend((item, base) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("$id"), str):
            base = urljoin(base, node["$id"])
        for keyword in ("$ref", "$dynamicRef"):
            ref = node.get(keyword)
            if isinstance(ref, str):
                _resolve(combined, base, ref, keyword, where)
        stack.extend((value, base) for value in node.values())


def _resolve(
    registry: referencing.Registry[Any], base: str, ref: str, keyword: str, where: Path
) -> None:
    try:
        registry.resolver(base_uri=base).lookup(ref)
    except referencing.exceptions.Unresolvable as exc:
        raise ConfigError(
            f"{where}: {keyword} {ref!r} does not resolve to a schema in the schemas folder "
            f"({type(exc).__name__}); incidentkit never fetches schemas over the network, so "
            "copy the referenced schema into the schemas folder (with its $id) or inline it"
        ) from None


def _check_patterns(schema: Any) -> None:
    """Every `pattern` and `patternProperties` key must compile within bounds."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            _compile(pattern)
        properties = node.get("patternProperties")
        if isinstance(properties, dict):
            for key in properties:
                _compile(str(key))
        stack.extend(node.values())


def _compile(pattern: str) -> None:
    try:
        compile_regex(pattern)
    except re.error as exc:
        raise re.error(
            f"pattern {pattern[:60]!r} is not a usable regular expression: {exc}"
        ) from None


def schema_errors(validator: jsonschema.protocols.Validator, data: Any) -> list[SchemaError]:
    """The schema problems of `data`, one per value (the most telling keyword first)."""
    try:
        errors = [
            explained for error in validator.iter_errors(data) for explained in _explain(error)
        ]
    except referencing.exceptions.Unresolvable as exc:  # one `_check_refs` could not foresee
        raise ConfigError(
            f"a $ref in the schemas does not resolve ({exc}); incidentkit never fetches schemas "
            "over the network: copy the referenced schema into the schemas folder"
        ) from None
    best: dict[Key, int] = {}
    for e in errors:
        if e.kind in _PRIORITY:
            rank = _PRIORITY.index(e.kind)
            best[e.key] = min(rank, best.get(e.key, rank))
    return [e for e in errors if e.kind not in _PRIORITY or _PRIORITY.index(e.kind) == best[e.key]]


def _explain(error: ValidationError) -> Iterator[SchemaError]:
    if error.context:
        error = best_match(error.context)
    key: Key = tuple(error.absolute_path)
    where = _dotted(key)
    validator = error.validator
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        for extra in error.instance:
            if extra not in allowed:
                close = difflib.get_close_matches(str(extra), allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"allowed fields: {', '.join(allowed)}"
                )
                yield SchemaError(
                    (*key, extra),
                    f"unknown field '{extra}'{_in(where)}",
                    hint,
                    "additionalProperties",
                )
        return
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        yield SchemaError(
            key,
            f"required field '{missing}' is missing{_in(where)}",
            f"add '{missing}:'",
            "required",
        )
        return
    if validator == "enum":
        allowed = error.validator_value if isinstance(error.validator_value, list) else []
        options = ", ".join(str(v) for v in allowed)
        yield SchemaError(
            key, f"{where}: {error.instance!r} is not allowed", f"use one of: {options}", "enum"
        )
        return
    if validator == "format":
        out_of_range = error.cause is not None
        yield SchemaError(
            key,
            f"{where}: {error.instance!r} {error.cause}"
            if out_of_range
            else f"{where}: {error.instance!r} is not a valid {error.validator_value}",
            f"write a {error.validator_value} in {RANGE_HINT}"
            if out_of_range
            else _FORMAT_HINTS.get(str(error.validator_value), ""),
            "format",
        )
        return
    if validator == "type":
        yield SchemaError(
            key,
            f"{where}: expected {error.validator_value}, got {_type_name(error.instance)}",
            f"write {where} as {_type_phrase(error.validator_value)}",
            "type",
        )
        return
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    yield SchemaError(
        key,
        f"{where}: {error.message}",
        description or "see the field's description in schemas/",
        str(validator),
    )


_FORMAT_HINTS = {
    "date-time": "write an ISO 8601 timestamp with a time zone, e.g. 2026-03-04T10:15:00Z",
    "date": "write a date as YYYY-MM-DD",
}


def _type_phrase(types: Any) -> str:
    names = {
        "array": "a list",
        "object": "a mapping",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }
    options = types if isinstance(types, list) else [types]
    return " or ".join(names.get(str(t), str(t)) for t in options)


def _type_name(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "nothing (null)",
    }.get(type(value), type(value).__name__)


def _dotted(key: Key) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the record"


def _in(where: str) -> str:
    return "" if where == "the record" else f" in {where}"
