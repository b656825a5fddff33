"""`new eval`: a regression case for an incident, its input taken from the reproduction.

The incident's body may hold its minimal reproduction as a fenced block
marked ```` ```yaml title="minimal reproduction" ````; its `messages` and
`context` become the case's `input`, so the exact input travels unchanged.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import yaml

from incidentkit.authoring.render import (
    Created,
    check_choice,
    fill_template,
    in_quotes,
    schema_enum,
    write_new,
)
from incidentkit.config import Config
from incidentkit.errors import UsageError
from incidentkit.records.markdown import fenced_blocks
from incidentkit.records.model import Incident
from incidentkit.records.repository import RecordSet, load_repository
from incidentkit.records.yamlsource import YamlProblem, parse

TEMPLATE = "eval.yaml"
_CASE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_REPRODUCTION = re.compile(r"""\btitle\s*=\s*["']minimal reproduction["']""", re.IGNORECASE)
_PLACEHOLDER_INPUT: dict[str, Any] = {
    "messages": [{"role": "user", "content": "TODO: the exact user message"}]
}


def create_eval(
    config: Config,
    incident_id: str,
    tier: str,
    case_id: str | None = None,
    *,
    input_data: dict[str, Any] | None = None,
    trailer: str = "",
    agent: str | None = None,
) -> Created:
    """Write `evals/<tier>/<case-id>.yaml` for an existing incident.

    `input_data` replaces the input taken from the incident's reproduction,
    `trailer` (YAML blocks, e.g. `observed` and `source`) follows the input,
    and `agent` is used when the incident names none.
    """
    tier = check_choice(tier, schema_enum(config, "eval", "properties", "tier"), "--tier")
    records = load_repository(config)
    incident = records.incidents_by_id.get(incident_id)
    if incident is None:
        raise UsageError(
            f"incident {incident_id} does not exist; add it first (incidentkit new incident)"
        )
    used = {c.id: c.path for c in records.cases if c.id}
    if case_id is not None:
        if not _CASE_ID.match(case_id):
            raise UsageError(
                f"--id {case_id!r}: use lowercase letters, digits, '.', '_' and '-', e.g. refund-window"
            )
        if case_id in used:
            raise UsageError(f"--id {case_id}: already used by {used[case_id]}")
    else:
        case_id = _free_id(_base_id(incident), used, records, tier)
    data = input_data or reproduction_input(incident.doc.body) or _PLACEHOLDER_INPUT
    rendered = render_input(data)
    if trailer:
        rendered += "\n" + trailer.rstrip("\n")
    text = fill_template(
        config,
        TEMPLATE,
        {
            "id": case_id,
            "incidents": f"[{incident.id}]",
            "agent": in_quotes(incident.agent or agent or "TODO"),
            "tier": tier,
            "input": rendered,
        },
    )
    return write_new(config, f"{config.evals_dir}/{tier}/{case_id}.yaml", text, case_id)


def reproduction_input(body: str) -> dict[str, Any] | None:
    """`messages` and `context` from the body's minimal-reproduction block, if it has one."""
    for info, content in fenced_blocks(body):
        language = info.split(maxsplit=1)[0].lower() if info else ""
        if language not in ("yaml", "yml") or not _REPRODUCTION.search(info):
            continue
        try:
            data = parse(content).data
        except (YamlProblem, RecursionError):
            return None
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            return {k: data[k] for k in ("messages", "context") if k in data}
        return None
    return None


def render_input(data: dict[str, Any]) -> str:
    """The `input:` block, in block style; multi-line messages as literal blocks."""
    return dump_yaml({"input": data}).rstrip("\n")


def dump_yaml(data: Any) -> str:
    """`data` as readable block-style YAML (the records' style), ending in a newline."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def _base_id(incident: Incident) -> str:
    stem = PurePosixPath(incident.path).stem
    slug = stem[len(incident.id) :].lstrip("-") if stem.startswith(incident.id) else ""
    return slug.lower() if slug and _CASE_ID.match(slug.lower()) else incident.id.lower()


def _free_id(base: str, used: dict[str, str], records: RecordSet, tier: str) -> str:
    folder = records.config.root / records.config.evals_dir / tier
    candidate, n = base, 1
    while candidate in used or (folder / f"{candidate}.yaml").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class _Dumper(yaml.SafeDumper):
    """Readable YAML: indented lists, literal blocks for multi-line text, no anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
