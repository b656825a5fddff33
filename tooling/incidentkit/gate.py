"""The merge gate: does a pull request leave an incident without the coverage policy demands?

It judges the committed head (read from git objects, never the work tree;
`worktree=True` previews the work tree) against the merge base of `--base`,
by the merge base's settings: `[tool.incidentkit]`, `schemas/`, `templates/`
and the pytest config, so a PR cannot relax what judges it (it is told when
it changes them: `gate-settings-changed`, a notice). Each incident is judged
by the stricter of its merge-base and head versions. It blocks on:

- `gate-no-case`: an incident the PR adds or changes, covered by policy at
  the head or at the merge base, with no linked case that counts
  (`counts.py`) and no `regression_waiver`;
- `gate-unverified`: a counting case of such an incident, or a case the PR
  touches, without `verification` where policy requires it;
- `gate-last-case-removed`: the PR deletes, unlinks, re-tiers or breaks the
  last counting case of an incident covered at the merge base, whatever the
  head says about the incident;
- `gate-incident-deleted`: the PR deletes an incident covered at the merge base;
- `gate-since-moved`: the PR moves `detected_at` before `policy.since`;
- `gate-waiver-refused`: a waiver the PR adds or changes is not approved by
  a handle, or (under GitHub Actions) is approved by the PR's author;
- `gate-settings-invalid`: the head's `[tool.incidentkit]` would not load;
- `gate-id-collision`: a numbered ID the PR adds is already used on the base
  branch by another file (two branches that each took the next number);
- lint errors in the files the PR touches, and whole-repository rule breaks
  (`broken-link`, `unique-id`) anywhere.

Record files in the work tree that are not committed are notices
(`gate-uncommitted`): not part of the check. Returns a `GateResult`; never
prints. Git failures raise `GitError` (exit 2).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from incidentkit.cache.store import LintCache
from incidentkit.config import Config, Policy, load_config_at
from incidentkit.counts import case_count, counting_cases
from incidentkit.coverage import IncidentCoverage, incident_coverage, needs_cases
from incidentkit.errors import ConfigError, UsageError
from incidentkit.findings import Finding, Level
from incidentkit.gate_settings import (
    PYPROJECT,
    PYTEST_FILES,
    pytest_config_paths,
    settings_changes,
)
from incidentkit.git.checkout import checked_out_files
from incidentkit.git.diff import Change, changed_files, list_files, merge_base, uncommitted
from incidentkit.git.repo import GitRepo, open_repo
from incidentkit.git.tree import export_tree
from incidentkit.lint import LintResult, lint_and_load, run_lint
from incidentkit.records.cases import link_graph
from incidentkit.records.document import Kind
from incidentkit.records.folders import FolderScan, scan_folders
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.records.pytest_config import pytest_collection
from incidentkit.records.pytest_source import scan_python
from incidentkit.records.repository import RecordSet, load_repository
from incidentkit.records.timestamps import utc
from incidentkit.waivers import WaiverChange, waiver_changes, waiver_findings

NO_CASE = "gate-no-case"
UNVERIFIED = "gate-unverified"
LAST_CASE_REMOVED = "gate-last-case-removed"
ID_COLLISION = "gate-id-collision"
SINCE_MOVED = "gate-since-moved"
INCIDENT_DELETED = "gate-incident-deleted"
UNCOMMITTED = "gate-uncommitted"
SETTINGS_INVALID = "gate-settings-invalid"
_CHUNK = 500
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
    notices: list[Finding] = field(default_factory=list)  # said, never blocking
    worktree: bool = False  # judged the work tree (uncommitted files included), not a commit
    waivers: list[WaiverChange] = field(default_factory=list)  # waivers the PR adds or changes

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
    incidents_at_merge_base: dict[str, Incident]  # merge-base path -> incident, changed files
    # The base branch's tip may have moved on since the branch was made (an incident
    # re-rated, the policy tightened): what merges is judged by that too.
    incidents_at_base_tip: dict[str, Incident] = field(default_factory=dict)  # by ID
    policy_at_base_tip: Policy | None = None


def run_gate(
    config: Config, base: str, head: str | None, now: datetime, *, worktree: bool = False
) -> GateResult:
    """Judge the head (a commit; with `worktree`, the work tree) by the merge base's settings.

    `config` locates the repository; what judges the PR (policy, rules, paths,
    schemas, templates, the pytest and judge config) is read from the merge
    base, so a PR cannot relax what judges it.
    """
    head_ref = head or "HEAD"
    with (
        open_repo(config.root) as repo,
        tempfile.TemporaryDirectory(prefix="incidentkit-gate-") as tmp,
    ):
        scratch = Path(tmp)
        base_sha = repo.resolve(base, "base ref")
        head_sha = repo.resolve(head_ref, "head ref")
        if worktree and head_ref != "HEAD":
            raise UsageError("--worktree previews the checked-out work tree; leave out --head")
        fork = merge_base(repo, base_sha, head_sha)
        judged = _settings_at(repo, fork, scratch / "settings")
        folders = [judged.incidents_dir, judged.postmortems_dir, judged.evals_dir]
        walk: FolderScan | None = None  # the head's walk, when made in place
        if worktree:
            judged = replace(judged, root=config.root)
            changes = changed_files(repo, fork, None, folders)
        else:
            # The head's pytest config too: it takes over after merge, so a test
            # must be collected under it as well as under the merge base's.
            paths = [*folders, PYPROJECT, *pytest_config_paths(judged.evals_dir)]
            walk = _work_tree_walk(repo, head_sha, paths, replace(judged, root=config.root))
            if walk is not None:
                judged = replace(judged, root=config.root)
            else:
                export_tree(repo, head_sha, paths, scratch / "head")
                judged = replace(judged, root=scratch / "head")
            changes = changed_files(repo, fork, head_sha, folders)
        notices = settings_changes(repo, fork, None if worktree else head_sha, judged, config.root)
        head_settings = config.root if worktree else scratch / "head-settings"
        if not worktree:
            head_settings.mkdir()
            export_tree(repo, head_sha, [PYPROJECT], head_settings)
        broken = _broken_settings(head_settings)
        if not worktree and head_ref == "HEAD":
            notices += _uncommitted(repo, folders)
        view = _base_view(repo, judged, base_sha, fork, changes, scratch / "merge-base")
        if base_sha != fork:
            view = _with_base_tip(repo, judged, base_sha, view, changes, scratch / "base-tip")
        # One lint pass, through the lint cache of this repository (an exported
        # head is answered from it by content), hands over the records too.
        cache = LintCache.open(judged, home=config.root)
        records, lint = lint_and_load(judged, now, cache=cache, scan=walk)
        findings, touched = _evaluate(records, changes, view, now, lint)
        waivers = waiver_changes(records, view.incidents_at_merge_base, changes)
        findings += waiver_findings(waivers, os.environ) + broken
    return GateResult(
        base,
        base_sha,
        head_ref,
        head_sha,
        fork,
        changes,
        touched,
        sorted(set(findings)),
        sorted(set(notices)),
        worktree,
        waivers,
    )


def _work_tree_walk(
    repo: GitRepo, commit: str, paths: list[str], in_place: Config
) -> FolderScan | None:
    """The work tree's walk when the records of `commit` may be read where they are
    checked out: git says the work tree holds exactly its files under `paths`
    (`git/checkout.py`), and every file the walk would read is one of them (an empty
    folder named like a record is not). None: export the commit."""
    files = checked_out_files(repo, commit, paths)
    if files is None:
        return None
    scan = scan_folders(in_place)
    read = [*scan.record_names, *scan.python_names, *(stray.path for stray in scan.strays)]
    return scan if all(path in files for path in read) else None


def _settings_at(repo: GitRepo, commit: str, dest: Path) -> Config:
    """The config, schemas, templates and pytest config as they are in `commit`."""
    dest.mkdir(parents=True)
    export_tree(repo, commit, [PYPROJECT, *PYTEST_FILES], dest)
    try:
        config = load_config_at(dest, check_paths=False)
    except ConfigError as exc:
        raise ConfigError(
            f"the merge base's [tool.incidentkit] cannot be read, and it is what judges this "
            f"PR: {str(exc).replace(str(dest), '<merge base>')}"
        ) from None
    nested = pytest_config_paths(config.evals_dir)
    export_tree(repo, commit, [config.schemas_dir, config.templates_dir, *nested], dest)
    return replace(config, settings_root=dest)


def _broken_settings(root: Path) -> list[Finding]:
    """A blocking finding when the head's [tool.incidentkit] would not load after merge."""
    try:
        load_config_at(root, check_paths=False)
    except ConfigError as exc:
        return [
            Finding(
                PYPROJECT,
                1,
                1,
                SETTINGS_INVALID,
                Level.ERROR,
                f"after merge every command would stop: {str(exc).replace(str(root) + '/', '')}",
                "fix [tool.incidentkit] in pyproject.toml (`incidentkit lint` reads it)",
            )
        ]
    return []


