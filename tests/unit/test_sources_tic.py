"""Treasury TIC: every published layout of the Major Foreign Holders table parses to the same
numbers as the committed snapshot; series breaks, footnote labels and bad tables are handled."""

from __future__ import annotations

import functools
import re
import time

import pandas as pd
import pytest

from tests import fakes
from usjp import catalog
from usjp.data import store
from usjp.data.sources import net, tic

HEAD = "tic_mfhhis01_2026-05-18_head_L1-295.txt"
TAIL = "tic_mfhhis01_2026-05-18_tail_L1137-1353.txt"
CSV = "tic_mfhhis01_2026-05-18_csv_head_L1-56.csv"
OLDER_LF = "tic_mfhhis01_2026-03-18_LFnormalized_head_L1-60.txt"
CURRENT = "tic_slt_table5_2026-04.txt"
FIXED = "tic_mfh_frozen_2023-01_fixedwidth.txt"
KEY_OF = catalog.tic_countries()  # Treasury's row label -> catalog key
HOLDERS = tuple(KEY_OF)  # what the callers ask for: every TIC holder in the catalog
JAPAN, CHINA, UK, TOTAL = "Japan", "China, Mainland", "United Kingdom", "Grand Total"
M = pd.Timestamp


def parse(samples, name, holders=HOLDERS):
    return tic.parse_table((samples / name).read_bytes(), holders, name)


def snapshot(key: str) -> pd.Series:
    return store.snapshot().read(key).values


@pytest.mark.parametrize("name", [HEAD, TAIL, CSV, OLDER_LF, CURRENT, FIXED])
def test_every_layout_gives_the_four_series(samples, name):
    found = parse(samples, name)
    assert set(found) == set(HOLDERS)
    for label, values in found.items():
        assert values.index.name == "date" and values.dtype == "float64"
        assert values.index.is_monotonic_increasing and values.index.is_unique
        assert (values.index == values.index.to_period("M").to_timestamp()).all()  # first of the month
        assert values.name == label


@pytest.mark.parametrize(
    "name,month,value",
    [
        (HEAD, "2025-12-01", 468.2),
        (TAIL, "2002-12-01", 10.4),
        (CSV, "2025-12-01", 468.2),
        (OLDER_LF, "2025-12-01", 468.2),
        (CURRENT, "2026-04-01", 397.1),
        (FIXED, "2023-01-01", 254.1),
    ],
)
def test_a_holder_added_to_the_catalog_needs_no_change_here(samples, name, month, value):
    # The parser knows no country: a label the caller adds (one more catalog entry) comes back too.
    found = parse(samples, name, (*HOLDERS, "Canada"))
    assert set(found) == {*HOLDERS, "Canada"}
    assert found["Canada"][M(month)] == value and found["Canada"].name == "Canada"
    assert set(parse(samples, name, ("Canada",))) == {"Canada"}  # and only what is asked for


def test_holders_must_be_a_collection_of_labels(samples):
    with pytest.raises(TypeError, match="not one string"):
        tic.parse_table((samples / CURRENT).read_bytes(), "Japan")


def test_history_blocks_agree_with_the_snapshot(samples, data_dir):
    # The 2000-2002 blocks (series breaks, footnote labels, 11-13 columns) match the snapshot exactly.
    for label, values in parse(samples, TAIL).items():
        assert len(values) == 34  # Mar 2000 .. Dec 2002, each month once
        stored = snapshot(KEY_OF[label])
        pd.testing.assert_series_equal(values, stored[values.index], check_names=False, check_freq=False)


def test_series_break_keeps_the_first_newer_column(samples):
    found = parse(samples, TAIL)
    # 2002 shows June twice (Series III then II); 2000 shows March twice. The first is kept.
    assert found[UK][M("2002-06-01")] == 53.2  # not 83.6 (the older series)
    assert found[UK][M("2000-03-01")] == 78.6  # not 235.7
    assert found[JAPAN][M("2002-06-01")] == 349.2


def test_footnoted_labels_are_matched(samples):
    # "United Kingdom 2/" in the old blocks is the United Kingdom.
    assert parse(samples, TAIL)[UK][M("2001-12-01")] == 45.0


def test_quoted_and_comma_layouts_agree(samples):
    tabs, commas = parse(samples, HEAD), parse(samples, CSV)
    for label in HOLDERS:
        pd.testing.assert_series_equal(commas[label], tabs[label][commas[label].index], check_freq=False)
    assert commas[CHINA][M("2025-12-01")] == 683.5  # "China, Mainland", quoted


