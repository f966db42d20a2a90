"""One record per category and per series: a record that lacks something the app draws with fails here,
not when the first such event or series is drawn."""

from __future__ import annotations

import re

import pytest
from plotly.validator_cache import ValidatorCache

from usjp import catalog
from usjp.catalog import UNITS
from usjp.events import CATEGORIES, CATEGORY_TABLE, category

HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@pytest.mark.parametrize("record", CATEGORY_TABLE, ids=lambda c: c.slug)
def test_every_category_has_everything_the_app_draws_with(record):
    assert record.slug and record.label and record.short and record.noun
    assert HEX.match(record.colour), record.colour
    symbols = ValidatorCache.get_validator("scatter.marker", "symbol").values
    assert record.symbol in symbols
    assert len(record.short) <= 14, "phone lane labels sit in a 390 px wide chart"


def test_categories_are_unique_in_slug_label_and_colour():
    for attribute in ("slug", "label", "colour"):
        values = [getattr(c, attribute) for c in CATEGORY_TABLE]
        assert len(values) == len(set(values)), attribute


def test_an_unknown_category_says_which_are_known():
    with pytest.raises(KeyError, match="known: tariff"):
        category("tarrif")
    assert tuple(c.slug for c in CATEGORY_TABLE) == CATEGORIES


@pytest.mark.parametrize("spec", catalog.SERIES, ids=lambda s: s.key)
def test_every_series_has_a_plausible_range_a_shown_unit_and_a_history_rule(spec):
    low, high = spec.plausible
    assert low < high
    assert spec.unit in UNITS, f"{spec.key}: unit {spec.unit!r} has no display record in catalog.UNITS"
    assert spec.display.axis_title and "%{y" in spec.display.hover
    # Moves are in basis points or percent; a series that is not a price or a level (Japan's intervention
    # amounts) has no move to measure, says so ("none"), and is kept out of the statistics (analysable).
    assert spec.change_unit in (("bp", "%") if spec.analysable else ("none",))
    if spec.daily:
        assert spec.history_start is not None, "daily series need a start for their stored history"
    assert spec.citation == f"{spec.source.upper()} {spec.source_id}"


def test_stored_data_is_within_each_series_plausible_range():
    from usjp.data import store

    snapshot = store.snapshot()
    for key in snapshot.manifest()["series"]:
        values = snapshot.read(key).values
        low, high = catalog.get(key).plausible
        assert values.between(low, high).all(), key


def test_tic_countries_come_from_the_catalog():
    assert catalog.tic_countries() == {
        s.source_id.removeprefix("MFH:"): s.key for s in catalog.SERIES if s.source == "tic"
    }
