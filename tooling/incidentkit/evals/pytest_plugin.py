"""The pytest plugin (entry point `pytest11`): registers incidentkit's markers.

`@pytest.mark.incident(id="INC-2026-0042")` and `@pytest.mark.tier(name=...)`
tag Python eval tests; registering them keeps `--strict-markers` runs clean.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "incident(id): the incident ID(s) this test guards against (incidentkit)"
    )
    config.addinivalue_line(
        "markers", "tier(name): the eval tier: regression, pre-deployment, safety-critical"
    )
