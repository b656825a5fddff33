"""A sentence as tokens, and who acts in it: the actor look-ups the triggers ask.

An actor is PERSON (a role noun, a pronoun, an @handle, a first name, a First
Last pair), UNKNOWN_NAME (a capitalised word that could be a name), OTHER (any
other content word: a system), FIRST ("we"), NEGATED ("nobody") or NONE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidentkit.blame import lexicon

PERSON, UNKNOWN_NAME, OTHER, FIRST, NEGATED, NONE, SKIP = (
    "person",
    "unknown-name",
    "other",
    "first",
    "negated",
    "none",
    "skip",
)


@dataclass
class Token:
    text: str
    low: str  # lower case, possessive 's removed
    start: int
    possessive: bool
    punct: bool


# a clock time ("02:00", "14:02:30") is one token: its colon ends no clause
_TOKEN = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\b|@[\w-]+|[^\W_][\w'\u2019-]*|[,;:()]")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_VERBISH = re.compile(r"[a-z]+ed$")
_ADVERB = re.compile(r"[a-z]{3,}ly$")
_DETERMINERS = frozenset(
    ("the", "a", "an", "our", "their", "its", "this", "these", "those", "every", "each")
)
_GENDERED = frozenset(("he", "she", "his", "her", "him", "himself", "herself", "hers"))
_PHRASE_PREPOSITIONS = frozenset(("of", "on", "from", "at", "in", "to", "for", "with"))
_COORDINATORS = frozenset(("and", "but", "then", "yet"))
_NOT_ING = frozenset(("during", "nothing", "anything", "something", "everything", "morning"))
_PLAIN_ADVERBS = frozenset(
    ("just", "then", "also", "still", "again", "already", "even", "simply", "basically", "once")
)
_TIME_NOUNS = frozenset(
    ("seconds", "minutes", "hours", "days", "weeks", "months", "years", "times", "mins", "hrs")
)
# An aside never ends with an auxiliary: ", Tomasz did," is an elliptic clause.
_AUXILIARY_ENDS = frozenset(("did", "had", "has", "was", "were", "does", "is", "would", "could"))


def _name_in_s(low: str) -> bool:
    """A given name's -s, not a plural's: "Rasmus", "Dimitris", "Tobias"; not "Logs",
    "Replicas", "Analysis", "Status"."""
    if low in lexicon.US_NOUNS or low.endswith(("ous", "sis", "xis")):
        return False
    return low.endswith(("us", "is", "ias", "yas"))


NEGATION = re.compile(r"\b(?:not|never|no|n't|hardly)\b|n't\b")


class Sentence:
    """One sentence of the masked text, tokenised, with actor look-ups."""

    def __init__(self, masked: str, start: int, end: int) -> None:
        self.text = masked
        self.start = start
        self.end = end
        self.actor_at = -1  # the token the last `actor_before` answered with
        self.tokens: list[Token] = []
        for m in _TOKEN.finditer(masked, start, end):
            raw = m.group()
            low = raw.lower().replace("\u2019", "'")
            possessive = low.endswith("'s") and len(low) > 2
            base = low[:-2] if possessive else low.rstrip("'")
            self.tokens.append(Token(raw, base, m.start(), possessive, raw in ",;:()"))

    def index_at(self, offset: int) -> int:
        """The token holding `offset` (or the next one)."""
        for i, token in enumerate(self.tokens):
            if token.start + len(token.text) > offset:
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
        if low in lexicon.SELF:
            return PERSON  # "I screwed up": self-blame is blame
        if low in ("they", "them"):
            return self._they(i)
        if low in lexicon.DUTY_NOUNS and previous in lexicon.DUTY_GROUPS:
            return PERSON  # "the night shift", "the SRE rota": people on duty
        if low in lexicon.FIRST_PERSON:
            return FIRST
        if low in ("operator", "operators") and self._software_operator(i):
            return OTHER  # "the Prometheus operator", "the operator pattern": Kubernetes
        if low in lexicon.ROLES:
            return PERSON
        if low in ("agent", "agents") and previous in lexicon.HUMAN_SERVICE:
            return PERSON  # "the helpdesk agent"; a bare "agent" is the AI under test
        if previous == "team" and (token.text[:1].isupper() or token.text.isdigit()):
            return PERSON  # "team B", "Team 7"
        if low in lexicon.TRANSPARENT or low.isdigit() or low in ("no", "any") or _TIME.match(low):
            return SKIP
        if _ADVERB.match(token.text) and low not in lexicon.NOT_ADVERBS:
            return SKIP  # "predictably broke", "lazily copied": an adverb hides no actor
        if token.text[:1].isupper() and not token.text.isupper():
            if previous in lexicon.TITLES or low.endswith(lexicon.HONORIFICS):
                return PERSON  # "Mr. Ivanov", "Tanaka-san"
            if lexicon.fold(low.split("-", 1)[0]) in lexicon.FIRST_NAMES or (
                low not in lexicon.NOT_NAMES and self._named(i)
            ):
                return PERSON
            if self._thing_in_apposition(i):
                return OTHER  # "Iris, our alert router, forgot ...": a system's name
            opens = i == 0 or previous in ("and", "but", "then")
            if low in lexicon.DEPARTMENTS and opens and self._acts_next(i):
                return PERSON  # "Support told the customer ...": the department acted
            if low not in lexicon.NOT_NAMES and low not in lexicon.PRODUCTS:
                following = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
                if (
                    following is not None
                    and following.text[:1].isupper()
                    and not following.punct
                    and following.low not in lexicon.NOT_NAMES
                ):
                    return PERSON  # a First Last pair
                if following is not None and following.low in lexicon.HUMAN_VERBS:
                    return PERSON  # "Nuno typed ...": only people type, paste or assume
                if self._gendered_after(i):
                    return PERSON  # "Kaveh, in his rush, deployed": systems take "its"
                who = self._low(i + 1) == "," and self._low(i + 2) in ("who", "whose")
                if who and self.looks_like_name(i):
                    return PERSON  # "by Mireille, who then left it": systems take "which"
                if i == 0 and not token.possessive and not self._acts_next(i):
                    return OTHER  # "Easy to forget": a capitalised first word, not a name
                if self._name_shaped(i):
                    return PERSON  # "Teodora did not test": a name no list holds
                return UNKNOWN_NAME
        if low == "head" and self._low(i + 1) == "of":
            return PERSON  # "our head of ML"
        if (
            self._low(i + 1) in ("who", "whom")
            and self._noun_like(i)
            and low not in lexicon.AFFECTED
        ):
            return PERSON  # "the evaluator who built the benchmark": systems take "which"
        return OTHER

    def guessed(self, j: int) -> bool:
        """`tokens[j]` is taken for a person only by its shape (`_name_shaped`)."""
        if j < 0 or j >= len(self.tokens):
            return False
        low = self.tokens[j].low
        return (
            low not in lexicon.ROLES
            and lexicon.fold(low.split("-", 1)[0]) not in lexicon.FIRST_NAMES
            and self._low(j - 1) not in lexicon.TITLES  # "Herr Baumann": a person for sure
            and self.kind(j) == PERSON
            and self._name_shaped(j)
        )

    def looks_like_name(self, i: int) -> bool:
        """The shape of a given name: letters only, no inner capitals, no ending of an
        English noun or verb form, no product name or part of one."""
        token = self.tokens[i]
        word = token.text[:-2] if token.possessive else token.text
        letters = word.replace("-", "").replace("'", "")
        low = token.low
        return (
            3 <= len(letters) <= 14
            and letters[0].isupper()
            and letters.isalpha()
            and letters[1:].islower()
            and (not low.endswith(lexicon.NOT_NAME_ENDINGS) or _name_in_s(low))
            and low not in lexicon.PRODUCTS
            and low not in lexicon.COMMON_CAPS
            and low not in lexicon.NOT_NAMES
            and not any(part in low for part in lexicon.PRODUCT_PARTS)
        )

    def _name_shaped(self, i: int) -> bool:
        """An unknown capitalised word shaped like a given name, as a subject: letters
        only, no inner capitals, no ending of an English noun or verb form, not after a
        determiner or preposition, not before a system noun, and acting next ("Teodora
        did not", "Idris's change", "Kaveh, in his rush")."""
        token = self.tokens[i]
        if not self.looks_like_name(i):
            return False
        previous = self.tokens[i - 1].low if i > 0 else ""
        if previous in _DETERMINERS or previous in lexicon.PREPOSITIONS or previous == "by":
            return False
        following = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if following is None:
            return False
        if following.low in lexicon.TECH_NOUNS or self._thing_in_apposition(i):
            return False
        return token.possessive or following.text in (",", "(") or self._acts_next(i)

    def _noun_like(self, i: int) -> bool:
        """`tokens[i]` can head a noun phrase: a word, not a preposition, verb or filler."""
        low = self.tokens[i].low
        return (
            low.isalpha()
            and len(low) > 2
            and low not in lexicon.PREPOSITIONS
            and low not in lexicon.TRANSPARENT
            and low not in lexicon.CLAUSE_WORDS
            and low not in lexicon.SUBORDINATORS
            and low not in ("about", "by", "as", "than", "like", "knows", "asked", "ask")
            and not self._verb(low)
        )

    def _they(self, i: int) -> str:
        """ "they" is a person when its nearest antecedent is ("the platform team ...: they
        let the domain expire"), a system when it is a plural thing ("the pods ... they").
        Read back over this sentence, then the paragraph's text just before it."""
        if i + 1 < len(self.tokens) and self.tokens[i + 1].text == "(":
            # "They (the vendor's on-site engineers) unplugged ...": said in the bracket
            for k in range(i + 2, min(len(self.tokens), i + 8)):
                if self.tokens[k].text == ")":
                    break
                if self.kind(k) == PERSON:
                    return PERSON
        for k in range(i - 1, -1, -1):
            found = self._antecedent(k)
            if found:
                return found
        first = self.text.rfind("\n\n", 0, self.start)
        first = max(0 if first < 0 else first + 2, self.start - 300)
        before = Sentence(self.text, first, self.start)
        for k in range(len(before.tokens) - 1, max(-1, len(before.tokens) - 30), -1):
            found = before._antecedent(k)
            if found:
                return found
        return OTHER

    def _antecedent(self, k: int) -> str:
        """PERSON or OTHER when `tokens[k]` can be what a "they" refers to, else ""."""
        token = self.tokens[k]
        low = token.low
        if token.punct or low in ("they", "them", "their") or low in _TIME_NOUNS:
            return ""
        kind = self.kind(k)
        if kind == PERSON or low in lexicon.ORGS:
            return PERSON
        plural = (
            kind == OTHER
            and len(low) > 3
            and low.endswith("s")
            and not low.endswith(("ss", "us", "is", "ous"))
            and not self._verb(low)
        )
        return OTHER if plural else ""

    def _thing_in_apposition(self, i: int) -> bool:
        """ "Iris, our alert router, forgot ...": the aside after the word names a system."""
        if i + 2 >= len(self.tokens) or self.tokens[i + 1].text != ",":
            return False
        if self.tokens[i + 2].low not in ("our", "the", "a", "an", "its", "their", "my"):
            return False  # "Ada, who owns the service, ...": about a person
        for token in self.tokens[i + 2 : i + 7]:
            if token.punct:
                return False
            low = token.low
            if low in lexicon.ROLES:
                return False
            if low in lexicon.TECH_NOUNS or low in lexicon.COMMON_CAPS or low in lexicon.PRODUCTS:
                return True
        return False

    def _gendered_after(self, i: int) -> bool:
        return any(t.low in _GENDERED for t in self.tokens[i + 1 : i + 12])

    def _named(self, i: int) -> bool:
        """A surname after a known first name ("Li Na"), or a word with a role in brackets
        after it ("Marcus (SRE)")."""
        previous = self.tokens[i - 1] if i > 0 else None
        if (
            previous is not None
            and previous.text[:1].isupper()
            and not previous.possessive
            and lexicon.fold(previous.low) in lexicon.FIRST_NAMES
        ):
            return True
        bracket = self.tokens[i + 1 : i + 4]
        return (
            len(bracket) == 3
            and bracket[0].text == "("
            and bracket[2].text == ")"
            and bracket[1].low in lexicon.ROLES
        )

    def _software_operator(self, i: int) -> bool:
        """A Kubernetes operator: named after what it runs, or followed by a software word."""
        previous = self.tokens[i - 1] if i > 0 else None
        following = self.tokens[i + 1].low if i + 1 < len(self.tokens) else ""
        if following in lexicon.OPERATOR_SOFTWARE:
            return True
        if any(t.low.startswith("reconcil") for t in self.tokens[i + 1 : i + 9]):
            return True  # only software reconciles: "the operator ... failed to reconcile"
        if previous is None or previous.punct:
            return False
        named = (
            previous.text[:1].isupper()
            and previous.low not in lexicon.FIRST_NAMES
            and previous.low not in lexicon.TRANSPARENT
            and previous.low not in lexicon.ROLES
        )
        if previous.low in lexicon.HUMAN_SHIFTS:
            return False  # "the night-shift operator": a person on a shift
        return (named and i > 1) or "-" in previous.low or previous.low in lexicon.OPERATOR_SOFTWARE

    def _acts_next(self, i: int) -> bool:
        following = self.tokens[i + 1].low if i + 1 < len(self.tokens) else ""
        k = i
        while following in _PLAIN_ADVERBS and k + 2 < len(self.tokens) and k - i < 3:
            k += 1  # "Agata just clicked through ...", "Tom then also ran ..."
            following = self.tokens[k + 1].low
        i = k
        return (
            bool(_VERBISH.match(following))
            or following in lexicon.IRREGULAR_PAST
            or following.endswith(("ly", "n't"))
            or following in lexicon.AUXILIARIES
            or following in lexicon.HUMAN_VERBS
            or (following == "," and self._low(i + 2) in ("who", "whose"))  # "Ada, who owns"
            or (following == "," and self._acts_after_aside(i + 1))
        )

    def _acts_after_aside(self, comma: int) -> bool:
        """ "Tadeusz, our new hire, was given ...": a verb right after a short aside."""
        for k in range(comma + 1, min(len(self.tokens), comma + 8)):
            if self.tokens[k].text == ",":
                following = self._low(k + 1)
                return following in lexicon.AUXILIARIES or bool(_VERBISH.match(following))
            if self.tokens[k].punct:
                return False
        return False

    def _low(self, i: int) -> str:
        return self.tokens[i].low if 0 <= i < len(self.tokens) else ""

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
                opening = (
                    self._bracket_start(j) if token.text == ")" else self._parenthetical_start(j)
                )
                if opening is not None:
                    # "the engineer, as usual, did not check", "Marcus (SRE) deleted": an aside
                    j = opening - 1
                    continue
                if token.text == "," and j == i - 1:
                    j -= 1  # "decided, without asking anyone,": the trigger opens an aside
                    continue
                if token.text == ":" and self._labelled_by_person(j):
                    return PERSON  # "14:02 Oksana: restarted the primary", "Dominik again: pushed"
                return NONE
            if not passed_verb:
                passed_verb = (
                    self._verb(token.low) and self._low(j - 1) != "as"  # "marked it as passed"
                ) or self._present_after_person(j)
                j -= 1
                continue
            if token.low in _COORDINATORS and passed_verb:
                # "assumed it was the network and never checked ...": the clause's subject
                return self.clause_subject(j)
            if token.low in lexicon.PREPOSITIONS or (
                _VERBISH.match(token.low)
                and j + 1 < i
                and self.tokens[j + 1].low in lexicon.PREPOSITIONS
            ):
                j -= 1  # "the engineer assigned to the ticket": a modifier, not the verb
                continue
            kind = self.kind(j)
            if kind == SKIP:
                j -= 1
                continue
            if kind == OTHER or (kind == UNKNOWN_NAME and self._low(j - 1) in ("in", "from", "at")):
                # "the author of the change", "the team in Kraków": the phrase's head acts
                if self._inside_phrase(j):
                    j = self._phrase_head(j)
                    continue
                if self._relative_person(j) or self._reduced_relative(j):
                    return PERSON
            if kind == PERSON and self._none_of(j):
                return NEGATED  # "none of the reviewers could have seen it"
            self.actor_at = j
            return kind
        return self._row_actor()

    def _labelled_by_person(self, colon: int) -> bool:
        """A chat or timeline label before the colon at `colon` names a person."""
        k = colon - 1
        while k >= 0 and colon - k <= 3 and self.kind(k) == SKIP:
            k -= 1
        return k >= 0 and colon - k <= 3 and self.kind(k) == PERSON

    def _present_after_person(self, j: int) -> bool:
        """ "Ravi kills the wrong pod", "Seo-yeon keeps deploying": a timeline's present
        tense, a verb in -s right after a person."""
        low = self.tokens[j].low
        return (
            j > 0
            and (low.endswith("s") or low in lexicon.BARE_VERBS)
            and not low.endswith(("ss", "'s"))
            and low not in lexicon.PREPOSITIONS
            and not self.tokens[j - 1].possessive
            and self.kind(j - 1) == PERSON
        )

    def _reduced_relative(self, j: int) -> bool:
        """ "The people running the migration did not bother": a person, then a verb in -ing
        and its object, before the predicate."""
        for k in range(j - 1, max(0, j - 4), -1):
            token = self.tokens[k]
            if token.punct:
                return False
            if token.low.endswith("ing") and len(token.low) > 5 and token.low not in _NOT_ING:
                return self.kind(k - 1) == PERSON
        return False

    def _none_of(self, j: int) -> bool:
        """`tokens[j]` heads "none of the reviewers", "neither of the engineers"."""
        for k in range(j - 1, max(0, j - 4), -1):
            if self.tokens[k].low == "of":
                return self.tokens[k - 1].low in ("none", "neither", "nobody", "nor")
        return False

    def _row_actor(self) -> str:
        """A table cell without a subject: the person in the cell before it
        ("| 14:02 | Dmitri | Skipped the canary |")."""
        text = self.text
        k = self.start - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if k < 0 or text[k] != "|":
            return NONE
        previous = text.rfind("|", text.rfind("\n", 0, k) + 1, k)
        if previous < 0:
            return NONE
        cell = Sentence(text, previous + 1, k)
        if not 0 < len(cell.tokens) <= 3:
            return NONE
        kinds = [cell.kind(n) for n in range(len(cell.tokens))]
        if PERSON in kinds or (len(cell.tokens) == 1 and cell.looks_like_name(0)):
            return PERSON  # "| Nadim |": a name alone in the "who" cell
        return NONE

    @staticmethod
    def verb(low: str) -> bool:
        """`low` reads as a verb in the past or an auxiliary ("deployed", "ran", "was")."""
        return Sentence._verb(low)

    @staticmethod
    def _verb(low: str) -> bool:
        return (
            bool(_VERBISH.match(low))
            or low in lexicon.IRREGULAR_PAST
            or low in ("was", "were", "is", "are", "did", "had", "has")
            or ("-" in low and low.rsplit("-", 1)[1] in lexicon.IRREGULAR_PAST)
        )

    def clause_subject(self, j: int) -> str:
        """The first actor of the clause holding `tokens[j]`, read from its start; for a
        clause with none after a comma ("..., which was untrue, and never checked"), the
        subject of the clause before it, over relative clauses."""
        start = j
        while start > 0 and not self.tokens[start - 1].punct:
            start -= 1
        while start > 1 and self.tokens[start - 1].text == ")":
            # "the on-call engineer (Chiamaka) acknowledged ... and then did nothing"
            opening = self._bracket_start(start - 1)
            if opening is None:
                break
            start = opening
            while start > 0 and not self.tokens[start - 1].punct:
                start -= 1
        for k in range(j - 1, start, -1):  # "went stale because Nkechi turned off ... and never"
            if self.tokens[k].low in lexicon.SUBORDINATORS:
                start = k
                break
        relative = self._low(start) in ("who", "whom") and self._low(start - 1) == ","
        if relative and start > 1 and self.kind(start - 2) == PERSON:
            return PERSON  # "by Mireille, who then left it running": the person before
        kind = self._first_actor(start, j)
        while kind == NONE and start > 1 and self.tokens[start - 1].text == ",":
            end = start - 1
            start = end
            while start > 0 and not self.tokens[start - 1].punct:
                start -= 1
            if self.tokens[start].low in ("which", "who", "that"):
                continue
            kind = self._first_actor(start, end)
        return kind

    def _first_actor(self, start: int, j: int) -> str:
        for k in range(start, j):
            token = self.tokens[k]
            if token.low in lexicon.PREPOSITIONS or token.low.isdigit():
                continue
            if token.low in ("our", "my", "your"):
                continue  # "our new hire": a determiner, the head noun decides
            if token.low in lexicon.SUBORDINATORS:
                continue  # "Because the safety engineer ... and forgot"
            kind = self.kind(k)
            if kind == OTHER and self._inside_phrase(k):
                continue
            if kind == OTHER and self._person_heads(k, j):
                return PERSON  # "the incident commander": a role after its modifiers
            if kind == OTHER and self._verb(token.low):
                return NONE  # "..., saw the errors, and went": a clause without a subject
            if kind != SKIP:
                return kind
        return NONE

    def _person_heads(self, k: int, end: int) -> bool:
        """A role noun heads the noun phrase that `tokens[k]` modifies ("incident commander")."""
        for n in range(k + 1, min(end, k + 3)):
            token = self.tokens[n]
            kind = self.kind(n)
            if kind == PERSON:
                return True
            if kind != OTHER or token.low in lexicon.PREPOSITIONS or self._verb(token.low):
                return False
        return False

    def _bracket_start(self, j: int) -> int | None:
        """The "(" of a short bracket closing at `j`."""
        for k in range(j - 1, max(-1, j - 8), -1):
            if self.tokens[k].text == "(":
                return k
            if self.tokens[k].punct:
                return None
        return None

    def _parenthetical_start(self, j: int) -> int | None:
        """The comma opening a short aside that ends with the comma at `j`, if any."""
        if self.tokens[j].text != ",":
            return None
        for k in range(j - 1, max(-1, j - 12), -1):
            if self.tokens[k].text == "," and k > 0:
                inner = self.tokens[k + 1 : j]
                if inner and inner[-1].low in _AUXILIARY_ENDS:
                    return None  # "ah, Tomasz did, without even opening it": the clause itself
                if all(not t.punct and t.low not in lexicon.CLAUSE_WORDS for t in inner):
                    return k
                return None
            if self.tokens[k].low in ("who", "whom") and k > 1 and self.tokens[k - 1].text == ",":
                # "the engineer, who was new to the team, deleted ...": a relative aside
                return k - 1
            if self.tokens[k].punct:
                return None
        return None

    def _inside_phrase(self, j: int) -> bool:
        """`tokens[j]` ends a prepositional phrase ("the author of the change")."""
        # over a few modifiers: "a contractor with too much access deleted ..."
        for k in range(j - 1, max(0, j - 5), -1):
            token = self.tokens[k]
            if token.punct or self._verb(token.low):
                return False
            if token.low in _PHRASE_PREPOSITIONS:
                return True
        return False

    def _phrase_head(self, j: int) -> int:
        k = j - 1
        while k >= 0 and self.tokens[k].low not in _PHRASE_PREPOSITIONS:
            k -= 1
        return k - 1

    def _relative_person(self, j: int) -> bool:
        """ "The person who approved this change should have caught ...": the person acts."""
        for k in range(j - 1, -1, -1):
            if self.tokens[k].punct:
                return False
            if self.tokens[k].low in ("whoever", "whomever"):
                return True
            if self.tokens[k].low in ("who", "whom") and k > 0:
                return self.kind(k - 1) == PERSON
        return False

    def person_after(self, i: int, *, window: int = 8, first_only: bool = False) -> bool:
        """A person within `window` tokens; `first_only`: heading the next noun phrase."""
        for j in range(i, min(len(self.tokens), i + window)):
            token = self.tokens[j]
            if token.punct and (first_only or token.text != ","):
                return False
            kind = self.kind(j)
            if kind == PERSON and not self._modifier(j):
                return True
            if kind == UNKNOWN_NAME and token.possessive:
                return True
            if first_only and (
                kind in (NEGATED, FIRST)
                or token.low in lexicon.CLAUSE_WORDS
                or token.low in lexicon.PREPOSITIONS
                or self._verb(token.low)
            ):
                return False
        return False

    def _modifier(self, j: int) -> bool:
        """ "user traffic", "customer data": a person word modifying a thing."""
        if self.tokens[j].possessive or j + 1 >= len(self.tokens):
            return False
        following = self.tokens[j + 1]
        return (
            not following.punct
            and self.kind(j + 1) == OTHER
            and not self._verb(following.low)
            and following.low not in lexicon.PREPOSITIONS
            and following.low not in lexicon.CLAUSE_WORDS
            and following.low not in ("by", "as", "than")
        )

    def human_object(self, i: int) -> bool:
        """What `tokens[i]` acts on is a human process: the runbook, the warnings, the review."""
        return any(t.low in lexicon.HUMAN_OBJECTS for t in self.tokens[i + 1 : i + 6])

    def by_person(self, i: int) -> bool:
        """The agent of a passive: `botched by the release engineer`."""
        for j in range(i, min(len(self.tokens), i + 4)):
            if self.tokens[j].low != "by":
                continue
            for k in range(j + 1, min(len(self.tokens), j + 5)):
                if self.tokens[k].punct or self.tokens[k].low in lexicon.CLAUSE_WORDS:
                    return False
                kind = self.kind(k)
                if kind == PERSON or (kind == UNKNOWN_NAME and self.looks_like_name(k)):
                    return True  # "pushed by Anselm"
                if kind in (NEGATED, FIRST):
                    return False
            return False
        return False

    def has_person(self) -> bool:
        return any(self.kind(j) == PERSON for j in range(len(self.tokens)))

    def negated_before(self, i: int, span: int = 3) -> bool:
        words = " ".join(t.low for t in self.tokens[max(0, i - span) : i])
        return bool(NEGATION.search(words))
