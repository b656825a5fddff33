"""Which files, functions and classes pytest collects, from the repository's pytest config.

pytest reads the first of `pytest.ini`, `.pytest.ini`, `pyproject.toml`
(`[tool.pytest.ini_options]`), `tox.ini` (`[pytest]`) and `setup.cfg`
(`[tool:pytest]`) that it finds, from the tests' folder upward; we look from
the evals folder up to the repository root, in that order. Only the
collection options matter here: `python_files`, `python_functions`,
`python_classes` and `norecursedirs`.
"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


@dataclass(frozen=True)
class Collection:
    python_files: tuple[str, ...] = ("test_*.py", "*_test.py")
    python_functions: tuple[str, ...] = ("test",)
    python_classes: tuple[str, ...] = ("Test",)
    norecursedirs: tuple[str, ...] = _NORECURSE
    source: str = "pytest's defaults"

    def collects_file(self, rel: str) -> bool:
        name = PurePosixPath(rel).name
        return any(_fnmatch_ex(p, rel, name) for p in self.python_files)

    def skipped_folder(self, parts: tuple[str, ...]) -> str | None:
        """The folder (below the evals folder) pytest does not recurse into, if any."""
        for part in parts:
            if any(fnmatch.fnmatchcase(part, p) for p in self.norecursedirs):
                return part
        return None

    def collects_function(self, name: str) -> bool:
        return any(_prefix_or_glob(name, p) for p in self.python_functions)

    def collects_class(self, name: str) -> bool:
        return any(_prefix_or_glob(name, p) for p in self.python_classes)


def _fnmatch_ex(pattern: str, rel: str, name: str) -> bool:
    # pytest matches a pattern without a slash against the file name alone
    if "/" not in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    return fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, "*/" + pattern)


def _prefix_or_glob(name: str, option: str) -> bool:
    if name.startswith(option):
        return True
    return any(c in option for c in "*?[") and fnmatch.fnmatchcase(name, option)


def pytest_collection(root: Path, evals_dir: str) -> Collection:
    """The collection options pytest would use for tests under `root/evals_dir`."""
    folder = root / evals_dir
    for candidate in [folder, *folder.parents]:
        found = _options_in(candidate)
        if found is not None:
            return _collection(*found)
        if candidate == root:
            break
    return Collection()


def _options_in(folder: Path) -> tuple[dict[str, Any], str] | None:
    for name in ("pytest.ini", ".pytest.ini"):
        if (folder / name).is_file():
            return _ini(folder / name, "pytest") or {}, name
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            data = {}
        options = data.get("tool", {}).get("pytest", {})
        if isinstance(options, dict) and isinstance(options.get("ini_options"), dict):
            return options["ini_options"], "pyproject.toml [tool.pytest.ini_options]"
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        options_ = _ini(folder / name, section) if (folder / name).is_file() else None
        if options_ is not None:
            return options_, f"{name} [{section}]"
    return None


def _ini(file: Path, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(file.read_text(encoding="utf-8"))
    except (configparser.Error, UnicodeDecodeError, OSError):
        return None
    return dict(parser[section]) if parser.has_section(section) else None


def _collection(options: dict[str, Any], source: str) -> Collection:
    defaults = Collection()

    def words(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = options.get(key)
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        return default

    return Collection(
        python_files=words("python_files", defaults.python_files),
        python_functions=words("python_functions", defaults.python_functions),
        python_classes=words("python_classes", defaults.python_classes),
        norecursedirs=words("norecursedirs", defaults.norecursedirs),
        source=source,
    )
