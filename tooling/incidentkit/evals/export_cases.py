"""`export-cases`: the YAML eval cases as another runner's suite, with the same meaning.

This module chooses the cases and writes the files; `promptfoo_export` and
`inspect_export` translate. A check that cannot be translated with identical
semantics is never dropped: the case is refused with the reason
(`Refusal`), and the export fails unless the caller chose to leave refused
cases out, in which case they are listed. Python tests under `evals/` are code,
not data, and are counted as not exported.

The files written carry a header line naming this command; `write_files`
replaces such a file, and refuses any other existing file unless `force`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidentkit.atomic import atomic_write_text
from incidentkit.config import Config
from incidentkit.errors import UsageError, WriteRefused
from incidentkit.evals.agent import case_agent
from incidentkit.evals.verify import Scope
from incidentkit.output_guard import check_output_file
from incidentkit.records.model import EvalCase
from incidentkit.records.repository import load_repository

MARKER = "Written by `incidentkit export-cases`"


@dataclass(frozen=True)
class Refusal:
    """A check of a case that the target runner cannot express with the same meaning."""

    case: EvalCase
    index: int | None  # position in `expected`; None for the case as a whole
    reason: str

    def describe(self) -> str:
        line = self.case.line
        if self.index is not None and self.case.doc is not None:
            line = self.case.doc.at((*self.case.key, "expected", self.index))[0]
        where = f"expected[{self.index}]" if self.index is not None else "the case"
        return f"{self.case.path}:{line}: {self.case.id}: {where}: {self.reason}"


class ExportRefused(UsageError):
    """Some cases cannot be exported with identical semantics (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Selected:
    """The cases to export, with the agent each targets."""

    cases: list[tuple[EvalCase, str | None]]
    python_tests: int


def select_cases(config: Config, scope: Scope) -> Selected:
    records = load_repository(config)
    agents = {i.id: i.agent for i in records.incidents if i.id}
    chosen = [
        (case, case_agent(case, agents))
        for case in records.cases
        if case.source == "yaml" and case.id and scope.admits(case, case_agent(case, agents))
    ]
    if not chosen:
        raise UsageError(
            "no YAML eval case to export"
            + (" matches --agent/--tier/--incident" if scope != Scope() else "")
        )
    python = sum(1 for c in records.cases if c.source == "python")
    return Selected(chosen, python)


def last_user_message(case_input: Any) -> str:
    messages = case_input.get("messages") if isinstance(case_input, dict) else None
    for message in reversed(messages if isinstance(messages, list) else []):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def case_input(case: EvalCase) -> dict[str, Any] | None:
    value = case.data.get("input")
    return value if isinstance(value, dict) else None


@dataclass
class Export:
    """What an exporter produced: file name -> text, the cases in it, the refusals."""

    files: dict[str, str] = field(default_factory=dict)
    exported: list[EvalCase] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    python_tests: int = 0


def require_all(export: Export, skip_refused: bool) -> None:
    """Refuse the export when a case could not be translated, unless told to leave it out."""
    if export.refused and not skip_refused:
        lines = "\n  ".join(r.describe() for r in export.refused)
        raise ExportRefused(
            f"{len(export.refused)} check(s) cannot be exported with the same meaning, so "
            f"nothing was written:\n  {lines}\n(--skip-untranslatable exports the other cases "
            "and lists these)"
        )
    if not export.exported:
        raise ExportRefused(
            "no case could be exported: " + "; ".join(r.describe() for r in export.refused)
        )


def write_files(output: Path, files: dict[str, str], force: bool) -> list[Path]:
    """Write every file into `output`; a file not written by this command needs `force`."""
    for name in files:
        path = output / name
        check_output_file(path)  # a named pipe here would block the read below
        if path.exists() and not force:
            head = path.read_text(encoding="utf-8", errors="replace")[:400]
            if MARKER not in head:
                raise WriteRefused(
                    f"{path} exists and was not written by incidentkit export-cases; "
                    "pass --force to replace it"
                )
    written = []
    for name, text in files.items():
        path = output / name
        atomic_write_text(path, text, overwrite=True)
        written.append(path)
    return written
