"""Every cached loader of the app, in one place: series, events, statistics and the timeline figure.

Each cache is keyed by the stored data's version (a series' store and sha256, the events file's
mtime and size), so a refresh or an edited events file shows at once and nothing stale is served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from usjp import analysis, catalog
from usjp.analysis import AlignedPaths, Window
from usjp.data import calendar_file, events_file, interventions, store, verify
from usjp.data.store import StoredSeries
from usjp.events import Event
from usjp.figures import credits, timeline_view
from usjp.paths import events_path
from usjp.releases import Release
from usjp.views.timeline import View, bar_series


# -- series ----------------------------------------------------------------------------------------
def series_version(key: str) -> tuple:
    """A cheap fingerprint of every stored copy of a series (manifest sha256, file size and mtime): the
    cache key for the loaded data, so an edited, damaged or repaired file is checked again at once."""
    return verify.fingerprint(key)


def series_versions(keys: Iterable[str]) -> tuple:
    """`series_version` of each of `keys`, in order: the stores looked at once for all of them."""
    return verify.fingerprints(keys)


def load_resolved(key: str) -> verify.Resolved:
    """Which stored copy of a series passed its checks (cache over snapshot), and which failed and why.
    verify.resolve remembers each verdict by the files' fingerprint and hands out a copy the caller may
    change: five times cheaper than st.cache_data's hashing and unpickling, which a page paid per series."""
    return verify.resolve(key)


def load_series(key: str) -> StoredSeries | None:
    """The newest copy of a series that passed its checks, or None when none did (or none is stored)."""
    return load_resolved(key).series


def load_many(keys: tuple[str, ...] | list[str]) -> list[StoredSeries]:
    """The usable series among `keys`, in order, duplicates once."""
    return [s for s in (load_series(k) for k in dict.fromkeys(keys)) if s is not None]


def data_notices(keys: tuple[str, ...] | list[str], *, stores: bool = True) -> list[str]:
    """A sentence for each of `keys` whose stored copy failed its check: what is shown instead, or that
    the series is unavailable; plus (with `stores`, once per page) a store whose manifest cannot be read."""
    broken = store_problems()  # said once, for the store, not again for each of its series
    notices = [credits.manifest_notice(name, problem) for name, problem in broken] if stores else []
    whole = {name for name, _ in broken}
    for key in dict.fromkeys(keys):
        if key in catalog.CATALOG:
            resolved = load_resolved(key)
            rejected = [r for r in resolved.rejected if not (r.store in whole and r.reason == "manifest unreadable")]
            if rejected:
                notices.append(credits.fallback_notice(catalog.get(key), resolved.series, rejected))
    return notices


def store_problems() -> list[tuple[str, str]]:
    """(store, problem) for each store whose whole manifest cannot be read (a bad entry is reported with
    its series instead)."""
    out = []
    for candidate in (store.cache(), store.snapshot()):
        problems = candidate.manifest_problems()
        if problems and not candidate.manifest()["series"]:
            out.extend((candidate.name, problem) for problem in problems)
    return out


def available_keys() -> list[str]:
    """Catalog keys with stored data, in catalog order."""
    stored = set(store.snapshot().keys()) | set(store.cache().keys())
    return [s.key for s in catalog.SERIES if s.key in stored]


def catalog_daily_keys() -> list[str]:
    """Every daily series in the catalog, stored or not (the statistics consider them all)."""
    return [s.key for s in catalog.SERIES if s.daily]


def daily_keys() -> list[str]:
    """Daily series with stored data, in catalog order (what event statistics can use)."""
    return [k for k in available_keys() if catalog.get(k).daily]


def date_bounds() -> tuple[dt.date, dt.date]:
    """First and last date across the usable daily series (the range the date pickers allow): found once per
    data version, and shared."""
    return shared_value("date_bounds", None, _date_bounds)


