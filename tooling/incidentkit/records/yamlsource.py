"""YAML parsing that remembers where every key and list item came from.

libyaml (when present) composes the node tree; we convert nodes to plain data
ourselves so that we can (a) record the line and column of every mapping key
and sequence item, (b) report duplicate keys, which PyYAML accepts silently,
(c) refuse alias bombs before expanding them, (d) keep timestamps as the
strings they were written as, so a quoted and an unquoted date are the same,
and (e) refuse explicit tags beyond plain data (`!!python/object/apply:...`,
`!!binary`, `!custom`): PyYAML's safe loader refuses them too, and dropping
the tag silently would hide a payload aimed at less careful loaders.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

Key = tuple[str | int, ...]

# A front matter has a few hundred nodes; ten thousand expanded nodes already
# means aliases are being used to multiply content (the "billion laughs").
MAX_EXPANDED_NODES = 10_000

_STR_TAG = "tag:yaml.org,2002:str"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
}


_CORE = "tag:yaml.org,2002:"
# Every tag the resolver gives plain YAML, and the explicit ones that mean the same.
_PLAIN_TAGS = frozenset(
    _CORE + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "yaml")
) | {_CORE + "seq", _CORE + "map"}


class YamlProblem(Exception):
    """A document that cannot be turned into data; carries a lint finding's parts."""

    def __init__(self, rule: str, message: str, line: int, column: int, hint: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    line: int
    column: int
    first_line: int


@dataclass
class Positions:
    """1-based (line, column) of each key path in a document."""

    marks: dict[Key, tuple[int, int]] = field(default_factory=dict)
    start: tuple[int, int] = (1, 1)

    def at(self, key: Key) -> tuple[int, int]:
        """The position of `key`, or of its nearest ancestor that has one."""
        marks = self.marks
        for end in range(len(key), 0, -1):
            found = marks.get(key[:end])
            if found is not None:
                return found
        return self.start

    def has(self, key: Key) -> bool:
        return key in self.marks


@dataclass
class Parsed:
    data: Any
    positions: Positions
    duplicates: list[DuplicateKey]


def parse(text: str, first_line: int = 1, *, positions: bool = True) -> Parsed:
    """Parse one YAML document; `first_line` is its line in the enclosing file.

    Without `positions`, no line and column is recorded (the fast path for
    files that turn out to have no finding).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text, first_line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(
            "yaml-syntax", f"YAML error: {exc}", first_line, 1, _SYNTAX_HINT
        ) from None
    finally:
        loader.dispose()
    offset = first_line - 1
    found = Positions(start=(first_line, 1))
    if node is None:
        return Parsed(None, found, [])
    if "&" in text:
        _check_expansion(node, offset)
    converter = _Converter(found if positions else None, offset)
    data = converter.convert(node, ())
    return Parsed(data, found, converter.duplicates)


_SYNTAX_HINT = "fix the YAML syntax at this position (indentation, quotes, a missing ':')"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line if mark else 0) + first_line
    column = (mark.column if mark else 0) + 1
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    if mark is not None and _tab_at(text, mark.line, mark.column):
        return YamlProblem(
            "yaml-syntax",
            "a tab character is not allowed in YAML indentation",
            line,
            column,
            "indent with spaces, never tabs",
        )
    return YamlProblem(
        "yaml-syntax", f"YAML syntax error: {problem}{context}", line, column, _SYNTAX_HINT
    )


def _tab_at(text: str, line: int, column: int) -> bool:
    lines = text.split("\n", line + 1)
    return line < len(lines) and "\t" in lines[line][: column + 1]


def _check_expansion(root: Node, offset: int) -> None:
    """Refuse documents whose aliases would expand to too many nodes, without expanding."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in in_progress:
            raise YamlProblem(
                "alias-bomb",
                "a YAML alias refers to the node that contains it (a recursive structure)",
                node.start_mark.line + 1 + offset,
                node.start_mark.column + 1,
                "remove the self-referencing alias; records are plain trees",
            )
        in_progress.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        in_progress.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem(
                "alias-bomb",
                f"YAML aliases here expand to more than {MAX_EXPANDED_NODES:,} nodes",
                node.start_mark.line + 1 + offset,
                node.start_mark.column + 1,
                "write the data out instead of multiplying it through anchors and aliases",
            )
        sizes[key] = total
        return total

    size(root)


class _Converter:
    def __init__(self, positions: Positions | None, offset: int) -> None:
        self.track = positions is not None
        self.marks = positions.marks if positions is not None else {}
        self.offset = offset
        self.duplicates: list[DuplicateKey] = []

    # Key paths are built only when positions are tracked: the fast path (most
    # files, which have no finding) only converts.
    def convert(self, node: Node, key: Key) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise _tag_problem(node, self.offset)
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            if not self.track:
                return [self.convert(child, key) for child in node.value]
            items = []
            for index, child in enumerate(node.value):
                path = (*key, index)
                self.marks[path] = self._position(child)
                items.append(self.convert(child, path))
            return items
        if isinstance(node, MappingNode):
            return self._mapping(node, key)
        return None  # pragma: no cover - composer yields only the three node kinds

    def _position(self, node: Node) -> tuple[int, int]:
        mark = node.start_mark
        return (mark.line + 1 + self.offset, mark.column + 1)

    def _mapping(self, node: MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        written: dict[str, Node] = {}  # explicit keys (not merged ones) and their nodes
        for key_node, value_node in node.value:
            if key_node.tag not in _PLAIN_TAGS:
                raise _tag_problem(key_node, self.offset)
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.convert(value_node, key)
                for source in merged if isinstance(merged, list) else [merged]:
                    if isinstance(source, dict):
                        for k, v in source.items():
                            result.setdefault(k, v)
                continue
            name = sys.intern(
                key_node.value
                if isinstance(key_node, ScalarNode)
                else str(self.convert(key_node, key))
            )
            if name in written:
                line, column = self._position(key_node)
                first_line = self._position(written[name])[0]
                self.duplicates.append(DuplicateKey(name, line, column, first_line))
            written[name] = key_node
            if self.track:
                path = (*key, name)
                self.marks[path] = self._position(key_node)
                result[name] = self.convert(value_node, path)
            else:
                result[name] = self.convert(value_node, key)
        return result


def _tag_problem(node: Node, offset: int) -> YamlProblem:
    tag = str(node.tag)
    shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
    return YamlProblem(
        "yaml-tag",
        f"the YAML tag {shown[:80]} is not plain data; records hold only strings, numbers, "
        "booleans, lists and mappings",
        node.start_mark.line + 1 + offset,
        node.start_mark.column + 1,
        "remove the tag (quote the value if it is text); other YAML loaders may run code for it",
    )


# Python refuses to print an int of more than 4,300 decimal digits (about 14,000
# bits); a hex, octal or binary literal parses past that without complaint, and
# the next message or export that shows it would fail. Such a scalar stays text.
_MAX_INT_BITS = 14_000


# Keys and short values (statuses, severities, tiers, check kinds, owners)
# repeat across thousands of records that a lint keeps in memory: one copy each.
_INTERN_UP_TO = 24


def _scalar(node: ScalarNode) -> Any:
    construct = _SCALARS.get(node.tag)
    if construct is None:
        # strings, timestamps (kept as written), and anything exotic
        text: str = node.value
        return sys.intern(text) if len(text) <= _INTERN_UP_TO else text
    try:
        value = construct(node)
    except (ValueError, yaml.YAMLError):
        return node.value
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return node.value
    return value
