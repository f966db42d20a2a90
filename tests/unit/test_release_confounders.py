"""Scheduled releases as confounders: `Release.market_date` is `Event.market_date`, the releases inside each
window (synthetic series), the scoreboard and tables, their words, the stats command on the real data, and
validate's counts (on files built here: the real events file changes under other hands)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.builders import alternating, business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import PreparedSeries, Window, event_stats
from usjp.cli import main
from usjp.figures import releases as words
from usjp.figures.tables import event_tables, scoreboard_table
from usjp.releases import Release

UST10Y, USDJPY = catalog.get("ust10y"), catalog.get("usdjpy")  # observed at 16:00 and at noon, New York
SOURCE = {"publisher": "Pub", "title": "A headline", "url": "https://example.org/r", "kind": "official"}
KIND_TZ = {
    "us-employment": "America/New_York",
    "us-cpi": "America/New_York",
    "fomc": "America/New_York",
    "boj": "Asia/Tokyo",
}


def make_release(ident: str, day: dt.date | str, time: str, kind: str = "us-employment", **fields: Any) -> Release:
    """A valid release of `kind` (timed in its own zone) on `day` at `time`."""
    return Release.model_validate(
        {
            "id": ident,
            "kind": kind,
            "date": str(day),
            "time": time,
            "tz": KIND_TZ[kind],
            "title": fields.pop("title", f"Release {ident}"),
            "source": SOURCE,
            **fields,
        }
    )


# -- the market date ------------------------------------------------------------------------------
WEEKDAYS = [
    d
    for start in (dt.date(2025, 3, 6), dt.date(2025, 10, 30), dt.date(2025, 6, 30))  # both DST changes, and summer
    for d in (start + dt.timedelta(days=i) for i in range(7))
    if d.weekday() < 5
]
TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 29, 30, 59)]
OBSERVED = [None, dt.time(0, 0), dt.time(8, 30), dt.time(12, 0), dt.time(16, 0), dt.time(23, 59)]


@pytest.mark.parametrize(("kind", "tz"), [("us-cpi", "America/New_York"), ("boj", "Asia/Tokyo")])
def test_release_market_date_is_event_market_date(kind, tz):
    """Same date, time and zone: the same market date for every observation time, on both sides of it,
    across both DST changes, and for Tokyo times that fall on the previous New York day."""
    checked = crossed_days = 0
    for day, time in itertools.product(WEEKDAYS, TIMES):
        release = make_release("r", day, time, kind)
        event = make_event(date=str(day), time=time, tz=tz)
        assert release.new_york_time() == event.new_york_time()
        crossed_days += release.new_york_time().date() != day
        for observed in OBSERVED:
            assert release.market_date(observed) == event.market_date(observed), (day, time, tz, observed)
            checked += 1
    assert checked == len(WEEKDAYS) * len(TIMES) * len(OBSERVED)
    assert (crossed_days > 0) == (tz == "Asia/Tokyo")


def test_market_date_examples():
    jobs = make_release("jobs", "2025-05-02", "08:30")  # before the noon fixing and the close
    assert jobs.market_date(USDJPY.observed_at_et) == jobs.market_date(UST10Y.observed_at_et) == dt.date(2025, 5, 2)
    fomc = make_release("fomc", "2025-05-07", "14:00", "fomc")  # after noon, before the close
    assert fomc.market_date(USDJPY.observed_at_et) == dt.date(2025, 5, 8)
    assert fomc.market_date(UST10Y.observed_at_et) == dt.date(2025, 5, 7)
    boj = make_release("boj", "2025-05-01", "12:00", "boj")  # 23:00 on 30 April in New York
    assert boj.new_york_time() == dt.datetime(2025, 4, 30, 23, 0, tzinfo=boj.new_york_time().tzinfo)
    assert boj.market_date(USDJPY.observed_at_et) == boj.market_date(UST10Y.observed_at_et) == dt.date(2025, 5, 1)


# -- releases in the windows -----------------------------------------------------------------------
@pytest.fixture
def setup() -> tuple[pd.Series, list[dt.date]]:
    """300 business days ending 30 June 2025 and their dates; the event is on the 291st (index 290)."""
    values = business_series(alternating(300), end="2025-06-30")
    return values, [ts.date() for ts in values.index]


def window_releases(values: pd.Series, d: list[dt.date], spec, releases: list[Release]) -> analysis.EventStats:
    main_event = make_event(id="main", date=str(d[290]))
    return event_stats(main_event, spec, values, [Window(0, 1), Window(0, 5), Window(-1, 10)], [], releases)


def calendar_for(d: list[dt.date]) -> list[Release]:
    """Releases around index 290 of `setup`'s dates, given out of order."""
    tokyo_day = d[292]  # noon in Tokyo is the evening before in New York: market date = the Tokyo date
    return [
        make_release("after", d[297], "08:30"),  # t0 + 7
        make_release("same-afternoon", d[290], "14:00", "fomc"),  # after noon: the next day for USD/JPY
        make_release("boj", tokyo_day, "12:00", "boj"),  # t0 + 2
        make_release("before", d[289], "08:30", "us-cpi"),  # t0 - 1
        make_release("same-morning", d[290], "08:30"),  # t0
        make_release("past-the-data", "2025-07-03", "08:30"),  # after the last observation
        make_release("long-before", d[200], "08:30"),
    ]


