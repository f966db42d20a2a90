"""Where each event's marker goes in its lane, so that no marker hides another (pure, no Plotly).

A lane has ROWS rows (its middle, a little above, a little below). Events are taken in date order and
each goes in the first row where it clears the marker before it; an event that clears none joins the
marker nearest it, which becomes a cluster ("3 events": its hover names them all, a click zooms to
them). Like the labels, the arrangement is made in pixels of the plot's width and stays valid on
anything wider.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from usjp.events import Event
from usjp.figures.style import IMPORTANCE_SIZE

ROW_OFFSETS = (0.0, 0.32, -0.32)  # in lanes (a lane is 1 unit of the lanes' axis)
GAP_PX = 2  # between two markers in a row
CLUSTER_SIZE = 16  # a cluster's marker, px: room for a two-digit count, and under 0.36 of a lane


@dataclass
class Mark:
    """One marker: a single event, or a cluster of several in the same lane."""

    events: list[Event]
    lane: int
    row: int
    x_px: float
    size: float = field(default=0.0)

    @property
    def cluster(self) -> bool:
        return len(self.events) > 1

    @property
    def y(self) -> float:
        return self.lane + ROW_OFFSETS[self.row]

    @property
    def date(self) -> dt.date:
        """Where the marker is drawn: the single event's date, a cluster's first event's."""
        return self.events[0].date

    @property
    def first(self) -> dt.date:
        return min(e.date for e in self.events)

    @property
    def last(self) -> dt.date:
        return max(e.date for e in self.events)


def x_px(date: dt.date, start: dt.date, end: dt.date, plot_px: float) -> float:
    """A date's distance in px from the plot's left edge."""
    span = max((end - start).days, 1)
    return (date - start).days / span * plot_px


def date_at(px: float, *, start: dt.date, end: dt.date, plot_px: float) -> pd.Timestamp:
    """The date `px` from the plot's left edge (the inverse of x_px), to the millisecond."""
    span = max((end - start).days, 1)
    return (pd.Timestamp(start) + pd.Timedelta(days=px / plot_px * span)).round("ms")


def arrange(
    events: Sequence[Event],
    lane_of: dict[str, int],
    start: dt.date,
    end: dt.date,
    plot_px: float,
    lane_px: float = 24,
) -> list[Mark]:
    """The markers of `events` (those in a lane), in date order within each lane; `lane_px` is a lane's
    height, which sets how far apart its rows are."""
    marks: list[Mark] = []
    for lane in sorted(set(lane_of.values())):
        in_lane = sorted(
            (e for e in events if lane_of.get(e.category) == lane), key=lambda e: (e.date, -e.importance, e.id)
        )
        marks += _arrange_lane(in_lane, lane, start, end, plot_px, lane_px)
    return marks


def _clash(a: Mark, b: Mark, lane_px: float) -> bool:
    """Whether two marks hide each other: in one row they may not touch; in two rows neither may cover
    the other's centre (so each stays visible and is the one a pointer at its centre reaches)."""
    dx = abs(a.x_px - b.x_px)
    if a.row == b.row:
        return dx < (a.size + b.size) / 2 + GAP_PX
    distance = math.hypot(dx, (ROW_OFFSETS[a.row] - ROW_OFFSETS[b.row]) * lane_px)
    return distance < max(a.size, b.size) / 2 + 1


def _near(placed: list[Mark], x: float) -> list[Mark]:
    """The marks that could clash with one at `x` (the list is in x order)."""
    found = []
    for m in reversed(placed):
        if x - m.x_px > 2 * CLUSTER_SIZE:
            break
        found.append(m)
    return found


def _arrange_lane(
    events: Sequence[Event], lane: int, start: dt.date, end: dt.date, plot_px: float, lane_px: float
) -> list[Mark]:
    placed: list[Mark] = []
    for e in events:
        x = x_px(e.date, start, end, plot_px)
        near = _near(placed, x)
        for row in range(len(ROW_OFFSETS)):
            mark = Mark([e], lane, row, x, IMPORTANCE_SIZE[e.importance])
            if not any(_clash(mark, other, lane_px) for other in near):
                placed.append(mark)
                break
        else:
            _join(min(near, key=lambda m: abs(m.x_px - x)), e, placed, lane_px)
    return placed


def _join(cluster: Mark, e: Event, placed: list[Mark], lane_px: float) -> None:
    """Add `e` to the mark nearest it, which becomes a cluster (larger, to hold its count): marks it then
    clashes with join it too, so no marker is hidden."""
    cluster.events.append(e)
    cluster.size = CLUSTER_SIZE
    while clashing := [m for m in _near_all(placed, cluster) if m is not cluster and _clash(m, cluster, lane_px)]:
        for m in clashing:
            cluster.events.extend(m.events)
            placed.remove(m)
    cluster.events.sort(key=lambda ev: (ev.date, ev.id))


def _near_all(placed: list[Mark], mark: Mark) -> list[Mark]:
    return [m for m in placed if abs(m.x_px - mark.x_px) <= 2 * CLUSTER_SIZE]
