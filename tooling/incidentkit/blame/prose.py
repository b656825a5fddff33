"""The prose of a Markdown body: what the author wrote in their own voice.

`prose_mask` blanks (with spaces, so offsets and lines stay) everything that
is not: fenced code blocks, code spans, HTML comments (suppressions
included), block quotes, quoted speech, link targets and bare URLs, sources
and references sections, and sentences that cite a court case. `sentences`
splits what is left into sentences and table cells, with their offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.records.markdown import fences

_CODE_SPAN = re.compile(r"(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)")
_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")
_BLOCK_QUOTE = re.compile(r"^[ \t]{0,3}>.*$", re.M)
_QUOTED = re.compile(
    r"\"[^\"\n]{1,400}\"|\u201c[^\u201d\n]{1,400}\u201d|\u2018[^\u2019\n]{1,400}\u2019|\u00ab[^\u00bb\n]{1,400}\u00bb"
    r"|(?<![\w'])'(?=[A-Za-z])[^'\n]{1,300}?(?<=[\w.,!?])'(?![\w'])"
)
_URL = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<[a-z]+://[^>\s]*>|\b[a-z][a-z0-9+.-]*://\S+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$", re.M)
_SOURCES = re.compile(
    r"(?i)^(?:sources?|references?|citations?|further reading|bibliography|quotes?|"
    r"press coverage|external (?:reports|coverage))$"
)
# `Smith v. Jones`, `123 F.3d 456`, `(9th Cir. 1997)`, `15 U.S.C. § 45`: a legal citation.
_CITATION = re.compile(
    r"\b[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*)* v\. [A-Z]|\b\d+ (?:[A-Z][\w.]*\s?){1,3}\d+\b(?= |,|\))"
    r"|\((?:[\w.]+ )*(?:Cir\.|Ct\.|App\.)|U\.S\.C\.|§"
)
# Abbreviations whose full stop ends no sentence (`Smith v. Jones`, `Acme Corp.`).
_ABBREVIATIONS = (
    "v",
    "vs",
    "Cir",
    "Co",
    "Corp",
    "Inc",
    "Ltd",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "St",
    "No",
    "etc",
    "al",
    "cf",
    "e.g",
    "i.e",
)
_NOT_AN_END = "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS)
_SENTENCE_END = re.compile(
    rf"(?<=[.!?]){_NOT_AN_END}[\"')\]*_]*\s+(?=[\"'(\[*_]*[A-Z0-9@])"
    r"|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)]|#|\|))|\|"
)


def prose_mask(text: str) -> str:
    """`text` with everything that is not the author's own prose replaced by spaces."""
    chars = list(text)
    spans: list[tuple[int, int]] = []
    for block in fences(text):
        spans.append((block.start, block.end))
    for pattern in (_COMMENT, _CODE_SPAN, _BLOCK_QUOTE, _URL):
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(_source_sections(text))
    for start, end in spans:
        _blank(chars, start, end)
    masked = "".join(chars)
    # Quotation marks pair up only in what is left (an apostrophe in code is no quote).
    chars = list(masked)
    for m in _QUOTED.finditer(masked):
        _blank(chars, m.start(), m.end())
    masked = "".join(chars)
    for start, end in sentences(masked):
        if _CITATION.search(masked, start, end):
            _blank(chars, start, end)
    return "".join(chars)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, list item, heading or table cell."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            yield start, m.start()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def _source_sections(text: str) -> Iterator[tuple[int, int]]:
    """A sources or references section: from its heading to the next heading as high."""
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if not _SOURCES.match(heading.group(2).strip().strip("*_:")):
            continue
        level = len(heading.group(1))
        end = len(text)
        for later in headings[index + 1 :]:
            if len(later.group(1)) <= level:
                end = later.start()
                break
        yield heading.start(), end


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "
