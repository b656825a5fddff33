"""Small HTML pieces the pages share: badges, tables, filters, facts boxes, notices.

Each escapes what it is given unless it is `Markup` built in `html.py` or
here; none reads records itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from incidentkit.site import urls
from incidentkit.site.html import element, join, sort_key, text

SEVERITY_RANK = {"S1": 1, "S2": 2, "S3": 3, "S4": 4}
NONE = Markup("—")


def badge(kind: str, value: str | None) -> Markup:
    """A coloured label; its class comes from a slug of the value, its text is escaped."""
    if not value:
        return NONE
    return element("span", value, class_=f"ik-badge ik-{kind}-{urls.slug(value.lower())}")


def severity_badge(severity: str | None) -> Markup:
    if not severity:
        return NONE
    return sort_key(badge("sev", severity), SEVERITY_RANK.get(severity, 9))


def status_badge(status: str | None) -> Markup:
    return badge("status", status)


@dataclass(frozen=True)
class Column:
    """A table column. `wide`: prose that must not wrap word by word;
    `secondary`: hidden on narrow screens (the table still scrolls);
    `key`: a short identifier that never wraps (`INC-2026-0001`)."""

    name: str
    wide: bool = False
    secondary: bool = False
    key: bool = False

    @property
    def css(self) -> str | None:
        flags = (("ik-wide", self.wide), ("ik-2nd", self.secondary), ("ik-key", self.key))
        return " ".join(c for c, on in flags if on) or None


def table(
    columns: Sequence[str | Column],
    rows: Iterable[Sequence[object]],
    table_id: str | None = None,
    empty: str = "None.",
) -> Markup:
    """An HTML table in a scrolling wrapper that `tables.js` makes sortable.

    Cells are escaped unless they are `Markup`.
    """
    cols = [c if isinstance(c, Column) else Column(c) for c in columns]
    # Every part is Markup from `element`, so plain `str.join` (no per-item escape
    # check) is safe; tables of 10k rows are the bulk of a large site.
    body = [
        element(
            "tr",
            Markup(
                "".join(
                    element("td", cell, class_=c.css) for c, cell in zip(cols, row, strict=True)
                )
            ),
        )
        for row in rows
    ]
    if not body:
        return element("p", Markup(element("em", empty)))
    head = element("tr", Markup("\n".join(element("th", c.name, class_=c.css) for c in cols)))
    inner = element("table", element("thead", head) + element("tbody", Markup("\n".join(body))))
    return element("div", inner, class_="ik-table", id=table_id)


def filters(table_id: str, selects: Sequence[tuple[str, int, Sequence[str]]]) -> Markup:
    """Filter controls for a table: (label, column index, values) selects and a text box.

    Left out of the search index: a list of every value is not page text.
    """
    parts = []
    for label, column, values in selects:
        options = element("option", "all", value="") + Markup("").join(
            element("option", v, value=v) for v in values
        )
        parts.append(
            element(
                "label", text(label) + Markup(" ") + element("select", options, data_column=column)
            )
        )
    parts.append(
        Markup(
            '<label>Text <input type="search" data-text="1" placeholder="Filter rows"></label>'
            '<span class="ik-count" aria-live="polite"></span>'
        )
    )
    return element(
        "div",
        Markup("").join(parts),
        class_="ik-filters",
        data_table=table_id,
        data_search_exclude="",
    )


def facts(rows: Iterable[tuple[str, object]]) -> Markup:
    """A definition-list box of label -> value.

    Hidden separators keep the search index's text readable ("Severity: S1 · Status: ...").
    """
    items = Markup("\n").join(
        element("dt", text(label) + Markup('<span class="ik-sep">:</span>'))
        + Markup(" ")
        + element("dd", text(value) + Markup('<span class="ik-sep"> ·</span>'))
        for label, value in rows
    )
    return element("dl", items, class_="ik-facts")


def figure(label: str, value: object, note: object = "", klass: str = "") -> Markup:
    """One headline number on the dashboard."""
    parts = (
        element("span", label, class_="ik-figure-label")
        + Markup(" ")
        + element("span", value, class_="ik-figure-value")
    )
    if note:
        parts += Markup(" ") + element("span", note, class_="ik-figure-note")
    return element("div", parts, class_=f"ik-figure {klass}".strip())


def figures(items: Iterable[Markup]) -> Markup:
    return element("div", Markup("\n").join(items), class_="ik-figures")


def values(items: Iterable[object]) -> Markup:
    return join(items) or NONE


def listing(items: Iterable[object], empty: str = "None recorded.") -> Markup:
    """A bulleted list (items escaped unless Markup), or a sentence when there is none."""
    lis = [element("li", item) for item in items]
    return element("ul", Markup("").join(lis)) if lis else element("p", empty)


def notice(title: str, lines: Sequence[object]) -> Markup:
    """A warning box (Material's admonition look, built here: it needs no extension)."""
    if not lines:
        return Markup("")
    body = element("p", title, class_="admonition-title") + listing(lines)
    return element("div", body, class_="admonition warning ik-notice")