def _uncommitted(repo: GitRepo, folders: list[str]) -> list[Finding]:
    return [
        Finding(
            path,
            1,
            1,
            UNCOMMITTED,
            Level.WARNING,
            "not part of this check: this file is not committed (the gate judges the commit)",
            "commit it, or preview the work tree with `incidentkit gate --worktree`",
        )
        for path in uncommitted(repo, folders)
    ]


def _base_view(
    repo: GitRepo, config: Config, base_sha: str, fork: str, changes: list[Change], dest: Path
) -> _BaseView:
    numbered = [config.incidents_dir, config.postmortems_dir]
    # IDs from file names: the `id-filename` rule keeps them equal to the
    # front matter, and names come from one `ls-tree` without reading blobs.
    on_base = _ids_by_name(list_files(repo, base_sha, numbered), config)
    at_fork = _ids_by_name(list_files(repo, fork, numbered), config)
    old_paths = sorted({c.base_path for c in changes if c.base_path and c.status != "added"})
    dest.mkdir(parents=True)
    for start in range(0, len(old_paths), _CHUNK):  # exact paths as pathspecs; keep argv short
        export_tree(repo, fork, old_paths[start : start + _CHUNK], dest)
    before = _records_at(replace(config, root=dest), old_paths)
    return _BaseView(
        on_base,
        at_fork,
        before.cases,
        {i.path: i for i in before.incidents},
    )


