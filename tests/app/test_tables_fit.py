"""Tables that fit, through AppTest: the Data and sources table's first columns fit a 1440 px window and a phone
gets a card per series; the event-study scoreboard shows its key columns on a phone, all of them a toggle away.
The column width the layout follows is the one the page's probe reports (usjp.ui.width)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.app.support import APP
from usjp import catalog
from usjp.figures import series_table, tables
from usjp.ui import width
from usjp.ui.event_study import ALL_COLUMNS

LAPTOP_COLUMN = 980  # the main column of a 1440 px window with the sidebar open (measured in Chromium)


def opened(script: str, column: int | None = None) -> AppTest:
    """`script` in a session whose probe reported `column` px (None: not yet, the default layout)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if column is not None:
        at.session_state[width.KEY] = {"width": column}
    at.run()
    at.switch_page(script)
    at.run()
    assert not at.exception, at.exception
    return at


def config(frame) -> dict:
    return json.loads(frame.proto.columns)


# -- Data and sources ---------------------------------------------------------------------------------------
def test_sources_table_columns_a_reader_needs_fit_a_laptop():
    at = opened("pages/sources.py")
    [frame] = at.dataframe
    assert list(frame.value.columns) == list(series_table.COLUMNS)
    widths = {name: c.get("width") for name, c in config(frame).items()}
    first = [widths[name] for name in series_table.FIRST]
    assert all(isinstance(w, int) for w in first), widths
    assert sum(first) <= LAPTOP_COLUMN - 10  # its borders, and a few px to spare
    assert not any(c.get("pinned") for c in config(frame).values())  # nothing takes room from the others
    assert set(frame.value["Licence"]) == {series_table.licence_short(s) for s in catalog.SERIES}


def test_sources_on_a_phone_is_a_card_per_series_with_details_a_tap_away():
    at = opened("pages/sources.py", 360)
    assert not at.dataframe
    cards = [m.value for m in at.markdown if m.value.startswith("**") and "  \n" in m.value]
    assert len(cards) == len(catalog.SERIES)
    for spec, card in zip(catalog.SERIES, cards, strict=True):
        text = card.replace("\\", "")  # markdown escapes
        assert spec.label in text and spec.citation in text and series_table.licence_short(spec) in text
    details = [e for e in at.expander if e.label == "Details"]
    assert len(details) == len(catalog.SERIES)
    nikkei = details[[s.key for s in catalog.SERIES].index("nikkei225")]
    assert any("Key: nikkei225" in m.value.replace("\\", "") for m in nikkei.markdown)


# -- the event-study scoreboard -----------------------------------------------------------------------------
def test_scoreboard_on_a_phone_shows_its_key_columns_and_all_on_a_toggle():
    at = opened("pages/event_study.py", 360)
    board = at.dataframe[0]
    assert list(board.proto.column_order) == list(tables.SCOREBOARD_KEY_COLUMNS)
    assert config(board)["Event"].get("pinned") and config(board)["Event"]["width"] <= 160
    at.toggle(key=ALL_COLUMNS).set_value(True).run()
    assert not at.exception
    board = at.dataframe[0]
    assert not board.proto.column_order  # every column, in the table's order
    assert tables.UNUSUAL in board.value.columns


def test_scoreboard_on_a_laptop_shows_every_column_with_the_event_pinned():
    at = opened("pages/event_study.py")
    assert ALL_COLUMNS not in [t.key for t in at.toggle]
    board = at.dataframe[0]
    assert not board.proto.column_order and config(board)["Event"].get("pinned")
    shown = board.value
    big = shown[shown["z"].abs().round(1) >= 2]
    assert len(big) and all(mark.startswith("●●") for mark in big[tables.UNUSUAL])
