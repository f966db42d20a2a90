"""Event labels on a chart, placed so that none overlaps another or leaves the plot (pure, no Plotly).

Labels sit in a band of rows above the series (so they never cross a line of data). Each is centred
over its event where it can be, moved along its row (a leader line then joins it to the event) or
put in a higher row when something is in the way, and dropped when no row has room; the caller says
how many were dropped. Placement is in pixels of the plot's width: a layout made for a width stays
valid on anything wider (gaps only grow), so the app lays out for the lower edge of the width the
chart is drawn at, and an export for its exact size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Advance widths as a share of the font size, rounded up from DejaVu Sans, the widest of the figure's
# fonts (usjp.figures.style.FONT): a label measured so is never narrower than the drawn one.
_NARROW = set("iljtfrI.,;:'!|()[] ")
_WIDE = set("mwMW%@—…")
GAP_PX = 8  # between two labels in a row
MAX_SHIFT_PX = 160  # how far a label may move along its row from above its event


def text_width(text: str, size: float) -> float:
    """The drawn width of `text` at font `size` px, an upper bound for the figure's fonts."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.42
        elif ch in _WIDE:
            em += 1.0
        elif ch.isupper():
            em += 0.8
        elif ch.isascii():
            em += 0.65
        else:
            em += 1.0
    return em * size


def fit_text(text: str, size: float, room: float) -> str:
    """`text`, or as much of it as fits in `room` px followed by an ellipsis (a label wider than the plot)."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


@dataclass(frozen=True)
class Wanted:
    """A label to place: its event, where the event is (px from the plot's left), and its text."""

    key: str
    x: float
    text: str


@dataclass(frozen=True)
class Placed:
    key: str
    x: float  # the event's position
    centre: float  # the label's centre (differs from x when moved along its row)
    width: float
    row: int  # 0 is the row nearest the plot
    text: str = ""

    @property
    def left(self) -> float:
        return self.centre - self.width / 2

    @property
    def right(self) -> float:
        return self.centre + self.width / 2


@dataclass(frozen=True)
class Layout:
    placed: tuple[Placed, ...]
    dropped: tuple[str, ...]


def place(wanted: Sequence[Wanted], plot_px: float, rows: int, size: float) -> Layout:
    """Place `wanted` in order of priority (first placed first) in `rows` rows over a plot `plot_px` wide.

    A label goes in the lowest row where it fits centred over its event (clamped inside the plot); if
    none, at the nearest free place in any row within MAX_SHIFT_PX; else it is dropped.
    """
    taken: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    placed: list[Placed] = []
    dropped: list[str] = []
    for item in wanted:
        width = text_width(item.text, size)
        if width > plot_px or not 0 <= item.x <= plot_px:  # callers shorten labels to the plot (fit_text)
            dropped.append(item.key)
            continue
        spot = _spot(item.x, width, plot_px, taken)
        if spot is None:
            dropped.append(item.key)
            continue
        row, centre = spot
        taken[row].append((centre - width / 2, centre + width / 2))
        placed.append(Placed(item.key, item.x, centre, width, row, item.text))
    return Layout(tuple(placed), tuple(dropped))


def _spot(x: float, width: float, plot_px: float, taken: list[list[tuple[float, float]]]) -> tuple[int, float] | None:
    half = width / 2
    ideal = min(max(x, half), plot_px - half)
    for row, spans in enumerate(taken):
        if _free(ideal - half, ideal + half, spans):
            return row, ideal
    best: tuple[float, int, float] | None = None
    for row, spans in enumerate(taken):
        # Candidate centres: just clear of each taken span, on either side.
        for left, right in spans:
            for centre in (left - GAP_PX - half, right + GAP_PX + half):
                if half <= centre <= plot_px - half and _free(centre - half, centre + half, spans):
                    shift = abs(centre - ideal)
                    if shift <= MAX_SHIFT_PX and (best is None or shift < best[0]):
                        best = (shift, row, centre)
    return (best[1], best[2]) if best else None


def _free(left: float, right: float, spans: list[tuple[float, float]]) -> bool:
    return all(right + GAP_PX <= a or left - GAP_PX >= b for a, b in spans)
