"""The event-study page's URL state (usjp.study_view) and its figure builder (usjp.study_charts)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.builders import business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import Window
from usjp.figures.credits import events_phrase, window_label
from usjp.figures.event_study import build_aligned_paths_figure
from usjp.views.event_study import StudyView, parse_study_view, to_params

STORED = ["ust3m", "ust2y", "ust10y", "ust30y", "usdjpy"]


def test_empty_url_is_the_default_view():
    view = parse_study_view({}, STORED)
    assert view == StudyView() and view.notices == ()
    assert to_params(view) == {}


def test_round_trip():
    params = {
        "series": "ust30y,usdjpy",
        "window": "-1:10",
        "cat": "tariff,fx",
        "sort": "date",
        "pcat": "monetary-policy",
        "pseries": "usdjpy",
    }
    view = parse_study_view(params, STORED)
    assert view.notices == ()
    assert view.series == ("ust30y", "usdjpy") and view.window == Window(-1, 10)
    assert view.categories == ("tariff", "fx") and view.sort == "date"
    assert (view.path_category, view.path_series) == ("monetary-policy", "usdjpy")
    assert to_params(view) == params
    assert parse_study_view({"series": ["ust30y", "usdjpy"]}, STORED).series == ("ust30y", "usdjpy")


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"series": "nope"}, "unknown series 'nope'"),
        ({"series": "tic_japan"}, "monthly"),
        ({"series": "nikkei225"}, "no data on this machine"),
        ({"window": "5:1"}, "must not be after"),
        ({"window": "zero"}, "a:b"),
        ({"window": "0:90"}, "±60"),
        ({"cat": "weather"}, "'weather'"),
        ({"sort": "random"}, "sort order"),
        ({"pcat": "weather"}, "aligned paths"),
        ({"pseries": "foreign_debt"}, "quarterly"),
        ({"extra": "1"}, "unknown URL parameter 'extra'"),
        ({"sort": ["z", "date"]}, "given 2 times"),
        ({"sort": "z" * 600}, "too long"),
    ],
)
def test_bad_values_fall_back_with_a_notice(params, needle):
    view = parse_study_view(params, STORED)
    assert any(needle in n for n in view.notices), view.notices
    if params == {"sort": ["z", "date"]}:
        assert view.sort == "date"  # the last one wins
    else:
        assert view == StudyView()  # everything else falls back to the defaults (notices aside)


def test_stored_series_limit_the_choices():
    view = parse_study_view({}, ["ust2y"])
    assert view.series == ("ust2y",) and view.path_series == "ust2y"


def test_labels():
    assert window_label(Window(0, 5)) == "t0 to t+5 (6 sessions)"
    assert window_label(Window(0, 0)) == "t0 (1 session)"
    assert events_phrase(1, "monetary-policy") == "1 central-bank event"
    assert events_phrase(15, "tariff") == "15 tariff events"


def test_figure_carries_title_source_and_as_of_and_escapes_titles():
    values = business_series([2.0 + (i % 5) / 100 for i in range(400)], end="2025-06-30")
    days = [d.date() for d in values.index]
    chosen = [make_event(id="a", date=str(days[200])), make_event(id="b", date=str(days[300]))]
    paths = analysis.aligned_paths(catalog.get("ust10y"), values, chosen, chosen, draws=100)
    fig = build_aligned_paths_figure(
        paths,
        category="tariff",
        event_titles={"a": "<img src=x onerror=alert(1)>", "b": "B"},
        title="Title <b>",
        subtitle="Sub",
        source_lines=["Source: FRED DGS10"],
        as_of="Data as of 30 Jun 2025",
    )
    layout = fig.layout
    assert "Title &lt;b&gt;" in layout.title.text
    footer = layout.annotations[-1]
    assert footer.xref == "paper" and "FRED DGS10" in footer.text and "Data as of 30 Jun 2025" in footer.text
    hovers = [t.customdata[0] for t in fig.data if t.customdata is not None]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hovers
    assert [t.fill for t in fig.data].count("tonexty") == 1
    assert "100 draws" in " ".join(t.name for t in fig.data)
    compact = build_aligned_paths_figure(
        paths, category="tariff", event_titles={}, title="T", subtitle="S", source_lines=[], as_of="", compact=True
    )
    # Phone: a narrow fixed margin for the tick labels (not drawn over the paths), the footer at the figure's edge.
    assert compact.layout.margin.l < fig.layout.margin.l and compact.layout.yaxis.ticklabelposition is None
    assert compact.layout.annotations[-1].xshift == -(compact.layout.margin.l - 8)
    assert compact.layout.yaxis.automargin is False and fig.layout.xaxis.automargin is False


def test_figure_without_placebo_band():
    values = business_series([2.0] * 40, end="2025-06-30")
    days = [d.date() for d in values.index]
    crowded = [make_event(id=f"e{i}", date=str(days[i])) for i in range(6, 29)]
    paths = analysis.aligned_paths(catalog.get("ust10y"), values, crowded, crowded, margin=0)
    assert paths.band_low is None
    fig = build_aligned_paths_figure(
        paths, category="tariff", event_titles={}, title="T", subtitle="S", source_lines=[], as_of=""
    )
    assert not [t for t in fig.data if t.fill == "tonexty"]
    assert isinstance(paths.paths, pd.DataFrame)
