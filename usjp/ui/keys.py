"""Widget keys, one record per page: the pages, the sidebar's refresh control, the tests and the
benchmark find widgets by these (a typo fails at import, not silently)."""

from __future__ import annotations

from dataclasses import astuple, dataclass

# The component of a chart drawn with its scales: the tests, the benchmark and the image's smoke test find
# it by this name (as they find the hidden blank chart by usjp.ui.boot.CHART_CODE_FIGURE).
SCALED_CHART = "usjp_scaled_chart"  # the component of a chart drawn with its scales (ui/chart.show_scales)


@dataclass(frozen=True)
class TimelineKeys:
    series: str = "w_series"
    range: str = "w_range"
    start: str = "w_start"
    end: str = "w_end"
    categories: str = "w_categories"
    importance: str = "w_importance"
    mode: str = "w_mode"
    event: str = "w_event"
    releases: str = "w_releases"
    label_mode: str = "w_label_mode"
    labels: str = "w_labels"
    title: str = "w_title"
    subtitle: str = "w_subtitle"
    note: str = "w_note"
    chart: str = "timeline_chart"
    zoom: str = "timeline_zoom"

    def widgets(self) -> tuple[str, ...]:
        """The keys whose state the URL restores (the chart's selection and zoom watch are not part of a view)."""
        return tuple(k for k in astuple(self) if k not in (self.chart, self.zoom))


@dataclass(frozen=True)
class StudyKeys:
    series: str = "es_series"
    window: str = "es_window"
    categories: str = "es_categories"
    sort: str = "es_sort"
    path_category: str = "es_path_category"
    path_series: str = "es_path_series"
    paths_chart: str = "es_paths_chart"

    def widgets(self) -> tuple[str, ...]:
        return tuple(k for k in astuple(self) if k != self.paths_chart)


TIMELINE = TimelineKeys()
STUDY = StudyKeys()


# -- topic pages (issue 14): each page's keys record goes under its own line ------------------------
# holdings keys
@dataclass(frozen=True)
class HoldingsKeys:
    known: str = "hd_known"
    since: str = "hd_since"
    event: str = "hd_event"
    chart: str = "hd_chart"

    def widgets(self) -> tuple[str, ...]:
        return tuple(k for k in astuple(self) if k != self.chart)


HOLDINGS = HoldingsKeys()


# yield_curve keys
@dataclass(frozen=True)
class YieldCurveKeys:
    event: str = "yc_event"
    dates: str = "yc_dates"
    window: str = "yc_window"
    spread_chart: str = "yc_spread_chart"

    def widgets(self) -> tuple[str, ...]:
        return (self.event, self.dates, self.window)


YIELD_CURVE = YieldCurveKeys()


# yen keys
@dataclass(frozen=True)
class YenKeys:
    episode: str = "yen_episode"
    start: str = "yen_start"
    end: str = "yen_end"
    event: str = "yen_event"
    chart: str = "yen_chart"
    paths_chart: str = "yen_paths_chart"
    gap_chart: str = "yen_gap_chart"

    def widgets(self) -> tuple[str, ...]:
        """The keys whose state the URL restores (not the charts)."""
        return (self.episode, self.start, self.end, self.event)


YEN = YenKeys()


# events keys
@dataclass(frozen=True)
class EventLogKeys:
    query: str = "ev_query"
    categories: str = "ev_categories"
    importance: str = "ev_importance"
    statuses: str = "ev_statuses"
    start: str = "ev_start"
    end: str = "ev_end"
    series: str = "ev_series"
    generated: str = "ev_generated"
    sort: str = "ev_sort"
    event: str = "ev_event"
    table: str = "ev_table"

    def widgets(self) -> tuple[str, ...]:
        """The keys whose state the URL restores (not the table's)."""
        return tuple(k for k in astuple(self) if k != self.table)


EVENT_LOG = EventLogKeys()


# story keys
@dataclass(frozen=True)
class StoryKeys:
    story: str = "sy_story"
    step: str = "sy_step"
    present: str = "sy_present"
    chart: str = "sy_chart"
    keys: str = "sy_keys"  # the presentation keyboard and viewport watcher

    def widgets(self) -> tuple[str, ...]:
        """The keys whose state the URL restores."""
        return (self.story, self.step, self.present)


STORY = StoryKeys()
