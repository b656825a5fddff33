"""Precision and recall of the prose rules on the labelled sets beside this file.

Used by tests/test_labelled.py (which fails below the targets) and by
compare.py (which writes the figures, with detect-secrets', to
docs/prose-rules.md). The rules are scored as lint runs them: the detectors
on whole strings, the blame finder on a post-mortem body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from incidentkit.blame import find_blame
from incidentkit.detectors import SECRET, find_hits, redact

HERE = Path(__file__).resolve().parent


def load(name: str, *, batch: str | None = None) -> Any:
    """The labelled set `name`: `name.yaml` and its later batches `name-batch-*.yaml`, merged.

    `batch`: only that file (`load("blame", batch="blame-batch-2")`), to score
    a batch on its own.
    """
    files = [HERE / f"{batch}.yaml"] if batch else sorted(HERE.glob(f"{name}*.yaml"))
    merged: dict[str, list[Any]] = {}
    for file in files:
        if file.stem != name and not file.stem.startswith(f"{name}-batch-"):
            continue
        for key, items in yaml.safe_load(file.read_text(encoding="utf-8")).items():
            merged.setdefault(key, []).extend(items)
    return merged


@dataclass
class Score:
    rule: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    items: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def row(self) -> str:
        return (
            f"{self.rule:<28} items {self.items:>4}  tp {self.tp:>4}  fp {self.fp:>3}  "
            f"fn {self.fn:>3}  precision {self.precision:.3f}  recall {self.recall:.3f}"
        )


def score_blame(finder: Callable[[str], list[Any]] = find_blame, data: Any = None) -> Score:
    data = data or load("blame")
    score = Score("blaming-language")
    for text in data["blaming"]:
        score.items += 1
        if finder(text):
            score.tp += 1
        else:
            score.fn += 1
            score.mistakes.append(f"missed: {text!r}")
    for text in data["blameless"]:
        score.items += 1
        found = finder(text)
        if found:
            score.fp += 1
            score.mistakes.append(f"flagged: {text!r} ({found[0]})")
    return score


def secret_spans(text: str) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in find_hits(text) if h.kind == SECRET]


def score_secrets(
    detect: Callable[[str], list[tuple[int, int]]] = secret_spans,
    *,
    exact: bool = True,
    data: Any = None,
) -> tuple[Score, Score]:
    """(providers, look-alikes). A provider item counts when every part is covered
    wherever it occurs.

    With `exact`, a hit reaching outside the labelled parts is a mistake too
    (redaction must remove nothing around the secret); a scanner that only
    reports lines, such as detect-secrets, is scored with `exact=False`.
    """
    data = data or load("secrets")
    providers = Score("secrets: providers")
    for item in data["secrets"]:
        providers.items += 1
        text, parts = item["text"], item["secret"]
        spans = detect(text)
        where = [(i, i + len(p)) for p in parts for i in _occurrences(text, p)]
        covered = all(any(s <= a and b <= e for s, e in spans) for a, b in where)
        inside = all(any(a <= s and e <= b for a, b in where) for s, e in spans)
        if covered and (inside or not exact):
            providers.tp += 1
        else:
            providers.fn += 1
            shown = [text[s:e] for s, e in spans]
            providers.mistakes.append(f"{item['provider']}: {text!r} -> {shown}")
    lookalikes = Score("secrets: look-alikes")
    for item in data["lookalikes"]:
        lookalikes.items += 1
        spans = detect(item["text"])
        if spans:
            lookalikes.fp += 1
            lookalikes.mistakes.append(f"flagged: {item['text']!r} ({item['why']})")
    return providers, lookalikes


def score_personal_data(data: Any = None) -> Score:
    """Span by span: each labelled span found exactly, nothing else reported."""
    data = data or load("personal_data")
    score = Score("personal-data")
    for item in [*data["found"], *data["clean"]]:
        score.items += 1
        text = item["text"]
        expected = {str(s) for s in item.get("spans", [])}
        found = {text[h.start : h.end] for h in find_hits(text) if h.kind != SECRET}
        score.tp += len(expected & found)
        score.fn += len(expected - found)
        score.fp += len(found - expected)
        if expected != found:
            score.mistakes.append(f"{text!r}: expected {sorted(expected)}, found {sorted(found)}")
    return score


def _occurrences(text: str, part: str) -> list[int]:
    """Every place `part` occurs: a secret written twice must be found twice."""
    found, index = [], text.find(part)
    while index >= 0:
        found.append(index)
        index = text.find(part, index + 1)
    return found


def redaction_leaks() -> list[str]:
    """Provider items whose redacted text still holds part of the secret."""
    leaks = []
    for item in load("secrets")["secrets"]:
        redacted, _ = redact(item["text"])
        leaks += [f"{item['provider']}: {p!r}" for p in item["secret"] if p in redacted]
    return leaks
