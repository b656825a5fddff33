"""A `regex` or `not-regex` check of an eval case is not a valid regular expression.

The schema sees only a string; the check engine would fail the case on every
run, which looks exactly like "fails before the fix" and so would pass as
verified evidence. Patterns use Python's `re` syntax, as the engine does;
a repetition count above 10,000 (`a{99999999999}`) or groups nested more than
100 deep are refused too, since the engine cannot run them in bounded time
and memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.bounded_regex import compile_regex
from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "eval-regex"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    for case in ctx.records.cases:
        expected = case.data.get("expected")
        if case.doc is None or not isinstance(expected, list):
            continue
        for index, item in enumerate(expected):
            if not isinstance(item, dict):
                continue
            for kind in ("regex", "not-regex"):
                pattern = item.get(kind)
                if not isinstance(pattern, str):
                    continue
                try:
                    compile_regex(pattern)
                except re.error as exc:
                    yield at(
                        case.doc,
                        (*case.key, "expected", index, kind),
                        ID,
                        LEVEL,
                        f"{kind} {pattern!r} is not a valid regular expression: {exc}",
                        "fix the pattern (Python `re` syntax); quote it with single quotes in YAML",
                    )
