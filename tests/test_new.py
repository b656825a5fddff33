"""`incidentkit new incident|postmortem|eval`, in real temporary git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
import yaml

from conftest import RunCli
from incidentkit.authoring.eval_case import reproduction_input
from incidentkit.rules.postmortem_sections import REQUIRED as REQUIRED_SECTIONS

FLAGS = [
    "--title",
    "Support agent promised a retroactive refund",
    "--severity",
    "S2",
    "--failure-mode",
    "instruction-violation",
    "--failure-mode",
    "factual-hallucination",
    "--detection",
    "user-report",
    "--agent",
    "support-agent",
    "--started-at",
    "2026-11-25T09:12:00Z",
    "--detected-at",
    "2026-11-25T11:00:00+01:00",
]


@pytest.fixture
def root(tmp_path: Path, git_env: None, run_cli: RunCli) -> Path:
    """An empty incident repository laid out by `init`, committed on main."""
    root = tmp_path / "team"
    run_cli("init", str(root))
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add("-A")
    repo.index.commit("init")
    return root


def _new(run_cli: RunCli, root: Path, *args: str, expect: int = 0) -> dict[str, str]:
    result = run_cli("-C", str(root), "new", *args, "--json", expect=expect)
    return json.loads(result.stdout) if expect == 0 else {"stderr": result.stderr}


def _lint(run_cli: RunCli, root: Path, expect: int = 0) -> list[dict[str, object]]:
    """Lint's findings other than `placeholder`: a record fresh from `new` still holds
    the template's TODOs for a person to fill, and that rule says so (until then it
    cannot merge)."""
    result = run_cli("-C", str(root), "lint", "--format", "json", expect=None)
    data = json.loads(result.stdout)
    found = list(data["findings"] if isinstance(data, dict) else data)
    others = [f for f in found if f["rule"] != "placeholder"]
    assert result.exit_code == (1 if any(f["level"] == "error" for f in found) else 0)
    assert expect == (1 if any(f["level"] == "error" for f in others) else 0), others
    return others


def test_incident_from_flags_lints_clean(run_cli: RunCli, root: Path) -> None:
    created = _new(run_cli, root, "incident", *FLAGS, "--tag", "refunds", "--agent-version", "1.4")
    assert created["id"] == "INC-2026-0001"
    path = Path(created["path"])
    assert (
        path == root / "incidents" / "INC-2026-0001-support-agent-promised-a-retroactive-refund.md"
    )
    text = path.read_text(encoding="utf-8")
    assert "# template:" not in text
    data = yaml.safe_load(text.split("---\n")[1])
    assert data["failure_modes"] == ["instruction-violation", "factual-hallucination"]
    assert data["agent_version"] == "1.4"
    assert data["tags"] == ["refunds"]
    assert data["status"] == "open"
    assert _lint(run_cli, root) == []


def test_plain_output_is_the_path(run_cli: RunCli, root: Path) -> None:
    result = run_cli("-C", str(root), "new", "incident", *FLAGS, "--slug", "retro-refund")
    assert result.stdout.strip().endswith("incidents/INC-2026-0001-retro-refund.md")


def test_year_comes_from_detected_at_in_utc(run_cli: RunCli, root: Path) -> None:
    flags = [*FLAGS[:-2], "--detected-at", "2027-01-01T00:30:00Z"]
    flags[flags.index("--started-at") + 1] = "2026-12-31T20:00:00Z"
    assert _new(run_cli, root, "incident", *flags)["id"] == "INC-2027-0001"
    # 00:30 on New Year's Day at +01:00 is still 2026 in UTC, the calendar quarters use
    flags[flags.index("--detected-at") + 1] = "2027-01-01T00:30:00+01:00"
    assert _new(run_cli, root, "incident", *flags)["id"] == "INC-2026-0001"
    assert _lint(run_cli, root) == []


def test_detected_at_defaults_to_now(run_cli: RunCli, root: Path) -> None:
    flags = FLAGS[:-2]
    path = Path(_new(run_cli, root, "incident", *flags)["path"])
    assert 'detected_at: "2026-11-26T12:00:00Z"' in path.read_text(encoding="utf-8")


def test_two_runs_get_consecutive_ids(run_cli: RunCli, root: Path) -> None:
    first = _new(run_cli, root, "incident", *FLAGS)
    second = _new(run_cli, root, "incident", *FLAGS)
    assert (first["id"], second["id"]) == ("INC-2026-0001", "INC-2026-0002")
    # Same title, same slug, different files.
    assert Path(first["path"]).name != Path(second["path"]).name


def test_id_taken_on_another_branch_is_skipped(run_cli: RunCli, root: Path) -> None:
    repo = git.Repo(root)
    repo.git.checkout("-b", "colleague")
    _new(run_cli, root, "incident", *FLAGS)
    repo.git.add("-A")
    repo.index.commit("colleague's incident")
    repo.git.checkout("main")
    assert _new(run_cli, root, "incident", *FLAGS)["id"] == "INC-2026-0002"


def test_never_overwrites_an_existing_file(
    run_cli: RunCli, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A racing writer: the scan saw nothing, but the file exists by the time we write.
    import incidentkit.ids

    monkeypatch.setattr(incidentkit.ids, "scan", lambda config: incidentkit.ids.IdScan({}))
    # ...and not under the allocation lock either: a writer that is not incidentkit
    monkeypatch.setattr(incidentkit.ids, "working_tree_ids", lambda config: {})
    target = root / "incidents" / "INC-2026-0001-retro-refund.md"
    target.write_text("precious", encoding="utf-8")
    result = run_cli("-C", root, "new", "incident", *FLAGS, "--slug", "retro-refund", expect=1)
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in target.parent.iterdir()) == [
        ".gitkeep",
        "INC-2026-0001-retro-refund.md",
    ]


def test_missing_flags_without_a_terminal_exit_2_naming_them(run_cli: RunCli, root: Path) -> None:
    result = run_cli("-C", root, "new", "incident", "--title", "x", "--agent", "a", expect=2)
    for flag in ("--severity", "--failure-mode", "--detection", "--started-at"):
        assert flag in result.stderr
    assert "--title" not in result.stderr and "--agent," not in result.stderr
    assert not list((root / "incidents").glob("INC-*"))


def test_missing_fields_are_asked_for_on_a_terminal(
    run_cli: RunCli, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incidentkit.cli.new

    monkeypatch.setattr(incidentkit.cli.new, "_interactive", lambda: True)
    # Invalid answers are asked again: S9, an unknown failure mode, a time without a zone.
    answers = ["S9", "S3", "nonsense, tool-misuse", "tool-misuse", "2026-11-25 09:00"]
    answers += ["2026-11-25T09:00:00Z", "red-team", ""]  # "": detected_at's default, now
    result = run_cli(
        "-C",
        root,
        "new",
        "incident",
        "--title",
        "Asked",
        "--agent",
        "a",
        input="\n".join(answers) + "\n",
    )
    assert result.stdout.strip().endswith("INC-2026-0001-asked.md")
    created = root / "incidents" / "INC-2026-0001-asked.md"
    data = yaml.safe_load(created.read_text(encoding="utf-8").split("---\n")[1])
    assert (data["severity"], data["failure_modes"], data["detection"]) == (
        "S3",
        ["tool-misuse"],
        "red-team",
    )
    assert data["detected_at"] == "2026-11-26T12:00:00Z"  # the default shown: now
    assert "Detected at" in result.stderr and "[2026-11-26T12:00:00Z]" in result.stderr


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--severity", "S5", "use one of: S1, S2, S3, S4"),
        ("--failure-mode", "prompt-injection", "--failure-mode 'prompt-injection' is not allowed"),
        ("--detection", "twitter", "user-report"),
        ("--status", "done", "open, mitigated, resolved, closed"),
        ("--started-at", "2026-11-25 09:00", "time zone"),
        ("--slug", "Not A Slug", "--slug"),
    ],
)
def test_invalid_values_exit_2(
    run_cli: RunCli, root: Path, flag: str, value: str, expected: str
) -> None:
    flags = list(FLAGS)
    if flag in flags:
        flags[flags.index(flag) + 1] = value
    else:
        flags += [flag, value]
    result = run_cli("-C", root, "new", "incident", *flags, expect=2)
    assert expected in result.stderr


def test_choices_come_from_the_repository_schema(run_cli: RunCli, root: Path) -> None:
    schema_file = root / "schemas" / "incident.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["failure_modes"]["items"]["enum"].append("policy-drift")
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    flags = [*FLAGS, "--failure-mode", "policy-drift"]
    _new(run_cli, root, "incident", *flags)
    assert _lint(run_cli, root) == []


def test_resolved_status_needs_resolved_at(run_cli: RunCli, root: Path) -> None:
    result = run_cli("-C", root, "new", "incident", *FLAGS, "--status", "resolved", expect=2)
    assert "--resolved-at" in result.stderr
    _new(
        run_cli,
        root,
        "incident",
        *FLAGS,
        "--status",
        "resolved",
        "--resolved-at",
        "2026-11-26T08:00:00Z",
    )
    assert _lint(run_cli, root) == []


def _placeholder_findings(findings: list[dict[str, object]]) -> list[tuple[object, object]]:
    return sorted({(f["rule"], f["line"]) for f in findings})


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_postmortem_placeholders_are_flagged_until_filled(run_cli: RunCli, root: Path) -> None:
    incident = _new(run_cli, root, "incident", *FLAGS)["id"]
    created = _new(run_cli, root, "postmortem", incident, "--author", "asha-r")
    assert created["id"] == "PM-2026-0001"
    path = Path(created["path"])
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert data["incidents"] == [incident]
    assert data["authors"] == ["@asha-r"]
    assert str(data["action_items"][0]["created"]) == "2026-11-26"  # today, from the clock
    for section in REQUIRED_SECTIONS:
        assert f"\n## {section}\n" in text

    findings = _lint(run_cli, root, expect=1)
    assert {f["path"] for f in findings} == {path.relative_to(root).as_posix()}
    assert _placeholder_findings(findings) == [
        ("action-item-owner", _line_of(path, 'owner: "@TODO"')),
        ("schema", _line_of(path, 'due: "YYYY-MM-DD"')),
    ]

    path.write_text(
        text.replace('"@TODO"', '"@asha-r"').replace('"YYYY-MM-DD"', '"2026-12-15"'),
        encoding="utf-8",
    )
    assert _lint(run_cli, root) == []


def test_lightweight_postmortem_is_for_s3_s4_only(run_cli: RunCli, root: Path) -> None:
    severe = _new(run_cli, root, "incident", *FLAGS)["id"]
    result = run_cli(
        "-C", root, "new", "postmortem", severe, "--author", "@a", "--lightweight", expect=2
    )
    assert "S3/S4" in result.stderr
    flags = list(FLAGS)
    flags[flags.index("--severity") + 1] = "S3"
    minor = _new(run_cli, root, "incident", *flags)["id"]
    created = _new(run_cli, root, "postmortem", minor, "--author", "@a", "--lightweight")
    path = Path(created["path"])
    findings = _lint(run_cli, root, expect=1)
    assert _placeholder_findings(findings) == [
        ("action-item-owner", _line_of(path, 'owner: "@TODO"')),
        ("schema", _line_of(path, 'due: "YYYY-MM-DD"')),
    ]
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('"@TODO"', '"@a"').replace('"YYYY-MM-DD"', '"2026-12-15"'), encoding="utf-8"
    )
    # The severe incident still lacks its post-mortem, but within the deadline: clean.
    assert _lint(run_cli, root) == []


def test_postmortem_of_an_unknown_incident_exits_2(run_cli: RunCli, root: Path) -> None:
    _new(run_cli, root, "incident", *FLAGS)
    result = run_cli("-C", root, "new", "postmortem", "INC-2026-0010", "--author", "@a", expect=2)
    assert "INC-2026-0010 does not exist" in result.stderr
    result = run_cli("-C", root, "new", "postmortem", "INC-2026-0001", expect=2)
    assert "--author" in result.stderr


REPRODUCTION = """
## Minimal reproduction

