"""A generated page: its title, its HTML blocks, and how it reaches MkDocs.

Page families build a `GeneratedPage` of HTML blocks (`Markup`) and fixed
section headings. `to_markdown` turns it into the Markdown MkDocs reads:
the headings, and for each HTML block an inert placeholder word that the
plugin swaps for the block in `on_page_content`; the title and tags go
straight into `page.meta` (`page_meta`), never through YAML. So no record text is ever read as Markdown, whatever
`markdown_extensions` the user's mkdocs.yml enables (tables,
md_in_html, snippets, emoji...), and pages render the same everywhere.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from markupsafe import Markup

from incidentkit.site import urls
from incidentkit.site.html import element, heading_text, text


@dataclass(frozen=True)
class Heading:
    """A section heading that MkDocs puts in the table of contents."""

    text: str
    level: int = 2


Block = Markup | Heading


@dataclass
class GeneratedPage:
    title: str  # plain text: the h1 and the <title>
    blocks: list[Block] = field(default_factory=list)
    tags: tuple[str, ...] = ()  # for Material's tags plugin
    record: str | None = None  # the record file shown (repository-relative): edit link, date
    wide: bool = False  # a wide table: hide the (empty) table of contents to give it room

    def add(self, *blocks: Block | str) -> GeneratedPage:
        """Append blocks; a plain string becomes an escaped paragraph."""
        for block in blocks:
            self.blocks.append(
                block if isinstance(block, Markup | Heading) else element("p", block)
            )
        return self


@dataclass(frozen=True)
class Here:
    """Where a page is, to link from it to other generated files."""

    path: str
    directory_urls: bool = True

    def href(self, to: str) -> str:
        return urls.href(self.path, to, self.directory_urls)

    def link(self, to: str | None, label: object) -> Markup:
        """An anchor to a generated page, or the label as text when there is no page."""
        return element("a", label, href=self.href(to)) if to else text(label)


def page_meta(page: GeneratedPage) -> dict[str, object]:
    """What the plugin puts in `page.meta` (no front matter: YAML would have to parse record text).

    Material prints `page.meta.title` and tag names unescaped: they are escaped here.
    """
    meta: dict[str, object] = {"title": text(page.title)}
    if page.wide:
        meta["hide"] = ["toc"]  # Material's per-page switch
    if page.tags:
        meta["tags"] = [text(t) for t in page.tags]
    return meta


class Placeholders:
    """Inert words standing for HTML blocks; unique per build, so no page text can fake one."""

    def __init__(self) -> None:
        self.prefix = f"incidentkitblock{secrets.token_hex(8)}n"
        self.pattern = re.compile(rf"(?:<p>\s*)?({self.prefix}\d+)(?:\s*</p>)?")

    def to_markdown(self, page: GeneratedPage) -> tuple[str, dict[str, Markup]]:
        """The page's Markdown source and the blocks its placeholders stand for."""
        lines: list[str] = []
        blocks: dict[str, Markup] = {}
        for block in [element("h1", page.title), *page.blocks]:
            if isinstance(block, Heading):
                lines += [f"{'#' * block.level} {heading_text(block.text)}", ""]
            else:
                token = f"{self.prefix}{len(blocks)}"
                blocks[token] = block
                lines += [token, ""]
        return "\n".join(lines), blocks

    def fill(self, html: str, blocks: dict[str, Markup]) -> tuple[str, list[str]]:
        """The rendered page with each placeholder replaced; and the tokens not found."""
        found: set[str] = set()

        def swap(match: re.Match[str]) -> str:
            token = match.group(1)
            if token not in blocks:
                return match.group(0)
            found.add(token)
            return str(blocks[token])

        filled = self.pattern.sub(swap, html)
        return filled, [t for t in blocks if t not in found]
