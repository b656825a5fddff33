"""The lint rules: one module per rule, named after its ID, listed here.

A rule module has `ID`, `LEVEL` (its default level), a docstring that is its
documentation (first paragraph: the summary), and `check(ctx)`, which yields
findings. Config can switch a rule off or change its level by ID.

Most rules look at one file at a time: lint runs them on each file as it is
read, with a `ctx.records` that holds just that file's records, so the text
and data of ten thousand files need not stay in memory. A rule that needs
every record (unique IDs, links) says `SCOPE = "repository"` and runs once
at the end, over records whose text has been released.

A file rule whose findings depend on the clock (not only on the file) says
`CLOCK = True`: the lint cache cannot keep its findings, so on a cached run it
runs at the end over the cache's index of typed records, like a repository
rule (see `cache/index.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from incidentkit.findings import Finding, Level
from incidentkit.rules import (
    action_item_ids,
    action_item_owner,
    alias_bomb,
    blaming_language,
    broken_link,
    duplicate_key,
    encoding,
    eval_regex,
    file_size,
    front_matter,
    id_filename,
    lightweight_severity,
    overdue_action_item,
    personal_data,
    placeholder,
    postmortem_deadline,
    postmortem_sections,
    python_syntax,
    schema,
    secrets,
    stray_file,
    tier_folder,
    timestamp_order,
    unique_id,
    yaml_syntax,
    yaml_tag,
)
from incidentkit.rules.context import LintContext

_MODULES: tuple[ModuleType, ...] = (
    file_size,
    stray_file,
    encoding,
    front_matter,
    yaml_syntax,
    duplicate_key,
    alias_bomb,
    yaml_tag,
    schema,
    unique_id,
    id_filename,
    tier_folder,
    python_syntax,
    placeholder,
    eval_regex,
    broken_link,
    timestamp_order,
    postmortem_sections,
    lightweight_severity,
    action_item_owner,
    action_item_ids,
    overdue_action_item,
    postmortem_deadline,
    personal_data,
    secrets,
    blaming_language,
)

# Not a module: reported by the suppression mechanism itself.
SUPPRESSION_RULE_ID = "suppression-reason"
SUPPRESSION_DOC = """An inline suppression has no reason.

Suppress one finding with a comment on its line or the line above:
`# incidentkit: ignore[rule-id] why this is fine` in YAML, or
`<!-- incidentkit: ignore[rule-id] why this is fine -->` in Markdown. A
suppression without a reason suppresses nothing.
"""


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    doc: str
    check: Callable[[LintContext], Iterable[Finding]] | None
    scope: str = "file"  # or "repository"
    clock: bool = False  # findings depend on the current time, not only on the files

    @property
    def summary(self) -> str:
        return " ".join(self.doc.strip().split("\n\n")[0].split())

    @property
    def module(self) -> str:
        return f"incidentkit/rules/{self.id.replace('-', '_')}.py"


def _rule(module: ModuleType) -> Rule:
    return Rule(
        module.ID,
        module.LEVEL,
        module.__doc__ or "",
        module.check,
        getattr(module, "SCOPE", "file"),
        getattr(module, "CLOCK", False),
    )


RULES: dict[str, Rule] = {m.ID: _rule(m) for m in _MODULES}
RULES[SUPPRESSION_RULE_ID] = Rule(SUPPRESSION_RULE_ID, Level.ERROR, SUPPRESSION_DOC, None, "file")
