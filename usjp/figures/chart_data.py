"""The values a chart draws, as tables a reader can use: the "Show the data" under every chart (pure:
Plotly and pandas only). Read from the figure's own traces, so a table holds exactly what is drawn (a
story's chart cut before its hidden part gives a table cut there too).

- Lines and bars: one table per panel (traces on one x axis and one y axis or the axes overlaying it),
  a row per x value and a column per trace, named by the trace and the unit its axis gives. Dates come
  first as "Date" (ISO strings, sorted); other x values (maturities, sessions from an event) under the
  x axis's title. A panel of one trace with its own hover words (the intervention bars, the moves by
  maturity) adds them as "Detail": the number alone does not say "bought" or "n/a".
- Event markers: their y is a lane position, meaningless as a number, so they make one table of the
  events drawn (Date, Event, Category) from the hover text the figure carries; a marker that groups
  several events lists the events it names and counts the rest.
- Other markers in a lane (the scheduled releases): Date and their hover text.

Skipped, because they draw nothing a reader would look up: traces without points; helper traces that
take no hover (hoverinfo "skip" or "none"); unnamed traces kept out of the legend with no hover text
(pure decoration); and a marker repeating one already listed (the selected event's ring).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from usjp.figures.timeline import ZOOM_PREFIX
from usjp.figures.timeline_words import plural

DATE = "Date"
DETAIL = "Detail"
EVENT_COLUMNS = (DATE, "Event", "Category")

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DAY_PREFIX = re.compile(r"^(\d{1,2} [A-Z][a-z]{2} \d{4}) · (.*)$")  # '02 May 2025 · Kato: ...'
_MORE = re.compile(r"^and (\d+) more$")
_UNIT_IN_PARENS = re.compile(r"\(([^()]+)\)\s*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_HOVER_UNIT = re.compile(r"([¥$€£]?)%\{y[^}]*\}(.*?)(?:<|%\{|$)")  # '$%{y:,.1f}bn<extra>': '$', 'bn'


@dataclass(frozen=True)
class ChartTable:
    """One table of a chart's values: a line saying what a row is, and the rows."""

    caption: str
    frame: pd.DataFrame


def figure_tables(fig: go.Figure) -> list[ChartTable]:
    """The chart's values as tables: a table per panel of lines or bars, then the events drawn, then any
    other lane of markers ([] for a figure that draws nothing)."""
    axes = _Axes(fig.layout)
    # Plain dicts, read once: each property read on a Plotly object goes through its validators (about
    # 30 ms for the 22 traces of an aligned-paths figure, against 1 ms for this copy).
    traces = [t.to_plotly_json() for t in fig.data]
    panels: dict[tuple[str, str, bool], list[dict]] = {}
    events: list[dict] = []
    seen: set = set()
    lanes: dict[str, list[dict]] = {}
    for trace in traces:
        kind = _kind(trace, axes)
        if kind == "events":
            events += _event_rows(trace, seen)
        elif kind == "lane":
            lanes.setdefault(plain(trace.get("name")) or "Markers", []).extend(_lane_rows(trace))
        elif kind == "values":
            key = (trace.get("xaxis") or "x", axes.panel(trace.get("yaxis") or "y"), _is_dates(trace, axes))
            panels.setdefault(key, []).append(trace)
    tables = [_values_table(_own_first(group), axes, dates) for (_, _, dates), group in panels.items()]
    if events:
        tables.append(_events_table(events))
    for name, rows in lanes.items():
        frame = pd.DataFrame(rows, columns=[DATE, name]).sort_values(DATE, kind="stable", ignore_index=True)
        tables.append(ChartTable(f"{name} drawn on the chart: {len(frame)}.", frame))
    return [t for t in tables if not t.frame.empty]


def plain(text: object) -> str:
    """Plotly's label markup as plain text: line breaks become spaces, tags go, entities are decoded
    ('A &amp; B<br><b>C</b>' -> 'A & B C'). Tags first: an escaped '&lt;b&gt;' in a title is its text."""
    if text is None:
        return ""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", str(text)))).split())


