"""Small Markdown/HTML pieces the pages share: badges, tables, filters, facts boxes.

Each takes already-escaped Markdown (from `html.md`) or escapes what it is
given; none reads records itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from incidentkit.site import urls
from incidentkit.site.html import esc, md, sort_key

SEVERITY_RANK = {"S1": 1, "S2": 2, "S3": 3, "S4": 4}


def severity_badge(severity: str | None) -> str:
    if not severity:
        return "—"
    klass = urls.slug(severity.lower())
    rank = SEVERITY_RANK.get(severity, 9)
    return sort_key(f'<span class="ik-badge ik-sev-{klass}">{esc(severity)}</span>', rank)


def status_badge(status: str | None) -> str:
    if not status:
        return "—"
    return f'<span class="ik-badge ik-status-{urls.slug(status)}">{esc(status)}</span>'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], table_id: str | None = None
) -> str:
    """A Markdown table in a wrapper that `tables.js` makes sortable (cells are Markdown)."""
    lines = [
        "| " + " | ".join(md(h) for h in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    count = 0
    for row in rows:
        lines.append("| " + " | ".join(cell or " " for cell in row) + " |")
        count += 1
    if not count:
        return "_None._\n"
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return f'<div class="ik-table"{ident} markdown="1">\n\n' + "\n".join(lines) + "\n\n</div>\n"


def filters(table_id: str, selects: Sequence[tuple[str, int, Sequence[str]]]) -> str:
    """Filter controls for a table: (label, column index, values) selects and a text box."""
    parts = [f'<div class="ik-filters" data-table="{esc(table_id)}">']
    for label, column, values in selects:
        options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
        parts.append(
            f'<label>{esc(label)} <select data-column="{column}">'
            f'<option value="">all</option>{options}</select></label>'
        )
    parts.append(
        '<label>Text <input type="search" data-text="1" placeholder="Filter rows"></label>'
        '<span class="ik-count" aria-live="polite"></span>'
    )
    parts.append("</div>")
    return "\n" + "".join(parts) + "\n"


def facts(rows: Iterable[tuple[str, str]]) -> str:
    """A definition-list box of label -> value (values are escaped HTML already)."""
    items = "".join(f"<dt>{esc(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f'\n<dl class="ik-facts">{items}</dl>\n'


def figure(label: str, value: str, note: str = "", klass: str = "") -> str:
    """One headline number on the dashboard (value and note are escaped HTML)."""
    extra = f" {klass}" if klass else ""
    note_html = f'<span class="ik-figure-note">{note}</span>' if note else ""
    return (
        f'<div class="ik-figure{extra}"><span class="ik-figure-label">{esc(label)}</span>'
        f'<span class="ik-figure-value">{value}</span>{note_html}</div>'
    )


def figures(items: Iterable[str]) -> str:
    return '\n<div class="ik-figures">' + "".join(items) + "</div>\n"


def id_link(from_uri: str, to_uri: str | None, text: str) -> str:
    """A link to a generated page, or the escaped text when there is no such page."""
    return urls.link(from_uri, to_uri, text) if to_uri else md(text)


def values(items: Iterable[str]) -> str:
    return ", ".join(md(v) for v in items) or "—"
