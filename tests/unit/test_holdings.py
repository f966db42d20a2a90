"""The holdings page's pure layers: URL state, computations, words, figure, and its "Done when" checks
against the stored data (the TIC snapshot, the TIC release events, data/tic_releases.yaml and the TIC
history files in tests/fixtures/samples)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from tests.builders import make_event
from usjp.analysis import holdings as calc
from usjp.data import events_file, interventions, verify, yaml_list
from usjp.data.sources import tic
from usjp.figures import holdings_words as words
from usjp.figures.holdings import HoldingsData, build_holdings_figure
from usjp.paths import data_dir, events_path
from usjp.views.holdings import HoldingsView, parse_holdings_view, to_params

SAMPLES = {
    dt.date(2026, 3, 18): "tic_mfhhis01_2026-03-18_LFnormalized_head_L1-60.txt",
    dt.date(2026, 5, 18): "tic_mfhhis01_2026-05-18_head_L1-295.txt",
}


@pytest.fixture(scope="module")
def events():
    """The timeline's curated events (the TIC release events date the publications)."""
    found, problems = events_file.load_events_file(events_path())
    assert not problems
    return found


@pytest.fixture(scope="module")
def vintages():
    """data/tic_releases.yaml, validated."""
    path = data_dir() / "tic_releases.yaml"
    text, problem = yaml_list.read_text(path, "data/tic_releases.yaml")
    assert problem is None
    found, problems = yaml_list.entries(text, "data/tic_releases.yaml", "vintages", 1000)
    good, problems = yaml_list.validate_entries(found, calc.TicVintage, "data/tic_releases.yaml", "vintage")
    assert not problems
    return good


# -- views ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"known": "1", "since": "2015", "event": "kato-treasuries-card"},
        {"known": "0"},
        {},
        {"since": "2000"},
    ],
)
def test_view_round_trips(params):
    view = parse_holdings_view(params, ["kato-treasuries-card"])
    assert not view.notices
    assert parse_holdings_view(to_params(view), ["kato-treasuries-card"]) == view


@pytest.mark.parametrize(
    "params",
    [
        {"known": "yes"},
        {"known": ["1", "x" * 10_000]},
        {"since": "1999"},
        {"since": "２０２２"},
        {"since": "-5"},
        {"since": "<script>"},
        {"event": "<img src=x onerror=alert(1)>"},
        {"event": "x" * 600},
        {"bogus": "1"},
    ],
)
def test_hostile_values_become_notices(params):
    view = parse_holdings_view(params, ["kato-treasuries-card"])
    assert view.notices
    assert (view.since, view.event) == (HoldingsView().since, "") or view.known in (True, False)


# -- computations -----------------------------------------------------------------------------------
def test_release_events_date_their_data_month(events):
    by_id = {e.id: e for e in events}
    assert calc.release_month(by_id["tic-feb-2025-data"]) == dt.date(2025, 2, 1)
    assert calc.release_month(by_id["kato-treasuries-card"]) is None
    # an id whose month does not fit its date (two months later) dates nothing
    odd = make_event(id="tic-jan-2025-data", date="2025-04-16", category="data-release")
    assert calc.release_month(odd) is None
    published = calc.publications([dt.date(2025, 2, 1), dt.date(2025, 7, 1)], events)
    assert published[dt.date(2025, 2, 1)] == calc.Publication(
        dt.date(2025, 2, 1), dt.date(2025, 4, 16), "tic-feb-2025-data"
    )
    approx = published[dt.date(2025, 7, 1)]
    assert approx.approximate and approx.published == dt.date(2025, 9, calc.APPROX_DAY)


def test_share_and_change():
    idx = pd.date_range("2024-01-01", periods=14, freq="MS")
    japan = pd.Series(range(100, 114), index=idx, dtype=float)
    total = pd.Series(1000.0, index=idx)
    assert calc.share(japan, total).iloc[0] == pytest.approx(10.0)
    change = calc.change_12m(japan)
    assert list(change.index) == list(idx[12:]) and list(change) == [12.0, 12.0]


