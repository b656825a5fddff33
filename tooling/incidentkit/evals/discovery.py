"""Finding the eval cases under `evals/` and what incidents they guard against.

The reading itself lives in the records layer, so the repository loader needs
nothing from `evals`: YAML cases in `records/cases.py`, marked Python tests
(read from the AST, never imported, with pytest's collection rules) in
`records/pytest_source.py`. This module keeps the names the eval commands use.
"""

from __future__ import annotations

from incidentkit.records.cases import link_graph, yaml_cases
from incidentkit.records.pytest_source import python_cases, scan_python

__all__ = ["link_graph", "python_cases", "scan_python", "yaml_cases"]
