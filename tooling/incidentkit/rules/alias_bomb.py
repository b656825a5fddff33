"""YAML anchors and aliases that would expand to an excessive number of nodes
(the "billion laughs"), or an alias that contains itself.

The document is refused without being expanded.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "alias-bomb"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