def test_latest_before_is_strict():
    pubs = {
        dt.date(2025, 2, 1): calc.Publication(dt.date(2025, 2, 1), dt.date(2025, 4, 16), "x"),
        dt.date(2025, 3, 1): calc.Publication(dt.date(2025, 3, 1), dt.date(2025, 5, 16), "y"),
    }
    assert calc.latest_before(dt.date(2025, 5, 2), pubs).month == dt.date(2025, 2, 1)
    assert calc.latest_before(dt.date(2025, 5, 16), pubs).month == dt.date(2025, 2, 1)
    assert calc.latest_before(dt.date(2025, 1, 1), pubs) is None


def test_a_bad_vintage_is_reported_with_file_and_line():
    text = "- id: a\n  series: tic_japan\n  month: 2025-13x\n  value: -1\n  published: 2026-01-01\n"
    found, problems = yaml_list.entries(text, "t.yaml", "vintages", 10)
    good, problems = yaml_list.validate_entries(found, calc.TicVintage, "t.yaml", "vintage")
    assert not good
    assert any(p.startswith("t.yaml:1 a month:") for p in problems)
    assert any(p.startswith("t.yaml:1 a value:") for p in problems)
    assert any("first_release" in p for p in problems)


def test_a_vintage_without_a_copy_or_a_reporting_event_is_refused():
    text = (
        "- id: a\n  series: tic_japan\n  month: 2025-02\n  value: 1\n  published: 2025-04-16\n"
        "  first_release: true\n  document: the release\n  url: https://example.org/x\n"
    )
    found, _ = yaml_list.entries(text, "t.yaml", "vintages", 10)
    good, problems = yaml_list.validate_entries(found, calc.TicVintage, "t.yaml", "vintage")
    assert not good and any("reported_by" in p and p.startswith("t.yaml:1") for p in problems)


def test_a_reported_vintage_matches_its_event(events, vintages):
    """A first release with no stored copy is the figure its event's sources reported on release day: the event
    exists, is dated that day, and its summary prints the same figure."""
    by_id = {e.id: e for e in events}
    reported = [v for v in vintages if v.reported_by is not None]
    assert reported
    for vintage in reported:
        event = by_id[vintage.reported_by]
        assert event.date == vintage.published
        assert f"${vintage.value:,.1f}bn" in event.summary
        assert event.category == "data-release" and vintage.series in event.series


# -- words ------------------------------------------------------------------------------------------
def test_revision_verdict_says_only_what_is_stored(vintages):
    later = [v for v in vintages if v.month == "2025-02" and not v.first_release]
    assert "cannot be told" in words.revision_verdict(None, later, 1125.9)
    assert "disagree" in words.revision_verdict(None, later, 1130.0)
    first = later[0].model_copy(update={"first_release": True, "value": 1120.0})
    assert words.revision_verdict(first, [], 1125.9) == "Revisions since it was first published changed it by +$5.9bn."


# -- figure -----------------------------------------------------------------------------------------
def _data(events):
    load = {k: verify.read_newest(k) for k in ("tic_japan", "tic_china", "tic_uk", "tic_total", "foreign_debt")}
    record = verify.read_newest("mof_intervention")
    total = load["tic_total"].values
    lane = [e for e in events if e.category in ("treasury-leverage", "data-release")]
    return HoldingsData(
        holders={
            "Japan": load["tic_japan"].values,
            "China": load["tic_china"].values,
            "United Kingdom": load["tic_uk"].values,
        },
        total=total,
        published=calc.publications([t.date() for t in total.index], events),
        debt=load["foreign_debt"].values,
        interventions=record.values,
        intervention_ids={d.date(): f"{interventions.ID_PREFIX}{d:%Y-%m-%d}" for d in record.values.index},
        events=lane,
    )


