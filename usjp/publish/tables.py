"""The tables an export carries: the plotted values (one row per date, one column per series, the unit in
each header) and the events the chart shows, as DataFrames for CSV and for the page's data table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from usjp.catalog import SeriesSpec
from usjp.events import Event
from usjp.figures import timeline_view
from usjp.figures.credits import series_name
from usjp.figures.timeline import intervention_days
from usjp.figures.timeline_view import StoredLike, TimelineData
from usjp.publish.csv_file import csv_bytes
from usjp.views.timeline import View

DATE = "date"
URL_SEPARATOR = " | "
EVENT_COLUMNS = (
    "id",
    "date",
    "end",
    "label",
    "title",
    "category",
    "status",
    "importance",
    "labelled",
    "source_urls",
)


def column_name(spec: SeriesSpec) -> str:
    """'US 10-year Treasury yield (percent)', 'USD/JPY (yen per dollar)'."""
    return f"{series_name(spec)} ({spec.unit})"


def drawn_series(view: View, start: dt.date, end: dt.date, data: TimelineData) -> list[StoredLike]:
    """The stored series the chart draws: its lines, then Japan's intervention record when its bars are
    drawn (USD/JPY shown and an operation in the window)."""
    out: list[StoredLike] = list(data.series)
    record = data.interventions
    if record is not None and intervention_days(record.values, start, end) is not None:
        out.append(record)  # type: ignore[arg-type]  # a StoredSeries in practice (with spec and meta)
    return out


def plotted_table(view: View, start: dt.date, end: dt.date, data: TimelineData) -> pd.DataFrame:
    """The values the chart plots between start and end: a `date` column (YYYY-MM-DD) and one column per
    series drawn, in the series' own units (levels, also when the chart is indexed); a date on which a
    series has no observation is empty for it. Intervention amounts are on their operation days only."""
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    columns = {}
    for item in drawn_series(view, start, end, data):
        values = item.values[window]
        if item.spec.records_operations:
            values = values[values.notna() & (values != 0)]
        columns[column_name(item.spec)] = values
    if not columns:
        return pd.DataFrame({DATE: pd.Series([], dtype=object)})
    table = pd.concat(columns, axis=1, sort=True)
    table.index = [stamp.strftime("%Y-%m-%d") for stamp in table.index]
    return table.rename_axis(DATE).reset_index()


def events_table(view: View, start: dt.date, end: dt.date, events: Sequence[Event]) -> pd.DataFrame:
    """The events the chart shows (its categories and importance, the selected one, Japan's intervention
    days among them), one row each, with whether it is labelled on the chart and its sources' URLs."""
    shown = timeline_view.shown_events(events, view, start, end)
    labelled = {e.id for e in timeline_view.labelled_events(view, shown)}
    rows = [
        {
            "id": e.id,
            "date": e.date.isoformat(),
            "end": e.end.isoformat() if e.end else "",
            "label": e.label,
            "title": e.title,
            "category": e.category,
            "status": e.status,
            "importance": e.importance,
            "labelled": "yes" if e.id in labelled else "no",
            "source_urls": URL_SEPARATOR.join(s.url for s in e.sources),
        }
        for e in shown
    ]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def data_csv(view: View, start: dt.date, end: dt.date, data: TimelineData) -> bytes:
    """The plotted values as CSV: the header first (nothing before it), values exactly as stored."""
    return csv_bytes(plotted_table(view, start, end, data), drop=(), float_format=None)


def events_csv(view: View, start: dt.date, end: dt.date, data: TimelineData) -> bytes:
    """The events shown, as CSV (text that a spreadsheet would run as a formula is made inert)."""
    return csv_bytes(events_table(view, start, end, data.events), drop=())
