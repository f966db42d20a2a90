"""The one shape every live source returns: float values on a strictly increasing, tz-naive
DatetimeIndex named "date", no missing values. Anything else is a BadPayload with a reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from usjp.data.sources.net import BadPayload


def tidy(values: pd.Series, name: str, what: str) -> pd.Series:
    """`values` checked and normalised; `what` names the source in messages ("FRED DGS10")."""
    if values is None or len(values) == 0:
        raise BadPayload(f"{what}: no observations in the answer")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(values.index))
    except (ValueError, TypeError) as exc:
        raise BadPayload(f"{what}: dates cannot be read ({exc})") from None
    if index.tz is not None:
        # Daily bars are stamped with the exchange's own calendar date, whatever the offset.
        index = index.tz_localize(None)
    if not (index == index.normalize()).all():
        raise BadPayload(f"{what}: timestamps carry a time of day; only daily or coarser data is stored")
    raw = pd.Series(np.asarray(values), index=index)
    numbers = pd.to_numeric(raw, errors="coerce")
    garbage = numbers.isna() & raw.notna()
    if garbage.any():
        raise BadPayload(f"{what}: value {raw[garbage].iloc[0]!r} on {garbage.idxmax():%Y-%m-%d} is not a number")
    numbers = numbers.dropna().astype("float64")
    if numbers.empty:
        raise BadPayload(f"{what}: every observation is missing")
    if not np.isfinite(numbers.to_numpy()).all():
        raise BadPayload(f"{what}: infinite values in the answer")
    stamps = numbers.index
    steps = stamps[1:] <= stamps[:-1]
    if steps.any():
        at = int(np.argmax(steps)) + 1
        kind = "duplicate date" if stamps[at] == stamps[at - 1] else "dates out of order"
        raise BadPayload(f"{what}: {kind} at {stamps[at]:%Y-%m-%d} (after {stamps[at - 1]:%Y-%m-%d})")
    numbers.index = pd.DatetimeIndex(stamps, name="date")
    return numbers.rename(name)
