"""Reading one record file into a `Document`: bytes, text, front matter, data.

Every way a file can be unreadable (size, encoding, missing or unterminated
front matter, YAML errors) becomes a `Finding` on the document; nothing raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from incidentkit.findings import Finding, Level
from incidentkit.records.yamlsource import Key, Positions, YamlProblem, parse

Kind = Literal["incident", "postmortem", "eval"]


@dataclass
class Document:
    """One file as read: its text, its parsed data with positions, its body."""

    path: str  # relative to the repository root, with forward slashes
    kind: Kind
    text: str = ""
    data: Any = None
    positions: Positions = field(default_factory=Positions)
    body: str = ""
    body_line: int = 1  # the file line on which `body` starts
    problems: list[Finding] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return isinstance(self.data, dict)

    def at(self, key: Key) -> tuple[int, int]:
        return self.positions.at(key)

    def problem(self, rule: str, message: str, hint: str, line: int = 1, column: int = 1) -> None:
        self.problems.append(Finding(self.path, line, column, rule, Level.ERROR, message, hint))


def read_document(root: Path, file: Path, kind: Kind, max_bytes: int) -> Document:
    rel = file.relative_to(root).as_posix() if file.is_absolute() else file.as_posix()
    doc = Document(path=rel, kind=kind)
    text = _read_text(file, doc, max_bytes)
    if text is None:
        return doc
    doc.text = text
    if kind == "eval":
        _parse_into(doc, text, 1)
        doc.body_line = 1
    else:
        _split_front_matter(doc, text)
    return doc


def _read_text(file: Path, doc: Document, max_bytes: int) -> str | None:
    try:
        if file.is_dir():
            doc.problem(
                "file-size", "a folder is named like a record file", "rename or remove the folder"
            )
            return None
        size = file.stat().st_size
        if size > max_bytes:
            doc.problem(
                "file-size",
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
                "split the record or move large attachments out (link them); "
                "or raise max_file_bytes in [tool.incidentkit]",
            )
            return None
        raw = file.read_bytes()
    except OSError as exc:
        doc.problem(
            "file-size", f"cannot read file: {exc.strerror}", "check the file's permissions"
        )
        return None
    if not raw.strip():
        doc.problem(
            "file-size", "file is empty", "fill the file from `incidentkit new` or delete it"
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.problem(
            "encoding",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8",
            line,
            column,
        )
        return None
    return text.replace("\r\n", "\n") if "\r" in text else text


def _split_front_matter(doc: Document, text: str) -> None:
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        doc.problem(
            "front-matter",
            "file does not start with YAML front matter",
            "start the file with a line '---', the record's fields, and another '---'",
        )
        return
    start = first_end + 1
    cursor = start
    line = 2
    while cursor < len(text):
        end = text.find("\n", cursor)
        end = len(text) if end < 0 else end
        if text[cursor:end].rstrip() in ("---", "..."):
            _parse_into(doc, text[start:cursor], 2)
            doc.body = text[end + 1 :]
            doc.body_line = line + 1
            return
        cursor = end + 1
        line += 1
    doc.problem(
        "front-matter",
        "front matter is not closed",
        "end the front matter with a line '---' before the Markdown body",
    )


def _parse_into(doc: Document, yaml_text: str, first_line: int) -> None:
    try:
        parsed = parse(yaml_text, first_line)
    except YamlProblem as exc:
        doc.problem(exc.rule, exc.message, exc.hint, exc.line, exc.column)
        return
    except RecursionError:
        doc.problem("yaml-syntax", "YAML nesting is too deep", "flatten the structure", first_line)
        return
    doc.positions = parsed.positions
    for dup in parsed.duplicates:
        doc.problem(
            "duplicate-key",
            f"key '{dup.key}' appears twice (first on line {dup.first_line}); YAML keeps only the last",
            f"remove one of the two '{dup.key}' entries or merge them",
            dup.line,
            dup.column,
        )
    if parsed.data is None:
        doc.problem("front-matter", "the YAML is empty", "add the record's fields", first_line)
    elif not isinstance(parsed.data, dict):
        doc.problem(
            "front-matter",
            f"the YAML is a {type(parsed.data).__name__}, not a mapping of fields",
            "write the record as 'field: value' lines",
            first_line,
        )
    else:
        doc.data = parsed.data
