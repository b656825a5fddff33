"""A Markdown record lacks YAML front matter, or its front matter is not closed
or is not a mapping of fields.

A record starts with a line `---`, its fields as `name: value` lines, and
another `---` line before the body.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "front-matter"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
