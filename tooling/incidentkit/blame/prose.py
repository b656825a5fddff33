"""The prose of a Markdown body: what the author wrote in their own voice.

`prose_mask` blanks (with spaces, so offsets and lines stay) everything that
is not: fenced code blocks, code spans, HTML comments (suppressions
included), block quotes, quoted speech, link targets and bare URLs, sources
and references sections, author-year references with their titles, and
sentences that cite a court case. `sentences` splits what is left into
sentences and table cells, with their offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.records.markdown import fences

_NOT_NEWLINE = re.compile(r"[^\n]")
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
# `Dekker, S. (2014). The Field Guide to Understanding Human Error.`, `Allspaw et al.
# (2012)`: an author-year reference; the rest of its line (the title) is cited too.
_REFERENCE = re.compile(
    r"\b[A-Z][\w'-]+,(?: [A-Z]\.)+(?:,? (?:&|and) [A-Z][\w'-]+,(?: [A-Z]\.)+)* \(\d{4}[a-z]?\)[^\n]*"
    r"|\b[A-Z][\w'-]+ et al\.? \(\d{4}[a-z]?\)[^\n]*"
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
    # In phases, each on what the last left: a backtick inside a fenced block opens
    # no code span, and an apostrophe inside code is no quotation mark.
    masked = _blank(text, [(b.start, b.end) for b in fences(text)] + _spans(_COMMENT, text))
    masked = _blank(
        masked,
        _spans(_CODE_SPAN, masked)
        + _spans(_BLOCK_QUOTE, masked)
        + _spans(_URL, masked)
        + list(_source_sections(masked))
        + _spans(_REFERENCE, masked),
    )
    masked = _blank(masked, _spans(_QUOTED, masked))
    citations = [m.start() for m in _CITATION.finditer(masked)]
    if citations:
        cited = [(s, e) for s, e in sentences(masked) if any(s <= c < e for c in citations)]
        masked = _blank(masked, cited)
    return masked


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span's characters but newlines replaced by spaces."""
    if not spans:
        return text
    out: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        start = max(start, cursor)
        if end <= start:
            continue
        out.append(text[cursor:start])
        out.append(_NOT_NEWLINE.sub(" ", text[start:end]))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


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
