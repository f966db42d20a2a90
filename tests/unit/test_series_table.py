"""The Data and sources table's rows and words (usjp.figures.series_table), and the scoreboard's non-colour cue
for unusual moves (usjp.figures.tables.unusual)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest

from tests.builders import business_series, make_event
from usjp import analysis, catalog
from usjp.figures import series_table, tables


@dataclass(frozen=True)
class Copy:
    """A stored copy as the table reads it (usjp.data.store.StoredSeries has these)."""

    values: pd.Series
    store: str = "snapshot"
    retrieved: str = "2026-11-21"

    @property
    def last_date(self) -> dt.date:
        return self.values.index[-1].date()


@dataclass(frozen=True)
class Rejected:
    store: str
    reason: str


COPY = Copy(pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2010-01-04", "2010-01-05", "2026-10-08"])))


# -- the series table -------------------------------------------------------------------------------------
def test_every_series_has_a_licence_in_a_few_words_that_matches_its_terms():
    for spec in catalog.SERIES:
        short = series_table.licence_short(spec)
        assert len(short) <= 22, short  # fits the Licence column (140 px)
        assert (short == "Licensed, not bundled") == (not spec.redistributable), spec.key
        assert short.split(",")[0].lower() in spec.license.lower() or short == "Free with citation", spec.key


def test_a_licence_without_words_is_refused_not_shown_wrong():
    odd = replace(catalog.get("ust10y"), license="Some new terms")
    with pytest.raises(ValueError, match="no short form"):
        series_table.licence_short(odd)


def test_table_columns_a_reader_checks_first_come_first():
    spec = catalog.get("ust10y")
    row = series_table.series_row(spec, COPY, ())
    assert tuple(row) == series_table.COLUMNS
    assert series_table.COLUMNS[:4] == ("Series", "Source", "Link", "Through")
    assert row["Through"] == dt.date(2026, 10, 8) and row["From"] == dt.date(2010, 1, 4) and row["Rows"] == 3
    assert row["Licence"] == "Public domain" and row["Stored in"] == "snapshot" and row["Check"] == "ok"


@pytest.mark.parametrize(
    ("key", "copy", "rejected", "stored", "line"),
    [
        ("nikkei225", None, (), "not stored", "no data · not stored (live or local import only) · check ok"),
        ("ust10y", None, (Rejected("snapshot", "checksum mismatch"),), "unavailable", "unavailable (failed its check)"),
        ("ust10y", COPY, (), "snapshot", "2010-01-04 to 2026-10-08 · snapshot · check ok"),
    ],
)
def test_where_a_series_is_stored_and_why_not(key, copy, rejected, stored, line):
    spec = catalog.get(key)
    row = series_table.series_row(spec, copy, rejected)
    assert row["Stored in"] == stored
    title, shown, details = series_table.card(spec, row, rejected)
    assert title == spec.label and shown[0] == f"{spec.citation} · {series_table.licence_short(spec)}"
    assert line in shown[1]
    assert f"Key: {key}" in details and f"Licence: {spec.license}" in details  # the full terms, one tap away
    if rejected:
        assert "checksum mismatch" in row["Check"] and "checksum mismatch" in shown[1]


# -- the scoreboard's cue for unusual moves -------------------------------------------------------------------
def test_unusual_marks_follow_abs_z_as_shown_and_say_nothing_without_a_z():
    z = pd.Series([3.2, -2.5, 1.0, 0.94, np.nan, -1.5, 1.96, -0.2])
    assert tables.unusual(z).tolist() == [
        "●●● |z| ≥ 3",
        "●● |z| ≥ 2",
        "● |z| ≥ 1",
        "",
        None,  # the table's placeholder says n/a
        "● |z| ≥ 1",
        "●● |z| ≥ 2",  # shown as +2.0: marked as 2
        "",
    ]


def test_the_scoreboard_table_marks_unusual_moves_beside_z(walk_board):
    shown = tables.scoreboard_table(walk_board)
    columns = list(shown.columns)
    assert columns[columns.index("z") + 1] == tables.UNUSUAL
    assert set(tables.SCOREBOARD_KEY_COLUMNS) <= set(columns)
    for z, mark in zip(shown["z"], shown[tables.UNUSUAL], strict=True):
        if np.isnan(z):
            assert mark is None
        else:
            size = round(abs(z), 1)
            dots = 3 if size >= 3 else 2 if size >= 2 else 1 if size >= 1 else 0
            assert mark.count("●") == dots


@pytest.fixture
def walk_board() -> pd.DataFrame:
    """A scoreboard over a random walk with moves of every size (and an event too early for a z)."""
    rng = np.random.default_rng(3)
    values = business_series(100 + np.cumsum(rng.normal(0, 1, 1600)), end="2025-06-30")
    days = values.index
    events = [make_event(id=f"e{i}", date=str(days[i].date())) for i in range(1300, 1600, 7)]
    events.append(make_event(id="early", date=str(days[3].date())))
    board = analysis.compute_scoreboard(events, [(catalog.get("usdjpy"), values)], (analysis.Window(0, 5),))
    assert board["z"].isna().any() and (board["z"].abs() >= 2).any() and (board["z"].abs() < 1).any()
    return board
