"""The event-study page through AppTest: scoreboard, aligned paths with placebo band, URL state."""

from __future__ import annotations

import pytest

from tests.app.support import figure_of, open_page, warning_texts
from usjp.ui.nav import PAGES

PAGE = "pages/event_study.py"


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_default_page_shows_scoreboard_paths_and_method():
    at = open_page(PAGE)
    assert not at.exception and not at.warning
    table = at.dataframe[0].value
    assert {"Date", "Event", "Series", "Change", "z", "Percentile", "Other events"} <= set(table.columns)
    assert set(table["Series"]) == {"10Y", "2Y", "USD/JPY"}
    z = table["z"].abs()
    assert z.dropna().is_monotonic_decreasing and z.iloc[0] > 2  # largest moves on top
    assert at.get("download_button")

    fig = figure_of(at)
    names = [t.get("name", "") for t in fig["data"]]
    assert any(n.startswith("Placebo 5–95%") and "1,000 draws" in n for n in names)
    assert any(n.startswith("Mean of the") for n in names)
    band = [t for t in fig["data"] if t.get("fill") == "tonexty"]
    assert len(band) == 1
    assert fig["layout"]["title"]["text"].startswith("<b>US 10-year Treasury yield around")
    footer = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "FRED DGS10" in footer and "Data as of" in footer and "1,000 draws (seed 0)" in footer
    assert all(a["xref"] in ("paper", "x") for a in fig["layout"]["annotations"])
    assert "How to read these numbers" in texts(at) and "Placebo band" in texts(at)
    assert "Ordinary days do that too" in texts(at) or "stands out" in texts(at)


def test_deep_link_restores_every_control():
    at = open_page(
        PAGE,
        {
            "series": "ust30y,usdjpy",
            "window": "0:1",
            "cat": "tariff,treasury-leverage",
            "sort": "date",
            "pcat": "treasury-leverage",
            "pseries": "ust2y",
        },
    )
    assert not at.exception and not at.warning
    assert at.multiselect(key="es_series").value == ["ust30y", "usdjpy"]
    assert at.selectbox(key="es_window").value == "0:1"
    assert at.selectbox(key="es_sort").value == "date"
    assert at.selectbox(key="es_path_category").value == "treasury-leverage"
    assert at.selectbox(key="es_path_series").value == "ust2y"
    table = at.dataframe[0].value
    assert set(table["Series"]) == {"30Y", "USD/JPY"}
    assert set(table["Category"]) <= {"Tariffs", "Treasuries as leverage"}
    assert list(table["Date"]) == sorted(table["Date"], reverse=True)
    fig = figure_of(at)
    assert "US 2-year Treasury yield around" in fig["layout"]["title"]["text"]
    assert "Treasuries-as-leverage event" in fig["layout"]["title"]["text"]


def test_custom_window_from_the_url():
    at = open_page(PAGE, {"window": "-2:3"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="es_window").value == "-2:3"
    assert "t-2 to t+3 (6 sessions)" in " ".join(c.value for c in at.caption)


def test_bad_link_is_ignored_with_notices():
    at = open_page(
        PAGE,
        {
            "series": "nope,tic_japan",
            "window": "9:1",
            "sort": "random",
            "pcat": "weather",
            "pseries": "jgb10y",
            "bogus": "1",
        },
    )
    assert not at.exception
    notices = " ".join(warning_texts(at))
    for needle in ("unknown series 'nope'", "monthly", "9:1", "sort order 'random'", "'weather'", "'bogus'"):
        assert needle in notices
    assert at.multiselect(key="es_series").value == ["ust10y", "ust2y", "usdjpy"]
    assert at.selectbox(key="es_window").value == "0:5"


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "0:5" * 300, "%00", ""])
def test_hostile_values_never_raise(value):
    at = open_page(PAGE, dict.fromkeys(("series", "window", "cat", "sort", "pcat", "pseries"), value))
    assert not at.exception


def test_changing_controls_updates_the_url():
    at = open_page(PAGE)
    at.selectbox(key="es_sort").set_value("date").run()
    assert at.query_params["sort"] in ("date", ["date"])
    at.selectbox(key="es_path_series").set_value("usdjpy").run()
    assert at.query_params["pseries"] in ("usdjpy", ["usdjpy"])
    assert "%" in figure_of(at)["layout"]["yaxis"]["ticksuffix"]
    at.selectbox(key="es_window").set_value("-1:10").run()
    assert at.query_params["window"] in ("-1:10", ["-1:10"])
    assert not at.exception


def test_category_filter():
    at = open_page(PAGE)
    at.pills(key="es_categories").set_value(["fx"]).run()
    table = at.dataframe[0].value
    assert set(table["Category"]) == {"Currency"}
    assert at.query_params["cat"] in ("fx", ["fx"])


def test_page_is_registered_with_a_sample_deep_link():
    spec = next(p for p in PAGES if p.script == PAGE)
    assert spec.url_path and spec.has_chart and "pcat=" in spec.sample_query


def test_every_chart_and_table_says_where_its_data_came_from():
    at = open_page(PAGE)
    captions = " ".join(c.value for c in at.caption)
    for source in ("FRED DGS10", "FRED DGS2", "FRED DEXJPUS"):
        assert source in captions
    assert "data through" in captions and "retrieved" in captions


def test_csv_cells_a_spreadsheet_would_run_are_made_text():
    import pandas as pd

    from usjp.publish.csv_file import csv_bytes

    rows = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://evil.example","x")', "+1", "@SUM(A1)", "-2+3", "Plain title"],
            "change": [-12.5, 3.0, 0.0, 1.0, 2.0],
            "abs_z": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    lines = csv_bytes(rows).decode().splitlines()
    assert lines[0] == "title,change"  # the sort helper column is not exported
    assert lines[1] == '"\'=HYPERLINK(""http://evil.example"",""x"")",-12.5'  # numbers stay numbers
    assert [line.split(",")[0] for line in lines[2:]] == ["'+1", "'@SUM(A1)", "'-2+3", "Plain title"]
