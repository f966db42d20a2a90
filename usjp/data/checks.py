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
    """Raise Refused when any value is not a finite number or lies outside the series' plausible range."""
    numbers = values.to_numpy(dtype="float64")
    if not np.isfinite(numbers).all():
        bad = values[~np.isfinite(numbers)]
        raise Refused(
            f"{len(bad)} value(s) that are not finite numbers for {key}, "
            f"e.g. {bad.iloc[0]:g} on {bad.index[0]:%Y-%m-%d}"
        )
    low, high = catalog.get(key).plausible
    bad = values[(values < low) | (values > high)]
    if len(bad):
        raise Refused(
            f"{len(bad)} value(s) outside the plausible range {low:g}..{high:g} for {key}, "
            f"e.g. {bad.iloc[0]:g} on {bad.index[0]:%Y-%m-%d}"
        )


def missing_share(key: str) -> float:
    """The share of the stored dates inside a new copy's span that it may lack. A market series may lack a
    few (MAX_MISSING_SHARE: a source drops a holiday now and then). A record of operations may lack none:
    each stored date is an operation that was carried out, and only the days between operations, which
    are not data and never stored, may be absent from it."""
    return 0.0 if catalog.get(key).records_operations else MAX_MISSING_SHARE


def history_shrink(reference: pd.Index, candidate: pd.Index, share: float = MAX_MISSING_SHARE) -> str | None:
    """Why a copy with dates `candidate` would hide history that a copy with dates `reference` holds
    (both sorted): it starts later, it ends earlier, or it lacks more than `share` of the reference's
    dates (`missing_share` of the series). None when it keeps the history. Keeps a local copy from hiding
    the bundled snapshot's history (usjp/data/store.py); a refresh merges over the stored data, so its copy
    never shrinks, and a partial answer is refused by `check_against_stored` on the same threshold."""
    if not len(candidate):
        return "it holds no dates"
    if not len(reference):
        return None
    if candidate[0] > reference[0]:
        return f"it starts on {candidate[0]:%Y-%m-%d}, the bundled copy on {reference[0]:%Y-%m-%d}"
    if candidate[-1] < reference[-1]:
        return f"it ends on {candidate[-1]:%Y-%m-%d}, the bundled copy on {reference[-1]:%Y-%m-%d}"
    ours, theirs = reference.to_numpy(), candidate.to_numpy()
    at = np.searchsorted(theirs, ours)
    found = at < len(theirs)
    found[found] = theirs[at[found]] == ours[found]
    missing = int((~found).sum())
    if missing > share * len(ours):
        return (
            f"it lacks {missing} of the {len(ours)} dates the bundled copy has from {reference[0]:%Y-%m-%d} to "
            f"{reference[-1]:%Y-%m-%d} (at most {100 * share:g}% may be missing)"
        )
    return None


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
    if inside and result.missing > missing_share(key) * inside:
        raise Refused(f"the answer lacks {result.missing} of the {inside} stored dates it spans: a partial answer")
    if not accept_revisions and result.overlap and result.revised > MAX_REVISED_SHARE * result.overlap:
        raise Refused(
            f"{result.revised} of {result.overlap} stored values would change "
            f"({100 * result.revised / result.overlap:.1f}% > {100 * MAX_REVISED_SHARE:g}%): not taken; "
            "check the source and rerun with --accept-revisions to take them"
        )
    return result
