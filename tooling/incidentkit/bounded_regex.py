"""Regular expressions from records and schemas, compiled within bounds.

Python's `re` fails on some patterns with an `OverflowError` (a repetition
count above 4,294,967,294), a `RecursionError` (groups nested thousands deep)
or a `MemoryError`, not with `re.error`; and a count of millions compiles
into a program of that size. `compile_regex` turns each of these into an
`re.error` that says what to change, so a pattern in a case or a schema is a
finding or a configuration error, never a crash. Used by the check engine,
the `eval-regex` rule and the schema loader; imports nothing of incidentkit.
"""

from __future__ import annotations

import re

# Bounds on what a pattern may ask of the regex engine.
MAX_REPEAT = 10_000
MAX_NESTING = 100
_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def compile_regex(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled by Python's `re`; `re.error` for an invalid or unbounded one."""
    problem = regex_problem(pattern)
    if problem is not None:
        raise re.error(problem)
    try:
        return re.compile(pattern)
    except (OverflowError, RecursionError, MemoryError) as exc:
        raise re.error(f"too large for the regex engine ({exc})") from None


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` asks too much of the engine (a huge count, deep nesting), or None."""
    depth = 0
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            # a `]` right after `[` or `[^` is a literal member of the class
            index += 1 if pattern.startswith("^", index) else 0
            index += 1 if pattern.startswith("]", index) else 0
            continue
        elif char == "(":
            depth += 1
            if depth > MAX_NESTING:
                return f"groups nested more than {MAX_NESTING} deep"
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "{":
            quantifier = _QUANTIFIER.match(pattern, index)
            written = quantifier.group(0) if quantifier else ""
            counts = [g for g in quantifier.groups() if g] if quantifier else []
            # the length test first: int() refuses strings of more than 4,300 digits
            if any(len(c.lstrip("0")) > 9 or int(c) > MAX_REPEAT for c in counts):
                shown = written if len(written) <= 24 else written[:20] + "...}"
                return f"the repetition count {shown} is above {MAX_REPEAT:,}"
        index += 1
    return None
