"""Floor L: the least a schema linter has to do, to compare `incidentkit lint` with.

Reads the same files, splits the front matter, parses it with libyaml's C
loader (timestamps kept as strings, as the schemas expect) and validates it
with the same compiled jsonschema validators. No cross-file rules, no line
tracking, no messages: it prints the number of files and schema errors.

    python bench/floor_lint.py REPO
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from incidentkit.records.schemas import validators


class _Loader(yaml.CSafeLoader):
    """libyaml's loader without the timestamp resolver: dates stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(text: str) -> str | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    return text[4 : end + 1] if end >= 0 else None


def count_errors(validator: Any, data: Any) -> int:
    return sum(1 for _ in validator.iter_errors(data))


def lint(root: Path) -> tuple[int, int]:
    compiled = validators(root / "schemas")
    files = errors = 0
    for kind, folder, pattern in (
        ("incident", "incidents", "*.md"),
        ("postmortem", "postmortems", "*.md"),
    ):
        for file in sorted((root / folder).glob(pattern)):
            files += 1
            matter = front_matter(file.read_text(encoding="utf-8"))
            data = yaml.load(matter, Loader=_Loader) if matter is not None else None
            errors += 1 if data is None else count_errors(compiled[kind], data)
    for file in sorted((root / "evals").rglob("*.yaml")):
        files += 1
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
        units = data["cases"] if isinstance(data, dict) and "cases" in data else [data]
        errors += sum(count_errors(compiled["eval"], unit) for unit in units)
    return files, errors


if __name__ == "__main__":
    files, errors = lint(Path(sys.argv[1]))
    print(f"{files} files, {errors} schema errors")
