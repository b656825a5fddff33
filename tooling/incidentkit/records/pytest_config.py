"""Which files, functions and classes pytest collects, from the repository's pytest config.

pytest reads the first of `pytest.toml`, `.pytest.toml` (pytest 9, table
`[pytest]`), `pytest.ini`, `.pytest.ini`, `pyproject.toml`
(`[tool.pytest.ini_options]`, or pytest 9's native `[tool.pytest]`), `tox.ini`
(`[pytest]`) and `setup.cfg` (`[tool:pytest]`) that it finds, from the tests'
folder upward; we look from the evals folder up to the repository root, in
that order.

The gate judges a PR by its merge base's config, and the head's config takes
over after merge: a `Collection` may carry the head's as `after`, and then a
test is collected only when both collect it, so a PR cannot make its own test
silently uncollected once merged. Only the
collection options matter here: `python_files`, `python_functions`,
`python_classes` and `norecursedirs`.
"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    async_auto: str | None = None  # the plugin the config tells to run every async test
    after: Collection | None = None  # the head's config, when it differs from the judging one

    def rejecting(self, collects: Callable[[Collection], bool]) -> Collection | None:
        """The config (this one, then `after`) that does not collect, or None when all do."""
        for config in (self, self.after):
            if config is not None and not collects(config):
                return config
        return None

    def collects_file(self, rel: str) -> bool:
        name = PurePosixPath(rel).name
        return any(_fnmatch_ex(p, rel, name) for p in self.python_files)

    def skipped_folder(self, parts: tuple[str, ...]) -> str | None:
        """The folder (below the evals folder) pytest does not recurse into, if any."""
        for part in parts:
            if any(fnmatch.fnmatchcase(part, p) for p in self.norecursedirs):
                return part
        return self.after.skipped_folder(parts) if self.after is not None else None

    def async_plugin(self) -> str | None:
        """The plugin every config tells to run every async test, if any."""
        if self.after is not None and self.after.async_auto is None:
            return None
        return self.async_auto

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


def pytest_collection(root: Path, evals_dir: str, head: Path | None = None) -> Collection:
    """The collection options pytest would use for tests under `root/evals_dir`; with
    `head` (another tree whose config takes over after merge), both configs'."""
    found = _collection_at(root, evals_dir)
    if head is None or head == root:
        return found
    after = _collection_at(head, evals_dir)
    if after == found:
        return found
    return replace(found, after=replace(after, source=f"this PR's {after.source}"))


def _collection_at(root: Path, evals_dir: str) -> Collection:
    folder = root / evals_dir
    for candidate in [folder, *folder.parents]:
        found = _options_in(candidate)
        if found is not None:
            return _collection(*found)
        if candidate == root:
            break
    return Collection()


def _options_in(folder: Path) -> tuple[dict[str, Any], str] | None:
    for name in ("pytest.toml", ".pytest.toml"):
        if (folder / name).is_file():  # pytest 9: it wins even when empty
            table = _toml(folder / name).get("pytest", {})
            return (table if isinstance(table, dict) else {}), f"{name} [pytest]"
    for name in ("pytest.ini", ".pytest.ini"):
        if (folder / name).is_file():
            return _ini(folder / name, "pytest") or {}, name
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        tool = _toml(pyproject).get("tool", {})
        options = tool.get("pytest", {}) if isinstance(tool, dict) else {}
        if isinstance(options, dict) and isinstance(options.get("ini_options"), dict):
            return options["ini_options"], "pyproject.toml [tool.pytest.ini_options]"
        native = {k: v for k, v in options.items() if k != "ini_options"} if options else {}
        if isinstance(options, dict) and native:  # pytest 9's native TOML table
            return native, "pyproject.toml [tool.pytest]"
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        options_ = _ini(folder / name, section) if (folder / name).is_file() else None
        if options_ is not None:
            return options_, f"{name} [{section}]"
    return None


def _toml(file: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return {}


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
        async_auto=_async_auto(options),
    )


def _async_auto(options: dict[str, Any]) -> str | None:
    if str(options.get("asyncio_mode", "")).strip().lower() == "auto":
        return "pytest-asyncio (asyncio_mode = auto)"
    if str(options.get("trio_mode", "")).strip().lower() in ("true", "1", "yes", "on"):
        return "pytest-trio (trio_mode = true)"
    return None
