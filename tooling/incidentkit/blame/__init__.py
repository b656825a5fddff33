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
from collections.abc import Callable
from dataclasses import dataclass

from incidentkit.blame import lexicon
from incidentkit.blame.prose import prose_mask, sentences

__all__ = ["Blame", "find_blame"]


@dataclass(frozen=True)
class Blame:
    start: int  # offsets into the text given to `find_blame`
    end: int
    phrase: str  # the words that carry the blame, as written
    hint: str  # what to write instead


MISS = "describe what made it easy to miss (the signal, the step, the warning), e.g. 'nothing in the deploy flow required the -n flag'"
PROCESS = "say what the process or tool did not enforce, e.g. 'the deploy tool did not require the runbook's check'"
HINDSIGHT = "replace hindsight about a person with the missing safeguard, e.g. 'the process did not require a second review'"
INPUT = (
    "name what accepted the input, e.g. 'the config accepted an invalid value without validation'"
)
JUDGE = "drop the judgement: describe the action and the conditions around it"
HUMAN = "name the conditions that made the error possible: the missing confirmation, validation or guardrail"
CAUSE = "describe the contributing conditions and the system's part, not whose fault it was"
ACCIDENT = "describe the action neutrally and what allowed it, e.g. 'a command deleted the volume; nothing asked for confirmation'"

PERSON, UNKNOWN_NAME, OTHER, FIRST, NEGATED, NONE, SKIP = (
    "person",
    "unknown-name",
    "other",
    "first",
    "negated",
    "none",
    "skip",
)

_CHECK_VERBS = (
    r"notic(?:e|ed)|check(?:ed)?|read|follow(?:ed)?|test(?:ed)?|verif(?:y|ied)|escalat(?:e|ed)"
    r"|think|thought|review(?:ed)?|double-check(?:ed)?|communicat(?:e|ed)|look(?:ed)?|see|saw"
    r"|reali[sz](?:e|ed)|ask(?:ed)?|wait(?:ed)?|confirm(?:ed)?|validat(?:e|ed)|consider(?:ed)?"
    r"|catch|caught|acknowledg(?:e|ed)|ack(?:ed)?|notif(?:y|ied)|inform(?:ed)?|tell|told"
    r"|warn(?:ed)?|report(?:ed)?|monitor(?:ed)?|escalate"
)
_PARTICIPLE = (
    r"[a-z]+(?:-[a-z]+)*(?:ed|en|wn|ne|ght|ck|un|ad|id|nt|ot|de|ept|et|ut|ld|ng)"
    r"|caught|seen|done|run|read|set|put|kept|let|sent|built|found|told|held|hit|cut|led|paid"
)
_JUDGEMENT = (
    r"\bcareless(?:ly|ness)?\b|\bnegligen(?:t|ce|tly)\b|\bincompeten(?:t|ce|tly)\b|\bsloppy\b"
    r"|\bsloppi(?:ness|ly)\b|\blaz(?:y|iness)\b(?![- ](?:load|evaluat|init|import|eval|propert|"
    r"seq|val|static|instan|compil|fetch|render|mount))|\bstupid(?:ity)?\b|\bdumb\b|\bidiot(?:ic|s)?\b"
    r"|\breckless(?:ly|ness)?\b|\bclueless\b|\bout of laziness\b|\brookie mistakes?\b"
)


@dataclass(frozen=True)
class _Trigger:
    pattern: re.Pattern[str]
    judge: Callable[[_Sentence, int, re.Match[str]], bool]
    hint: str


@dataclass
class _Token:
    text: str
    low: str  # lower case, possessive 's removed
    start: int
    possessive: bool
    punct: bool


_TOKEN = re.compile(r"@[\w-]+|[^\W_][\w'\u2019-]*|[,;:()]")
_VERBISH = re.compile(r"[a-z]+ed$")
_IRREGULAR_PAST = frozenset(
    [
        "ran",
        "typed",
        "put",
        "set",
        "took",
        "sent",
        "made",
        "chose",
        "picked",
        "hit",
        "wrote",
        "got",
        "gave",
        "did",
        "went",
        "brought",
        "built",
        "cut",
        "drove",
        "found",
        "held",
        "kept",
        "left",
        "let",
        "lost",
        "paid",
        "quit",
        "read",
        "said",
        "saw",
        "sold",
        "shut",
        "spent",
        "told",
        "thought",
        "threw",
        "won",
        "began",
        "gave",
        "pushed",
        "rolled",
    ]
)
_CLAUSE_WORDS = frozenset(["that", "which", "who", "when", "while", "because", "and", "or", "but"])
_PREPOSITIONS = frozenset(
    [
        "of",
        "on",
        "in",
        "at",
        "from",
        "for",
        "to",
        "into",
        "onto",
        "against",
        "about",
        "with",
        "within",
    ]
)
_NEGATION = re.compile(r"\b(?:not|never|no|n't|hardly)\b|n't\b")


