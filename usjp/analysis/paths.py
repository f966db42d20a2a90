"""Aligned event paths: every event of one kind on one series around t0, their mean, and a placebo band
(the same mean for randomly drawn non-event dates)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from usjp.analysis.event_window import PreparedSeries
from usjp.analysis.windows import PATH_AFTER, PATH_BEFORE, PLACEBO_DRAWS, PLACEBO_MARGIN, PLACEBO_SEED
from usjp.catalog import SeriesSpec
from usjp.events import Event


@dataclass(frozen=True)
class AlignedPaths:
    series: str
    unit: str
    offsets: tuple[int, ...]
    paths: pd.DataFrame  # index = offsets, one column per event id (NaN where the data ends)
    mean: pd.Series
    band_low: pd.Series | None  # placebo 5th percentile of the mean path, per offset
    band_high: pd.Series | None
    draws: int
    seed: int
    candidates: int  # non-event dates the placebo draws from
    period: tuple[dt.date, dt.date] | None
    skipped: tuple[str, ...]  # events without a full baseline in the data
    reasons: Mapping[str, str] = field(default_factory=dict)


def _path_matrix(p: PreparedSeries, t0s: np.ndarray, before: int, after: int) -> np.ndarray:
    """Rows: paths x[t0+k] rebased to 0 at x[t0-1], k = -before..after (NaN outside the data)."""
    offsets = np.arange(-before, after + 1)
    idx = t0s[:, None] + offsets[None, :]
    inside = (idx >= 0) & (idx < len(p.x))
    levels = np.where(inside, p.x[np.clip(idx, 0, len(p.x) - 1)], np.nan)
    base = p.x[t0s - 1][:, None]
    if p.spec.change_unit == "bp":
        return (levels - base) * 100.0
    return (levels / base - 1.0) * 100.0


def aligned_paths(
    spec: SeriesSpec,
    values: pd.Series,
    chosen: Sequence[Event],
    all_events: Sequence[Event],
    *,
    before: int = PATH_BEFORE,
    after: int = PATH_AFTER,
    draws: int = PLACEBO_DRAWS,
    seed: int = PLACEBO_SEED,
    margin: int = PLACEBO_MARGIN,
    low: float = 5.0,
    high: float = 95.0,
) -> AlignedPaths:
    """Each chosen event's path around t0, rebased to 0 at the baseline; their mean; a placebo band.

    Placebo: `draws` times, pick as many non-event dates as there are events (without repeats) from
    `margin` observations before the first event to `margin` after the last, average their paths the
    same way; the band is the low-high percentile of those mean paths at each offset.
    """
    if not spec.analysable:
        raise ValueError(f"{spec.key} is not a price or a level: no aligned paths")
    p = PreparedSeries(spec, values, all_events)
    offsets = tuple(range(-before, after + 1))
    index = pd.Index(offsets, name="offset")
    kept, skipped = [], []
    for event in chosen:
        t0 = p.t0_of.get(event.id)
        if t0 is None or t0 - before < 0:
            skipped.append(event.id)
        else:
            kept.append((event.id, t0))
    reasons: dict[str, str] = {}
    if not kept:
        empty = pd.DataFrame(index=index)
        return AlignedPaths(
            series=spec.key,
            unit=spec.change_unit,
            offsets=offsets,
            paths=empty,
            mean=pd.Series(np.nan, index=empty.index),
            band_low=None,
            band_high=None,
            draws=0,
            seed=seed,
            candidates=0,
            period=None,
            skipped=tuple(skipped),
            reasons={"paths": "no chosen event falls inside the data"},
        )
    t0s = np.array([t for _, t in kept])
    matrix = _path_matrix(p, t0s, before, after)
    paths = pd.DataFrame(matrix.T, index=index, columns=[i for i, _ in kept])
    with warnings.catch_warnings():  # an offset past the end of the data for every event is simply NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = pd.Series(np.nanmean(matrix, axis=0), index=paths.index, name="mean")

    pool, period = _placebo_pool(p, t0s, before, after, margin)
    band_low = band_high = None
    if len(pool) < len(kept):
        reasons["placebo"] = f"only {len(pool)} non-event dates in the period, fewer than the {len(kept)} events"
        draws = 0
    else:
        band_low, band_high = _placebo_band(
            p, pool, paths, before=before, after=after, draws=draws, seed=seed, low=low, high=high
        )
    return AlignedPaths(
        series=spec.key,
        unit=spec.change_unit,
        offsets=offsets,
        paths=paths,
        mean=mean,
        band_low=band_low,
        band_high=band_high,
        draws=draws,
        seed=seed,
        candidates=len(pool),
        period=period,
        skipped=tuple(skipped),
        reasons=reasons,
    )


def _placebo_pool(
    p: PreparedSeries, t0s: np.ndarray, before: int, after: int, margin: int
) -> tuple[np.ndarray, tuple[dt.date, dt.date] | None]:
    """Observations that are no event's t0, from `margin` before the first event to `margin` after the
    last (kept where a whole path fits in the data), and the period they span."""
    lo_i = max(int(t0s.min()) - margin, before)
    hi_i = min(int(t0s.max()) + margin, len(p.x) - 1 - after)
    event_t0s = {t for t in p.t0_of.values() if t is not None}
    pool = np.array([i for i in range(lo_i, hi_i + 1) if i not in event_t0s], dtype=int)
    period = (p.day(lo_i), p.day(hi_i)) if hi_i >= lo_i else None
    return pool, period


def _placebo_band(
    p: PreparedSeries,
    pool: np.ndarray,
    paths: pd.DataFrame,
    *,
    before: int,
    after: int,
    draws: int,
    seed: int,
    low: float,
    high: float,
) -> tuple[pd.Series, pd.Series]:
    """The low and high percentiles, per offset of `paths`, of `draws` mean paths of as many dates,
    drawn from `pool` without repeats, as `paths` has events."""
    rng = np.random.default_rng(seed)
    pool_paths = _path_matrix(p, pool, before, after)
    picks = np.stack([rng.choice(len(pool), size=paths.shape[1], replace=False) for _ in range(draws)])
    means = pool_paths[picks].mean(axis=1)  # draws x offsets
    band_low = pd.Series(np.percentile(means, low, axis=0), index=paths.index, name="low")
    band_high = pd.Series(np.percentile(means, high, axis=0), index=paths.index, name="high")
    return band_low, band_high
