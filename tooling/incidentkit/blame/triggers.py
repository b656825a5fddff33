"""The judged predicates and how each decides whether a person carries the blame.

Each trigger is a pattern over the lower-cased masked sentence and a judge
that looks at the sentence's actors (`sentence.Sentence`), with the hint a
finding gives: what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from incidentkit.blame import lexicon
from incidentkit.blame.sentence import (
    FIRST,
    NEGATED,
    NEGATION,
    NONE,
    OTHER,
    PERSON,
    SKIP,
    UNKNOWN_NAME,
    Sentence,
)

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

_CHECK_VERBS = (
    r"notic(?:e|ed)|check(?:ed)?|read|follow(?:ed)?|test(?:ed)?|verif(?:y|ied)|escalat(?:e|ed)"
    r"|think|thought|review(?:ed)?|double-check(?:ed)?|communicat(?:e|ed)|look(?:ed)?|see|saw"
    r"|reali[sz](?:e|ed)|ask(?:ed)?|wait(?:ed)?|confirm(?:ed)?|validat(?:e|ed)|consider(?:ed)?"
    r"|catch|caught|acknowledg(?:e|ed)|ack(?:ed)?|notif(?:y|ied)|inform(?:ed)?|tell|told"
    r"|warn(?:ed)?|report(?:ed)?|monitor(?:ed)?|escalate|run|ran|drain(?:ed)?|updat(?:e|ed)"
    r"|revert(?:ed)?|roll back|back up|document(?:ed)?|investigat(?:e|ed)|respond(?:ed)?"
    r"|answer(?:ed)?|react(?:ed)?|care|act|plan(?:ned)?|prepar(?:e|ed)|coordinat(?:e|ed)"
    r"|announc(?:e|ed)|renew(?:ed)?|rotat(?:e|ed)|lock(?:ed)?|follow up|do (?:their|his|her) job"
    r"|understand|understood|know what (?:a|an|the)\b|set up|configur(?:e|ed)"
    r"|turn(?:ed)? (?:it |them )?back on|re-?enabl(?:e|ed)|restor(?:e|ed)"
    r"|(?:demonstrat(?:e|ed)|show(?:ed)?|tak(?:e|en)|took) (?:any |enough |real )?(?:ownership|urgency"
    r"|care|initiative|responsibility)"
    r"|respect(?:ed)?|obey(?:ed)?|observ(?:e|ed)|adher(?:e|ed) to|compl(?:y|ied) with|abid(?:e|ed) by"
    r"|honou?r(?:ed)?|handl(?:e|ed)|open(?:ed)?|recogni[sz](?:e|ed)|wr(?:ite|ote) (?:a single |any |one )?(?:tests?|docs|runbooks?)"
    r"|shar(?:e|ed)|relay(?:ed)?|pass(?:ed)? on|pick(?:ed)? up|hand(?:ed)?(?: it| them| things)? (?:over|off)"
    r"|exercis(?:e|ed) (?:due |reasonable |proper |sufficient |enough |appropriate )?"
    r"(?:care|caution|diligence|judg(?:e)?ment)"
)
_IRREGULAR = "|".join(sorted(lexicon.IRREGULAR_PAST))
_PARTICIPLE = (
    r"[a-z]+(?:-[a-z]+)*(?:ed|en|wn|ne|ght|ck|un|ad|id|nt|ot|de|ept|et|ut|ld|ng)"
    r"|caught|seen|done|run|read|set|put|kept|let|sent|built|found|told|held|hit|cut|led|paid"
)
_JUDGEMENT = (
    r"\bcareless(?:ly|ness)?\b|\bnegligen(?:t|ce|tly)\b|\bincompeten(?:t|ce|tly)\b|\bsloppy\b"
    r"|\bsloppi(?:ness|ly)\b|\blaz(?:y|iness|ily)\b(?![- ](?:load|evaluat|init|import|eval|propert|"
    r"seq|val|static|instan|compil|fetch|render|mount))|\bstupid(?:ity)?\b|\bdumb\b|\bidiot(?:ic|s)?\b"
    r"|\breckless(?:ly|ness)?\b|\bclueless\b|\bout of (?:laziness|convenience|impatience)\b"
    r"|\brookie mistakes?\b|\bhastily\b|\bin (?:a|his|her|their) (?:hurry|rush|haste)\b"
    r"|\bhalf[- ]asleep\b|\bpredictably\b|\bunsurprisingly\b|\bimpatien(?:t|ce|tly)\b"
    r"|\boverconfiden(?:t|ce)\b|\barrogan(?:t|ce)\b|\bcavalier\b|\bhad one job\b"
    r"|\binattenti(?:ve|on)\b|\bcomplacen(?:t|cy)\b|\binexperienc(?:e|ed)\b|\birresponsib(?:le|ly|ility)\b"
    r"|\bunprofessional\b|\binept(?:itude)?\b|\bfoolish(?:ly)?\b|\bthoughtless(?:ly)?\b"
    r"|\b(?:poor|bad) judg(?:e)?ment\b|\b(?:bad|poor|terrible|questionable) (?:call|decision)s?\b|\black of (?:care|attention|diligence|discipline|rigou?r|urgency|effort|focus|judg(?:e)?ment|common sense)\b"
    r"|\bheld (?:accountable|responsible)\b|\bshodd(?:y|ily)\b|\bhasty\b|\bhalf-assed\b"
    r"|\blapses? (?:in|of) (?:attention|judg(?:e)?ment|concentration|focus|care|diligence)\b"
    r"|\bfailures? of (?:diligence|judg(?:e)?ment|care|attention|oversight|discipline)\b"
    r"|\bstroke of genius\b|\b(?:bright|brilliant|genius) idea\b|\bknowingly\b|\bsecretly\b|\bsneakily\b|\b(?:was|were)(?:n't| not) thinking\b"
    r"|\bashamed\b|\bon a whim\b|\bwithout (?:due|reasonable|proper|any) (?:care|caution|diligence|thought)\b"
)


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern[str]
    judge: Callable[[Sentence, int, re.Match[str]], bool]
    hint: str
    anchors: tuple[str, ...]  # lower-case text every match starts with one of


def _nothing_after(s: Sentence, m: re.Match[str]) -> bool:
    """ "missed nothing", "forgot nothing": a denial, not a finding."""
    j = s.index_at(m.end())
    return j < len(s.tokens) and s.tokens[j].low in ("nothing", "none")


def _strict(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """A person does the judged thing: subject, or agent of a passive.

    An unknown capitalised subject counts when what it acts on is a human
    process ("Danny ignored the linter warnings", not "Envoy ignored the header").
    """
    if _nothing_after(s, m) or _passive(s, i, m) or _explained(s, m) or _by_the_book(s):
        return False
    if not NEGATION.search(m.group()) and s.negated_before(i, 1):
        return False  # "never ignored an alert"
    actor = s.actor_before(i)
    if actor == UNKNOWN_NAME or (actor == PERSON and s.guessed(s.actor_at) and _system_like(m)):
        return s.human_object(i)  # "Inngest failed to retry the step": a product, likely
    if actor != PERSON and _participle_adjunct(s, i):
        # "Omar committed to the release branch, bypassing CI": the main clause's subject
        return s.clause_subject(i - 2) == PERSON
    return actor == PERSON or s.by_person(i)


def _participle_adjunct(s: Sentence, i: int) -> bool:
    """`tokens[i]` opens ", bypassing CI" / ", ignoring the warning" after a clause, or a
    predicate in a list ("wrote the migration, approved it himself and ran it")."""
    if i < 2 or s.tokens[i - 1].text != ",":
        return False
    low = s.tokens[i].low
    return low.endswith("ing") or (s.verb(low) and low not in ("was", "were", "is", "are"))


def _missed(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_strict`, but "near misses", "cache misses" are nouns."""
    if m.group() == "misses" and i > 0:
        before = s.tokens[i - 1].low
        if before in lexicon.MISS_NOUNS or before.isdigit() or before in _DETERMINERS:
            return False
    return _strict(s, i, m)


def _system_like(m: re.Match[str]) -> bool:
    """What systems do as often as people: miss, skip, ignore, fail to retry or deliver."""
    text = m.group()
    if text.startswith(("miss", "ignor", "skip", "overlook", "disregard", "silenced")):
        return True
    return text.startswith("failed to ") and text[10:] in lexicon.SYSTEM_VERBS


