"""`lint` keeps records cut to what its repository rules read; the findings must not change."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import case_text, incident_text, postmortem_text
from incidentkit.cache.store import LintCache
from incidentkit.config import load_config
from incidentkit.lint import lint_and_load
from incidentkit.rules import RULES

HERE = Path(__file__).resolve().parent.parent

# Every repository rule and clock rule finds something here, on top of the
# repository's own example records.
DEFECTS = {
    # unique-id: a second incident with the first one's ID
    "incidents/INC-2026-0001-copy.md": incident_text(id="INC-2026-0001"),
    # broken-link: a related incident that does not exist, and a case linking one
    "incidents/INC-2026-0901-related.md": incident_text(
        id="INC-2026-0901", extra="related_incidents: [INC-2026-0999]\n"
    ),
    "evals/regression/orphan.yaml": case_text(id="orphan", incidents="[INC-2026-0998]"),
    # unique-id among cases
    "evals/regression/orphan-copy.yaml": case_text(id="orphan", incidents="[INC-2026-0001]"),
    # lightweight-severity and postmortem-deadline: an S1 with a lightweight post-mortem,
    # another S1 with none at all
    "incidents/INC-2026-0902-s1.md": incident_text(id="INC-2026-0902", severity="S1"),
    "incidents/INC-2026-0903-s1.md": incident_text(id="INC-2026-0903", severity="S1"),
    "postmortems/PM-2026-0902-light.md": postmortem_text(
        id="PM-2026-0902", incidents="[INC-2026-0902]", extra="format: lightweight\n"
    ),
    # python-syntax
    "evals/test_broken.py": "def test_x(:\n    pass\n",
}


@pytest.fixture
def defective_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("incidents", "postmortems", "evals", "schemas", "templates"):
        shutil.copytree(HERE / folder, root / folder)
    shutil.copy(HERE / "pyproject.toml", root / "pyproject.toml")
    for rel, text in DEFECTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


Lint = Callable[[bool], list[tuple[str, int, str, str]]]


def test_slim_records_give_the_same_findings(defective_repo: Path) -> None:
    config = load_config(defective_repo)
    # late enough that every open action item is overdue and every deadline passed
    now = datetime(2031, 1, 1, tzinfo=UTC)

    def findings(slim: bool) -> list[tuple[str, int, str, str]]:
        _, result = lint_and_load(config, now, slim=slim)
        return [(f.path, f.line, f.rule, f.message) for f in result.findings]

    full, slim = findings(False), findings(True)
    assert slim == full
    repository_rules = {r.id for r in RULES.values() if r.scope == "repository" or r.clock}
    found = {rule for _, _, rule, _ in full}
    # the comparison means something only if every such rule found something
    assert repository_rules <= found, repository_rules - found


def test_slim_records_hold_no_free_text(defective_repo: Path) -> None:
    config = load_config(defective_repo)
    now = datetime(2031, 1, 1, tzinfo=UTC)
    records, _ = lint_and_load(config, now, slim=True)
    assert records.postmortems and records.cases
    assert all(not p.root_causes and not p.title for p in records.postmortems)
    assert all(not a.description for p in records.postmortems for a in p.action_items)
    assert all(not c.expected for c in records.cases)
    full, _ = lint_and_load(config, now, slim=False)
    assert any(p.root_causes for p in full.postmortems)  # the gate and reports keep them
    assert any(c.expected for c in full.cases)


def _without_doc(record: Any) -> tuple[object, ...]:
    return tuple(getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "doc")


def test_the_cache_answers_records_already_cut(
    defective_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm lint decodes cached records straight into the cut form: the same records,
    field by field, and the same findings as cutting records read from the files."""
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(defective_repo)
    now = datetime(2031, 1, 1, tzinfo=UTC)
    cold_records, cold = lint_and_load(config, now, slim=True)
    for _ in range(2):  # the first run fills the cache, the second is answered from it
        cache = LintCache.open(config)
        assert cache is not None
        warm_records, warm = lint_and_load(config, now, cache=cache, slim=True)
    assert cache.hits > 0
    assert warm.findings == cold.findings
    for kind in ("incidents", "postmortems", "cases"):
        cold_cut = sorted(map(_without_doc, getattr(cold_records, kind)), key=repr)
        warm_cut = sorted(map(_without_doc, getattr(warm_records, kind)), key=repr)
        assert warm_cut == cold_cut, kind
    whole, _ = lint_and_load(config, now, cache=LintCache.open(config), slim=False)
    assert any(p.root_causes for p in whole.postmortems)  # a whole-record caller gets them whole