def _array(values) -> object:
    """A trace's array as a sequence: a figure made from JSON or a pickle holds numbers as Plotly's typed
    arrays ({"dtype": "f8", "bdata": base64}); decoded here."""
    if isinstance(values, dict) and "bdata" in values and "dtype" in values:
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        shape = values.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return values


def _many(values) -> bool:
    """Whether a property holds one value per point (an array), not one for the whole trace."""
    return values is not None and not isinstance(values, (str, dict)) and len(values) > 0


class _Axes:
    """The layout's axes as plain dicts, each read once ('y3' -> layout.yaxis3; {} when it has none)."""

    def __init__(self, layout) -> None:
        self._layout, self._read = layout, {}

    def __call__(self, ref: str) -> dict:
        if ref not in self._read:
            name = f"{ref[0]}axis{ref[1:]}"
            self._read[ref] = self._layout[name].to_plotly_json() if name in self._layout else {}
        return self._read[ref]

    def panel(self, ref: str) -> str:
        """A y axis's panel: the axis it overlays, else itself."""
        return self(ref).get("overlaying") or ref

    def title(self, ref: str) -> str:
        return plain((self(ref).get("title") or {}).get("text"))


# -- which traces are what --------------------------------------------------------------------------
def _kind(trace: dict, axes: _Axes) -> str | None:
    """'values', 'events', 'lane' or None (skipped: see the module's docstring)."""
    x, y = _array(trace.get("x")), _array(trace.get("y"))
    if not _many(x) or y is None or trace.get("hoverinfo") in ("skip", "none"):
        return None
    mode = trace.get("mode") or ""
    markers_only = trace.get("type", "scatter") == "scatter" and "markers" in mode and "lines" not in mode
    if markers_only and _event_ids(trace):
        return "events"
    if markers_only and _on_lane(trace, axes) and _hover_texts(trace):
        return "lane"
    if not trace.get("name") and trace.get("showlegend") is False:
        return "values" if trace.get("hovertemplate") or _hover_texts(trace) else None
    return "values"


def _event_ids(trace: dict) -> bool:
    """Whether each point's customdata is a row starting with an id (an event, or a group of them)."""
    data = trace.get("customdata")
    if not _many(data):
        return False
    first = data[0]
    return not isinstance(first, str) and len(first) > 0 and isinstance(first[0], str)


def _on_lane(trace: dict, axes: _Axes) -> bool:
    """Markers on an axis of lanes (labelled rows, or no labels at all): their y says nothing."""
    axis = axes(trace.get("yaxis") or "y")
    return axis.get("tickmode") == "array" or axis.get("showticklabels") is False


def _is_dates(trace: dict, axes: _Axes) -> bool:
    kind = axes(trace.get("xaxis") or "x").get("type")
    if kind in ("date", "category", "linear", "log"):
        return kind == "date"
    first = _array(trace["x"])[0]
    if isinstance(first, (dt.date, np.datetime64)):
        return True
    return isinstance(first, str) and bool(_ISO.match(first))


def _hover_texts(trace: dict) -> list[str] | None:
    """The per-point words the hover shows (hovertext, or the customdata or text its template names)."""
    template = trace.get("hovertemplate") or ""
    data = trace.get("customdata")
    if _many(trace.get("hovertext")):
        texts = trace["hovertext"]
    elif "%{customdata}" in template and _many(data) and isinstance(data[0], str):
        texts = data
    elif _many(trace.get("text")):
        texts = trace["text"]
    else:
        return None
    return [plain(t) for t in texts]


