"""Checks on freshly fetched data before anything is stored: plausible values for each series, and
how the new data compares with what is already stored (new rows, revisions, gaps)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from usjp import catalog

MAX_REVISED_SHARE = 0.02  # more revised values than this share of the overlap: refuse, ask the user
MAX_MISSING_SHARE = 0.02  # stored dates inside the fetched span that the new data lacks


class Refused(ValueError):
    """The fetched data is well-formed but not trustworthy enough to store without a person looking."""


@dataclass(frozen=True)
class Comparison:
    """New data against what is stored: counts by kind, and the merged series to store."""

    new: int  # dates the store did not have
    revised: int  # stored dates whose value changed
    unchanged: int  # stored dates with the same value
    missing: int  # stored dates inside the fetched span that the new data lacks
    merged: pd.Series  # stored values overlaid with the new ones

    @property
    def overlap(self) -> int:
        return self.revised + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.new or self.revised)


def check_plausible(key: str, values: pd.Series) -> None:
    """Raise Refused when any value lies outside the series' plausible range."""
    low, high = catalog.get(key).plausible
    bad = values[(values < low) | (values > high)]
    if len(bad):
        raise Refused(
            f"{len(bad)} value(s) outside the plausible range {low:g}..{high:g} for {key}, "
            f"e.g. {bad.iloc[0]:g} on {bad.index[0]:%Y-%m-%d}"
        )


def compare(stored: pd.Series | None, new: pd.Series) -> Comparison:
    """How `new` relates to `stored`; `merged` keeps every stored date and takes every new value."""
    if stored is None or stored.empty:
        return Comparison(new=len(new), revised=0, unchanged=0, missing=0, merged=new.copy())
    common = stored.index.intersection(new.index)
    old_values = stored.loc[common].to_numpy()
    new_values = new.loc[common].to_numpy()
    same = np.isclose(old_values, new_values, rtol=1e-9, atol=1e-12)
    inside = stored.index[(stored.index >= new.index[0]) & (stored.index <= new.index[-1])]
    merged = new.combine_first(stored).astype("float64")
    merged.index.name = "date"
    return Comparison(
        new=len(new.index.difference(stored.index)),
        revised=int((~same).sum()),
        unchanged=int(same.sum()),
        missing=len(inside.difference(new.index)),
        merged=merged.rename(new.name),
    )


def check_against_stored(
    key: str, stored: pd.Series | None, new: pd.Series, accept_revisions: bool = False
) -> Comparison:
    """Compare, and raise Refused for a partial answer or (unless accepted) many revisions."""
    check_plausible(key, new)
    result = compare(stored, new)
    if stored is None or stored.empty:
        return result
    if new.index[-1] < stored.index[-1]:
        raise Refused(
            f"the answer ends on {new.index[-1]:%Y-%m-%d}, before the stored data ({stored.index[-1]:%Y-%m-%d}): "
            "a partial or stale answer"
        )
    inside = int(((stored.index >= new.index[0]) & (stored.index <= new.index[-1])).sum())
    if inside and result.missing > MAX_MISSING_SHARE * inside:
        raise Refused(f"the answer lacks {result.missing} of the {inside} stored dates it spans: a partial answer")
    if not accept_revisions and result.overlap and result.revised > MAX_REVISED_SHARE * result.overlap:
        raise Refused(
            f"{result.revised} of {result.overlap} stored values would change "
            f"({100 * result.revised / result.overlap:.1f}% > {100 * MAX_REVISED_SHARE:g}%): not taken; "
            "check the source and rerun with --accept-revisions to take them"
        )
    return result
