"""The Data and sources page's table of series, as rows with reader-facing names (pure; no Streamlit): the
columns a reader checks first (what, where from, its licence, how fresh, whether it is stored and checked),
then the rest, and the same facts as lines for a phone, where a table of twelve columns cannot fit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import pandas as pd

from usjp.catalog import SeriesSpec
from usjp.figures import credits

# In order. A 1440 px window has a column of about 980 px: these fit in it (usjp.ui.sources sets the widths).
FIRST = ("Series", "Source", "Link", "Through", "Licence", "Stored in", "Check", "From")
# Then, one scroll (or tap) away: how much, how often, when fetched, and the key the links and the CLI use.
REST = ("Rows", "Frequency", "Retrieved", "Key")
COLUMNS = FIRST + REST


class StoredCopy(Protocol):
    """What the table needs of a stored series (usjp.data.store.StoredSeries has it)."""

    @property
    def values(self) -> pd.Series: ...
    @property
    def store(self) -> str: ...
    @property
    def last_date(self) -> dt.date: ...
    @property
    def retrieved(self) -> str: ...


def licence_short(spec: SeriesSpec) -> str:
    """The licence in a few words for the table ('Public domain', 'CC BY 4.0'); the full terms are in the
    row's details and in "How to cite". Raises for terms it does not know, so a new licence gets its words."""
    text = spec.license
    if not spec.redistributable:
        return "Licensed, not bundled"
    if text.startswith("Public domain"):
        return "Public domain"
    if text.startswith("CC BY 4.0"):
        return "CC BY 4.0"
    if "free to use with the source cited" in text:
        return "Free with citation"
    raise ValueError(f"no short form for the licence of {spec.key!r}: {text!r}")


def stored_in(spec: SeriesSpec, item: StoredCopy | None, rejected: Sequence) -> str:
    """Where the copy shown comes from ('snapshot', 'cache'), or why there is none."""
    if item is not None:
        return item.store
    if rejected:
        return "unavailable"  # the Check column says why
    return "not stored"  # licensed data (live or local import only), or not fetched yet


def why_not_stored(spec: SeriesSpec, rejected: Sequence) -> str:
    """The longer reason, for the row's details."""
    if rejected:
        return "unavailable (failed its check)"
    return "not stored (live or local import only)" if not spec.redistributable else "not stored"


def series_row(spec: SeriesSpec, item: StoredCopy | None, rejected: Sequence) -> dict:
    """One series' row, its columns in COLUMNS order."""
    row = {
        "Series": spec.label,
        "Source": spec.citation,
        "Link": spec.url,
        "Through": item.last_date if item else None,
        "Licence": licence_short(spec),
        "Stored in": stored_in(spec, item, rejected),
        "Check": credits.check_summary(rejected),
        "From": item.values.index[0].date() if item else None,
        "Rows": len(item.values) if item else 0,
        "Frequency": spec.frequency,
        "Retrieved": item.retrieved if item else "",
        "Key": spec.key,
    }
    return {name: row[name] for name in COLUMNS}


def card(spec: SeriesSpec, row: dict, rejected: Sequence) -> tuple[str, list[str], list[str]]:
    """A row as a phone shows it: the series' name, the lines always shown (source and licence; coverage,
    storage and check) and the details one tap away (plain text: the page escapes it)."""
    span = f"{row['From']:%Y-%m-%d} to {row['Through']:%Y-%m-%d}" if row["From"] and row["Through"] else "no data"
    stored = row["Stored in"] if row["Stored in"] in ("snapshot", "cache") else why_not_stored(spec, rejected)
    shown = [f"{row['Source']} · {row['Licence']}", f"{span} · {stored} · check {row['Check']}"]
    details = [
        f"Rows: {row['Rows']:,}",
        f"Frequency: {row['Frequency']}",
        f"Retrieved: {row['Retrieved'] or 'never'}",
        f"Key: {row['Key']}",
        f"Licence: {spec.license}",
    ]
    return row["Series"], shown, details