@pytest.mark.parametrize("known", [False, True])
def test_figure_carries_frame_markers_and_escapes(events, known):
    data = _data(events)
    fig = build_holdings_figure(
        data,
        HoldingsView(known=known, since=2024, event="kato-treasuries-card"),
        title="<b>T</b>",
        subtitle="S",
        source_lines=["Source: <x>"],
        as_of="Data as of: TIC December 2025",
        compact=known,
    ).to_plotly_json()
    layout = fig["layout"]
    assert "&lt;b&gt;T&lt;/b&gt;" in layout["title"]["text"]
    footer = layout["annotations"][-1]["text"]
    assert "Source: &lt;x&gt;" in footer and "Data as of" in footer
    lane = [t for t in fig["data"] if t.get("yaxis") == "y5"]
    ids = {c[0] for t in lane for c in t["customdata"]}
    assert {"kato-treasuries-card", "tic-feb-2025-data"} <= ids
    assert layout["shapes"][0]["x0"] == dt.date(2025, 5, 2)
    japan = next(t for t in fig["data"] if t["name"] == "Japan")
    feb = list(japan["text"]).index(next(s for s in japan["text"] if "February 2025" in s))
    # known: February 2025 sits at its release (16 Apr 2025); otherwise at the end of February
    assert japan["x"][feb] == (dt.date(2025, 4, 16) if known else dt.date(2025, 2, 28))
    assert japan["y"][feb] == 1125.9
    if known:
        assert japan["marker"]["symbol"][feb] == "circle"
        assert "circle-open" in japan["marker"]["symbol"]  # approximate dates are drawn open
        assert not any(t["name"].startswith("Foreign-held federal debt") for t in fig["data"])
    bars = next(t for t in fig["data"] if t.get("yaxis") == "y6")
    assert all(c[0].startswith(interventions.ID_PREFIX) for c in bars["customdata"])


# -- done when: the Kato deep link's figures against the TIC files ----------------------------------
def test_kato_figures_match_the_stored_data_and_the_tic_files(events, vintages, samples):
    data = _data(events)
    kato = next(e for e in events if e.id == "kato-treasuries-card")
    latest = calc.latest_before(kato.date, dict(data.published))
    assert latest == calc.Publication(dt.date(2025, 2, 1), dt.date(2025, 4, 16), "tic-feb-2025-data")
    stored = float(data.holders["Japan"][pd.Timestamp(latest.month)])
    feb = [v for v in vintages if v.series == "tic_japan" and v.month == "2025-02"]
    (first,) = [v for v in feb if v.first_release]  # the release of 16 Apr 2025, as reported that day
    assert first.published == latest.published and first.reported_by == latest.event_id
    release = next(e for e in events if e.id == latest.event_id)
    lines = words.known_lines(kato, latest, release, stored, "2026-11-21", feb)
    text = " ".join(lines)
    assert words.NOT_STORED not in text
    assert f"First published: {words.bn(first.value)}" in text
    assert "16 Apr 2025" in text and "February 2025" in text
    assert "have not changed it" in text  # first release and today's figure agree
    # every other figure shown comes from the TIC history files: the stored one and each listed vintage
    for vintage in (v for v in feb if not v.first_release):
        body = (samples / SAMPLES[vintage.published]).read_bytes()
        printed = tic.parse_table(body, ["Japan"], vintage.document)["Japan"]
        assert printed[pd.Timestamp(vintage.data_month)] == vintage.value
        assert words.bn(vintage.value) in text
    assert words.bn(stored) in text
    history = tic.parse_table((samples / SAMPLES[dt.date(2026, 3, 18)]).read_bytes(), ["Japan"])["Japan"]
    assert history[pd.Timestamp("2025-02-01")] == stored


def test_latest_sentence_numbers_come_from_the_snapshot(events):
    data = _data(events)
    japan, total = data.holders["Japan"], data.total
    last = japan.index[-1]
    sentence = words.latest_sentence(
        last.date(),
        {"Japan": japan[last], "China": data.holders["China"][last]},
        japan[last] / total[last] * 100,
        japan[last] - japan[last - pd.DateOffset(years=1)],
        total[last],
    )
    manifest = json.loads((data_dir() / "market" / "manifest.json").read_text())
    assert manifest["series"]["tic_japan"]["last"] == f"{last:%Y-%m-%d}"
    assert words.bn(japan[last]) in sentence and f"{japan[last] / total[last] * 100:.1f}%" in sentence