def _passive(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "was never told", "was paged by mistake": the person is acted on, not acting."""
    before = s.tokens[i - 1].low if i > 0 else ""
    if before in _BE and m.group().startswith(("never", "not")):
        return True
    return (
        i > 1
        and s.tokens[i - 2].low in _BE
        and bool(re.fullmatch(r"[a-z]+(?:ed|en|wn|ght)", before))
        and m.group().startswith("by ")
    )


def _explained(s: Sentence, m: re.Match[str]) -> bool:
    """ "did not follow the runbook because it had been replaced": a system reason follows."""
    j = s.index_at(m.end())
    for k in range(j, len(s.tokens)):
        if s.tokens[k].low in ("because", "since"):
            for n in range(k + 1, min(len(s.tokens), k + 6)):
                kind = s.kind(n)
                if kind == SKIP:
                    continue
                return kind in (OTHER, NONE) and s.tokens[n].low not in ("he", "she", "they")
            return False
        if s.tokens[k].punct and s.tokens[k].text != ",":
            return False
    return False


_SEEKING = frozenset(("someone", "somebody", "anyone", "anybody", "person", "people", "whom"))
_ABOUT_BLAMING = frozenset(
    ("tempting", "tempted", "easy", "natural", "convenient", "unfair", "pointless", "wrong")
)
_REFLEXIVE = frozenset(("themselves", "himself", "herself", "ourselves", "myself", "yourself"))
_BE = frozenset(("was", "were", "is", "are", "be", "been", "being", "wasn't", "weren't"))


def _person_just_before(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "comes down to Rob not reading the plan", "Sam, clearly not reading the graph,":
    the person right before the negation, over adverbs and an opening comma."""
    k = i - 1
    while k >= 0 and (s.kind(k) == SKIP or s.tokens[k].text == ","):
        k -= 1
    return k >= 0 and s.kind(k) == PERSON


def _by_the_book(s: Sentence) -> bool:
    """ "snoozed the alert per the runbook", "as the policy requires", "as planned": done
    as the procedure says, which blames nobody."""
    return bool(_BY_THE_BOOK.search(" ".join(t.low for t in s.tokens)))


_BY_THE_BOOK = re.compile(
    r"(?<!instead of )(?<!rather than )(?<!without )(?<!not )(?<!never )"
    r"\b(?:per|following|according to) (?:the |our |its )?(?:[\w-]+ )?(?:runbook|policy|procedure"
    r"|playbook|process|plan|checklist)\b"
    r"|\bas (?:the |our )?(?:[\w-]+ )?(?:runbook|policy|procedure|playbook|process|checklist) "
    r"(?:says|requires|prescribes|instructs|describes|allows|recommends)\b"
    r"|\bas (?:planned|intended|designed|documented|agreed|scheduled|announced)\b"
    r"|\bon (?:the |its |our )?(?:published|agreed|announced|planned|normal|regular|usual)"
    r" schedule\b"
)


def _owner_passive(s: Sentence, i: int) -> bool:
    """ "Maelle's change was merged with no tests": a person's change as a passive subject."""
    for k in range(1, min(i, 4)):
        if s.tokens[k].low in lexicon.CHANGES and _owned(s, k - 1):
            words = [t.low for t in s.tokens[k + 1 : i]]
            return len(words) >= 2 and words[0] in _BE and _participle(s, k + 2)
    return False


def _participle(s: Sentence, k: int) -> bool:
    """ "pushed", "done", "edited (live)": a passive participle before "by"."""
    low = s.tokens[k].low
    return bool(re.fullmatch(r"[a-z]+(?:ed|en|wn)", low)) or low in lexicon.IRREGULAR_PARTICIPLES


def _told_before(s: Sentence, i: int) -> bool:
    """ "Support told the customer the data was safe without checking": the person who
    spoke, not the subject of what they said."""
    for k in range(i - 1, 0, -1):
        token = s.tokens[k]
        if token.punct:
            return False
        if token.low in lexicon.SPEECH_VERBS:
            return s.actor_before(k) == PERSON
    return False


def _object(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`ran the wrong command`, `merged without waiting`: the subject is before verb and
    object; or the agent of a passive before it ("was pushed by Anselm ..., without")."""
    if _by_the_book(s):
        return False
    if s.actor_before(i, past_object=True) == PERSON or _told_before(s, i):
        return True
    if i > 1 and s.tokens[i - 1].text == "," and s.clause_subject(i - 2) == PERSON:
        return True  # "Eleanor deleted the bucket thinking it was the test one, without checking"
    if _owner_passive(s, i):
        return True
    for k in range(i - 1, 0, -1):
        token = s.tokens[k]
        if token.punct and token.text != ",":
            return False
        if token.low == "by" and (_participle(s, k - 1) or (k > 1 and _participle(s, k - 2))):
            return s.by_person(k)
    return False


_DILIGENCE = (
    r"checking|testing|reading|following|verifying|reviewing|looking|confirming|validating"
    r"|consulting|investigating|label(?:l)?ing|asking|escalating|paging|reproducing|measuring"
    r"|pulling in|calling|looping in|involving|bringing in"
)


def _object_or_after(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "ran it against explicit instructions", and at the start of a sentence
    "Instead of paging the DBA team, Oscar restarted ...": the person after the comma."""
    if _object(s, i, m):
        return True
    if s.actor_before(i) != NONE or i > 2:
        return False
    for k in range(i + 1, len(s.tokens)):
        if s.tokens[k].text == ",":
            return s.person_after(k + 1, window=3, first_only=True)
        if s.tokens[k].punct:
            return False
    return False


def _object_or_after_not_compared(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_object_or_after`, but "checked the config against the runbook" compares, it does
    not defy."""
    if m.group().startswith("against") and any(
        t.low.startswith(_COMPARING) for t in s.tokens[max(0, i - 5) : i]
    ):
        return False
    return _object_or_after(s, i, m)


_COMPARING = (
    "check", "compar", "validat", "verif", "test", "audit", "diff", "match", "measur",
    "review", "evaluat", "benchmark", "scor", "grad", "lint", "reconcil", "cross-check",
)  # fmt: skip


def _strict_unless_restored(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_strict`, but a safeguard turned off in a test environment, or turned back on, is
    a test ("disabled the health checks in staging to test the probe, then re-enabled them")."""
    if m.group().startswith(("disabled", "turned off", "switched off", "commented out")):
        words = {t.low for t in s.tokens}
        if words & lexicon.RESTORED or words & lexicon.TEST_PLACES:
            return False
    return _strict(s, i, m)


def _strict_or_which(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_strict`, and "Yusuf restarted every pod, which made things worse": the person
    of the clause a "which" refers back to."""
    if _strict(s, i, m):
        return True
    k = i - 1
    while k >= 0 and s.tokens[k].low in ("is", "was", "what", "that", "also", "only", "then"):
        k -= 1
    if k < 1 or s.tokens[k].low != "which" or s.tokens[k - 1].text != ",":
        return False
    return s.actor_before(k - 1) == PERSON or s.clause_subject(k - 1) == PERSON


def _strict_or_owner(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_strict`, and "Ines's change broke login": a person's change as the subject.
    Not what was meant to happen ("dropped the staging index, as planned")."""
    if _INTENDED.search(" ".join(t.low for t in s.tokens)):
        return False
    if _strict(s, i, m):
        return True
    if s.negated_before(i, 2) or _explained(s, m):
        return False  # "the team's schema change broke the pipeline because the pipeline ..."
    if (
        i > 1
        and s.tokens[i - 1].low in ("that", "which")
        and s.tokens[i - 2].low in lexicon.MADE_THINGS
    ):
        # "gave the customer a workaround that wiped their settings"; not "found the
        # migration that corrupted the index" (credit)
        did = any(t.low in lexicon.HANDING_VERBS for t in s.tokens[: i - 2])
        return did and s.clause_subject(i - 1) == PERSON
    k = _subject_end(s, i - 1)
    if k < 1 or s.tokens[k].low not in lexicon.CHANGES:
        return False
    return any(_owned(s, n) for n in range(max(0, k - 2), k))


def _subject_end(s: Sentence, k: int) -> int:
    """The last word of the subject before `tokens[k + 1]`, over adverbs, "is what" and
    asides between commas ("Agnieszka's hotfix, rushed out without tests, is what took",
    "the contractor's script, which nobody reviewed, wiped")."""
    while k >= 0:
        token = s.tokens[k]
        if s.kind(k) == SKIP or (token.low == "what" and k > 0 and s.tokens[k - 1].low in _BE):
            k -= 1
            continue
        if token.text == ",":
            opening = next(
                (n for n in range(k - 1, max(-1, k - 10), -1) if s.tokens[n].punct), None
            )
            if opening is None or s.tokens[opening].text != ",":
                return k
            k = opening - 1
            continue
        return k
    return k


# What a person hands over or runs, that then does the damage


_INTENDED = re.compile(r"\bas (?:planned|intended|designed|expected|scheduled|agreed)\b")


def _cause_copula(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Devika is the reason the limit was infinite": a person as the cause; not
    "Ada is the reason we caught it early" (credit)."""
    j = s.index_at(m.end())
    if j < len(s.tokens) and s.tokens[j].low in ("we", "that", "why", "our"):
        return False
    return not s.negated_before(i + 2, 3) and s.actor_before(i) == PERSON


def _acted_anyway(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "was warned ... and ran it at noon anyway": a person acting after a warning."""
    acted = any(s.verb(t.low) for t in s.tokens[max(0, i - 6) : i])
    return acted and _object_unexplained(s, i, m)


def _gamed_or_kept(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "lowered the bar so the model would pass" (a gate gamed), "kept it to himself"."""
    near = [t.low for t in s.tokens[max(0, i - 5) : i]]
    if m.group().startswith("to "):
        return "kept" in near and _object(s, i, m)
    return "so" in near and _object_unexplained(s, i, m)


def _object_or_after_unexplained(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Despite two warnings, Ulrich ran ...", "ran it despite the warnings"; no reason given."""
    return _object_or_after(s, i, m) and not _explained(s, m)


def _object_unexplained(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`_object` unless a reason follows ("despite the alert, because the rollback was riskier")."""
    return _object(s, i, m) and not _explained(s, m)


def _risky_in_freeze(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "chose to deploy during the freeze"; not "paged the DB team during the freeze" nor
    "deployed during the freeze under the exception process"."""
    if not any(t.low in lexicon.RISKY_VERBS for t in s.tokens[:i]):
        return False
    if any(t.low in lexicon.SANCTIONED for t in s.tokens):
        return False
    return _object(s, i, m) or _strict(s, i, m)


def _by_person(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "mistakes by the night operator"; not "mistakes by operators are expected"
    (people in general)."""
    j = s.index_at(m.end())
    if j >= len(s.tokens) or s.negated_before(i, 2):
        return False
    first = s.tokens[j]
    if first.low not in _DETERMINERS and not first.text[:1].isupper():
        return False
    return s.by_person(j - 1)


_DETERMINERS = frozenset(("the", "a", "an", "our", "one", "that", "this", "their", "his", "her"))


def _person_subject(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Once again, the mobile team shipped ...": a person is the clause's subject."""
    if s.actor_before(i) == PERSON:
        return True
    j = s.index_at(m.end())
    while j < len(s.tokens) and (s.tokens[j].text == "," or s.kind(j) == SKIP):
        j += 1
    for k in range(j, min(len(s.tokens), j + 3)):  # "the mobile team": a role after modifiers
        kind = s.kind(k)
        if kind == PERSON:
            return True
        if kind != OTHER or s.tokens[k].punct or s.tokens[k].low.endswith("ed"):
            return False
    return False


def _not_us(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Nobody on the platform team bothered to test the restore": a group judged; not
    "none of us bothered", which is "we"."""
    if _explained(s, m):
        return False
    return not any(s.kind(k) == FIRST for k in range(i, s.index_at(m.end())))


def _group_judged(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "None of them thought to check", "nobody on the SRE rota looked": a group of people
    judged. A bare "nobody noticed" is a gap in detection, not a verdict: it takes a
    judging verb ("thought to", "bothered") or a group of people named."""
    if not _not_us(s, i, m):
        return False
    if re.search(r"\b(?:thought to|cared to|took the time|bothered)\b", m.group()):
        return True
    end = s.index_at(m.end())
    return any(
        s.kind(k) == PERSON or s.tokens[k].low in lexicon.GROUP_NAMES for k in range(i + 1, end)
    )


def _secret_kept_loose(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """A person kept, saved or pasted a credential where anyone can read it."""
    before = s.tokens[max(0, i - 8) : i]
    if not any(t.low in lexicon.SECRET_NOUNS for t in before):
        return False
    for k in range(i - 1, max(-1, i - 9), -1):
        if s.tokens[k].low in lexicon.KEEPING_VERBS:
            return s.actor_before(k) == PERSON
    return False


def _hasty_approval(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "approved the PR in under a minute": a review too fast to be one."""
    if not any(t.low in lexicon.APPROVING for t in s.tokens[:i]):
        return False
    return _object(s, i, m)


def _bears_blame(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "the senior who told him bears the responsibility"; not "the team bears
    responsibility for the SLO" (an owner)."""
    j = s.index_at(m.end())
    if (
        j < len(s.tokens)
        and s.tokens[j].low == "for"
        and not any(t.low in lexicon.HARM or t.low in ("outage", "incident") for t in s.tokens[j:])
    ):
        return False
    if s.negated_before(i, 2):
        return False
    return s.actor_before(i) == PERSON or s.clause_subject(i) == PERSON


def _left_while_broken(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "closed the incident and went to sleep while customers still couldn't log in"."""
    if not any(t.low in lexicon.LEAVING for t in s.tokens[:i]):
        return False
    return _object(s, i, m) or _strict(s, i, m)


def _person_in_sentence(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "That does not excuse deploying an unreviewed hotfix" about the developer named in
    the sentence; not "a slow CI is no excuse for skipping tests" (a general rule)."""
    return s.has_person() and not any(s.kind(k) == FIRST for k in range(len(s.tokens)))


def _handed_over_untested(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "shipped a model that had never been evaluated": a person handed over the untested
    thing; not "found a script that had never been reviewed"."""
    for k in range(i - 1, -1, -1):
        if s.tokens[k].low in lexicon.HANDING_VERBS or s.tokens[k].low in lexicon.VOUCHING:
            return s.actor_before(k) == PERSON
    return False


def _destroyed_instead(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "deleted the customer's tenant instead of suspending it": destroyed what was to be
    kept."""
    if not any(t.low in lexicon.DESTROYING for t in s.tokens[:i]):
        return False
    return _object(s, i, m)


def _person_follows_soon(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "This is what happens when the intern is given sudo": a person right after."""
    return s.person_after(s.index_at(m.end()), window=4)


def _data_taken_home(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "exported the full customer table to her laptop": data taken to a person's device;
    not "debugged it on her laptop"."""
    if not any(t.low in lexicon.EXPORTING for t in s.tokens[:i]):
        return False
    if not any(t.low in lexicon.DATA_NOUNS for t in s.tokens[:i]):
        return False
    return _object(s, i, m)


def _self_reviewed(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "written, reviewed and shipped by the same person": review without a second person."""
    return any(t.low in ("reviewed", "approved", "signed") for t in s.tokens[:i])


def _warned_then_did(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Ines was warned the migration would lock the table, and she ran it at noon"."""
    before = " ".join(t.low for t in s.tokens[:i])
    if not _WARNING.search(before):
        return False  # "we asked the vendor to pause it, and they did": they complied
    if any(t.low in lexicon.REMEDIES for t in s.tokens) or _explained(s, m):
        return False
    return s.kind(i + 1) == PERSON


# A warning, not a request: "was warned the migration would lock", "told them to stop"
_WARNING = re.compile(
    r"\b(?:warned|cautioned)\b|\b(?:told|asked|instructed|reminded|advised)\b[\w ]{0,80}?"
    r"\b(?:not to|to stop|to avoid|to never|never to)\b"
)


def _did_what_forbidden(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "trained on customer data they had been told not to use": a person acted, then the
    sentence says they had been told not to. Not "engineers were told not to deploy" (a
    rule) nor "was told not to restart it, so she waited"."""
    if any(t.low in lexicon.REMEDIES for t in s.tokens):
        return False
    for k in range(i - 1, -1, -1):
        low = s.tokens[k].low
        if low in _BE or low in ("had", "has", "have", "been", "being"):
            continue
        if s.verb(low) and s.actor_before(k) == PERSON:
            return True
    return False


def _warned_still(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "had been told twice to rotate the key and still didn't": a person warned who went on."""
    warned = any(t.low in lexicon.WARNED for t in s.tokens[:i])
    if not warned and not _AFTER_REPEATS.search(" ".join(t.low for t in s.tokens[i:])):
        return False
    return s.actor_before(i) == PERSON


# "still hasn't automated the restore test after two incidents": warned by events
_AFTER_REPEATS = re.compile(
    r"\b(?:after|despite) (?:\w+ )?(?:incidents|reminders|warnings|requests|outages|postmortems"
    r"|post-mortems|escalations|tickets|months|quarters|years)\b"
)


def _knew_and_went_on(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "He knew the tests were red": a person who knew a gate failed (and went on); not
    "knew the replica was down" (a fact) nor "knew the canary was failing and rolled back"."""
    words = m.group().split()
    if not any(w in lexicon.GATES for w in words[1:5]):
        return False
    if any(t.low in lexicon.REMEDIES for t in s.tokens):
        return False
    return _strict(s, i, m)


def _premature(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "shipped the model before the safety review was done"; not "paused the rollout
    before the canary was complete" (stopping early is the safe call)."""
    if any(t.low in lexicon.REMEDIES for t in s.tokens[:i]):
        return False
    return _object_unexplained(s, i, m)


_TESTING = re.compile(
    r"\b(?:evals?|evaluation|test|tests|load[- ]test|benchmarks?|experiments?|experimental|debug"
    r"|scratch|notebook|chaos|dev|staging|sandbox|unbounded|untested|ad-hoc|adhoc|local|personal"
    r"|prototype|fuzz(?:er|ing)?|backfill|dry-run|one-off|throwaway|hacky)\b"
)
_ROUTINE = re.compile(r"\b(?:smoke|synthetic|canary|health|sanity|post-deploy|scheduled|planned)\b")


def _test_at_production(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "pointed the eval job at the production database", "ran an unbounded query against the
    primary": something meant for testing aimed at production by a person. Smoke tests,
    synthetic checks and scheduled jobs run against production by design."""
    words = m.group()
    if not _TESTING.search(words) or _ROUTINE.search(words):
        return False
    return _strict(s, i, m)


_SARCASM = re.compile(
    r"\bnothing says\b|\bwith (?:no|zero) (?:rollback|review|tests?|backups?|warning|plan"
    r"|approval|heads-up|canary|monitoring)|\b(?:really|totally|certainly) helped\b"
    r"|\bthanks for nothing\b|\bslow clap\b"
)


def _sarcastic(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Great job, Hannes - nothing says Friday like a migration with no rollback plan",
    "Great job, Sven. Deleting the audit log really helped": praise for the damage.
    Read to the next sentence, within the paragraph."""
    if m.group() in ("thanks for nothing", "slow clap"):
        return True
    if not any(s.kind(k) == PERSON for k in range(len(s.tokens))):
        return False
    if any(t.low in lexicon.CREDITED for t in s.tokens):
        return False  # "Kudos to Mei for spotting the leak with no monitoring in place"
    after = s.text[s.start : s.end + 200]
    stop = after.find("\n\n")
    return bool(_SARCASM.search((after if stop < 0 else after[:stop]).lower()))


_ON_ME = re.compile(
    r"(?:\bit|\bthis|\bthat|\bone|\bblame|\bfault|\bresponsibility)(?:'s|\u2019s| is| was| lies| rests)"
    r"(?: all| entirely| squarely| totally| fully)? $"
)


def _self_blame(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "This one's on me", "my bad", "mea culpa": the writer blaming themselves; not "the
    pager is on me this week" nor "not my fault"."""
    if s.negated_before(i, 2):
        return False
    if m.group() != "on me":
        return True
    return bool(_ON_ME.search(s.text[max(s.start, m.start() - 30) : m.start()].lower()))


def _one_person(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Idunn should not be allowed to deploy alone"; not "interns should not be allowed
    to ..." (a rule about a role, which is process)."""
    return _strict(s, i, m) and not s.tokens[s.actor_at].low.endswith("s")


def _person_next(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "don't let Fatima near the console": a named person kept away. A role ("don't let
    a single engineer deploy alone") is a process rule, not blame."""
    j = s.index_at(m.end())
    return j < len(s.tokens) and s.kind(j) == PERSON and s.tokens[j].text[:1].isupper()


def _adverb(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`Chen accidentally truncated ...`, `deleted the volume by mistake`."""
    if _passive(s, i, m):
        return False
    return _strict(s, i, m) or _object(s, i, m)


def _loose(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """Only people forget or fat-finger: blame unless a system, "we" or "nobody" is the subject."""
    if _nothing_after(s, m):
        return False
    actor = s.actor_before(i)
    if actor in (PERSON, UNKNOWN_NAME, NONE):
        return True
    return s.by_person(i)


def _idiom(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Asleep at the wheel", "dropped the ball": said of people whatever the subject."""
    return s.actor_before(i) not in (FIRST, NEGATED) and not s.negated_before(i, 2)


def _cause(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`is to blame`, `was at fault`, `was responsible for the outage`, not negated.

    Only after a copula: "the node at fault" names a node, it judges nobody.
    """
    j = i - 1
    while j >= 0 and s.tokens[j].low in _DEGREE:
        j -= 1
    # Negated after the copula ("was not to blame"); a "no" inside the subject ("the intern
    # with no training") negates nothing, one that denies the subject is `_denied_subject`.
    if j < 0 or s.tokens[j].low not in _COPULAS or s.negated_before(i, i - j):
        return False
    return s.actor_before(i) == PERSON and not _denied_subject(s, j)


def _denied_subject(s: Sentence, j: int) -> bool:
    """The subject before the copula at `j` is a person denied: "no single person", "no
    individual", "not one engineer", "not a single engineer" (a blameless review's sentence,
    not a verdict); not "no doubt Dmitri" or "the intern with no training"."""
    k = j - 1
    if k < 0 or s.kind(k) != PERSON:
        return False
    k -= 1
    while k >= 0 and s.tokens[k].low in _DENYING_MODIFIERS:
        k -= 1
    if k >= 1 and s.tokens[k].low == "a" and s.tokens[k - 1].low == "not":
        return True
    return k >= 0 and s.tokens[k].low in ("no", "not")


_DENYING_MODIFIERS = frozenset(("single", "one", "individual", "particular", "specific", "human"))


_COPULAS = frozenset(("is", "was", "are", "were", "be", "been", "being", "'s"))
_DEGREE = frozenset(
    ("not", "entirely", "solely", "partly", "partially", "clearly", "fully", "largely", "also")
)


def _person_follows(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`caused by the intern`, `blame lies with Carlos`, `the root cause was the intern`."""
    end = s.index_at(m.end())
    if m.group() in ("thanks to", "courtesy of") and not any(
        t.low in lexicon.HARM for t in s.tokens
    ):
        return False  # "thanks to Ruth's runbook, the failover took four minutes": credit
    if _DUTY.match(m.group()):
        return False  # "responsibility for the follow-up lies with ...": an owner, not a culprit
    return not s.negated_before(i, 2) and s.person_after(end, window=4, first_only=True)


# "responsibility for <something that is not a failure>": who owns the work
_DUTY = re.compile(
    r"responsibility for (?![^,;.]*\b(?:outage|incident|failure|breach|loss|mistake|error|delay|"
    r"downtime|leak|problem|issue|bug|mess|crash|damage)s?\b)"
)


def _blame_verb(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`blamed the outage on the junior engineer`, `they blame Bob`; not `git blame`."""
    before = s.tokens[i - 1].low if i > 0 else ""
    if before in ("git", "no", "without") or s.negated_before(i, 3):
        return False
    if before == "to" and i > 1 and s.tokens[i - 2].low in _SEEKING | _ABOUT_BLAMING:
        return False  # "not looking for someone to blame", "tempting to blame": about blame
    if before == "to" and i > 1 and s.tokens[i - 2].low in _COPULAS:
        return False  # "X is to blame": the cause trigger judges it, denials included
    after = s.index_at(m.end())
    if after < len(s.tokens) and s.tokens[after].low in _REFLEXIVE:
        return False  # "engineers blamed themselves": about blame, not blaming
    actor = s.actor_before(i)
    if actor == NEGATED:
        return False
    if actor == PERSON:
        return True
    # "we blame the design, not the people": a person denied is not the one blamed
    return s.person_after(i + 1, window=8) and not _person_denied(s, i + 1)


def _person_denied(s: Sentence, start: int) -> bool:
    """The first person within 8 tokens of `start` comes after "not" or "no"."""
    for k in range(start, min(len(s.tokens), start + 8)):
        if s.kind(k) == PERSON:
            return s.negated_before(k, 2)
    return False


def _possessive(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`Dana's typo`, `the release manager's fault`."""
    token = s.tokens[i] if i < len(s.tokens) else None
    if token is None or not token.possessive or s.negated_before(i, 3):
        return False
    return s.kind(i) in (PERSON, UNKNOWN_NAME)


def _judgement(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`careless`, `sloppy`, `negligent`: about a person, or about nobody in particular."""
    if s.negated_before(i, 2):
        return False
    if s.has_person() or (i > 0 and _owned(s, i - 1)):
        return True  # "her careless merge", "Thabo's sloppy regex"
    actor = s.actor_before(i)
    if actor in (OTHER, FIRST, NEGATED):
        return False
    following = s.tokens[i + 1] if i + 1 < len(s.tokens) else None
    return following is None or following.low in ("mistake", "mistakes", "error", "work", "review")


def _owned(s: Sentence, k: int) -> bool:
    """`tokens[k]` is a person's possessive: "her", "his", "their", "Thabo's"."""
    token = s.tokens[k]
    if token.low in ("her", "his", "their"):
        return True
    return token.possessive and s.kind(k) in (PERSON, UNKNOWN_NAME)


def _human_error(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """ "Root cause: human error"; not "human error is not a root cause", "rather than human error"."""
    if s.negated_before(i, 3):
        return False
    before = " ".join(t.low for t in s.tokens[max(0, i - 3) : i])
    if _NOT_THE_CAUSE_BEFORE.search(before):
        return False
    after = s.index_at(m.end())
    if after < len(s.tokens) and s.tokens[after].low in lexicon.ERROR_COMPOUNDS:
        return False  # "operator error messages": a kind of message
    return not _ABOUT_IT.match(" ".join(t.low for t in s.tokens[after : after + 5]))


_NOT_THE_CAUSE_BEFORE = re.compile(r"\b(?:rather than|instead of|beyond|more than|blaming|blame)$")
# "human error is a symptom", "was not the cause": a statement about human error, not a verdict
# ("human error is the root cause" is a verdict all the same)
_ABOUT_IT = re.compile(
    r"(?:is|are)\b(?! (?:also |clearly |again )?(?:the (?:\w+ )?cause|to blame|responsible|what|why))"
    r"|(?:isn't|aren't)\b|(?:was|were|seems|seemed)(?: not| never|n't)\b|(?:wasn't|weren't)\b"
)


def _cleft(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`It was the intern who deleted ...`, unless the person noticed or fixed something."""
    who = s.index_at(m.end()) - 1
    if who < 1 or s.kind(who - 1) not in (PERSON, UNKNOWN_NAME):
        return False
    verb = s.tokens[who + 1].low if who + 1 < len(s.tokens) else ""
    return verb not in lexicon.CREDIT


def _counterfactual(s: Sentence, i: int, m: re.Match[str]) -> bool:
    """`Had the DBA read the runbook, ...`, `avoidable had Nora followed the checklist`,
    `If (only) the operator had been paying attention, ...`."""
    j = i + 1
    while j < len(s.tokens) and (
        (s.kind(j) == SKIP and s.tokens[j].low not in ("had", "would"))
        or s.tokens[j].low in ("our", "my", "your")
    ):
        j += 1  # "If our PM hadn't promised the date"
    for k in range(j, min(len(s.tokens), j + 3)):  # "had the support lead escalated"
        if s.kind(k) == PERSON:
            j = k
            break
        if s.kind(k) != OTHER or s.tokens[k].punct:
            break
    if j >= len(s.tokens) or s.kind(j) != PERSON:
        return False
    if _passive_after(s, j):
        return False  # "if the DBA had been told": the person is acted on
    if s.tokens[i].low == "if":
        return any(t.low in _MODALS or t.low.endswith(("'d", "'ve")) for t in s.tokens)
    # "had" before its subject is an inversion only when a past participle follows
    return any(
        re.fullmatch(r"[a-z]+(?:-[a-z]+)*(?:ed|en|wn|ght)", t.low)
        or t.low in lexicon.IRREGULAR_PAST
        for t in s.tokens[j + 1 : j + 4]
    )


def _passive_after(s: Sentence, j: int) -> bool:
    """ "<person> had been told / paged / warned": a passive after the person at `j`."""
    words = [t.low for t in s.tokens[j + 1 : j + 4]]
    return (
        len(words) == 3
        and words[:2] == ["had", "been"]
        and (bool(re.fullmatch(r"[a-z]+(?:ed|en|wn)", words[2])) or words[2] in _PAST_ONLY)
    )


_PAST_ONLY = frozenset(("told", "sent", "given", "shown", "taught", "paged", "warned"))
_MODALS = frozenset(("would", "could", "might", "wouldn't", "couldn't"))


# "to a personal drive": where something went, as fixed-width look-behinds so that a
# match starts at "personal" (its anchor), not at the common "to"
_INTO = "|".join(
    rf"(?<=\b{to} {det})"
    for to in ("to", "into")
    for det in ("", "a ", "an ", "his ", "her ", "their ", "my ")
)


def _cross(firsts: str, seconds: str) -> str:
    """Anchors "a x | a y | b x | b y" from "a | b" and "x | y": specific anchors are free
    in the one Aho-Corasick pass, and the fewer places a pattern is tried the better."""
    return " | ".join(f"{a} {b}" for a in firsts.split(" | ") for b in seconds.split(" | "))


def _negated(verbs: str) -> str:
    """Anchors for "did not", "didn't", "didnt", "did nt"... from "did | ...": each verb
    with each spelling of its negation (` ?n[o']?t`), not the verb alone ("do" is in
    "document", "down" and "todo")."""
    return " | ".join(
        f"{verb}{space}{neg}"
        for verb in verbs.split(" | ")
        for space in ("", " ")
        for neg in ("not", "n't", "nt")
    )


def _t(
    pattern: str, judge: Callable[[Sentence, int, re.Match[str]], bool], hint: str, anchors: str
) -> Trigger:
    """A trigger; `anchors`: " | "-separated text every match starts with one of."""
    return Trigger(re.compile(pattern), judge, hint, tuple(anchors.split(" | ")))


TRIGGERS = (
    # Only people do these; the subject decides.
    _t(r"\bforg(?:o|e)t(?:s|ten)?\b", _loose, MISS, "forg"),
    _t(r"\bneglect(?:ed|s|ing)?\b", _loose, MISS, "neglect"),
    _t(r"\bbotch(?:ed|es|ing)?\b", _loose, JUDGE, "botch"),
    _t(
        r"\bfat[- ]?finger(?:ed|ing)\b|\bfat[- ]?fingers? (?:the|a|an|it|his|her|their|one)\b",
        _idiom,
        INPUT,
        "fat",
    ),
    _t(
        r"\b(?:messed|screwed|fouled|cocked|goofed) up\b|\b(?:goofed|blundered|bungled)\b",
        _loose,
        JUDGE,
        "messed | screwed | fouled | cocked | goofed | blundered | bungled",
    ),
    _t(
        r"\bdropped the ball\b|\basleep at the (?:wheel|switch)\b",
        _idiom,
        JUDGE,
        "dropped the ball | asleep at",
    ),
    _t(
        r"\b(?:(?:did|had|has) ?n[o']?t|never) (?:even )?bother(?:ed)?\b",
        _loose,
        JUDGE,
        _negated("did | had | has") + " | never",
    ),
    _t(
        r"\b(?:sat|sit|sits|sitting) on (?:the |a |an |that |this |their |his |her )?"
        r"(?:[\w-]+ ){0,2}?(?:page|pages|alert|alerts|ticket|tickets|pr|pull request|review|report"
        r"|reports|escalation|escalations|it|fix|patch|request|requests)\b"
        r"|\bwent rogue\b|\bmix(?:ed|es|ing)? up\b",
        _strict,
        JUDGE,
        "sat on | sit on | sits on | sitting on | went rogue | mix",
    ),
    _t(
        r"\bcut(?:ting)? corners\b|\bblindly\b|\bwent back to sleep\b",
        _idiom,
        JUDGE,
        "cut | blindly | went back",
    ),
    _t(r"\brubber[- ]?stamp(?:ed|s|ing)?\b|\brushed\b", _loose, PROCESS, "rubber | rushed"),
    _t(
        r"\bmisread\b|(?:\bnot|n't|\bnever) paying attention\b|\bslept through\b",
        _loose,
        MISS,
        "misread | slept through | " + _cross("not | n't | never", "paying"),
    ),
    _t(
        r"\bdistracted\b|\bcould(?: not|n't) be bothered\b",
        _loose,
        JUDGE,
        "distracted | could",
    ),
    _t(
        r"\bshould(?: have been| be)? (?:more )?(?:careful|attentive|vigilant|cautious|diligent)\b"
        r"|\bshould (?:know|have known) better\b|\bmade a (?:bad|poor|wrong|terrible|careless) "
        r"(?:call|decision|choice|judg(?:e)?ment)\b|\bborked\b",
        _loose,
        HINDSIGHT,
        "should | made a | borked",
    ),
    _t(
        r"\bmade (?:a|an|another|the|this|that|one|two|several|multiple|some)(?: [a-z-]+)? "
        r"(?:typo|mistake|error|blunder|slip|miscalculation)s?\b",
        _loose,
        INPUT,
        "made",
    ),
    _t(r"\bclobber(?:ed|s)\b", _loose, JUDGE, "clobber"),
    _t(r"\bshould(?: have)? known better\b|\bshould have known\b", _loose, HINDSIGHT, "should"),
    _t(
        r"\bscrewed the pooch\b|\basleep on the job\b|\bfell asleep on\b|\bwas asleep on duty\b"
        r"|\basleep (?:on|during) (?:the |his |her |their )?(?:bridge|call|watch|shift|incident"
        r"|page|rotation)\b"
        r"|\bcould(?:n't| not) have cared less\b|\bmore interested in\b"
        r"|\bso (?:that )?(?:he|she) could (?:leave|go home|get|make|catch|finish|head|log off)\b"
        r"|\band (?:he|she) (?:did not|didn't|never did)(?= *[.;!]| *$)",
        _idiom,
        JUDGE,
        "screwed the pooch | asleep on | asleep during | fell asleep | was asleep | couldn't have"
        " | could not have | more interested | so he | so she | so that | and he"
        " | and she",
    ),
    # Systems do these too: a person must be the actor.
    _t(r"\bfailed to (?!fail over\b)[a-z]+", _strict, PROCESS, "failed to"),
    _t(r"\bignor(?:e|ed|es|ing)\b", _strict, MISS, "ignor"),
    _t(r"\bmiss(?:ed|es)\b", _missed, MISS, "miss"),
    _t(r"\boverlook(?:ed|s)?\b", _strict, MISS, "overlook"),
    _t(r"\bskipp(?:ed|ing)\b|\bskips\b", _strict, PROCESS, "skip"),
    _t(
        r"\bdisregard(?:ed|s)?\b|\bsilenced\b|\bsnoozed\b",
        _strict,
        PROCESS,
        "disregard | silenced | snoozed",
    ),
    _t(
        r"\b(?:chose|decided|opted|elected)(?: [\w-]+){0,3}? to (?:ignore|skip|bypass|disable|override"
        r"|silence)\b"
        r"|\b(?:brushed|waved|shrugged) (?:off|away|aside)\b|\bclicked (?:through|past|away)\b|\bdismissed the (?:alert|page|warning|alarm)s?\b"
        r"|\b(?:bypassed|overrode|circumvented|abused|overruled|vetoed)\b|\bsupposed to\b"
        r"|\bleft (?:the |a |an |it |them |their |our )?(?:[\w-]+ ){0,3}?(?:open|unlocked|public|"
        r"exposed|unpatched|unprotected|unencrypted|world-readable)\b"
        r"|\bleft (?:the |a |an |our )?(?:[\w-]+ ){0,3}?(?:on|enabled|running) in (?:production|prod)\b"
        r"|\blet (?:the |a |an |it |its |their |our )?(?:[\w-]+ ){0,2}?(?:expire|lapse|slip)\b",
        _strict,
        PROCESS,
        "chose | decided | opted | elected | brushed | waved | shrugged | clicked | dismissed | bypassed | overrode | circumvented | abused | overruled | vetoed | supposed to | left | let",
    ),
    _t(
        rf"\b(?:(?:did|does|do|had|has|have) ?n[o']?t|didn't|doesn't|don't|hadn't|hasn't|haven't"
        rf"|never|won't|will not) "
        rf"(?:even |bother to |properly |actually |ever |always )?(?:[a-z]+-)?(?:{_CHECK_VERBS})\b",
        _strict,
        MISS,
        _negated("did | does | do | had | has | have") + " | never | won't | will not",
    ),
    _t(
        r"\bslow to\b|\btoo (?:tired|busy|distracted|rushed|lazy|careless|slow)(?: [\w-]+){0,4}? to\b",
        _strict,
        PROCESS,
        "slow to | " + _cross("too", "tired | busy | distracted | rushed | lazy | careless | slow"),
    ),
    _t(
        r"\b(?:not|never) (?:[a-z]+-)?(?:reading|checking|testing|following|noticing|verifying|looking|paying|"
        r"reviewing|waiting|asking|bothering|escalating|responding)\b",
        _person_just_before,
        MISS,
        "not  | never ",  # with the space after: not "note", "nothing"
    ),
    _t(
        # any mis- verb in the past: misconfigured, misdiagnosed, misjudged, misunderstood...
        r"\bmis(?:[a-z]{3,}ed|understood|took|spelt|led)\b",
        _strict,
        INPUT,
        "mis",
    ),
    _t(
        r"\b(?:caused|broke|crashed|wiped|trashed|nuked|corrupted|blew away|overwrote|starved"
        r"|overloaded|saturated|flooded|hammered)\b"
        r"|\b(?:took|brought|knocked) (?:[\w-]+ ){0,2}?down\b"
        r"|\b(?:dropp?(?:ed)?|delet(?:e|ed)|truncat(?:e|ed)|destroy(?:ed)?|eras(?:e|ed)|purg(?:e|ed)"
        r"|overwr(?:ite|ote)|wip(?:e|ed)) (?:the |all |every |our )?(?:of the )?"
        r"(?:entire |whole |live |production |prod |primary |customer |customers' |customers "
        r"|staging )"
        r"|\bdelet(?:e|ed) (?:the |all |every |our |their )?(?:of (?:the |our ))?backups\b"
        r"|\b(?:dropp?(?:ed)?|delet(?:e|ed)|truncat(?:e|ed)) (?:the |an? )?(?:[\w-]+ ){0,3}?(?:on|in|from)"
        r" (?:the )?(?:live|production|prod|primary)\b",
        _strict_or_owner,
        CAUSE,
        "caused | broke | crashed | wiped | trashed | nuked | corrupted | blew | took | brought | knocked | drop | delet | truncat | destroy | eras | purg | overwr | wip"
        " | starved | overloaded | saturated | flooded | hammered",
    ),
    _t(
        r"\b(?:accidentally|mistakenly|inadvertently|erroneously|wrongly|incorrectly|improperly"
        r"|by mistake|by accident)\b",
        _adverb,
        ACCIDENT,
        "accidentally | mistakenly | inadvertently | erroneously | wrongly | incorrectly"
        " | improperly | by mistake | by accident",
    ),
    _t(
        rf"\b(?:(?:should|ought to|must)(?: not|n't| never)?|could)"
        r"(?: (?:at least|really|probably|definitely|clearly|also|just|simply|certainly|obviously))?"
        rf"(?: have|'ve) (?!(?:a|an|the|to|had|some|more|no|any|been)\b)"
        rf"(?:{_PARTICIPLE})\b(?!-)",
        _strict,
        HINDSIGHT,
        "should | could | ought | must",
    ),
    _t(r"\b(?:the|a) wrong\b", _object, INPUT, "the wrong | a wrong"),
    _t(
        # "gave us wrong instructions": a pronoun object, then "wrong"
        r"(?:(?<=\bus )|(?<=\bthem )|(?<=\bhim )|(?<=\bher )|(?<=\bme ))wrong\b"
        r"|(?<=[a-z] )wrong(?=[,.;:)]| so\b| and\b| which\b|$)",
        _object,
        INPUT,
        "wrong",
    ),
    _t(
        r"\b(?:pushed|deployed|merged|shipped|wrote|committed|applied|rolled out|released) "
        r"(?:a |an |the |their |his |her )?(?:broken|bad|faulty|buggy|untested|incorrect|invalid)\b",
        _strict,
        PROCESS,
        "pushed | deployed | merged | shipped | wrote | committed | applied | rolled out | released",
    ),
    _t(
        r"\bwithout (?:first |actually |even |ever |properly |really |carefully |so much as )?[a-z]+ing\b"
        r"|\bwithout (?:approval|review|a second look|a review|sign-off|permission)\b"
        r"|\bwithout (?:a |an |any |the |proper |adequate )?(?:second (?:pair of eyes|review|"
        r"approver|look)|tests?|backups?|a backup|rollback plan|plan|ticket|change request|heads-up"
        r"|canary|canaries|a canary|staging|a dry run|dry-run|a dry-run|smoke tests"
        r"|(?:staged|gradual|phased|progressive) (?:rollout|release|deploy(?:ment)?)|feature flag"
        r"|(?:green|passing|successful|clean) (?:build|ci|run|tests?|checks?|pipeline|canary))\b"
        r"|\bwithout (?:a single|any|one) (?:reviewer|review|approval|approver|test|check)s?\b"
        r"|\bwithout (?:a |an |any |the )?(?:security|code|peer|design|privacy|legal|safety|change"
        r"|formal) (?:review|sign-off|approval)\b",
        _object,
        PROCESS,
        "without",
    ),
    _t(
        rf"\b(?:instead of|rather than) (?:{_DILIGENCE})\b"
        r"|\bagainst (?:(?:explicit|clear|express|written|repeated|direct) )+"
        r"(?:instructions|advice|orders|policy|guidance|recommendations?)\b"
        r"|\bagainst (?:the |our |my |his |her |their )?(?:[\w-]+'s )?(?:[\w-]+ )?(?:advice|instructions|orders"
        r"|wishes|agreements?|polic(?:y|ies)|process|procedures?|guidance|runbook|rules)\b"
        r"|\bagainst (?:every|all|all of our|all our) (?:guidelines?|rules|polic(?:y|ies)"
        r"|best practices?)\b"
        r"|\b(?:instead of|rather than) (?:the |our )?(?:planned|agreed|approved|documented|required"
        r"|usual|scheduled)\b"
        r"|\bcontrary to (?:the |our |all |explicit )?(?:[\w-]+ )?(?:plan|runbook|policy|agreement"
        r"|instructions|advice|procedure|process|guidance|rules)\b"
        r"|\b(?:instead of|rather than) (?:one (?:by|at a) (?:one|time)|in batches|gradually"
        r"|region by region|node by node|a few at a time)\b"
        r"|\binstead of (?:main|master|the main branch|staging|prod|production"
        r"|the (?:[\w-]+ )?(?:replica|primary|standby|secondary|canary|staging))\b"
        r"|\bknowing (?:that |full well )?(?:it|the [\w-]+|they|this) (?:was|were) (?:[\w-]+ ){0,2}?"
        r"(?:broken|failing|wrong|risky|unsafe|untested|down|bad|flaky|incomplete|not ready)\b",
        _object_or_after_not_compared,
        PROCESS,
        _cross(
            "instead of | rather than",
            "checking | testing | reading | following | verifying | reviewing | looking"
            " | confirming | validating | consulting | investigating | labelling | labeling"
            " | asking | escalating | paging | reproducing | measuring | pulling in | calling"
            " | looping in | involving | bringing in",
        )
        + " | against | instead of main | instead of master | instead of the | instead of staging"
        " | instead of prod | instead of production | knowing | instead of our | rather than the"
        " | instead of one | rather than one | instead of in | rather than in | instead of gradually"
        " | rather than gradually | instead of region | instead of node | instead of a"
        " | rather than region | rather than node | rather than a | rather than our | contrary to"
        " | "
        + _cross(
            "instead of | rather than",
            "planned | agreed | approved | documented | required | usual | scheduled",
        ),
    ),
    _t(
        r"\b(?:merged|approved|reviewed|deployed|shipped|signed off on|rubber-stamped) "
        r"(?:his|her|their) own\b"
        r"|\b(?:approved|reviewed|merged|signed off on) (?:it |them |this |that )?"
        r"(?:himself|herself|themselves)\b"
        r"|\b(?:did it|went ahead|proceeded) (?:anyway|regardless)\b"
        r"|\bwent (?:silent|dark|quiet|awol|missing|radio silent)\b"
        r"|\bstopped (?:answering|responding|replying)\b|\bdisappeared\b"
        r"|\bnowhere to be found\b"
        r"|\bactually (?:reads?|follows?|checks?|tests?|looks?|reviews?|verif(?:y|ies)|"
        r"listens?|pays? attention)\b"
        r"|\bcaused (?:the|this) (?:outage|incident|downtime|data loss|breach)\b"
        r"|\bmade (?:it|things|matters|everything|the (?:situation|problem|outage|incident)) worse\b"
        r"|\bleak(?:ed|s)\b",
        _strict_or_which,
        JUDGE,
        " | ".join(
            (
                _cross(
                    "merged | approved | reviewed | deployed | shipped | signed off on"
                    " | rubber-stamped",
                    "his | her | their",
                ),
                _cross(
                    "approved | reviewed | merged | signed off on",
                    "it | them | this | that | himself | herself | themselves",
                ),
                _cross("did it | went ahead | proceeded", "anyway | regardless"),
                _cross("went", "silent | dark | quiet | awol | missing | radio"),
                _cross("stopped", "answering | responding | replying"),
                "disappeared | nowhere to | actually | caused the | caused this | leaked | leaks",
                _cross("made", "it | things | matters | everything | the"),
            )
        ),
    ),
    _t(
        r"\b(?:pasted|posted|committed|hard-?coded|checked in|copied) (?:the |a |an |his |her |their |our |live |production |prod |personal |real )*"
        r"(?:[\w'-]+ ){0,2}?(?:token|api key|key|password|secret|credentials?|connection string)s?\b"
        r"(?! (?:rotation|scanner|scanning|manager|store|vault|fix|leak|check|policy|format|"
        r"prefix|name|names|id|ids)\b)",
        _strict,
        PROCESS,
        "pasted | posted | committed | hard-coded | hardcoded | checked in | copied",
    ),
    _t(
        rf"(?:{_INTO})(?:personal|private) (?:[\w-]+ ){{0,2}}?"
        r"(?:drive|account|laptop|bucket|gist|repo|repository|email|inbox|device|machine"
        r"|dropbox|folder|computer|phone)s?\b"
        rf"|(?:{_INTO})public (?:[\w-]+ ){{0,2}}?(?:bucket|gist|repo|repository|drive|paste)s?\b"
        r"|\b(?:straight|directly) (?:to|into|on) (?:main|master|prod|production|the main branch)\b"
        r"|\b(?:that|which) (?:had )?failed (?:its|the|their|all|two|three|several|every|half|most"
        r"|many|some|one)\b"
        r"|\bwith (?:failing|failed|red) (?:tests|checks|builds?|ci|canary|canaries|smoke tests)\b"
        r"|\bwith (?:no|zero) (?:evals?|tests?|testing|reviews?|approvals?|rollback plan|monitoring"
        r"|backups?|canary|canaries|sign-off)\b"
        r"|\bto (?:make|get) (?:the |it |them )?(?:[\w-]+ ){0,2}?(?:pass|green)\b",
        _object_unexplained,
        PROCESS,
        "personal | private | public | straight | directly | to make | to get | with no | with zero"
        " | that failed | that had failed | which failed | which had failed | with failing"
        " | with failed | with red",
    ),
    _t(
        r"\banyway\b",
        _acted_anyway,
        PROCESS,
        "anyway",
    ),
    _t(
        # "lowered the threshold so the model would ship"; "kept the outage to herself"
        r"\b(?:would|could) (?:ship|pass|go out|launch)\b|\bto (?:himself|herself|themselves)\b"
        r"|\b(?:would|could) stop (?:paging|alerting|firing|complaining|failing|blocking|bothering)\b",
        _gamed_or_kept,
        PROCESS,
        _cross("would | could", "ship | pass | go out | launch | stop")
        + " | to himself | to herself | to themselves",
    ),
    _t(
        r"\bduring (?:the |a |our )?(?:change |code |deploy |release |holiday )?freeze\b",
        _risky_in_freeze,
        PROCESS,
        "during",
    ),
    _t(
        r"\b(?:despite|in spite of) (?:being|having been) (?:told|warned|asked|reminded|advised"
        r"|instructed)\b"
        r"|\b(?:even though|despite|in spite of) (?:the |a |an |two |three |several |repeated |clear )?"
        r"(?:[\w'-]+ ){0,5}?(?:warnings?|alerts?|pages?|failing|failed|red|errors?|doubled|tripled"
        r"|rising|spiked?|broken|objections?|concerns?|freeze|instructions|sev-?\d?s?|incidents?|blockers?"
        r"|showing|drops?|regressions?|findings|red flags?|risks?)\b",
        _object_or_after_unexplained,
        PROCESS,
        "even though | despite | in spite of",
    ),
    _t(
        r"\brefus(?:ed|es) to\b|\bdid nothing\b|\btook no action\b|\bpanicked\b"
        r"|\bfell short of\b|\bfailed at (?:it|the|his|her|their|this|that)\b|\babandoned\b"
        r"|\b(?:trained|tuned|fine-tuned|fit|fitted|optimi[sz]ed|calibrated|selected|picked)"
        r" (?:the [\w-]+ (?:[\w-]+ )?)?on the (?:holdout|hold-out|test|eval|evaluation)"
        r" (?:set|split|data)\b"
        r"|\bforce[- ]?(?:merged|merges|deployed|deploys|applied|promoted)\b"
        r"|\bforce-?pushed (?:over|to|onto) (?:the |our )?(?:[\w-]+ )?(?:main|master|release|shared"
        r"|production|prod)\b"
        r"|\bcherry-?picked (?:the )?(?:[\w-]+ ){0,2}?(?:examples|results|metrics|numbers|samples"
        r"|data|evidence|benchmarks?|runs|seeds|checkpoints|prompts|cases|outputs|scores|trials)\b"
        r"|\b(?:cannot|can't|can not|could not|couldn't) be trusted\b"
        r"|\bwent (?:to lunch|for lunch|to bed|back to bed)\b|\bhard-?coded\b"
        r"|\bwent back to (?:his |her |their )?(?:dinner|lunch|sleep|the (?:movie|game|party|pub))\b"
        r"|\b(?:chose|decided|opted) to do nothing\b|\bbypass\b"
        r"|\blet (?:a |an |the |it |them |this |that )(?:[\w,-]+ ){0,3}?through\b"
        r"|\b(?:made|pushed|applied|ran|deployed|merged|shipped) (?:an? |the )?"
        r"(?:unauthori[sz]ed|unapproved|unsanctioned|unreviewed|untested)\b"
        r"|\bkept (?:running|deploying|pushing|merging|retrying|restarting|going|ignoring|snoozing"
        r"|silencing|acking)\b"
        r"|\bwaved (?:it |them |the [\w-]+ |[\w-]+ ){0,2}?through\b"
        r"|\b(?:does|do|did)(?:n't| not) (?:even )?believe in\b"
        r"|\bdragged (?:their|his|her|our) feet\b"
        r"|\b(?:chose|decided|opted) not to (?:act|respond|escalate|tell|inform|report|fix"
        r"|intervene|check|look|reply)\b"
        r"|\bwalked (?:away from|off)\b"
        r"|\b(?:would not|wouldn't|did not|didn't) (?:let|allow) (?:anyone|anybody|us|them|the team"
        r"|others)\b"
        r"|\bassumed\b(?! (?:the |incident |an? )*(?:command|role|responsibility|ownership|control"
        r"|lead|duties|duty|on-call|pager|ic)\b)"
        r"|\b(?:decided|thought|figured|felt|judged) (?:that )?(?:[\w-]+ ){1,5}?(?:was|were|would be"
        r"|is) (?:optional|unnecessary|not needed|overkill|not important|not worth)"
        r"|\bbypass(?:ing|es)\b|\b(?:a habit|a tendency) (?:of|to)\b"
        r"|\b(?:needs?|has|have|must|should) (?:to )?(?:stop|learn to) [a-z]+ing\b"
        r"|\bneeds to (?:double-check|check|read|pay attention|be more careful|slow down"
        r"|actually|think)\b"
        r"|\b(?:disabled|turned off|switched off|commented out) (?:the |a |an |all |our )?"
        r"(?:[\w-]+ ){0,2}?(?:health ?checks?|checks|tls|verification|tests?|safeguards?|guardrails?"
        r"|rate limiter|rate limits?|lint(?:er|ing)?|validation|branch protection|confirmation"
        r"|backups?|protections?|audit(?: logs?| logging)?|approvals?|signing|encryption|mfa|2fa)\b",
        _strict_unless_restored,
        JUDGE,
        "refused to | refuses to | did nothing | took no | panicked | chose not | decided not"
        " | fell short | failed at | abandoned | went to | went for | went back"
        " | chose to do | decided to do | opted to do | "
        + _cross("let", "a | an | the | it | them | this | that")
        + " | trained | tuned | fine-tuned | fit | fitted | optimized | optimised | calibrated"
        " | selected | picked | force-pushed | forcepushed | force-merge | force merge | forcemerge"
        " | force-deploy | force deploy | force-appl | force appl | force-promot | force promot"
        " | forcedeploy | forceappl | forcepromot"
        " | cherry-picked | cherrypicked | cannot be | can't be | can not be | could not be"
        " | couldn't be"
        " | hard-coded | hardcoded | "
        + _cross(
            "made | pushed | applied | ran | deployed | merged | shipped",
            "an | a | the | unauthorized | unauthorised | unapproved | unsanctioned | unreviewed"
            " | untested",
        )
        + " | kept running | kept deploying | kept pushing | kept merging | kept retrying"
        " | kept restarting | kept going | kept ignoring | kept snoozing | kept silencing"
        " | kept acking | waved | doesn't believe | don't believe | didn't believe"
        " | does not believe | do not believe | did not believe | dragged"
        " | opted not | walked away | walked off | "
        + _cross("would not | wouldn't | did not | didn't", "let | allow")
        + " | assumed | decided | thought | figured | felt | judged"
        " | bypass | a habit | a tendency | disabled | turned off | switched off | commented out | "
        + _cross("needs to | need to | has to | have to | must | should", "stop | learn")
        + " | "
        + _cross(
            "needs to",
            "double-check | check | read | pay | be more | slow down | actually | think",
        ),
    ),
    _t(
        r"\b(?:nobody|no one|no-one|none of (?:them|the [\w-]+|those [\w-]+))"
        r"(?: (?:on|in|from|at|of) (?:the |our |that |this )?[\w -]{1,30}?)?"
        r" (?:even |ever |actually |once |really )?"
        r"(?:thought to|cared to|took the time|bothered|(?:[a-z]+-)?(?:checked|looked|tested"
        r"|verified|reviewed|read|noticed|questioned|asked|escalated|responded|acknowledged"
        r"|acked|followed up|picked up|watched|opened|tried|double-checked|ran|reproduced"
        r"|loaded|pulled))\b",
        _group_judged,
        JUDGE,
        "nobody | no one | no-one | none of",
    ),
    _t(
        r"\b(?:told|informed|warned|notified|asked|consulted|alerted|paged|looped in|telling"
        r"|informing|asking|consulting|warning) (?:no one|nobody|no-one)\b",
        _strict,
        PROCESS,
        _cross(
            "told | informed | warned | notified | asked | consulted | alerted | paged | looped in"
            " | telling | informing | asking | consulting | warning",
            "no one | nobody | no-one",
        ),
    ),
    _t(
        r"\b(?:told|asked|warned|instructed|ordered|reminded|advised) (?:explicitly )?not to\b",
        _did_what_forbidden,
        PROCESS,
        _cross(
            "told | asked | warned | instructed | ordered | reminded | advised",
            "not to | explicitly",
        ),
    ),
    _t(
        r"\bprematurely\b|\btoo (?:early|soon)\b",
        _object,
        JUDGE,
        "prematurely | too early | too soon",
    ),
    _t(r"\blost track of\b", _strict, JUDGE, "lost track of"),
    _t(
        # "took 45 minutes to even look at it": the "even" judges
        r"\btook (?:[\w-]+ ){1,2}?(?:minutes?|hours?|days?|weeks?) to even\b",
        _strict,
        JUDGE,
        "took",
    ),
    _t(
        r"\b(?:running|ran|testing|tested|checking|checked|reading|read|looking at|looked at"
        r"|reviewing|reviewed) only (?:the |a |its |his |her )?(?:smoke|happy[- ]path|first|unit"
        r"|title|summary|top|subject|description)\b"
        r"|\bonly (?:ran|tested|checked|read|skimmed|looked at|reviewed) (?:the |a |its )?"
        r"(?:smoke|happy[- ]path|first|unit|title|summary|top|subject|description)\b",
        _object,
        PROCESS,
        _cross(
            "running | ran | testing | tested | checking | checked | reading | read | looking at"
            " | looked at | reviewing | reviewed",
            "only",
        )
        + " | only ran | only tested | only checked | only read | only skimmed | only looked"
        " | only reviewed",
    ),
    _t(
        r"\bw/o (?:a |an |any )?(?:tests?|testing|review|reviews|approval|sign-off|canary|backup"
        r"|asking|telling|checking)\b",
        _object,
        PROCESS,
        "w/o",
    ),
    _t(
        r"\bto (?:hit|make|meet|catch) (?:the |a |an |our |their )(?:[\w-]+ )?(?:deadline|date"
        r"|launch|demo|release train|cutoff)\b",
        _object,
        PROCESS,
        _cross("to hit | to make | to meet | to catch", "the | a | an | our | their"),
    ),
    _t(
        r"\bby the same (?:person|engineer|developer|author|individual|contractor)\b",
        _self_reviewed,
        PROCESS,
        "by the same",
    ),
    _t(
        r"\bunredacted\b|\bunanonymi[sz]ed\b|\bunmasked\b",
        _object,
        PROCESS,
        "unredacted | unanonymized | unanonymised | unmasked",
    ),
    _t(
        r"\b(?:his|her|their) (?:own )?(?:laptop|phone|desktop|home (?:machine|computer)"
        r"|personal [\w-]+)\b",
        _data_taken_home,
        PROCESS,
        _cross("his | her | their", "laptop | phone | desktop | own | home | personal"),
    ),
    _t(
        # "entered 300 instead of 30", "for everyone instead of the 1% cohort"
        r"\b(?:instead of|rather than) (?:the |a |an )?\d",
        _object_or_after,
        INPUT,
        _cross(
            "instead of | rather than | instead of the | rather than the | instead of a"
            " | rather than a | instead of an | rather than an",
            "0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9",
        ),
    ),
    _t(
        r"\b(?:rather than|instead of) (?:escalate|ask|page|wait|check|test|read|follow|roll back"
        r"|call|verify|look)\b",
        _object_or_after,
        PROCESS,
        _cross(
            "rather than | instead of",
            "escalate | ask | page | wait | check | test | read | follow | roll back | call"
            " | verify | look",
        ),
    ),
    _t(
        # "was warned the migration would lock the table, and she ran it at noon"
        r"\band (?:he|she|they) (?:still |then )?(?:ran|did|deployed|pushed|merged|shipped|applied"
        r"|restarted|released|started|went ahead)\b",
        _warned_then_did,
        PROCESS,
        _cross(
            "and he | and she | and they",
            "ran | did | deployed | pushed | merged | shipped"
            " | applied | restarted | released | started | went | still | then",
        ),
    ),
    _t(
        r"\bleft (?:the |a |an |our )?(?:[\w-]+ ){0,3}?(?:on|enabled|running|open),? (?:after|over"
        r"|for (?:days|weeks|months)|when|while|which)\b",
        _strict,
        PROCESS,
        "left",
    ),
    _t(
        r"\bover (?:the )?(?:production|prod|live) (?:one|config|configuration|database|db|data"
        r"|file|files|copy|version)\b",
        _object,
        INPUT,
        "over the production | over the prod | over the live | over production | over prod"
        " | over live",
    ),
    _t(
        # "the eval set was contaminated because Rustam pasted ...": a harm, then a person
        r"\b(?:contaminated|corrupted|lost|deleted|broken|inflated|wiped|exposed|leaked|dropped"
        r"|overwritten|down|wrong|failed|missed|delayed) because\b",
        _person_follows,
        CAUSE,
        _cross(
            "contaminated | corrupted | lost | deleted | broken | inflated | wiped | exposed"
            " | leaked | dropped | overwritten | down | wrong | failed | missed | delayed",
            "because",
        ),
    ),
    _t(
        r"\b(?:does(?:n't| not)|do(?:n't| not)|did(?:n't| not)|cannot|can't) excuse\b"
        r"|\bno excuse for\b|\bis no excuse\b|\bshame on\b",
        _person_in_sentence,
        JUDGE,
        _cross("doesn't | does not | don't | do not | didn't | did not | cannot | can't", "excuse")
        + " | no excuse | is no excuse | shame on",
    ),
    _t(
        r"\b(?:another|someone else's|somebody else's|the wrong) (?:customer|user|tenant|client"
        r"|patient|person|account)(?:'s|s')",
        _object,
        INPUT,
        "another customer | another user | another tenant | another client | another patient"
        " | another person | another account | someone else's | somebody else's | "
        + _cross("the wrong", "customer | user | tenant | client | patient | person | account"),
    ),
    _t(
        r"\bleft (?:his|her|their) (?:pager|phone|laptop|yubikey|token)"
        r" (?:at home|behind|in the car|on silent|unattended)\b"
        r"|\bwith (?:the|his|her|their) (?:pager|phone) on silent\b",
        _strict,
        JUDGE,
        "left his | left her | left their | with the pager | with his pager | with her pager"
        " | with their pager | with the phone | with his phone | with her phone | with their phone",
    ),
    _t(
        r"\b(?:that|which) (?:had |has |have |were |was )?(?:never|not) (?:been )?(?:[a-z]+-)?"
        r"(?:evaluated|tested|reviewed|validated|checked|verified|approved|executed|run)\b",
        _handed_over_untested,
        PROCESS,
        _cross(
            "that | which",
            "had never | had not | has never | has not | never | not | have never | have not"
            " | were never | was never | were not | was not",
        ),
    ),
    _t(
        r"\binstead of (?:suspending|archiving|disabling|pausing|draining|detaching|deactivating"
        r"|hiding|soft-deleting|restarting|rolling back|scaling down|stopping)\b",
        _destroyed_instead,
        ACCIDENT,
        _cross(
            "instead of",
            "suspending | archiving | disabling | pausing | draining | detaching | deactivating"
            " | hiding | soft-deleting | restarting | rolling | scaling | stopping",
        ),
    ),
    _t(
        # "He didn't.": the whole sentence, after what was expected of him
        r"\b(?:he|she|they) (?:did(?:n't| not)|never did|had(?:n't| not)|never had)(?= *[.;!]| *$)",
        _idiom,
        JUDGE,
        _cross("he | she | they", "didn't | did not | never did | hadn't | had not | never had"),
    ),
    _t(
        r"\b(?:disappointing|frustrating|unacceptable|embarrassing|inexcusable|baffling"
        r"|infuriating) (?:that|how|when)\b",
        _person_follows_soon,
        JUDGE,
        "disappointing | frustrating | unacceptable | embarrassing | inexcusable | baffling"
        " | infuriating",
    ),
    _t(
        r"\bunattended\b|\bunsupervised\b|\bunmonitored\b",
        _object,
        PROCESS,
        "unattended | unsupervised | unmonitored",
    ),
    _t(
        r"\bin (?:under|less than) (?:a|one|two|\d+) (?:minute|minutes|seconds?)\b|\bwithin seconds\b"
        r"|\bin a few seconds\b",
        _hasty_approval,
        PROCESS,
        "in under | in less than | within seconds | in a few",
    ),
    _t(
        r"\b(?:chose|prioriti[sz]ed|put|valued|picked|favou?red) (?:speed|velocity|the deadline"
        r"|shipping|the demo|convenience|the launch|the date) (?:over|before|ahead of|above)"
        r" (?:safety|testing|tests|quality|review|stability|correctness|reliability)\b",
        _strict,
        JUDGE,
        _cross(
            "chose | prioritized | prioritised | put | valued | picked | favored | favoured",
            "speed | velocity | the | shipping | convenience",
        ),
    ),
    _t(
        r"\b(?:bears?|bore|carries|carried) (?:the |full |most of the |all the )?"
        r"(?:responsibility|blame)\b",
        _bears_blame,
        CAUSE,
        "bear | bore | carries | carried",
    ),
    _t(
        r"\bwhile (?:customers|users|clients|the site|checkout|production|prod|errors|the outage)"
        r" (?:were |was )?still\b",
        _left_while_broken,
        JUDGE,
        "while customers | while users | while clients | while the site | while the outage"
        " | while checkout | while production | while prod | while errors",
    ),
    _t(
        # "merged on red", "force-deploys over the failing health check"
        r"\b(?:on|over|through|past) (?:a |the )?(?:red|failing|failed|broken)\b",
        _object_or_after_unexplained,
        PROCESS,
        _cross(
            "on | over | through | past",
            "red | failing | failed | broken | a red | a failing | a failed | a broken | the red"
            " | the failing | the failed | the broken",
        ),
    ),
    _t(
        r"\b(?:skimmed|glanced (?:over|at)|eyeballed|skim-read|half-read|speed-read)\b",
        _strict,
        PROCESS,
        "skimmed | glanced | eyeballed | skim-read | half-read | speed-read",
    ),
    _t(
        r"\bas (?:optional|a formality|a suggestion|an afterthought|a nice-to-have|unnecessary"
        r"|a rubber stamp|a box to tick|a checkbox)\b",
        _object,
        PROCESS,
        "as optional | as a formality | as a suggestion | as an afterthought | as a nice-to-have"
        " | as unnecessary | as a rubber | as a box | as a checkbox",
    ),
    _t(
        # "kept the root credentials in a text file on the shared drive"
        r"\b(?:in|on|into) (?:a |an |the |his |her |their |our )?(?:plain ?text|text files?"
        r"|spreadsheets?|shared drives?|wiki|slack|chat|notebooks?|sticky notes?)\b",
        _secret_kept_loose,
        PROCESS,
        _cross(
            "in | on | into | "
            + _cross("in | on | into", "a | an | the | his | her | their | our"),
            "plain | plaintext | text | spreadsheet | spreadsheets | shared | wiki | slack | chat"
            " | notebook | notebooks | sticky",
        ),
    ),
    _t(
        r"\b(?:this|that)(?:'s| is| was) what (?:happens|you get|we get) when\b",
        _person_follows_soon,
        CAUSE,
        "this's what | this is what | this was what | that's what | that is what | that was what",
    ),
    _t(
        r"\bstill (?:did(?:n't| not)|had(?:n't| not)|has(?:n't| not)|never|went ahead|ignored"
        r"|did it|deployed|pushed|merged|ran|shipped|skipped)\b",
        _warned_still,
        PROCESS,
        "still",
    ),
    _t(
        r"\b(?:knew|was aware|were aware)(?: full well)? (?:that )?(?:the |its |their |this |his |her )?"
        r"(?:[\w-]+ ){0,2}?(?:was|were|had been|would be|would|might)(?: still| already| probably)?"
        r" (?:[\w-]+ )?(?:red|failing|failed|broken|wrong|risky|unsafe|untested|flaky|not ready"
        r"|incomplete|stale|fail|break|unreviewed)\b",
        _knew_and_went_on,
        PROCESS,
        "knew | was aware | were aware",
    ),
    _t(
        r"\b(?:pushed|pressured|pressed|forced|told|ordered|instructed|asked|made|encouraged"
        r"|allowed|let|got) (?:the |a |an |our |their |his |her |them |him |everyone |everybody )?"
        r"(?:[\w-]+ ){0,2}?to (?:ignore|skip|bypass|disable|override|silence|rush|cut corners"
        r"|ship without|deploy without|merge without|turn off)\b",
        _strict,
        PROCESS,
        "pushed | pressured | pressed | forced | told | ordered | instructed | asked | made"
        " | encouraged | allowed | let | got",
    ),
    _t(
        r"\bbefore (?:(?:the|any|a|an|its|their) (?:[\w-]+ ){0,2}?|(?=(?:review|ci|tests|evals)\b))"
        r"(?:review|reviews|tests?"
        r"|evals?|evaluation|approval|sign-off|ci|canary|checks?|build|audit|soak)(?: run)?"
        r"(?: (?:was|were|had|has))?(?: been)? (?:done|finished|complete|completed|passed|run"
        r"|green|approved|over|back)\b"
        r"|\bbefore (?:anyone|anybody|a reviewer|the reviewer|the reviewers|review) (?:had )?"
        r"(?:reviewed|approved|checked|looked at|signed off|seen)\b",
        _premature,
        PROCESS,
        _cross(
            "before",
            "the | any | a | an | its | their | anyone | anybody | review | ci | tests | evals",
        ),
    ),
    _t(
        r"\b(?:pointed|aimed|targeted|ran|run|launched|started|kicked off|executed|fired off"
        r"|connected|pushed|shipped|deployed|released|uploaded|published) (?:(?:a|an|the|his|her"
        r"|their|our|my) |(?=(?:staging|dev|evals?|tests?|load|benchmarks?|experimental|unbounded"
        r"|untested|scratch|local|debug)\b))(?:[\w-]+ ){0,3}?"
        r"(?:against|at|on|to|in) (?:the )?(?:live|production|prod|primary|customer|app store"
        r"|play store|all users|everyone)\b",
        _test_at_production,
        PROCESS,
        _cross(
            "pointed | aimed | targeted | ran | run | launched | started | kicked off | executed"
            " | fired off | connected | pushed | shipped | deployed | released | uploaded"
            " | published",
            "a | an | the | his | her | their | our | my | staging | dev | eval | evals | test"
            " | tests | load | benchmark | benchmarks | experimental | unbounded | untested"
            " | scratch | local | debug",
        ),
    ),
    _t(
        r"\b(?:great|nice|good|fantastic|stellar|brilliant|excellent|amazing|awesome) "
        r"(?:job|work|move|call|one)\b|\bwell done\b|\bkudos\b|\bbravo\b|\bslow clap\b"
        r"|\bthanks for nothing\b|\bway to go\b",
        _sarcastic,
        JUDGE,
        "great | nice | good | fantastic | stellar | brilliant | excellent | amazing | awesome"
        " | well done | kudos | bravo | slow clap | thanks for nothing | way to go",
    ),
    _t(
        r"\bshould(?: not|n't| never)(?: have been| be) allowed (?:to|near|on|in|access)\b"
        r"|\bshould(?: not|n't| never) have been (?:given|granted|trusted with)\b",
        _one_person,
        JUDGE,
        "should not be | shouldn't be | should never be | should not have | shouldn't have"
        " | should never have",
    ),
    _t(
        r"\b(?:squarely|entirely|solely|firmly|all) on\b",
        _person_follows,
        CAUSE,
        "squarely on | entirely on | solely on | firmly on | all on",
    ),
    _t(
        r"\b(?:is|was|are|were) the (?:main |root |primary |direct |only |real )?"
        r"(?:reason|cause|culprit)\b",
        _cause_copula,
        CAUSE,
        _cross("is | was | are | were", "the"),
    ),
    _t(
        r"\b(?:mistakes?|errors?|blunders?|negligence|carelessness|oversights?|slip-ups?|lapses?)"
        r" (?:made )?by\b",
        _by_person,
        CAUSE,
        _cross(
            "mistake | mistakes | error | errors | blunder | blunders | negligence | carelessness"
            " | oversight | oversights | slip-up | slip-ups | lapse | lapses",
            "by | made by",
        ),
    ),
    _t(
        r"\b(?:once again|yet again|once more|for the (?:second|third|fourth|fifth|nth|umpteenth)"
        r" time)\b",
        _person_subject,
        JUDGE,
        "once again | yet again | once more | for the",
    ),
    _t(
        r"\bthought it (?:was|would be) (?:a )?(?:good|great|smart|clever|fine|brilliant) idea\b",
        _loose,
        JUDGE,
        "thought it",
    ),
    _t(
        r"\b(?:don't|do not|never) (?:let|allow)(?= )",
        _person_next,
        JUDGE,
        _cross("don't | do not | never", "let | allow"),
    ),
    # Cause and fault.
    _t(
        r"\bto blame\b|\bat fault\b|\bresponsible for (?:the |this |that )?(?:outage|incident|"
        r"failure|breach|problem|issue|mistake|error|bug|downtime|mess|leak|loss|data loss)\b",
        _cause,
        CAUSE,
        "to blame | at fault | responsible for",
    ),
    _t(
        r"\b(?:caused|triggered|started) by\b|\b(?:damage|harm|mess)(?: was)? done by\b|\b(?:because of|due to|thanks to|courtesy of|fault of)\b"
        r"|\bit(?:'s| is| was) (?:all )?on\b|\b(?:comes|came|boils|boiled) down to\b|\b(?:traced|traces|attributed|attributable) (?:back )?to\b"
        r"|\b(?:happened|occurred|began|started|went down|went wrong) because\b"
        r"|\b(?:blame|responsibility|fault)(?: for [^,;.]{0,40}?)? (?:lies|lay|rests|rested|falls|fell|"
        r"is|was) (?:squarely |entirely )?(?:with|on)\b"
        r"|\b(?:root cause|culprit|the cause)(?: of [^,;.]{0,40}?)? (?:was|is)\b",
        _person_follows,
        CAUSE,
        "caused by | triggered by | started by | damage was done | damage done | harm was done"
        " | harm done | mess was done | mess done | happened | occurred | began | started | went down | went wrong | because of | due to | thanks to | courtesy of | fault of | it's | it is | it was | comes down | came down | boils down | boiled down | traced | traces | attributed | attributable | blame | responsibility | fault | root cause | culprit | the cause",
    ),
    _t(
        r"\bon me\b|\bmy (?:bad|fault|mistake|screw-?up|blunder|doing)\b|\bmea culpa\b",
        _self_blame,
        CAUSE,
        "on me | my bad | my fault | my mistake | my screw | my blunder | my doing | mea culpa",
    ),
    _t(r"\bblam(?:e|ed|es|ing)\b(?![- ](?:view|free|less|aware))", _blame_verb, CAUSE, "blam"),
    _t(
        r"['\u2019]s (?:[a-z-]+ )?(?:fault|mistake|error|typo|blunder|negligence|carelessness|"
        r"laziness|incompetence|oversight|screw-?up|slip|sloppiness|failure|lapse|omission|"
        r"misstep|misjudge?ment|gaffe|inattention|inaction)s?\b"
        r"|['\u2019]s (?:sloppy|careless|hasty|shoddy|lazy|reckless|clumsy|botched|negligent"
        r"|untested|unreviewed|unapproved|hurried|rushed|half-baked|ill-considered|misguided"
        r"|incompetent|half-hearted) [a-z-]+"
        r"|['\u2019]s (?:reluctance|failure|unwillingness|hesitation) to\b"
        r"|['\u2019]s (?:habit|tendency|pattern) of [a-z]+ing\b"
        r"|['\u2019]s (?:decision|choice|call|idea) (?:not )?to (?:skip|bypass|ignore|disable|override"
        r"|turn off|delete|drop|force|rush|deploy on|ship without|merge without|page|escalate|act"
        r"|tell|roll back|wait)\b"
        r"|['\u2019]s (?:slow|late|delayed|poor|bad|belated) (?:response|reaction|escalation|ack"
        r"|acknowledge?ment|reply|handling|judg(?:e)?ment|decision|call|choice|work|planning"
        r"|communication|review)s?\b",
        _possessive,
        CAUSE,
        "'s ",
    ),
    _t(
        _JUDGEMENT,
        _judgement,
        JUDGE,
        "careless | negligen | incompeten | sloppy | sloppi | laz | stupid | half asleep | half-asleep | predictably | unsurprisingly | impatien | overconfiden | arrogan | cavalier | had one job | "
        + _cross("in his | in her | in their", "hurry | rush | haste")
        + " | dumb | idiot | reckless | clueless | out of | rookie | hastily | in a | inattenti | complacen | inexperienc | irresponsib | unprofessional | inept | foolish | thoughtless | lack of | held | bad | poor | terrible | questionable | shodd | hasty | half-assed | lapse | failure of | failures of | stroke of genius | bright idea | brilliant idea | genius idea | knowingly | secretly | sneakily | wasn't thinking | weren't thinking | was not thinking | were not thinking | ashamed | on a whim | without due | without reasonable | without proper | without any",
    ),
    _t(
        r"\b(?:human|operator|user|pilot|engineer|admin|driver|operator's|employee|staff|developer"
        r"|personnel|technician|manual|clerical) errors?\b|\bpebkac\b",
        _human_error,
        HUMAN,
        _cross(
            "human | operator | user | pilot | engineer | admin | driver | operator's | employee"
            " | staff | developer | personnel | technician | manual | clerical",
            "error",
        )
        + " | pebkac",
    ),
    _t(
        r"\bit (?:was|is) (?:the |an? |our |their )?(?:[\w@-]+ ){0,2}?who\b",
        _cleft,
        CAUSE,
        "it was | it is",
    ),
    _t(
        # "had" + its subject (a word or three) + a past participle: an inversion
        rf"\bhad(?= (?:[\w@'-]+ ){{1,3}}(?:[a-z]+(?:-[a-z]+)*(?:ed|en|wn|ght)|{_IRREGULAR})\b)"
        r"|\bif\b(?=[^.]*\bhad(?:n't)?\b)",
        _counterfactual,
        HINDSIGHT,
        "had  | if",  # "had" with the space after: not "hadoop"
    ),
)
