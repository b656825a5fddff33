"""`/postmortems/` (all post-mortems) and `/postmortems/<ID>/` (one post-mortem)."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from incidentkit.records.model import ActionItem, Postmortem
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading, Here
from incidentkit.site.html import (
    anchor,
    element,
    fmt_date,
    join,
    render_body,
    safe_url,
    sort_key,
    text,
)
from incidentkit.site.pages.incidents import left_out_notice
from incidentkit.site.widgets import NONE, Column, facts, listing, status_badge, table

ITEM_COLUMNS = (
    Column("ID", key=True),
    Column("Description", wide=True),
    Column("Owner"),
    Column("Due"),
    Column("Status"),
    Column("Kind", secondary=True),
)


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.POSTMORTEMS, index(site)
    for pm in site.postmortems:
        yield urls.postmortem(pm.id), postmortem_page(site, pm)


def incident_links(site: SiteData, here: Here, ids: tuple[str, ...]) -> Markup:
    return (
        join(here.link(urls.incident(i) if i in site.incident_ids else None, i) for i in ids)
        or NONE
    )


def index(site: SiteData) -> GeneratedPage:
    here = site.here(urls.POSTMORTEMS)
    rows = [
        [
            here.link(urls.postmortem(pm.id), pm.id),
            pm.title,
            incident_links(site, here, pm.incidents),
            status_badge(pm.status),
            pm.format,
            ", ".join(pm.authors) or "—",
            str(sum(i.is_open for i in pm.action_items)),
        ]
        for pm in site.postmortems
    ]
    columns = (
        Column("ID", key=True),
        Column("Title", wide=True),
        Column("Incidents"),
        Column("Status"),
        Column("Format", secondary=True),
        Column("Authors", secondary=True),
        Column("Open items", secondary=True),
    )
    return GeneratedPage("Post-mortems", wide=True).add(
        left_out_notice(site),
        f"{len(site.postmortems)} post-mortems, newest first.",
        table(columns, rows, table_id="postmortems"),
    )


def item_link(item: ActionItem) -> Markup:
    """` (link)` after an action item's description when its link is a safe URL."""
    if not safe_url(item.link):
        return text(f" (link: {item.link})") if item.link else Markup("")
    return text(" (") + anchor(item.link, "link") + text(")")


def action_item_row(site: SiteData, here: Here, item: ActionItem, with_pm: bool) -> list[object]:
    due: Markup = fmt_date(item.due)
    if item.is_overdue(site.today):
        due = element("span", due + text(" (overdue)"), class_="ik-overdue")
    cells: list[object] = [
        item.global_id if with_pm else item.id,
        text(item.description) + item_link(item),
        item.owner or "(unowned)",
        sort_key(due, item.due.isoformat() if item.due else "9999"),
        status_badge(item.status),
        item.kind or "—",
    ]
    if with_pm:
        cells.insert(1, here.link(urls.postmortem(item.postmortem_id), item.postmortem_id))
    return cells


def source_item(source: str) -> Markup:
    """A source: a link when it is a URL on the allow-list, its text otherwise."""
    return anchor(source, source) if safe_url(source) else text(source)


def postmortem_page(site: SiteData, pm: Postmortem) -> GeneratedPage:
    here = site.here(urls.postmortem(pm.id))
    title = f"{pm.id}: {pm.title}" if pm.title else pm.id
    page = GeneratedPage(title, record=pm.path)
    page.add(
        facts(
            [
                ("Status", status_badge(pm.status)),
                ("Format", pm.format),
                ("Authors", ", ".join(pm.authors) or "—"),
            ]
        ),
        text("Incidents: ") + incident_links(site, here, pm.incidents),
        Heading("Root causes"),
        listing(
            here.link(urls.taxonomy_value("root_cause", c.category), c.category)
            + text(f": {c.description}")
            for c in pm.root_causes
        ),
        Heading("Evaluation gaps"),
        listing(element("strong", g.type) + text(f": {g.description}") for g in pm.evaluation_gaps),
        Heading("Leading indicators"),
        table(
            (Column("Metric"), Column("Threshold"), Column("What it would have shown", wide=True)),
            ([x.metric, x.threshold, x.description] for x in pm.leading_indicators),
        ),
        Heading("Action items"),
        table(ITEM_COLUMNS, (action_item_row(site, here, item, False) for item in pm.action_items)),
        Heading("Success criteria"),
        listing(pm.success_criteria),
    )
    if pm.sources:
        page.add(Heading("Sources"), listing(source_item(s) for s in pm.sources))
    page.add(Heading("Write-up"), render_body(pm.doc.body))
    return page
