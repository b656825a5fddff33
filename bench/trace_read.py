"""Reading a big OTLP trace file: `--from-trace`'s reader against streaming the file's lines.

`python bench/trace_read.py generate PATH MB` writes a collector-style OTLP
JSON Lines file of about MB megabytes: the support-refund fixture's request
(4 spans, GenAI attributes) repeated with a new trace and conversation ID on
every line. `read PATH` runs `incidentkit.traces.read_trace` choosing the
last trace by `--trace-id` (both passes over the whole file); `floor PATH`
only streams the file and parses each line with `json.loads`, the least any
reader of the file must do. `bench/run.py` measures both in whole processes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "traces" / "fixtures" / "support-refund.otlp.jsonl"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4734"
CONVERSATION = "conv-7f3a9c"


def trace_id(n: int) -> str:
    return f"{n:032x}"


def generate(path: Path, megabytes: int) -> int:
    """Write the file; return how many traces (lines) it holds."""
    line = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    assert TRACE_ID in line and CONVERSATION in line
    target = megabytes * 1024 * 1024
    written = lines = 0
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        while written < target:
            lines += 1
            text = line.replace(TRACE_ID, trace_id(lines)).replace(CONVERSATION, f"conv-{lines}")
            out.write(text + "\n")
            written += len(text) + 1
    partial.replace(path)
    return lines


def floor(path: Path) -> None:
    count = 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            count += len(json.loads(line)["resourceSpans"])
    print(count)


def read(path: Path, wanted: str) -> None:
    from incidentkit.traces import Selection, read_trace

    conversation = read_trace(path, selection=Selection(trace_id=wanted))
    print(len(conversation.messages), conversation.provenance.trace_id)


def main(argv: list[str]) -> int:
    mode, path = argv[0], Path(argv[1])
    if mode == "generate":
        print(generate(path, int(argv[2])))
    elif mode == "floor":
        floor(path)
    elif mode == "read":
        read(path, argv[2])
    else:
        raise SystemExit(f"unknown mode {mode!r}: generate, floor or read")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