def test_values_without_trailing_zeros(samples):
    assert parse(samples, HEAD)[JAPAN][M("2025-10-01")] == 1200.0  # printed "1200"


def test_current_table_stops_at_notes_and_reads_iso_months(samples):
    found = parse(samples, CURRENT)
    japan = found[JAPAN]
    assert (japan.index[0], japan.index[-1]) == (M("2025-04-01"), M("2026-04-01"))
    assert japan[M("2026-04-01")] == 1209.9
    assert found[TOTAL][M("2026-04-01")] == 9352.6


def test_fixed_width_table(samples):
    found = parse(samples, FIXED)
    assert found[CHINA][M("2023-01-01")] == 859.4
    assert found[TOTAL][M("2022-01-01")] == 7655.9
    assert len(found[JAPAN]) == 13


def test_combine_extends_history_and_prefers_the_current_table(samples):
    history, current = parse(samples, HEAD), parse(samples, CURRENT)
    combined = tic.combine(history, current)
    japan = combined[JAPAN]
    assert (japan.index[0], japan.index[-1]) == (M("2020-01-01"), M("2026-04-01"))
    assert japan[M("2026-02-01")] == 1239.3
    assert japan.index.is_unique and japan.index.is_monotonic_increasing


def test_sanity_fact_japan_feb_2025(samples):
    assert parse(samples, HEAD)[JAPAN][M("2025-02-01")] == 1125.9  # PROVENANCE.md's check


# -- bad tables --------------------------------------------------------------------------------


def tweak(samples, name, old, new, count=1):
    text = (samples / name).read_bytes().decode()
    assert old in text
    return text.replace(old, new, count)


def test_garbage_value_names_the_line(samples):
    text = tweak(samples, CURRENT, "Japan\t1209.9", "Japan\tabc")
    with pytest.raises(net.BadPayload, match=r":7: Japan value 'abc' is not a number"):
        tic.parse_table(text, HOLDERS, "t")


def test_month_columns_out_of_order(samples):
    text = tweak(samples, CURRENT, "Country\t2026-04\t2026-03", "Country\t2026-03\t2026-04")
    with pytest.raises(net.BadPayload, match="out of order"):
        tic.parse_table(text, HOLDERS, "t")


def test_year_blocks_out_of_order(samples):
    text = tweak(samples, HEAD, "Country\t2025\t2025\t2025", "Country\t2019\t2019\t2019")  # only 3 of 12 cells
    with pytest.raises(net.BadPayload, match=r"out of order|not older"):
        tic.parse_table(text, HOLDERS, "t")


def test_html_page_instead_of_the_table():
    with pytest.raises(net.BadPayload, match="HTML page"):
        tic.parse_table(b"<html><head><title>Maintenance</title></head></html>", HOLDERS, "t")


def test_not_a_tic_table():
    with pytest.raises(net.BadPayload, match="not a TIC"):
        tic.parse_table(b"date,value\n2025-01-01,1\n", HOLDERS, "t")


def test_table_without_the_wanted_countries(samples):
    text = "\n".join(
        line for line in (samples / CURRENT).read_text().splitlines() if line.split("\t")[0] not in HOLDERS
    )
    with pytest.raises(net.BadPayload, match=f"none of {re.escape(', '.join(HOLDERS))} found"):
        tic.parse_table(text, HOLDERS, "t")


def test_partial_table_gives_only_what_it_holds(samples):
    text = "\n".join((samples / CURRENT).read_text().splitlines()[:8])  # cut after "United Kingdom"
    assert set(tic.parse_table(text, HOLDERS, "t")) == {JAPAN, UK}


# -- the fetch ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("online")
def test_fetch_both_tables_through_the_child(monkeypatch, samples):
    bodies = {"history": (samples / HEAD).read_bytes(), "current": (samples / CURRENT).read_bytes()}
    monkeypatch.setattr(tic, "download_tables", functools.partial(fakes.returns, bodies))
    found = tic.fetch_tic(HOLDERS)
    assert set(found) == set(HOLDERS) and found[JAPAN].index[-1] == M("2026-04-01")


@pytest.mark.usefixtures("online")
def test_hang_is_abandoned(monkeypatch):
    monkeypatch.setattr(tic, "download_tables", fakes.hang)
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout):
        tic.fetch_tic(HOLDERS, timeout=0.5)
    assert time.monotonic() - started < 3


@pytest.mark.network
def test_live_tic():
    found = tic.fetch_tic(HOLDERS)
    assert set(found) == set(HOLDERS)
    assert found[JAPAN].between(0, 5000).all()
