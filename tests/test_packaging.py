"""The wheel carries the schemas, templates, scaffold and site assets: one copy, the repository's."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT

pytest.importorskip("hatchling", reason="hatchling (a dev extra) builds the wheel")


def _build(target: str, out: Path, pattern: str) -> Path:
    """Build the package as `target` (wheel, sdist) into `out`; the one file built."""
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(out)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob(pattern)
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("wheel", tmp_path_factory.mktemp("dist"), "*.whl")


def test_wheel_holds_the_repository_schemas_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (REPO_ROOT / "schemas").glob("*.json"):
        assert f"incidentkit/_data/schemas/{schema.name}" in names
    for template in (REPO_ROOT / "templates").iterdir():
        assert f"incidentkit/_data/templates/{template.name}" in names
    assert "incidentkit/site/assets/tables.js" in names
    assert "incidentkit/blame/model.json" in names  # the blame rule's learned second opinion
    assert any(n.startswith("incidentkit/scaffold/dot-github/workflows/") for n in names)


def test_sdist_holds_the_blame_model(tmp_path: Path) -> None:
    with tarfile.open(_build("sdist", tmp_path, "*.tar.gz")) as archive:
        names = archive.getnames()
    assert any(n.endswith("/tooling/incidentkit/blame/model.json") for n in names)


def test_init_from_the_wheel_lints_clean(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # The unpacked wheel comes first on the path, ahead of the editable checkout.
    env = {**os.environ, "PYTHONPATH": str(unpacked), "INCIDENTKIT_NOW": "2026-11-26T12:00:00Z"}
    run = [sys.executable, "-c", "from incidentkit.cli import main; main()"]
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from incidentkit.resources import data_dir; print(data_dir('schemas'))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()) == unpacked / "incidentkit" / "_data" / "schemas"
    target = tmp_path / "team-repo"
    subprocess.run([*run, "init", str(target)], env=env, capture_output=True, check=True)
    lint = subprocess.run(
        [*run, "-C", str(target), "lint"], env=env, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert (target / "schemas" / "incident.schema.json").read_bytes() == (
        REPO_ROOT / "schemas" / "incident.schema.json"
    ).read_bytes()


def test_wheel_metadata_for_the_package_index(wheel: Path) -> None:
    """Project URLs, classifiers, py.typed, a light core and the site extra."""
    import email
    import re

    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert "incidentkit/py.typed" in names
    (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    meta = email.message_from_bytes(archive.read(meta_name))
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    classifiers = meta.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in classifiers)
    requires = meta.get_all("Requires-Dist") or []
    core = [r for r in requires if "extra ==" not in r]
    site = [r for r in requires if "extra == 'site'" in r or 'extra == "site"' in r]
    for heavy in ("mkdocs", "mkdocs-material", "nh3", "matplotlib"):
        assert not any(r.lower().startswith(heavy) for r in core), f"{heavy} is in the core"
        assert any(r.lower().startswith(heavy) for r in site), f"{heavy} is not in [site]"
    # The README is the package index page: its links must not be relative.
    readme = meta.get_payload()
    assert isinstance(readme, str) and "Start your own incident repository" in readme
    relative = re.findall(r"\]\((?!https?://|#)([^)]+)\)", readme)
    assert relative == [], f"relative links break on the package index: {relative}"
