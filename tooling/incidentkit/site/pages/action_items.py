"""`/action-items/`: every action item across post-mortems, by owner and due date, overdue first."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit import metrics
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading
from incidentkit.site.pages.incidents import left_out_notice
from incidentkit.site.pages.postmortems import ITEM_COLUMNS, action_item_row
from incidentkit.site.widgets import Column, filters, table

COLUMNS = (ITEM_COLUMNS[0], Column("Post-mortem", secondary=True), *ITEM_COLUMNS[1:])


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.ACTION_ITEMS, page(site)


def page(site: SiteData) -> GeneratedPage:
    here = site.here(urls.ACTION_ITEMS)
    today = site.today
    items = sorted(
        site.action_items,
        key=lambda i: (
            not i.is_overdue(today),  # overdue first
            not i.is_open,  # then the other open ones; closed last
            i.owner or "~",
            i.due or today.replace(year=9999),
            i.global_id,
        ),
    )
    overdue = metrics.overdue(site.action_items, today)
    loads = metrics.action_items_by_owner(site.action_items, today)
    owners = sorted({i.owner or "(unowned)" for i in site.action_items})
    statuses = sorted({i.status for i in site.action_items if i.status})
    return GeneratedPage("Action items", wide=True).add(
        left_out_notice(site),
        f"{len(site.action_items)} action items, {len(overdue)} overdue "
        f"(as of {today.isoformat()}). Overdue first, then open, by owner and due date.",
        Heading("By owner"),
        table(
            ("Owner", "Open", "Overdue", "Done", "Total"),
            ([o.owner, str(o.open), str(o.overdue), str(o.done), str(o.total)] for o in loads),
        ),
        Heading("All items"),
        filters("action-items", [("Owner", 3, owners), ("Status", 5, statuses)]),
        table(
            COLUMNS,
            (action_item_row(site, here, item, True) for item in items),
            table_id="action-items",
        ),
    )
