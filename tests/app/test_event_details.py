"""The timeline's event details panel and marker hover: event-window statistics, confounders, escaping."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from tests.app.support import figure_of, open_page
from tests.builders import shorten_history_before
from usjp.cli import main

EVENT = "liberation-day-tariffs"  # announced after the US close on 2 Apr 2025


def hover_of(fig: dict, event_id: str) -> str:
    for trace in fig["data"]:
        for row in trace.get("customdata") or []:
            if isinstance(row, list) and row and row[0] == event_id:
                return row[3]
    raise AssertionError(f"{event_id} not on the chart")


def cli_window(capsys, series: str, window: tuple[int, int] = (0, 5), event: str = EVENT) -> dict:
    """One window of `python -m usjp stats --json` for the event and series."""
    assert main(["stats", "--event", event, "--series", series, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    return next(w for w in result["windows"] if (w["start"], w["end"]) == window)


def test_details_table_matches_the_cli(capsys):
    at = open_page(params={"event": EVENT, "series": "ust10y"})
    assert not at.exception
    table = at.dataframe[0].value
    assert {"Series", "Window", "From", "To", "Change", "z", "Percentile", "Other events", "Note"} <= set(table.columns)
    row = table[(table["Series"] == "10Y") & table["Window"].str.startswith("t0 to t+5")]
    assert len(row) == 1
    w = cli_window(capsys, "ust10y")
    assert row["z"].iloc[0] == pytest.approx(w["z"], abs=1e-6)
    assert row["Change"].iloc[0] == f"{w['change']:+.0f} bp"
    assert row["Percentile"].iloc[0] == pytest.approx(w["percentile"], abs=1e-6)
    assert row["To"].iloc[0].endswith(f"{dt.date.fromisoformat(w['end_date']):%d %b %Y}")


def test_every_related_series_and_window_and_the_usdjpy_percentile_says_why(data_dir):
    shorten_history_before("usdjpy", "2025-04-02")  # too short for the percentile, whatever is bundled
    at = open_page(params={"event": EVENT})
    table = at.dataframe[0].value
    # the view's series (10Y, USD/JPY) and the event's own daily ones, three windows each
    assert set(table["Series"]) == {"10Y", "USD/JPY"}
    assert len(table) == 6
    usdjpy = table[table["Series"] == "USD/JPY"]
    assert usdjpy["Percentile"].isna().all()
    assert all("needs 1,260" in note for note in usdjpy["Note"])


def test_confounder_warning_names_the_other_events():
    at = open_page(params={"event": EVENT})
    warning = " ".join(w.value for w in at.warning)
    assert "not this event's alone" in warning
    assert "Car tariff of 25% starts" in warning and "freeze reciprocal tariffs" in warning


def test_monthly_series_get_before_and_after_without_z():
    at = open_page(params={"event": "kato-treasuries-card", "series": "ust10y,tic_japan,jgb10y"})
    assert not at.exception
    periods = at.dataframe[1].value
    assert {"Series", "Last value before the event", "First value after", "Change"} <= set(periods.columns)
    assert "z" not in periods.columns
    japan = periods[periods["Series"].str.startswith("Japan's holdings")].iloc[0]
    assert japan["Last value before the event"].startswith("Apr 2025")
    assert japan["First value after"].startswith("May 2025")


def test_marker_hover_carries_the_headline_move(capsys):
    """The hover's numbers are the CLI's, for the default window t0 to t+5 (6 sessions)."""
    ust, fx = cli_window(capsys, "ust10y"), cli_window(capsys, "usdjpy")
    at = open_page(params={"series": "ust10y"})
    expected = f"10Y {ust['change']:+.0f} bp over 6 sessions, z = {ust['z']:.1f}"
    assert hover_of(figure_of(at), EVENT) == expected
    at.query_params["series"] = "ust10y,usdjpy"
    at.run()
    text = hover_of(figure_of(at), EVENT)
    ten_year = f"10Y {ust['change']:+.0f} bp (z {ust['z']:.1f})"
    yen = f"USD/JPY {fx['change']:+.2f}% (z {fx['z']:.1f})"
    assert text.startswith(f"Over 6 sessions: {ten_year} · {yen}"), text


def test_data_derived_text_is_escaped(data_dir):
    path = data_dir / "events.yaml"
    items = yaml.safe_load(path.read_text())
    for item in items:
        if item["id"] == "auto-tariff-effective":
            item["title"] = "<b>Car</b> tariff *starts* [x](javascript:alert(1))"
    path.write_text(yaml.safe_dump(items, allow_unicode=True, sort_keys=False))
    at = open_page(params={"event": EVENT, "cat": "tariff"})
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert r"\<b\>Car\</b\> tariff \*starts\* \[x\]\(javascript\:alert\(1\)\)" in warning
    fig = figure_of(at)
    hover_titles = [row[1] for t in fig["data"] for row in t.get("customdata") or [] if isinstance(row, list)]
    assert any(t.startswith("&lt;b&gt;Car&lt;/b&gt;") for t in hover_titles)
