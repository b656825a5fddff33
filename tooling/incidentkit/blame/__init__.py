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

A learned second opinion (`learned.py`, naive Bayes counted from the
labelled sets) then reads the sentences that name a person or role and that
no trigger flagged, and flags those it finds blaming with high probability:
phrasings no trigger was written for.

`find_blame(body)` returns one `Blame` per sentence, with a hint saying what
to write instead. The lint rule `blaming-language` reports them;
tests/labelled/blame.yaml measures precision and recall.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from incidentkit.blame import learned
from incidentkit.blame.prose import prose_mask, sentences
from incidentkit.blame.sentence import Sentence
from incidentkit.blame.triggers import TRIGGERS, Trigger
from incidentkit.needles import Needles

__all__ = [
    "SHIPPED",
    "Blame",
    "find_blame",
    "find_blame_whole",
    "find_blame_with",
    "trigger_matches",
]

SHIPPED = "shipped"  # `find_blame_whole`'s default: the model in blame/model.json


@dataclass(frozen=True)
class Blame:
    start: int  # offsets into the text given to `find_blame`
    end: int
    phrase: str  # the words that carry the blame, as written
    hint: str  # what to write instead


def find_blame(text: str) -> list[Blame]:
    """The blaming sentences of a Markdown body (no front matter), one finding each:
    the triggers, then the shipped model's second opinion."""
    return find_blame_with(text, learned.model())


def find_blame_with(text: str, model: learned.Model | None) -> list[Blame]:
    """`find_blame` with `model` as the second opinion (None: the triggers alone).

    Cheap first: one pass finds every trigger's anchors, each trigger is tried
    only where one of its anchors occurs, and a candidate is judged within its
    own paragraph; the same pass finds the model's cue words, and only their
    sentences are read. Only a body where some paragraph blames is masked,
    split and judged whole (`find_blame_whole`, which decides), so most
    post-mortems cost one scan.
    """
    low = _lower(text)
    anchors, cue_hits = _scan(low, model)
    found = _matches_at(low, anchors)
    candidates = [(TRIGGERS[k], m) for k, matches in found for m in matches]
    if candidates and _a_paragraph_blames(text.replace("\r", " "), candidates):
        return find_blame_whole(text, model)
    if model is not None:
        cues = model.candidates(text, low, cue_hits)
        if cues and _a_paragraph_judged(text.replace("\r", " "), cues, model):
            return find_blame_whole(text, model)
    return []


# The trigger anchors and one model's cue patterns as one automaton: one scan of a
# body finds both. Kept for the last model asked (the shipped one, in lint).
_COMBINED: list[tuple[learned.Model, Needles]] = []


def _scan(
    low: str, model: learned.Model | None
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]] | None]:
    """The trigger anchors' hits in `low`, and `model`'s cue hits in `low` and a newline."""
    if model is None:
        return _ANCHORS.find(low), None
    if not _COMBINED or _COMBINED[0][0] is not model:
        _COMBINED[:] = [(model, Needles([*_ANCHORS.words, *model.cue_patterns()]))]
    size = len(_ANCHORS.words)
    anchors: list[tuple[int, int, int]] = []
    cues: list[tuple[int, int, int]] = []
    for hit in _COMBINED[0][1].find(low + "\n"):
        if hit[0] < size:
            anchors.append(hit)
        else:
            cues.append(hit)
    return anchors, cues


def find_blame_whole(text: str, model: learned.Model | str | None = SHIPPED) -> list[Blame]:
    """`find_blame_with` without the shortcuts: mask the whole body, judge every match
    and every sentence with a cue word (`SHIPPED`: the shipped model)."""
    if isinstance(model, str):
        model = learned.model()
    masked = prose_mask(text.replace("\r", " "))  # CRLF files: same offsets, no \r to trip on
    low = _lower(masked)
    spans = list(sentences(masked))
    starts = [start for start, _ in spans]
    parsed: dict[int, Sentence] = {}
    found: dict[int, Blame] = {}
    for k, matches in trigger_matches(low):
        trigger = TRIGGERS[k]
        for m in matches:
            at = bisect_right(starts, m.start()) - 1
            if at < 0 or m.start() >= spans[at][1]:
                continue
            start, end = spans[at]
            previous = found.get(start)
            if previous is not None and previous.start <= m.start():
                continue
            sentence = parsed.get(start)
            if sentence is None:
                sentence = parsed[start] = Sentence(masked, start, end)
            i = sentence.index_at(m.start())
            if i < len(sentence.tokens) and trigger.judge(sentence, i, m):
                found[start] = Blame(m.start(), m.end(), text[m.start() : m.end()], trigger.hint)
    if model is not None:
        _second_opinion(text, masked, spans, model, parsed, found)
    return sorted(found.values(), key=lambda b: b.start)


