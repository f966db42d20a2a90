"""A story step's chart: the timeline figure of the step's view, and for a prediction not yet revealed the
same figure built from data cut before the event's market date. The cut happens here, before the figure
exists, so nothing after it is in what the browser (or the handout) receives: no later point, no later
event, and no hover headline (it would give the answer away). Pure; the page and the handout share it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from usjp.figures import timeline_view
from usjp.figures.timeline_view import TimelineData
from usjp.views.timeline import View


def _before(values: pd.Series, first_hidden: dt.date) -> pd.Series:
    return values[values.index < pd.Timestamp(first_hidden)]


def hide_from(data: TimelineData, first_hidden: dt.date) -> TimelineData:
    """`data` without any value dated on or after `first_hidden`, no event after it, and no hover headlines."""
    series = [replace(s, values=_before(s.values, first_hidden)) for s in data.series]
    bars = data.interventions
    if bars is not None:
        bars = replace(bars, values=_before(bars.values, first_hidden))
    return TimelineData(
        series=[s for s in series if len(s.values.dropna())],
        # the event asked about may fall on the market date itself (news before the open): events on that
        # day stay, as markers without hover moves; nothing later does
        events=[e for e in data.events if e.date <= first_hidden],
        headlines={},
        releases=[r for r in data.releases if r.date < first_hidden],
        interventions=bars,
    )


def hidden_subtitle(first_hidden: dt.date) -> str:
    """The subtitle of a chart that stops before the answer."""
    last = first_hidden - dt.timedelta(days=1)
    return f"Data to {last:%-d %b %Y}. What happened next? Answer, then reveal."


def hidden_view(view: View, first_hidden: dt.date) -> View:
    """The view drawn before the reveal: its subtitle says why the lines stop (labels follow the events
    left in the data)."""
    return replace(view, subtitle=view.subtitle or hidden_subtitle(first_hidden))


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
) -> go.Figure:
    """The step's figure; with `first_hidden`, drawn from data cut before that date (the x axis still runs
    to `end`, so the class sees how much is still to come)."""
    if first_hidden is not None:
        data = hide_from(data, first_hidden)
        view = hidden_view(view, first_hidden)
    return timeline_view.figure_for_view(view, start, end, data, width=width, height=height, exact=exact, link=link)
