"""Ways a pull request could pass the gate without real coverage, each in a real git repository.

Every test builds `main` with one S3 incident and its case, branches `pr`
from it, commits the attack on `pr` and runs `incidentkit gate --base main`:
the attack exits 1 with a message that names why, and its control passes.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, case_text, incident_text
from gatefixture import (
    CASE2,
    INC1,
    INC2,
    WAIVER,
    gate_repo,  # noqa: F401 (registers the `repo` fixture)
)
from gitrepo import GitRepo


def s1(extra: str = "", id: str = "INC-2026-0002", **kw: str) -> str:
    return incident_text(id=id, severity="S1", extra=extra, **kw)


def gate(run_cli: RunCli, root: Path, *args: str, expect: int | None) -> dict[str, Any]:
    result = run_cli("-C", root, "gate", "--base", "main", "--format", "json", *args, expect=expect)
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def messages(doc: dict[str, Any], rule: str) -> str:
    return "\n".join(f["message"] for f in doc["findings"] if f["rule"] == rule)


PY_TEST = """\
import pytest

{module}
{decorators}
@pytest.mark.incident(id="INC-2026-0002")
@pytest.mark.tier(name="regression")
def test_no_refund_without_approval() -> None:
    assert "refund" not in "escalated"
"""


def python_case(decorators: str = "", module: str = "") -> str:
    return PY_TEST.format(decorators=decorators, module=module)


# -- a case counts only when it runs and checks something --------------------


def test_unedited_new_eval_case_does_not_count(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.commit("S1", "2026-03-05T10:00:00Z")
    run_cli("-C", repo.root, "new", "eval", "--incident", "INC-2026-0002", "--id", "approval")
    repo.commit("its case, as `new eval` wrote it", "2026-03-05T11:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    no_case = messages(doc, "gate-no-case")
    assert "approval (evals/regression/approval.yaml): not finished" in no_case
    assert "still holds the template's 'TODO: " in no_case
    assert messages(doc, "placeholder")  # and lint names every placeholder left


@pytest.mark.parametrize(
    ("decorators", "module", "reason"),
    [
        ("@pytest.mark.skip(reason='flaky')", "", "skipped by @pytest.mark.skip"),
        ("@pytest.mark.skip", "", "skipped by @pytest.mark.skip"),
        ("@pytest.mark.xfail", "", "expected to fail (xfail)"),
        ("@pytest.mark.xfail(reason='known')", "", "expected to fail (xfail)"),
        ("@pytest.mark.skipif(True, reason='x')", "", "skipped: @pytest.mark.skipif(True)"),
        ("@pytest.mark.skipif('1 == 1')", "", "skipped: @pytest.mark.skipif('1 == 1')"),
        ("", "pytestmark = pytest.mark.skip", "skipped by @pytest.mark.skip"),
        ("", "pytestmark = [pytest.mark.xfail(strict=True)]", "expected to fail (xfail)"),
        (
            "",
            "pytest.skip('later', allow_module_level=True)",
            "the module is skipped by pytest.skip() on line 3",
        ),
        ("", "__test__ = False", "the module sets __test__ = False"),
        ("", "later = pytest.mark.skip\n", "skipped by @pytest.mark.skip"),
    ],
)
def test_unconditionally_skipped_python_test_does_not_count(
    repo: GitRepo, run_cli: RunCli, decorators: str, module: str, reason: str
) -> None:
    if module.startswith("later"):
        decorators = "@later"
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", python_case(decorators, module))
    repo.commit("S1 with a test that never runs", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert reason in messages(doc, "gate-no-case")


def test_test_in_a_file_pytest_never_collects_does_not_count(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/helpers.py", python_case())
    repo.commit("S1 with its test in helpers.py", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "pytest does not collect helpers.py: the name matches no python_files pattern" in (
        messages(doc, "gate-no-case")
    )


def test_the_repositorys_pytest_patterns_decide_what_is_collected(
    repo: GitRepo, run_cli: RunCli
) -> None:
    pyproject = (repo.root / "pyproject.toml").read_text(encoding="utf-8")
    repo.write(
        "pyproject.toml",
        pyproject + '\n[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n',
    )
    repo.commit("our tests are check_*.py", "2026-03-04T11:00:00Z")
    repo.checkout("main")
    repo.merge("pr", "2026-03-04T12:00:00Z")
    repo.checkout("pr")
    repo.write(INC2, s1())
    repo.write("evals/regression/check_approval.py", python_case())
    repo.commit("S1 with a check_ test", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)
    repo.move("evals/regression/check_approval.py", "evals/regression/test_approval.py")
    repo.commit(
        "renamed to the default pattern, which this repository does not use", "2026-03-05T11:00:00Z"
    )
    doc = gate(run_cli, repo.root, expect=1)
    assert "(check_*.py; pyproject.toml [tool.pytest.ini_options])" in messages(doc, "gate-no-case")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("    pass\n", "the test body is empty"),
        ('    """Docstring only."""\n', "the test body is empty"),
        ("    pytest.skip('todo')\n    assert False\n", "calls pytest.skip() on line"),
    ],
)
def test_test_that_checks_nothing_does_not_count(
    repo: GitRepo, run_cli: RunCli, body: str, reason: str
) -> None:
    source = python_case().split("def test_", 1)[0] + "def test_x() -> None:\n" + body
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 with an empty test", "2026-03-05T10:00:00Z")
    assert reason in messages(gate(run_cli, repo.root, expect=1), "gate-no-case")


def test_a_marked_test_redefined_later_does_not_count(repo: GitRepo, run_cli: RunCli) -> None:
    source = python_case() + "\n\ndef test_no_refund_without_approval() -> None:\n    assert True\n"
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 whose test is shadowed", "2026-03-05T10:00:00Z")
    assert "is defined again on line 11" in messages(
        gate(run_cli, repo.root, expect=1), "gate-no-case"
    )


def test_conditional_skip_counts_and_is_marked_conditional(repo: GitRepo, run_cli: RunCli) -> None:
    decorator = "@pytest.mark.skipif(sys.platform == 'win32', reason='posix only')"
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", python_case(decorator, "import sys"))
    repo.commit("S1 with a posix-only test", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)
    coverage = json.loads(run_cli("-C", repo.root, "coverage", "--format", "json").stdout)
    (inc,) = [i for i in coverage["incidents"] if i["id"] == "INC-2026-0002"]
    (case,) = inc["cases"]
    assert case["counts"] is True
    assert case["conditional"] == "@pytest.mark.skipif(sys.platform == 'win32')"


def test_criteria_only_case_needs_a_judge(repo: GitRepo, run_cli: RunCli) -> None:
    criteria = case_text(id="approval", incidents="[INC-2026-0002]").replace(
        '  - contains: "24 hours"\n', '  - criteria: "Escalates instead of refunding."\n'
    )
    repo.write(INC2, s1())
    repo.write(CASE2, criteria)
    repo.commit("S1 with a criteria-only case", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "needs a judge" in messages(doc, "gate-no-case")
    # with a judge configured on the base, the same case counts
    repo.checkout("main")
    pyproject = (repo.root / "pyproject.toml").read_text(encoding="utf-8")
    repo.write(
        "pyproject.toml", pyproject + '\n[tool.incidentkit.judge]\ncallable = "judge:score"\n'
    )
    repo.commit("a judge", "2026-03-05T11:00:00Z")
    repo.checkout("pr")
    repo.merge("main", "2026-03-05T12:00:00Z")
    gate(run_cli, repo.root, expect=0)


def test_placeholder_spelled_by_a_yaml_escape_does_not_count(
    repo: GitRepo, run_cli: RunCli
) -> None:
    # "\x54" is "T": the value reads "TODO: ..." although the file's bytes never say TODO
    escaped = case_text(id="approval", incidents="[INC-2026-0002]").replace(
        '"24 hours"', '"\\x54ODO: what a correct reply does"'
    )
    repo.write(INC2, s1())
    repo.write(CASE2, escaped)
    repo.commit("S1 with a case that hides its placeholder", "2026-03-05T10:00:00Z")
    assert "not finished" in messages(gate(run_cli, repo.root, expect=1), "gate-no-case")


@pytest.mark.parametrize(
    "expected",
    ["expected: []\n", "expected:\n  - contains: ''\n", "expected:\n  - sounds-right: true\n"],
)
def test_case_without_a_runnable_check_does_not_count(
    repo: GitRepo, run_cli: RunCli, expected: str
) -> None:
    text = case_text(id="approval", incidents="[INC-2026-0002]").split("expected:")[0] + expected
    repo.write(INC2, s1())
    repo.write(CASE2, text)
    repo.commit("S1 with a case that checks nothing", "2026-03-05T10:00:00Z")
    no_case = messages(gate(run_cli, repo.root, expect=1), "gate-no-case")
    assert "approval (evals/regression/approval.yaml): " in no_case
    assert "no `expected` check" in no_case or "cannot run: expected[0]" in no_case


# -- the merge base's settings judge the PR ------------------------------------


def with_pyproject(repo: GitRepo, extra: str) -> None:
    pyproject = (repo.root / "pyproject.toml").read_text(encoding="utf-8")
    repo.write("pyproject.toml", pyproject + extra)


@pytest.mark.parametrize(
    "relaxed",
    [
        "regression_severities = []\n",
        'since = "2099-01-01"\n',
        'regression_statuses = ["closed"]\n',
        'counting_tiers = ["safety-critical"]\n',
    ],
)
def test_pr_cannot_relax_the_policy_that_judges_it(
    repo: GitRepo, run_cli: RunCli, relaxed: str
) -> None:
    with_pyproject(repo, relaxed)  # appended to [tool.incidentkit.policy]
    repo.write(INC2, s1())
    repo.commit("S1 without a case, and a friendlier policy", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "INC-2026-0002 (S1, resolved) has no linked eval case" in messages(doc, "gate-no-case")
    (notice,) = doc["notices"]
    assert notice["rule"] == "gate-settings-changed"
    assert notice["path"] == "pyproject.toml"
    assert "[tool.incidentkit.policy]" in notice["message"]
    assert "judged by the merge base's settings" in notice["message"]


def test_pr_that_breaks_the_config_is_judged_and_blocked(repo: GitRepo, run_cli: RunCli) -> None:
    with_pyproject(repo, 'counting_tiers = ["nothing"]\n')
    repo.write(INC2, s1())
    repo.commit("S1 without a case, and a config no command can load", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "'nothing' is not one of" in messages(doc, "gate-settings-invalid")
    assert "INC-2026-0002" in messages(doc, "gate-no-case")


def test_pr_cannot_point_paths_somewhere_empty(repo: GitRepo, run_cli: RunCli) -> None:
    with_pyproject(repo, '\n[tool.incidentkit.paths]\nincidents = "elsewhere"\n')
    repo.write("elsewhere/.gitkeep", "")
    repo.write(INC2, s1())
    repo.commit("S1, and incidents read from an empty folder", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-no-case")
    assert "[tool.incidentkit.paths]" in doc["notices"][0]["message"]


def test_pr_cannot_switch_off_the_schema_rule(repo: GitRepo, run_cli: RunCli) -> None:
    with_pyproject(repo, '\n[tool.incidentkit.rules]\nschema = "off"\n')
    repo.write(INC2, incident_text(id="INC-2026-0002", severity="S1", status="archived"))
    repo.commit("an S1 with a status outside the schema", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "status: 'archived' is not allowed" in messages(doc, "schema")


def test_pr_cannot_loosen_the_schemas_that_judge_it(repo: GitRepo, run_cli: RunCli) -> None:
    schemas = Path(__file__).resolve().parents[1] / "schemas"
    for file in schemas.glob("*.json"):
        repo.write(f"schemas/{file.name}", file.read_text(encoding="utf-8"))
    schema = (schemas / "incident.schema.json").read_text(encoding="utf-8")
    repo.commit("the schemas, committed on the base", "2026-03-04T11:00:00Z")
    repo.checkout("main")
    repo.merge("pr", "2026-03-04T12:00:00Z")
    repo.checkout("pr")
    repo.write(
        "schemas/incident.schema.json", schema.replace('"closed"', '"closed",\n"archived"', 1)
    )
    repo.write(INC2, incident_text(id="INC-2026-0002", severity="S1", status="archived"))
    repo.commit(
        "a status the policy does not cover, allowed by the PR's schema", "2026-03-05T10:00:00Z"
    )
    doc = gate(run_cli, repo.root, expect=1)
    assert "status: 'archived' is not allowed" in messages(doc, "schema")
    assert [n["path"] for n in doc["notices"]] == ["schemas/incident.schema.json"]


def test_settings_change_alone_is_a_notice_not_a_block(repo: GitRepo, run_cli: RunCli) -> None:
    with_pyproject(repo, "turnaround_hours = 48\n")
    repo.write(INC2, incident_text(id="INC-2026-0002", severity="S3"))
    repo.commit("an S3 and a tighter turnaround", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=0)
    assert [n["rule"] for n in doc["notices"]] == ["gate-settings-changed"]
    text = run_cli("-C", repo.root, "gate", "--base", "main").stdout
    assert "notices (not blocking):" in text


# -- coverage cannot be lost by relabelling ------------------------------------


@pytest.fixture
def covered(repo: GitRepo) -> GitRepo:
    """main also holds an S1 incident with its one case; `pr` starts after it."""
    repo.checkout("main")
    repo.write(INC2, s1())
    repo.write(CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    repo.commit("S1 with its case", "2026-03-05T10:00:00Z")
    repo.repo.git.branch("-f", "pr", "main")
    repo.checkout("pr")
    return repo


def test_downgrade_and_delete_the_only_case_blocks(covered: GitRepo, run_cli: RunCli) -> None:
    covered.write(INC2, incident_text(id="INC-2026-0002", severity="S3"))
    covered.remove(CASE2)
    covered.commit("it was only an S3, really", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-no-case")
    assert "judged as at the merge base (S1, resolved" in messages(doc, "gate-no-case")


def test_downgrade_and_unlink_the_only_case_blocks(covered: GitRepo, run_cli: RunCli) -> None:
    covered.write(INC2, incident_text(id="INC-2026-0002", severity="S3", status="open"))
    covered.write(CASE2, case_text(id="approval", incidents="[INC-2026-0001]"))
    covered.commit("relabel and unlink", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "takes it out of policy" in messages(doc, "gate-no-case")


def test_downgrade_alone_keeps_the_case_and_passes(covered: GitRepo, run_cli: RunCli) -> None:
    covered.write(INC2, incident_text(id="INC-2026-0002", severity="S3"))
    covered.commit("re-rated, case kept", "2026-03-06T10:00:00Z")
    gate(run_cli, covered.root, expect=0)


def test_breaking_the_only_case_blocks(covered: GitRepo, run_cli: RunCli) -> None:
    covered.write(
        CASE2,
        case_text(id="approval", incidents="[INC-2026-0002]").replace(
            '  - contains: "24 hours"\n', '  - criteria: "Escalates."\n'
        ),
    )
    covered.commit("a softer case", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "the last eval case of INC-2026-0002 (S1)" in messages(doc, "gate-last-case-removed")


def test_deleting_the_last_case_blocks_even_with_a_new_waiver(
    covered: GitRepo, run_cli: RunCli
) -> None:
    covered.write(INC2, s1(extra=WAIVER))
    covered.remove(CASE2)
    covered.commit("waive it and drop the case at once", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-last-case-removed")


def test_deleting_a_covered_incident_with_its_case_blocks(
    covered: GitRepo, run_cli: RunCli
) -> None:
    covered.remove(INC2)
    covered.remove(CASE2)
    covered.commit("it never happened", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "deletes INC-2026-0002 (S1, resolved)" in messages(doc, "gate-incident-deleted")


def test_moving_detected_at_before_since_blocks(covered: GitRepo, run_cli: RunCli) -> None:
    covered.checkout("main")
    with_pyproject(covered, 'since = "2026-01-01"\n')
    covered.commit("policy since 2026", "2026-03-05T11:00:00Z")
    covered.checkout("pr")
    covered.merge("main", "2026-03-05T12:00:00Z")
    covered.write(
        INC2,
        incident_text(id="INC-2026-0002", severity="S1", detected_at="2025-12-31T10:00:00Z"),
    )
    covered.commit("it was detected last year", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=1)
    assert "moves INC-2026-0002's detected_at before policy.since (2026-01-01)" in messages(
        doc, "gate-since-moved"
    )


# -- the gate judges commits, not the work tree ---------------------------------


def test_case_only_in_the_work_tree_does_not_count(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.commit("S1; its case is written but never committed", "2026-03-05T10:00:00Z")
    repo.write(CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    doc = gate(run_cli, repo.root, expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-no-case")
    assert [(n["rule"], n["path"]) for n in doc["notices"]] == [("gate-uncommitted", CASE2)]
    assert "not part of this check" in doc["notices"][0]["message"]
    # the local preview includes it, and says so
    result = run_cli("-C", repo.root, "gate", "--base", "main", "--worktree")
    assert "gate: passed (1 incident(s) touched) [work tree preview" in result.stdout


def test_git_ignored_case_does_not_count(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(".gitignore", "evals/regression/approval.yaml\n")
    repo.write(INC2, s1())
    repo.write(CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    repo.commit("S1; its case is ignored by git", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-no-case")
    assert ("gate-uncommitted", CASE2) in [(n["rule"], n["path"]) for n in doc["notices"]]


def test_uncommitted_incident_is_judged_by_the_preview(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())  # new, not committed: CI would block it
    doc = gate(run_cli, repo.root, expect=0)
    assert [(n["rule"], n["path"]) for n in doc["notices"]] == [("gate-uncommitted", INC2)]
    preview = gate(run_cli, repo.root, "--worktree", expect=1)
    assert preview["worktree"] is True
    assert "INC-2026-0002" in messages(preview, "gate-no-case")
    text = run_cli("-C", repo.root, "gate", "--base", "main", "--worktree", expect=1).stdout
    assert text.rstrip().endswith(
        "[work tree preview, uncommitted files included: not the commit CI judges]"
    )


def test_worktree_and_head_together_are_a_usage_error(repo: GitRepo, run_cli: RunCli) -> None:
    result = run_cli(
        "-C", repo.root, "gate", "--base", "main", "--worktree", "--head", "main", expect=2
    )
    assert "--worktree previews the checked-out work tree" in result.stderr


# -- waivers are reviewable -------------------------------------------------------


def event(tmp_path: Path, author: str) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": {"user": {"login": author}}}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    return {
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
    }


def test_waiver_approved_by_the_prs_author_is_refused(
    repo: GitRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    repo.write(INC2, s1(extra=WAIVER))
    repo.commit("S1 waived by myself", "2026-03-05T10:00:00Z")
    env = event(tmp_path, "Maria-K")
    result = run_cli("-C", repo.root, "gate", "--base", "main", env=env, expect=1)
    assert "approved by @maria-k, the author of this pull request" in result.stdout
    assert "title=incidentkit gate%3A gate-waiver-refused::" in result.stdout
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "### Waivers this PR adds or changes" in summary
    assert "| `INC-2026-0002` | added | the agent was retired | @\u200bmaria-k | - |" in summary


def test_waiver_approved_by_a_reviewer_passes_and_is_listed(
    repo: GitRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    repo.write(INC2, s1(extra=WAIVER))
    repo.commit("S1 waived by a reviewer", "2026-03-05T10:00:00Z")
    env = event(tmp_path, "asha-r")
    run_cli("-C", repo.root, "gate", "--base", "main", env=env, expect=0)
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "| `INC-2026-0002` | added |" in summary


def test_waiver_approved_by_a_name_is_refused(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1(extra=WAIVER.replace('"@maria-k"', "Maria K.")))
    repo.commit("S1 waived by a name", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "its approved_by 'Maria K.' is not a valid handle" in messages(
        doc, "gate-waiver-refused"
    )
    assert doc["waivers_changed"][0]["change"] == "added"


def test_changed_waiver_is_listed(covered: GitRepo, run_cli: RunCli) -> None:
    covered.checkout("main")
    covered.write(INC2, s1(extra=WAIVER))
    covered.commit("waived on main", "2026-03-05T11:00:00Z")
    covered.checkout("pr")
    covered.merge("main", "2026-03-05T12:00:00Z")
    covered.write(INC2, s1(extra=WAIVER.replace("@maria-k", "@asha-r")))
    covered.commit("someone else approves it", "2026-03-06T10:00:00Z")
    doc = gate(run_cli, covered.root, expect=0)
    (changed,) = doc["waivers_changed"]
    assert changed["change"] == "changed"
    assert changed["before"]["approved_by"] == "@maria-k"


# -- every file in a record folder is a record or a finding ----------------------


def test_nested_incident_is_judged(repo: GitRepo, run_cli: RunCli) -> None:
    nested = "incidents/2026/INC-2026-0002-refund-without-approval.md"
    repo.write(nested, s1())
    repo.commit("S1 filed by year, without a case", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert [(f["rule"], f["path"]) for f in doc["findings"]] == [("gate-no-case", nested)]
    repo.write(CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    repo.commit("and its case", "2026-03-05T11:00:00Z")
    gate(run_cli, repo.root, expect=0)


@pytest.mark.parametrize(
    "name",
    [
        "INC-2026-0002-refund-without-approval.MD",
        "INC-2026-0002-refund-without-approval.markdown",
        "_INC-2026-0002-refund-without-approval.md",
        "INC-2026-0002-refund-without-approval.md.txt",
        ".drafts/INC-2026-0002-refund-without-approval.md",
    ],
)
def test_incident_hidden_by_its_name_blocks(repo: GitRepo, run_cli: RunCli, name: str) -> None:
    repo.write(f"incidents/{name}", s1())
    repo.commit("S1 under a name nothing reads", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    (finding,) = doc["findings"]
    assert (finding["rule"], finding["path"]) == ("stray-file", f"incidents/{name}")
    assert finding["hint"]


def test_committed_symlink_loop_is_a_finding(repo: GitRepo, run_cli: RunCli) -> None:
    loop = repo.root / "incidents" / "INC-2026-0002-loop.md"
    loop.symlink_to(loop.name)
    repo.commit("a record that is a loop", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert messages(doc, "stray-file").startswith("a symlink loop")


def test_committed_symlink_out_of_the_repository_is_a_finding(
    repo: GitRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(s1(), encoding="utf-8")
    (repo.root / "incidents" / "INC-2026-0002-elsewhere.md").symlink_to(outside)
    repo.commit("a record that lives elsewhere", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "outside the repository" in json.dumps(doc["findings"])


# -- more ways a test can look like coverage without running ------------------------


@pytest.mark.parametrize(
    ("decorators", "body", "reason"),
    [
        ("@pytest.mark.parametrize('x', [])", "", "parametrize with no values"),
        ("", "    return\n", "returns on line"),
    ],
)
def test_tests_that_never_check_do_not_count(
    repo: GitRepo, run_cli: RunCli, decorators: str, body: str, reason: str
) -> None:
    source = python_case(decorators)
    if body:
        source = source.replace("    assert", body + "    assert")
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 with a test that never checks", "2026-03-05T10:00:00Z")
    assert reason in messages(gate(run_cli, repo.root, expect=1), "gate-no-case")


def test_conftest_collect_ignore_is_read(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", python_case())
    repo.write("evals/conftest.py", 'collect_ignore = ["regression/test_approval.py"]\n')
    repo.commit("S1 whose test conftest.py leaves out", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "evals/conftest.py leaves it out of collection" in messages(doc, "gate-no-case")
    assert ("gate-settings-changed", "evals/conftest.py") in [
        (n["rule"], n["path"]) for n in doc["notices"]
    ]


def test_conftest_hooks_make_tests_conditional(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", python_case())
    repo.write(
        "evals/conftest.py",
        "def pytest_collection_modifyitems(config, items):\n    items.clear()\n",
    )
    repo.commit("S1 and a hook", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=0)
    assert any(n["path"] == "evals/conftest.py" for n in doc["notices"])
    coverage = json.loads(run_cli("-C", repo.root, "coverage", "--format", "json").stdout)
    (inc,) = [i for i in coverage["incidents"] if i["id"] == "INC-2026-0002"]
    assert "defines pytest_collection_modifyitems" in inc["cases"][0]["conditional"]


def test_case_without_input_messages_does_not_count(repo: GitRepo, run_cli: RunCli) -> None:
    text = case_text(id="approval", incidents="[INC-2026-0002]")
    text = text.replace(
        "input:\n  messages:\n    - role: user\n      content: How long do I have to ask for a refund?\n",
        "input:\n  messages: []\n",
    )
    repo.write(INC2, s1())
    repo.write(CASE2, text)
    repo.commit("S1 with a case that sends nothing", "2026-03-05T10:00:00Z")
    assert "no `input.messages`" in messages(gate(run_cli, repo.root, expect=1), "gate-no-case")


def test_unittest_skip_decorators_are_honoured(repo: GitRepo, run_cli: RunCli) -> None:
    source = (
        "import unittest\n\nimport pytest\n\n\n@unittest.skip('later')\n"
        "class TestApproval(unittest.TestCase):\n"
        "    @pytest.mark.incident(id='INC-2026-0002')\n"
        "    @pytest.mark.tier(name='regression')\n"
        "    def test_no_refund(self) -> None:\n        self.assertTrue(True)\n"
    )
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 with a unittest-skipped test", "2026-03-05T10:00:00Z")
    assert "skipped by @unittest.skip" in messages(
        gate(run_cli, repo.root, expect=1), "gate-no-case"
    )


def test_incident_repository_inside_a_monorepo(
    tmp_path: Path, git_env: None, run_cli: RunCli
) -> None:
    mono = GitRepo(tmp_path / "mono", pyproject=None)
    mono.write("README.md", "# many things\n")
    mono.write(
        "ops/incidents/pyproject.toml", "[tool.incidentkit.policy]\npostmortem_severities = []\n"
    )
    mono.write("ops/incidents/" + INC1, incident_text())
    mono.commit("base", "2026-03-04T10:00:00Z")
    mono.branch("pr")
    mono.write(
        "ops/incidents/pyproject.toml",
        "[tool.incidentkit.policy]\npostmortem_severities = []\nregression_severities = []\n",
    )
    mono.write("ops/incidents/" + INC2, s1())
    mono.commit("S1 and a relaxed policy", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, mono.root / "ops" / "incidents", expect=1)
    assert "INC-2026-0002" in messages(doc, "gate-no-case")
    assert doc["notices"][0]["path"] == "pyproject.toml"
    mono.write("ops/incidents/" + CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    mono.commit("its case", "2026-03-05T11:00:00Z")
    gate(run_cli, mono.root / "ops" / "incidents", expect=0)
    mono.close()


def test_coverage_sees_a_new_conftest_through_the_cache(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", python_case())
    repo.commit("S1 with its test", "2026-03-05T10:00:00Z")

    def counts() -> bool:
        coverage = json.loads(run_cli("-C", repo.root, "coverage", "--format", "json").stdout)
        (inc,) = [i for i in coverage["incidents"] if i["id"] == "INC-2026-0002"]
        return bool(inc["cases"][0]["counts"])

    assert counts() and counts()  # the second run may come from the lint cache
    repo.write("evals/conftest.py", 'collect_ignore = ["regression/test_approval.py"]\n')
    assert not counts()
    (repo.root / "evals" / "conftest.py").unlink()
    assert counts()


# -- Python tests that can never check anything (red-team 02) ----------------


def _py_test(module: str = "", decorators: str = "", body: str = "", suffix: str = "") -> str:
    body = body or '    assert "refund" not in "escalated"\n'
    return (
        f"import pytest\n{module}\n\n{decorators}\n"
        '@pytest.mark.incident(id="INC-2026-0002")\n@pytest.mark.tier(name="regression")\n'
        f"def test_no_refund():\n{body}\n{suffix}\n"
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (_py_test("from pytest import mark as m", "@m.skip"), "skipped by @pytest.mark.skip"),
        (_py_test("from pytest import mark", "@mark.xfail"), "expected to fail (xfail)"),
        (_py_test("import pytest as pt", "@pt.mark.skip"), "skipped by @pytest.mark.skip"),
        (_py_test("m = pytest.mark", "@m.skip"), "skipped by @pytest.mark.skip"),
        (
            _py_test("from pytest import mark as m\nlater = m.skip", "@later"),
            "skipped by @pytest.mark.skip",
        ),
        (_py_test("from pytest import mark as m\npytestmark = m.skip"), "skipped by"),
        (_py_test(suffix="del test_no_refund"), "is deleted (`del`) on line"),
        (_py_test(body="    if False:\n        assert 1 == 2\n"), "the test body cannot fail"),
        (_py_test(body="    assert True\n"), "the test body cannot fail"),
        (_py_test(body="    assert 1 == 1, 'x'\n    x = 3\n"), "the test body cannot fail"),
        (_py_test(body="    assert (False, 'msg')\n"), "the test body cannot fail"),
        (_py_test(body="    x = 1\n    x + 2\n"), "the test body cannot fail"),
        (
            _py_test(body="    while False:\n        raise ValueError\n    ...\n"),
            "the test body cannot fail",
        ),
        (
            _py_test(body="    pass\n")
            .replace("def test_no_refund", "async def test_no_refund")
            .replace("    pass\n", "    assert reply() == 'no'\n"),
            "an async def test with no async plugin set to run it",
        ),
    ],
)
def test_python_test_that_cannot_check_anything_does_not_count(
    repo: GitRepo, run_cli: RunCli, source: str, reason: str
) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 with a test that checks nothing", "2026-03-05T10:00:00Z")
    assert reason in messages(gate(run_cli, repo.root, expect=1), "gate-no-case")


@pytest.mark.parametrize(
    ("source", "conditional"),
    [
        (_py_test(body="    assert reply() != 'refund'\n"), None),
        (_py_test(body="    if True:\n        assert reply()\n"), None),
        (_py_test(body="    check_reply('x')\n"), None),
        (_py_test(body="    del x\n    assert x\n", suffix="test_other = 1\ndel test_other"), None),
        (
            _py_test(suffix="del test_no_refund\n\n" + _py_test().split("\n\n", 1)[1]),
            None,
        ),
        (
            _py_test('pytest.importorskip("yaml")'),
            "pytest.importorskip('yaml') on line 2: the whole module runs only where yaml imports"
            ", which only a run can tell",
        ),
        (
            _py_test(decorators="@pytest.mark.asyncio").replace("def test_", "async def test_"),
            "async: runs only where pytest-asyncio is installed",
        ),
        (
            _py_test("from pytest import mark as m", "@m.anyio").replace(
                "def test_", "async def test_"
            ),
            "async: runs only where anyio is installed",
        ),
    ],
)
def test_python_tests_that_check_something_still_count(
    repo: GitRepo, run_cli: RunCli, source: str, conditional: str | None
) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", source)
    repo.commit("S1 with a real test", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)
    coverage = json.loads(run_cli("-C", repo.root, "coverage", "--format", "json").stdout)
    (inc,) = [i for i in coverage["incidents"] if i["id"] == "INC-2026-0002"]
    (case,) = [c for c in inc["cases"] if c["counts"]]
    assert case["conditional"] == conditional


def test_async_test_counts_when_the_config_runs_every_async_test(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write("pytest.ini", "[pytest]\nasyncio_mode = auto\n")
    repo.commit("pytest-asyncio in auto mode", "2026-03-04T11:00:00Z")
    repo.checkout("main")
    repo.merge("pr", "2026-03-04T12:00:00Z")
    repo.checkout("pr")
    repo.write(INC2, s1())
    repo.write(
        "evals/regression/test_approval.py", _py_test().replace("def test_", "async def test_")
    )
    repo.commit("S1 with an async test", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)


# -- YAML checks that can never fail (red-team 01) ---------------------------


def _yaml_case(checks: str) -> str:
    return case_text(id="approval", incidents="[INC-2026-0002]").replace(
        '  - contains: "24 hours"\n', checks
    )


@pytest.mark.parametrize(
    ("checks", "reason"),
    [
        ("  - regex: '.*'\n", "regex '.*' matches the empty string, so it matches any reply"),
        ("  - regex: '(?s)'\n", "regex '(?s)' matches the empty string"),
        ("  - regex: 'a*'\n", "regex 'a*' matches the empty string"),
        ("  - regex: '^'\n  - regex: 'x?'\n", "regex 'x?' matches the empty string"),
        ("  - max-latency-ms: .inf\n", "max-latency-ms: inf is not a finite limit"),
        ("  - max-cost-usd: .inf\n  - regex: '$'\n", "max-cost-usd: inf is not a finite limit"),
        ("  - max-latency-ms: .nan\n", "cannot run"),
    ],
)
def test_yaml_case_whose_checks_cannot_fail_does_not_count(
    repo: GitRepo, run_cli: RunCli, checks: str, reason: str
) -> None:
    repo.write(INC2, s1())
    repo.write(CASE2, _yaml_case(checks))
    repo.commit("S1 with a case that checks nothing", "2026-03-05T10:00:00Z")
    no_case = messages(gate(run_cli, repo.root, expect=1), "gate-no-case")
    assert reason in no_case


@pytest.mark.parametrize(
    "checks",
    [
        "  - regex: '.*'\n  - tool-not-called: issue_refund\n",
        "  - regex: 'escalat(e|ed|ing)'\n",
        "  - regex: '(?i)^\\s*sorry'\n",
        "  - max-latency-ms: 3000\n",
        "  - max-cost-usd: .inf\n  - not-contains: refunded\n",
    ],
)
def test_yaml_case_with_a_check_that_can_fail_counts(
    repo: GitRepo, run_cli: RunCli, checks: str
) -> None:
    repo.write(INC2, s1())
    repo.write(CASE2, _yaml_case(checks))
    repo.commit("S1 with a real case", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)


# -- the pytest config of the base and of the head (red-team 03) -------------


@pytest.mark.parametrize(
    ("path", "text", "source"),
    [
        ("pytest.toml", '[pytest]\npython_files = ["nothing_*.py"]\n', "pytest.toml [pytest]"),
        (".pytest.toml", '[pytest]\npython_files = ["nothing_*.py"]\n', ".pytest.toml [pytest]"),
        ("evals/pytest.ini", "[pytest]\npython_files = nothing_*.py\n", "pytest.ini"),
        ("evals/tox.ini", "[pytest]\npython_functions = nothing\n", "tox.ini"),
        (
            "evals/pyproject.toml",
            '[tool.pytest]\npython_classes = ["Nothing"]\npython_functions = ["nothing"]\n',
            "pyproject.toml [tool.pytest]",
        ),
    ],
)
def test_pr_pytest_config_that_drops_its_test_after_merge_blocks(
    repo: GitRepo, run_cli: RunCli, path: str, text: str, source: str
) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", _py_test())
    repo.write(path, text)
    repo.commit("S1 with a test, and a pytest config that drops it", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    no_case = messages(doc, "gate-no-case")
    assert "pytest does not collect" in no_case
    assert f"this PR's {source}" in no_case
    assert path in [f["path"] for f in doc["notices"] if f["rule"] == "gate-settings-changed"]


def test_the_merge_bases_pytest_toml_judges_the_pr(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write("pytest.toml", '[pytest]\npython_files = ["check_*.py"]\n')
    repo.commit("our tests are check_*.py", "2026-03-04T11:00:00Z")
    repo.checkout("main")
    repo.merge("pr", "2026-03-04T12:00:00Z")
    repo.checkout("pr")
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", _py_test())
    repo.commit("S1 with a test_ file this repository does not collect", "2026-03-05T10:00:00Z")
    assert "(check_*.py; pytest.toml [pytest])" in messages(
        gate(run_cli, repo.root, expect=1), "gate-no-case"
    )
    repo.move("evals/regression/test_approval.py", "evals/regression/check_approval.py")
    repo.commit("renamed", "2026-03-05T11:00:00Z")
    gate(run_cli, repo.root, expect=0)


def test_pr_pytest_config_that_keeps_collecting_its_test_passes(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write(INC2, s1())
    repo.write("evals/regression/test_approval.py", _py_test())
    repo.write("pytest.toml", '[pytest]\npython_files = ["test_*.py"]\naddopts = ["-q"]\n')
    repo.commit("S1 with a test and a pytest.toml", "2026-03-05T10:00:00Z")
    doc = gate(run_cli, repo.root, expect=0)
    assert "pytest.toml" in [
        f["path"] for f in doc["notices"] if f["rule"] == "gate-settings-changed"
    ]


# -- a case for another agent, a case that asks nothing (red-team 06) --------


def test_case_for_another_agent_does_not_count_for_the_incident(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write(INC2, s1())  # agent: support-agent
    repo.write(CASE2, _yaml_case("  - tool-not-called: issue_refund\n") + "agent: other-bot\n")
    repo.commit("S1 with a case for another agent", "2026-03-05T10:00:00Z")
    no_case = messages(gate(run_cli, repo.root, expect=1), "gate-no-case")
    assert "it tests agent 'other-bot', and INC-2026-0002 happened to agent 'support-agent'" in (
        no_case
    )
    repo.write(CASE2, _yaml_case("  - tool-not-called: issue_refund\n") + "agent: support-agent\n")
    repo.commit("the incident's agent", "2026-03-05T11:00:00Z")
    gate(run_cli, repo.root, expect=0)


@pytest.mark.parametrize("content", ['""', "'   '", '"\\n"'])
def test_case_whose_user_messages_are_empty_does_not_count(
    repo: GitRepo, run_cli: RunCli, content: str
) -> None:
    text = _yaml_case("  - tool-not-called: issue_refund\n").replace(
        "content: How long do I have to ask for a refund?",
        f"content: {content}\n    - role: user\n      content: ''",
    )
    repo.write(INC2, s1())
    repo.write(CASE2, text)
    repo.commit("S1 with a case that asks nothing", "2026-03-05T10:00:00Z")
    assert "no user message in `input` has text" in messages(
        gate(run_cli, repo.root, expect=1), "gate-no-case"
    )
    repo.write(CASE2, text.replace("content: ''", "content: Refund me now"))
    repo.commit("one message says something", "2026-03-05T11:00:00Z")
    gate(run_cli, repo.root, expect=0)


# -- waiver handles (red-team 07) --------------------------------------------


@pytest.mark.parametrize("handle", ["@mallory-", "@-mallory", "@mal--lory", "@" + "m" * 40, "@m_k"])
def test_waiver_approved_by_an_invalid_handle_is_refused(
    repo: GitRepo, run_cli: RunCli, handle: str
) -> None:
    repo.write(INC2, s1(extra=WAIVER.replace("@maria-k", handle)))
    repo.commit("S1 with a waiver", "2026-03-05T10:00:00Z")
    refused = messages(gate(run_cli, repo.root, expect=1), "gate-waiver-refused")
    assert "the regression_waiver this PR adds on INC-2026-0002 is refused: its approved_by " in (
        refused
    )
    assert "is not a valid handle: @ and a GitHub login" in refused


@pytest.mark.parametrize("handle", ["@maria-k", "@m", "@" + "m" * 39, "@a-b-c9"])
def test_waiver_approved_by_a_valid_handle_passes(
    repo: GitRepo, run_cli: RunCli, handle: str
) -> None:
    repo.write(INC2, s1(extra=WAIVER.replace("@maria-k", handle)))
    repo.commit("S1 with a waiver", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)


# -- a submodule in a record folder (red-team 08) ----------------------------


def test_submodule_in_a_record_folder_is_a_stray_file(
    repo: GitRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    other = GitRepo(tmp_path / "other")
    other.write("INC-2026-0002-refund-without-approval.md", s1())
    sha = other.commit("an incident elsewhere", "2026-03-05T09:00:00Z")
    other.close()
    # a gitlink, as `git submodule add` records it
    git = ["git", "-C", str(repo.root)]
    subprocess.run(
        [*git, "update-index", "--add", "--cacheinfo", f"160000,{sha},incidents/2026"], check=True
    )
    subprocess.run([*git, "commit", "-qm", "S1 in a submodule"], check=True)
    doc = gate(run_cli, repo.root, expect=1)
    assert "incidents/2026" in [f["path"] for f in doc["findings"] if f["rule"] == "stray-file"]
    assert "a git submodule" in messages(doc, "stray-file")
    # lint in a work tree where it is checked out says the same
    (repo.root / "incidents/2026").mkdir(exist_ok=True)
    (repo.root / "incidents/2026/.git").write_text("gitdir: ../../.git/modules/x\n")
    lint = run_cli("-C", repo.root, "lint", "--format", "json", expect=1)
    assert "a git submodule" in lint.stdout


# -- the base branch moved on after the PR branched (red-team 04, 05) --------


def test_incident_re_rated_on_the_base_after_branching_is_judged_by_that(
    repo: GitRepo, run_cli: RunCli
) -> None:
    # main: INC2 as S3 with its case; pr branches; main re-rates it S1
    repo.checkout("main")
    repo.write(INC2, incident_text(id="INC-2026-0002"))
    repo.write(CASE2, _yaml_case("  - tool-not-called: issue_refund\n"))
    repo.commit("S3 and its case", "2026-03-05T09:00:00Z")
    repo.checkout("pr")
    repo.merge("main", "2026-03-05T09:30:00Z")
    repo.checkout("main")
    repo.write(INC2, s1())
    repo.commit("re-rated S1", "2026-03-05T10:00:00Z")
    repo.checkout("pr")
    repo.remove(CASE2)
    repo.commit("drop the case", "2026-03-05T11:00:00Z")
    doc = gate(run_cli, repo.root, expect=1)
    assert "the last eval case of INC-2026-0002 (S1)" in messages(doc, "gate-last-case-removed")
    # control: had main left it at S3, dropping the case is fine
    repo.checkout("main")
    repo.write(INC2, incident_text(id="INC-2026-0002"))
    repo.commit("back to S3", "2026-03-05T12:00:00Z")
    repo.checkout("pr")
    gate(run_cli, repo.root, expect=0)


def test_policy_tightened_on_the_base_after_branching_applies(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write(INC2, incident_text(id="INC-2026-0002"))  # S3, which the policy does not cover
    repo.commit("an S3 without a case", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)
    repo.checkout("main")
    pyproject = (repo.root / "pyproject.toml").read_text(encoding="utf-8")
    repo.write(
        "pyproject.toml",
        pyproject.replace(
            "[tool.incidentkit.policy]\n",
            '[tool.incidentkit.policy]\nregression_severities = ["S1", "S2", "S3"]\n',
        ),
    )
    repo.commit("S3 needs a case too", "2026-03-05T11:00:00Z")
    repo.checkout("pr")
    assert "INC-2026-0002 (S3, resolved) has no linked eval case" in messages(
        gate(run_cli, repo.root, expect=1), "gate-no-case"
    )
