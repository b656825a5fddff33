"""`/coverage/`: eval cases per incident and tier, verification, waivers, turnaround vs target."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.config import TIERS
from incidentkit.coverage import NO_TIER, IncidentCoverage
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import esc, fmt_hours, md, sort_key
from incidentkit.site.widgets import filters, severity_badge, table


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    yield urls.COVERAGE, page(site)


def policy_cell(entry: IncidentCoverage) -> str:
    if entry.waived:
        return '<span class="ik-badge ik-waived">waived</span>'
    if not entry.needs_cases:
        return "not required"
    if entry.policy_met:
        return '<span class="ik-badge ik-ok">met</span>'
    return '<span class="ik-badge ik-missing">missing</span>'


def not_counted_cell(entry: IncidentCoverage) -> str:
    """The linked cases that do not count toward policy, each with the reason (`counts.py`)."""
    return "<br>".join(esc(f"{c.case.id}: {c.reason}") for c in entry.not_counting) or "—"


def turnaround_cell(entry: IncidentCoverage) -> str:
    text = fmt_hours(entry.turnaround_hours)
    if entry.turnaround_met is True:
        text += " ✓"
    elif entry.turnaround_met is False:
        text = f'<span class="ik-overdue">{text} (missed)</span>'
    key = "" if entry.turnaround_hours is None else f"{entry.turnaround_hours:.4f}"
    return sort_key(text, key)


def page(site: SiteData) -> str:
    here = urls.COVERAGE
    report = site.coverage
    entries = [e for e in report.incidents if e.incident.id in site.incident_ids]
    tiers = list(TIERS) + sorted(
        {t for e in entries for t in e.cases_by_tier if t not in TIERS and t != NO_TIER}
    )
    if any(NO_TIER in e.cases_by_tier for e in entries):
        tiers.append(NO_TIER)
    policy = site.records.config.policy
    headers = [
        "Incident",
        "Severity",
        "Policy",
        *tiers,
        "Verified",
        "Turnaround",
        "Waiver",
        "Not counted",
    ]
    rows = [
        [
            urls.link(here, urls.incident(e.incident.id), e.incident.id),
            severity_badge(e.incident.severity),
            policy_cell(e),
            *(str(len(e.cases_by_tier.get(t, []))) for t in tiers),
            f"{e.verified}/{len(e.cases)}",
            turnaround_cell(e),
            md(f"{e.incident.waiver.reason} ({e.incident.waiver.approved_by})")
            if e.incident.waiver
            else "—",
            not_counted_cell(e),
        ]
        for e in entries
    ]
    history_note = (
        "Turnaround is read from git history: detection to the first commit adding a linked case."
        if report.history_available
        else "Git history is not available for this build, so turnaround is only known "
        "for incidents past their target with no case."
    )
    unmet = [e for e in entries if not e.policy_met]
    return "\n".join(
        [
            "# Eval coverage",
            "",
            f"Policy: {esc(', '.join(policy.regression_severities) or 'no')} incidents need at "
            f"least one linked eval case that runs and checks something; turnaround target {policy.turnaround_hours:g} h. "
            f"{len(unmet)} of {len(entries)} incidents do not meet the policy.",
            "",
            history_note,
            filters("coverage", [("Policy", 2, ["met", "missing", "waived", "not required"])]),
            table(headers, rows, table_id="coverage"),
        ]
    )
