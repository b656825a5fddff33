"""A case's Python regex as a JavaScript RegExp that matches exactly the same strings.

promptfoo runs its assertions in JavaScript, where `(?i)`, `\\A`, `\\Z` do not
exist and `\\d`, `\\w`, `\\s`, `\\b`, `.`, `$` and case-insensitive matching
mean something else. Copying the pattern text would change what a case
checks, so the pattern is parsed with Python's own parser (`re._parser`, the
tree `re.compile` uses) and rendered again node by node for a JavaScript
`RegExp` with the `u` flag:

- every single-character node (a literal, a class, `.`, `\\d`, a literal under
  IGNORECASE...) becomes an explicit class of exactly the code points Python
  matches with it: Python's engine itself is asked, over every code point, so
  Unicode categories and case folding agree by construction;
- anchors become lookarounds with Python's meaning (`$` also before a final
  newline, `^`/`$` at newlines under MULTILINE, `\\b` on Python's `\\w`);
- groups, alternation, greedy and lazy repetition and lookarounds map one to
  one. The flags are folded into the pattern, so none is needed but `u`.

What JavaScript cannot express with the same meaning is refused with the
reason (`Untranslatable`): backreferences (Python fails on an unset group,
JavaScript matches it as empty), conditional groups, atomic groups,
possessive repeats and flags scoped to a group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_CATEGORY = {
    c.CATEGORY_DIGIT: r"\d",
    c.CATEGORY_NOT_DIGIT: r"\D",
    c.CATEGORY_SPACE: r"\s",
    c.CATEGORY_NOT_SPACE: r"\S",
    c.CATEGORY_WORD: r"\w",
    c.CATEGORY_NOT_WORD: r"\W",
}
_BEGIN = r"(?<![\s\S])"
_END = r"(?![\s\S])"
_SAFE = re.compile(r"[A-Za-z0-9_ ]")
_INLINE = 120  # longer classes are defined once, as constants of the JavaScript program
_FLAGS = re.IGNORECASE | re.ASCII | re.MULTILINE | re.DOTALL


class Untranslatable(ValueError):
    """The pattern uses a construct JavaScript cannot match with the same meaning."""


@dataclass(frozen=True)
class JsRegex:
    """A RegExp source for `String.raw` with `${cN}` references to the long classes in `classes`."""

    source: str
    classes: tuple[str, ...]  # c0, c1...: Unicode classes too long to repeat inline

    def program(self, negate: bool = False) -> str:
        """A JavaScript function body: whether `output` matches (or, negated, does not)."""
        lines = [f"const c{i} = String.raw`{body}`;" for i, body in enumerate(self.classes)]
        test = f'new RegExp(String.raw`{self.source}`, "u").test(output)'
        lines.append(f"return {'!' if negate else ''}{test};")
        return "\n".join(lines)


def to_javascript(pattern: str) -> JsRegex:
    """A JavaScript RegExp (flag `u`) matching what `re.search(pattern)` matches."""
    try:
        parsed = _parser.parse(pattern)
    except re.error as exc:
        raise Untranslatable(f"not a valid Python regex: {exc}") from None
    renderer = _Renderer(parsed.state.flags & _FLAGS)
    source = renderer.sequence(parsed)
    return JsRegex(source, tuple(renderer.classes))


class _Renderer:
    def __init__(self, flags: int) -> None:
        self.flags = flags
        self.classes: list[str] = []

    def char_class(self, op: Any, av: Any) -> str:
        body = _js_class(_python_class(op, av), self.flags)
        if len(body) <= _INLINE:
            return body
        if body not in self.classes:
            self.classes.append(body)
        return f"${{c{self.classes.index(body)}}}"

    def sequence(self, nodes: Iterable[tuple[Any, Any]]) -> str:
        return "".join(self.node(op, av) for op, av in nodes)

    def node(self, op: Any, av: Any) -> str:
        if op is c.ANY:  # Python's `.`: anything but a newline, or anything under DOTALL
            return r"[\s\S]" if self.flags & re.DOTALL else r"[^\n]"
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN):
            return self.char_class(op, av)
        if op is c.AT:
            return self.anchor(av)
        if op is c.SUBPATTERN:
            group, add, delete, body = av
            if add or delete:
                raise Untranslatable(
                    "flags scoped to a group, such as (?i:...), are not translated"
                )
            inner = self.sequence(body)
            return f"({inner})" if group is not None else f"(?:{inner})"
        if op is c.BRANCH:
            return "(?:" + "|".join(self.sequence(alt) for alt in av[1]) + ")"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = av
            return f"(?:{self.sequence(body)}){_quantifier(low, high)}" + (
                "?" if op is c.MIN_REPEAT else ""
            )
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, body = av
            kind = (
                ("=" if op is c.ASSERT else "!")
                if direction == 1
                else ("<=" if op is c.ASSERT else "<!")
            )
            return f"(?{kind}{self.sequence(body)})"
        if op is c.FAILURE:
            return "(?!)"
        raise Untranslatable(_REFUSED.get(op, f"the construct {op} has no JavaScript equivalent"))

    def anchor(self, code: Any) -> str:
        multiline = bool(self.flags & re.MULTILINE)
        if code is c.AT_BEGINNING_STRING or (code is c.AT_BEGINNING and not multiline):
            return _BEGIN
        if code is c.AT_BEGINNING:
            return rf"(?:{_BEGIN}|(?<=\n))"
        if code is c.AT_END_STRING:
            return _END
        if code is c.AT_END:
            return rf"(?=\n|{_END})" if multiline else rf"(?=\n?{_END})"
        word = self.char_class(c.IN, [(c.CATEGORY, c.CATEGORY_WORD)])
        if code is c.AT_BOUNDARY:
            return f"(?:(?<={word})(?!{word})|(?<!{word})(?={word}))"
        if code is c.AT_NON_BOUNDARY:
            return f"(?:(?<={word})(?={word})|(?<!{word})(?!{word}))"
        raise Untranslatable(f"the anchor {code} has no JavaScript equivalent")


_REFUSED = {
    c.GROUPREF: "backreferences (\\1, (?P=name)) are not translated: Python fails on a group "
    "that did not match, JavaScript matches it as empty",
    c.GROUPREF_EXISTS: "conditional groups (?(1)...) do not exist in JavaScript",
    c.ATOMIC_GROUP: "atomic groups (?>...) do not exist in JavaScript",
    c.POSSESSIVE_REPEAT: "possessive repeats (*+, ++, ?+) do not exist in JavaScript",
}


def _quantifier(low: int, high: Any) -> str:
    if high is c.MAXREPEAT:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    if (low, high) == (0, 1):
        return "?"
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def _python_class(op: Any, av: Any) -> str:
    """One single-character node as Python pattern text, to ask Python what it matches."""
    if op is c.ANY:
        return "."
    if op is c.LITERAL:
        return re.escape(chr(av))
    if op is c.NOT_LITERAL:
        return "[^" + re.escape(chr(av)) + "]"
    parts: list[str] = []
    for item, value in av:
        if item is c.NEGATE:
            parts.insert(0, "^")
        elif item is c.LITERAL:
            parts.append(re.escape(chr(value)))
        elif item is c.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif item is c.CATEGORY and value in _CATEGORY:
            parts.append(_CATEGORY[value])
        else:
            raise Untranslatable(f"the class item {item} {value} has no JavaScript equivalent")
    return "[" + "".join(parts) + "]"


@cache
def _every_char() -> str:
    """Every code point but the surrogates, in order: what Python's engine is asked about."""
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))