def _with_base_tip(
    repo: GitRepo, config: Config, base_sha: str, view: _BaseView, changes: list[Change], dest: Path
) -> _BaseView:
    """`view` with the base tip's versions of the incidents this PR touches (its incident
    files, and those its changed cases linked at the merge base) and the tip's policy."""
    try:
        tip_policy: Policy | None = _settings_at(repo, base_sha, dest / "settings").policy
    except ConfigError:
        tip_policy = None  # the merge base's settings still judge; the tip cannot add to them
    names = _ids_by_name([c.head_path or c.base_path or "" for c in changes], config)
    ids = set(names) | {i for case in view.cases_at_merge_base for i in case.incidents}
    paths = sorted({view.ids_on_base[i] for i in ids if i in view.ids_on_base})
    (dest / "tree").mkdir(parents=True)
    for start in range(0, len(paths), _CHUNK):
        export_tree(repo, base_sha, paths[start : start + _CHUNK], dest / "tree")
    tip = _records_at(replace(config, root=dest / "tree"), paths)
    return replace(
        view,
        incidents_at_base_tip={i.id: i for i in tip.incidents if i.id},
        policy_at_base_tip=tip_policy,
    )


def _records_at(config: Config, paths: list[str]) -> RecordSet:
    """The records of some files of a tree laid out at `config.root`."""
    kinds: list[tuple[Path, Kind]] = []
    python: list[Path] = []
    for path in paths:
        file = config.root / path
        if not file.exists() and not file.is_symlink():
            continue
        kind = _kind_of(path, config)
        if kind == "eval" and path.endswith(".py"):
            python.append(file)
        elif kind is not None and (kind != "eval" or path.endswith((".yaml", ".yml"))):
            kinds.append((file, kind))
    records = load_repository(config, kinds)
    collection = pytest_collection(config.settings, config.evals_dir)
    for file in python:
        records.cases.extend(scan_python(config.root, file, collection, config.evals_dir)[0])
    return records


