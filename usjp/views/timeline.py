"""The view a URL describes: parse query parameters into a typed `View`, and back.

Pure code: bad values never raise; they are dropped, the default is used, and a notice
says what was ignored so the page can show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from usjp import catalog
from usjp.events import CATEGORIES
from usjp.views.query import MAX_LIST_CHARS, MAX_PARAM_CHARS, QueryReader, short

MAX_SERIES = 4
MODES = ("levels", "indexed")
# Japan's intervention record (catalog.INTERVENTIONS) is drawn only as bars under USD/JPY, never as a
# line of its own.
BARS_UNDER = "usdjpy"
RELEASES_ON = "1"
# A journalist's own words on the chart, and the events that carry a label: length-limited, shown literally
# (the figure escapes them), never run as markup.
TEXT_LIMITS = {"title": 120, "subtitle": 200, "note": 280}
MAX_LABELS = 24
NO_LABELS = "none"


def line_series(keys: Sequence[str]) -> list[str]:
    """The keys a reader may pick as lines: every catalog key but the operations records (bars only)."""
    return [k for k in keys if k in catalog.CATALOG and not catalog.get(k).records_operations]


def bar_series(series: Sequence[str]) -> tuple[str, ...]:
    """The series drawn as bars with these lines: Japan's interventions, under USD/JPY when it is shown."""
    return (catalog.INTERVENTIONS,) if BARS_UNDER in series else ()


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    start: dt.date | None  # None: from the start of the data
    end: dt.date | None  # None: to the end of the data


PRESETS: tuple[Preset, ...] = (
    Preset("tariff-2025", "2025 tariff shock", dt.date(2025, 2, 1), dt.date(2025, 8, 31)),
    Preset("since-election", "Since the 2024 US election", dt.date(2024, 11, 1), None),
    Preset("all", "Everything", None, None),
    Preset("custom", "Custom", None, None),
)
PRESET_BY_KEY = {p.key: p for p in PRESETS}


@dataclass(frozen=True)
class View:
    series: tuple[str, ...] = catalog.DEFAULT_SERIES
    range: str = "tariff-2025"
    start: dt.date | None = None  # only with range=custom
    end: dt.date | None = None
    categories: tuple[str, ...] = CATEGORIES
    importance: int = 1
    event: str | None = None
    mode: str = "levels"
    releases: bool = False  # scheduled releases drawn in their own lane
    labels: tuple[str, ...] | None = None  # events labelled on the chart; None: the headline events in view
    title: str = ""  # the reader's own title, subtitle and note ("" = the generated ones, no note)
    subtitle: str = ""
    note: str = ""
    notices: tuple[str, ...] = field(default=(), compare=False)

    def window(self, data_start: dt.date, data_end: dt.date) -> tuple[dt.date, dt.date]:
        """The date range to show; open ends take the data's first or last date."""
        if self.range == "custom":
            return self.start or data_start, self.end or data_end
        preset = PRESET_BY_KEY[self.range]
        return preset.start or data_start, preset.end or data_end


