"""Blaming language in a post-mortem.

Post-mortems are blameless: they name systems and processes, not people at
fault. Flagged: a person or role ("Dana", "Oluwaseun", "the on-call
engineer", "team B", "the DBA", "the IC", "he", the person in a timeline
table's "who" cell) presented as the cause or judged: "forgot to", "failed
to follow", "ignored the pages", "didn't notice", "should have caught",
"botched", "fat-fingered", "made a typo", "ran the wrong command",
"accidentally deleted", "careless", "her sloppy merge", "asleep at the
wheel", "human error", "is to blame", "Dana's mistake", "Dana's change broke
login", "caused by the intern", "did not exercise due care", "approved her
own PR", "went silent", "against explicit instructions", "despite the
failing canary", "during the freeze", "pasted the token into Slack",
"uploaded the data to a personal drive", "chose not to act", "once again",
"if the developer had been more careful", self-blame ("I screwed up", "this
one's on me"), a group judged ("none of them thought to check", "nobody on
the SRE rota looked", "the platform team never load-tested it"), "they"
after a person or team, "he knew the tests were red", "had been told twice
and still didn't", "pointed the eval job at the production database",
"merged on red", "shipped before the review was done", sarcastic praise
("Great job, Hannes - nothing says Friday like a migration with no rollback
plan"). Left alone: a system doing the same ("the alert should have fired",
"Kubernetes failed to pull the image", "Traefik failed to reload", "the
agent ignored the policy"), "we", a bare "nobody noticed" (a gap in
detection), negations ("was not at fault"), credit ("it was Idris who
spotted it", "thanks to Ruth's runbook, the failover took minutes"), what
was planned or done by the book ("dropped the staging index, as planned",
"snoozed the alert per the runbook"), blame as a topic ("it is tempting to
blame the operator"), author-year references ("Dekker, S. (2014). ... Human
Error."), the words in compounds ("git blame", "blameless", "lazy-loading",
"fault injection"), code spans and blocks, quoted speech, block quotes,
legal citations, a Sources or References section, and the front matter. The
finding says what to write instead: what the system allowed ("the deploy
script did not check ..."). Quoting someone outside quotation marks is fine
with an inline suppression and a reason.

A learned second opinion reads what the judged phrases above miss: a naive
Bayes model over a sentence's words and word pairs (names and roles as one
token), counted from the project's labelled sentences and shipped with the
package (`blame/model.json`, plain data, nothing downloaded). It flags a
sentence no phrase flagged when the sentence names a person or role, holds
one of the model's cue words and reads as blame with probability above
0.9 ("The agent team lead pushed a tool schema change on Friday evening
and went offline."); the finding quotes the whole sentence. It reads only
what the phrases read (never code, quotes, citations, sources, headings or
front matter). On ten labelled batches written blind to both (each scored
with the model trained without it), the phrases alone find 69% of the
blaming items and the phrases with the model 84%, at precision 0.96.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.blame import find_blame
from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at_offset

ID = "blaming-language"
LEVEL = Level.WARNING


def check(ctx: LintContext) -> Iterator[Finding]:
    for pm in ctx.records.postmortems:
        doc = pm.doc
        if doc.body_offset < 0:
            continue
        offset = doc.body_offset
        for blame in find_blame(doc.text[offset:]):
            yield at_offset(
                doc,
                offset + blame.start,
                ID,
                LEVEL,
                f"blaming language: '{blame.phrase}' presents a person as the cause",
                blame.hint,
            )
