"""Putting record text into generated pages safely: escaping, sanitising, formatting.

Every string that comes from a record passes through here before it reaches a
page. Generated pages are Markdown that MkDocs renders, so plain text is both
HTML-escaped and Markdown-escaped (a title like `[x](javascript:...)` must stay
text, not become a link). Record bodies are rendered to HTML here, sanitised
with nh3 and handed to MkDocs as an opaque HTML block, so raw HTML in a body
never reaches the page unfiltered. Nothing here reads files or knows about URLs.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import markdown  # type: ignore[import-untyped]
import nh3

from incidentkit.records.timestamps import utc

# Backslash-escapable punctuation in Python-Markdown (and `|` for tables).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")

# Tags a record body may use: prose, lists, tables, code. No images (they
# would make the page request another host), no forms, no embeds.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "pre": {"class"},
    "span": {"class"},
    "td": {"align"},
    "th": {"align"},
}
# No javascript:, data: or vbscript: links; nh3 drops any other scheme.
_URL_SCHEMES = {"http", "https", "mailto"}
_BODY_EXTENSIONS = ["tables", "sane_lists", "pymdownx.superfences", "pymdownx.highlight"]
_BODY_CONFIG = {"pymdownx.highlight": {"use_pygments": True, "guess_lang": False}}


def esc(value: object) -> str:
    """Text for an HTML context (an element or a quoted attribute)."""
    return html.escape(str(value), quote=True)


def md(value: object) -> str:
    """Text for a Markdown context: Markdown punctuation escaped, then HTML-escaped.

    In this order, so no backslash lands inside an entity: `'` becomes `&#x27;`,
    and escaping its `#` (`&\\#x27;`) would make MkDocs' page title, and with it
    the <title> and the header, show `&amp;#x27;` (escaped twice).
    """
    text = " ".join(str(value).split())  # a newline would end a table row or a heading
    return html.escape(_MD_SPECIAL.sub(r"\\\1", text), quote=True)


def render_body(body: str) -> str:
    """A record's Markdown body as sanitised HTML, wrapped so MkDocs leaves it alone."""
    converter = markdown.Markdown(extensions=_BODY_EXTENSIONS, extension_configs=_BODY_CONFIG)
    rendered = converter.convert(body)
    clean = sanitise(rendered)
    # A blank line before and after makes Python-Markdown treat the block as raw HTML.
    return f'\n<div class="ik-body">\n{clean}\n</div>\n'


def sanitise(fragment: str) -> str:
    """An HTML fragment with every tag, attribute and URL outside the allowlists removed."""
    cleaned: str = nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # A blank line inside the block would end Python-Markdown's raw HTML block early.
    return re.sub(r"\n\s*\n", "\n", cleaned)


def safe_url(url: str | None) -> str | None:
    """An http(s) or mailto URL from a record, or None for anything else (javascript:, data:...)."""
    if not url:
        return None
    scheme = url.split(":", 1)[0].lower().strip() if ":" in url else ""
    return url if scheme in _URL_SCHEMES else None


def fmt_time(moment: datetime | None, approximate: bool = False) -> str:
    """`2026-01-27 10:42 UTC`, with a `~` when the record marks it approximate."""
    if moment is None:
        return "—"
    text = utc(moment).strftime("%Y-%m-%d %H:%M UTC")
    return f"{approx_mark()}{text}" if approximate else text


def fmt_date(day: date | None) -> str:
    return day.isoformat() if day else "—"


def fmt_hours(hours: float | None, approximate: bool = False) -> str:
    """A duration in hours for people: `5.2 h` below two days, `3.4 d` above."""
    if hours is None:
        return "—"
    text = f"{hours:.1f} h" if abs(hours) < 48 else f"{hours / 24:.1f} d"
    return f"{approx_mark()}{text}" if approximate else text


def approx_mark() -> str:
    """The `~` that marks a value derived from an approximate timestamp."""
    return '<span class="ik-approx" title="approximate">~</span>'


def sort_key(text: str, key: object) -> str:
    """A cell whose sort order differs from its text (durations, severities, dates)."""
    return f'<span data-sort="{esc(key)}">{text}</span>'
