"""OpenTelemetry-style spans decoded into `Step`s by the convention they follow.

`step_from_span` reads a `RawSpan` by the OpenTelemetry GenAI semantic
conventions (`genai`) or by OpenInference (`openinference`), whichever its
attributes follow, so an OTLP file and a console-exporter dump of the same
spans give the same steps.
"""

from __future__ import annotations

from dataclasses import replace

from incidentkit.traces import genai, openinference
from incidentkit.traces.attributes import RawSpan
from incidentkit.traces.model import Step


def step_from_span(span: RawSpan, light: bool = False) -> Step:
    """The span as a `Step`, by whichever convention its attributes follow.

    `light` leaves the messages unread (`PRESENT` when there are some): the
    first pass only needs to know which spans are LLM calls.
    """
    if openinference.follows(span.attributes):
        step = openinference.decode(span, light)
    else:
        step = genai.decode(span, light)
    service = span.resource.get("service.name")
    if isinstance(service, str) and service and not service.startswith("unknown_service"):
        version = span.resource.get("service.version")
        step = replace(step, service=service, service_version=str(version) if version else None)
    return step
