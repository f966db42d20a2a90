"""The topic pages' figures are built once per key and shared by every session (loaders.shared_figure).
A key that left out something its figure depends on would hand a reader a chart built for another view:
so each page is opened at views that differ in one parameter each, in one process (the cache is shared
with every earlier test too), and every figure handed out must equal a fresh build of the same inputs,
and be left as built by the run that drew it."""

from __future__ import annotations

import pytest

from tests.app.support import open_page
from usjp.ui import loaders

VIEWS = {
    "event_study": [
        {},
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
