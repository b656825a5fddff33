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

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from incidentkit.blame.prose import prose_mask, sentences
from incidentkit.blame.sentence import Sentence
from incidentkit.blame.triggers import TRIGGERS, Trigger

__all__ = ["Blame", "anchored", "find_blame", "find_blame_whole", "words_of"]


@dataclass(frozen=True)
class Blame:
    start: int  # offsets into the text given to `find_blame`
    end: int
    phrase: str  # the words that carry the blame, as written
    hint: str  # what to write instead


def find_blame(text: str) -> list[Blame]:
    """The blaming sentences of a Markdown body (no front matter), one finding each.

    Cheap first: each trigger is tried only where one of its anchors occurs,
    and a candidate is judged within its own paragraph. Only a body where
    some paragraph blames is masked, split and judged whole (`find_blame_whole`,
    which decides), so most post-mortems cost a few string searches.
    """
    raw = _lower(text)
    candidates = _candidates(raw, _present_heads(words_of(raw)))
    if not candidates or not _a_paragraph_blames(text.replace("\r", " "), candidates):
        return []
    return find_blame_whole(text)


def find_blame_whole(text: str) -> list[Blame]:
    """`find_blame` without the shortcut: mask the whole body, judge every match."""
    masked = prose_mask(text.replace("\r", " "))  # CRLF files: same offsets, no \r to trip on
    low = _lower(masked)
    spans = list(sentences(masked))
    starts = [start for start, _ in spans]
    parsed: dict[int, Sentence] = {}
    found: dict[int, Blame] = {}
    for trigger in TRIGGERS:
        for m in anchored(trigger, low):
            k = bisect_right(starts, m.start()) - 1
            if k < 0 or m.start() >= spans[k][1]:
                continue
            start, end = spans[k]
            previous = found.get(start)
            if previous is not None and previous.start <= m.start():
                continue
            sentence = parsed.get(start)
            if sentence is None:
                sentence = parsed[start] = Sentence(masked, start, end)
            i = sentence.index_at(m.start())
            if i < len(sentence.tokens) and trigger.judge(sentence, i, m):
                found[start] = Blame(m.start(), m.end(), text[m.start() : m.end()], trigger.hint)
    return sorted(found.values(), key=lambda b: b.start)


def anchored(
    trigger: Trigger, low: str, present: frozenset[str] | None = None
) -> list[re.Match[str]]:
    """The trigger's matches in `low`, tried only where one of its anchors occurs.

    `present`: the anchor heads some word of `low` starts with (`_present_heads`);
    an anchor whose head is absent is not looked for at all.
    """
    found: dict[int, re.Match[str]] = {}
    for anchor in trigger.anchors:
        if present is not None and _HEAD[anchor] not in present:
            continue
        index = low.find(anchor)
        while index >= 0:
            if index not in found:
                m = trigger.pattern.match(low, index)
                if m is not None:
                    found[index] = m
            index = low.find(anchor, index + 1)
    kept: list[re.Match[str]] = []
    for index in sorted(found):  # as `finditer` would: leftmost first, no overlaps
        if not kept or index >= kept[-1].end():
            kept.append(found[index])
    return kept


def _candidates(low: str, present: frozenset[str]) -> list[tuple[Trigger, re.Match[str]]]:
    """`anchored` for every trigger at once, in `TRIGGERS` order: one flat loop over the
    anchors whose heads are present, so a body pays only for the words it holds."""
    found: dict[int, dict[int, re.Match[str]]] = {}
    for anchor, head, k in _PLAN:
        if head not in present:
            continue
        index = low.find(anchor)
        if index < 0:
            continue
        pattern = TRIGGERS[k].pattern
        matches = found.setdefault(k, {})
        while index >= 0:
            if index not in matches:
                m = pattern.match(low, index)
                if m is not None:
                    matches[index] = m
            index = low.find(anchor, index + 1)
    candidates: list[tuple[Trigger, re.Match[str]]] = []
    for k in sorted(found):
        end = -1
        for index in sorted(found[k]):  # as `finditer` would: leftmost first, no overlaps
            if index >= end:
                m = found[k][index]
                candidates.append((TRIGGERS[k], m))
                end = m.end()
    return candidates


def _a_paragraph_blames(text: str, candidates: list[tuple[Trigger, re.Match[str]]]) -> bool:
    masked_paragraphs: dict[int, str] = {}
    for trigger, m in candidates:
        first = text.rfind("\n\n", 0, m.start())
        first = 0 if first < 0 else first + 2
        last = text.find("\n\n", m.end())
        local = masked_paragraphs.get(first)
        if local is None:
            local = masked_paragraphs[first] = prose_mask(
                text[first : len(text) if last < 0 else last]
            )
        again = trigger.pattern.match(_lower(local), m.start() - first)
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


_WORD = re.compile(r"[a-z0-9@][a-z0-9@'-]*")


def words_of(low: str) -> list[str]:
    """The distinct words of lower-cased text, sorted."""
    return sorted(set(_WORD.findall(low)))


def _head(anchor: str) -> str:
    """The part of an anchor a word starts with; "" for "'s ", "n't" (inside a word)."""
    head = anchor.split(" ", 1)[0]
    return "" if not head or "'" in head or not head[0].isalnum() else head


_HEAD = {anchor: _head(anchor) for trigger in TRIGGERS for anchor in trigger.anchors}
_HEADS = sorted(set(_HEAD.values()) - {""})
_PLAN = [(a, _HEAD[a], k) for k, trigger in enumerate(TRIGGERS) for a in trigger.anchors]


def _present_heads(words: list[str]) -> frozenset[str]:
    """The anchor heads some word starts with, by one bisection each; "" always."""
    present = {""}
    for head in _HEADS:
        k = bisect_left(words, head)
        if k < len(words) and words[k].startswith(head):
            present.add(head)
    return frozenset(present)


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")