@pytest.mark.parametrize("spec", [UST10Y, USDJPY], ids=["close", "noon"])
def test_releases_are_named_in_the_windows_they_fall_in_in_date_order(setup, spec):
    values, d = setup
    result = window_releases(values, d, spec, calendar_for(d))
    by_key = {w.window.key: w.releases for w in result.windows}
    assert by_key["0:1"] == ("same-morning", "same-afternoon")
    assert by_key["0:5"] == ("same-morning", "same-afternoon", "boj")
    assert by_key["-1:10"] == ("before", "same-morning", "same-afternoon", "boj", "after")
    assert result.releases == by_key["-1:10"]
    assert result.confounders == ()  # releases are not timeline events
    payload = result.to_json()
    assert payload["releases"] == list(by_key["-1:10"])
    assert [w["releases"] for w in payload["windows"]] == [list(by_key[k]) for k in ("0:1", "0:5", "-1:10")]


def test_each_series_observation_time_decides(setup):
    values, d = setup
    lunch = [make_release("lunch", d[289], "13:00", "us-cpi")]  # after the noon fixing, before the close
    main_event = make_event(id="main", date=str(d[290]))
    on_yields = event_stats(main_event, UST10Y, values, [Window(0, 0)], [], lunch)
    on_fx = event_stats(main_event, USDJPY, values, [Window(0, 0)], [], lunch)
    assert on_yields.releases == () and on_fx.releases == ("lunch",)


def test_a_release_on_a_holiday_counts_from_the_next_observation():
    values = business_series(alternating(300), end="2025-07-31", drop=("2025-07-04",))
    d = [ts.date() for ts in values.index]
    assert dt.date(2025, 7, 4) not in d
    main_event = make_event(id="main", date="2025-07-07")  # the Monday after the holiday
    friday = [make_release("holiday", "2025-07-04", "08:30")]
    result = event_stats(main_event, UST10Y, values, [Window(0, 0)], [], friday)
    assert result.t0 == dt.date(2025, 7, 7) and result.releases == ("holiday",)


def test_a_prepared_series_keeps_its_releases_and_takes_others(setup):
    values, d = setup
    prepared = PreparedSeries(UST10Y, values, [], calendar_for(d))
    main_event = make_event(id="main", date=str(d[290]))
    assert event_stats(main_event, UST10Y, prepared, [Window(0, 1)]).releases == ("same-morning", "same-afternoon")
    other = [make_release("other", d[291], "08:30")]
    assert event_stats(main_event, UST10Y, prepared, [Window(0, 1)], [], other).releases == ("other",)
    assert prepared.release_ids == ("other",)


def test_no_releases_no_names(setup):
    values, d = setup
    result = window_releases(values, d, UST10Y, [])
    assert result.releases == () and all(w.releases == () for w in result.windows)
    assert result.to_json()["releases"] == []


def test_an_event_past_the_data_names_no_release(setup):
    values, d = setup
    late = event_stats(make_event(id="late", date="2025-07-15"), UST10Y, values, releases=calendar_for(d))
    assert late.t0 is None and late.releases == () and all(w.releases == () for w in late.windows)


# -- the scoreboard and the tables -------------------------------------------------------------------
def test_the_scoreboard_has_a_releases_column(setup):
    values, d = setup
    events = [make_event(id="main", date=str(d[290]))]
    board = analysis.compute_scoreboard(events, [(USDJPY, values)], (Window(0, 1),), calendar_for(d))
    assert list(board.columns) == list(analysis.SCOREBOARD_COLUMNS) and "releases" in board.columns
    assert board.loc[0, "releases"] == "same-morning, same-afternoon"
    shown = scoreboard_table(board)
    assert shown.loc[0, words.COLUMN] == 2 and shown.loc[0, "Other events"] == 0
    bare = analysis.compute_scoreboard(events, [(USDJPY, values)], (Window(0, 1),))
    assert bare.loc[0, "releases"] == "" and scoreboard_table(bare).loc[0, words.COLUMN] == 0


