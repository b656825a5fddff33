"""Where the packaged defaults (schemas, templates) live.

A wheel carries the repository's `schemas/` and `templates/` as package data
under `incidentkit/_data/`; an editable install reads them straight from the
source checkout. Either way there is one copy, the repository's.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The packaged `schemas` or `templates` folder."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"incidentkit's packaged {name}/ is missing; reinstall incidentkit")


def scaffold_dir() -> Path:
    """Files `init` lays out that are not schemas or templates."""
    return _PACKAGE_DIR / "scaffold"
