"""Replacing personal data and secrets with typed placeholders, without touching the rest.

`detectors.find_hits` decides what is sensitive (the same spans lint reports),
so after a redaction lint has nothing left to say. Files are handled as the
raw decoded text: a byte-order mark and CRLF line endings stay as they were,
and a file without hits is never rewritten.

A placeholder such as `[REDACTED-EMAIL]` is a flow sequence when it starts a
plain YAML scalar (`reporter: [REDACTED-EMAIL]` would become a list). In YAML
(a `.yaml` file, Markdown front matter, a ```` ```yaml ```` block) each
redaction is therefore checked by parsing before and after: when the plain
replacement changes the data's structure (not just string values) the scalar
is quoted instead, and when that does not keep it either the file is refused
rather than broken.

Public API (used by `redact`, the site, exports and traces; keep it stable):
`redact_text(text, *, yaml_file, options=None) -> (text, hits)`,
`plan(path, options=None) -> Redaction`, `write(redaction)`,
`unified_diff(redaction, label)`, `files_under(paths)`, `yaml_regions(...)`.
`options` is a `detectors.Options` (`Options.from_config(config)` gives the
repository's `[tool.incidentkit.personal_data]` allowances); without it the
defaults apply. A hit is exactly what must go (both halves of a key pair,
only the password of a URL), so a placeholder never eats a neighbouring
backtick or quote.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentkit.atomic import atomic_write_text
from incidentkit.authoring.render import quoted
from incidentkit.detectors import PLACEHOLDERS, Hit, Options, find_hits
from incidentkit.errors import UsageError, WriteRefused
from incidentkit.records.markdown import fences
from incidentkit.records.yamlsource import YamlProblem, parse

SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
_SCALAR_START = (":", "-", "[", "{", ",", "?")

Edit = tuple[int, int, str]  # replace text[start:end] with the string


@dataclass(frozen=True)
class Redaction:
    """One file's planned redaction: the text as read and as it would be written."""

    path: Path
    raw: bytes
    original: str
    redacted: str
    hits: tuple[Hit, ...]

    @property
    def changed(self) -> bool:
        return self.redacted != self.original


