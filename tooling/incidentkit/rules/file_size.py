"""A record file is empty, unreadable, or larger than `max_file_bytes` (default 1 MiB).

Huge files slow every command and usually mean an attachment was pasted
into a record; link it instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, load_problems

ID = "file-size"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    return load_problems(ctx, ID)
