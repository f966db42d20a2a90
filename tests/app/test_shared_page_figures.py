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


@pytest.fixture
def handed_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, object, object, str]]:
    """Every shared figure handed to a page: (name, key, its build, the figure, its JSON then)."""
    calls: list[tuple[str, object, object, object, str]] = []
    original = loaders.shared_figure

    def spy(name, key, reads, build):
        fig = original(name, key, reads, build)
        calls.append((name, key, build, fig, fig.to_json()))
        return fig

    monkeypatch.setattr(loaders, "shared_figure", spy)
    return calls


@pytest.mark.parametrize("page", list(VIEWS))
def test_every_shared_figure_is_the_one_its_view_would_build(page, handed_out):
    names = set()
    for params in VIEWS[page]:
        handed_out.clear()
        at = open_page(page, params)
        assert not at.exception, (page, params)
        assert handed_out, f"/{page} no longer draws through loaders.shared_figure"
        for name, key, build, fig, json_then in handed_out:
            names.add(name)
            assert fig.to_json() == json_then, f"/{page}?{params}: the run changed the shared {name} figure"
            assert fig.to_json() == build().to_json(), (
                f"/{page}?{params}: the {name} figure's key {key!r} misses an input"
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
def values_handed_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, object, object, bytes]]:
    """Every shared value handed to a page: (name, key, its build, the value, its pickle then)."""
    calls: list[tuple[str, object, object, object, bytes]] = []
    original = loaders.shared_value

    def spy(name, key, build, reads=()):
        value = original(name, key, build, reads)
        calls.append((name, key, build, value, pickle.dumps(value)))
        return value

    monkeypatch.setattr(loaders, "shared_value", spy)
    return calls


@pytest.mark.parametrize("page", list(VALUE_VIEWS))
def test_every_shared_value_is_the_one_its_view_would_build(page, values_handed_out):
    names = set()
    for params in VALUE_VIEWS[page]:
        values_handed_out.clear()
        at = open_page(page, params)
        assert not at.exception, (page, params)
        for name, key, build, value, pickled in values_handed_out:
            names.add(name)
            assert canon(value) == canon(pickle.loads(pickled)), f"/{page}?{params}: the run changed the shared {name}"
            assert canon(value) == canon(build()), f"/{page}?{params}: the {name} key {key!r} misses an input"
    expected = {
        "pages/timeline.py": {"date_bounds", "headlines", "timeline_alt"},
        "event_study": {"scoreboard", "aligned"},
        "yield_curve": {"curve_stats", "curves", "curve_closes", "spread_bp", "spread_alt"},
        "yen": {"yen_paths"},
    }
    assert expected.get(page, set()) <= names, f"/{page} no longer reads these through loaders.shared_value"
