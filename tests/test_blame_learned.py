"""The learned second opinion of `blaming-language` (`blame/learned.py`, `blame/model.json`).

What it adds (sentences no trigger flags, read as blame by the model), what it
must leave alone (the issue's hard negatives, people as neutral actors, what
lint never judges: code, quotes, block quotes, citations, sources, headings,
front matter), that lint reports it with a hint, and that the shipped model is
plain, small data read from the package. tests/test_labelled.py checks the
model is current and scores the whole set.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

import incidentkit
from conftest import RunCli, postmortem_text
from incidentkit.blame import find_blame, find_blame_whole, find_blame_with, learned
from incidentkit.cache.location import code_digest

# Blaming, but with no trigger for it: only the model flags these.
MODEL_ONLY = "The agent team lead pushed a tool schema change on Friday evening and went offline."
MODEL_ONLY_TOO = "The data engineer truncated the events table thinking it was a scratch copy."

HARD_NEGATIVES = [
    "`git blame` shows the line was last touched by Dana in March.",
    "Nobody is blamed here; Dana found the bug and wrote the fix.",
    "The node at fault was db-3, which Ana drained at 14:10.",
    "Lazy-loading made the first page slow for Priya and other users.",
    "The court found negligent misrepresentation by the vendor.",
    'A news report quoted the engineer: "we simply forgot to renew it".',
    "Ana rolled back the deploy at 14:05.",
    "Marek restarted the pods and confirmed the error rate dropped.",
    "The on-call engineer paged the database team at 02:10 and opened a bridge.",
    "Dana wrote the runbook that made the failover take minutes.",
    # the model's own false alarms on this repository's examples and README: a question
    # word and product names read as people
    "2. Why did it follow them? Retrieved text entered the prompt as trusted context.",
    "| `incidentkit build` | the MkDocs Material site (plain `mkdocs build` works too) |",
    "| `incidentkit review` | the incident database's answers; a quarterly review in Markdown |",
]


def test_the_model_flags_what_no_trigger_does() -> None:
    for text in (MODEL_ONLY, MODEL_ONLY_TOO):
        assert find_blame_with(text, None) == [], text
        [blame] = find_blame(text)
        assert text[blame.start : blame.end] == blame.phrase == text.rstrip(".")
        assert blame.hint == learned.HINT and "system or process" in blame.hint
        assert learned.probability(text) > learned.model().threshold


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_and_neutral_actors_stay_clean(text: str) -> None:
    assert find_blame(text) == [] == find_blame_whole(text)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda s: f"`{s}`",
        lambda s: f"```\n{s}\n```",
        lambda s: f'As the vendor wrote, "{s}"',
        lambda s: f"> {s}",
        lambda s: f"## Sources\n\n{s}",
        lambda s: f"# {s}",
        lambda s: f"<!-- {s} -->",
    ],
    ids=["code-span", "code-block", "quote", "block-quote", "sources", "heading", "comment"],
)
def test_what_lint_never_judges_the_model_does_not_either(wrap: Callable[[str], str]) -> None:
    body = "## Summary\n\nThe deploy failed at noon.\n\n" + wrap(MODEL_ONLY.rstrip(".")) + "\n"
    assert find_blame(body) == [] == find_blame_whole(body)


def test_in_a_whole_body_the_finding_is_at_the_sentence() -> None:
    body = (
        "## Summary\n\nThe deploy failed at noon. Ana rolled back the deploy at 14:05.\n\n"
        f"## What happened\n\nTraffic doubled. {MODEL_ONLY} The queue grew.\n"
    )
    [blame] = find_blame(body)
    assert body[blame.start : blame.end] == MODEL_ONLY.rstrip(".")
    assert find_blame_whole(body) == [blame]
    crlf = body.replace("\n", "\r\n")
    assert [b.phrase for b in find_blame(crlf)] == [blame.phrase]


def test_a_trigger_finding_is_not_doubled_by_the_model() -> None:
    text = "Once again the intern did not bother to read the runbook."
    assert learned.probability(text) > learned.model().threshold
    assert find_blame(text) == find_blame_with(text, None) != []


def test_lint_reports_the_model_s_finding_with_a_hint(
    make_repo: Callable[..., Path], run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = postmortem_text().split("---\n")[2]
    root = make_repo(
        {
            "postmortems/PM-2026-0001-stale-refund.md": postmortem_text(
                body=body + f"\n{MODEL_ONLY}\n"
            )
        }
    )
    monkeypatch.chdir(root)
    result = run_cli("lint", "--format", "json", expect=None)
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "blaming-language"]
    assert len(found) == 1, result.output
    assert "presents a person as the cause" in found[0]["message"]
    assert "system or process" in found[0]["hint"]
    # an inline suppression with a reason silences it, as it does a trigger's finding
    path = root / "postmortems" / "PM-2026-0001-stale-refund.md"
    path.write_text(
        postmortem_text(
            body=body
            + f"\n{MODEL_ONLY} <!-- incidentkit: ignore[blaming-language] the vendor's words -->\n"
        ),
        encoding="utf-8",
    )
    result = run_cli("lint", "--format", "json", expect=None)
    assert [f for f in json.loads(result.stdout)["findings"] if "blam" in f["rule"]] == []


def test_the_shipped_model_is_small_plain_data_read_from_the_package() -> None:
    raw = resources.files("incidentkit.blame").joinpath(learned.MODEL_FILE).read_bytes()
    assert len(raw) < 300_000
    data = json.loads(raw)
    assert set(data) == {"about", "prior", "threshold", "cues", "weights"}
    assert 0.9 <= data["threshold"] < 1
    assert data["cues"] == sorted(data["cues"]) and all(c in data["weights"] for c in data["cues"])
    assert all(round(w, 3) == w for w in data["weights"].values())
    model = learned.model()
    assert model is learned.model()  # read once
    assert len(model.weights) == len(data["weights"])


def test_probability_takes_any_text() -> None:
    for text in ("", " ", "```", "Dana", "\ud800 forgot", "forgot " * 2000, "İİİ Dana forgot"):
        assert 0.0 <= learned.probability(text) <= 1.0
        assert find_blame(text) == find_blame_whole(text)


def test_a_retrained_model_is_a_new_lint_cache(tmp_path: Path) -> None:
    """An editable install whose model.json changed must not be answered from the old cache."""
    package = Path(incidentkit.__file__).parent
    copy = tmp_path / "incidentkit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(copy) == code_digest(package)
    model = copy / "blame" / learned.MODEL_FILE
    model.write_text(model.read_text(encoding="utf-8").replace('"prior"', '"prior" '), "utf-8")
    code_digest.cache_clear()
    assert code_digest(copy) != code_digest(package)


def _toy(weights: dict[str, float]) -> learned.Model:
    """A model small enough to reason about: "zorbed" (no trigger knows it) is its only cue."""
    return learned.Model(weights, 0.0, 0.9, frozenset({"zorbed"}))


def test_a_sentence_is_read_only_when_its_words_could_carry_it_past_the_threshold() -> None:
    # log(0.9 / 0.1) = 2.2 is needed; "zorbed" and a person give 3.1, "cache" takes 5 away
    model = _toy({"zorbed": 3.0, learned.PERSON_TOKEN: 0.1, "cache": -5.0})
    blaming = "Dana zorbed the key."
    excused = "Dana zorbed the cache."  # every reading of it holds "cache"
    assert model.candidates(blaming, blaming.lower()) == [5]
    assert model.candidates(excused, excused.lower()) == []
    assert [b.phrase for b in find_blame_with(blaming, model)] == ["Dana zorbed the key"]
    assert find_blame_with(excused, model) == [] == find_blame_whole(excused, model)


def test_a_word_that_may_be_a_person_counts_only_for_the_reading_that_raises_the_score() -> None:
    # "Cache" may be a name: read as itself it weighs against, read as a person it does not
    model = _toy({"zorbed": 3.0, learned.PERSON_TOKEN: 0.1, "cache": -5.0})
    text = "Then Cache zorbed the key."
    assert model.candidates(text, text.lower()) == [11]


def test_a_possessive_role_is_a_person_to_the_model() -> None:
    text = "The contractor's careless regex stripped every address from the export."
    model = learned.model()
    assert model.judges(learned.words_of(text))
    assert model.candidates(text, text.lower()) != []
