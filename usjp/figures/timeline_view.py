"""The timeline figure of a view: one function the app, the exports and `python -m usjp export` call with
the same inputs, so a figure is the same wherever it is made (pure: the caller loads the data).

`TimelineData` is what the figure needs of the stored data; the app fills it from its cached loaders
(usjp/ui/loaders.py), the command line from the stores (usjp/cli/export.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from usjp import analysis
from usjp.analysis import Window
from usjp.events import Event, filter_events
from usjp.figures import credits
from usjp.figures.credits import SeriesCopy
from usjp.figures.timeline import (
    COMPACT_BELOW_PX,
    MIN_SERIES_PX,
    RecordedSeries,
    SeriesView,
    build_timeline_figure,
    labelled,
)
from usjp.releases import Release
from usjp.views.timeline import View

APP_HEIGHT = {False: 560, True: 620}  # the series panel plus margins in the app, by compact


class StoredLike(SeriesCopy, RecordedSeries, Protocol):
    """A stored series (usjp.data.store.StoredSeries)."""


@dataclass(frozen=True)
class TimelineData:
    """What a timeline figure is drawn from: the view's line series as stored, every event, the hover
    headlines, the scheduled releases (when shown) and Japan's intervention record (when under USD/JPY)."""

    series: Sequence[StoredLike]
    events: Sequence[Event]
    headlines: dict[str, str]
    releases: Sequence[Release] = ()
    interventions: RecordedSeries | None = None


def shown_events(events: Sequence[Event], view: View, start: dt.date, end: dt.date) -> list[Event]:
    """The events the view shows between start and end (its categories, at least its importance), and the
    selected event whatever the filters say, when it falls in the range: the chart and the details
    panel never disagree."""
    shown = filter_events(events, view.categories, view.importance, start, end)
    if view.event and all(e.id != view.event for e in shown):
        shown += [e for e in filter_events(events, None, 1, start, end) if e.id == view.event]
    return shown


def headlines(events: Sequence[Event], series: Sequence[StoredLike], window: Window) -> dict[str, str]:
    """Event id -> the move of each daily series over `window` ("10Y +12 bp, USD/JPY -1.4% in 5 sessions"),
    for the hover; only daily series count."""
    daily = [s for s in series if s.spec.daily]
    if not daily:
        return {}
    board = analysis.compute_scoreboard(list(events), [(s.spec, s.values) for s in daily], (window,))
    rows = board[board["change"].notna()]
    moves: dict[str, list[tuple[str, float, str, float | None]]] = {}
    for item in daily:
        own = rows[rows["series"] == item.spec.key]
        # Plain lists, not itertuples: its namedtuple class and Arrow-string iteration cost a first
        # visit ~50 ms.
        columns = (own[c].tolist() for c in ("event_id", "change", "unit", "z"))
        for event_id, change, unit, z in zip(*columns, strict=True):
            z = None if pd.isna(z) else float(z)
            moves.setdefault(event_id, []).append((item.spec.short, float(change), unit, z))
    return {event_id: credits.combined_headline(found, window.steps) for event_id, found in moves.items()}


def title(view: View, data: TimelineData, start: dt.date, end: dt.date) -> str:
    """The reader's title, or the generated one (which says when the scale is indexed, and to which day)."""
    if view.title:
        return view.title
    first = first_dates(data.series, start, end)
    return credits.timeline_title(
        [s.spec for s in data.series], start, end, indexed_from=first if indexed(view, data) else None
    )


def indexed(view: View, data: TimelineData) -> bool:
    """Whether the lines are drawn indexed (asked for, or forced by more than two units)."""
    return view.mode == "indexed" or len({s.spec.unit for s in data.series}) > 2


def first_dates(series: Sequence[StoredLike], start: dt.date, end: dt.date) -> dt.date | None:
    """The first day with a value of every line in the window: where an indexed scale's 100 is."""
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    firsts = [s.values[window].index[0].date() for s in series if len(s.values[window])]
    return min(firsts) if firsts else None


def figure_for_view(
    view: View,
    start: dt.date,
    end: dt.date,
    data: TimelineData,
    *,
    width: int,
    height: int | None = None,
    exact: bool = False,
    link: str = "",
    uirevision: str | None = None,
    min_series_px: int = MIN_SERIES_PX,
) -> go.Figure:
    """The timeline figure of `view` laid out for a figure `width` px wide (compact below
    COMPACT_BELOW_PX). In the app `height` is left to APP_HEIGHT and the figure fills its column; an
    export passes `exact` with its whole size and a `link` line (the live view's address) for the footer."""
    compact = width < COMPACT_BELOW_PX
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    shown = shown_events(data.events, view, start, end)
    specs = [s.spec for s in data.series]
    return build_timeline_figure(
        [SeriesView(s.spec.key, s.spec.label, s.spec.short, s.spec.unit, s.values[window]) for s in data.series],
        shown,
        start=start,
        end=end,
        title=title(view, data, start, end),
        subtitle=view.subtitle or credits.timeline_subtitle(shown),
        source_lines=credits.timeline_sources(specs),
        as_of=credits.as_of_line(data.series),
        mode=view.mode,
        selected=view.event,
        headlines=data.headlines,
        compact=compact,
        height=height or APP_HEIGHT[compact],
        uirevision=uirevision,
        interventions=data.interventions,
        releases=data.releases if view.releases else (),
        labels=view.labels,
        note=view.note,
        link=link,
        width=width,
        exact=exact,
        min_series_px=min_series_px,
    )


def alt_text(view: View, start: dt.date, end: dt.date, data: TimelineData) -> str:
    """The figure in words (Streamlit's `alt`, an SVG's <desc>, an embed's aria-label), from the same
    inputs as the figure: each line's start, end, high and low in the window, the events, the labels
    that the reader asked for or the headline events (all of them: words have no lack of room)."""
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    as_index = indexed(view, data)
    lines = []
    for s in data.series:
        values = s.values[window].dropna()
        if as_index and len(values):
            values = values / values.iloc[0] * 100
        pairs = list(zip((d.date() for d in values.index), values.tolist(), strict=True))
        lines.append(credits.line_summary(s.spec, pairs, as_index))
    shown = shown_events(data.events, view, start, end)
    return credits.timeline_alt(lines, start, end, shown, labelled_events(view, shown))


def labelled_events(view: View, shown: Sequence[Event]) -> list[Event]:
    """The events the view asks to label (the selected one first), among those shown."""
    return labelled(shown, view.labels, view.event)
