"""Inspect AI eval logs (`.eval` archives and `.json` logs) as `TestResult`s.

Read with the standard library (zipfile, json), so `verify` needs no
inspect-ai install. Every sample of every epoch is one attempt: `--epochs 3`
gives three runs per case. A sample's outcome:

- inconclusive when it carries an `error` (the solver or the agent raised), or
  when its incidentkit score says so (`metadata.outcome: inconclusive`, what
  the task `export-cases --to inspect` writes does on an agent error), or when
  it has no score at all;
- skipped when the score is `N` (no answer: a case awaiting a judge);
- else failed when any score is incorrect (`I`, `0`, `false`), passed otherwise.

The case is the sample's `metadata.case` (else its `id`); incidents
`metadata.incident`/`incidents`. The agent version: the sample's
`metadata.agent_version`, else the task argument `agent_version` (`inspect
eval ... -T agent_version=1.4.1`), else the eval's `metadata.agent_version`.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from incidentkit.errors import UsageError
from incidentkit.evals.results import Status, TestResult, split_ids

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one sample's JSON; more is not a log, it is an attack
_INCORRECT = {"I", "INCORRECT", "FAIL", "FAILED"}
_CORRECT = {"C", "CORRECT", "PASS", "PASSED"}


def is_inspect_log(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("eval"), dict) and "status" in data


def read_json_log(path: Path, data: dict[str, Any]) -> Iterator[TestResult]:
    samples = data.get("samples")
    if not isinstance(samples, list):
        raise UsageError(
            f"{path}: Inspect log without samples (status {data.get('status')!r}); "
            "write the log with its samples (the default; not --no-log-samples)"
        )
    context = _context(data.get("eval"))
    for sample in samples:
        if isinstance(sample, dict):
            yield _sample(sample, context)


def read_eval_zip(path: Path, raw: bytes) -> Iterator[TestResult]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{path}: not a readable Inspect .eval archive: {exc}") from None
    with archive:
        names = archive.namelist()
        if "header.json" not in names and "_journal/start.json" not in names:
            raise UsageError(
                f"{path}: a zip archive, but not an Inspect .eval log (no header.json)"
            )
        header = _member(
            path, archive, "header.json" if "header.json" in names else "_journal/start.json"
        )
        context = _context(header.get("eval") if isinstance(header, dict) else None)
        members = sorted(n for n in names if n.startswith("samples/") and n.endswith(".json"))
        if not members:
            raise UsageError(f"{path}: Inspect log without samples")
        for name in members:
            sample = _member(path, archive, name)
            if isinstance(sample, dict):
                yield _sample(sample, context)


def _member(path: Path, archive: zipfile.ZipFile, name: str) -> Any:
    info = archive.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise UsageError(f"{path}: {name} is {info.file_size} bytes; refusing to unpack it")
    try:
        data = archive.read(name)
    except NotImplementedError:
        data = _zstd_read(path, archive, name)
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{path}: {name}: {exc}") from None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: {name}: not valid JSON: {exc}") from None


def _zstd_read(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """Inspect compresses .eval members with Zstandard, which zipfile reads only with help:
    the `zipfile-zstd` package that inspect-ai installs teaches it the method."""
    try:
        import zipfile_zstd  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: F401
    except ImportError:
        raise UsageError(
            f"{path}: the log is compressed with Zstandard; install inspect-ai (or "
            "zipfile-zstd) where incidentkit runs, or convert it with "
            "`inspect log convert --to json`"
        ) from None
    try:
        return archive.read(name)
    except (NotImplementedError, zipfile.BadZipFile) as exc:
        raise UsageError(f"{path}: {name}: cannot decompress: {exc}") from None


def _context(evaluation: Any) -> dict[str, Any]:
    """Run-wide facts: the agent version from the task arguments or the eval metadata."""
    evaluation = evaluation if isinstance(evaluation, dict) else {}
    args = _mapping(evaluation.get("task_args"))
    meta = _mapping(evaluation.get("metadata"))
    version = args.get("agent_version") or meta.get("agent_version")
    return {"version": str(version) if version else None, "task": evaluation.get("task")}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _status(sample: dict[str, Any]) -> tuple[Status, str | None]:
    error = sample.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else str(error)
        return "inconclusive", str(message or "the sample raised").strip().splitlines()[0][:300]
    scores = sample.get("scores")
    if scores is None and isinstance(sample.get("score"), dict):  # logs of older Inspect versions
        scores = {"score": sample["score"]}
    if not isinstance(scores, dict) or not scores:
        return "inconclusive", "the sample has no score"
    outcomes = [_score(s) for s in scores.values()]
    for outcome, reason in outcomes:
        if outcome == "inconclusive":
            return outcome, reason
    if any(o == "failed" for o, _ in outcomes):
        return "failed", next(r for o, r in outcomes if o == "failed")
    if any(o == "skipped" for o, _ in outcomes):
        return "skipped", next(r for o, r in outcomes if o == "skipped")
    return "passed", None


def _score(score: Any) -> tuple[Status, str | None]:
    if not isinstance(score, dict):
        return "inconclusive", "a score Inspect did not write"
    meta = _mapping(score.get("metadata"))
    explanation = score.get("explanation")
    reason = str(explanation).splitlines()[0][:300] if explanation else None
    if meta.get("outcome") in ("inconclusive", "skipped", "failed", "passed"):
        return meta["outcome"], meta.get("reason") or reason
    value = score.get("value")
    if isinstance(value, bool):
        return ("passed" if value else "failed"), reason
    if isinstance(value, int | float):
        return ("passed" if value >= 1 else "failed"), reason
    if isinstance(value, str):
        if value.upper() in _CORRECT:
            return "passed", reason
        if value.upper() in _INCORRECT:
            return "failed", reason
        if value.upper() == "N":
            return "skipped", reason
    return "inconclusive", f"a score value incidentkit cannot read: {value!r}"


def _sample(sample: dict[str, Any], context: dict[str, Any]) -> TestResult:
    meta = _mapping(sample.get("metadata"))
    status, reason = _status(sample)
    raw_incidents = meta.get("incident", meta.get("incidents"))
    incidents = (
        split_ids(raw_incidents)
        if isinstance(raw_incidents, str)
        else [str(i) for i in raw_incidents]
        if isinstance(raw_incidents, list)
        else []
    )
    case = meta.get("case")
    version = meta.get("agent_version") or context["version"]
    return TestResult(
        name=str(sample.get("id", "")),
        status=status,
        case=str(case) if isinstance(case, str) and case else None,
        incidents=tuple(dict.fromkeys(incidents)),
        agent_version=str(version) if version else None,
        classname=context["task"] if isinstance(context["task"], str) else None,
        reason=reason,
    )
