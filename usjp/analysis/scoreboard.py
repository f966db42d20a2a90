"""The scoreboard: every event x every daily series that covers it x every window, one row each, largest |z| first.

`confounders` names the other timeline events in each window and `releases` the scheduled releases
(data/calendar.yaml), both as comma-separated ids in date order.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from usjp.analysis.event_window import PreparedSeries, event_stats
from usjp.analysis.windows import DEFAULT_WINDOWS, Window
from usjp.catalog import SeriesSpec
from usjp.events import Event
from usjp.releases import Release

SCOREBOARD_COLUMNS = (
    "event_id", "date", "title", "category", "importance", "series", "unit", "window", "steps",
    "market_date", "t0", "baseline_date", "baseline_value", "start_date", "start_value", "end_date", "end_value",
    "change", "sigma", "z", "abs_z", "percentile", "confounders", "releases", "note",
)  # fmt: skip


def compute_scoreboard(
    events: Sequence[Event],
    series: Sequence[tuple[SeriesSpec, pd.Series]],
    windows: Sequence[Window] = DEFAULT_WINDOWS,
    releases: Sequence[Release] = (),
) -> pd.DataFrame:
    """Every event x every daily series that covers it x every window, one row each (pure: time it,
    cache it). A series covers an event when it has an observation before the event's market date: an
    event older than a series' history (Japan's interventions of the 1990s against the 10-year yield
    stored from 2010) has nothing to say about it, so it gets no rows rather than rows of blanks.

    Numbers are NaN where a statistic cannot be computed; `note` then says why. Sorted by |z|,
    largest first, rows without z last.
    """
    rows = []
    for spec, values in series:
        if not (spec.daily and spec.analysable):
            continue
        prepared = PreparedSeries(spec, values, events, releases)
        for event in events:
            if prepared.t0_of[event.id] == 0:  # no observation before the event: outside the series' history
                continue
            result = event_stats(event, spec, prepared, windows, ())
            for w in result.windows:
                reasons = {**result.reasons, **w.reasons}
                rows.append(
                    (
                        event.id, event.date, event.title, event.category, event.importance, spec.key, spec.change_unit,
                        w.window.key, w.window.steps, result.market_date, result.t0, result.baseline_date,
                        result.baseline_value, w.start_date, w.start_value, w.end_date, w.end_value, w.change,
                        result.sigma, w.z, abs(w.z) if w.z is not None else None, w.percentile,
                        ", ".join(w.confounders), ", ".join(w.releases),
                        "; ".join(f"{k}: {v}" for k, v in reasons.items()),
                    )
                )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(SCOREBOARD_COLUMNS))
    for column in ("baseline_value", "start_value", "end_value", "change", "sigma", "z", "abs_z", "percentile"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame = frame.sort_values(["abs_z", "date"], ascending=[False, False], na_position="last", kind="stable")
    return frame.reset_index(drop=True)
