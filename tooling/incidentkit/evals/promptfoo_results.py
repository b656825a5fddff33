"""promptfoo's JSON output (`promptfoo eval -o results.json`) as `TestResult`s.

Each entry of `results.results` is one attempt of one test on one provider
(`--repeat N` writes N entries per test and provider). Its outcome:
`failureReason` 0 passed, 1 failed (an assertion judged the reply), 2
inconclusive (the provider raised or returned an error: nothing was judged).
Older files without `failureReason` use `success`, and an `error` with no
`gradingResult` is inconclusive.

The case is `testCase.metadata.case`, else the test's `description`
(`TestResult.case_id`); the incidents `testCase.metadata.incident` (a string
or a list). The provider is `provider.label`, else `provider.id`. The agent
version, first found wins:

1. `testCase.metadata.agent_version` (set per test);
2. `metadata.agent_version` of the result (what the provider returned);
3. `agent_version` (or `version`) in the provider's `config`, from the
   output's copy of the eval config;
4. the provider label written `agent@version` (`support-agent@1.4.1`).

`verify --before-version/--after-version` overrides all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from incidentkit.errors import UsageError
from incidentkit.evals.results import Status, TestResult, split_ids, version_from_label


def load_json(path: Path, raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not valid JSON: {exc}") from None


def read(path: Path, data: Any) -> Iterator[TestResult]:
    entries = _entries(data)
    if entries is None:
        raise UsageError(
            f"{path}: JSON without promptfoo results: expected results.results "
            "(the output of `promptfoo eval -o results.json`)"
        )
    configs = _provider_configs(data)
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            yield _entry(path, index, entry, configs)


def _entries(data: Any) -> list[Any] | None:
    results = data.get("results") if isinstance(data, dict) else None
    if isinstance(results, dict):  # promptfoo >= 0.30: {"results": {"results": [...]}}
        results = results.get("results")
    return results if isinstance(results, list) else None


def _provider_configs(data: Any) -> dict[str, dict[str, Any]]:
    """Provider label (and id) -> its `config`, from the eval config promptfoo copies into the output."""
    config = data.get("config") if isinstance(data, dict) else None
    providers = config.get("providers") if isinstance(config, dict) else None
    found: dict[str, dict[str, Any]] = {}
    for provider in providers if isinstance(providers, list) else []:
        if not isinstance(provider, dict) or not isinstance(provider.get("config"), dict):
            continue
        for key in (provider.get("label"), provider.get("id")):
            if isinstance(key, str):
                found.setdefault(key, provider["config"])
    return found


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _status(path: Path, index: int, entry: dict[str, Any]) -> tuple[Status, str | None]:
    reason = entry.get("failureReason")
    error = entry.get("error")
    message = (
        error.strip().splitlines()[0][:300] if isinstance(error, str) and error.strip() else None
    )
    if reason == 2:
        return "inconclusive", message or "promptfoo reported an error"
    if reason == 1:
        return "failed", message
    if reason is None and error and not entry.get("gradingResult") and not entry.get("success"):
        # promptfoo before failureReason: an error that no assertion graded is the provider's
        return "inconclusive", message or "promptfoo reported an error"
    success = entry.get("success")
    if not isinstance(success, bool):
        grading = entry.get("gradingResult")
        success = grading.get("pass") if isinstance(grading, dict) else None
    if not isinstance(success, bool):
        raise UsageError(
            f"{path}: results.results[{index}] has no boolean 'success'; is this promptfoo output?"
        )
    return ("passed", None) if success else ("failed", message)


def _version(
    metadata: dict[str, Any], result_meta: dict[str, Any], config: dict[str, Any], label: str | None
) -> str | None:
    for value in (
        metadata.get("agent_version"),
        result_meta.get("agent_version"),
        config.get("agent_version"),
        config.get("version"),
    ):
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            return str(value)
    return version_from_label(label) if label else None


def _entry(
    path: Path, index: int, entry: dict[str, Any], configs: dict[str, dict[str, Any]]
) -> TestResult:
    test_case = _mapping(entry.get("testCase"))
    metadata = _mapping(test_case.get("metadata"))
    provider = _mapping(entry.get("provider"))
    label = provider.get("label") if isinstance(provider.get("label"), str) else None
    provider_id = provider.get("id") if isinstance(provider.get("id"), str) else None
    status, reason = _status(path, index, entry)
    incident = metadata.get("incident")
    incidents = (
        split_ids(incident)
        if isinstance(incident, str)
        else [str(i) for i in incident]
        if isinstance(incident, list)
        else []
    )
    case = metadata.get("case")
    # by label: several providers may share one id (one file, one config per version)
    config = configs.get(label, {}) if label else configs.get(provider_id or "", {})
    name = test_case.get("description") or entry.get("description") or f"result {index + 1}"
    return TestResult(
        name=str(name),
        status=status,
        case=str(case) if isinstance(case, str) and case else None,
        incidents=tuple(dict.fromkeys(incidents)),
        agent_version=_version(
            metadata, _mapping(entry.get("metadata")), config, label or provider_id
        ),
        reason=reason,
        provider=label or provider_id,
        provider_id=provider_id,
    )
