"""Many literal strings found in one pass over a text (Aho-Corasick).

The secret formats' prefixes and the blame triggers' anchors are looked for
this way: one scan of each text instead of one per string. `ahocorasick-rs`
does the scanning; it reads a text as UTF-8, which a lone surrogate (what an
undecodable file name becomes in Python) cannot be, so such a text is
scanned with U+FFFD in its place: the same length, so the offsets hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import ahocorasick_rs

_SURROGATE = re.compile("[\ud800-\udfff]")


class Needles:
    """`words`, found all at once, overlapping, as (word index, start, end) in characters."""

    def __init__(self, words: Sequence[str], *, dfa: bool = False) -> None:
        self.words = list(words)
        # A contiguous NFA by default: for the blame scan's thousands of words as
        # fast as a DFA, and a tenth of the memory (that DFA took 9 MB, 7 % of a
        # cold lint's peak at 10k). A DFA pays for a few hundred words scanned
        # over every file: the secret scan runs 40 % faster with one.
        implementation = ahocorasick_rs.Implementation
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.words, implementation=implementation.DFA if dfa else implementation.ContiguousNFA
        )

    def find(self, text: str) -> list[tuple[int, int, int]]:
        try:
            return self._automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:
            clean = _SURROGATE.sub("\ufffd", text)
            return self._automaton.find_matches_as_indexes(clean, overlapping=True)
