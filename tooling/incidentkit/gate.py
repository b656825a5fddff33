"""The merge gate: does a pull request leave an incident without the coverage policy demands?

Looks at what the PR changes between the merge base of `--base` and the head,
and evaluates the records at the head. It blocks on:

- `gate-no-case`: an incident the PR adds or changes, covered by policy
  (severity and status), with no linked case in a counting tier and no
  `regression_waiver`;
- `gate-unverified`: a counting case of such an incident, or a case the PR
  touches, without `verification` where policy requires it;
- `gate-last-case-removed`: the PR deletes, unlinks or moves out of the
  counting tiers the last case of a covered incident;
- `gate-id-collision`: a numbered ID the PR adds is already used on the base
  branch by another file (two branches that each took the next number);
- lint errors in the files the PR touches, and whole-repository rule breaks
  (`broken-link`, `unique-id`) anywhere.

Returns a `GateResult`; never prints. Git failures raise `GitError` (exit 2).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from incidentkit.cache.store import LintCache
from incidentkit.config import Config
from incidentkit.coverage import IncidentCoverage, counting_cases, incident_coverage, needs_cases
from incidentkit.evals.discovery import link_graph, python_cases, yaml_cases
from incidentkit.findings import Finding, Level
from incidentkit.git.diff import Change, changed_files, export_files, list_files, merge_base
from incidentkit.git.diff import read_files as read_git_files
from incidentkit.git.repo import GitRepo, open_repo
from incidentkit.lint import LintResult, lint_and_load, run_lint
from incidentkit.records.document import read_document
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet, load_repository

NO_CASE = "gate-no-case"
UNVERIFIED = "gate-unverified"
LAST_CASE_REMOVED = "gate-last-case-removed"
ID_COLLISION = "gate-id-collision"
WHOLE_REPOSITORY_RULES = frozenset({"broken-link", "unique-id"})


@dataclass(frozen=True)
class TouchedIncident:
    """An incident the PR touches, directly (its file) or through a case or post-mortem."""

    incident: Incident
    change: str  # added, modified, renamed, case changed, post-mortem changed
    coverage: IncidentCoverage
    verdict: str  # pass, blocked, waived, not required, unmet before this PR


@dataclass(frozen=True)
class GateResult:
    base_ref: str
    base_sha: str
    head_ref: str
    head_sha: str
    merge_base: str
    changes: list[Change]
    incidents: list[TouchedIncident]
    findings: list[Finding]  # every one blocks

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def waived(self) -> list[TouchedIncident]:
        return [t for t in self.incidents if t.verdict == "waived"]


@dataclass(frozen=True)
class _BaseView:
    """What the gate needs from commits other than the head."""

    ids_on_base: dict[str, str]  # numbered ID -> file on the base branch's tip
    ids_at_merge_base: dict[str, str]  # numbered ID -> file at the merge base
    cases_at_merge_base: list[EvalCase]  # from the eval files the PR changes or deletes


def run_gate(config: Config, base: str, head: str | None, now: datetime) -> GateResult:
    head_ref = head or "HEAD"
    folders = [config.incidents_dir, config.postmortems_dir, config.evals_dir]
    with open_repo(config.root) as repo:
        base_sha = repo.resolve(base, "base ref")
        head_sha = repo.resolve(head_ref, "head ref")
        fork = merge_base(repo, base_sha, head_sha)
        changes = changed_files(repo, fork, head_sha, folders)
        view = _base_view(repo, config, base_sha, fork, changes)
        if head_ref == "HEAD":
            # CI checks out the PR: the work tree is the head, already on disk.
            # Lint reads it (through the lint cache) and hands over its records.
            records, lint = lint_and_load(config, now, cache=LintCache.open(config))
            findings, touched = _evaluate(records, changes, view, now, lint)
        else:
            with tempfile.TemporaryDirectory(prefix="incidentkit-head-") as tmp:
                export_files(repo, head_sha, [*folders, config.schemas_dir], Path(tmp))
                records = load_repository(replace(config, root=Path(tmp)))
                findings, touched = _evaluate(records, changes, view, now)
    return GateResult(base, base_sha, head_ref, head_sha, fork, changes, touched, findings)


def _base_view(
    repo: GitRepo, config: Config, base_sha: str, fork: str, changes: list[Change]
) -> _BaseView:
    numbered = [config.incidents_dir, config.postmortems_dir]
    # IDs from file names: the `id-filename` rule keeps them equal to the
    # front matter, and names come from one `ls-tree` without reading blobs.
    on_base = _ids_by_name(list_files(repo, base_sha, numbered), config)
    at_fork = _ids_by_name(list_files(repo, fork, numbered), config)
    evals = config.evals_dir.rstrip("/") + "/"
    old_paths = [
        c.base_path
        for c in changes
        if c.base_path and c.base_path.startswith(evals) and c.status != "added"
    ]
    return _BaseView(on_base, at_fork, _cases_from_git(repo, fork, old_paths, config))


def _ids_by_name(paths: Iterable[str], config: Config) -> dict[str, str]:
    pattern = re.compile(
        rf"^({re.escape(config.incident_prefix)}|{re.escape(config.postmortem_prefix)})-\d{{4}}-\d{{4}}(?!\d)"
    )
    found: dict[str, str] = {}
    for path in sorted(paths):
        match = pattern.match(path.rsplit("/", 1)[-1])
        if match:
            found.setdefault(match.group(0), path)
    return found


def _cases_from_git(repo: GitRepo, commit: str, paths: list[str], config: Config) -> list[EvalCase]:
    """The eval cases in some files as they were in another commit."""
    wanted = [p for p in paths if p.endswith((".yaml", ".yml", ".py"))]
    if not wanted:
        return []
    cases: list[EvalCase] = []
    with tempfile.TemporaryDirectory(prefix="incidentkit-base-") as tmp:
        root = Path(tmp)
        for path, data in read_git_files(repo, commit, wanted).items():
            file = root / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
            if path.endswith(".py"):
                cases.extend(python_cases(root, file))
            else:
                cases.extend(yaml_cases(read_document(root, file, "eval", config.max_file_bytes)))
    return cases


def _evaluate(
    records: RecordSet,
    changes: list[Change],
    view: _BaseView,
    now: datetime,
    lint: LintResult | None = None,
) -> tuple[list[Finding], list[TouchedIncident]]:
    config = records.config
    policy = config.policy
    links = records.cases_by_incident
    by_id = records.incidents_by_id
    touched_paths = {c.head_path for c in changes if c.head_path}
    status_of = {c.head_path: c.status for c in changes if c.head_path}
    findings: list[Finding] = []
    blocked: set[str] = set()

    direct: dict[str, tuple[Incident, str]] = {
        i.id: (i, status_of[i.path]) for i in records.incidents if i.id and i.path in touched_paths
    }
    for incident, _ in direct.values():
        if not needs_cases(incident, policy) or incident.waiver:
            continue
        cases = links.get(incident.id, [])
        counting = counting_cases(cases, policy)
        if not counting:
            blocked.add(incident.id)
            findings.append(_no_case(incident, cases, config))
        elif policy.needs_verification(incident.severity):
            for case in counting:
                if not case.verified:
                    blocked.add(incident.id)
                    findings.append(_unverified(case, incident))

    for case in records.cases:
        if case.path not in touched_paths or case.tier not in policy.counting_tiers:
            continue
        for incident_id in case.incidents:
            linked = by_id.get(incident_id)
            if (
                linked is None
                or incident_id in direct
                or linked.waiver
                or not needs_cases(linked, policy)
                or not policy.needs_verification(linked.severity)
                or case.verified
            ):
                continue
            blocked.add(incident_id)
            findings.append(_unverified(case, linked))

    removed = link_graph(view.cases_at_merge_base)
    deleted_paths = {c.path for c in changes if c.status == "deleted"}
    for incident_id, old_cases in removed.items():
        kept = by_id.get(incident_id)
        if kept is None or incident_id in direct or kept.waiver:
            continue  # a deleted incident breaks links (lint); a changed one is checked above
        if not needs_cases(kept, policy):
            continue
        old_counting = counting_cases(old_cases, policy)
        if old_counting and not counting_cases(links.get(incident_id, []), policy):
            blocked.add(incident_id)
            findings.append(_last_case_removed(kept, old_counting, deleted_paths, config))

    findings += _collisions(records, changes, view, blocked)

    for finding in (lint or run_lint(records, now)).findings:
        # one lint pass; filtering afterwards is what run_lint(only=...) does
        if finding.level is Level.ERROR and (
            finding.path in touched_paths or finding.rule in WHOLE_REPOSITORY_RULES
        ):
            findings.append(finding)
            blocked.update(i.id for i in records.incidents if i.path == finding.path)

    return sorted(set(findings)), _touched(records, changes, direct, removed, blocked, now)


def _no_case(incident: Incident, cases: list[EvalCase], config: Config) -> Finding:
    policy = config.policy
    line, column = incident.doc.at(("id",))
    tiers = ", ".join(policy.counting_tiers)
    elsewhere = (
        f"; its cases are in tiers that do not count ({', '.join(sorted({c.tier or '?' for c in cases}))})"
        if cases
        else ""
    )
    return Finding(
        incident.path,
        line,
        column,
        NO_CASE,
        Level.ERROR,
        f"{incident.id} ({incident.severity}, {incident.status}) has no linked eval case in a "
        f"counting tier ({tiers}){elsewhere}; policy requires one",
        f"add a case under {config.evals_dir}/<tier>/ with `incidents: [{incident.id}]` in this "
        "PR, or a reviewed `regression_waiver: {reason, approved_by}` on the incident",
    )


def _unverified(case: EvalCase, incident: Incident) -> Finding:
    line, column = case.at("id") if case.source == "yaml" else (case.line, 1)
    return Finding(
        case.path,
        line,
        column,
        UNVERIFIED,
        Level.ERROR,
        f"case '{case.id}' guards {incident.id} ({incident.severity}) but has no `verification`; "
        f"policy requires verified cases for {incident.severity} incidents",
        "run the case against the failing and the fixed agent versions and record the results "
        "with `incidentkit verify --before ... --after ... --write`",
    )


def _last_case_removed(
    incident: Incident, old_cases: list[EvalCase], deleted: set[str], config: Config
) -> Finding:
    line, column = incident.doc.at(("id",))
    files = sorted({c.path for c in old_cases})
    how = "deletes" if all(f in deleted for f in files) else "deletes, unlinks or re-tiers"
    return Finding(
        incident.path,
        line,
        column,
        LAST_CASE_REMOVED,
        Level.ERROR,
        f"this PR {how} the last eval case of {incident.id} ({incident.severity}) in a counting "
        f"tier: {', '.join(f'{c.id} ({c.path})' for c in old_cases)}",
        f"keep a case linked to {incident.id} under {config.evals_dir}/<tier>/, or add a reviewed "
        "`regression_waiver` to the incident",
    )


def _collisions(
    records: RecordSet, changes: list[Change], view: _BaseView, blocked: set[str]
) -> list[Finding]:
    # "Added by the PR": the file did not hold that ID at the merge base. In a
    # merge queue the merge base is the base itself, which already holds the
    # other branch's file with the same ID, so the check is per file, not per ID.
    before = {c.head_path: c.base_path for c in changes if c.head_path}
    numbered_id = re.compile(r"(.+-\d{4})-(\d{4})")
    taken = set(view.ids_on_base) | {r.id for r in _numbered(records)}
    highest: dict[str, int] = {}
    for record_id in taken:
        match = numbered_id.fullmatch(record_id)
        if match:  # malformed IDs are lint's business, not the next number's
            series, number = match.groups()
            highest[series] = max(highest.get(series, 0), int(number))
    found: list[Finding] = []
    for record in sorted(_numbered(records), key=lambda r: r.path):
        if record.path not in before or not record.id:
            continue
        old_path = before[record.path]
        if old_path is not None and view.ids_at_merge_base.get(record.id) == old_path:
            continue
        other = view.ids_on_base.get(record.id)
        if other is None or other in (record.path, old_path):
            continue
        series, _, _ = record.id.rpartition("-")
        highest[series] = highest.get(series, 0) + 1
        free = f"{series}-{highest[series]:04d}"
        hint = (
            f"renumber this record to {free} (the next free ID on the base branch and this "
            f"branch): change `id:`, rename the file to {free}-<slug>.md and update the links "
            "to it; `incidentkit new` allocates IDs free across branches"
            if highest[series] <= 9999
            else f"every {series} number up to 9999 is taken; renumber by hand"
        )
        line, column = record.doc.at(("id",))
        blocked.add(record.id)
        found.append(
            Finding(
                record.path,
                line,
                column,
                ID_COLLISION,
                Level.ERROR,
                f"{record.id} is already taken on the base branch by {other}, added there "
                "after this branch was created",
                hint,
            )
        )
    return found


def _numbered(records: RecordSet) -> list[Incident | Postmortem]:
    return [*records.incidents, *records.postmortems]


def _touched(
    records: RecordSet,
    changes: list[Change],
    direct: dict[str, tuple[Incident, str]],
    removed: dict[str, list[EvalCase]],
    blocked: set[str],
    now: datetime,
) -> list[TouchedIncident]:
    policy = records.config.policy
    how: dict[str, str] = {incident_id: status for incident_id, (_, status) in direct.items()}
    touched_paths = {c.head_path for c in changes if c.head_path}
    for case in records.cases:
        if case.path in touched_paths:
            for incident_id in case.incidents:
                how.setdefault(incident_id, "case changed")
    for incident_id in removed:
        how.setdefault(incident_id, "case changed")
    for pm in records.postmortems:
        if pm.path in touched_paths:
            for incident_id in pm.incidents:
                how.setdefault(incident_id, "post-mortem changed")
    out: list[TouchedIncident] = []
    links = records.cases_by_incident
    for incident_id, change in sorted(how.items()):
        incident = records.incidents_by_id.get(incident_id)
        if incident is None:
            continue
        cov = incident_coverage(incident, links.get(incident_id, []), policy, None, False, now)
        if incident_id in blocked:
            verdict = "blocked"
        elif cov.waived and cov.needs_cases:
            verdict = "waived"
        elif not cov.needs_cases:
            verdict = "not required"
        elif cov.policy_met:
            verdict = "pass"
        else:
            verdict = "unmet before this PR"  # not changed here; `coverage --check` reports it
        out.append(TouchedIncident(incident, change, cov, verdict))
    return out
