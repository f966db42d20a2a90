"""Intervention days become timeline events from the data, merged with (never duplicating) curated fx events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.builders import make_event
from usjp import catalog
from usjp.data.interventions import MINISTRY, intervention_days, intervention_events, yen_amount
from usjp.data.sources import mof
from usjp.events import MAX_SOURCES

RECORD = Path(__file__).resolve().parents[1] / "fixtures" / "raw" / "mof_fx_intervention.csv"


@pytest.fixture(scope="module")
def record() -> pd.Series:
    """The signed daily series of the real record (tests/fixtures/raw), ¥100 million, + yen bought."""
    return mof.read_record(RECORD).values.rename("mof_intervention")


def fx_event(day: str, **overrides):
    """A curated currency event on `day` (a valid event, with only what the test is about changed)."""
    return make_event(id=f"curated-{day}", date=day, category="fx", series=["usdjpy"], **overrides)


def generated(events):
    return [e for e in events if e.id.startswith("mof-intervention-")]


def by_id(events):
    return {e.id: e for e in events}


def test_every_intervention_day_becomes_one_event(record):
    events = intervention_events(record, [])
    assert len(events) == len(record) == 363
    assert [e.date for e in events] == [d.date() for d in record.index]
    assert len({e.id for e in events}) == len(events)
    for event, (day, value) in zip(events, record.items(), strict=True):
        assert event.id == f"mof-intervention-{day:%Y-%m-%d}"
        assert (event.category, event.status, event.series) == ("fx", "confirmed", ("usdjpy",))
        assert event.importance == (2 if abs(value) >= 10_000 else 1)
        (source,) = event.sources
        assert (source.publisher, source.kind, source.url) == (
            "Ministry of Finance, Japan",
            "official",
            catalog.MOF_FEIO_URL,
        )
        assert source.title is None and source.description
        assert f"{day.day} {day:%B %Y}" in event.title and f"{day.day} {day:%B %Y}" in event.summary


def test_notable_days_are_the_days_of_a_trillion_yen_or_more(record):
    notable = {e.date for e in intervention_events(record, []) if e.importance == 2}
    assert notable == {d.date() for d, v in record.items() if abs(v) >= 10_000}
    assert dt.date(2022, 10, 21) in notable and dt.date(2022, 10, 24) not in notable


@pytest.mark.parametrize(
    "day,words,exact,direction",
    [
        ("2022-10-21", "buys ¥5.62 trn of yen to support it", "bought ¥5,620.2 bn of yen", "yen_buying"),
        ("2022-10-24", "buys ¥729.6 bn of yen to support it", "bought ¥729.6 bn of yen", "yen_buying"),
        ("2024-04-29", "buys ¥5.92 trn of yen to support it", "bought ¥5,918.5 bn of yen", "yen_buying"),
        ("2011-10-31", "sells ¥8.07 trn of yen to hold it down", "sold ¥8,072.2 bn of yen", "yen_selling"),
        ("1999-06-21", "sells ¥1.03 trn of yen to hold it down", "sold ¥1,028.9 bn of yen", "yen_selling"),
        ("1997-12-17", "buys ¥280.4 bn of yen to support it", "bought ¥280.4 bn of yen", "yen_buying"),
        ("1998-04-10", "buys ¥2.62 trn of yen to support it", "bought ¥2,620.1 bn of yen", "yen_buying"),
    ],
)
def test_title_and_summary_give_the_amount_and_the_direction(record, day, words, exact, direction):
    event = by_id(intervention_events(record, []))[f"mof-intervention-{day}"]
    assert words in event.title and exact in event.summary
    assert direction == ("yen_buying" if record.loc[day] > 0 else "yen_selling")


def test_amounts_in_words():
    assert yen_amount(Decimal(56202)) == "¥5.62 trn"
    assert yen_amount(Decimal(7296)) == "¥729.6 bn"
    assert yen_amount(Decimal(1)) == "¥0.1 bn"
    assert yen_amount(Decimal(9999)) == "¥999.9 bn"
    assert yen_amount(Decimal(10_000)) == "¥1.00 trn"
    assert yen_amount(Decimal(10_250)) == "¥1.03 trn"  # half up, as a reader rounds


def test_the_text_is_plain(record):
    for event in intervention_events(record, []):
        for text in (event.title, event.summary, event.timing_note or "", *(s.name for s in event.sources)):
            assert "<" not in text and ">" not in text and "*" not in text and "[" not in text, event.id


def test_a_curated_fx_event_on_the_day_takes_the_ministrys_source_instead_of_a_new_event(record):
    curated = fx_event("2022-09-22")
    events = intervention_events(record, [curated])
    assert len(events) == len(record)  # 362 generated + the curated one
    assert "mof-intervention-2022-09-22" not in by_id(events)
    merged = by_id(events)["curated-2022-09-22"]
    assert merged.sources == (*curated.sources, MINISTRY)
    assert merged.model_dump(exclude={"sources"}) == curated.model_dump(exclude={"sources"})
    assert len(generated(events)) == len(record) - 1


def test_a_curated_event_of_another_category_on_the_day_is_left_alone(record):
    curated = make_event(id="boj-day", date="2022-09-22", category="monetary-policy", series=["usdjpy"])
    events = by_id(intervention_events(record, [curated]))
    assert events["boj-day"] == curated
    assert "mof-intervention-2022-09-22" in events


def test_a_curated_period_counts_only_on_its_first_day(record):
    """The 2026 record month (Apr 28 to May 27): its days of operations keep their own events."""
    span = fx_event("2026-04-28", end="2026-05-27")
    events = by_id(intervention_events(record, [span]))
    assert events["curated-2026-04-28"] == span  # no operation on the 28th: nothing added
    for day in ("2026-04-30", "2026-05-04", "2026-05-06"):
        assert f"mof-intervention-{day}" in events
    starting = fx_event("2026-04-30", end="2026-05-27")
    events = by_id(intervention_events(record, [starting]))
    assert "mof-intervention-2026-04-30" not in events and "mof-intervention-2026-05-04" in events
    assert events["curated-2026-04-30"].sources[-1] == MINISTRY


def test_the_ministry_is_not_cited_twice_and_twenty_sources_stay_twenty(record):
    cites = fx_event("2024-04-29", sources=[MINISTRY.model_dump(exclude_none=True)])
    full = fx_event(
        "2024-05-01",
        sources=[{"publisher": "Pub", "title": f"T{i}", "url": f"https://example.org/{i}"} for i in range(MAX_SOURCES)],
    )
    events = by_id(intervention_events(record, [cites, full]))
    assert events["curated-2024-04-29"] == cites
    assert events["curated-2024-05-01"] == full and len(full.sources) == MAX_SOURCES
    assert "mof-intervention-2024-04-29" not in events and "mof-intervention-2024-05-01" not in events


def test_a_curated_event_with_the_generated_id_stands_for_the_day(record):
    curated = make_event(id="mof-intervention-2022-10-21", date="2022-10-21", category="politics", series=["usdjpy"])
    events = intervention_events(record, [curated])
    assert [e for e in events if e.id == curated.id] == [curated]
    assert len(events) == len(record)


def test_curated_and_generated_together_are_sorted_and_unique(record):
    curated = [fx_event("2022-10-21"), make_event(id="a-late-one", date="2025-04-02"), fx_event("1990-01-02")]
    events = intervention_events(record, curated)
    assert len(events) == len(record) + 2  # one day merged, two curated events added
    assert events == sorted(events, key=lambda e: (e.date, e.id))
    assert len({e.id for e in events}) == len(events)
    assert events[0].id == "curated-1990-01-02"


def test_intervention_days_for_a_yen_page(record):
    days = intervention_days(record)
    assert list(days.columns) == ["date", "amount_100m_yen", "direction"]
    assert len(days) == 363 and (days["amount_100m_yen"] > 0).all()
    row = days[days["date"] == "2011-10-31"].iloc[0]
    assert (row["amount_100m_yen"], row["direction"]) == (80722, "yen_selling")
    assert set(days["direction"]) == {"yen_buying", "yen_selling"}
    assert (days["direction"] == "yen_buying").sum() == (record > 0).sum()


def test_a_zero_amount_has_no_direction_and_is_refused():
    values = pd.Series([100.0, 0.0], index=pd.DatetimeIndex(["2022-09-22", "2022-10-21"], name="date"))
    with pytest.raises(ValueError, match="zero amount on 2022-10-21"):
        intervention_events(values, [])