class _Sentence:
    """One sentence of the masked text, tokenised, with actor look-ups."""

    def __init__(self, masked: str, start: int, end: int) -> None:
        self.start = start
        self.tokens: list[_Token] = []
        for m in _TOKEN.finditer(masked, start, end):
            raw = m.group()
            low = raw.lower().replace("\u2019", "'")
            possessive = low.endswith("'s") and len(low) > 2
            base = low[:-2] if possessive else low.rstrip("'")
            self.tokens.append(_Token(raw, base, m.start(), possessive, raw in ",;:()"))

    def index_at(self, offset: int) -> int:
        for i, token in enumerate(self.tokens):
            if token.start >= offset:
                return i
        return len(self.tokens)

    def kind(self, i: int) -> str:
        token = self.tokens[i]
        low = token.low
        if token.punct:
            return NONE
        if low.startswith("@"):
            return PERSON
        previous = self.tokens[i - 1].low if i > 0 else ""
        if low == "one" and previous in ("no", "any"):
            return NEGATED if previous == "no" else SKIP
        if low in lexicon.NEGATORS:
            return NEGATED
        if low in lexicon.FIRST_PERSON:
            return FIRST
        if low in lexicon.ROLES:
            return PERSON
        if previous == "team" and (token.text[:1].isupper() or token.text.isdigit()):
            return PERSON  # "team B", "Team 7"
        if low in lexicon.TRANSPARENT or low.isdigit() or low in ("no", "any"):
            return SKIP
        if token.text[:1].isupper() and not token.text.isupper():
            if low in lexicon.FIRST_NAMES:
                return PERSON
            if low not in lexicon.NOT_NAMES:
                following = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
                if (
                    following is not None
                    and following.text[:1].isupper()
                    and not following.punct
                    and following.low not in lexicon.NOT_NAMES
                ):
                    return PERSON  # a First Last pair
                return UNKNOWN_NAME
        return OTHER

    def actor_before(self, i: int, *, past_object: bool = False) -> str:
        """Who does what `tokens[i]` says: the nearest actor before it in its clause."""
        j = i - 1
        passed_verb = not past_object
        while j >= 0:
            token = self.tokens[j]
            if token.punct:
                if (
                    token.text == ","
                    and j + 1 < len(self.tokens)
                    and self.tokens[j + 1].low == "who"
                ):
                    j -= 1
                    continue
                return NONE
            if not passed_verb:
                if _VERBISH.match(token.low) or token.low in _IRREGULAR_PAST:
                    passed_verb = True
                j -= 1
                continue
            if token.low in _PREPOSITIONS:
                j -= 1
                continue
            kind = self.kind(j)
            if kind == SKIP:
                j -= 1
                continue
            if kind == OTHER:
                if self._inside_phrase(j):
                    j = self._phrase_head(j)
                    continue
                if self._relative_person(j):
                    return PERSON
            return kind
        return NONE

    def _inside_phrase(self, j: int) -> bool:
        """`tokens[j]` ends a prepositional phrase ("the author of the change")."""
        k = j - 1
        while k >= 0 and self.kind(k) == SKIP and self.tokens[k].low not in _PREPOSITIONS:
            k -= 1
        return k >= 1 and self.tokens[k].low in ("of", "on", "from", "at", "in")

    def _phrase_head(self, j: int) -> int:
        k = j - 1
        while k >= 0 and self.tokens[k].low not in ("of", "on", "from", "at", "in"):
            k -= 1
        return k - 1

    def _relative_person(self, j: int) -> bool:
        """ "The person who approved this change should have caught ...": the person acts."""
        for k in range(j - 1, 0, -1):
            if self.tokens[k].punct:
                return False
            if self.tokens[k].low in ("who", "whom"):
                return self.kind(k - 1) == PERSON
        return False

    def person_after(self, i: int, *, window: int = 8, first_only: bool = False) -> bool:
        for j in range(i, min(len(self.tokens), i + window)):
            if self.tokens[j].punct and self.tokens[j].text != ",":
                return False
            kind = self.kind(j)
            if kind == PERSON or (kind == UNKNOWN_NAME and self.tokens[j].possessive):
                return True
            if first_only and kind in (OTHER, NEGATED, FIRST, UNKNOWN_NAME):
                return False
        return False

    def by_person(self, i: int) -> bool:
        """The agent of a passive: `botched by the release engineer`."""
        for j in range(i, min(len(self.tokens), i + 4)):
            if self.tokens[j].low != "by":
                continue
            for k in range(j + 1, min(len(self.tokens), j + 5)):
                if self.tokens[k].punct or self.tokens[k].low in _CLAUSE_WORDS:
                    return False
                kind = self.kind(k)
                if kind == PERSON:
                    return True
                if kind in (NEGATED, FIRST):
                    return False
            return False
        return False

    def has_person(self) -> bool:
        return any(self.kind(j) == PERSON for j in range(len(self.tokens)))

    def negated_before(self, i: int, span: int = 3) -> bool:
        words = " ".join(t.low for t in self.tokens[max(0, i - span) : i])
        return bool(_NEGATION.search(words))