def _date_bounds() -> tuple[dt.date, dt.date]:
    loaded = load_many([k for k in available_keys() if catalog.get(k).daily])
    if not loaded:
        return catalog.DAILY_HISTORY_START, dt.date.today()
    return min(s.values.index[0].date() for s in loaded), max(s.last_date for s in loaded)


# -- events ----------------------------------------------------------------------------------------
# A resource, not data: one shared list, not a fresh unpickled copy per call (Events are frozen models;
# nothing may modify them). Keyed by the file's version, so an edited file is read again.
@st.cache_resource(show_spinner=False, max_entries=4)
def _load_curated(version: tuple[int, int]) -> tuple[list[Event], list[str]]:
    return events_file.load_events_file(events_path())


# The timeline's events: the curated file plus one currency event per day of Japan's intervention
# record (usjp/data/interventions.py), so the key holds both versions.
@st.cache_resource(show_spinner=False, max_entries=4)
def _load_events(version: tuple) -> list[Event]:
    curated = _load_curated(version[:2])[0]  # the key's first two: the events file's version
    record = load_series(catalog.INTERVENTIONS)
    return curated if record is None else interventions.intervention_events(record.values, curated)


def _file_version(path: Path) -> tuple[int, int]:
    """A file's modification time and size ((0, -1) when it cannot be read): a cache key for what is read
    from it, so an edited file is read again."""
    try:
        stat = path.stat()
    except OSError:
        return 0, -1
    return stat.st_mtime_ns, stat.st_size


def _events_file_version() -> tuple[int, int]:
    return _file_version(events_path())


def events_version() -> tuple:
    """The events file's version and the intervention record's fingerprint: part of every cache key that
    depends on the timeline's events."""
    return (*_events_file_version(), series_version(catalog.INTERVENTIONS))


def load_events() -> list[Event]:
    """The events on the timeline: those of the events file that passed validation (all of them when
    the file is sound; see `events_problems`) and a currency event per intervention day."""
    return _load_events(events_version())


def load_curated_events() -> list[Event]:
    """Only the events of data/events.yaml that passed validation (the timeline's own, written by us)."""
    return _load_curated(_events_file_version())[0]


def events_problems() -> list[str]:
    """What is wrong with the events file (`file:line id field: message` each), or [] when nothing is."""
    return _load_curated(_events_file_version())[1]


# -- scheduled releases (data/calendar.yaml) --------------------------------------------------------
# Shared like the events: frozen models, one list for every session, read again when the file changes.
@st.cache_resource(show_spinner=False, max_entries=4)
def _load_releases(version: tuple[int, int]) -> tuple[list[Release], list[str]]:
    return calendar_file.load_calendar_file(calendar_file.calendar_path())


def calendar_version() -> tuple[int, int]:
    """The calendar file's version: part of every cache key that depends on releases."""
    return _file_version(calendar_file.calendar_path())


def load_releases() -> tuple[list[Release], list[str]]:
    """(the scheduled releases that passed validation, the problems with the calendar file)."""
    return _load_releases(calendar_version())