def _code_point(index: int) -> int:
    return index if index < 0xD800 else index + 0x800


@cache
def _js_class(python: str, flags: int) -> str:
    """A JavaScript class of exactly the code points `python` matches under `flags`."""
    if _SAFE.fullmatch(python) and not (flags & re.IGNORECASE and python.isalpha()):
        return python  # a plain ASCII literal means the same in both
    matcher = re.compile(python, flags)
    points = [_code_point(m.start()) for m in matcher.finditer(_every_char())]
    ranges: list[list[int]] = []
    for point in points:
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _escape(ranges[0][0])
    body = _ranges(ranges)
    # A negated class (`\W`, `[^...]`) is shorter written as what it leaves out.
    outside = _ranges(_complement(ranges))
    return f"[^{outside}]" if len(outside) < len(body) else f"[{body}]"


def _ranges(ranges: list[list[int]]) -> str:
    return "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges)


def _complement(ranges: list[list[int]]) -> list[list[int]]:
    """The code points (surrogates aside) outside `ranges`."""
    gaps: list[list[int]] = []
    start = 0
    for a, b in [*ranges, [0x110000, 0x110000]]:
        for low, high in ((start, min(a - 1, 0xD7FF)), (max(start, 0xE000), a - 1)):
            if low <= high:
                gaps.append([low, high])
        start = b + 1
    return gaps


def _escape(point: int) -> str:
    char = chr(point)
    return char if _SAFE.fullmatch(char) else f"\\u{{{point:X}}}"
