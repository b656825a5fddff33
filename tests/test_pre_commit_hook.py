"""The pre-commit hook, run by the real `pre-commit` on real commits.

The hook is the one `.pre-commit-hooks.yaml` publishes, installed as a local
hook (`language: system`, this environment's `incidentkit`), so no network is
needed: what is tested is what pre-commit hands the hook and what the hook
makes of it: deletions, schema and config changes, configured folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT, RunCli

pytestmark = pytest.mark.usefixtures("git_env")

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
if not PRE_COMMIT.exists():
    pytest.skip("pre-commit (a dev extra) is not installed", allow_module_level=True)

INCIDENT = "incidents/INC-2026-0001-support-agent-invented-refund-policy.md"


def _published_hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return dict(next(h for h in hooks if h["id"] == "incidentkit-lint"))


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "INCIDENTKIT_NOW": "2026-11-26T12:00:00Z",
    }


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, run_cli: RunCli) -> Path:
    """`init --example`, all committed, with the published hook as a local system hook."""
    root = tmp_path / "team"
    run_cli("init", root, "--example")
    hook = {**_published_hook(), "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "example")
    return root


def _commit(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` on what is staged, as `git commit` would run it."""
    return subprocess.run(
        [str(PRE_COMMIT), "run", "--color", "never"],
        cwd=root,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_clean_change_passes_and_an_unrelated_one_costs_nothing(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "README.md").write_text("# Our incidents\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    done = _commit(repo, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_deleting_an_incident_a_case_links_fails_the_hook(repo: Path, tmp_path: Path) -> None:
    _git(repo, "rm", "-q", INCIDENT)
    done = _commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "INC-2026-0001" in done.stdout  # the case and the post-mortem now link nothing
    assert "deleted or renamed" in done.stdout


def test_renaming_an_incident_away_from_its_id_fails_the_hook(repo: Path, tmp_path: Path) -> None:
    _git(repo, "mv", INCIDENT, "incidents/INC-2026-0002-moved.md")
    done = _commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr


def test_a_schema_change_lints_every_record(repo: Path, tmp_path: Path) -> None:
    schema_path = repo / "schemas" / "incident.schema.json"
    text = schema_path.read_text(encoding="utf-8")
    # The team drops S2 from its severities: the committed S2 incident no longer fits.
    schema_path.write_text(text.replace('"S2",\n', ""), encoding="utf-8")
    _git(repo, "add", "schemas/incident.schema.json")
    done = _commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert INCIDENT in done.stdout


def test_a_pyproject_change_lints_every_record(repo: Path, tmp_path: Path) -> None:
    # A record broken earlier (committed past the hook) is not part of this commit;
    # it is reported because a config change makes the hook lint everything.
    pm = next((repo / "postmortems").glob("PM-*.md"))
    pm.write_text(pm.read_text(encoding="utf-8").replace('"@incident-lead"', '"nobody"'))
    _git(repo, "commit", "-q", "-a", "--no-verify", "-m", "a record broken without the hook")
    # Control: a commit that touches neither records nor config does not lint them.
    (repo / "README.md").write_text("# Our incidents\n", encoding="utf-8")
    _git(repo, "add", "README.md")
    assert _commit(repo, tmp_path).returncode == 0
    _git(repo, "commit", "-q", "--no-verify", "-m", "readme")
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write("# touched\n")
    _git(repo, "add", "pyproject.toml")
    done = _commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert pm.name in done.stdout


def test_configured_folders_are_honoured(repo: Path, tmp_path: Path) -> None:
    (repo / "db").mkdir()
    _git(repo, "mv", "incidents", "db/incidents")
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write('\n[tool.incidentkit.paths]\nincidents = "db/incidents"\n')
    _git(repo, "add", "-A")
    first = _commit(repo, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    _git(repo, "commit", "-q", "--no-verify", "-m", "move incidents")
    # A broken incident in the configured folder is found, and only it is reported.
    broken = repo / "db" / "incidents" / "INC-2026-0002-broken.md"
    broken.write_text("---\nid: INC-2026-0002\ntitle: [unclosed\n---\n", encoding="utf-8")
    _git(repo, "add", "-A")
    done = _commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "db/incidents/INC-2026-0002-broken.md" in done.stdout


def test_the_scaffolded_hook_is_the_published_one(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path / "team", "--no-git")
    config = yaml.safe_load(
        (tmp_path / "team" / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    local = config["repos"][0]["hooks"][0]
    published = _published_hook()
    for key in ("entry", "pass_filenames", "always_run", "files", "require_serial", "language"):
        assert local.get(key) == published.get(key), key
    ours = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    own = next(h for h in ours["repos"][0]["hooks"] if h["id"] == "incidentkit-lint")
    for key in ("entry", "pass_filenames", "always_run", "files"):
        assert own.get(key) == published.get(key), key


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_pre_commit_validates_the_published_manifest() -> None:
    done = subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
