"""What may leave the repository: record text with flagged personal data and secrets redacted.

The site and every export publish record text. Whatever the `secrets` and
`personal-data` rules would flag is replaced with the typed placeholders of
`incidentkit redact` (`[REDACTED-EMAIL]`, ...), using `redaction.redact_text`,
so a published page or export never holds what lint flags, even when the
build or export was told not to be strict. The repository's allowances
(`[tool.incidentkit.personal_data]`, `detectors.Options`) apply as they do
in lint: pass them, or set them for a whole build with `allowing(options)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TypeVar, cast

from incidentkit.detectors import PLACEHOLDERS, Options, find_hits
from incidentkit.errors import UsageError
from incidentkit.redaction import redact_text

T = TypeVar("T")

# The allowances in force while a site is generated (its pages escape text deep
# in small helpers that know nothing of the repository).
_ALLOWANCES: ContextVar[Options | None] = ContextVar("incidentkit_allowances", default=None)


@contextmanager
def allowing(options: Options | None) -> Iterator[None]:
    """Within the block, `redact` without `options` uses these (the repository's)."""
    token = _ALLOWANCES.set(options)
    try:
        yield
    finally:
        _ALLOWANCES.reset(token)


def redact(text: str, options: Options | None = None) -> str:
    """`text` with every hit of the secrets and personal-data detectors replaced."""
    if not text:
        return text
    return _redact(text, options or _ALLOWANCES.get())


@lru_cache(maxsize=65536)
def _redact(text: str, options: Options | None) -> str:
    try:
        redacted, _hits = redact_text(text, yaml_file=False, options=options)
    except UsageError:
        # A YAML block whose structure a placeholder would change: that matters
        # when rewriting the file, not when publishing its text.
        redacted = _plain(text, options)
    return redacted


def _plain(text: str, options: Options | None) -> str:
    out: list[str] = []
    cursor = 0
    for hit in find_hits(text, options):
        out += [text[cursor : hit.start], PLACEHOLDERS[hit.kind]]
        cursor = hit.end
    out.append(text[cursor:])
    return "".join(out)


def redact_data(value: T, options: Options | None = None) -> T:
    """Every string inside `value` (nested dicts, lists, tuples) redacted; keys too."""
    return cast(T, _redact_any(value, options))


def _redact_any(value: Any, options: Options | None) -> Any:
    if isinstance(value, str):
        return redact(value, options)
    if isinstance(value, dict):
        return {_redact_any(k, options): _redact_any(v, options) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_any(v, options) for v in value)
    return value
