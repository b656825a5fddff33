"""A key appears twice in one YAML mapping.

PyYAML silently keeps the last value; incidentkit reports the second key
and the line of the first.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "duplicate-key"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
