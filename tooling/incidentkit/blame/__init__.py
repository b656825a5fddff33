"""Blaming language in a post-mortem body: a person presented as the cause, or judged.

Sentence structure, not a word list. A trigger is a judged predicate
("forgot", "failed to", "ignored", "should have caught", "made a typo",
"the wrong", "careless", "is to blame"...); a finding needs an actor that is
a person or a role (a name, "the on-call engineer", "team B", "the DBA",
"he"), found as the subject before the predicate (through "who", "on call",
"of the change"), after "by" in the passive, after "because of" or "blame
lies with", as a possessive ("Dana's typo"), or in a counterfactual ("had the
DBA read the runbook"). A system as subject ("the alert should have fired",
"Kubernetes failed to pull"), "we", "nobody" and negations ("was not at
fault") are left alone, and so is everything `prose.prose_mask` blanks:
code, quotes, block quotes, citations and sources.

`find_blame(body)` returns one `Blame` per sentence, with a hint saying what
to write instead. The lint rule `blaming-language` reports them;
tests/labelled/blame.yaml measures precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidentkit.blame import lexicon
from incidentkit.blame.prose import prose_mask, sentences
from incidentkit.blame.sentence import Sentence
from incidentkit.blame.triggers import TRIGGERS

__all__ = ["Blame", "find_blame"]


@dataclass(frozen=True)
class Blame:
    start: int  # offsets into the text given to `find_blame`
    end: int
    phrase: str  # the words that carry the blame, as written
    hint: str  # what to write instead


def find_blame(text: str) -> list[Blame]:
    """The blaming sentences of a Markdown body (no front matter), one finding each."""
    lowered = text.lower()
    if not any(needle in lowered for needle in lexicon.NEEDLES):
        return []
    masked = prose_mask(text)
    low = masked.lower().replace("\u2019", "'")
    found: dict[int, Blame] = {}
    for start, end in sentences(masked):
        segment = low[start:end]
        if not any(needle in segment for needle in lexicon.NEEDLES):
            continue
        sentence: Sentence | None = None
        for trigger in TRIGGERS:
            for m in trigger.pattern.finditer(low, start, end):
                sentence = sentence or Sentence(masked, start, end)
                i = sentence.index_at(m.start())
                if i >= len(sentence.tokens) or not trigger.judge(sentence, i, m):
                    continue
                previous = found.get(start)
                if previous is None or m.start() < previous.start:
                    found[start] = Blame(
                        m.start(), m.end(), text[m.start() : m.end()], trigger.hint
                    )
                break
    return sorted(found.values(), key=lambda b: b.start)