def _kind_of(path: str, config: Config) -> Kind | None:
    for folder, kind in (
        (config.incidents_dir, "incident"),
        (config.postmortems_dir, "postmortem"),
        (config.evals_dir, "eval"),
    ):
        if path.startswith(folder.rstrip("/") + "/"):
            return kind  # type: ignore[return-value]
    return None


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
    base_path_of = {c.head_path: c.base_path for c in changes if c.head_path}
    findings: list[Finding] = []
    blocked: set[str] = set()
    tip_policy = view.policy_at_base_tip

    def base_of(incident: Incident) -> Incident | None:
        old = base_path_of.get(incident.path)
        return view.incidents_at_merge_base.get(old) if old else None

    def needs(incident: Incident | None) -> bool:
        """Policy demands cases, by the merge base's policy or the base tip's."""
        if incident is None:
            return False
        return needs_cases(incident, policy) or (
            tip_policy is not None and needs_cases(incident, tip_policy)
        )

    def needs_verification(incident: Incident | None) -> bool:
        if incident is None:
            return False
        return policy.needs_verification(incident.severity) or (
            tip_policy is not None and tip_policy.needs_verification(incident.severity)
        )

    direct: dict[str, tuple[Incident, str]] = {
        i.id: (i, status_of[i.path]) for i in records.incidents if i.id and i.path in touched_paths
    }
    for incident, _ in direct.values():
        before = base_of(incident)
        if incident.waiver:
            continue
        moved = _since_moved(incident, before, policy)
        if moved is not None:
            blocked.add(incident.id)
            findings.append(moved)
        tip = view.incidents_at_base_tip.get(incident.id)
        if not needs(incident) and not needs(before) and not needs(tip):
            continue
        cases = links.get(incident.id, [])
        counting = counting_cases(cases, config, incident)
        if not counting:
            blocked.add(incident.id)
            findings.append(_no_case(incident, before, cases, config))
        elif needs_verification(incident) or needs_verification(before) or needs_verification(tip):
            for case in counting:
                if not case.verified:
                    blocked.add(incident.id)
                    findings.append(_unverified(case, incident))

    for case in records.cases:
        if case.path not in touched_paths or case_count(case, config).reason is not None:
            continue
        for incident_id in case.incidents:
            linked = by_id.get(incident_id)
            if (
                linked is None
                or case_count(case, config, linked).reason is not None
                or incident_id in direct
                or linked.waiver
                or not needs_cases(linked, policy)
                or not policy.needs_verification(linked.severity)
                or case.verified
            ):
                continue
            blocked.add(incident_id)
            findings.append(_unverified(case, linked))

    # What the merge base covered, whatever the head says about the incident now.
    covered_before: dict[str, Incident] = {i.id: i for i in records.incidents if i.id}
    changed_incidents = {c.base_path for c in changes if c.base_path}
    for path, base_version in view.incidents_at_merge_base.items():
        if path in changed_incidents and base_version.id:
            covered_before[base_version.id] = base_version
    for change in changes:
        gone = view.incidents_at_merge_base.get(change.path) if change.status == "deleted" else None
        if (
            gone is not None
            and gone.id
            and gone.id not in by_id
            and gone.id not in blocked
            and needs_cases(gone, policy)
            and not gone.waiver
        ):
            blocked.add(gone.id)
            findings.append(_incident_deleted(gone))

    removed = link_graph(view.cases_at_merge_base)
    deleted_paths = {c.path for c in changes if c.status == "deleted"}
    for incident_id, old_cases in removed.items():
        old = covered_before.get(incident_id)
        tip = view.incidents_at_base_tip.get(incident_id)
        if old is not None and not needs(old) and tip is not None and not tip.waiver:
            old = tip  # the base branch re-rated it after this branch was made
        if old is None or old.waiver or not needs(old) or incident_id in blocked:
            continue
        now_incident = by_id.get(incident_id) or old
        old_counting = counting_cases(old_cases, config, old)
        if old_counting and not counting_cases(links.get(incident_id, []), config, now_incident):
            blocked.add(incident_id)
            findings.append(
                _last_case_removed(
                    old if old is tip else (by_id.get(incident_id) or old),
                    old_counting,
                    deleted_paths,
                    config,
                )
            )

    findings += _collisions(records, changes, view, blocked)

    for finding in (lint or run_lint(records, now)).findings:
        # one lint pass; filtering afterwards is what run_lint(only=...) does
        if finding.level is Level.ERROR and (
            finding.path in touched_paths or finding.rule in WHOLE_REPOSITORY_RULES
        ):
            findings.append(finding)
            blocked.update(i.id for i in records.incidents if i.path == finding.path)

    return sorted(set(findings)), _touched(records, changes, direct, removed, blocked, view, now)