def parse_view(
    params: Mapping[str, str | Sequence[str]],
    event_ids: set[str] | frozenset[str] = frozenset(),
    stored: Sequence[str] | None = None,
    bounds: tuple[dt.date, dt.date] | None = None,
) -> View:
    """A `View` from query parameters; everything unusable becomes a default plus a notice.

    `stored` lists the series that have data here; `bounds` is the first and last date of the data.
    """
    query = QueryReader(
        params,
        known=("series", "range", "start", "end", "cat", "imp", "event", "mode", "releases", "labels", *TEXT_LIMITS),
    )
    notices, single = query.notices, query.single
    view = View()

    if "series" in query:
        keys_or_none = query.values("series", MAX_PARAM_CHARS)
        if keys_or_none is not None:
            keys = list(dict.fromkeys(keys_or_none))
            bad = [k for k in keys if k not in catalog.CATALOG]
            good = line_series(keys)
            bars = [k for k in keys if k in catalog.CATALOG and k not in good]
            if bad:
                notices.append(f"Ignored unknown series {', '.join(repr(short(b)) for b in bad[:5])}.")
            for key in bars:
                notices.append(
                    f"{catalog.get(key).label} is not a line: it is drawn as bars under USD/JPY when USD/JPY is shown."
                )
            if stored is not None:
                missing = [k for k in good if k not in stored]
                good = [k for k in good if k in stored]
                for key in missing:
                    spec = catalog.get(key)
                    how = "fetch it with 'Check for new data'" if not spec.redistributable else "refresh the data"
                    notices.append(f"{spec.label} has no data on this machine yet: {how} or import a file.")
            if len(good) > MAX_SERIES:
                notices.append(f"Showing the first {MAX_SERIES} series of {len(good)}.")
                good = good[:MAX_SERIES]
            if good:
                view = replace(view, series=tuple(good))

    if range_key := query.choice("range", PRESET_BY_KEY, "Ignored unknown date range {value}."):
        view = replace(view, range=range_key)
    if (dates := query.date_range(bounds)) is not None:
        start, end = dates
        if start or end:
            view = replace(view, range="custom", start=start, end=end)

    if "cat" in query:
        cats = query.values("cat", MAX_LIST_CHARS) or []
        bad = [c for c in cats if c not in CATEGORIES and cats != ["none"]]
        if bad:
            notices.append(f"Ignored unknown categories {', '.join(repr(short(b)) for b in bad[:5])}.")
        good = tuple(c for c in CATEGORIES if c in cats)
        if good or cats == ["none"]:
            view = replace(view, categories=good)

    if (importance := query.importance()) is not None:
        view = replace(view, importance=importance)

    if event := query.choice("event", event_ids, "No event with id {value}; showing none."):
        view = replace(view, event=event)

    if mode := query.choice("mode", MODES, "Ignored display mode {value}: use 'levels' or 'indexed'."):
        view = replace(view, mode=mode)

    releases = query.choice("releases", ("0", RELEASES_ON), "Ignored releases={value}: use releases=1 to show them.")
    if releases is not None:
        view = replace(view, releases=releases == RELEASES_ON)

    if "labels" in query:
        ids = query.values("labels", MAX_LIST_CHARS)
        if ids is not None:
            view = replace(view, labels=_labels(ids, event_ids, notices))
    for key, limit in TEXT_LIMITS.items():
        raw = single(key)
        if raw is not None:
            view = replace(view, **{key: clean_text(raw, limit, key, notices)})
    return replace(view, notices=tuple(notices))


def _labels(ids: list[str], event_ids: set[str] | frozenset[str], notices: list[str]) -> tuple[str, ...]:
    """The labelled events' ids in the order given, known ones only; `labels=none` labels nothing."""
    if ids in ([NO_LABELS], []):
        return ()
    ids = list(dict.fromkeys(ids))
    bad = [i for i in ids if i not in event_ids]
    if bad:
        notices.append(f"No event with id {', '.join(repr(short(b)) for b in bad[:5])}: not labelled.")
    good = [i for i in ids if i in event_ids]
    if len(good) > MAX_LABELS:
        notices.append(f"Labelled the first {MAX_LABELS} events of {len(good)}.")
        good = good[:MAX_LABELS]
    return tuple(good)


def clean_text(raw: str, limit: int, what: str = "text", notices: list[str] | None = None) -> str:
    """A reader's text for the chart: one line (control characters and runs of spaces become one space),
    at most `limit` characters (cut, with a notice). Markup is not removed here: the figure escapes it."""
    text = " ".join("".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in raw).split())
    if len(text) > limit:
        if notices is not None:
            notices.append(f"The {what} was cut to {limit} characters.")
        text = text[: limit - 1].rstrip() + "…"
    return text


def to_params(view: View) -> dict[str, str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    default = View()
    params: dict[str, str] = {}
    if view.series != default.series:
        params["series"] = ",".join(view.series)
    if view.range == "custom":
        if view.start:
            params["start"] = view.start.isoformat()
        if view.end:
            params["end"] = view.end.isoformat()
    elif view.range != default.range:
        params["range"] = view.range
    if view.categories != default.categories:
        params["cat"] = ",".join(view.categories) or "none"
    if view.importance != default.importance:
        params["imp"] = str(view.importance)
    if view.event:
        params["event"] = view.event
    if view.mode != default.mode:
        params["mode"] = view.mode
    if view.releases:
        params["releases"] = RELEASES_ON
    if view.labels is not None:
        params["labels"] = ",".join(view.labels) or NO_LABELS
    for key in TEXT_LIMITS:
        if text := getattr(view, key):
            params[key] = text
    return params
