"""`incidentkit coverage` output: text, JSON and Markdown renderings of a `CoverageReport`.

The JSON shape is a contract (the reminders workflow reads it): keys are
only ever added.
"""

from __future__ import annotations

import json
from typing import Any

from incidentkit.config import Policy
from incidentkit.counts import CaseCount
from incidentkit.coverage import CoverageReport, GapCoverage, IncidentCoverage
from incidentkit.metrics import format_hours, reproduction_counts
from incidentkit.records.model import EvalCase

FORMATS = ("text", "json", "markdown")


def render(report: CoverageReport, fmt: str, policy: Policy, history_note: str = "") -> str:
    if fmt == "json":
        return json.dumps(to_json(report, policy, history_note), indent=2) + "\n"
    if fmt == "markdown":
        return to_markdown(report, policy, history_note)
    return to_text(report, policy, history_note)


def verdict(c: IncidentCoverage) -> str:
    if not c.needs_cases:
        return "not required"
    if c.waived:
        return "waived"
    return "met" if c.policy_met else "unmet"


def turnaround_label(c: IncidentCoverage, history: bool) -> str:
    hours = format_hours(c.turnaround_hours) if c.turnaround_hours is not None else None
    if c.turnaround_met is False:
        return f"{hours}, over target" if hours else "no case, past target"
    if hours:
        return hours
    if c.cases and not history:
        return "unknown"
    return "no case yet" if not c.cases else "not committed"


def tiers_label(c: IncidentCoverage) -> str:
    """Linked cases per tier; "(N do not count)" when some of them do not."""
    label = ", ".join(f"{tier} {len(cases)}" for tier, cases in c.cases_by_tier.items()) or "none"
    missing = len(c.not_counting)
    return f"{label} ({missing} do not count)" if missing else label


def _case_json(count: CaseCount) -> dict[str, Any]:
    case = count.case
    return {
        "id": case.id,
        "tier": case.tier,
        "path": case.path,
        "line": case.line,
        "verified": case.verified,
        "gap": case.gap,
        "source": case.source,
        "reproduction": _reproduction(case),
        "counts": count.counts,
        "not_counted": count.reason,
        "conditional": count.conditional,
    }


def _reproduction(case: EvalCase) -> dict[str, Any] | None:
    """The recorded `incidentkit reproduce` estimate: runs, failures, failure_rate, agent."""
    counts = reproduction_counts(case)
    if counts is None:
        return None
    failures, runs = counts
    agent = (case.reproduction or {}).get("agent")
    return {
        "runs": runs,
        "failures": failures,
        "failure_rate": round(failures / runs, 4),
        "agent": agent if isinstance(agent, str) else None,
    }


def _incident_json(c: IncidentCoverage) -> dict[str, Any]:
    i = c.incident
    return {
        "id": i.id,
        "severity": i.severity,
        "title": i.title,
        "status": i.status,
        "path": i.path,
        "detected_at": i.detected_at.isoformat() if i.detected_at else None,
        "cases": [_case_json(count) for count in c.counted],
        "counting": [case.id for case in c.counting],
        "cases_by_tier": {
            tier: [case.id for case in cases] for tier, cases in c.cases_by_tier.items()
        },
        "verified": c.verified,
        "policy_met": c.policy_met,
        "needs_cases": c.needs_cases,
        "waived": c.waived,
        "waiver": {"reason": i.waiver.reason, "approved_by": i.waiver.approved_by}
        if i.waiver
        else None,
        "turnaround_hours": round(c.turnaround_hours, 2)
        if c.turnaround_hours is not None
        else None,
        "turnaround_met": c.turnaround_met,
    }


def _gap_json(g: GapCoverage) -> dict[str, Any]:
    return {
        "postmortem": g.postmortem.id,
        "path": g.postmortem.path,
        "incidents": list(g.postmortem.incidents),
        "type": g.gap.type,
        "description": g.gap.description,
        "cases": [case.id for case in g.cases],
        "closed": g.closed,
    }


def to_json(report: CoverageReport, policy: Policy, history_note: str = "") -> dict[str, Any]:
    covered = [c for c in report.incidents if c.needs_cases]
    return {
        "incidents": [_incident_json(c) for c in report.incidents],
        "gaps": [_gap_json(g) for g in report.gaps],
        "history_available": report.history_available,
        "history_note": history_note or None,
        "policy": {
            "turnaround_hours": policy.turnaround_hours,
            "counting_tiers": list(policy.counting_tiers),
            "gaps_must_close": policy.gaps_must_close,
        },
        "summary": {
            "incidents": len(report.incidents),
            "needs_cases": len(covered),
            "policy_met": sum(c.policy_met for c in covered),
            "unmet": len(report.unmet),
            "waived": sum(c.waived for c in covered),
            "turnaround_missed": sum(c.turnaround_met is False for c in report.incidents),
            "gaps": len(report.gaps),
            "gaps_open": len(report.open_gaps),
        },
    }


