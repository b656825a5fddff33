"""Running the rules over a loaded repository: levels from config, suppressions.

Returns findings; never prints. The CLI, the gate and the pre-commit hook all
call `run_lint`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from incidentkit.config import Config
from incidentkit.errors import ConfigError
from incidentkit.findings import Finding, Level
from incidentkit.records.repository import RecordSet
from incidentkit.rules import RULES, SUPPRESSION_RULE_ID
from incidentkit.rules.context import LintContext

_SUPPRESSION = re.compile(r"incidentkit:\s*ignore\[([a-z0-9 ,-]+)\](.*)")


@dataclass(frozen=True)
class LintResult:
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> int:
        return sum(f.level is Level.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level is Level.WARNING for f in self.findings)


def rule_levels(config: Config) -> dict[str, Level | None]:
    """Each rule's effective level; None when switched off. Unknown IDs are a config error."""
    levels: dict[str, Level | None] = {rule_id: rule.level for rule_id, rule in RULES.items()}
    for rule_id, setting in config.rules.items():
        if rule_id not in RULES:
            where = config.source or "[tool.incidentkit.rules]"
            raise ConfigError(
                f"{where}: unknown rule '{rule_id}' in [tool.incidentkit.rules]; "
                f"known rules: {', '.join(sorted(RULES))}"
            )
        levels[rule_id] = None if setting == "off" else Level.parse(setting)
    return levels


def run_lint(records: RecordSet, now: datetime, only: Iterable[str] | None = None) -> LintResult:
    """Lint the repository; with `only`, report only findings in those files."""
    levels = rule_levels(records.config)
    ctx = LintContext(records=records, now=now)
    findings: list[Finding] = []
    for rule_id, rule in RULES.items():
        level = levels[rule_id]
        if level is None or rule.check is None:
            continue
        for finding in rule.check(ctx):
            findings.append(finding if finding.level is level else finding.with_level(level))
    wanted = set(only) if only is not None else None
    if wanted is not None:
        findings = [f for f in findings if f.path in wanted]
    findings = _apply_suppressions(records, findings, levels.get(SUPPRESSION_RULE_ID))
    files = len(wanted) if wanted is not None else len(records.documents)
    return LintResult(sorted(set(findings)), files)


def _apply_suppressions(
    records: RecordSet, findings: list[Finding], level: Level | None
) -> list[Finding]:
    by_path = {d.path: d for d in records.documents}
    suppressions: dict[str, dict[int, set[str]]] = {}
    extra: list[Finding] = []
    for path in {f.path for f in findings}:
        doc = by_path.get(path)
        if doc is None or "incidentkit:" not in doc.text:
            continue
        table: dict[int, set[str]] = {}
        lines = doc.text.split("\n")
        for number, line in enumerate(lines, start=1):
            match = _SUPPRESSION.search(line)
            if not match:
                continue
            reason = match.group(2).replace("-->", "").strip(" -:#")
            if not reason:
                if level is not None:
                    extra.append(
                        Finding(
                            path,
                            number,
                            match.start() + 1,
                            SUPPRESSION_RULE_ID,
                            level,
                            "suppression without a reason suppresses nothing",
                            "say why after the bracket: incidentkit: ignore[rule-id] <reason>",
                        )
                    )
                continue
            ids = {part.strip() for part in match.group(1).split(",") if part.strip()}
            alone = line[: match.start()].strip() in ("#", "<!--")
            target = number + 1 if alone else number
            table.setdefault(target, set()).update(ids)
        suppressions[path] = table
    kept = [f for f in findings if f.rule not in suppressions.get(f.path, {}).get(f.line, set())]
    return kept + extra
