"""Editing a YAML file in place: set one key of one mapping, keep every other byte.

Used by `verify` (a case's `verification:`) and meant for any later writer
(`reproduction:`, ...). The mapping is found by its key path, as in
`EvalCase.key` (`()` for a single-case file, `("cases", 2)` for the third case
of a list; deeper paths work too). ruamel.yaml composes the file to find where
the mapping's keys and values start and end; the new `key: value` block,
rendered by ruamel.yaml at the mapping's indentation, replaces the old block or
goes right after the mapping's last value. Comments, blank lines, key order and
quoting elsewhere are never re-rendered, so they survive byte for byte. The
result is parsed again and compared with the intended data before anything is
written; the write itself is atomic.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from incidentkit.atomic import atomic_write_text
from incidentkit.errors import IncidentkitError
from incidentkit.records.yamlsource import Key

Edit = tuple[Key, str, Mapping[str, Any]]


class RoundTripError(IncidentkitError):
    """The file cannot be edited safely: unparsable, no mapping at the path, flow style."""


def set_mapping_text(text: str, path: Key, name: str, value: Mapping[str, Any]) -> str:
    """`text` with `name: value` set in the block mapping at `path`; nothing else changes."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    crlf = "\r\n" in text
    work = text[len(bom) :].replace("\r\n", "\n")
    root = _compose(work)
    target = _find(root, path)
    lines = work.split("\n")
    existing = next(
        ((k, v) for k, v in target.value if isinstance(k, ScalarNode) and k.value == name), None
    )
    if existing is not None:
        key_node, value_node = existing
        first = key_node.start_mark.line
        last = _last_line(value_node, lines)
        column = key_node.start_mark.column
        prefix = lines[first][:column]  # "  - " when the key opens a list item
    else:
        first = _last_line(target.value[-1][1], lines) + 1
        last = first - 1
        column = target.value[0][0].start_mark.column
        prefix = " " * column
    block = _render(name, value)
    new_lines = [prefix + block[0], *(" " * column + line if line else line for line in block[1:])]
    result = "\n".join([*lines[:first], *new_lines, *lines[last + 1 :]])
    _check(work, result, path, name, value)
    if crlf:
        result = result.replace("\n", "\r\n")
    return bom + result


def set_mappings(file: Path, edits: Sequence[Edit], *, root: Path | None = None) -> bool:
    """Apply several edits to one file and write it atomically; False when nothing changed.

    A symlink is edited where it points, so it stays a link, when that is a
    regular file inside `root` (the repository); one pointing elsewhere is
    refused rather than replaced by a copy or written through.
    """
    file = _edited_file(file, root)
    try:
        raw = file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RoundTripError(f"{file}: cannot read it: {exc}") from None
    # Edit in LF without a BOM; give the file back its own line endings and BOM.
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    crlf = "\r\n" in raw
    original = raw.removeprefix(bom).replace("\r\n", "\n")
    text = original
    for path, name, value in edits:
        try:
            text = set_mapping_text(text, path, name, value)
        except RoundTripError as exc:
            raise RoundTripError(f"{file}: {exc}") from None
    if text == original:
        return False
    atomic_write_text(file, bom + (text.replace("\n", "\r\n") if crlf else text), overwrite=True)
    return True


def _edited_file(file: Path, root: Path | None) -> Path:
    if not file.is_symlink():
        return file
    try:
        target = file.resolve()
    except (OSError, RuntimeError) as exc:  # a loop: RuntimeError before Python 3.13
        raise RoundTripError(f"{file}: cannot follow the symlink: {exc}") from None
    if root is not None and target.is_file() and target.is_relative_to(root.resolve()):
        return target
    raise RoundTripError(
        f"{file}: a symlink to {target}, outside the repository; not editing through it "
        "(edit that file, or replace the link with the file)"
    )


def _compose(text: str) -> MappingNode:
    try:
        node = YAML(typ="rt").compose(text)
    except YAMLError as exc:
        raise RoundTripError(f"not valid YAML: {exc}") from None
    if not isinstance(node, MappingNode):
        raise RoundTripError("the file is not a YAML mapping")
    return node


def _find(node: Node, path: Key) -> MappingNode:
    for step in path:
        child: Node | None = None
        if isinstance(step, int) and isinstance(node, SequenceNode):
            child = node.value[step] if 0 <= step < len(node.value) else None
        elif isinstance(step, str) and isinstance(node, MappingNode):
            child = next(
                (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step), None
            )
        if child is None:
            raise RoundTripError(f"no entry {_show(path)} in the file")
        node = child
    if not isinstance(node, MappingNode) or not node.value:
        raise RoundTripError(f"{_show(path)} is not a mapping with keys")
    if node.flow_style:
        raise RoundTripError(
            f"{_show(path)} is written in flow style ({{...}}); rewrite it as 'key: value' lines"
        )
    return node


def _show(path: Key) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path) or "the top level"


def _last_line(node: Node, lines: list[str]) -> int:
    """The 0-based last line holding part of `node`'s value (not trailing comments)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        mark = node.end_mark
        line = mark.line if mark.column > 0 else mark.line - 1
        # block scalars end after the blank lines that follow them
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1
        return line
    children: list[Node] = []
    if isinstance(node, MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    if not children:
        return int(node.start_mark.line)
    return max(_last_line(child, lines) for child in children)


def _render(name: str, value: Mapping[str, Any]) -> list[str]:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap a long value
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump({name: dict(value)}, buffer)
    return buffer.getvalue().rstrip("\n").split("\n")


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _check(before: str, after: str, path: Key, name: str, value: Mapping[str, Any]) -> None:
    """The edited text must mean exactly the old data plus the new key."""
    expected = copy.deepcopy(_load(before))
    holder: Any = expected
    for step in path:
        holder = holder[step]
    holder[name] = dict(value)
    try:
        actual = _load(after)
    except YAMLError as exc:  # pragma: no cover - a bug in the splice, never user input
        raise RoundTripError(f"editing {_show(path)} would break the YAML: {exc}") from None
    if actual != expected:  # pragma: no cover - same
        raise RoundTripError(f"editing {_show(path)} would change other data; not writing")
