"""Ways a pull request could pass the gate without real coverage, each in a real git repository.

Every test builds `main` with one S3 incident and its case, branches `pr`
from it, commits the attack on `pr` and runs `incidentkit gate --base main`:
the attack exits 1 with a message that names why, and its control passes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, case_text, incident_text
from gitrepo import GitRepo

INC1 = "incidents/INC-2026-0001-stale-refund-window.md"
INC2 = "incidents/INC-2026-0002-refund-without-approval.md"
CASE1 = "evals/regression/refund-window.yaml"
CASE2 = "evals/regression/approval.yaml"
WAIVER = 'regression_waiver:\n  reason: the agent was retired\n  approved_by: "@maria-k"\n'


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    r = GitRepo(tmp_path / "repo")
    r.write(INC1, incident_text())
    r.write(CASE1, case_text())
    r.commit("base", "2026-03-04T10:00:00Z")
    r.branch("pr")
    yield r
    r.close()


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
