"""`new incident` for a person: choices in any case, every required value asked with human
labels, help that lists the schema's values and meanings, and slugs that keep the title's sense."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import incidentkit.cli.new
from conftest import RunCli
from incidentkit.authoring.render import slugify

FLAGS = [
    "--title",
    "Agent promised a refund policy that does not exist",
    "--agent",
    "support-agent",
    "--started-at",
    "2026-11-20T08:00:00Z",
    "--detected-at",
    "2026-11-20T09:30:00Z",
]


@pytest.fixture
def root(tmp_path: Path, run_cli: RunCli) -> Path:
    run_cli("init", tmp_path / "team", "--no-git")
    return tmp_path / "team"


def _front_matter(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(data, dict)
    return data


def _created(root: Path, stdout: str) -> Path:
    return root / stdout.strip()


def test_choice_flags_are_case_insensitive_and_written_as_the_schema_spells_them(
    run_cli: RunCli, root: Path
) -> None:
    result = run_cli(
        "-C",
        root,
        "new",
        "incident",
        *FLAGS,
        "--severity",
        "s2",
        "--failure-mode",
        "Factual-Hallucination",
        "--detection",
        "USER-REPORT",
        "--status",
        "Open",
    )
    data = _front_matter(_created(root, result.stdout))
    assert (data["severity"], data["failure_modes"], data["detection"], data["status"]) == (
        "S2",
        ["factual-hallucination"],
        "user-report",
        "open",
    )
    # The schema accepts what was written (the template's guidance is the placeholder rule's).
    assert "[schema]" not in run_cli("-C", root, "lint", expect=None).stdout


def test_tier_is_case_insensitive(run_cli: RunCli, root: Path) -> None:
    run_cli("-C", root, "new", "incident", *FLAGS, "--severity", "S3", "--failure-mode",
            "tool-misuse", "--detection", "red-team")  # fmt: skip
    result = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0001", "--tier", "Regression"
    )
    assert "evals/regression/" in result.stdout


def test_prompts_use_labels_numbers_any_case_and_ask_detected_at_with_a_default(
    run_cli: RunCli, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incidentkit.cli.new, "_interactive", lambda: True)
    # In the schema's order: title, severity (lower case), failure modes (a number
    # and a name), started_at, detection (by number), agent, detected_at (typed
    # over the default).
    answers = [
        "Agent quoted a superseded refund window",
        "s2",
        "1, TOOL-MISUSE",
        "2026-11-20T08:00:00Z",
        "2",
        "support-agent",
        "2026-11-20T09:30:00+01:00",
    ]
    result = run_cli("-C", root, "new", "incident", input="\n".join(answers) + "\n")
    data = _front_matter(_created(root, result.stdout))
    assert data["severity"] == "S2"
    assert data["failure_modes"] == ["factual-hallucination", "tool-misuse"]
    assert data["detection"] == "user-report"
    assert data["detected_at"] == "2026-11-20T09:30:00+01:00"
    prompts = result.stderr
    for label in ("Title", "Severity", "Failure modes", "Agent", "Started at", "Detection channel"):
        assert f"\n{label}" in prompts or prompts.startswith(label), label
    assert "Detected at" in prompts and "[2026-11-26T12:00:00Z]" in prompts  # default shown
    assert "detected_at" not in prompts and "failure_modes" not in prompts  # no raw field names
    assert "critical: safety" in prompts  # the meaning beside each value


def test_help_lists_the_allowed_values_and_meanings_from_the_schema(
    run_cli: RunCli, root: Path
) -> None:
    out = run_cli("-C", root, "new", "incident", "--help").stdout
    schema = json.loads((root / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    flowed = " ".join(out.split())
    for field in ("severity", "detection", "status"):
        node = schema["properties"][field]
        for value, meaning in zip(node["enum"], node["enumDescriptions"], strict=True):
            assert f"{value} {meaning}" in flowed, (field, value)
    items = schema["properties"]["failure_modes"]["items"]
    for value, meaning in zip(items["enum"], items["enumDescriptions"], strict=True):
        assert f"{value} {meaning}" in flowed


def test_help_follows_a_teams_own_taxonomy(run_cli: RunCli, root: Path) -> None:
    path = root / "schemas" / "incident.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    items = schema["properties"]["failure_modes"]["items"]
    items["enum"].append("wrong-language")
    items["enumDescriptions"].append("answered in a language the user did not use")
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    out = run_cli("-C", root, "new", "incident", "--help").stdout
    assert "wrong-language" in out and "did not use" in out
    result = run_cli(
        "-C", root, "new", "incident", *FLAGS, "--severity", "S4", "--failure-mode",
        "Wrong-Language", "--detection", "other",
    )  # fmt: skip
    assert _front_matter(_created(root, result.stdout))["failure_modes"] == ["wrong-language"]


def test_help_outside_a_repository_uses_the_packaged_schemas(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    out = run_cli("-C", tmp_path / "empty", "new", "incident", "--help").stdout
    assert "factual-hallucination" in out and "S1" in out


def test_without_a_terminal_detected_at_is_never_named_missing(run_cli: RunCli, root: Path) -> None:
    result = run_cli("-C", root, "new", "incident", "--title", "x", expect=2)
    assert "--severity" in result.stderr and "--detected-at" not in result.stderr


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Agent promised a refund policy that does not exist",
            "agent-promised-a-refund-policy-that-does-not-exist",
        ),
        (
            "The billing assistant issued a refund to a customer without the approval of a "
            "manager in the week of the release",
            "billing-assistant-issued-refund-customer-without-approval",
        ),
        ("Agent did not refuse", "agent-did-not-refuse"),
        ("Ünïcode café: price drop", "unicode-cafe-price-drop"),
        ("!!!", "untitled"),
    ],
)
def test_slugs_keep_the_meaning(title: str, slug: str) -> None:
    made = slugify(title)
    assert made == slug
    assert len(made) <= 64


def test_a_long_title_keeps_its_negation() -> None:
    title = "The agent does not ask for confirmation before it cancels the booking of a customer"
    assert "not" in slugify(title).split("-")


def test_eval_help_lists_the_tiers_from_the_schema(run_cli: RunCli, root: Path) -> None:
    out = " ".join(run_cli("-C", root, "new", "eval", "--help").stdout.split())
    schema = json.loads((root / "schemas" / "eval-case.schema.json").read_text(encoding="utf-8"))
    tier = schema["properties"]["tier"]
    for value, meaning in zip(tier["enum"], tier["enumDescriptions"], strict=True):
        assert f"{value} {meaning}" in out


def test_eval_and_postmortem_ask_for_their_incident_on_a_terminal(
    run_cli: RunCli, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli("-C", root, "new", "incident", *FLAGS, "--severity", "S3", "--failure-mode",
            "tool-misuse", "--detection", "red-team")  # fmt: skip
    # Without a terminal: exit 2 naming what is missing, nothing written.
    assert "--incident" in run_cli("-C", root, "new", "eval", expect=2).stderr
    assert "INC-..." in run_cli("-C", root, "new", "postmortem", "--author", "@a", expect=2).stderr
    assert not list((root / "evals").rglob("*.yaml"))
    monkeypatch.setattr(incidentkit.cli.new, "_interactive", lambda: True)
    made = run_cli("-C", root, "new", "eval", input="INC-2026-0001\n")
    assert "Incident it guards against" in made.stderr
    assert "INC-2026-0001" in _created(root, made.stdout).read_text(encoding="utf-8")
    pm = run_cli("-C", root, "new", "postmortem", input="INC-2026-0001\n@asha-r\n")
    text = _created(root, pm.stdout).read_text(encoding="utf-8")
    assert "incidents: [INC-2026-0001]" in text and "@asha-r" in text