def files_under(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the Markdown and YAML files under the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    f
                    for f in path.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and not any(p.startswith(".") for p in f.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def plan(path: Path, options: Options | None = None) -> Redaction:
    """Read `path` and work out its redaction; raises `UsageError` when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")  # not utf-8-sig: the BOM stays, as a character
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start}); redact it by hand") from None
    try:
        redacted, hits = redact_text(
            text, yaml_file=path.suffix.lower() in (".yaml", ".yml"), options=options
        )
    except UsageError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return Redaction(path, raw, text, redacted, tuple(hits))


def redact_text(
    text: str, *, yaml_file: bool, options: Options | None = None
) -> tuple[str, list[Hit]]:
    """`text` with every hit replaced; YAML parts keep their structure (see the module doc)."""
    hits = find_hits(text, options)
    if not hits:
        return text, []
    edits: dict[int, Edit] = {h.start: (h.start, h.end, PLACEHOLDERS[h.kind]) for h in hits}
    for start, end in yaml_regions(text, yaml_file=yaml_file):
        inside = [h for h in hits if start <= h.start and h.end <= end]
        if not inside:
            continue
        region = text[start:end]
        local = [_shift(h, -start) for h in inside]
        if _keeps_shape(region, _apply(region, [_plain(h) for h in local])):
            continue
        quoting = _quoting_edits(region, local)
        if not _keeps_shape(region, _apply(region, quoting)):
            line = text.count("\n", 0, inside[0].start) + 1
            raise UsageError(
                f"line {line}: cannot replace the {inside[0].label} without changing the YAML's "
                "structure; quote the value, then run redact again"
            )
        for hit in inside:
            del edits[hit.start]
        for s, e, new in quoting:
            edits[s + start] = (s + start, e + start, new)
    return _apply(text, sorted(edits.values())), hits


def unified_diff(redaction: Redaction, label: str) -> str:
    """A unified diff from the file as read to the file as it would be written."""
    before = _lines(redaction.original)
    after = _lines(redaction.redacted)
    return "".join(difflib.unified_diff(before, after, f"a/{label}", f"b/{label}"))


def write(redaction: Redaction) -> None:
    """Write the redacted text atomically, unless the file changed since it was read."""
    if not redaction.changed:
        return
    try:
        current = redaction.path.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"{redaction.path}: cannot re-read it before writing: {exc}") from exc
    if current != redaction.raw:
        raise WriteRefused(f"{redaction.path} changed while it was being redacted; run again")
    atomic_write_text(redaction.path, redaction.redacted, overwrite=True)


def yaml_regions(text: str, *, yaml_file: bool) -> list[tuple[int, int]]:
    """Character spans of `text` that are YAML: the whole file, or front matter and yaml blocks."""
    if yaml_file:
        return [(0, len(text))]
    regions: list[tuple[int, int]] = []
    lines = list(_line_spans(text))
    body_from = 0
    if lines and text[lines[0][0] : lines[0][1]].lstrip("\ufeff").rstrip() == "---":
        for index, (start, end, _next) in enumerate(lines[1:], start=1):
            if text[start:end].rstrip() in ("---", "..."):
                regions.append((lines[0][2], start))
                body_from = index + 1
                break
    body_start = lines[body_from][0] if body_from < len(lines) else len(text)
    for block in fences(text, body_start):
        words = block.info.split(maxsplit=1)
        if block.closed and words and words[0].lower() in ("yaml", "yml"):
            regions.append((block.content_start, block.content_end))
    return regions


def _line_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end without the newline, start of the next line) of each line."""
    start = 0
    while start < len(text):
        newline = text.find("\n", start)
        if newline < 0:
            yield start, len(text), len(text)
            return
        yield start, newline, newline + 1
        start = newline + 1


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _shift(hit: Hit, by: int) -> Hit:
    return Hit(hit.kind, hit.label, hit.start + by, hit.end + by)


def _plain(hit: Hit) -> Edit:
    return (hit.start, hit.end, PLACEHOLDERS[hit.kind])


def _apply(text: str, edits: Iterable[Edit]) -> str:
    out: list[str] = []
    cursor = 0
    for start, end, new in edits:
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _quoting_edits(region: str, hits: list[Hit]) -> list[Edit]:
    """Plain replacements, except that a hit starting a plain scalar quotes that scalar."""
    edits: list[Edit] = []
    consumed_to = -1
    for hit in hits:
        if hit.start < consumed_to:
            continue
        line_start = region.rfind("\n", 0, hit.start) + 1
        before = region[line_start : hit.start]
        if (
            before.strip()
            and before.rstrip()[-1] in _SCALAR_START
            and (before[-1].isspace() or before[-1] in "[{,")
        ):
            end = _scalar_end(region, hit.start, flow="[" in before or "{" in before)
            inner = [
                (h.start - hit.start, h.end - hit.start, PLACEHOLDERS[h.kind])
                for h in hits
                if hit.start <= h.start and h.end <= end
            ]
            edits.append((hit.start, end, quoted(_apply(region[hit.start : end], inner))))
            consumed_to = end
        else:
            edits.append(_plain(hit))
    return edits


def _scalar_end(region: str, start: int, *, flow: bool) -> int:
    line_end = region.find("\n", start)
    end = len(region) if line_end < 0 else line_end
    stops = [region.find(" #", start, end)]
    if flow:
        stops += [region.find(c, start, end) for c in ",]}"]
    end = min([end, *(s for s in stops if s >= 0)])
    while end > start and region[end - 1] in " \t\r":
        end -= 1
    return end


def _keeps_shape(before: str, after: str) -> bool:
    """The redacted YAML has the same structure: only string values changed."""
    try:
        original = parse(before).data
    except (YamlProblem, RecursionError):
        return True  # already broken: lint reports it; a plain replacement is all we can do
    try:
        redacted = parse(after).data
    except (YamlProblem, RecursionError):
        return False
    return _same_shape(original, redacted)


def _same_shape(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and len(a) == len(b)
            and all(_same_shape(x, y) for x, y in zip(a.items(), b.items(), strict=True))
        )
    if isinstance(a, list | tuple):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same_shape(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, str):
        return isinstance(b, str)
    return bool(a == b)
