"""`incidentkit lint` end to end: the repository's own records, formats, exit codes, config."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO_ROOT, RunCli, incident_text

# Reference data kept beside the checkout (never copied in): look upward for it.
SARIF_SCHEMA = next(
    (
        folder / "shared" / "reference" / "sarif-schema-2.1.0.json"
        for folder in REPO_ROOT.parents
        if (folder / "shared" / "reference" / "sarif-schema-2.1.0.json").is_file()
    ),
    REPO_ROOT.parent / "shared" / "reference" / "sarif-schema-2.1.0.json",
)


def _copy_examples(tmp_path: Path) -> Path:
    root = tmp_path / "copy"
    for name in ("incidents", "postmortems", "evals", "schemas"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_repository_examples_lint_without_errors(run_cli: RunCli) -> None:
    result = run_cli("-C", REPO_ROOT, "lint", "--format", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 0
    assert report["summary"]["files"] >= 20
    # the examples carry overdue action items on purpose: the tracker has something to show
    assert {f["rule"] for f in report["findings"]} <= {"overdue-action-item"}


def test_broken_copy_exits_1_and_names_file_and_line(run_cli: RunCli, tmp_path: Path) -> None:
    root = _copy_examples(tmp_path)
    target = next((root / "incidents").glob("INC-2026-0005-*.md"))
    target.write_text(
        target.read_text().replace("severity: S2", "severity: critical"), encoding="utf-8"
    )
    result = run_cli("-C", root, "lint", expect=1)
    rel = target.relative_to(root).as_posix()
    line = target.read_text().split("\n").index("severity: critical") + 1
    assert rel in result.stdout
    assert f"{line}:1" in result.stdout
    assert "use one of: S1, S2, S3, S4" in result.stdout
    assert "1 error(s)" in result.stdout


def test_runs_from_a_subfolder(
    run_cli: RunCli, make_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo()
    monkeypatch.chdir(root / "evals" / "regression")
    result = run_cli("lint")
    assert "0 error(s)" in result.stdout


def test_paths_limit_the_report_but_links_see_everything(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(
        {
            "incidents/INC-2026-0002-other.md": incident_text(
                id="INC-2026-0002", extra="severty: S1\n"
            )
        }
    )
    only_case = run_cli("-C", root, "lint", root / "evals", "--format", "json")
    assert json.loads(only_case.stdout)["findings"] == []
    whole = run_cli("-C", root, "lint", "--format", "json", expect=1)
    assert [f["rule"] for f in json.loads(whole.stdout)["findings"]] == ["schema"]


def test_sarif_output_validates_against_githubs_schema(run_cli: RunCli, tmp_path: Path) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"reference SARIF schema not found at {SARIF_SCHEMA}")
    root = _copy_examples(tmp_path)
    out = tmp_path / "lint.sarif"
    run_cli("-C", root, "lint", "--format", "sarif", "--output", out)
    sarif = json.loads(out.read_text())
    # the reference schema itself fails check_schema (see shared/reference/README.md)
    validator = jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text()))
    assert list(validator.iter_errors(sarif)) == []
    results = sarif["runs"][0]["results"]
    assert results and all(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results
    )
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rule_ids


def test_github_format_is_automatic_under_actions(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(
        {"incidents/INC-2026-0001-stale-refund-window.md": incident_text(extra="severty: S1\n")}
    )
    result = run_cli("-C", root, "lint", expect=1, env={"GITHUB_ACTIONS": "true"})
    assert (
        "::error file=incidents/INC-2026-0001-stale-refund-window.md,line=12,col=1,title=incidentkit schema::unknown field 'severty'"
        in result.stdout
    )


def test_rules_are_switched_off_and_relevelled_in_config(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    body = "Reporter: jane.doe@gmail.com\n"
    root = make_repo(
        {"incidents/INC-2026-0001-stale-refund-window.md": incident_text(body=body)},
        pyproject='[tool.incidentkit.rules]\npersonal-data = "warning"\n',
    )
    result = run_cli("-C", root, "lint", "--format", "json")
    assert [(f["rule"], f["level"]) for f in json.loads(result.stdout)["findings"]] == [
        ("personal-data", "warning")
    ]
    (root / "pyproject.toml").write_text('[tool.incidentkit.rules]\npersonal-data = "off"\n')
    assert json.loads(run_cli("-C", root, "lint", "--format", "json").stdout)["findings"] == []


def test_unknown_rule_in_config_is_a_configuration_error(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(pyproject='[tool.incidentkit.rules]\nno-such-rule = "off"\n')
    result = run_cli("-C", root, "lint", expect=2)
    assert "unknown rule 'no-such-rule'" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_config_value_is_a_configuration_error(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(pyproject='[tool.incidentkit.policy]\nturnaround_hours = "soon"\n')
    result = run_cli("-C", root, "lint", expect=2)
    assert "tool.incidentkit.policy.turnaround_hours" in result.stderr


def test_no_repository_found_says_where_it_looked(run_cli: RunCli, tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    result = run_cli("-C", empty, "lint", expect=2)
    assert "no incident repository found" in result.stderr


def test_plain_folder_of_records_lints_with_packaged_schemas(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    assert not (root / "schemas").exists() and not (root / "pyproject.toml").exists()
    run_cli("-C", root, "lint")


def test_repository_schemas_win_over_packaged(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    shutil.copytree(REPO_ROOT / "schemas", root / "schemas")
    schema_file = root / "schemas" / "incident.schema.json"
    schema = json.loads(schema_file.read_text())
    schema["properties"]["severity"]["enum"] = ["SEV1", "SEV2"]
    schema_file.write_text(json.dumps(schema))
    result = run_cli("-C", root, "lint", expect=1)
    assert "use one of: SEV1, SEV2" in result.stdout


def test_output_file_is_never_overwritten_without_force(
    run_cli: RunCli, make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    out = tmp_path / "report.json"
    out.write_text("previous report", encoding="utf-8")
    result = run_cli("-C", root, "lint", "--format", "json", "--output", out, expect=1)
    assert "already exists" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous report"
    run_cli("-C", root, "lint", "--format", "json", "--output", out, "--force")
    assert json.loads(out.read_text(encoding="utf-8"))["findings"] == []


def test_an_unwritable_output_is_an_error_not_a_traceback(
    run_cli: RunCli, make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = run_cli("-C", root, "lint", "--output", blocker / "report.txt", expect=2)
    assert result.stderr.startswith("incidentkit: error:")
    assert "internal error" not in result.stderr


def test_a_configured_folder_that_does_not_exist_is_a_config_error(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(pyproject='[tool.incidentkit.paths]\nincidents = "incidnets"\n')
    result = run_cli("-C", root, "lint", expect=2)
    assert "incidents = 'incidnets': no such folder" in result.stderr


def test_paths_are_relative_to_dash_c_like_git(
    run_cli: RunCli, make_repo: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(
        {"incidents/INC-2026-0001-stale-refund-window.md": incident_text(extra="severty: S1\n")}
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("-C", root, "lint", "incidents/INC-2026-0001-stale-refund-window.md", expect=1)
    assert "unknown field 'severty'" in result.stdout
    assert Path.cwd() == elsewhere  # the caller's working directory is given back
