"""Redacting what a trace gives before any of it is written.

Every string that comes from a trace (message texts, tool arguments and
results, the observed reply, IDs, even mapping keys) goes through
`detectors.redact`, the detectors behind `redact`, `lint`'s
`personal-data` and `secrets` rules and the site, so a case made from a
trace lints clean of them. Structured data loses the `key: value` text the
credential detector looks for, so a string under a key that names a
credential (`api_key`, `password`, `authorization`...) is replaced whole.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from incidentkit.detectors import PLACEHOLDERS, SECRET, Options, redact
from incidentkit.traces.messages import maybe_json

_CREDENTIAL_KEY = re.compile(
    r"(?i)^(?:x-)?(?:api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|pwd|"
    r"authorization|auth[_-]?token|access[_-]?token|refresh[_-]?token|bearer|private[_-]?key|"
    r"token|session[_-]?token|cookie)$"
)


@dataclass
class RedactionReport:
    """What was replaced: counts by kind (email, phone, secret) and by what was found."""

    kinds: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def describe(self) -> str:
        """`email 2, phone 1, secret 1 (OpenAI/Anthropic API key)`, or `nothing`."""
        if not self.total:
            return "nothing"
        parts = []
        for kind, count in sorted(self.kinds.items()):
            labels = sorted(label for label in self.labels if label.startswith(f"{kind}:"))
            detail = ", ".join(label.split(":", 1)[1] for label in labels)
            shown = f" ({detail})" if kind == SECRET and detail else ""
            parts.append(f"{kind} {count}{shown}")
        return ", ".join(parts)


def redact_data(value: Any, report: RedactionReport, options: Options | None = None) -> Any:
    """`value` (JSON-like data) with every sensitive string replaced by its placeholder.

    `options` are the repository's allowances (`Options.from_config`), the same lint uses.
    """
    if isinstance(value, str):
        return _text(value, report, options)
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            clean_key = _text(key, report, options) if isinstance(key, str) else key
            if isinstance(key, str) and _CREDENTIAL_KEY.match(key.strip()) and _secretish(item):
                report.kinds[SECRET] += 1
                report.labels[f"{SECRET}:value of {key.strip()!r}"] += 1
                out[clean_key] = PLACEHOLDERS[SECRET]
            else:
                out[clean_key] = redact_data(item, report, options)
        return out
    if isinstance(value, list | tuple):
        return [redact_data(item, report, options) for item in value]
    return value


def _text(text: str, report: RedactionReport, options: Options | None) -> str:
    if text.lstrip()[:1] in ("{", "["):
        # JSON held in a string (tool arguments and results often are): redact it as data,
        # so a credential under a telling key is caught there too
        decoded = maybe_json(text)
        if isinstance(decoded, dict | list):
            inner = RedactionReport()
            cleaned_data = redact_data(decoded, inner, options)
            report.kinds.update(inner.kinds)
            report.labels.update(inner.labels)
            return json.dumps(cleaned_data, ensure_ascii=False) if inner.total else text
    cleaned, hits = redact(text, options)
    for hit in hits:
        report.kinds[hit.kind] += 1
        report.labels[f"{hit.kind}:{hit.label}"] += 1
    return cleaned


def _secretish(value: Any) -> bool:
    """A credential value worth hiding: text of some length, not already a placeholder."""
    return isinstance(value, str) and len(value.strip()) >= 6 and value not in PLACEHOLDERS.values()
