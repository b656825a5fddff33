"""`/postmortems/` (all post-mortems) and `/postmortems/<ID>/` (one post-mortem)."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.records.model import ActionItem, Postmortem
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import esc, fmt_date, md, render_body, safe_url, sort_key
from incidentkit.site.widgets import facts, id_link, status_badge, table


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    yield urls.POSTMORTEMS, index(site)
    for pm in site.postmortems:
        yield urls.postmortem(pm.id), postmortem_page(site, pm)


def incident_links(site: SiteData, here: str, ids: tuple[str, ...]) -> str:
    return (
        ", ".join(
            id_link(here, urls.incident(i) if i in site.incident_ids else None, i) for i in ids
        )
        or "—"
    )


def index(site: SiteData) -> str:
    here = urls.POSTMORTEMS
    rows = [
        [
            urls.link(here, urls.postmortem(pm.id), pm.id),
            md(pm.title),
            incident_links(site, here, pm.incidents),
            status_badge(pm.status),
            md(pm.format),
            md(", ".join(pm.authors)),
            str(sum(i.is_open for i in pm.action_items)),
        ]
        for pm in site.postmortems
    ]
    headers = ("ID", "Title", "Incidents", "Status", "Format", "Authors", "Open items")
    return "\n".join(
        [
            "# Post-mortems",
            "",
            f"{len(site.postmortems)} post-mortems, newest first.",
            "",
            table(headers, rows, table_id="postmortems"),
        ]
    )


def action_item_row(site: SiteData, here: str, item: ActionItem, with_pm: bool) -> list[str]:
    overdue = item.is_overdue(site.today)
    due = fmt_date(item.due)
    if overdue:
        due = f'<span class="ik-overdue">{due} (overdue)</span>'
    link = safe_url(item.link)
    cells = [
        md(item.global_id if with_pm else item.id),
        md(item.description) + (f' (<a href="{esc(link)}">link</a>)' if link else ""),
        md(item.owner or "(unowned)"),
        sort_key(due, item.due.isoformat() if item.due else "9999"),
        status_badge(item.status),
        md(item.kind or "—"),
    ]
    if with_pm:
        cells.insert(1, urls.link(here, urls.postmortem(item.postmortem_id), item.postmortem_id))
    return cells


def postmortem_page(site: SiteData, pm: Postmortem) -> str:
    here = urls.postmortem(pm.id)
    title = f"{pm.id}: {pm.title}" if pm.title else pm.id
    parts = [
        f"# {md(title)}",
        "",
        facts(
            [
                ("Status", status_badge(pm.status)),
                ("Format", esc(pm.format)),
                ("Authors", esc(", ".join(pm.authors) or "—")),
            ]
        ),
        "",
        f"Incidents: {incident_links(site, here, pm.incidents)}",
        "",
        "## Root causes",
        "",
    ]
    parts += [
        f"- {urls.link(here, urls.taxonomy_value('root_cause', c.category), c.category)}: "
        f"{md(c.description)}"
        for c in pm.root_causes
    ] or ["None recorded."]
    parts += ["", "## Evaluation gaps", ""]
    parts += [f"- **{md(g.type)}**: {md(g.description)}" for g in pm.evaluation_gaps] or [
        "None recorded."
    ]
    parts += ["", "## Leading indicators", ""]
    parts.append(
        table(
            ("Metric", "Threshold", "What it would have shown"),
            ([md(x.metric), md(x.threshold), md(x.description)] for x in pm.leading_indicators),
        )
    )
    parts += ["", "## Action items", ""]
    parts.append(
        table(
            ("ID", "Description", "Owner", "Due", "Status", "Kind"),
            (action_item_row(site, here, item, False) for item in pm.action_items),
        )
    )
    parts += ["", "## Success criteria", ""]
    parts += [f"- {md(c)}" for c in pm.success_criteria] or ["None recorded."]
    sources = [(s, safe_url(s)) for s in pm.sources]
    if sources:
        parts += ["", "## Sources", ""]
        parts += [
            f'- <a href="{esc(url)}">{esc(s)}</a>' if url else f"- {md(s)}" for s, url in sources
        ]
    parts += ["", "## Write-up", "", render_body(pm.doc.body)]
    return "\n".join(parts)
