"""Template text a record still holds: what `new` and `init` leave for a person to replace.

The markers are read from the templates themselves (the packaged `templates/`
and the repository's own), never from a hand-kept list, so a team that edits
its templates gets its own markers:

- every quoted value or comment line of a template that holds a placeholder
  word (an all-caps word such as `TODO` or `YYYY` that the templates use in
  more than one marker), e.g. `"TODO: what a correct reply does"`, `"@TODO"`,
  `"YYYY-MM-DD"`;
- every Markdown body line of a template that holds one (`1. Why did TODO
  happen? Because TODO.`);
- every guidance comment (`<!-- ... -->`) of a template body: a section that
  still holds nothing but its guidance was never written.

Used by the `placeholder` lint rule and by the loader (a YAML case that still
holds placeholder text does not count toward policy).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentkit.config import Config
from incidentkit.records.yamlsource import Key
from incidentkit.resources import data_dir

_QUOTED = re.compile(r'"([^"\n$]*)"')
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_CAPS = re.compile(r"(?<![A-Za-z$])[A-Z]{4,}(?![A-Za-z])")
_LIST_PREFIX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s", re.MULTILINE)


@dataclass(frozen=True)
class Markers:
    words: frozenset[str]  # placeholder words: a field holding one is unfinished
    phrases: tuple[str, ...]  # whole placeholder strings and lines, longest first
    guidance: frozenset[str]  # the text of the templates' guidance comments
    # Matches where any placeholder word appears, as a bare substring. Every
    # phrase holds a word, so text this does not match holds no placeholder:
    # the one test most fields and files need.
    trigger: re.Pattern[str] | None = None

    def could_hold(self, text: str) -> bool:
        """False when `text` surely holds no placeholder word or phrase."""
        return self.trigger is not None and self.trigger.search(text) is not None

    def could_hold_data(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """False when the data parsed from the YAML `text[start:end]` surely holds no placeholder.

        A YAML escape (`\\x54ODO`, a backslash line break) can make a value hold
        text its source does not, so a source with a backslash is always walked.
        """
        end = len(text) if end is None else end
        if text.find("\\", start, end) >= 0:
            return True
        return self.trigger is not None and self.trigger.search(text, start, end) is not None

    def in_value(self, value: str) -> str | None:
        """The placeholder text a field value still holds, if any."""
        if not self.could_hold(value):
            return None
        for phrase in self.phrases:
            if phrase in value:
                return phrase
        for word in re.findall(r"[A-Z]{4,}", value):
            if word in self.words and re.search(rf"(?<![A-Za-z]){word}(?![A-Za-z])", value):
                return word
        return None

    def in_text(self, text: str) -> Iterator[tuple[int, str]]:
        """(offset, phrase) of every whole placeholder phrase in free text."""
        if not self.could_hold(text):
            return
        for phrase in self.phrases:
            start = text.find(phrase)
            while start >= 0:
                yield start, phrase
                start = text.find(phrase, start + len(phrase))


def markers_for(config: Config) -> Markers:
    """The markers of the packaged templates and of the repository's own."""
    return _markers_at(os.fspath(config.settings), config.templates_dir)


@cache
def _markers_at(settings: str, templates_dir: str) -> Markers:
    # Keyed by strings, so the rule that asks once per file does not resolve paths each time.
    folders = {data_dir("templates").resolve()}
    local = Path(settings) / templates_dir
    if local.is_dir():
        folders.add(local.resolve())
    return _markers(tuple(sorted(folders)))


@cache
def _markers(folders: tuple[Path, ...]) -> Markers:
    texts: list[str] = []
    for folder in folders:
        for file in sorted(folder.iterdir()):
            if file.suffix in (".md", ".yaml", ".yml") and file.is_file():
                try:
                    texts.append(file.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue  # a broken template is `new`'s error to report
    return markers_from(texts)


def markers_from(templates: list[str]) -> Markers:
    candidates: list[str] = []
    guidance: set[str] = set()
    for text in templates:
        lines = [ln for ln in text.split("\n") if not ln.startswith("# template:")]
        body = "\n".join(lines)
        guidance.update(" ".join(m.split()) for m in _COMMENT.findall(body))
        for line in lines:
            quoted = _QUOTED.findall(line)
            candidates.extend(q.strip() for q in quoted)
            rest = line.strip()
            if "$" not in rest and not quoted and "<!--" not in rest:
                # a YAML comment, a heading or a body line: its text, without the markup
                candidates.append(_LIST_PREFIX.sub("", rest.lstrip("#").strip()).strip())
    # A placeholder word is an all-caps word that several template strings use.
    counts = Counter(w for c in set(candidates) for w in set(_CAPS.findall(c)))
    words = frozenset(w for w, n in counts.items() if n >= 2)
    phrases = {c for c in candidates if c and set(_CAPS.findall(c)) & words}
    trigger = re.compile("|".join(map(re.escape, sorted(words)))) if words else None
    return Markers(
        words,
        tuple(sorted(phrases, key=lambda p: (-len(p), p))),
        frozenset(guidance),
        trigger,
    )


def in_data(markers: Markers, data: Any, key: Key = ()) -> Iterator[tuple[Key, str]]:
    """(key, placeholder) of every field value under `data` that still holds one."""
    if isinstance(data, str):
        found = markers.in_value(data)
        if found is not None:
            yield key, found
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from in_data(markers, value, (*key, str(name)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from in_data(markers, value, (*key, index))


def guidance_only_sections(markers: Markers, body: str) -> Iterator[tuple[int, str]]:
    """(offset in `body`, heading) of each section that holds only a template's guidance."""
    if "<!--" not in body:
        return
    starts = [0, *(m.start() for m in _HEADING.finditer(body))]
    ends = [*starts[1:], len(body)]
    for start, end in zip(starts, ends, strict=True):
        section = body[start:end]
        heading = ""
        if _HEADING.match(section):
            heading, _, section = section.partition("\n")
        comments = list(_COMMENT.finditer(section))
        if not any(" ".join(c.group(1).split()) in markers.guidance for c in comments):
            continue
        if _COMMENT.sub("", section).strip():
            continue
        offset = start + (len(heading) + 1 if heading else 0) + comments[0].start()
        yield offset, heading.lstrip("#").strip()


def describe(key: Key) -> str:
    """A field path as a reader writes it: `expected[0].criteria`."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"
