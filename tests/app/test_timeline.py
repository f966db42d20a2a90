"""The timeline page through AppTest: default view, deep links, bad links, event details, the scheduled
releases toggle, Japan's interventions under USD/JPY."""

import datetime as dt

import pytest

from tests.app.support import figure_of, open_page, warning_texts
from usjp import catalog
from usjp.data import verify
from usjp.ui import loaders


def marker_traces(fig: dict) -> list[dict]:
    """The event traces: marker traces whose points carry event ids (releases carry none)."""
    return [t for t in fig["data"] if t.get("mode") == "markers" and "customdata" in t]


def trace_named(fig: dict, name: str) -> dict | None:
    return next((t for t in fig["data"] if t.get("name") == name), None)


def test_default_view_shows_real_2025_data_and_events():
    at = open_page()
    assert not at.exception
    fig = figure_of(at)
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert [t["name"] for t in lines] == ["US 10-year Treasury yield", "USD/JPY (yen per dollar, noon New York)"]
    assert min(lines[0]["x"]) >= "2025-02-01" and max(lines[0]["x"]) <= "2025-08-31"
    ids = [row[0] for t in marker_traces(fig) for row in t["customdata"]]
    assert "liberation-day-tariffs" in ids and "kato-treasuries-card" in ids
    assert fig["layout"]["title"]["text"].startswith("<b>US 10-year Treasury yield and USD/JPY")
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "FRED DGS10" in texts and "Data as of" in texts
    captions = " ".join(c.value for c in at.caption)
    for key in catalog.DEFAULT_SERIES:  # each line says how fresh its own data is
        assert f"data through {verify.read_newest(key).last_date:%d %b %Y}" in captions, key
    assert not at.warning


