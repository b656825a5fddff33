"""Putting record text into generated pages safely: redacting, escaping, linking, sanitising.

Every string that comes from a record passes through here before it reaches a
page, and never through Markdown: pages are built as HTML (`markupsafe.Markup`),
so a value is escaped unless it is already `Markup` built here. Text is
redacted first (`publishing.redact`): what the `secrets` and `personal-data`
rules flag is never published. Links from records get an anchor only when
their URL passes a scheme allow-list (http, https, mailto, or a path);
record bodies are rendered with a fixed set of Markdown extensions and
sanitised with nh3, whose allow-lists admit nothing that makes the theme
load or run code (no `id`, no `style`, no `class` but Pygments' own).
Nothing here reads files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache

import markdown  # type: ignore[import-untyped]
import nh3
from markupsafe import Markup, escape
from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]

from incidentkit.metrics import format_hours
from incidentkit.publishing import redact
from incidentkit.records.timestamps import utc

Html = Markup

# Tags a record body may use: prose, lists, tables, code. No images (they
# would make the page request another host), no forms, no embeds.
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
# Only the classes Pygments writes for highlighted code: a class such as
# `mermaid`, `arithmatex` or `annotate` makes Material load or run code.
_PYGMENTS = {c for c in STANDARD_TYPES.values() if c} | {"highlight", "hll"}
_CLASSES = {"div": {"highlight"}, "span": _PYGMENTS | {"filename"}, "pre": set(), "code": set()}
_URL_SCHEMES = {"http", "https", "mailto"}
_BODY_EXTENSIONS = ["tables", "sane_lists", "pymdownx.superfences", "pymdownx.highlight"]
_BODY_CONFIG = {"pymdownx.highlight": {"use_pygments": True, "guess_lang": False}}

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_BROWSER_DROPS = re.compile(r"[\t\n\r]")  # removed anywhere in a URL before it is parsed
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


# Within one build (`one_build`), each distinct string is redacted and escaped
# once: titles, dates and IDs appear on many pages, and at 10k incidents they
# outnumber `redact`'s own bounded cache, so every appearance ran the detectors.
_PUBLISHED: ContextVar[dict[str, Markup] | None] = ContextVar("incidentkit_published", default=None)


@contextmanager
def one_build() -> Iterator[None]:
    """Remember `text`'s results until the block ends (the redaction allowances must not change)."""
    token = _PUBLISHED.set({})
    try:
        yield
    finally:
        _PUBLISHED.reset(token)


def text(value: object) -> Markup:
    """Record text for any HTML context (element or quoted attribute): redacted, escaped."""
    if isinstance(value, Markup):
        return value
    raw = str(value)
    memo = _PUBLISHED.get()
    if memo is None:
        return escape(redact(raw))
    found = memo.get(raw)
    if found is None:
        found = memo[raw] = escape(redact(raw))
    return found


def join(parts: Iterable[object], separator: str = ", ") -> Markup:
    """Parts joined; plain strings among them are escaped."""
    return Markup(escape(separator)).join(text(p) for p in parts)


def element(tag: str, content: object = "", **attributes: object) -> Markup:
    """`<tag attr="value">content</tag>`; attribute values and plain content are escaped.

    An attribute named with a trailing underscore (`class_`) loses it.
    """
    # Plain string building: `Markup.format` runs Python's `string.Formatter`,
    # which was a third of page generation on a 10k-incident site. Tag and
    # attribute names come from this package; every value goes through `text`.
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{text(value)}"'
        for name, value in attributes.items()
        if value is not None
    )
    return Markup(f"<{tag}{attrs}>{text(content)}</{tag}>")


def safe_url(url: str | None, *, relative: bool = True) -> str | None:
    """The URL a link may point to, or None: http(s), mailto, or (if `relative`) a path.

    Checked the way a browser reads it (tabs and newlines dropped, control
    characters and spaces trimmed), so `java\\tscript:` or ` javascript:` are
    refused like `javascript:`; entities stay text because the value is
    escaped afterwards. A value with whitespace inside is prose, not a URL.
    """
    if not url:
        return None
    cleaned = _BROWSER_DROPS.sub("", redact(url)).strip(_C0_AND_SPACE)
    if not cleaned or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in cleaned):
        return None
    scheme = _SCHEME.match(cleaned)
    if scheme:
        return cleaned if scheme.group(1).lower() in _URL_SCHEMES else None
    if relative and cleaned.startswith(("/", "./", "../", "#")) and not cleaned.startswith("//"):
        return cleaned
    return None


def anchor(url: str | None, label: object = None) -> Markup:
    """A link built in HTML when `url` passes `safe_url`, else the label (or URL) as text."""
    target = safe_url(url)
    shown = label if label is not None else (url or "")
    if target is None:
        return text(shown)
    return element("a", shown, href=target, rel="noopener noreferrer nofollow")


def render_body(body: str) -> Markup:
    """A record's Markdown body as sanitised HTML (redacted before it is rendered)."""
    rendered = _HEADING.sub(_demote, _converter().reset().convert(redact(body)))
    return Markup(f'<div class="ik-body">{sanitise(rendered)}</div>')


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # One converter, reset before each body: building one (its extensions,
    # processors and patterns) cost more than converting a typical body.
    return markdown.Markdown(extensions=_BODY_EXTENSIONS, extension_configs=_BODY_CONFIG)


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.I)


def _demote(match: re.Match[str]) -> str:
    # The body sits under the page's own h2 ("Report"): its headings start at h3,
    # so they stay inside that section (search splits sections at headings).
    return f"<{match.group(1)}h{min(6, max(3, int(match.group(2)) + 1))}"


def sanitise(fragment: str) -> str:
    """An HTML fragment with every tag, attribute, class and URL outside the allow-lists removed."""
    cleaned: str = nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned


def fmt_time(moment: datetime | None, approximate: bool = False) -> Markup:
    """`2026-01-27 10:42 UTC`, with a `~` when the record marks it approximate."""
    if moment is None:
        return Markup("—")
    stamp = text(utc(moment).strftime("%Y-%m-%d %H:%M UTC"))
    return approx_mark() + stamp if approximate else stamp


def fmt_date(day: date | None) -> Markup:
    return text(day.isoformat()) if day else Markup("—")


def fmt_hours(hours: float | None, approximate: bool = False) -> Markup:
    """A duration as `metrics.format_hours` writes it, with `~` when approximate."""
    shown = text(format_hours(hours))
    return approx_mark() + shown if approximate and hours is not None else shown


def approx_mark() -> Markup:
    """The `~` that marks a value derived from an approximate timestamp."""
    return Markup('<span class="ik-approx" title="approximate">~</span>')


def sort_key(content: object, key: object) -> Markup:
    """A cell whose sort order differs from its text (durations, severities, dates)."""
    return element("span", content, data_sort=key)


def heading_text(value: str) -> str:
    """Text for a Markdown heading that no Markdown extension can read as syntax.

    Every character but letters, digits and spaces becomes a numeric entity,
    so not even an extension's own syntax (`:emoji:`, `{: attr }`) matches.
    """
    return "".join(c if c.isalnum() or c in " -" else f"&#{ord(c)};" for c in redact(value))
