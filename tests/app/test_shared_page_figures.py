"""The topic pages' figures, statistics and tables are built once per key and shared by every session
(loaders.shared_figure, loaders.shared_value). A key that left out something its value depends on would
hand a reader a chart or a table made for another view: so each page is opened at views that differ in one
parameter each, in one process (the cache is shared with every earlier test too), and every figure and
value handed out must equal a fresh build of the same inputs, and be left as it was by the run that
showed it."""

from __future__ import annotations

import dataclasses
import pickle

import pandas as pd
import pytest

from tests.app.support import open_page
from usjp.ui import loaders

VIEWS = {
    "event_study": [
        {},
        {"window": "0:1"},
        {"series": "usdjpy,ust10y"},
        {"cat": "tariff,fx"},
        {"sort": "oldest"},
        {"pcat": "tariff"},
        {"pcat": "fx"},
        {"pseries": "ust30y"},
        {"pcat": "fx", "pseries": "usdjpy"},
    ],
    "holdings": [
        {},
        {"known": "1"},
        {"since": "2015"},
        {"event": "kato-treasuries-card"},
        {"event": "kato-treasuries-card", "known": "1", "since": "2015"},
    ],
    "yield_curve": [
        {},
        {"event": "liberation-day-tariffs"},
        {"event": "liberation-day-tariffs", "window": "0:1"},
        {"dates": "2024-09-18"},
        {"event": "kato-treasuries-card", "window": "0:1"},
    ],
    "yen": [
        {},
        {"episode": "2022"},
        {"episode": "2024"},
        {"episode": "2022", "event": "mof-intervention-2022-10-21"},
        {"episode": "custom", "start": "2022-01-03", "end": "2022-12-30"},
    ],
}


def spy_on(monkeypatch: pytest.MonkeyPatch, loader: str, then) -> list[tuple]:
    """Every (name, key, build, value, then(value)) that `loaders.<loader>` hands to a page: `then` takes
    the value's state as handed out, to compare after the run."""
    calls: list[tuple] = []
    original = getattr(loaders, loader)

    def spy(name, key, *rest, **named):
        value = original(name, key, *rest, **named)
        build = rest[-1] if loader == "shared_figure" else rest[0]
        calls.append((name, key, build, value, then(value)))
        return value

    monkeypatch.setattr(loaders, loader, spy)
    return calls


@pytest.fixture
def handed_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every shared figure handed to a page: (name, key, its build, the figure, its JSON then)."""
    return spy_on(monkeypatch, "shared_figure", lambda fig: fig.to_json())


def shared_names(page: str, views: list[dict], calls: list[tuple], unchanged, as_built, every_view: bool) -> set[str]:
    """Open `page` at each view; every value handed out (`calls`, from spy_on) must be `unchanged` since it was
    handed out and equal to a fresh build (`as_built`). Returns the names seen."""
    names = set()
    for params in views:
        calls.clear()
        at = open_page(page, params)
        assert not at.exception, (page, params)
        assert calls or not every_view, f"/{page}?{params} no longer goes through the shared loader"
        for name, key, build, value, then in calls:
            names.add(name)
            assert unchanged(value, then), f"/{page}?{params}: the run changed the shared {name}"
            assert as_built(value, build), f"/{page}?{params}: the {name} key {key!r} misses an input"
    return names


@pytest.mark.parametrize("page", list(VIEWS))
def test_every_shared_figure_is_the_one_its_view_would_build(page, handed_out):
    names = shared_names(
        page,
        VIEWS[page],
        handed_out,
        unchanged=lambda fig, json_then: fig.to_json() == json_then,
        as_built=lambda fig, build: fig.to_json() == build().to_json(),
        every_view=True,
    )
    assert len(names) >= (1 if page in ("holdings", "event_study") else 3)


def canon(value: object) -> object:
    """A value reduced to plain, comparable parts (frames by their content, dtypes included)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        types = str(value.dtypes) if isinstance(value, pd.DataFrame) else str(value.dtype)
        return type(value).__name__, value.to_json(orient="split", date_format="iso", double_precision=15), types
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(canon(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, list | tuple):
        return tuple(canon(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, canon(v)) for k, v in value.items()))
    return value


# The timeline's shared values (its figure has its own test, tests/app/test_shared_figure.py).
VALUE_VIEWS = {
    **VIEWS,
    "pages/timeline.py": [
        {},
        {"mode": "indexed"},
        {"series": "ust10y,jgb10y"},  # a monthly series: its version is in the key through `reads`
        {"range": "custom", "start": "2024-01-02", "end": "2024-12-31"},
        {"releases": "1"},
    ],
}


@pytest.fixture
def values_handed_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every shared value handed to a page: (name, key, its build, the value, its pickle then)."""
    return spy_on(monkeypatch, "shared_value", pickle.dumps)


@pytest.mark.parametrize("page", list(VALUE_VIEWS))
def test_every_shared_value_is_the_one_its_view_would_build(page, values_handed_out):
    names = shared_names(
        page,
        VALUE_VIEWS[page],
        values_handed_out,
        unchanged=lambda value, pickled: canon(value) == canon(pickle.loads(pickled)),
        as_built=lambda value, build: canon(value) == canon(build()),
        every_view=False,
    )
    expected = {
        "pages/timeline.py": {"date_bounds", "headlines", "timeline_alt"},
        "event_study": {"scoreboard", "aligned"},
        "yield_curve": {"curve_stats", "curves", "curve_closes", "spread_bp", "spread_alt"},
        "yen": {"yen_paths"},
    }
    assert expected.get(page, set()) <= names, f"/{page} no longer reads these through loaders.shared_value"