```yaml title="minimal reproduction"
messages:
  - role: system
    content: "You are the support agent."
  - role: user
    content: |
      I booked on 1 March.
      Can I still get the new lower price refunded?
context:
  policy_page: refunds-v3
```
"""


def test_eval_takes_its_input_from_the_reproduction(run_cli: RunCli, root: Path) -> None:
    incident = _new(run_cli, root, "incident", *FLAGS)
    path = Path(incident["path"])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("## Minimal reproduction")] + REPRODUCTION.lstrip(), "utf-8")

    created = _new(run_cli, root, "eval", "--incident", incident["id"], "--tier", "safety-critical")
    case_path = Path(created["path"])
    assert case_path.parent == root / "evals" / "safety-critical"
    assert created["id"] == "support-agent-promised-a-retroactive-refund"
    case = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    assert case["incidents"] == [incident["id"]]
    assert case["tier"] == "safety-critical"
    assert case["agent"] == "support-agent"
    assert case["input"] == {
        "messages": [
            {"role": "system", "content": "You are the support agent."},
            {
                "role": "user",
                "content": "I booked on 1 March.\nCan I still get the new lower price refunded?\n",
            },
        ],
        "context": {"policy_page": "refunds-v3"},
    }
    assert _lint(run_cli, root) == []

    # A second case for the same incident gets a free id; an explicit taken one is refused.
    again = _new(run_cli, root, "eval", "--incident", incident["id"])
    assert again["id"] == "support-agent-promised-a-retroactive-refund-2"
    result = run_cli(
        "-C", root, "new", "eval", "--incident", incident["id"], "--id", created["id"], expect=2
    )
    assert "already used" in result.stderr
    assert _lint(run_cli, root) == []


def test_eval_without_reproduction_and_existing_file(run_cli: RunCli, root: Path) -> None:
    incident = _new(run_cli, root, "incident", *FLAGS)["id"]
    created = _new(run_cli, root, "eval", "--incident", incident, "--id", "first-case")
    case = yaml.safe_load(Path(created["path"]).read_text(encoding="utf-8"))
    assert case["input"]["messages"][0]["role"] == "user"
    assert _lint(run_cli, root) == []
    # A file that is not a case (so its name is not a known id) is still never overwritten.
    (root / "evals" / "regression" / "notes.yaml").write_text("# notes\n", encoding="utf-8")
    result = run_cli("-C", root, "new", "eval", "--incident", incident, "--id", "notes", expect=1)
    assert "already exists" in result.stderr
    assert (root / "evals" / "regression" / "notes.yaml").read_text() == "# notes\n"
    result = run_cli("-C", root, "new", "eval", "--incident", "INC-2026-0404", expect=2)
    assert "does not exist" in result.stderr
    result = run_cli("-C", root, "new", "eval", "--incident", incident, "--tier", "smoke", expect=2)
    assert "regression, pre-deployment, safety-critical" in result.stderr


def test_reproduction_block_must_be_marked() -> None:
    body = "```yaml\nmessages: [{role: user, content: hi}]\n```\n"
    assert reproduction_input(body) is None
    marked = "```yaml title='minimal reproduction'\nmessages: [{role: user, content: hi}]\n```\n"
    assert reproduction_input(marked) == {"messages": [{"role": "user", "content": "hi"}]}
    broken = '```yaml title="minimal reproduction"\nmessages: [\n```\n'
    assert reproduction_input(broken) is None
