"""The YAML does not parse; the finding carries YAML's own line and column.

Tabs in indentation get their own message, since YAML forbids them.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "yaml-syntax"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