def _second_opinion(
    text: str,
    masked: str,
    spans: list[tuple[int, int]],
    model: learned.Model,
    parsed: dict[int, Sentence],
    found: dict[int, Blame],
) -> None:
    """Add the model's findings to `found`: sentences no trigger flagged.

    The cue words are looked for in the text as written (as the shortcut looks
    for them), each in the sentence of the masked text that holds it.
    """
    starts = [start for start, _ in spans]
    read: set[int] = set(found)
    for position in model.candidates(text, _lower(text)):
        at = bisect_right(starts, position) - 1
        if at < 0 or position >= spans[at][1] or spans[at][0] in read:
            continue
        start, end = spans[at]
        read.add(start)
        sentence = parsed.get(start)
        if sentence is None:
            sentence = parsed[start] = Sentence(masked, start, end)
        if model.judges(learned.tokens(sentence)):
            # the whole sentence: the model weighs all of it, no one word
            first, last = sentence.tokens[0], sentence.tokens[-1]
            where = last.start + len(last.text)
            found[start] = Blame(first.start, where, text[first.start : where], learned.HINT)


def trigger_matches(low: str) -> list[tuple[int, list[re.Match[str]]]]:
    """Each trigger's matches in lower-cased `low`, as `finditer` would find them
    (leftmost first, no overlaps), by index into `TRIGGERS`, in that order.

    One Aho-Corasick pass finds where every trigger's anchors occur; a trigger's
    pattern is tried only there (every match starts with one of its anchors).
    """
    return _matches_at(low, _ANCHORS.find(low))


def _matches_at(
    low: str, anchors: list[tuple[int, int, int]]
) -> list[tuple[int, list[re.Match[str]]]]:
    """`trigger_matches` from the anchors' hits, already found."""
    starts: dict[int, set[int]] = {}
    for anchor, index, _ in anchors:
        for k in _TRIGGERS_OF[anchor]:
            starts.setdefault(k, set()).add(index)
    found: list[tuple[int, list[re.Match[str]]]] = []
    for k in sorted(starts):
        pattern = TRIGGERS[k].pattern
        matches: list[re.Match[str]] = []
        end = -1
        for index in sorted(starts[k]):
            if index >= end:
                m = pattern.match(low, index)
                if m is not None:
                    matches.append(m)
                    end = m.end()
        if matches:
            found.append((k, matches))
    return found


def _a_paragraph_blames(text: str, candidates: list[tuple[Trigger, re.Match[str]]]) -> bool:
    # paragraph start -> (masked paragraph, its lower case): each computed once
    paragraphs: dict[int, tuple[str, str]] = {}
    for trigger, m in candidates:
        first = text.rfind("\n\n", 0, m.start())
        first = 0 if first < 0 else first + 2
        if first not in paragraphs:
            last = text.find("\n\n", m.end())
            masked = prose_mask(text[first : len(text) if last < 0 else last])
            paragraphs[first] = masked, _lower(masked)
        local, low = paragraphs[first]
        again = trigger.pattern.match(low, m.start() - first)
        if again is None:
            continue
        for start, end in sentences(local):
            if start <= again.start() < end:
                sentence = Sentence(local, start, end)
                i = sentence.index_at(again.start())
                if i < len(sentence.tokens) and trigger.judge(sentence, i, again):
                    return True
                break
    return False


def _a_paragraph_judged(text: str, cues: list[int], model: learned.Model) -> bool:
    """Some sentence holding one of the `cues` reads as blame to `model`, its
    paragraph masked on its own."""
    # paragraph start -> its masked text and sentence spans: each computed once, so a
    # long paragraph with many cues is split once, not once per cue
    paragraphs: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    read: set[int] = set()
    for position in cues:
        first = text.rfind("\n\n", 0, position)
        first = 0 if first < 0 else first + 2
        if first not in paragraphs:
            last = text.find("\n\n", position)
            masked = prose_mask(text[first : len(text) if last < 0 else last])
            paragraphs[first] = masked, list(sentences(masked))
        local, spans = paragraphs[first]
        at = bisect_right(spans, (position - first, len(local) + 1)) - 1
        if at < 0 or position - first >= spans[at][1] or first + spans[at][0] in read:
            continue
        start, end = spans[at]
        read.add(first + start)
        if model.judges(learned.tokens(Sentence(local, start, end))):
            return True
    return False


def _anchor_table() -> tuple[Needles, list[list[int]]]:
    """Every distinct anchor, and the triggers each anchor belongs to."""
    anchors = sorted({anchor for trigger in TRIGGERS for anchor in trigger.anchors})
    triggers = [
        [k for k, trigger in enumerate(TRIGGERS) if anchor in trigger.anchors] for anchor in anchors
    ]
    return Needles(anchors), triggers


_ANCHORS, _TRIGGERS_OF = _anchor_table()


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")
