"""A story step's chart: the timeline figure of the step's view, and for a prediction not yet revealed the
same figure built from data cut before the event's market date. The cut happens here, before the figure
exists, so nothing after it is in what the browser (or the handout) receives: no later point, no later
event, and no hover headline (it would give the answer away). Pure; the page and the handout share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from usjp.events import Event
from usjp.figures import timeline_view
from usjp.figures.timeline import MIN_SERIES_PX
from usjp.figures.timeline_view import TimelineData
from usjp.views.timeline import View


def _before(values: pd.Series, first_hidden: dt.date) -> pd.Series:
    return values[values.index < pd.Timestamp(first_hidden)]


def hide_from(data: TimelineData, first_hidden: dt.date, asked: str | None = None) -> TimelineData:
    """`data` without any value dated on or after `first_hidden`, no event from that day on but the one
    asked about, and no hover headlines."""
    series = [replace(s, values=_before(s.values, first_hidden)) for s in data.series]
    bars = data.interventions
    if bars is not None:
        bars = replace(bars, values=_before(bars.values, first_hidden))
    return TimelineData(
        series=[s for s in series if len(s.values.dropna())],
        # the event asked about (`asked`) may fall on the market date itself (news before the open): it
        # stays, as a marker without hover moves; any other event of that day or later would give the
        # answer away in its title ("... and the yen falls")
        events=[e for e in data.events if e.date < first_hidden or e.id == asked],
        headlines={},
        releases=[r for r in data.releases if r.date < first_hidden],
        interventions=bars,
    )


def hidden_subtitle(first_hidden: dt.date) -> str:
    """The subtitle of a chart that stops before the answer."""
    last = first_hidden - dt.timedelta(days=1)
    return f"Data to {last:%-d %b %Y}: what happened next?"


def step_alt(title: str, series_names: Sequence[str], first_hidden: dt.date | None) -> str:
    """The step's chart in words, for a screen reader: what it draws, and (before the reveal) that the
    lines stop before the answer; nothing from the hidden part."""
    drawn = ", ".join(series_names) or "no series"
    text = f"Line chart for the step '{title}': {drawn}, with the events of the timeline as markers."
    if first_hidden is not None:
        text += f" {hidden_subtitle(first_hidden)}"
    return text


def hidden_view(view: View, first_hidden: dt.date) -> View:
    """The view drawn before the reveal: its subtitle says why the lines stop (labels follow the events
    left in the data)."""
    return replace(view, subtitle=view.subtitle or hidden_subtitle(first_hidden))


def presentation_view(view: View, title: str, named: Sequence[Event]) -> View:
    """The view drawn full screen: titled with the step's title (the slide has no other heading), and
    with the event lanes of the categories the step talks about (the events it names), not all eight, so
    the lines keep the room on a projector."""
    wanted = {e.category for e in named}
    categories = tuple(c for c in view.categories if c in wanted) or view.categories
    return replace(view, title=view.title or title, categories=categories)


def step_figure(
    view: View,
    start: dt.date,
    end: dt.date,
    data: TimelineData,
    *,
    first_hidden: dt.date | None,
    width: int,
    height: int | None = None,
    exact: bool = False,
    link: str = "",
    short_subtitle: bool = False,
    min_series_px: int | None = None,
    asked: str | None = None,
) -> go.Figure:
    """The step's figure; with `first_hidden`, drawn from data cut before that date (the x axis still runs
        to `end`, so the class sees how much is still to come). `short_subtitle` (full screen): a subtitle of
        one short line, so the lines keep the room; `min_series_px` lets the lines take less height than an
    export's least when the figure must fit a screen; `asked`: the event the question is about."""
    if first_hidden is not None:
        data = hide_from(data, first_hidden, asked)
        view = hidden_view(view, first_hidden)
    elif short_subtitle and not view.subtitle:
        shown = timeline_view.shown_events(data.events, view, start, end)
        view = replace(view, subtitle=f"{len(shown)} event{'' if len(shown) == 1 else 's'} below, by category")
    return timeline_view.figure_for_view(
        view,
        start,
        end,
        data,
        width=width,
        height=height,
        exact=exact,
        link=link,
        min_series_px=min_series_px or MIN_SERIES_PX,
    )
