"""The benchmark's "lint, prose rules off" root: the same files, only the prose rules off.

`make bench` divides cold lint by lint from this root to measure what the
prose rules (blaming-language, secrets, personal-data) cost; that is only
a fair ratio if both read and check exactly the same records.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, RunCli

sys.path.insert(0, str(REPO_ROOT / "bench"))

import generate
import run

SECRET = "ghp_" + "Xq7Lr2Vb9Kd4Nw1Tz8Mc3Hf6Js0Gp5Ye2Ua7"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "repo"
    generate.generate(root, 10, seed=3)
    incident = sorted((root / "incidents").glob("INC-*.md"))[0]
    incident.write_text(
        incident.read_text(encoding="utf-8") + f"\nThe trace held {SECRET}.\n", encoding="utf-8"
    )
    postmortem = sorted((root / "postmortems").glob("PM-*.md"))[0]
    postmortem.write_text(
        postmortem.read_text(encoding="utf-8")
        + "\nThe on-call engineer forgot to drain the node. Mail jane.doe@gmail.com.\n",
        encoding="utf-8",
    )
    return root


def _lint(run_cli: RunCli, root: Path) -> list[tuple[str, str, int, str]]:
    result = run_cli("-C", root, "lint", "--no-cache", "--format", "json", expect=None)
    findings = json.loads(result.stdout)["findings"]
    return sorted((Path(f["path"]).name, f["rule"], f["line"], f["message"]) for f in findings)


def test_the_prose_off_root_lints_the_same_files_without_the_prose_rules(
    generated: Path,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INCIDENTKIT_NOW", generate.NOW_ISO)
    monkeypatch.setattr(run, "BENCH", tmp_path)
    off = run.prose_off_root(generated, 10, 3)
    assert off.parent == tmp_path and not off.is_relative_to(generated)

    with_prose = _lint(run_cli, generated)
    without = _lint(run_cli, off)

    prose = [f for f in with_prose if f[1] in run.PROSE_RULES]
    assert {f[1] for f in prose} == set(run.PROSE_RULES)  # the planted text is found...
    assert without == [f for f in with_prose if f[1] not in run.PROSE_RULES]  # ...and only it goes
    # the repository the other figures read is untouched
    assert "rules" not in (generated / "pyproject.toml").read_text(encoding="utf-8")


def test_a_repository_that_sets_its_own_paths_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[tool.incidentkit.rules]\nsecrets = "warning"\n', encoding="utf-8"
    )
    monkeypatch.setattr(run, "BENCH", tmp_path / "bench")
    with pytest.raises(RuntimeError, match="paths or rules"):
        run.prose_off_root(repo, 1, 1)