# -- event statistics -----------------------------------------------------------------------------
def data_version() -> tuple:
    """Everything the statistics depend on: each daily series' store and sha256, the events file and the
    calendar of scheduled releases."""
    daily = [s.key for s in catalog.SERIES if s.daily]
    *versions, interventions_version = series_versions([*daily, catalog.INTERVENTIONS])
    return (
        tuple(zip(daily, versions, strict=True)),
        *_events_file_version(),
        interventions_version,
        *calendar_version(),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _scoreboard(version: tuple, windows: tuple[str, ...]) -> pd.DataFrame:
    series = []
    for key, stored in version[0]:
        item = load_series(key) if stored is not None else None
        if item is not None:
            series.append((item.spec, item.values))
    windows_ = tuple(analysis.parse_window(w) for w in windows)
    return analysis.compute_scoreboard(load_events(), series, windows_, load_releases()[0])


def load_scoreboard(windows: tuple[Window, ...] = analysis.DEFAULT_WINDOWS) -> pd.DataFrame:
    """Every event x every stored daily series that covers it x `windows`, computed once per data version."""
    return _scoreboard(data_version(), tuple(w.key for w in windows))


# -- values derived from the stored data, shared ----------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=256)
def _shared_value(name: str, identity: str, _build: Callable[[], object]) -> object:
    return _build()


def shared_value(name: str, key: Hashable, build: Callable[[], object], reads: Iterable[str] = ()):
    """What `build` derives from the stored daily series, the events and the calendar (statistics, a table,
    a chart's words), built once per (`name`, view `key`, data version: see data_version) and then shared by
    every session, not copied to each (st.cache_data would hash its arguments and unpickle a copy on every
    rerun: 2-7 ms a call here). `key` must hold everything `build` depends on that is not stored data;
    `reads` names any other series it reads (a monthly one). Never modify what comes back (a test checks
    each page's shared values against a fresh build and after the run)."""
    # one string: st.cache_resource hashes it in one step (see shared_figure)
    return _shared_value(name, repr((key, data_version(), series_versions(reads))), build)


def load_scoreboard_view(view) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the scoreboard rows an event-study view asks for, in its order; the table the page shows of them),
    made once per view and data version and shared."""
    from usjp.figures import tables
    from usjp.views.event_study import scoreboard_rows

    def build() -> tuple[pd.DataFrame, pd.DataFrame]:
        rows = scoreboard_rows(load_scoreboard((view.window,)), view)
        return rows, tables.scoreboard_table(rows)

    return shared_value("scoreboard", (view.series, view.window.key, view.categories, view.sort), build)


def load_headlines(
    series_keys: list[str] | tuple[str, ...], window: Window = analysis.HEADLINE_WINDOW
) -> dict[str, str]:
    """Event id -> the move of each daily series in view over `window`, for the timeline's hover.

    Computed for the series in view only (not the whole scoreboard) and cached per view and data
    version, so a first visit does not wait for statistics nobody is looking at.
    """
    daily = tuple(k for k in dict.fromkeys(series_keys) if k in catalog.CATALOG and catalog.get(k).daily)
    if not daily:
        return {}
    return shared_value("headlines", (daily, window.key), lambda: _headlines(daily, window))


def _headlines(daily: tuple[str, ...], window: Window) -> dict[str, str]:
    return timeline_view.headlines(load_events(), load_many(daily), window)


def _aligned(category: str, series: str) -> AlignedPaths | None:
    item = load_series(series)
    if item is None:
        return None
    everything = load_events()
    chosen = [e for e in everything if e.category == category]
    return analysis.aligned_paths(item.spec, item.values, chosen, everything)


def load_aligned(category: str, series: str) -> AlignedPaths | None:
    """Aligned paths and placebo band, computed once per data version."""
    return shared_value("aligned", (category, series), lambda: _aligned(category, series))


# -- the timeline figure --------------------------------------------------------------------------
def load_timeline_figure(view: View, start: dt.date, end: dt.date, width: int) -> go.Figure:
    """The chart of a view laid out for a column `width` px wide, built once per view, width and data
    version and then shared: a rerun that changes something else, and the next reader of the same view,
    reuse it. Never modify it (a test checks that drawing it leaves it as built)."""
    view = replace(view, notices=())
    versions = series_versions((*view.series, *bar_series(view.series)))
    calendar = calendar_version() if view.releases else None
    # one string (see shared_figure): hashing the View and the nested versions took ~1.5 ms a run
    identity = repr((view, start, end, width, versions, events_version(), calendar))
    return _timeline_figure(identity, view, start, end, width)


def timeline_data(view: View) -> timeline_view.TimelineData:
    """What the view's figure is drawn from, through the cached loaders (the CLI reads the stores)."""
    return timeline_view.TimelineData(
        series=load_many(view.series),
        events=load_events(),
        headlines=load_headlines(view.series),
        releases=load_releases()[0] if view.releases else (),
        interventions=next(iter(load_many(bar_series(view.series))), None),
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline_figure(identity: str, _view: View, _start: dt.date, _end: dt.date, _width: int) -> go.Figure:
    uirevision = f"{_view.series}{_start}{_end}{_view.mode}"
    return timeline_view.figure_for_view(_view, _start, _end, timeline_data(_view), width=_width, uirevision=uirevision)


# -- the topic pages' figures ---------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=256)
def _shared_figure(name: str, identity: str, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def shared_figure(name: str, key: Hashable, reads: Iterable[str], build: Callable[[], go.Figure]) -> go.Figure:
    """A page's figure, built by `build` once per (figure `name`, view `key`, version of each series in
    `reads`, events version) and then shared by every session, as the timeline's is. `key` must hold
    everything `build` depends on that is not stored data or events (the view, the width, the compact
    flag); a test checks each page's figures against a fresh build. Never modify the figure."""
    versions = series_versions(dict.fromkeys(reads))
    # one string, not nested tuples: st.cache_resource hashes it in one step (the repr of frozen values,
    # dates and tuples is exact, so two keys share a string only when they are equal)
    return _shared_figure(name, repr((key, versions, events_version())), build)


# -- topic pages (issue 14): each page's cached loaders go under its own line ------------------------
# holdings loaders
def tic_releases_path() -> Path:
    """Stored vintages of TIC figures (what a given publication printed): data/tic_releases.yaml."""
    return events_path().parent / "tic_releases.yaml"


@st.cache_resource(show_spinner=False, max_entries=4)
def _tic_vintages(version: tuple[int, int]) -> tuple[list, list[str]]:
    from usjp.analysis.holdings import TicVintage
    from usjp.data import yaml_list

    path = tic_releases_path()
    label = yaml_list.file_label(path)
    text, problem = yaml_list.read_text(path, label)
    if problem is not None:
        return [], [problem]
    found, problems = yaml_list.entries(text, label, "vintages", 1_000)
    return ([], problems) if problems else yaml_list.validate_entries(found, TicVintage, label, "vintage")


def load_tic_vintages() -> tuple[list, list[str]]:
    """(the TIC vintages of data/tic_releases.yaml that passed validation, a `file:line id field: message`
    per problem); frozen models, shared, read again when the file changes."""
    return _tic_vintages(_file_version(tic_releases_path()))


# yield_curve loaders
def _curve_closes() -> pd.DataFrame | None:
    from usjp.analysis import curve

    loaded = {s.key: s.values for s in load_many(curve.CURVE_KEYS)}
    return curve.common_closes(loaded) if len(loaded) == len(curve.CURVE_KEYS) else None


def load_curve_closes() -> pd.DataFrame | None:
    """The closes on which all five curve maturities have a value (None when one has no usable data); made
    once per data version (the maturities are daily series) and shared."""
    return shared_value("curve_closes", None, _curve_closes)


def _curve_stats(event_id: str, window: Window) -> tuple[analysis.EventStats, ...]:
    from usjp.analysis import curve

    event = next((e for e in load_events() if e.id == event_id), None)
    if event is None:
        return ()
    everything, releases = load_events(), load_releases()[0]
    return tuple(
        analysis.event_stats(event, s.spec, s.values, (window,), everything, releases)
        for s in load_many(curve.CURVE_KEYS)
    )


def load_curve_stats(event_id: str, window: Window) -> tuple[analysis.EventStats, ...]:
    """Event-window statistics of one event on each curve maturity (as `python -m usjp stats`)."""
    return shared_value("curve_stats", (event_id, window.key), lambda: _curve_stats(event_id, window))


# yen loaders
@st.cache_data(show_spinner=False, max_entries=4)
def _yen_episodes(version: tuple) -> dict[str, tuple[dt.date, dt.date]]:
    from usjp.analysis import intervention  # the yen page's own module: imported by its loaders only

    record = load_series(catalog.INTERVENTIONS)
    return {} if record is None else intervention.episode_ranges(record.values)


def load_yen_episodes() -> dict[str, tuple[dt.date, dt.date]]:
    """The yen page's presets: each episode year's range, computed from the intervention record."""
    return _yen_episodes(series_version(catalog.INTERVENTIONS))


def _yen_paths(first_days: tuple[dt.date, ...]) -> AlignedPaths | None:
    from usjp.analysis import intervention

    item = load_series("usdjpy")
    if item is None:
        return None
    everything = load_events()
    ops = [intervention.Operation(d, d, 1, 1.0) for d in first_days]
    chosen = intervention.start_events(ops, everything)
    return analysis.aligned_paths(item.spec, item.values, chosen, everything, after=intervention.PATH_AFTER)


def load_yen_paths(first_days: tuple[dt.date, ...]) -> AlignedPaths | None:
    """USD/JPY aligned on the first days of these operations (their currency events), with the placebo band."""
    return shared_value("yen_paths", first_days, lambda: _yen_paths(first_days))


@st.cache_data(show_spinner=False, max_entries=4)
def _rate_gap(versions: tuple) -> pd.Series | None:
    from usjp.analysis import intervention

    us, jp = load_series("ust10y"), load_series("jgb10y")
    return None if us is None or jp is None else intervention.monthly_gap(us.values, jp.values)


def load_rate_gap() -> pd.Series | None:
    """The monthly US–Japan 10-year gap (None when either yield is missing)."""
    return _rate_gap(series_versions(("ust10y", "jgb10y")))


# events loaders


# story loaders
def _stories_version() -> tuple:
    from usjp.paths import stories_dir

    folder = stories_dir()
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return tuple((p.name, *_file_version(p)) for p in paths)


@st.cache_resource(show_spinner=False, max_entries=4)
def _stories(version: tuple) -> list:
    from usjp.story import files

    return files.read_stories()


def load_stories() -> list:
    """Every story file read and structurally validated (usjp.story.files.Loaded: frozen, shared), read
    again when a file changes."""
    return _stories(_stories_version())


def load_story(story_id: str):
    """The story file whose story has this id and passed its structural checks (None otherwise)."""
    return next((item for item in load_stories() if item.story is not None and item.story.id == story_id), None)


def story_data():
    """What story placeholders and predictions are computed from: the stored series through the cached
    loaders, and every timeline event."""
    from usjp.story.facts import StoryData

    return StoryData(lambda key: found.values if (found := load_series(key)) is not None else None, load_events())


def _story_data_version() -> tuple:
    """The story files, the statistics' data and every stored series: what a story's checks and texts
    depend on (a placeholder may read any series)."""
    return (_stories_version(), data_version(), series_versions(catalog.CATALOG))


@st.cache_data(show_spinner=False, max_entries=16)
def _story_check(story_id: str, version: tuple) -> list[str]:
    from usjp.story import files

    loaded = load_story(story_id)
    if loaded is None:
        return []
    return files.check_story(loaded, story_data(), available_keys(), date_bounds())


def story_problems(story_id: str) -> list[str]:
    """What the data cannot back in a story (`file:line field: message`), checked once per data version."""
    return _story_check(story_id, (_stories_version(), data_version(), series_versions(catalog.CATALOG)))


@st.cache_data(show_spinner=False, max_entries=64)
def _story_texts(story_id: str, step: int, version: tuple) -> tuple[str, str, str]:
    from usjp.story.facts import FactError, fill

    loaded = load_story(story_id)
    if loaded is None or loaded.story is None:
        return "", "", "unknown story"
    item = loaded.story.steps[step - 1]
    try:
        data = story_data()
        return fill(item.caption, data), fill(item.notes, data), ""
    except FactError as exc:
        return "", "", str(exc)


def story_texts(story_id: str, step: int) -> tuple[str, str, str]:
    """(the step's caption, its speaker notes, "") with every placeholder computed, or ("", "", why)."""
    return _story_texts(story_id, step, (_stories_version(), data_version(), series_versions(catalog.CATALOG)))
