"""The tables pages show, as plain DataFrames with reader-facing column names (pure; no Streamlit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from usjp import analysis, catalog
from usjp.catalog import SeriesSpec
from usjp.events import Event, category
from usjp.figures import releases as release_words
from usjp.releases import Release


def _period_after(after: analysis.PeriodValue | None, market_date: dt.date) -> str:
    if after is None:
        return "not published yet"
    text = f"{after.period}: {after.value:,.2f}"
    return f"{text} (the period of the event)" if after.date <= market_date else text


def event_tables(
    event: Event,
    related: Sequence[tuple[SeriesSpec, pd.Series]],
    all_events: Sequence[Event],
    releases: Sequence[Release] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    """(daily table, monthly/quarterly table, confounder ids, scheduled-release ids) for one event and its
    related series; each id once, the releases in date order."""
    daily_rows, period_rows, confounders, in_windows = [], [], [], []
    for spec, values in related:
        result = analysis.event_stats(event, spec, values, analysis.DEFAULT_WINDOWS, all_events, releases)
        if result.periods is not None:
            p = result.periods
            period_rows.append(
                {
                    "Series": spec.label,
                    "Last value before the event": f"{p.before.period}: {p.before.value:,.2f}" if p.before else "none",
                    "First value after": _period_after(p.after, result.market_date),
                    "Change": analysis.format_change(p.change, result.unit),
                }
            )
            continue
        confounders.extend(i for i in result.confounders if i not in confounders)
        in_windows.extend(i for i in result.releases if i not in in_windows)
        for w in result.windows:
            why = {**result.reasons, **w.reasons}
            daily_rows.append(
                {
                    "Series": spec.short,
                    "Window": w.window.label(),
                    "Change": analysis.format_change(w.change, result.unit),
                    "z": w.z if w.z is not None else float("nan"),
                    "Percentile": w.percentile if w.percentile is not None else float("nan"),
                    "From": f"{w.start_value:,.2f} on {w.start_date:%d %b %Y}" if w.start_date else "–",
                    "To": f"{w.end_value:,.2f} on {w.end_date:%d %b %Y}" if w.end_date else "not yet",
                    "Other events": len(w.confounders),
                    release_words.COLUMN: len(w.releases),
                    "Note": "; ".join(why[k] for k in ("change", "z", "percentile") if why.get(k)),
                }
            )
    order = {r.id: (r.date, r.time, r.id) for r in releases}  # several series: merge into date order
    in_windows.sort(key=order.__getitem__)
    return pd.DataFrame(daily_rows), pd.DataFrame(period_rows), confounders, in_windows


def scoreboard_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Scoreboard rows (analysis.SCOREBOARD_COLUMNS) as the page shows them."""
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(rows["date"]),
            "Event": rows["title"],
            "Series": rows["series"].map(lambda k: catalog.get(k).short),
            "Change": rows["change"],
            "Unit": rows["unit"],
            "z": rows["z"],
            UNUSUAL: unusual(rows["z"]),
            "Percentile": rows["percentile"],
            "Other events": rows["confounders"].map(_count),
            release_words.COLUMN: rows["releases"].map(_count),
            "Category": rows["category"].map(lambda c: category(c).label),
            "From": pd.to_datetime(rows["start_date"]),
            "To": pd.to_datetime(rows["end_date"]),
            "Note": rows["note"],
        }
    )


# How unusual a move was, in marks rather than colour (a cell's shade says nothing to a screen reader, a
# colour-blind reader or a grey printout), at the thresholds the z cells were once shaded at.
UNUSUAL = "Unusual?"
UNUSUAL_MARKS = ((3.0, "●●● |z| ≥ 3"), (2.0, "●● |z| ≥ 2"), (1.0, "● |z| ≥ 1"))
UNUSUAL_HELP = "How unusual the move was for this series: " + ", ".join(m for _, m in UNUSUAL_MARKS) + "; blank below 1"
# The scoreboard's columns a phone shows (the rest behind a toggle): which event moved what, by how much, how
# unusually, and when; in that order, so the numbers sit beside the event on a 360 px column.
SCOREBOARD_KEY_COLUMNS = ("Event", "Series", "Change", "Unit", "z", UNUSUAL, "Date")


def unusual(z: pd.Series) -> pd.Series:
    """The marks for each |z| (UNUSUAL_MARKS), "" below the lowest, None where there is no z (the table's
    placeholder then says n/a). |z| as the table shows it, to one decimal: a z shown as +2.0 gets the marks
    of 2. By column, not by cell: the scoreboard has hundreds of rows."""
    size = z.abs().to_numpy(dtype=float).round(1)
    marks = np.select([size >= limit for limit, _ in UNUSUAL_MARKS], [mark for _, mark in UNUSUAL_MARKS], "")
    return pd.Series(np.where(np.isnan(size), None, marks), index=z.index, dtype=object)


def _count(ids: str) -> int:
    """How many ids a scoreboard cell names ('a, b' -> 2, '' -> 0)."""
    return len(ids.split(", ")) if ids else 0