def _headline(report: CoverageReport, policy: Policy, history_note: str) -> list[str]:
    covered = [c for c in report.incidents if c.needs_cases]
    lines = [
        f"{len(report.incidents)} incident(s); {len(covered)} need regression cases: "
        f"{sum(c.policy_met and not c.waived for c in covered)} met, "
        f"{sum(c.waived for c in covered)} waived, {len(report.unmet)} unmet",
    ]
    if report.history_available:
        lines.append(
            f"turnaround target {policy.turnaround_hours:g} h from detection to the first "
            "commit adding a linked case (read from git history)"
        )
    else:
        lines.append(
            "turnaround unknown: "
            + (history_note or "git history is not available")
            + " (incidents with no case past the target are still flagged)"
        )
    return lines


def to_text(report: CoverageReport, policy: Policy, history_note: str = "") -> str:
    out = _headline(report, policy, history_note)
    out.append("")
    for c in report.incidents:
        i = c.incident
        total = len(c.cases)
        out.append(
            f"{i.id:<15} {i.severity or '?':<3} {verdict(c):<13} cases: {tiers_label(c)}; "
            f"verified {c.verified}/{total}; turnaround {turnaround_label(c, report.history_available)}"
        )
        for case in c.cases:
            rep = _reproduction(case)
            if rep is not None:
                out.append(
                    f"{'':<15} reproduced: {case.id} failed {rep['failures']}/{rep['runs']} "
                    f"({rep['failure_rate']:.0%})" + (f" on {rep['agent']}" if rep["agent"] else "")
                )
        for count in c.counted:
            if count.reason is not None:
                out.append(f"{'':<15} does not count: {count.case.id}: {count.reason}")
            elif count.conditional:
                out.append(f"{'':<15} conditional: {count.case.id}: {count.conditional}")
        if c.waived and i.waiver:
            out.append(f"{'':<15} waived: {i.waiver.reason} (approved by {i.waiver.approved_by})")
        elif not c.policy_met:
            out.append(f"{'':<15} fix: {_fix(c, policy)}")
    if report.gaps:
        out += ["", f"evaluation gaps: {len(report.gaps)}, {len(report.open_gaps)} without cases"]
        for g in report.gaps:
            state = (
                "closed by " + ", ".join(case.id for case in g.cases)
                if g.closed
                else f"open: no linked case has `gap: {g.gap.type}`"
            )
            out.append(f"  {g.postmortem.id:<13} {g.gap.type:<26} {state}")
    return "\n".join(out) + "\n"


def _fix(c: IncidentCoverage, policy: Policy) -> str:
    tiers = " or ".join(f"evals/{t}/" for t in policy.counting_tiers)
    if c.not_counting and not c.counting:
        return (
            "make a linked case count (see why above), or add one that runs and checks "
            f"something under {tiers}, or a reviewed regression_waiver"
        )
    if not c.counting:
        return f"add an eval case under {tiers} with `incidents: [{c.incident.id}]`, or a reviewed regression_waiver"
    return "record `verification` on its cases (`incidentkit verify --write`)"


def _cell(text: object) -> str:
    s = " ".join(str(text).split())
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(report: CoverageReport, policy: Policy, history_note: str = "") -> str:
    head = _headline(report, policy, history_note)
    out = ["# Regression coverage", "", *(f"- {_cell(line)}" for line in head), ""]
    out += [
        "| Incident | Severity | Status | Title | Cases per tier | Verified | Turnaround | Policy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in report.incidents:
        i = c.incident
        out.append(
            f"| `{_cell(i.id)}` | {_cell(i.severity or '?')} | {_cell(i.status or '?')} | "
            f"{_cell(i.title)} | {_cell(tiers_label(c))} | {c.verified}/{len(c.cases)} | "
            f"{_cell(turnaround_label(c, report.history_available))} | {verdict(c)} |"
        )
    waived = [c for c in report.incidents if c.waived and c.incident.waiver]
    if waived:
        out += ["", "## Waivers", "", "| Incident | Reason | Approved by |", "|---|---|---|"]
        for c in waived:
            w = c.incident.waiver
            assert w is not None
            out.append(f"| `{_cell(c.incident.id)}` | {_cell(w.reason)} | {_cell(w.approved_by)} |")
    if report.gaps:
        out += ["", "## Evaluation gaps", "", "| Post-mortem | Gap | Cases |", "|---|---|---|"]
        for g in report.gaps:
            cases = ", ".join(f"`{_cell(c.id)}`" for c in g.cases) or "**none**"
            out.append(f"| `{_cell(g.postmortem.id)}` | {_cell(g.gap.type)} | {cases} |")
    return "\n".join(out) + "\n"
