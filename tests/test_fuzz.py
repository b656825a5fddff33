"""Property: whatever bytes or YAML a record holds, lint returns findings, never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidentkit.clock import now
from incidentkit.config import Config
from incidentkit.lint import run_lint
from incidentkit.records.repository import load_repository

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_fields = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "title",
            "status",
            "severity",
            "failure_modes",
            "detected_at",
            "started_at",
            "resolved_at",
            "incidents",
            "action_items",
            "tier",
            "expected",
            "cases",
            "related_incidents",
        ]
    ),
    _values,
    max_size=8,
)


def _lint_files(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (root / "incidents").mkdir(exist_ok=True)
        findings = run_lint(load_repository(Config(root=root)), now()).findings
        for finding in findings:
            assert finding.path and finding.line >= 1 and finding.column >= 1
            assert finding.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    _lint_files(
        {
            "incidents/INC-2026-0001-x.md": b"---\n" + data,
            "postmortems/PM-2026-0001-x.md": data,
            "evals/regression/x.yaml": data,
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fields, _fields)
def test_random_yaml_records_never_raise(
    incident: dict[str, object], case: dict[str, object]
) -> None:
    front = yaml.safe_dump(incident, allow_unicode=True).encode()
    _lint_files(
        {
            "incidents/INC-2026-0001-x.md": b"---\n" + front + b"---\nbody\n",
            "postmortems/PM-2026-0001-x.md": b"---\n" + front + b"---\n## Summary\n",
            "evals/regression/x.yaml": yaml.safe_dump(case).encode(),
        }
    )