def _strict(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """A person does the judged thing: subject, or agent of a passive."""
    actor = s.actor_before(i)
    return actor == PERSON or s.by_person(i)


def _object(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`ran the wrong command`, `merged without waiting`: the subject is before verb and object."""
    return s.actor_before(i, past_object=True) == PERSON


def _adverb(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`Chen accidentally truncated ...`, `deleted the volume by mistake`."""
    return _strict(s, i, m) or _object(s, i, m)


def _loose(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """Only people forget or fat-finger: blame unless a system, "we" or "nobody" is the subject."""
    actor = s.actor_before(i)
    if actor in (PERSON, UNKNOWN_NAME, NONE):
        return True
    return s.by_person(i)


def _cause(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`is to blame`, `was at fault`, `was responsible for the outage`, not negated."""
    if _NEGATION.search(m.group()) or s.negated_before(i, 2):
        return False
    return s.actor_before(i) == PERSON


def _person_follows(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`caused by the intern`, `blame lies with Carlos`, `the root cause was the intern`."""
    end = s.index_at(m.end())
    return not s.negated_before(i, 2) and s.person_after(end, window=4, first_only=True)


def _blame_verb(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`blamed the outage on the junior engineer`, `they blame Bob`; not `git blame`."""
    before = s.tokens[i - 1].low if i > 0 else ""
    if before in ("git", "no", "without") or s.negated_before(i, 3):
        return False
    actor = s.actor_before(i)
    if actor == NEGATED:
        return False
    return actor == PERSON or s.person_after(i + 1, window=8)


def _possessive(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`Dana's typo`, `the release manager's fault`."""
    token = s.tokens[i] if i < len(s.tokens) else None
    if token is None or not token.possessive or s.negated_before(i, 3):
        return False
    return s.kind(i) in (PERSON, UNKNOWN_NAME)


def _judgement(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`careless`, `sloppy`, `negligent`: about a person, or about nobody in particular."""
    if s.negated_before(i, 2):
        return False
    if s.has_person():
        return True
    actor = s.actor_before(i)
    if actor in (OTHER, FIRST, NEGATED):
        return False
    following = s.tokens[i + 1] if i + 1 < len(s.tokens) else None
    return following is None or following.low in ("mistake", "mistakes", "error", "work", "review")


def _human_error(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    return not s.negated_before(i, 3)


def _cleft(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`It was the intern who deleted ...`, unless the person noticed or fixed something."""
    who = s.index_at(m.end()) - 1
    if who < 1 or s.kind(who - 1) != PERSON:
        return False
    verb = s.tokens[who + 1].low if who + 1 < len(s.tokens) else ""
    return verb not in _CREDIT


def _counterfactual(s: _Sentence, i: int, m: re.Match[str]) -> bool:
    """`Had the DBA read the runbook, ...`, `If the operator had been paying attention, ...`."""
    if s.tokens[i].low == "had" and i > 0:
        return False  # only a sentence that opens with "Had ..." is inverted
    j = i + 1
    while j < len(s.tokens) and s.kind(j) == SKIP and s.tokens[j].low not in ("had", "would"):
        j += 1
    return j < len(s.tokens) and s.kind(j) == PERSON


_CREDIT = frozenset(
    [
        "noticed",
        "spotted",
        "found",
        "fixed",
        "caught",
        "resolved",
        "restored",
        "saved",
        "raised",
        "escalated",
        "flagged",
        "helped",
        "led",
        "diagnosed",
        "reported",
        "mitigated",
        "recovered",
    ]
)


def _t(pattern: str, judge: Callable[[_Sentence, int, re.Match[str]], bool], hint: str) -> _Trigger:
    return _Trigger(re.compile(pattern), judge, hint)


_TRIGGERS = (
    # Only people do these; the subject decides.
    _t(r"\bforg(?:o|e)t(?:s|ten)?\b", _loose, MISS),
    _t(r"\bneglect(?:ed|s|ing)?\b", _loose, MISS),
    _t(r"\bbotch(?:ed|es|ing)?\b", _loose, JUDGE),
    _t(r"\bfat[- ]?finger(?:ed|s|ing)?\b", _loose, INPUT),
    _t(
        r"\b(?:messed|screwed|fouled|cocked|goofed) up\b|\b(?:goofed|blundered|bungled)\b",
        _loose,
        JUDGE,
    ),
    _t(r"\bdropped the ball\b|\basleep at the wheel\b|\b(?:was|were|fell) asleep\b", _loose, JUDGE),
    _t(r"\b(?:did ?n[o']?t|never) (?:even )?bother(?:ed)?\b", _loose, JUDGE),
    _t(r"\bcut(?:ting)? corners\b|\bblindly\b|\bwent back to sleep\b", _loose, JUDGE),
    _t(r"\brubber[- ]?stamp(?:ed|s)?\b|\brushed\b", _loose, PROCESS),
    _t(
        r"\bmisread\b|\b(?:was|were|wasn't|weren't) not paying attention\b|\bnot paying attention\b",
        _loose,
        MISS,
    ),
    _t(
        r"\bmade (?:a|an|another|the|this|that|one|two|several|multiple|some)(?: [a-z-]+)? "
        r"(?:typo|mistake|error|blunder|slip|miscalculation)s?\b",
        _loose,
        INPUT,
    ),
    _t(r"\bclobber(?:ed|s)\b", _loose, JUDGE),
    _t(r"\bshould(?: have)? known better\b|\bshould have known\b", _loose, HINDSIGHT),
    # Systems do these too: a person must be the actor.
    _t(r"\bfailed to (?!\w+ over\b)[a-z]+", _strict, PROCESS),
    _t(r"\bignor(?:ed|es|ing)\b", _strict, MISS),
    _t(r"\bmiss(?:ed|es)\b", _strict, MISS),
    _t(r"\boverlook(?:ed|s)?\b", _strict, MISS),
    _t(r"\bskipp(?:ed|ing)\b|\bskips\b", _strict, PROCESS),
    _t(r"\bdisregard(?:ed|s)?\b|\bsilenced\b", _strict, PROCESS),
    _t(
        rf"\b(?:did ?n[o']?t|didn't|never) (?:even |bother to |properly |actually )?(?:{_CHECK_VERBS})\b",
        _strict,
        MISS,
    ),
    _t(r"\b(?:too|was|were) slow to\b", _strict, PROCESS),
    _t(
        r"\bmis(?:configured|typed|judged|handled|managed|clicked|labell?ed|spelled|spelt|entered)\b",
        _strict,
        INPUT,
    ),
    _t(
        r"\b(?:caused|broke|took down|brought down|crashed|wiped|trashed|nuked|corrupted|blew away)\b",
        _strict,
        CAUSE,
    ),
    _t(
        r"\b(?:accidentally|mistakenly|inadvertently|erroneously|wrongly|by mistake|by accident)\b",
        _adverb,
        ACCIDENT,
    ),
    _t(
        rf"\b(?:should|could|ought to|must)(?: not|n't)? have (?:been )?(?!(?:a|an|the|to|had|some|more|no|any)\b)"
        rf"(?:{_PARTICIPLE})\b(?!-)",
        _strict,
        HINDSIGHT,
    ),
    _t(r"\b(?:the|a) wrong\b", _object, INPUT),
    _t(
        r"\b(?:pushed|deployed|merged|shipped|wrote|committed|applied|rolled out|released) "
        r"(?:a |an |the |their |his |her )?(?:broken|bad|faulty|buggy|untested|incorrect|invalid)\b",
        _strict,
        PROCESS,
    ),
    _t(
        r"\bwithout (?:first )?(?:reading|checking|testing|waiting|asking|looking|reviewing|review|"
        r"thinking|verifying|approval|double-checking|telling|notifying|a second look)\b",
        _object,
        PROCESS,
    ),
    # Cause and fault.
    _t(
        r"\b(?:is|was|are|were)(?: not| entirely| solely| partly| partially| clearly)? to blame\b"
        r"|\b(?:is|was|are|were)(?: not| entirely| solely| partly| clearly)? at fault\b"
        r"|\b(?:is|was|are|were)(?: not)? responsible for (?:the |this |that )?(?:outage|incident|"
        r"failure|breach|problem|issue|mistake|error|bug|downtime|mess|leak|loss|data loss)\b",
        _cause,
        CAUSE,
    ),
    _t(
        r"\b(?:caused|triggered|started) by\b|\b(?:because of|due to|thanks to|courtesy of|fault of)\b"
        r"|\b(?:blame|responsibility|fault)(?: for [^,;.]{0,40}?)? (?:lies|lay|rests|rested|falls|fell|"
        r"is|was) (?:squarely |entirely )?(?:with|on)\b"
        r"|\b(?:root cause|culprit|the cause)(?: of [^,;.]{0,40}?)? (?:was|is)\b",
        _person_follows,
        CAUSE,
    ),
    _t(r"\bblam(?:e|ed|es|ing)\b(?![- ](?:view|free|less|aware))", _blame_verb, CAUSE),
    _t(
        r"[\w@-]+['\u2019]s (?:[a-z-]+ )?(?:fault|mistake|error|typo|blunder|negligence|carelessness|"
        r"laziness|incompetence|oversight|screw-?up|slip|sloppiness)s?\b",
        _possessive,
        CAUSE,
    ),
    _t(_JUDGEMENT, _judgement, JUDGE),
    _t(
        r"\b(?:human|operator|user|pilot|engineer|admin|driver|operator's) error\b|\bpebkac\b",
        _human_error,
        HUMAN,
    ),
    _t(r"\bit (?:was|is) (?:the |an? |our |their )?(?:[\w@-]+ ){0,2}?who\b", _cleft, CAUSE),
    _t(
        r"\bhad\b(?=[^.]*\bwould\b)|\bif\b(?=[^.]*\bhad\b[^.]*\bwould\b)",
        _counterfactual,
        HINDSIGHT,
    ),
)
# Words every trigger contains one of: most post-mortem paragraphs skip the parse.
_NEEDLES = (
    "forg", "neglect", "botch", "finger", " up", "ball", "asleep", "bother", "corner",
    "blindly", "sleep", "stamp", "rushed", "misread", "attention", "made ", "clobber", "known",
    "failed to", "ignor", "miss", "overlook", "skip", "disregard", "silenced", "n't", "not ",
    "never", "slow to", "mis", "caus", "broke", "down", "crash", "wiped", "trash", "nuked",
    "corrupt", "blew", "accident", "mistake", "wrongly", "erroneous", " have ", "wrong",
    "pushed", "without", "blam", "fault", "responsib", "by", "due to", "thanks", "courtesy",
    "lies", "rests", "culprit", "'s", "\u2019s", "careless", "negligen", "incompeten", "sloppy",
    "sloppi", "laz", "stupid", "dumb", "idiot", "reckless", "clueless", "rookie", "error",
    "pebkac", "who", "had",
)  # fmt: skip


def find_blame(text: str) -> list[Blame]:
    """The blaming sentences of a Markdown body (no front matter), one finding each."""
    lowered = text.lower()
    if not any(needle in lowered for needle in _NEEDLES):
        return []
    masked = prose_mask(text)
    low = masked.lower().replace("\u2019", "'")
    found: dict[int, Blame] = {}
    for start, end in sentences(masked):
        segment = low[start:end]
        if not any(needle in segment for needle in _NEEDLES):
            continue
        sentence: _Sentence | None = None
        for trigger in _TRIGGERS:
            for m in trigger.pattern.finditer(low, start, end):
                sentence = sentence or _Sentence(masked, start, end)
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
