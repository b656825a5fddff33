"""One module per page family, named after the URL it makes.

Each module has `pages(site) -> Iterator[(source path, GeneratedPage)]`; `PAGES`
lists them in the order the plugin runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage
from incidentkit.site.pages import (
    action_items,
    coverage,
    gaps,
    home,
    incidents,
    indicators,
    postmortems,
    taxonomy,
    trends,
)

Page = tuple[str, GeneratedPage]
PageFamily = Callable[[SiteData], Iterator[Page]]

PAGES: dict[str, PageFamily] = {
    "home": home.pages,  # /
    "incidents": incidents.pages,  # /incidents/ and /incidents/<ID>/
    "postmortems": postmortems.pages,  # /postmortems/ and /postmortems/<ID>/
    "action_items": action_items.pages,  # /action-items/
    "indicators": indicators.pages,  # /indicators/
    "gaps": gaps.pages,  # /gaps/
    "coverage": coverage.pages,  # /coverage/
    "trends": trends.pages,  # /trends/
    "taxonomy": taxonomy.pages,  # /taxonomy/, /tags/, /severity/..., /failure-modes/...
}