def test_event_deep_link_opens_details_with_sources_and_levels():
    at = open_page(params={"event": "kato-treasuries-card"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "card" in text and "Sources" in text and "](https://" in text
    assert at.selectbox(key="w_event").value == "kato-treasuries-card"
    table = at.dataframe[0].value
    assert "10Y" in set(table["Series"])
    fig = figure_of(at)
    solid = [s for s in fig["layout"]["shapes"] if s["type"] == "line" and s["line"]["dash"] == "solid"]
    assert len(solid) == 1 and solid[0]["x0"].startswith("2025-05-02")


def test_deep_link_restores_every_control():
    at = open_page(
        params={
            "series": "ust30y,ust2y",
            "start": "2025-03-01",
            "end": "2025-06-30",
            "cat": "tariff",
            "imp": "2",
            "mode": "indexed",
            "releases": "1",
        }
    )
    assert not at.exception and not at.warning
    assert at.multiselect(key="w_series").value == ["ust30y", "ust2y"]
    assert at.checkbox(key="w_releases").value is True
    assert at.selectbox(key="w_range").value == "custom"
    fig = figure_of(at)
    assert fig["layout"]["yaxis"]["title"]["text"] == "Index (start = 100)"
    assert {row[2] for t in marker_traces(fig) for row in t["customdata"]} == {"Tariffs"}
    assert all(imp >= 11 for t in marker_traces(fig) for imp in t["marker"]["size"])  # importance >= 2
    assert fig["layout"]["xaxis"]["range"][0].startswith("2025-03-01")


def test_bad_link_shows_notices_and_defaults():
    at = open_page(params={"series": "ust10y,nope", "range": "forever", "event": "<script>", "imp": "9"})
    assert not at.exception
    notices = " ".join(warning_texts(at))
    for notice in ("unknown series 'nope'", "unknown date range", "No event with id '<script>'", "importance"):
        assert notice in notices
    assert at.multiselect(key="w_series").value == ["ust10y"]


def test_changing_a_control_updates_chart_and_url():
    at = open_page()
    at.radio(key="w_mode").set_value("indexed").run()
    assert figure_of(at)["layout"]["yaxis"]["title"]["text"] == "Index (start = 100)"
    assert at.query_params["mode"] in ("indexed", ["indexed"])
    at.selectbox(key="w_event").set_value("reciprocal-tariff-pause").run()
    assert at.query_params["event"] in ("reciprocal-tariff-pause", ["reciprocal-tariff-pause"])
    assert any("pause" in m.value.lower() for m in at.markdown)


def test_sources_page_lists_every_stored_series():
    at = open_page("pages/sources.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert {"ust10y", "usdjpy", "tic_japan", "nikkei225"} <= set(table["Key"])
    assert table.set_index("Key").loc["nikkei225", "Rows"] == 0  # licensed: never bundled
    assert list(table.columns[:4]) == ["Series", "Source", "Link", "Through"]  # what a reader checks first
    cite = next(m.value for m in at.markdown if "H\\.15" in m.value)
    assert "**US 10\\-year Treasury yield**: Board of Governors" in cite
    assert "](https://fred.stlouisfed.org/series/DGS10)" in cite and cite.count("\n- ") + 1 == len(table)


def test_returning_from_another_page_restores_the_view():
    at = open_page(params={"series": "ust30y"})
    at.radio(key="w_mode").set_value("indexed").run()
    at.switch_page("pages/sources.py").run()
    at.query_params.clear()  # the browser's URL on the other page carries no timeline state
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert at.multiselect(key="w_series").value == ["ust30y"]
    assert at.radio(key="w_mode").value == "indexed"


def test_notices_show_url_text_literally():
    at = open_page(params={"series": "**bold**"})
    assert "\\*\\*bold\\*\\*" in at.warning[0].value  # escaped: markdown in a link is not rendered


def test_a_custom_range_that_ends_before_it_starts_is_explained_and_not_drawn():
    at = open_page()
    at.selectbox(key="w_range").set_value("custom").run()
    at.date_input(key="w_start").set_value(dt.date(2025, 6, 1))
    at.date_input(key="w_end").set_value(dt.date(2025, 5, 1)).run()
    assert not at.exception
    assert any("start date before the end date" in w.value for w in at.sidebar.warning)
    start, end = figure_of(at)["layout"]["xaxis"]["range"]
    # Every date in the data meanwhile (first to last date of the stored daily series), not an empty chart.
    daily = [item for s in catalog.SERIES if s.daily and (item := verify.read_newest(s.key))]
    assert start.startswith(f"{min(item.values.index[0] for item in daily):%Y-%m-%d}")
    assert end.startswith(f"{max(item.last_date for item in daily):%Y-%m-%d}")
    # The reader's dates are kept in the controls for them to fix.
    assert at.date_input(key="w_start").value == dt.date(2025, 6, 1)


# -- scheduled releases and Japan's interventions ------------------------------------------------------
RELEASES = "Scheduled releases"
BARS = "Japan's interventions"
RECORD = "mof_intervention"


def test_the_releases_toggle_is_off_by_default_draws_a_lane_and_is_in_the_link():
    at = open_page()
    toggle = at.checkbox(key="w_releases")
    assert toggle.value is False and toggle.label == RELEASES
    before = figure_of(at)
    assert trace_named(before, RELEASES) is None and "releases" not in at.query_params

    toggle.check().run()
    assert not at.exception
    fig = figure_of(at)
    lane = trace_named(fig, RELEASES)
    in_window = [r for r in loaders.load_releases()[0] if dt.date(2025, 2, 1) <= r.date <= dt.date(2025, 8, 31)]
    assert in_window and len(lane["x"]) == len(in_window)
    assert "customdata" not in lane and lane["yaxis"] == "y5"  # hover only, never an event
    assert any(
        text.startswith("US employment report for April 2025 · 2 May 2025 08:30 ET") for text in lane["hovertext"]
    )
    # Not events: the same event markers and the same count in the subtitle.
    ids = [row[0] for t in marker_traces(fig) for row in t["customdata"]]
    assert ids == [row[0] for t in marker_traces(before) for row in t["customdata"]]
    assert fig["layout"]["title"]["subtitle"]["text"] == before["layout"]["title"]["subtitle"]["text"]
    assert at.query_params["releases"] in ("1", ["1"])

    at.checkbox(key="w_releases").uncheck().run()
    assert trace_named(figure_of(at), RELEASES) is None and "releases" not in at.query_params


def test_a_bad_releases_value_is_ignored_with_a_notice():
    at = open_page(params={"releases": "<b>yes</b>"})
    assert not at.exception
    assert any("Ignored releases='<b>yes</b>'" in w for w in warning_texts(at))
    assert at.checkbox(key="w_releases").value is False


def test_calendar_problems_are_shown_only_with_the_releases(data_dir):
    calendar = data_dir / "calendar.yaml"
    calendar.write_text(
        calendar.read_text(encoding="utf-8") + "\n- id: not-a-release\n  kind: weather\n  date: 2025-05-05\n",
        encoding="utf-8",
    )
    releases, problems = loaders.load_releases()
    assert problems and releases
    at = open_page()
    assert not at.exception and not any("calendar" in w for w in warning_texts(at))
    at = open_page(params={"releases": "1"})
    assert not at.exception
    (notice,) = [w for w in warning_texts(at) if "calendar" in w]
    assert f"has {len(problems)} problem" in notice and f"{len(releases):,} releases that passed are shown" in notice
    assert trace_named(figure_of(at), RELEASES)  # the good releases are still drawn


def test_interventions_are_bars_under_usdjpy_with_their_source():
    record = verify.read_newest(RECORD)
    if record is None:
        pytest.skip("no stored intervention record on this machine")
    at = open_page(params={"series": "usdjpy", "start": "2022-01-03", "end": "2026-06-30"})
    assert not at.exception and not at.warning
    fig = figure_of(at)
    bars = trace_named(fig, BARS)
    window = record.values["2022-01-03":"2026-06-30"]
    operations = window[window != 0]
    assert len(bars["x"]) == len(operations) > 0 and bars["type"] == "bar"
    assert [x[:10] for x in bars["x"]] == [f"{d:%Y-%m-%d}" for d in operations.index]
    assert all((y > 0) == (v > 0) for y, v in zip(bars["y"], operations, strict=True))
    footer = fig["layout"]["annotations"][-1]["text"]
    assert "Interventions: Ministry of Finance, Japan" in footer
    assert any("Interventions" in c.value for c in at.caption)  # its provenance line under the chart
    # Only under USD/JPY, and never offered as a line of its own.
    assert RECORD not in at.multiselect(key="w_series").options
    assert record.spec.label not in at.multiselect(key="w_series").options
    other = open_page(params={"series": "ust10y", "start": "2022-01-03", "end": "2026-06-30"})
    assert trace_named(figure_of(other), BARS) is None
