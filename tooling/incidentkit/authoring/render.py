"""What the record writers share: templates, YAML quoting, slugs, schema enums, the write.

Templates are `string.Template` files in the repository's `templates/` (or
the packaged ones). Lines starting with `# template:` document a template for
the people who edit it and are dropped from the record.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from incidentkit.atomic import atomic_write_text
from incidentkit.config import Config
from incidentkit.errors import ConfigError, UsageError
from incidentkit.records.schemas import SCHEMA_FILES

TEMPLATE_COMMENT = "# template:"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HANDLE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class Created:
    """A record that was written: its ID (a case's id for eval cases) and file."""

    id: str
    path: Path


def fill_template(config: Config, name: str, values: Mapping[str, str]) -> str:
    """The template `name` with its `$placeholders` filled and its `# template:` lines dropped."""
    file = config.templates_path / name
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{file}: cannot read the template ({exc}); restore it with `incidentkit init --force`"
        ) from exc
    kept = "".join(
        line
        for line in raw.splitlines(keepends=True)
        if not line.lstrip().startswith(TEMPLATE_COMMENT)
    )
    try:
        return string.Template(kept).substitute(values)
    except KeyError as exc:
        raise ConfigError(
            f"{file}: unknown placeholder ${exc.args[0]}; this template can use "
            + ", ".join(f"${k}" for k in sorted(values))
        ) from None
    except ValueError as exc:
        raise ConfigError(f"{file}: {exc} (write $$ for a literal $)") from None


def in_quotes(text: str) -> str:
    """`text` escaped to sit between a template's double quotes (a JSON string is YAML)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def quoted(text: str) -> str:
    return f'"{in_quotes(text)}"'


def flow_list(items: Iterable[str], *, quote: bool = False) -> str:
    """A YAML flow list: `[a, b]`, or `["@a", "@b"]` with `quote`."""
    return "[" + ", ".join(quoted(i) if quote else i for i in items) + "]"


# Words a long title can lose without changing what it says. Negations
# ("not", "no", "never", "without") are never dropped: they carry the meaning.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "its",
        "it",
        "from",
        "as",
        "into",
        "onto",
    ]
)


def slugify(text: str, max_length: int = 64) -> str:
    """A file-name slug from a title: lowercase ASCII words joined by '-'.

    A title longer than `max_length` first loses its filler words (articles,
    prepositions), then is cut after the last whole word that fits.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    if len("-".join(words)) > max_length:
        words = [w for w in words if w not in _FILLER] or words
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    return slug or "untitled"


def check_slug(slug: str, flag: str = "--slug") -> str:
    if not _SLUG.match(slug):
        raise UsageError(
            f"{flag} {slug!r}: use lowercase letters and digits joined by '-', e.g. refund-window"
        )
    return slug


def check_choice(value: str, allowed: Iterable[str], flag: str) -> str:
    """The allowed value `value` names, matched without regard to case (`s2` is `S2`)."""
    options = list(allowed)
    if value in options:
        return value
    folded = [o for o in options if o.casefold() == value.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise UsageError(f"{flag} {value!r} is not allowed; use one of: {', '.join(options)}")


def handle(value: str, flag: str) -> str:
    """A person's handle, '@' added when missing."""
    text = value.strip()
    text = text if text.startswith("@") else f"@{text}"
    if not HANDLE.match(text):
        raise UsageError(f"{flag} {value!r} is not a handle such as @asha-r")
    return text


def schema_enum(config: Config, kind: str, *path: str) -> tuple[str, ...]:
    """The allowed values at `path` in a record schema, e.g. ("properties", "severity")."""
    node: Any = _schema(config.schemas_path, kind)
    for key in (*path, "enum"):
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list) or not node:
        where = config.schemas_path / SCHEMA_FILES[kind]
        raise ConfigError(f"{where}: expected an enum at {'/'.join(path)}")
    return tuple(str(v) for v in node)


def schema_enum_meanings(config: Config, kind: str, *path: str) -> tuple[tuple[str, str], ...]:
    """(value, meaning) for the enum at `path`; meanings from its `enumDescriptions`, if any.

    `enumDescriptions` is the annotation JSON Schema editors (VS Code) show
    beside each value; a team that edits its taxonomy edits both lists.
    """
    values = schema_enum(config, kind, *path)
    node: Any = _schema(config.schemas_path, kind)
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    meanings = node.get("enumDescriptions") if isinstance(node, dict) else None
    if not isinstance(meanings, list) or len(meanings) != len(values):
        meanings = [""] * len(values)
    return tuple(
        (v, str(m) if isinstance(m, str) else "") for v, m in zip(values, meanings, strict=True)
    )


def schema_description(config: Config, kind: str, *path: str) -> str:
    node: Any = _schema(config.schemas_path, kind)
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    text = node.get("description") if isinstance(node, dict) else None
    return text if isinstance(text, str) else ""


def schema_required(config: Config, kind: str) -> tuple[str, ...]:
    required = _schema(config.schemas_path, kind).get("required", [])
    return tuple(str(r) for r in required) if isinstance(required, list) else ()


@cache
def _schema(schemas_dir: Path, kind: str) -> dict[str, Any]:
    file = schemas_dir / SCHEMA_FILES[kind]
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file} is not a readable JSON Schema: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{file} is not a JSON Schema object")
    return data


def write_new(config: Config, rel: str, text: str, record_id: str) -> Created:
    """Write a new record atomically; `WriteRefused` when the file exists (never clobbers)."""
    path = config.root / rel
    atomic_write_text(path, text, overwrite=False)
    return Created(record_id, path)