# -- lines and bars ---------------------------------------------------------------------------------
def _values_table(traces: Sequence[dict], axes: _Axes, dates: bool) -> ChartTable:
    names, unit = _column_names(traces, axes)
    single_bar = len(traces) == 1 and traces[0].get("type") == "bar"
    detail = _hover_texts(traces[0]) if single_bar else None
    columns = []
    for trace, name in zip(traces, names, strict=True):
        values = pd.Series(np.asarray(_array(trace["y"]), dtype=float), name=name)
        column = values if detail is None else pd.DataFrame({name: values, DETAIL: detail})
        column.index = _x_keys(_array(trace["x"]), dates)
        columns.append(column[values.notna().to_numpy()])  # a gap in a line: nothing drawn there
    if any(not c.index.is_unique for c in columns):  # an x twice in a trace: match its occurrences
        for c in columns:
            c.index = pd.MultiIndex.from_arrays([c.index, c.groupby(level=0).cumcount().to_numpy()])
    frame = pd.concat(columns, axis=1, sort=False) if len(columns) > 1 else pd.DataFrame(columns[0])
    if isinstance(frame.index, pd.MultiIndex):
        frame.index = frame.index.get_level_values(0)
    if dates or pd.api.types.is_numeric_dtype(frame.index):
        frame = frame.sort_index(kind="stable")
    x_ref = traces[0].get("xaxis") or "x"
    if dates:
        header, shown = DATE, list(pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d"))
    else:
        header, shown = axes.title(x_ref) or "x", list(frame.index)
        labels = _tick_labels(axes(x_ref))
        if labels and all(k in labels for k in shown):  # the axis names its own ticks: '3M', '10Y'
            header, shown = _UNIT_IN_PARENS.sub("", header).strip() or header, [labels[k] for k in shown]
    frame.insert(0, header, shown)
    frame = frame.reset_index(drop=True)
    drawn = {t.get("type", "scatter") for t in traces}
    kind = "Bars" if drawn == {"bar"} else "Lines and bars" if "bar" in drawn else "Lines"
    row = "one row per date" if dates else f"one row per point on the x axis ({header})"
    also = f", the hover's words in {DETAIL}" if detail is not None else ""
    values = f" Unit: {unit}." if unit else ""
    return ChartTable(
        f"{kind}: {row}, one column per series{also}, as drawn ({plural(len(frame), 'row')}).{values}", frame
    )


def _own_first(traces: list[dict]) -> list[dict]:
    """The series that stand alone first (the mean of the aligned paths), then those in a legend group or
    sharing a name (each event's path, the band's two edges), each in drawing order: the column a reader
    looks for is not the 20th."""
    names = [t.get("name") for t in traces]
    return sorted(traces, key=lambda t: bool(t.get("legendgroup")) or names.count(t.get("name")) > 1)


def _x_keys(x, dates: bool) -> pd.Index:
    if dates:
        return pd.DatetimeIndex(pd.to_datetime(np.asarray(x)))
    return pd.Index(list(x))


def _tick_labels(axis: dict) -> dict:
    """The axis's own tick labels by value ({0.25: '3M', ...}; {} when it labels its ticks itself)."""
    values, texts = _array(axis.get("tickvals")), axis.get("ticktext")
    if axis.get("tickmode") != "array" or values is None or texts is None:
        return {}
    return dict(zip(values, (plain(t) for t in texts), strict=False))


def _column_names(traces: Sequence[dict], axes: _Axes) -> tuple[list[str], str]:
    """Each trace's column: its name (or its axis's title when it has none), told apart from others of
    the same name by the label its hover gives it, and the unit its axis gives; and the unit they all
    share ('' if they do not), said once in the caption rather than in every header."""
    bases = [_constant_label(t) or plain(t.get("name")) or axes.title(t.get("yaxis") or "y") or "Value" for t in traces]
    for base in set(bases):
        same = [i for i, b in enumerate(bases) if b == base]
        if len(same) > 1:
            for i in same:
                bases[i] = _hover_lead(traces[i]) or base
    units = [_unit(t, axes) for t in traces]
    shared = units[0] if len(traces) > 1 and units[0] and len(set(units)) == 1 else ""
    names: list[str] = []
    for base, unit in zip(bases, units, strict=True):
        said = shared or any(unit in inside for inside in _PARENS.findall(base))
        name = base if not unit or said else f"{base}, {unit}" if base.endswith(")") else f"{base} ({unit})"
        while name in names:
            name += " (again)"
        names.append(name)
    return names, shared


def _constant_label(trace: dict) -> str:
    """The label a trace's hover gives all its points (an event's title on its aligned path), or ''."""
    data = trace.get("customdata")
    if "%{customdata}" not in (trace.get("hovertemplate") or "") or not _many(data):
        return ""
    return plain(data[0]) if isinstance(data[0], str) and all(d == data[0] for d in data) else ""


def _hover_lead(trace: dict) -> str:
    """The hover's words before its first value: what tells apart traces of one name ('Placebo 95th
    percentile' and 'Placebo 5th percentile' share the band's name)."""
    lead = (trace.get("hovertemplate") or "").split("%{")[0]
    return plain(re.split(r"<br>|, ", lead)[0]).strip(" :")


def _unit(trace: dict, axes: _Axes) -> str:
    """The unit of a trace's values: from its axis's title ('Yield (%)', "Japan's share, %", 'Percent'),
    else the axis's tick suffix, else what follows the value in the hover ('%{y:.2f}%')."""
    ref = trace.get("yaxis") or "y"
    title = axes.title(ref)
    if title:
        found = _UNIT_IN_PARENS.search(title)
        unit = found.group(1) if found else title.rsplit(", ", 1)[-1] if ", " in title else title
        if len(unit) <= 24:
            return unit[0].lower() + unit[1:] if unit[1:2].islower() else unit
    suffix = (axes(ref).get("ticksuffix") or "").strip()
    if suffix:
        return suffix
    found = _HOVER_UNIT.search(trace.get("hovertemplate") or "")
    unit = f"{found.group(1)}{found.group(2)}".strip(" ×") if found else ""
    return unit if len(unit) <= 24 else ""


# -- events and other markers -----------------------------------------------------------------------
def _iso(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _event_rows(trace: dict, seen: set) -> list[dict]:
    """The events a marker trace draws: id, title and category from its customdata (the timeline keeps
    [id, title, category, ...]), else the title from the hover and the category from the trace's name.
    `seen` holds the ids and the (date, title) of grouped events already listed: a ring repeats them."""
    rows = []
    hover = _hover_texts(trace)
    fallback, xs = plain(trace.get("name")), _array(trace["x"])
    for i, data in enumerate(trace["customdata"]):
        date = _iso(xs[i])
        category = plain(data[2]) if len(data) > 2 else fallback
        if str(data[0]).startswith(ZOOM_PREFIX):
            for row in _grouped_rows(data, date, category):
                if (row[DATE], row["Event"]) not in seen:
                    seen.add((row[DATE], row["Event"]))
                    rows.append(row)
            continue
        title = plain(data[1]) if len(data) > 1 and isinstance(data[1], str) else (hover[i] if hover else "")
        named = _DAY_PREFIX.match(title)
        title = (named.group(2) if named else title) or str(data[0])
        if data[0] not in seen and (date, title) not in seen:
            seen.add(data[0])
            rows.append({DATE: date, "Event": title, "Category": category})
    return rows


def _grouped_rows(data: Sequence, date: str, category: str) -> list[dict]:
    """The events a grouped marker names in its hover ('02 May 2025 · title' a line), and a row counting
    those it does not ('and 4 more')."""
    rows = []
    for line in _BREAK.split(str(data[3])) if len(data) > 3 else []:
        text = plain(line)
        named, more = _DAY_PREFIX.match(text), _MORE.match(text)
        if named:
            day = dt.datetime.strptime(named.group(1), "%d %b %Y").date().isoformat()
            rows.append({DATE: day, "Event": named.group(2), "Category": category})
        elif more:
            title = plain(data[1]) if len(data) > 1 else ""
            rows.append({DATE: date, "Event": unnamed_events(title, int(more.group(1))), "Category": category})
    return rows


def unnamed_events(group: str, n: int) -> str:
    """The row for the events a grouped marker counts but does not name."""
    return f"{group}: {n} more, not named on the chart" if group else f"{n} more events, not named on the chart"


def _events_table(rows: list[dict]) -> ChartTable:
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS)).sort_values(DATE, kind="stable", ignore_index=True)
    return ChartTable(f"Events drawn on the chart: {len(frame)} (date, title, category).", frame)


def _lane_rows(trace: dict) -> list[dict]:
    name = plain(trace.get("name")) or "Markers"
    return [{DATE: _iso(x), name: text} for x, text in zip(_array(trace["x"]), _hover_texts(trace) or [], strict=False)]