def _since_moved(incident: Incident, before: Incident | None, policy: Policy) -> Finding | None:
    """A PR that moves `detected_at` before `policy.since`, out of policy's reach."""
    if before is None or policy.since is None:
        return None
    if not needs_cases(before, policy) or needs_cases(incident, policy):
        return None
    if incident.detected_at is None or utc(incident.detected_at).date() >= policy.since:
        return None
    line, column = incident.doc.at(("detected_at",))
    return Finding(
        incident.path,
        line,
        column,
        SINCE_MOVED,
        Level.ERROR,
        f"this PR moves {incident.id}'s detected_at before policy.since ({policy.since}), "
        f"which would exempt it from the regression policy (it was {before.detected_at})",
        "keep the detection time, or add a reviewed `regression_waiver: {reason, approved_by}` "
        "saying why the incident is exempt",
    )


def _incident_deleted(old: Incident) -> Finding:
    line, column = old.doc.at(("id",))
    return Finding(
        old.path,
        line,
        column,
        INCIDENT_DELETED,
        Level.ERROR,
        f"this PR deletes {old.id} ({old.severity}, {old.status}), an incident the regression "
        "policy covers at the base",
        "restore the file: incident records are history; one filed in error stays, with a "
        "reviewed `regression_waiver` that says so",
    )


def _no_case(
    incident: Incident, before: Incident | None, cases: list[EvalCase], config: Config
) -> Finding:
    line, column = incident.doc.at(("id",))
    lowered = ""
    if before is not None and not needs_cases(incident, config.policy):
        lowered = (
            f"; judged as at the merge base ({before.severity}, {before.status}, detected "
            f"{before.detected_at}): this PR takes it out of policy while it has no case that counts"
        )
    reasons = [f"{c.id} ({c.path}): {case_count(c, config, incident).reason}" for c in cases]
    elsewhere = f"; its linked cases do not count: {'; '.join(reasons)}" if reasons else ""
    return Finding(
        incident.path,
        line,
        column,
        NO_CASE,
        Level.ERROR,
        f"{incident.id} ({incident.severity}, {incident.status}) has no linked eval case that "
        f"counts{elsewhere}{lowered}; policy requires one that runs and checks something",
        ("make a linked case count (the reasons above), or " if reasons else "")
        + f"add a case under {config.evals_dir}/<tier>/ with `incidents: [{incident.id}]` in this "
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
                f"{record.id} is already taken on the base branch by {other}, "
                + (
                    "which held it before this branch was created"
                    if view.ids_at_merge_base.get(record.id) is not None
                    else "added there after this branch was created"
                ),
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
    view: _BaseView,
    now: datetime,
) -> list[TouchedIncident]:
    base_path = {c.head_path: c.base_path for c in changes if c.head_path}
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
        cov = incident_coverage(
            incident, links.get(incident_id, []), records.config, None, False, now
        )
        old_path = base_path.get(incident.path)
        before = view.incidents_at_merge_base.get(old_path) if old_path else None
        needs = cov.needs_cases or (before is not None and needs_cases(before, policy))
        if incident_id in blocked:
            verdict = "blocked"
        elif cov.waived and needs:
            verdict = "waived"
        elif not needs:
            verdict = "not required"
        elif cov.policy_met:
            verdict = "pass"
        else:
            verdict = "unmet before this PR"  # not changed here; `coverage --check` reports it
        out.append(TouchedIncident(incident, change, cov, verdict))
    return out
