"""Reading one record file into a `Document`: bytes, text, front matter, data.

Every way a file can be unreadable (size, encoding, missing or unterminated
front matter, YAML errors) becomes a `Finding` on the document; nothing raises.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from incidentkit.findings import Finding, Level
from incidentkit.records.yamlsource import Key, Positions, YamlProblem, parse

Kind = Literal["incident", "postmortem", "eval"]


@dataclass(slots=True)
class Document:
    """One file as read: its text, its parsed data, its body; positions on demand."""

    path: str  # relative to the repository root, with forward slashes
    kind: Kind
    text: str = ""
    data: Any = None
    body_offset: int = -1  # where the Markdown body starts in `text` (-1: no body)
    body_line: int = 1  # the file line on which `body` starts
    problems: list[Finding] = field(default_factory=list)
    yaml_span: tuple[int, int] = (0, 0)  # the YAML's characters in `text`
    yaml_line: int = 1  # the file line on which the YAML starts
    # The file on disk, to read again after `release()`; a string, not a Path,
    # because a lint keeps one per file of the repository.
    source: str | None = None
    _positions: Positions | None = field(default=None, repr=False, compare=False)
    _released: bool = field(default=False, repr=False, compare=False)
    _was_readable: bool = field(default=False, repr=False, compare=False)

    def release(self) -> None:
        """Drop the text and data; the few findings that need lines read the file again."""
        if self._released:
            return  # released twice (a document from the lint cache comes released)
        self._was_readable = isinstance(self.data, dict)
        self.text = ""
        self.data = None
        self._positions = None  # a finding's line after release reads the file again
        self._released = True

    def full_text(self) -> str:
        """The file's text, read again from disk if it was released."""
        if not self._released or self.source is None:
            return self.text
        try:
            return decode(read_regular(self.source, 1 << 62))
        except (OSError, UnreadableFile, UnicodeDecodeError):
            return ""

    @property
    def readable(self) -> bool:
        return isinstance(self.data, dict) or self._was_readable

    @property
    def body(self) -> str:
        return self.full_text()[self.body_offset :] if self.body_offset >= 0 else ""

    def at(self, key: Key) -> tuple[int, int]:
        """Line and column of `key` (or its nearest ancestor) in the file."""
        return self.positions.at(key)

    @property
    def computed_positions(self) -> Positions | None:
        """The line positions if a finding already needed them; never parses for them."""
        return self._positions

    def use_positions(self, positions: Positions) -> None:
        """Line positions computed earlier (kept by the lint cache), instead of a parse."""
        if self._positions is None:
            self._positions = positions

    @property
    def positions(self) -> Positions:
        # Most files have no finding, so line tracking is paid only when one is
        # reported: the YAML is parsed a second time, with positions, on demand.
        if self._positions is None:
            start, end = self.yaml_span
            try:
                text = self.full_text()[start:end]
                self._positions = parse(text, self.yaml_line, positions=True).positions
            except (YamlProblem, RecursionError):
                self._positions = Positions(start=(self.yaml_line, 1))
        return self._positions

    def problem(self, rule: str, message: str, hint: str, line: int = 1, column: int = 1) -> None:
        self.problems.append(Finding(self.path, line, column, rule, Level.ERROR, message, hint))


def read_document(root: Path, file: Path, kind: Kind, max_bytes: int) -> Document:
    rel = file.relative_to(root).as_posix() if file.is_absolute() else file.as_posix()
    doc = Document(
        path=rel, kind=kind, source=os.fspath(file if file.is_absolute() else root / file)
    )
    if _links_outside(root, file):
        # the site would publish a file from outside the repository
        doc.problem(
            "file-size",
            "a symlink that points outside the repository",
            "copy the record into the repository instead of linking to it",
        )
        return doc
    text = _read_text(file, doc, max_bytes)
    if text is None:
        return doc
    doc.text = text
    if kind == "eval":
        _parse_into(doc, text, 0, len(text), 1)
    else:
        _split_front_matter(doc, text)
    return doc


def decode(raw: bytes) -> str:
    """A record's text as every reader sees it: UTF-8, BOM dropped, LF line ends."""
    text = raw.decode("utf-8-sig")
    return text.replace("\r\n", "\n") if "\r" in text else text


def _links_outside(root: Path, file: Path) -> bool:
    if not file.is_symlink():
        return False
    # realpath, not resolve(strict=True): a symlink loop must not raise here;
    # reading the file reports it
    target = os.path.realpath(file)
    real_root = os.path.realpath(root)
    return os.path.commonpath([target, real_root]) != real_root


class UnreadableFile(Exception):
    """A file that is not read: not a regular file, a symlink loop, or too big."""

    def __init__(self, message: str, hint: str, size: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.size = size


_KINDS = (
    (stat.S_ISDIR, "a folder", "rename or remove the folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)", "remove it from the record folder"),
    (stat.S_ISCHR, "a character device", "remove it from the record folder"),
    (stat.S_ISBLK, "a block device", "remove it from the record folder"),
    (stat.S_ISSOCK, "a socket", "remove it from the record folder"),
)


def read_regular(file: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file; `UnreadableFile` for anything else, never opened.

    `stat` first, so a FIFO or device is never opened; then open without
    blocking and check again on the open descriptor, in case the file was
    swapped for one between the two.
    """
    try:
        info = os.stat(file)  # noqa: PTH116 - records keep str paths (one per file)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile(
                "a symlink loop: the link points, in the end, at itself",
                "replace the link with the file it should point at",
            ) from None
        raise
    _check_kind(info)
    if info.st_size > max_bytes:
        raise UnreadableFile("too big", "", info.st_size)
    fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        _check_kind(info)
        if info.st_size > max_bytes:
            raise UnreadableFile("too big", "", info.st_size)
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise UnreadableFile("too big", "", len(data))
    return data


def _check_kind(info: os.stat_result) -> None:
    for test, what, hint in _KINDS:
        if test(info.st_mode):
            message = (
                "a folder is named like a record file"
                if what == "a folder"
                else f"{what} is named like a record file; it is never read"
            )
            raise UnreadableFile(message, hint)


def _read_text(file: Path, doc: Document, max_bytes: int) -> str | None:
    try:
        raw = read_regular(file, max_bytes)
    except UnreadableFile as exc:
        if exc.size is not None:
            doc.problem(
                "file-size",
                f"file is {exc.size:,} bytes, over the {max_bytes:,}-byte limit",
                "split the record or move large attachments out (link them); "
                "or raise max_file_bytes in [tool.incidentkit]",
            )
        else:
            doc.problem("file-size", exc.message, exc.hint)
        return None
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
        text = decode(raw)
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
    return text


_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t\f\v]*$", re.MULTILINE)


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
    close = _CLOSING_FENCE.search(text, start)
    if close is not None:
        _parse_into(doc, text, start, close.start(), 2)
        end = close.end()
        doc.body_offset = min(end + 1, len(text))
        doc.body_line = text.count("\n", 0, end) + 2
        return
    doc.problem(
        "front-matter",
        "front matter is not closed",
        "end the front matter with a line '---' before the Markdown body",
    )


def _parse_into(doc: Document, text: str, start: int, end: int, first_line: int) -> None:
    doc.yaml_span = (start, end)
    doc.yaml_line = first_line
    try:
        parsed = parse(text[start:end], first_line, positions=False)
    except YamlProblem as exc:
        doc.problem(exc.rule, exc.message, exc.hint, exc.line, exc.column)
        return
    except RecursionError:
        doc.problem("yaml-syntax", "YAML nesting is too deep", "flatten the structure", first_line)
        return
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
