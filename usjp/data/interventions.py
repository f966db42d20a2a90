"""Japan's intervention days as timeline events, generated from the ministry's record and merged with ours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from usjp import catalog
from usjp.events import MAX_SOURCES, Event, Source

ID_PREFIX = "mof-intervention-"
# Days of at least ¥1 trn (10,000 × ¥100 million) are notable (importance 2); the rest are importance 1.
NOTABLE_100M_YEN = 10_000
SERIES = ("usdjpy",)  # where the generated events show
BOUGHT, SOLD = "yen_buying", "yen_selling"

MINISTRY = Source(
    publisher=catalog.MOF,
    # The ministry's page title is not in PROVENANCE.md, so ours describes it rather than quoting it.
    description="Ministry of Finance, Japan: Foreign Exchange Intervention Operations, daily record (CSV)",
    url=catalog.MOF_FEIO_URL,
    kind="official",
)


def intervention_days(values: pd.Series) -> pd.DataFrame:
    """One row per intervention day: `date`, `amount_100m_yen` (positive, as the ministry gives it) and
    `direction` (yen_buying or yen_selling), from the signed series (+ yen bought, ¥100 million)."""
    signed = _checked(values)
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(signed.index).normalize(),
            "amount_100m_yen": signed.abs().to_numpy(),
            "direction": [BOUGHT if v > 0 else SOLD for v in signed],
        }
    )


def intervention_events(values: pd.Series, curated: Sequence[Event]) -> list[Event]:
    """`curated` plus one `fx` event per intervention day in `values`, sorted by (date, id).

    Merged, not duplicated: a day that a curated fx event is dated on (its `date`, whether or not it
    has an `end`) gets no generated event; that curated event comes back with the ministry's table added
    to its sources instead (unless it cites it already or has MAX_SOURCES). Days inside a curated
    event's date..end period, other than its `date`, do get their own event: a period (a month of
    interventions, say) does not name each day's operation, and the day's amount would be lost. A
    curated event that already has a day's generated id also stands for that day.
    """
    days = intervention_days(values)
    fx_days = {e.date for e in curated if e.category == "fx"}
    taken = {e.id for e in curated}
    intervened = {stamp.date() for stamp in days["date"]}
    out = [_with_ministry(e) if e.category == "fx" and e.date in intervened else e for e in curated]
    for row in days.itertuples(index=False):
        day = row.date.date()
        if day not in fx_days and f"{ID_PREFIX}{day:%Y-%m-%d}" not in taken:
            out.append(_event(day, Decimal(str(row.amount_100m_yen)), row.direction))
    return sorted(out, key=lambda e: (e.date, e.id))


def yen_amount(amount_100m_yen: Decimal) -> str:
    """An amount of ¥100 million units in words: ¥1 trn and more in trillions to two decimals ("¥5.62 trn"),
    less in billions to the exact tenth ("¥729.6 bn"; ¥100 million = ¥0.1 bn)."""
    billions = amount_100m_yen / 10
    if amount_100m_yen >= NOTABLE_100M_YEN:
        return f"¥{(billions / 1000).quantize(Decimal('0.01'), ROUND_HALF_UP):,} trn"
    return f"¥{billions.quantize(Decimal('0.1'), ROUND_HALF_UP):,} bn"


def _checked(values: pd.Series) -> pd.Series:
    """The days with a value, refusing a value that has no direction (zero) or is not a number."""
    signed = pd.to_numeric(values, errors="raise").astype("float64").dropna()
    if (signed == 0).any():
        day = signed.index[signed == 0][0]
        raise ValueError(f"intervention record: a zero amount on {day:%Y-%m-%d} has no direction")
    return signed


def _with_ministry(event: Event) -> Event:
    if len(event.sources) >= MAX_SOURCES or any(s.url == MINISTRY.url for s in event.sources):
        return event
    return event.model_copy(update={"sources": (*event.sources, MINISTRY)})


def _event(day: dt.date, amount: Decimal, direction: str) -> Event:
    words = yen_amount(amount)
    exact = f"¥{(amount / 10).quantize(Decimal('0.1'), ROUND_HALF_UP):,} bn"
    when = f"{day.day} {day:%B %Y}"
    if direction == BOUGHT:
        title = f"Japan buys {words} of yen to support it ({when})"
        label = f"Japan buys yen: {words}"
        did = f"bought {exact} of yen, selling foreign currency, to support the yen"
    else:
        title = f"Japan sells {words} of yen to hold it down ({when})"
        label = f"Japan sells yen: {words}"
        did = f"sold {exact} of yen for foreign currency to hold the yen down"
    summary = (
        f"On {when} Japan's Ministry of Finance intervened in the currency market: it {did}. "
        "The Bank of Japan carries out the operations as the ministry's agent; the figure is the day's net "
        "amount in the ministry's published record."
    )
    return Event(
        id=f"{ID_PREFIX}{day:%Y-%m-%d}",
        date=day,
        title=title,
        label=label,
        summary=summary,
        category="fx",
        importance=2 if amount >= NOTABLE_100M_YEN else 1,
        actors=("Ministry of Finance, Japan", "Bank of Japan"),
        series=SERIES,
        status="confirmed",
        timing_note="Dated as the ministry dates it (the Japan calendar day); the record gives no time of day.",
        sources=(MINISTRY,),
    )
