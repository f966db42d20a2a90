"""Properties of the event-window statistics that must hold for any series (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import Window, event_stats

WINDOWS = (Window(0, 0), Window(0, 1), Window(0, 5), Window(-1, 10), Window(2, 4))
UST10Y, USDJPY = catalog.get("ust10y"), catalog.get("usdjpy")
N = 1300  # enough history before t0 for sigma (250) and the percentile (1,260)


def random_walk(seed: int, start: float, scale: float, n: int = N + 20) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start + np.cumsum(rng.normal(0.0, scale, n))


def stats_at(levels: np.ndarray, spec, position: int) -> analysis.EventStats:
    values = business_series(levels, end="2025-06-30")
    event = make_event(id="e", date=values.index[position].date())
    return event_stats(event, spec, values, WINDOWS)


def complete(result: analysis.EventStats) -> tuple[analysis.WindowStats, ...]:
    """The windows, each with every statistic defined: at these positions every window lies inside the
    data with enough history before it, so no property below can pass on a missing number."""
    assert result.sigma is not None and result.sigma > 0, result.reasons
    for w in result.windows:
        assert None not in (w.change, w.z, w.percentile), (w.window, dict(w.reasons))
    return result.windows


# Every window (the widest ends at t+10) fits in the N + 20 sessions, with the percentile's 1,260
# observations before it.
positions = st.integers(min_value=N - 40, max_value=N + 8)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shift=st.floats(-3.0, 3.0, allow_nan=False), position=positions)
def test_adding_a_constant_to_a_yield_leaves_changes_and_z_unchanged(seed, shift, position):
    levels = np.round(random_walk(seed, 4.0, 0.05), 2)
    base, shifted = stats_at(levels, UST10Y, position), stats_at(levels + shift, UST10Y, position)
    assert shifted.sigma == pytest.approx(base.sigma, rel=1e-6, abs=1e-6)
    for a, b in zip(complete(base), complete(shifted), strict=True):
        assert b.change == pytest.approx(a.change, abs=1e-6)
        assert b.z == pytest.approx(a.z, rel=1e-6, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), factor=st.floats(0.01, 100.0), position=positions)
def test_scaling_a_price_leaves_percent_changes_unchanged(seed, factor, position):
    levels = 140.0 * np.exp(random_walk(seed, 0.0, 0.006))
    base, scaled = stats_at(levels, USDJPY, position), stats_at(levels * factor, USDJPY, position)
    assert scaled.sigma == pytest.approx(base.sigma, rel=1e-6)
    for a, b in zip(complete(base), complete(scaled), strict=True):
        assert b.change == pytest.approx(a.change, rel=1e-6, abs=1e-6)
        assert b.z == pytest.approx(a.z, rel=1e-6, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), position=positions, percent=st.booleans(), ticks=st.booleans())
def test_percentile_is_between_0_and_100(seed, position, percent, ticks):
    levels = random_walk(seed, 100.0 if percent else 2.0, 0.5 if percent else 0.03)
    if ticks:  # yields quoted to 0.01: many ties
        levels = np.round(levels, 2)
    for w in complete(stats_at(levels, USDJPY if percent else UST10Y, position)):
        assert 0.0 <= w.percentile <= 100.0
        assert np.sign(w.z) == np.sign(w.change)
