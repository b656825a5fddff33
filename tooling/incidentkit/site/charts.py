"""SVG charts drawn with matplotlib at build time, byte-for-byte reproducible.

Agg backend (no display), a fixed `svg.hashsalt` so element IDs do not change
between builds, no `Date` metadata, and text drawn as paths so the chart needs
no font from anywhere. Takes numbers computed by `incidentkit.metrics`;
computes none itself.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: never open a display

from matplotlib.figure import Figure  # after matplotlib.use(): the backend is chosen first
from matplotlib.ticker import MaxNLocator

_RC: Any = {  # matplotlib types rcParams keys as literals; these are all valid
    "svg.hashsalt": "incidentkit",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_PALETTE = ["#3f51b5", "#e53935", "#fb8c00", "#43a047", "#8e24aa", "#00acc1", "#6d4c41", "#546e7a"]


def _svg(fig: Figure) -> bytes:
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue().encode("utf-8")


def stacked_bars(
    title: str, quarters: Sequence[str], series: Mapping[str, Sequence[int]], ylabel: str
) -> bytes:
    """Counts per quarter, one stacked colour per series (failure mode, severity...)."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7, 3.2))
        ax = fig.add_subplot()
        bottoms = [0] * len(quarters)
        for index, (name, counts) in enumerate(series.items()):
            ax.bar(
                list(quarters),
                list(counts),
                bottom=bottoms,
                label=name,
                color=_PALETTE[index % len(_PALETTE)],
            )
            bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig)


def lines(
    title: str, quarters: Sequence[str], series: Mapping[str, Sequence[float | None]], ylabel: str
) -> bytes:
    """One line per series over quarters; a missing value leaves a gap."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7, 3.2))
        ax = fig.add_subplot()
        for index, (name, values) in enumerate(series.items()):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(
                list(quarters), ys, marker="o", label=name, color=_PALETTE[index % len(_PALETTE)]
            )
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig)


def horizontal_bars(title: str, counts: Mapping[str, int]) -> bytes:
    """A count per category, largest on top."""
    with matplotlib.rc_context(_RC):
        height = max(1.6, 0.35 * len(counts) + 0.8)
        fig = Figure(figsize=(7, height))
        ax = fig.add_subplot()
        names = list(counts)[::-1]
        ax.barh(names, [counts[n] for n in names], color=_PALETTE[0])
        ax.set_title(title)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(fig)
