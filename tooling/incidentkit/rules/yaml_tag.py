"""A YAML tag that is not plain data, such as `!!python/object/apply:os.system`.

Records hold strings, numbers, booleans, lists and mappings. A tag asks a
YAML loader to build something else: `!!python/...` tags make PyYAML's
unsafe loaders run code, `!!binary` and `!!set` build types no schema field
has, and a custom `!tag` means nothing to incidentkit. PyYAML's safe loader
refuses them all; so does incidentkit, instead of dropping the tag and
reading the value as if it were not there. The document is not read further.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "yaml-tag"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
