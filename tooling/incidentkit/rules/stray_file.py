"""A file in a record folder that is not read as a record, a case or a test module.

Records are found recursively under `incidents/`, `postmortems/` and `evals/`
(`incidents/2026/INC-...md` is fine). A file there that would otherwise be
skipped in silence is an error with the fix: a wrong extension or case
(`.MD`, `.markdown`, `.YAML`), a leading `_` or `.`, an unknown suffix, a
file in a hidden folder, a symlinked folder, a symlink loop, a symlink out
of the repository, or something that is not a regular file at all (a FIFO,
a device, a socket: never opened). `README.md` and `index.md` at the top of
a record folder, and dotfiles such as `.gitkeep`, are allowed.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.records.folders import STRAY_FILE
from incidentkit.rules.context import LintContext

ID = STRAY_FILE
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    yield from ctx.records.strays
