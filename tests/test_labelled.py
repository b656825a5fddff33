"""The prose rules measured on labelled text (tests/labelled/), against the issue's targets.

Prints precision and recall per rule; fails below: blaming-language P 0.90 /
R 0.80; secrets recall 1.0 on the provider list with at most one false
positive per 30 look-alikes; personal-data P 0.90 / R 0.90. A miss or false
alarm is listed in the failure message. docs/prose-rules.md shows the same
figures beside detect-secrets' (tests/labelled/compare.py).
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentkit.blame import find_blame, find_blame_whole, find_blame_with, trigger_matches
from incidentkit.blame.triggers import TRIGGERS
from incidentkit.detectors import find_hits
from labelled.scoring import (
    Score,
    load,
    redaction_leaks,
    score_blame,
    score_personal_data,
    score_secrets,
)


def _report(capsys: pytest.CaptureFixture[str], *scores: Score) -> None:
    with capsys.disabled():
        print()
        for score in scores:
            print(f"  labelled: {score.row()}")


def _why(score: Score) -> str:
    return "\n".join(score.mistakes)


def test_the_sets_are_as_large_as_promised() -> None:
    blame, secrets, personal = load("blame"), load("secrets"), load("personal_data")
    assert len(blame["blaming"]) >= 100 and len(blame["blameless"]) >= 100
    assert len(secrets["secrets"]) + len(secrets["lookalikes"]) >= 60
    assert len(secrets["lookalikes"]) >= 30
    assert len(personal["found"]) + len(personal["clean"]) >= 40
    for item in secrets["secrets"]:
        assert all(part in item["text"] for part in item["secret"]), item
    for item in personal["found"]:
        assert all(str(span) in item["text"] for span in item["spans"]), item


def test_blaming_language(capsys: pytest.CaptureFixture[str]) -> None:
    score = score_blame()
    triggers = score_blame(lambda text: find_blame_with(text, None))
    triggers.rule = "  (the triggers alone)"
    _report(capsys, score, triggers)
    assert score.precision >= 0.90, _why(score)
    assert score.recall >= 0.80, _why(score)


def test_the_blame_model_is_trained_and_current() -> None:
    from labelled import train_blame

    assert train_blame.TARGET.read_text(encoding="utf-8") == train_blame.current(), (
        "blame/model.json is stale: run .venv/bin/python tests/labelled/train_blame.py"
    )


def test_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    providers, lookalikes = score_secrets()
    _report(capsys, providers, lookalikes)
    assert providers.recall == 1.0, _why(providers)
    assert lookalikes.fp <= lookalikes.items / 30, _why(lookalikes)


def test_redaction_removes_every_part_of_every_secret() -> None:
    assert redaction_leaks() == []


def test_personal_data(capsys: pytest.CaptureFixture[str]) -> None:
    score = score_personal_data()
    _report(capsys, score)
    assert score.precision >= 0.90, _why(score)
    assert score.recall >= 0.90, _why(score)


def test_the_shortcuts_change_nothing() -> None:
    """Anchors and the paragraph check only skip work: every match starts with an
    anchor, and find_blame equals the whole-body judgement on every labelled text."""
    data = load("blame")
    texts = [*data["blaming"], *data["blameless"]]
    for text in texts:
        low = text.lower().replace("\u2019", "'")
        expected = [
            (k, spans)
            for k, trigger in enumerate(TRIGGERS)
            if (spans := [m.span() for m in trigger.pattern.finditer(low)])
        ]
        found = [(k, [m.span() for m in matches]) for k, matches in trigger_matches(low)]
        assert found == expected, text
        assert find_blame(text) == find_blame_whole(text), text


def test_the_docs_table_is_generated_and_current() -> None:
    pytest.importorskip("detect_secrets")
    from labelled import compare

    assert compare.PAGE.read_text(encoding="utf-8") == compare.render(), (
        "docs/prose-rules.md is stale: run .venv/bin/python tests/labelled/compare.py"
    )


def test_a_finding_names_the_words_and_says_what_to_write_instead() -> None:
    text = "## Root cause\n\nThe operator forgot to type `-n`, and the script ran for real.\n"
    [blame] = find_blame(text)
    assert text[blame.start : blame.end] == blame.phrase == "forgot"
    assert "e.g." in blame.hint and "operator" not in blame.hint


def test_crlf_bodies_are_read_like_lf_ones() -> None:
    data = load("blame")
    for text in [*data["blaming"][:60], *data["blameless"][:60]]:
        body = f"## Root cause\n\n{text}\n\nAfter that, the deploy finished.\n"
        crlf = body.replace("\n", "\r\n")
        assert [b.phrase for b in find_blame(crlf)] == [b.phrase for b in find_blame(body)]


def test_the_paragraph_shortcut_holds_in_whole_post_mortems() -> None:
    """Labelled sentences mixed into bodies with lists, quotes, code and sections."""
    data = load("blame")
    texts = [*data["blaming"], *data["blameless"]]
    rng = random.Random(15)
    shapes = ("{}", "- {}", "> {}", "```\n{}\n```", "## Sources\n\n- {}", "| 10:00 | {} |", "`{}`")
    for _ in range(150):
        parts = [rng.choice(shapes).format(rng.choice(texts)) for _ in range(rng.randint(2, 8))]
        glue = rng.choice(["\n\n", "\n", " "])
        body = "## Timeline\n\n" + glue.join(parts) + "\n"
        assert find_blame(body) == find_blame_whole(body), body


_PIECES = st.sampled_from(
    [
        "The engineer", "forgot", " ", "\n\n", "\r\n", "`", '"', "> ", "- ", "## Sources\n",
        "```\n", "had", "Bob's", " fault", ",", ".", "who", "failed to", "n't", "'s ", "by",
        "@x", "AKIA", "sk-", "password: ", "=", "://", "@", "+49 30 ", "9018204", "(0)",
        "\u2019", "\u201c", "\udcff", "|", "nobody", "the wrong", "if", "would", "Team B", "was",
        "they", "They (", "I ", "He didn't.", "none of them", "Great job, ", "nothing says",
        "on me", "Mr. ", ", who", "still didn't", "told", "knew the tests were red",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_the_finders_take_any_text(text: str) -> None:
    blames = find_blame(text)
    assert blames == find_blame_whole(text)
    for blame in blames:
        assert 0 <= blame.start < blame.end <= len(text)
        assert text[blame.start : blame.end] == blame.phrase
    hits = find_hits(text)
    assert all(0 <= h.start < h.end <= len(text) for h in hits)
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


def test_they_and_sarcasm_read_within_their_paragraph() -> None:
    """ "They" takes its antecedent from the paragraph it is in, and sarcastic praise its
    damage from the next sentence of that paragraph, so the paragraph shortcut and the
    whole-body judgement agree; a blank line ends both."""
    team = "The platform team owned the domain. They let it expire last night."
    pods = "The pods restarted twice. They let the lease expire during the restart."
    praise = "Great job, Sven. Deleting the audit log really helped the investigation."
    assert [b.phrase for b in find_blame(team)] == ["let it expire"]
    assert find_blame(pods) == []
    assert [b.phrase for b in find_blame(praise)] == ["Great job"]
    for text in (team, praise):
        apart = text.replace(". ", ".\n\n", 1)
        assert find_blame(apart) == find_blame_whole(apart) == []


def test_who_makes_a_person_but_not_of_those_affected() -> None:
    """ "The evaluator who built the benchmark leaked ..." is a person (systems take
    "which"); "customers who found the phrasing could have received ..." are those
    affected, and "it is not about who is to blame" is about blame."""
    assert find_blame("The evaluator who built the benchmark leaked the answers.")
    assert not find_blame(
        "Had it shipped, customers who found the phrasing could have received up to EUR 100."
    )
    assert not find_blame("It is not about who is to blame; it is about what the system allowed.")


def test_long_runs_of_fillers_do_not_recurse() -> None:
    """An unknown name followed by thousands of "just" (the subject check steps over
    adverbs) and thousands of "asked" before a warned-then-did clause stay cheap."""
    assert find_blame("Xyzzo " + "just " * 5000 + "forgot the flag.") == find_blame_whole(
        "Xyzzo " + "just " * 5000 + "forgot the flag."
    )
    assert find_blame("Bob asked " + "asked " * 3000 + "and he ran it.") == []
