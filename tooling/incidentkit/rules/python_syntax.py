"""A Python file under `evals/` cannot be read as Python.

incidentkit reads `@pytest.mark.incident(...)` markers from the source's
syntax tree without importing it; a file with a syntax error or bytes that
are not UTF-8 has no readable markers, so its tests silently stop counting as
coverage. Fix the file (pytest would fail on it too).
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext

ID = "python-syntax"
LEVEL = Level.ERROR
SCOPE = "repository"  # needs every record, not one file


def check(ctx: LintContext) -> Iterator[Finding]:
    yield from ctx.records.python_problems
