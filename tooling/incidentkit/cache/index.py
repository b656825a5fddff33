"""One file's records as compact JSON, and back: what the lint cache keeps per file.

A unit (the `RecordSet` of one file, as `load_repository` reads it) is kept
in its released form: the document's spans and readability, its load
problems, and every typed record (incidents, post-mortems, eval cases) with
all of its fields, so that repository-wide rules, clock rules, coverage and
the gate see the same records from the cache as from the file.

The codecs are derived from the model dataclasses' type hints, so a field
added to a record is cached with no change here; a type this module does not
know fails loudly at import (and in the tests), never silently. A value that
would not come back identical (a non-string YAML key, a time zone that is not
a fixed offset) makes the unit uncacheable: it is read from its file every
time, which is slower but never wrong.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from incidentkit.findings import Finding, Level
from incidentkit.records import model
from incidentkit.records.document import Document
from incidentkit.records.repository import RecordSet
from incidentkit.records.slim import EMPTIED
from incidentkit.records.yamlsource import Key, Positions


class Uncacheable(Exception):
    """This unit cannot be stored so that it comes back identical."""


Encode = Callable[[Any, Document | None], Any]

_SCALARS: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (float, int),
    bool: (bool,),
    type(None): (type(None),),
}


@dataclasses.dataclass(frozen=True)
class _Node:
    """How one field is stored: `kind` and, for containers, what they hold."""

    kind: str  # plain, json, optional, tuple, datetime, date, document, record
    inner: _Node | None = None
    allowed: tuple[type, ...] = ()  # plain: the exact types allowed
    cls: type | None = None  # record: the dataclass


def _json_safe(value: Any) -> bool:
    """Whether `value` survives a JSON round trip with the same types."""
    kind = type(value)
    if kind in (str, int, bool, type(None)):
        return True
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if kind is list:
        return all(_json_safe(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _json_safe(v) for k, v in value.items())
    return False


def _node(hint: Any) -> _Node:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if type(None) in args and len(rest) == 1:
            return _Node("optional", _node(rest[0]))
        if all(a in _SCALARS for a in args):  # e.g. str | int in a key path
            return _Node("plain", allowed=tuple(t for a in args for t in _SCALARS[a]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _Node("tuple", _node(args[0]))
    if origin is dict or hint is Any:
        return _Node("json")
    if hint in _SCALARS:
        return _Node("plain", allowed=_SCALARS[hint])
    if hint in (datetime, date):
        return _Node(hint.__name__)
    if hint is Document:
        return _Node("document")
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _Node("record", cls=hint)
    raise TypeError(f"the lint cache cannot store a field of type {hint!r}")


def _fields(cls: type) -> list[tuple[str, _Node]]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = _read_fields(cls)
    return found


_FIELDS: dict[type, list[tuple[str, _Node]]] = {}


def _read_fields(cls: type) -> list[tuple[str, _Node]]:
    hints = typing.get_type_hints(cls, vars(model))
    return [(f.name, _node(hints[f.name])) for f in dataclasses.fields(cls) if f.init]


# -- encoding: checked, since a value that would not come back equal must not be stored


def _encode(node: _Node, value: Any, doc: Document | None) -> Any:
    kind = node.kind
    if kind == "plain":
        if type(value) not in node.allowed or (type(value) is float and not _json_safe(value)):
            raise Uncacheable(f"{value!r} is not one of {node.allowed}")
        return value
    if kind == "optional":
        assert node.inner is not None
        return None if value is None else _encode(node.inner, value, doc)
    if kind == "tuple":
        assert node.inner is not None
        if type(value) is not tuple:
            raise Uncacheable("not a tuple")
        return [_encode(node.inner, v, doc) for v in value]
    if kind == "json":
        if not _json_safe(value):
            raise Uncacheable(f"a value of type {type(value).__name__}")
        return value
    if kind == "datetime":
        if type(value) is not datetime or not isinstance(value.tzinfo, timezone | None):
            raise Uncacheable("a timestamp without a fixed offset")
        return value.isoformat()
    if kind == "date":
        if type(value) is not date:
            raise Uncacheable("not a date")
        return value.isoformat()
    if kind == "document":
        if value is not doc:
            raise Uncacheable("a record whose document is not its file's")
        return 0
    assert node.cls is not None
    if type(value) is not node.cls:
        raise Uncacheable(f"not a {node.cls.__name__}")
    return [_encode(n, getattr(value, name), doc) for name, n in _fields(node.cls)]


# -- decoding: generated once per record class, because it runs for every file of
# a repository on every cached lint (a closure per field was 5x slower)


# With `emptied` (records/slim.py's EMPTIED), a decoder builds the record lint keeps:
# the fields the cut empties are not decoded at all.
Emptied = dict[type, dict[str, Any]]


def _expression(
    node: _Node, x: str, depth: int, namespace: dict[str, Any], emptied: Emptied
) -> str:
    kind = node.kind
    if kind in ("plain", "json"):
        return x
    if kind == "optional":
        assert node.inner is not None
        inner = _expression(node.inner, x, depth, namespace, emptied)
        return x if inner == x else f"(None if {x} is None else {inner})"
    if kind == "tuple":
        assert node.inner is not None
        item = f"e{depth}"
        inner = _expression(node.inner, item, depth + 1, namespace, emptied)
        return f"tuple({x})" if inner == item else f"tuple([{inner} for {item} in {x}])"
    if kind in ("datetime", "date"):
        return f"_{kind}({x})"
    if kind == "document":
        return "doc"
    assert node.cls is not None
    return f"{_decoder(node.cls, namespace, emptied)}({x}, doc)"


def _decoder(cls: type, namespace: dict[str, Any], emptied: Emptied) -> str:
    name = f"_decode_{cls.__name__}{'_cut' if emptied else ''}"
    if name not in namespace:
        namespace[cls.__name__] = cls
        empty = emptied.get(cls, {})
        args = ", ".join(
            repr(empty[field])
            if field in empty
            else _expression(node, f"v[{i}]", 0, namespace, emptied)
            for i, (field, node) in enumerate(_fields(cls))
        )
        exec(f"def {name}(v, doc):\n    return {cls.__name__}({args})\n", namespace)
    return name


def _compile(
    cls: type, emptied: Emptied
) -> tuple[Encode, Callable[[Any, Document | None], Any], Callable[[Any, Document | None], Any]]:
    """The encoder, the decoder, and the decoder into the cut form (`emptied`)."""
    namespace: dict[str, Any] = {
        "_datetime": datetime.fromisoformat,
        "_date": date.fromisoformat,
    }
    decode = namespace[_decoder(cls, namespace, {})]
    decode_cut = namespace[_decoder(cls, namespace, emptied)]
    node = _Node("record", cls=cls)
    return (lambda value, doc: _encode(node, value, doc)), decode, decode_cut


_KEY = _node(Key)
_INCIDENT = _compile(model.Incident, EMPTIED)
_POSTMORTEM = _compile(model.Postmortem, EMPTIED)
_CASE = _compile(model.EvalCase, EMPTIED)


def encode_findings(findings: list[Finding], path: str) -> list[list[Any]]:
    """Findings of one file, without the path they all share."""
    out = []
    for f in findings:
        if f.path != path:
            raise Uncacheable(f"a finding for {f.path} among those of {path}")
        out.append([f.line, f.column, f.rule, int(f.level), f.message, f.hint])
    return out


def decode_findings(rows: list[list[Any]], path: str) -> list[Finding]:
    return [
        Finding(path, line, col, rule, Level(lvl), msg, hint)
        for line, col, rule, lvl, msg, hint in rows
    ]


def encode_positions(positions: Positions) -> list[Any]:
    """Line positions, for a run snapshot (raises Uncacheable for a key JSON would change)."""
    marks = [
        [_encode(_KEY, key, None), line, column] for key, (line, column) in positions.marks.items()
    ]
    return [list(positions.start), marks]


def decode_positions(data: list[Any]) -> Positions:
    return _decode_positions(data)


def _encode_positions(doc: Document) -> list[Any] | None:
    """Line positions, when a finding made the loader compute them (they cost a second parse)."""
    positions = doc.computed_positions  # computing them is what is avoided
    if positions is None:
        return None
    marks = [
        [_encode(_KEY, key, None), line, column] for key, (line, column) in positions.marks.items()
    ]
    return [list(positions.start), marks]


def _decode_positions(data: list[Any]) -> Positions:
    start, marks = data
    return Positions({tuple(key): (line, column) for key, line, column in marks}, tuple(start))


def encode_unit(unit: RecordSet, path: str) -> list[Any]:
    """`unit`, read from `path`, in its released form (it must already be released)."""
    if len(unit.documents) > 1:
        raise Uncacheable("more than one document in a file")
    doc = unit.documents[0] if unit.documents else None
    head: list[Any] | None = None
    if doc is not None:
        if doc.path != path or doc.text or doc.data is not None:
            raise Uncacheable("a document that is not released, or not this file's")
        head = [
            doc.kind,
            doc.yaml_span[0],
            doc.yaml_span[1],
            doc.yaml_line,
            doc.body_offset,
            doc.body_line,
            doc.readable,
            encode_findings(doc.problems, path),
            _encode_positions(doc),
        ]
    enc_i, enc_p, enc_c = _INCIDENT[0], _POSTMORTEM[0], _CASE[0]
    for case in unit.cases:
        if case.path != path:
            raise Uncacheable("a case of another file")
    return [
        head,
        [enc_i(i, doc) for i in unit.incidents],
        [enc_p(p, doc) for p in unit.postmortems],
        [enc_c(c, doc) for c in unit.cases],
        encode_findings(unit.python_problems, path),
    ]


def decode_unit(
    data: list[Any], path: str, source: Path, unit: RecordSet, *, cut: bool = False
) -> RecordSet:
    """Fill `unit` (empty, with its config) from `encode_unit`'s output; with `cut`,
    its records as `records.slim.for_repository_rules` cuts them."""
    which = 2 if cut else 1
    # Runs for every file on a warm lint: no generator, no call for what is empty.
    head, incidents, postmortems, cases, problems = data
    doc: Document | None = None
    if head is not None:
        kind, start, end, yaml_line, body_offset, body_line, readable, doc_problems, marks = head
        doc = Document(
            path,
            kind,
            "",
            None,
            body_offset,
            body_line,
            decode_findings(doc_problems, path) if doc_problems else [],
            (start, end),
            yaml_line,
            os.fspath(source),
            None if marks is None else _decode_positions(marks),
            True,
            readable,
        )
        unit.documents.append(doc)
    if incidents:
        decode = _INCIDENT[which]
        unit.incidents = [decode(i, doc) for i in incidents]
    if postmortems:
        decode = _POSTMORTEM[which]
        unit.postmortems = [decode(p, doc) for p in postmortems]
    if cases:
        decode = _CASE[which]
        unit.cases = [decode(c, doc) for c in cases]
    if problems:
        unit.python_problems = decode_findings(problems, path)
    return unit


# Positional construction above: the fields of Document, in order, as of this module.
assert [f.name for f in dataclasses.fields(Document)] == [
    "path",
    "kind",
    "text",
    "data",
    "body_offset",
    "body_line",
    "problems",
    "yaml_span",
    "yaml_line",
    "source",
    "_positions",
    "_released",
    "_was_readable",
], "records.document.Document changed: update cache.index.decode_unit"
