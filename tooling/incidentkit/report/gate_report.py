"""`incidentkit gate` output: text, JSON, GitHub annotations and the job summary.

The job summary is Markdown for `$GITHUB_STEP_SUMMARY`: the incidents the
PR touches (severity, cases per tier, verification, verdict), the waivers
with reason and approver, and the blocking problems. Text from records is
escaped: a PR cannot inject HTML or break the table.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from incidentkit.gate import GateResult, TouchedIncident
from incidentkit.report.github import annotation, escape_data

FORMATS = ("text", "json", "github")
_ICON = {"pass": "✅", "waived": "⚠️", "blocked": "❌", "not required": ""}


def render(result: GateResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(result), indent=2) + "\n"
    if fmt == "github":
        lines = [
            annotation(f, title=f"incidentkit gate: {f.rule}")
            for f in [*result.findings, *result.notices]
        ]
        return "\n".join([*lines, verdict_line(result)]) + "\n"
    return to_text(result)


def cannot_decide(message: str) -> str:
    """The one workflow command for a gate that could not decide (exit 2)."""
    return f"::error title=incidentkit gate could not decide::{escape_data(message)}\n"


def verdict_line(result: GateResult) -> str:
    # A preview of the work tree must never read like the verdict on a commit.
    where = " [work tree preview, uncommitted files included: not the commit CI judges]"
    where = where if result.worktree else ""
    if result.passed:
        waived = f", {len(result.waived)} waived" if result.waived else ""
        return f"gate: passed ({len(result.incidents)} incident(s) touched{waived}){where}"
    return f"gate: blocked by {len(result.findings)} problem(s){where}"


def _changes_line(result: GateResult) -> str:
    counts = Counter(c.status for c in result.changes)
    parts = [f"{counts[s]} {s}" for s in ("added", "modified", "renamed", "deleted") if counts[s]]
    return f"{len(result.changes)} changed record file(s)" + (
        f": {', '.join(parts)}" if parts else ""
    )


def tiers(t: TouchedIncident) -> str:
    by_tier = t.coverage.cases_by_tier
    return ", ".join(f"{tier} {len(cases)}" for tier, cases in by_tier.items()) or "none"


def verification(t: TouchedIncident) -> str:
    total = len(t.coverage.cases)
    return f"{t.coverage.verified}/{total} verified" if total else "-"


def to_text(result: GateResult) -> str:
    out = [
        f"base {result.base_ref} ({result.base_sha[:12]}), head {result.head_ref} "
        f"({result.head_sha[:12]}), merge base {result.merge_base[:12]}",
        "judged by the merge base's [tool.incidentkit], schemas/, templates/ and pytest config; "
        + (
            "records from the work tree (preview)" if result.worktree else "records from the commit"
        ),
        _changes_line(result),
    ]
    if result.incidents:
        out += ["", "incidents this PR touches:"]
        for t in result.incidents:
            i = t.incident
            out.append(
                f"  {i.id:<15} {i.severity or '?':<3} {t.change:<20} cases: {tiers(t)}; "
                f"{verification(t)}; {t.verdict}"
            )
    if result.waived:
        out += ["", "waived:"]
        for t in result.waived:
            w = t.incident.waiver
            if w is not None:
                out.append(f"  {t.incident.id}: {w.reason} (approved by {w.approved_by})")
    if result.waivers:
        out += ["", "waivers this PR adds or changes (review them):"]
        for wc in result.waivers:
            w = wc.incident.waiver
            if w is not None:
                out.append(
                    f"  {wc.incident.id} ({wc.change}): {w.reason} (approved by {w.approved_by})"
                )
    if result.notices:
        out += ["", "notices (not blocking):"]
        for f in result.notices:
            out.append(f"  {f.path}:{f.line}:{f.column}: {f.message} [{f.rule}]")
            if f.hint:
                out.append(f"      {f.hint}")
    if result.findings:
        out += ["", "blocking:"]
        for f in result.findings:
            out.append(f"  {f.path}:{f.line}:{f.column}: {f.message} [{f.rule}]")
            if f.hint:
                out.append(f"      fix: {f.hint}")
    out += ["", verdict_line(result)]
    return "\n".join(out) + "\n"


def to_json(result: GateResult) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "base": {"ref": result.base_ref, "sha": result.base_sha},
        "head": {"ref": result.head_ref, "sha": result.head_sha},
        "merge_base": result.merge_base,
        "changes": [
            {"status": c.status, "path": c.path, "old_path": c.old_path} for c in result.changes
        ],
        "incidents": [
            {
                "id": t.incident.id,
                "severity": t.incident.severity,
                "status": t.incident.status,
                "title": t.incident.title,
                "path": t.incident.path,
                "change": t.change,
                "cases_by_tier": {
                    tier: [c.id for c in cases] for tier, cases in t.coverage.cases_by_tier.items()
                },
                "counting": [c.id for c in t.coverage.counting],
                "not_counted": [
                    {"id": c.case.id, "path": c.case.path, "reason": c.reason}
                    for c in t.coverage.not_counting
                ],
                "verified": t.coverage.verified,
                "needs_cases": t.coverage.needs_cases,
                "waived": t.coverage.waived,
                "verdict": t.verdict,
            }
            for t in result.incidents
        ],
        "waived": [
            {
                "id": t.incident.id,
                "reason": t.incident.waiver.reason,
                "approved_by": t.incident.waiver.approved_by,
            }
            for t in result.waived
            if t.incident.waiver
        ],
        "findings": [f.as_dict() for f in result.findings],
        "notices": [f.as_dict() for f in result.notices],
        "worktree": result.worktree,
        "waivers_changed": [
            {
                "id": wc.incident.id,
                "path": wc.incident.path,
                "change": wc.change,
                "reason": wc.incident.waiver.reason,
                "approved_by": wc.incident.waiver.approved_by,
                "before": {"reason": wc.before.reason, "approved_by": wc.before.approved_by}
                if wc.before
                else None,
            }
            for wc in result.waivers
            if wc.incident.waiver
        ],
    }


def cell(value: object) -> str:
    s = " ".join(str(value).split())
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("@", "@\u200b")  # no mentions from record text


def summary_markdown(result: GateResult) -> str:
    head = "✅ passed" if result.passed else f"❌ blocked ({len(result.findings)} problem(s))"
    if result.worktree:
        head += " (work tree preview)"
    out = [
        f"## incidentkit gate: {head}",
        "",
        f"Compared `{cell(result.head_sha[:12])}` with the merge base "
        f"`{cell(result.merge_base[:12])}` of `{cell(result.base_ref)}`: {_changes_line(result)}.",
        "",
    ]
    if result.incidents:
        out += [
            "| Incident | Severity | Change | Linked cases per tier | Verification | Verdict |",
            "|---|---|---|---|---|---|",
        ]
        for t in result.incidents:
            out.append(
                f"| `{cell(t.incident.id)}` {cell(t.incident.title)} | "
                f"{cell(t.incident.severity or '?')} | {cell(t.change)} | {cell(tiers(t))} | "
                f"{cell(verification(t))} | {_ICON.get(t.verdict, '')} {cell(t.verdict)} |"
            )
        out.append("")
    else:
        out += ["The PR touches no incident.", ""]
    if result.waived:
        out += ["### Waived", "", "| Incident | Reason | Approved by |", "|---|---|---|"]
        for t in result.waived:
            w = t.incident.waiver
            if w is not None:
                out.append(
                    f"| `{cell(t.incident.id)}` | {cell(w.reason)} | {cell(w.approved_by)} |"
                )
        out.append("")
    if result.waivers:
        out += [
            "### Waivers this PR adds or changes",
            "",
            "Review each one: a waiver exempts an incident from the regression policy.",
            "",
            "| Incident | Change | Reason | Approved by | Before |",
            "|---|---|---|---|---|",
        ]
        for wc in result.waivers:
            w, b = wc.incident.waiver, wc.before
            if w is not None:
                before = f"{b.reason} ({b.approved_by})" if b else "-"
                out.append(
                    f"| `{cell(wc.incident.id)}` | {cell(wc.change)} | {cell(w.reason)} | "
                    f"{cell(w.approved_by)} | {cell(before)} |"
                )
        out.append("")
    if result.notices:
        out += ["### Notices (not blocking)", "", "| Where | Notice |", "|---|---|"]
        for f in result.notices:
            out.append(f"| `{cell(f.path)}` | {cell(f.message)} (`{cell(f.rule)}`) |")
        out.append("")
    if result.findings:
        out += ["### Blocking", "", "| Where | Problem | How to fix |", "|---|---|---|"]
        for f in result.findings:
            out.append(
                f"| `{cell(f.path)}:{f.line}` | {cell(f.message)} (`{cell(f.rule)}`) | {cell(f.hint)} |"
            )
        out.append("")
    return "\n".join(out)


def cannot_decide_markdown(message: str) -> str:
    return f"## incidentkit gate: could not decide\n\n{cell(message)}\n"
