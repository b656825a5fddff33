"""An eval case's `tier` does not match the folder it sits in.

`evals/<tier>/` gives the tier: `regression`, `pre-deployment` or
`safety-critical`. A case in the wrong folder runs at the wrong time. Python
tests are checked when they carry a `@pytest.mark.tier(name=...)` marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from incidentkit.config import TIERS
from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext

ID = "tier-folder"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    evals = PurePosixPath(ctx.config.evals_dir)
    prefix = f"{evals}/"
    for case in ctx.records.cases:
        # plain string work: this runs for each of tens of thousands of cases
        parts = (
            case.path[len(prefix) :].split("/")
            if case.path.startswith(prefix)
            else PurePosixPath(case.path).relative_to(evals).parts
        )
        folder = parts[0] if len(parts) > 1 else None
        if folder not in TIERS:
            if case.source == "yaml":
                yield Finding(
                    case.path,
                    case.line,
                    1,
                    ID,
                    LEVEL,
                    f"eval case '{case.id}' is not in a tier folder",
                    f"move it under {evals}/<tier>/, one of: {', '.join(TIERS)}",
                )
        elif case.tier is not None and case.tier != folder:
            line, column = case.at("tier")
            yield Finding(
                case.path,
                line,
                column,
                ID,
                LEVEL,
                f"case '{case.id}' has tier '{case.tier}' but sits in {evals}/{folder}/",
                f"set tier: {folder}, or move the file to {evals}/{case.tier}/",
            )