def test_event_tables_count_and_list_the_releases_across_series(setup):
    values, d = setup
    event = make_event(id="main", date=str(d[290]))
    lunch = make_release("lunch", d[289], "13:00", "us-cpi")  # in USD/JPY's t0 only
    releases = [*calendar_for(d), lunch]
    daily, _, confounders, found = event_tables(event, [(UST10Y, values), (USDJPY, values)], [event], releases)
    assert confounders == []
    assert found == ["before", "lunch", "same-morning", "same-afternoon", "boj", "after"]  # date order, each once
    counts = dict(zip(daily["Series"] + " " + daily["Window"], daily[words.COLUMN], strict=True))
    assert counts[f"{UST10Y.short} t0 to t+1"] == 2 and counts[f"{USDJPY.short} t0 to t+1"] == 3
    # lunch is at t0 - 1 on yields (before the close): inside t-1 to t+10 for both
    assert counts[f"{UST10Y.short} t-1 to t+10"] == counts[f"{USDJPY.short} t-1 to t+10"] == 6


# -- words ----------------------------------------------------------------------------------------------
def test_the_words_name_each_release_with_its_time():
    jobs = make_release("jobs", "2025-05-02", "08:30", title="US employment report for April 2025")
    boj = make_release("boj", "2025-05-01", "12:00", "boj", title="BoJ decision", approximate_time=True, note="n")
    assert words.release_when(jobs) == "2 May 2025 08:30 ET"
    assert words.release_when(boj) == "1 May 2025 about 12:00 JST"
    assert words.release_line(jobs) == "US employment report for April 2025 (2 May 2025 08:30 ET)"
    assert words.release_warning(jobs) == "2 May 2025 was also the US employment report for April 2025 (08:30 ET)"
    assert words.releases_sentence([]) == ""
    assert words.releases_sentence([boj, jobs]) == (
        "scheduled releases in the windows: BoJ decision (1 May 2025 about 12:00 JST), "
        "US employment report for April 2025 (2 May 2025 08:30 ET)"
    )
    assert words.known(["jobs", "gone", "boj"], {"jobs": jobs, "boj": boj}) == [jobs, boj]
    assert words.calendar_notice(1).startswith("The calendar of scheduled releases (data/calendar.yaml) has 1 problem;")


