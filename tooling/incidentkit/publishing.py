"""What may leave the repository: record text with flagged personal data and secrets redacted.

The site and every export publish record text. Whatever the `secrets` and
`personal-data` rules would flag is replaced with the typed placeholders of
`incidentkit redact` (`[REDACTED-EMAIL]`, ...), using `redaction.redact_text`,
so a published page or export never holds what lint flags, even when the
build or export was told not to be strict.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar, cast

from incidentkit.detectors import PLACEHOLDERS, find_hits
from incidentkit.errors import UsageError
from incidentkit.redaction import redact_text

T = TypeVar("T")


@lru_cache(maxsize=65536)
def redact(text: str) -> str:
    """`text` with every hit of the secrets and personal-data detectors replaced."""
    if not text:
        return text
    try:
        redacted, _hits = redact_text(text, yaml_file=False)
    except UsageError:
        # A YAML block whose structure a placeholder would change: that matters
        # when rewriting the file, not when publishing its text.
        redacted = _plain(text)
    return redacted


def _plain(text: str) -> str:
    out: list[str] = []
    cursor = 0
    for hit in find_hits(text):
        out += [text[cursor : hit.start], PLACEHOLDERS[hit.kind]]
        cursor = hit.end
    out.append(text[cursor:])
    return "".join(out)


def redact_data(value: T) -> T:
    """Every string inside `value` (nested dicts, lists, tuples) redacted; keys too."""
    return cast(T, _redact_any(value))


def _redact_any(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {_redact_any(k): _redact_any(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_any(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact_any(v) for v in value)
    return value
