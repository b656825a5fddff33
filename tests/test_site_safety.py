"""Where `incidentkit build` (and the plugin under plain MkDocs) may write the site.

MkDocs empties its site_dir before building; these tests check that no record,
unrelated folder or previous good site is lost on the way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli, write
from site_fixture import make_site_repo


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` and its content."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    """Staging or set-aside folders a build left next to the site."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return make_site_repo(tmp_path / "repo")


@pytest.mark.parametrize(
    ("site_dir", "cause"),
    [
        ("incidents", "is the incidents_dir folder"),
        ("postmortems", "is the postmortems_dir folder"),
        ("evals", "is the evals_dir folder"),
        ("templates", "is the templates_dir folder"),  # even when the repository has none
        ("incidents/site", "lies inside"),
        ("evals/regression", "lies inside"),
        (".", "repository root"),
        ("..", "parent of the repository"),
    ],
)
def test_build_refuses_site_dir_holding_records(
    repo: Path, run_cli: RunCli, site_dir: str, cause: str
) -> None:
    before = snapshot(repo.parent)
    result = run_cli("-C", repo, "build", "--site-dir", repo / site_dir, "--force", expect=2)
    assert cause in result.stderr
    assert "choose a folder of its own" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(repo.parent) == before  # not a record deleted, nothing built


def test_build_refuses_site_dir_containing_a_record_folder(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    repo = make_site_repo(tmp_path / "repo")
    write(repo, "pyproject.toml", '[tool.incidentkit.paths]\nincidents = "records/incidents"\n')
    (repo / "incidents").rename(tmp_path / "moved")
    (repo / "records").mkdir()
    (tmp_path / "moved").rename(repo / "records" / "incidents")
    before = snapshot(repo)
    result = run_cli("-C", repo, "build", "--site-dir", repo / "records", expect=2)
    assert "contains" in result.stderr and "incidents_dir" in result.stderr
    assert snapshot(repo) == before


def test_build_refuses_docs_dir(repo: Path, run_cli: RunCli) -> None:
    before = snapshot(repo)
    run_cli("-C", repo, "build", "--site-dir", repo / "docs", "--force", expect=2)
    assert snapshot(repo) == before


def test_plain_mkdocs_refuses_a_record_folder_as_site_dir(
    repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`mkdocs build -d incidents` is stopped by the plugin before MkDocs empties it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs
    from mkdocs.exceptions import Abort

    before = snapshot(repo)
    config = load_mkdocs(str(repo / "mkdocs.yml"), site_dir=str(repo / "incidents"), strict=True)
    with pytest.raises(Abort):  # MkDocs reports the plugin's PluginError, then aborts
        build(config)
    assert "is the incidents_dir folder" in caplog.text
    assert snapshot(repo) == before


def test_unrelated_folder_needs_force(repo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    important = write(tmp_path, "important/notes.txt", "keep me\n")
    result = run_cli("-C", repo, "build", "--site-dir", important.parent, expect=2)
    assert "not a previous site build" in result.stderr and "--force" in result.stderr
    assert important.read_text(encoding="utf-8") == "keep me\n"
    run_cli("-C", repo, "build", "--site-dir", important.parent, "--force")
    assert not important.exists()
    assert (important.parent / "incidents" / "INC-2026-0001" / "index.html").is_file()


def test_previous_site_is_replaced_on_success(repo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "out"
    run_cli("-C", repo, "build", "--site-dir", out)
    write(out, "stale.html", "from an older build\n")
    # A previous build needs no --force, and its stale files do not survive.
    run_cli("-C", repo, "build", "--site-dir", out)
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file() and (out / "sitemap.xml").is_file()
    assert leftovers(out) == []


def test_failed_strict_build_keeps_previous_site(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    out = tmp_path / "out"
    run_cli("-C", repo, "build", "--site-dir", out)
    before = snapshot(out)
    write(repo, "incidents/INC-2026-0009-broken.md", "no front matter here\n")
    result = run_cli("-C", repo, "build", "--site-dir", out, expect=1)
    assert "previous site" in result.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_failed_first_build_leaves_nothing(repo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    write(repo, "incidents/INC-2026-0009-broken.md", "no front matter here\n")
    out = tmp_path / "out"
    run_cli("-C", repo, "build", "--site-dir", out, expect=1)
    assert not out.exists()
    assert leftovers(out) == []


def test_an_invalid_mkdocs_yml_is_a_configuration_error(tmp_path: Path, run_cli: RunCli) -> None:
    root = make_site_repo(tmp_path / "bad-config")
    (root / "mkdocs.yml").write_text(
        "site_name: x\ntheme:\n  name: no-such-theme\n", encoding="utf-8"
    )
    result = run_cli("-C", root, "build", "--site-dir", tmp_path / "out", expect=2)
    assert "mkdocs.yml" in result.stderr


def test_text_remembered_per_build_is_still_redacted_and_follows_the_allowances() -> None:
    """`html.one_build` redacts each string once per build, never across allowances or builds."""
    from incidentkit.detectors import Options
    from incidentkit.publishing import allowing
    from incidentkit.site.html import one_build, text

    line = "Paged dana.reyes@acme.io <b>twice</b>"
    with allowing(Options()), one_build():
        first, again = text(line), text(line)
        assert first == again
        assert "dana.reyes@" not in first and "[REDACTED-EMAIL]" in first
        assert "&lt;b&gt;" in first and "<b>" not in first
    with allowing(Options(allow_emails=("*@acme.io",))), one_build():
        allowed = text(line)
        assert "dana.reyes@acme.io" in allowed and "&lt;b&gt;" in allowed
    assert "[REDACTED-EMAIL]" in text(line)  # outside any build: redacted, nothing remembered