# -- the stats command on the real data ------------------------------------------------------------------
def stats(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json_lists_the_may_2025_jobs_report_for_katos_card_remark(data_dir, capsys):
    """2 May 2025, 08:30 ET: before the noon fixing of USD/JPY, so in t0's window."""
    code, out, _ = stats(capsys, "--event", "kato-treasuries-card", "--series", "usdjpy", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["market_date"] == result["t0"] == "2025-05-02"
    assert "us-employment-2025-05-02" in result["releases"]
    first = next(w for w in result["windows"] if (w["start"], w["end"]) == (0, 1))
    assert "us-employment-2025-05-02" in first["releases"]
    assert all(isinstance(i, str) for i in result["releases"])


def test_stats_text_names_the_releases(data_dir, capsys):
    code, out, _ = stats(capsys, "--event", "kato-treasuries-card", "--series", "usdjpy")
    assert code == 0
    (line,) = [x for x in out.splitlines() if "scheduled releases in the windows:" in x]
    assert "US employment report for April 2025 (2 May 2025 08:30 ET)" in line


def test_stats_with_a_broken_calendar_says_so_and_goes_on(data_dir, capsys):
    (data_dir / "calendar.yaml").write_text("- id: [broken\n", encoding="utf-8")
    code, out, err = stats(capsys, "--event", "kato-treasuries-card", "--series", "usdjpy", "--json")
    assert code == 0 and json.loads(out)["releases"] == []
    assert "data/calendar.yaml has 1 problem(s)" in err


# -- validate's counts, on files built here -------------------------------------------------------------
EVENTS_YAML = """\
- id: one
  date: 2025-04-02
  title: First event
  label: First event
  summary: Something happened that markets noticed.
  category: tariff
  importance: 2
  series: [ust10y]
  status: confirmed
  sources:
    - publisher: Pub
      title: A headline
      url: https://example.org/1
      kind: official
    - publisher: Pub
      description: Our words for a report whose headline we do not know
      url: https://example.org/2
      kind: news
- id: two
  date: 2025-04-03
  title: Second event
  label: Second event
  summary: Something else happened that markets noticed.
  category: fx
  importance: 1
  series: [usdjpy]
  status: reported
  quote:
    text: It exists as a card.
    language: ja
    original: カードとしてはある
    translated_by: ours
    speaker: A minister
  sources:
    - publisher: Pub
      title: Another headline
      url: https://example.org/3
- id: three
  date: 2025-04-04
  title: Third event
  label: Third event
  summary: A third thing happened that markets noticed.
  category: tariff
  importance: 1
  series: [ust10y]
  status: confirmed-weak
  sources:
    - publisher: Digest
      description: A digest's summary
      url: https://example.org/4
      kind: aggregator
"""
CALENDAR_YAML = """\
- id: us-cpi-2025-05-13
  kind: us-cpi
  date: 2025-05-13
  time: "08:30"
  tz: America/New_York
  title: US CPI for April 2025
  source: {publisher: Pub, title: A headline, url: "https://example.org/c"}
- id: boj-2025-05-01
  kind: boj
  date: 2025-05-01
  time: "12:00"
  tz: Asia/Tokyo
  title: BoJ policy decision
  source: {publisher: Pub, title: A headline, url: "https://example.org/b"}
"""


def validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["validate", *argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.out and out.err == "", out.err
    return code, out.out


@pytest.fixture
def built(data_dir: Path) -> Path:
    """The data folder with the events and calendar files above (and no stories: theirs are not these)."""
    shutil.rmtree(data_dir / "stories")
    (data_dir / "events.yaml").write_text(EVENTS_YAML, encoding="utf-8")
    (data_dir / "calendar.yaml").write_text(CALENDAR_YAML, encoding="utf-8")
    return data_dir


def test_validate_json_counts_events_sources_quotes_and_the_calendar(built, capsys):
    code, out = validate(capsys, "--json")
    report = json.loads(out)
    assert code == 0 and report["errors"] == [] and report["events"] == 3
    assert {"events", "errors", "series"} <= set(report)
    assert report["events_by_status"] == {"confirmed": 1, "confirmed-weak": 1, "reported": 1, "disputed": 0}
    assert report["events_by_category"]["tariff"] == 2 and report["events_by_category"]["fx"] == 1
    assert sum(report["events_by_category"].values()) == 3
    assert report["sources_by_kind"] == {"official": 1, "news": 1, "analysis": 0, "aggregator": 1, "unclassified": 1}
    assert report["sources_without_url"] == 0
    assert report["sources_with_description"] == 2
    assert report["quotes_with_original"] == 1
    assert report["calendar"] == {
        "entries": 2,
        "by_kind": {"us-employment": 0, "us-cpi": 1, "fomc": 0, "boj": 1},
        "first": "2025-05-01",
        "last": "2025-05-13",
    }


def test_validate_text_warns_once_per_description_source_at_its_line(built, capsys):
    code, out = validate(capsys)
    assert code == 0  # warnings leave the exit status alone
    lines = out.splitlines()
    assert [x for x in lines if "no headline" in x] == [
        "data/events.yaml:15 one sources.1: no headline (description only)",
        "data/events.yaml:48 three sources.0: no headline (description only)",
    ]
    assert "events by status: confirmed 1, confirmed-weak 1, reported 1, disputed 0" in lines
    assert any(
        x.startswith("sources: 4 (official 1, news 1, analysis 0, aggregator 1, unclassified 1); 2 with") for x in lines
    )
    assert (
        "calendar: 2 scheduled releases from 2025-05-01 to 2025-05-13 (us-employment 0, us-cpi 1, fomc 0, boj 1)"
        in lines
    )
    assert lines[-1].startswith("3 events, ") and lines[-1].endswith(" 0 error(s)")


def test_validate_reports_a_calendar_problem_with_file_line_and_exit_1(built, capsys):
    broken = CALENDAR_YAML.replace('time: "12:00"', 'time: "noon"')
    (built / "calendar.yaml").write_text(broken, encoding="utf-8")
    code, out = validate(capsys)
    assert code == 1
    assert out.splitlines()[0].startswith("data/calendar.yaml:8 boj-2025-05-01 time: String should match pattern")
    code, out = validate(capsys, "--json")
    report = json.loads(out)
    assert code == 1 and report["calendar"]["entries"] == 1
    assert any(e.startswith("data/calendar.yaml:8 boj-2025-05-01 time:") for e in report["errors"])


def test_validate_reports_a_missing_calendar(built, capsys):
    (built / "calendar.yaml").unlink()
    code, out = validate(capsys)
    assert code == 1 and "data/calendar.yaml: missing (no such file)" in out.splitlines()


def test_validate_passes_the_real_calendar(data_dir, capsys):
    _, out = validate(capsys, "--json")
    report = json.loads(out)
    assert not [e for e in report["errors"] if e.startswith("data/calendar.yaml")]
    assert report["calendar"]["entries"] >= 75
    assert report["calendar"]["first"] <= "2024-11-30" and report["calendar"]["last"] >= "2026-10-01"
