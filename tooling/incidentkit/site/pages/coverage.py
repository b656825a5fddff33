"""`/coverage/`: eval cases per incident and tier, verification, waivers, turnaround vs target."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from incidentkit.config import TIERS
from incidentkit.coverage import NO_TIER, IncidentCoverage
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage
from incidentkit.site.html import element, fmt_hours, join, sort_key, text
from incidentkit.site.pages.incidents import left_out_notice
from incidentkit.site.widgets import Column, filters, severity_badge, table


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.COVERAGE, page(site)


def policy_cell(entry: IncidentCoverage) -> Markup:
    if entry.waived:
        return element("span", "waived", class_="ik-badge ik-waived")
    if not entry.needs_cases:
        return text("not required")
    if entry.policy_met:
        return element("span", "met", class_="ik-badge ik-ok")
    return element("span", "missing", class_="ik-badge ik-missing")


def not_counted_cell(entry: IncidentCoverage) -> Markup:
    """The linked cases that do not count toward policy, each with the reason (`counts.py`)."""
    return join((f"{c.case.id}: {c.reason}" for c in entry.not_counting), "; ") or text("—")


def turnaround_cell(entry: IncidentCoverage) -> Markup:
    shown = fmt_hours(entry.turnaround_hours)
    if entry.turnaround_met is True:
        shown += text(" ✓")
    elif entry.turnaround_met is False:
        shown = element("span", shown + text(" (missed)"), class_="ik-overdue")
    key = "" if entry.turnaround_hours is None else f"{entry.turnaround_hours:.4f}"
    return sort_key(shown, key)


def page(site: SiteData) -> GeneratedPage:
    here = site.here(urls.COVERAGE)
    report = site.coverage
    entries = [e for e in report.incidents if e.incident.id in site.incident_ids]
    tiers = list(TIERS) + sorted(
        {t for e in entries for t in e.cases_by_tier if t not in TIERS and t != NO_TIER}
    )
    if any(NO_TIER in e.cases_by_tier for e in entries):
        tiers.append(NO_TIER)
    policy = site.records.config.policy
    columns = [
        Column("Incident", key=True),
        Column("Severity"),
        Column("Policy"),
        *(Column(t, secondary=True) for t in tiers),
        Column("Verified"),
        Column("Turnaround"),
        Column("Waiver", wide=True, secondary=True),
        Column("Not counted", wide=True, secondary=True),
    ]
    rows = [
        [
            here.link(urls.incident(e.incident.id), e.incident.id),
            severity_badge(e.incident.severity),
            policy_cell(e),
            *(str(len(e.cases_by_tier.get(t, []))) for t in tiers),
            f"{e.verified}/{len(e.cases)}",
            turnaround_cell(e),
            f"{e.incident.waiver.reason} ({e.incident.waiver.approved_by})"
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
    return GeneratedPage("Eval coverage", wide=True).add(
        left_out_notice(site),
        f"Policy: {', '.join(policy.regression_severities) or 'no'} incidents need at "
        f"least one linked eval case that runs and checks something; turnaround target "
        f"{policy.turnaround_hours:g} h. "
        f"{len(unmet)} of {len(entries)} incidents do not meet the policy.",
        history_note,
        filters("coverage", [("Policy", 2, ["met", "missing", "waived", "not required"])]),
        table(columns, rows, table_id="coverage"),
    )
