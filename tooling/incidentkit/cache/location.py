"""Where the lint cache lives, and the key of everything besides a file that shapes its findings.

In a git repository the cache goes in the common git directory
(`.git/incidentkit/`, shared by all worktrees, never committed, removed with
the clone); elsewhere in `.incidentkit-cache/` at the repository root, with a
`.gitignore` of `*`. `INCIDENTKIT_CACHE_DIR` moves it; `INCIDENTKIT_NO_CACHE=1`
(or `lint --no-cache`) turns it off.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import sys
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import yaml

import incidentkit
from incidentkit.config import Config
from incidentkit.git.location import git_common_dir
from incidentkit.records.placeholders import markers_for
from incidentkit.records.pytest_config import pytest_collection
from incidentkit.records.schemas import SCHEMA_FILES
from incidentkit.rules import RULES

FORMAT = 6  # bump when the database layout or the index encoding changes
LOCAL_DIR = ".incidentkit-cache"


def disabled_by_environment() -> bool:
    return os.environ.get("INCIDENTKIT_NO_CACHE", "").strip().lower() not in (
        "",
        "0",
        "false",
        "no",
    )


def cache_dir(config: Config) -> tuple[Path, bool]:
    """The folder for `config`'s repository, and whether the user chose it."""
    chosen = os.environ.get("INCIDENTKIT_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve(), True
    common = git_common_dir(config.root)
    if common is not None:
        return common / "incidentkit", False
    return config.root / LOCAL_DIR, False


@functools.cache
def code_digest(package_dir: Path) -> str:
    """A digest of every Python source file of the package (path and bytes), and of its
    JSON data (the blame rule's model, `blame/model.json`, decides findings too)."""
    digest = hashlib.blake2b(digest_size=20)
    for source in sorted([*package_dir.rglob("*.py"), *package_dir.rglob("*.json")]):
        name = source.relative_to(package_dir).as_posix().encode("utf-8", "surrogateescape")
        data = source.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def canonical(value: object) -> str:
    """A text for `value` that is the same in every process.

    Not `repr`: a set's order follows string hashing, which differs from one
    process to the next, so the key (and with it the whole cache) would too.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(
            f"{f.name}={canonical(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(canonical(v) for v in value)) + "}"
    if isinstance(value, dict):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(canonical(v) for v in value) + "]"
    return repr(value)


def environment_key(config: Config, chosen_dir: bool) -> str:
    """A digest of what, besides a file's bytes and path, decides its records and findings.

    The tool (its version and every source file of the package, so an
    editable install that changes a rule is never answered from an old
    cache), the Python and parser versions, the effective configuration,
    the schemas, the templates' placeholder markers, the pytest collection
    settings and the rule set. The repository root is left out, so
    worktrees share one cache, unless the user chose a folder that several
    repositories may share.
    """
    digest = hashlib.blake2b(digest_size=20)

    def add(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    add(FORMAT, incidentkit.__version__, sys.version, yaml.__version__)
    add(getattr(yaml, "__with_libyaml__", False))
    for package in ("jsonschema", "referencing"):
        try:
            add(package, metadata.version(package))
        except metadata.PackageNotFoundError:
            add(package, "-")
    add(code_digest(Path(incidentkit.__file__).parent))
    # Paths out; what they point at is in by content (schemas, templates, pytest).
    root = Path(config.root if chosen_dir else ".")
    add(canonical(replace(config, root=root, source=None, settings_root=None)))
    add(
        canonical(markers_for(config)),
        canonical(pytest_collection(config.settings, config.evals_dir)),
    )
    for name in sorted(SCHEMA_FILES.values()):
        try:
            add(name, (config.schemas_path / name).read_bytes())
        except OSError:
            add(name, "-")
    add(sorted((r.id, r.scope, r.level, r.clock) for r in RULES.values()))
    return digest.hexdigest()
