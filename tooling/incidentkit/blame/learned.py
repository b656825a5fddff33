"""A learned second opinion on blaming sentences: naive Bayes over a sentence's words.

The triggers (`triggers.py`) are precise but miss phrasings nobody wrote a
trigger for. This model, counted from the labelled sets
(`tests/labelled/blame*.yaml`, by `tests/labelled/train_blame.py`), weighs
each word and word pair of a sentence, names and roles read as one
`PERSON_TOKEN`; `find_blame` asks it only about sentences that name a person
or role, that no trigger flagged, and that hold one of its cue words (a word
at least twice as likely in blaming sentences): the cues are found for a
whole body in one pass, so a body with none costs one scan, and a sentence
with one is read only when a bound on its score can pass (`candidates`).

The model is plain data, `model.json` beside this file, shipped in the
wheel and read once, lazily: nothing is downloaded, no dependency added.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise

from incidentkit.blame import lexicon
from incidentkit.blame.prose import prose_mask
from incidentkit.blame.sentence import PERSON, UNKNOWN_NAME, Sentence
from incidentkit.needles import Needles

MODEL_FILE = "model.json"
PERSON_TOKEN = "<P>"
HINT = (
    "reads as a person's failing (a learned second opinion): describe what the system or "
    "process allowed, e.g. 'nothing in the deploy flow asked for confirmation', not who did it"
)


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]  # feature -> log(P(feature | blaming) / P(feature | blameless))
    prior: float  # log(blaming / blameless examples)
    threshold: float  # the probability above which a sentence is flagged
    cues: frozenset[str]  # a sentence holds one of these words, or is never flagged
    _needles: list[Needles] = field(default_factory=list, compare=False, repr=False)

    def cue_patterns(self) -> list[str]:
        """What to look for to find the cue words, each with what may follow it."""
        return [c + end for c in sorted(self.cues) for end in _AFTER]

    def candidates(
        self, text: str, low: str, hits: list[tuple[int, int, int]] | None = None
    ) -> list[int]:
        """Where to ask the model in `text` (`low`: its lower case): one cue word's
        position per sentence that might read as blame, in order. `hits`: where
        `cue_patterns` occur in `low` and a newline after it, when already found.

        Cheap, on the text as written, since most bodies blame nobody: a cue
        word, as a whole word, outside a heading, in a sentence (cut at its ends
        as written) with a word that can be a person or role, whose best reading
        could pass the threshold: the features every reading has count with their
        sign, and those a word read as a person or as itself may add count when
        positive. Not a strict bound on the masked sentence (masking can drop a
        word that weighed against blame); `find_blame_whole` asks the same
        question, so both paths agree, and the labelled scores measure the cost.
        """
        if hits is None:
            if not self._needles:
                self._needles.append(Needles(self.cue_patterns()))
            hits = self._needles[0].find(low + "\n")
        found: list[int] = []
        window_end = -1
        need = math.log(self.threshold / (1.0 - self.threshold)) - self.prior
        for _, start, _ in hits:
            if start < window_end:
                continue  # this sentence was weighed already
            if start and (low[start - 1].isalnum() or low[start - 1] in _JOINERS):
                continue
            if low.startswith("#", low.rfind("\n", 0, start) + 1):
                continue  # a heading: a title, never judged
            first, window_end = _window(low, start)
            if self._could_pass(text, low, first, window_end, need):
                found.append(start)
        return sorted(set(found))

    def _could_pass(self, text: str, low: str, start: int, end: int, need: float) -> bool:
        lows = _WORD.findall(low, start, end)
        if not lows:
            return False
        if _HINTS.isdisjoint(lows) and low.find("@", start, end) < 0:
            # nobody named by role or handle: a capitalised word after the first, or a
            # first word that may be a name (a known one, or one the model never saw)
            first = _WORD.search(text, start, end)
            if first is None or _CAPITALISED.search(text, first.end(), end) is None:
                word = lows[0]
                if not first or not first.group()[:1].isupper() or word in _NOT_PERSONISH:
                    return False
                if lexicon.fold(word) not in lexicon.FIRST_NAMES and word in self.weights:
                    return False
        words = _WORD.findall(text, start, end)
        if len(words) != len(lows):
            return True  # a letter whose lower case is longer: judge it properly
        lows = [w[:-2] if w.endswith("'s") and len(w) > 2 else w.rstrip("'") for w in lows]
        person = [_personish(words, lows, i) for i in range(len(words))]
        if not any(person):
            return False
        # features every reading has count with their sign; those a reading may have
        # (a word read as a person or as itself) count only when they raise the score
        fixed = {w for w, p in zip(lows, person, strict=True) if not p}
        fixed.add(PERSON_TOKEN)
        neighbours = list(zip(lows, lows[1:], person, person[1:], strict=False))
        fixed.update(f"{a} {b}" for a, b, p, q in neighbours if not (p or q))
        maybe = {w for w, p in zip(lows, person, strict=True) if p}
        for a, b, p, q in neighbours:
            if p or q:
                for x in (a, PERSON_TOKEN) if p else (a,):
                    maybe.update((f"{x} {b}", f"{x} {PERSON_TOKEN}") if q else (f"{x} {b}",))
        get = self.weights.get
        best = sum(w for w in map(get, fixed) if w is not None)
        best += sum(w for w in map(get, maybe - fixed) if w is not None and w > 0)
        return best > need

    def probability(self, features: Iterable[str]) -> float:
        z = self.prior + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def judges(self, words: list[str]) -> bool:
        """The words of a sentence (`tokens`) read as blame: a person or role named,
        a cue word, and a probability above the threshold."""
        if PERSON_TOKEN not in words or self.cues.isdisjoint(words):
            return False
        return self.probability(features(words)) > self.threshold


def tokens(sentence: Sentence) -> list[str]:
    """The sentence's words, lower case, punctuation dropped, a person or role as
    `PERSON_TOKEN` (as `Sentence.kind` reads them: "the on-call engineer", "Dana")."""
    words: list[str] = []
    for i, token in enumerate(sentence.tokens):
        if token.punct:
            continue
        words.append(PERSON_TOKEN if sentence.kind(i) in (PERSON, UNKNOWN_NAME) else token.low)
    return words


def features(words: list[str]) -> set[str]:
    """Each word, and each pair of neighbouring words (joined by a space)."""
    return {*words, *(f"{a} {b}" for a, b in pairwise(words))}


def words_of(text: str) -> list[str]:
    """`tokens` of `text` read as one sentence, after `prose_mask`."""
    masked = prose_mask(text)
    return tokens(Sentence(masked, 0, len(masked)))


def probability(sentence_text: str) -> float:
    """How likely the shipped model finds `sentence_text` blaming (masked as lint masks)."""
    return model().probability(features(words_of(sentence_text)))


def from_json(text: str) -> Model:
    data = json.loads(text)
    return Model(
        {str(k): float(v) for k, v in data["weights"].items()},
        float(data["prior"]),
        float(data["threshold"]),
        frozenset(str(c) for c in data["cues"]),
    )


@cache
def model() -> Model:
    """The shipped model, read once."""
    return from_json(resources.files(__package__).joinpath(MODEL_FILE).read_text("utf-8"))


# the words of `Sentence` (punctuation aside), as written
_WORD = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\b|@[\w-]+|[^\W_][\w'\u2019-]*")
# where a sentence ends, as written (looser than `prose.sentences`: no abbreviations)
_ENDS = (". ", "? ", "! ", ".\n", "\n\n", "|")  # fewer than `prose.sentences` knows: wider
_NEXT_END = re.compile(r"[.?!] |\.\n|\n\n|\|")  # the same, looked for forwards
# a capitalised word, not the first of its sentence (that is every sentence's)
_CAPITALISED = re.compile(r"(?<![\w'-])[A-Z][a-z]")
_REACH = 400  # no sentence read further than this either side of its cue
_PERSONISH = lexicon.ROLES | lexicon.SELF | lexicon.DUTY_NOUNS | {"they", "them", "head"}
_NOT_PERSONISH = lexicon.TRANSPARENT | lexicon.FIRST_PERSON | lexicon.NEGATORS
# the words that name a person or role as a sentence holds them: "the DBA's negligence"
# too (a word is read whole here, its "'s" still on)
_HINTS = {
    form
    for word in _PERSONISH | {"who", "whom", "team"}
    for form in (word, f"{word}'s", f"{word}'")
}
_JOINERS = "_'-"  # inside a word: "lazy-loading" holds no "lazy"
# what may follow a cue word: looking for the word with each of these finds it whole,
# not in every longer word it begins ("prod" in "production"), so fewer matches
_AFTER = (*' \n\t,.;:!?)]}*/<"\u2014\u2013\u201d', "'s ", "'s,", "'s.")


def _window(low: str, position: int) -> tuple[int, int]:
    """The sentence around `position`, as written, or more: from the last full stop,
    blank line or table bar before it to the first after it, at most `_REACH` away."""
    floor = max(0, position - _REACH)
    start = max(low.rfind(end, floor, position) for end in _ENDS) + 1
    after = _NEXT_END.search(low, position, position + _REACH)
    return max(start, floor), min(len(low), position + _REACH) if after is None else after.start()


def _personish(words: list[str], lows: list[str], i: int) -> bool:
    """`words[i]` might be what `Sentence.kind` reads as a person or role: a role, a
    pronoun, a handle, a capitalised word, a number after "team", a word before "who"."""
    low = lows[i]
    if low in _PERSONISH or low.startswith("@"):
        return True
    word = words[i]
    if word[:1].isupper() and not word.isupper():
        return low not in _NOT_PERSONISH
    if i + 1 < len(lows) and lows[i + 1] in ("who", "whom"):
        return True
    return i > 0 and lows[i - 1] == "team" and word.isdigit()
