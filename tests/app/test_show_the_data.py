"""'Show the data' under every chart, through AppTest: one closed expander per chart that costs the page no
table, and once opened the chart's values as tables (usjp.ui.chart.render_data, usjp.figures.chart_data)."""

from __future__ import annotations

import pytest

from tests.app.support import open_page, query_dict, spec_of, walk
from usjp.figures.chart_data import DATE, DETAIL, EVENT_COLUMNS

LABEL = "Show the data"
SESSIONS = "Sessions from the event"

# page, query -> each chart's key and the leading columns of its tables, in order
PAGES = [
    (
        "holdings",
        "",
        {
            "hd_chart": [
                [DATE, "Japan", "China", "United Kingdom", "All foreign holders"],
                [DATE, "Japan: change on a year earlier ($bn)", "Japan: share of all foreign (%)"],
                [DATE, "Japan's interventions", DETAIL],
                list(EVENT_COLUMNS),
            ]
        },
    ),
    (
        "yield_curve",
        "",
        {
            "yc_curve_chart": [["Maturity"]],
            "yc_moves_chart": [["Maturity", "Change (bp)", DETAIL]],
            "yc_spread_chart": [[DATE, "10Y–2Y spread (bp)"], list(EVENT_COLUMNS)],
        },
    ),
    (
        "yen",
        "",
        {
            "yen_chart": [
                [DATE, "USD/JPY (yen per dollar)"],
                [DATE, "Japan's interventions (¥ trn)", DETAIL],
                list(EVENT_COLUMNS),
            ],
            "yen_paths_chart": [[SESSIONS]],
            "yen_gap_chart": [[DATE, "US minus Japan, 10-year (percentage points)"]],
        },
    ),
    ("event_study", "", {"es_paths_chart": [[SESSIONS]]}),
    (
        "story",
        "s=liberation-day&step=2",
        {"sy_chart": [[DATE, "US 2-year Treasury yield"], list(EVENT_COLUMNS)]},
    ),
]


def chart_keys(at) -> list[str]:
    """The keys of the page's charts, in order (an element's id ends with its key)."""
    return [chart.proto.id.split("-", 2)[2] for chart in walk(at.main) if chart.type == "plotly_chart"]


def panels(at) -> dict[str, object]:
    return {e.key: e for e in at.expander if e.label == LABEL}


@pytest.mark.parametrize(("page", "query", "expected"), PAGES, ids=[p for p, _, _ in PAGES])
def test_every_chart_has_a_lazy_show_the_data_with_its_tables(page, query, expected):
    at = open_page(spec_of(page), query_dict(query))
    assert not at.exception
    keys = chart_keys(at)
    assert keys == list(expected)
    closed = panels(at)
    assert list(closed) == [f"{k}__data" for k in keys]  # one per chart, right under it, in the same order
    assert all(not panel.dataframe and not panel.caption for panel in closed.values())  # closed: no table made

    for key in keys:
        at.session_state[f"{key}__data"] = True  # as a click on its header does (the expander's state)
    at.run()
    assert not at.exception
    for key, tables in expected.items():
        panel = panels(at)[f"{key}__data"]
        frames = [d.value for d in panel.dataframe]
        assert len(frames) == len(tables) == len(panel.caption), key
        for frame, leading in zip(frames, tables, strict=True):
            if leading == [SESSIONS]:  # the x axis's title, then the mean before the band and each event
                assert frame.columns[0].startswith(SESSIONS) and frame.columns[1].startswith("Mean of the"), key
            else:
                assert list(frame.columns[: len(leading)]) == leading, key
            assert len(frame) > 0 and frame.columns.is_unique


def test_full_screen_has_no_table_under_the_chart():
    at = open_page(spec_of("story"), {"s": "liberation-day", "step": "2", "present": "1"})
    assert not at.exception
    assert chart_keys(at) == ["sy_chart"] and not panels(at)
