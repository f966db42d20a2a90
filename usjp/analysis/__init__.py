"""Event-window statistics, the scoreboard and aligned paths: pure pandas/numpy, no Streamlit.

The method is docs/method.md. Modules: windows (t0, windows, change arithmetic), event_window (one
event on one series), scoreboard (all events x series x windows), paths (aligned paths, placebo band).
Their public names are gathered here, so callers write `analysis.event_stats(...)`.
"""

from usjp.analysis.event_window import (
    EventStats,
    PeriodChange,
    PeriodValue,
    PreparedSeries,
    WindowStats,
    event_stats,
    period_change,
)
from usjp.analysis.paths import AlignedPaths, aligned_paths
from usjp.analysis.scoreboard import SCOREBOARD_COLUMNS, compute_scoreboard
from usjp.analysis.windows import (
    DEFAULT_WINDOWS,
    HEADLINE_WINDOW,
    MAX_WINDOW_OFFSET,
    PATH_AFTER,
    PATH_BEFORE,
    PERCENTILE_OBS,
    PLACEBO_DRAWS,
    PLACEBO_MARGIN,
    PLACEBO_SEED,
    ROUND,
    SIGMA_CHANGES,
    Window,
    change,
    format_change,
    locate_t0,
    moves,
    parse_window,
    parse_windows,
)

__all__ = [
    "DEFAULT_WINDOWS",
    "HEADLINE_WINDOW",
    "MAX_WINDOW_OFFSET",
    "PATH_AFTER",
    "PATH_BEFORE",
    "PERCENTILE_OBS",
    "PLACEBO_DRAWS",
    "PLACEBO_MARGIN",
    "PLACEBO_SEED",
    "ROUND",
    "SCOREBOARD_COLUMNS",
    "SIGMA_CHANGES",
    "AlignedPaths",
    "EventStats",
    "PeriodChange",
    "PeriodValue",
    "PreparedSeries",
    "Window",
    "WindowStats",
    "aligned_paths",
    "change",
    "compute_scoreboard",
    "event_stats",
    "format_change",
    "locate_t0",
    "moves",
    "parse_window",
    "parse_windows",
    "period_change",
]
