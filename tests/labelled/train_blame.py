"""Train the blame finder's learned second opinion (`blame/learned.py`) on the labelled sets.

    .venv/bin/python tests/labelled/train_blame.py            # rewrite blame/model.json
    .venv/bin/python tests/labelled/train_blame.py --check    # exit 1 when it is stale
    .venv/bin/python tests/labelled/train_blame.py --cv       # held-out figures

Naive Bayes by counting, so the same labelled text always gives the same file
(sorted keys, rounded weights; tests/test_labelled.py checks it is current).
Each labelled item is one example: its words after `prose_mask` (code,
quotes and citations blanked as lint blanks them), names and roles as one
`<P>` token, each word and each pair of neighbours a feature, counted once
per example with add-half smoothing. A feature seen in only one example is
an anecdote and is dropped (it also keeps the file small). Cue words are the
single words seen in at least `MIN_CUE` blaming examples and at least
`CUE_RATIO` times likelier there: a sentence with none is never flagged, and
`find_blame` looks for them in one pass before reading any sentence.

`--cv` holds out each fresh batch (`blame-batch-N.yaml`, N >= `FRESH`: text
written after the triggers were mature) in turn, trains on every other file,
and scores the held-out one at each threshold in `THRESHOLDS`: the model
alone, and as `find_blame` runs it (the triggers, then the model on what they
left). The triggers were fixed on every batch after scoring, so the column
with them flatters them; the batches' before-fix figures are in batches.yaml.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from incidentkit.blame import find_blame_with  # noqa: E402
from incidentkit.blame.learned import (  # noqa: E402
    MODEL_FILE,
    PERSON_TOKEN,
    Model,
    features,
    from_json,
    words_of,
)
from labelled.scoring import load  # noqa: E402

TARGET = HERE.parents[1] / "tooling" / "incidentkit" / "blame" / MODEL_FILE
ALPHA = 0.5  # add-half smoothing of each feature's presence counts
MIN_COUNT = 2  # examples a feature must appear in to be kept
MIN_CUE = 3  # blaming examples a cue word must appear in
MIN_CUE_LENGTH = 4  # shorter words hide inside longer ones ("own" in "down"): slow to find
CUE_RATIO = 2.5  # how much likelier in blaming examples a cue word must be
THRESHOLD = 0.9  # chosen with --cv: recall on fresh batches, precision above 0.95
THRESHOLDS = (0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
FRESH = 14  # the first batch written after the triggers matured
DIGITS = 3  # weights are rounded: a smaller file, the same decisions

Example = tuple[list[str], bool]


def train(examples: list[Example], threshold: float = THRESHOLD) -> Model:
    blaming, blameless = Counter[str](), Counter[str]()
    n_blaming = sum(1 for _, label in examples if label)
    n_blameless = len(examples) - n_blaming
    for words, label in examples:
        (blaming if label else blameless).update(features(words))
    weights: dict[str, float] = {}
    for feature in sorted(set(blaming) | set(blameless)):
        if blaming[feature] + blameless[feature] < MIN_COUNT:
            continue
        p_blaming = (blaming[feature] + ALPHA) / (n_blaming + 2 * ALPHA)
        p_blameless = (blameless[feature] + ALPHA) / (n_blameless + 2 * ALPHA)
        weight = round(math.log(p_blaming / p_blameless), DIGITS)
        if weight:
            weights[feature] = weight
    cues = frozenset(
        f
        for f, w in weights.items()
        if _cue_shaped(f) and blaming[f] >= MIN_CUE and w >= math.log(CUE_RATIO)
    )
    prior = round(math.log(n_blaming / n_blameless), DIGITS)
    return Model(weights, prior, threshold, cues)


def _cue_shaped(feature: str) -> bool:
    """A single word of letters (an apostrophe or hyphen allowed), long enough."""
    letters = feature.replace("'", "").replace("-", "")
    return len(feature) >= MIN_CUE_LENGTH and letters.isalpha() and feature != PERSON_TOKEN


def examples_of(data: dict[str, list[str]]) -> list[Example]:
    return [(words_of(t), True) for t in data.get("blaming", [])] + [
        (words_of(t), False) for t in data.get("blameless", [])
    ]


def render(model: Model) -> str:
    data = {
        "about": "written by tests/labelled/train_blame.py from tests/labelled/blame*.yaml; "
        "do not edit",
        "prior": model.prior,
        "threshold": model.threshold,
        "cues": sorted(model.cues),
        "weights": model.weights,
    }
    return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def current() -> str:
    """What `model.json` should hold for the labelled sets as they are."""
    return render(train(examples_of(load("blame"))))


def _files() -> list[Path]:
    return sorted(HERE.glob("blame*.yaml"))


def _fresh(path: Path) -> bool:
    number = path.stem.rsplit("-", 1)[-1]
    return path.stem.startswith("blame-batch-") and number.isdigit() and int(number) >= FRESH


class _Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, found: bool, label: bool) -> None:
        self.tp += found and label
        self.fp += found and not label
        self.fn += label and not found

    def __str__(self) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return f"P {precision:.3f} R {recall:.3f} (fp {self.fp:2d} fn {self.fn:2d})"


def cross_validate() -> None:
    files = _files()
    examples = {f: examples_of(load(f.stem, batch=f.stem)) for f in files}
    texts = {f: load(f.stem, batch=f.stem) for f in files}
    pooled = {t: (_Tally(), _Tally(), _Tally()) for t in THRESHOLDS}
    for held in [f for f in files if _fresh(f)]:
        base = train([e for f in files if f != held for e in examples[f]])
        items = [(t, True) for t in texts[held].get("blaming", [])] + [
            (t, False) for t in texts[held].get("blameless", [])
        ]
        triggers = [bool(find_blame_with(t, None)) for t, _ in items]
        for threshold in THRESHOLDS:
            model = Model(base.weights, base.prior, threshold, base.cues)
            alone, both, rule = _Tally(), _Tally(), _Tally()
            for (text, label), (words, _), by_rule in zip(
                items, examples[held], triggers, strict=True
            ):
                alone.add(model.judges(words), label)
                both.add(bool(find_blame_with(text, model)), label)
                rule.add(by_rule, label)
            for total, part in zip(pooled[threshold], (alone, both, rule), strict=True):
                total.tp += part.tp
                total.fp += part.fp
                total.fn += part.fn
            if threshold == THRESHOLD:
                print(f"{held.stem:16s} model {alone}  triggers {rule}  both {both}")
    print(f"\npooled over batches {FRESH}+, held out one file at a time:")
    for threshold, (alone, both, rule) in pooled.items():
        print(f"  threshold {threshold:<6} model {alone}  triggers {rule}  both {both}")


def main(argv: list[str]) -> int:
    if "--cv" in argv:
        cross_validate()
        return 0
    text = current()
    if "--check" in argv:
        stale = not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text
        print(f"{TARGET} is {'stale' if stale else 'current'}")
        return int(stale)
    model = from_json(text)  # what is written must load
    TARGET.write_text(text, encoding="utf-8")
    # every sentence holding a cue word is weighed in lint: more cues, more cost
    # (bench/ANALYSIS.md, sixth session)
    size = len(text.encode()) // 1024
    print(f"wrote {TARGET} ({size} KB, {len(model.cues)} cue words)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
