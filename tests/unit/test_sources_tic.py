"""Treasury TIC: every published layout of the Major Foreign Holders table parses to the same
numbers as the committed snapshot; series breaks, footnote labels and bad tables are handled."""

from __future__ import annotations

import functools
import time

import pandas as pd
import pytest

from tests import fakes
from tests.live_support import online  # noqa: F401 (fixture)
from usjp.data import store
from usjp.data.sources import net, tic

HEAD = "tic_mfhhis01_2026-05-18_head_L1-295.txt"
TAIL = "tic_mfhhis01_2026-05-18_tail_L1137-1353.txt"
CSV = "tic_mfhhis01_2026-05-18_csv_head_L1-56.csv"
OLDER_LF = "tic_mfhhis01_2026-03-18_LFnormalized_head_L1-60.txt"
CURRENT = "tic_slt_table5_2026-04.txt"
FIXED = "tic_mfh_frozen_2023-01_fixedwidth.txt"
KEYS = {"tic_japan", "tic_china", "tic_uk", "tic_total"}
M = pd.Timestamp


def parse(samples, name):
    return tic.parse_table((samples / name).read_bytes(), name)


def snapshot(key: str) -> pd.Series:
    return store.snapshot().read(key).values


@pytest.mark.parametrize("name", [HEAD, TAIL, CSV, OLDER_LF, CURRENT, FIXED])
def test_every_layout_gives_the_four_series(samples, name):
    found = parse(samples, name)
    assert set(found) == KEYS
    for key, values in found.items():
        assert values.index.name == "date" and values.dtype == "float64"
        assert values.index.is_monotonic_increasing and values.index.is_unique
        assert (values.index == values.index.to_period("M").to_timestamp()).all()  # first of the month
        assert values.name == key


def test_history_blocks_agree_with_the_snapshot(samples, data_dir):
    # The 2000-2002 blocks (series breaks, footnote labels, 11-13 columns) match the snapshot exactly.
    for key, values in parse(samples, TAIL).items():
        assert len(values) == 34  # Mar 2000 .. Dec 2002, each month once
        pd.testing.assert_series_equal(values, snapshot(key)[values.index], check_names=False, check_freq=False)


def test_series_break_keeps_the_first_newer_column(samples):
    found = parse(samples, TAIL)
    # 2002 shows June twice (Series III then II); 2000 shows March twice. The first is kept.
    assert found["tic_uk"][M("2002-06-01")] == 53.2  # not 83.6 (the older series)
    assert found["tic_uk"][M("2000-03-01")] == 78.6  # not 235.7
    assert found["tic_japan"][M("2002-06-01")] == 349.2


def test_footnoted_labels_are_matched(samples):
    # "United Kingdom 2/" in the old blocks is the United Kingdom.
    assert parse(samples, TAIL)["tic_uk"][M("2001-12-01")] == 45.0


def test_quoted_and_comma_layouts_agree(samples):
    tabs, commas = parse(samples, HEAD), parse(samples, CSV)
    for key in KEYS:
        pd.testing.assert_series_equal(commas[key], tabs[key][commas[key].index], check_freq=False)
    assert commas["tic_china"][M("2025-12-01")] == 683.5  # "China, Mainland", quoted


def test_values_without_trailing_zeros(samples):
    assert parse(samples, HEAD)["tic_japan"][M("2025-10-01")] == 1200.0  # printed "1200"


def test_current_table_stops_at_notes_and_reads_iso_months(samples):
    found = parse(samples, CURRENT)
    japan = found["tic_japan"]
    assert (japan.index[0], japan.index[-1]) == (M("2025-04-01"), M("2026-04-01"))
    assert japan[M("2026-04-01")] == 1209.9
    assert found["tic_total"][M("2026-04-01")] == 9352.6


def test_fixed_width_table(samples):
    found = parse(samples, FIXED)
    assert found["tic_china"][M("2023-01-01")] == 859.4
    assert found["tic_total"][M("2022-01-01")] == 7655.9
    assert len(found["tic_japan"]) == 13


def test_combine_extends_history_and_prefers_the_current_table(samples):
    history, current = parse(samples, HEAD), parse(samples, CURRENT)
    combined = tic.combine(history, current)
    japan = combined["tic_japan"]
    assert (japan.index[0], japan.index[-1]) == (M("2020-01-01"), M("2026-04-01"))
    assert japan[M("2026-02-01")] == 1239.3
    assert japan.index.is_unique and japan.index.is_monotonic_increasing


def test_sanity_fact_japan_feb_2025(samples):
    assert parse(samples, HEAD)["tic_japan"][M("2025-02-01")] == 1125.9  # PROVENANCE.md's check


# -- bad tables --------------------------------------------------------------------------------


def tweak(samples, name, old, new, count=1):
    text = (samples / name).read_bytes().decode()
    assert old in text
    return text.replace(old, new, count)


def test_garbage_value_names_the_line(samples):
    text = tweak(samples, CURRENT, "Japan\t1209.9", "Japan\tabc")
    with pytest.raises(net.BadPayload, match=r":7: Japan value 'abc' is not a number"):
        tic.parse_table(text, "t")


def test_month_columns_out_of_order(samples):
    text = tweak(samples, CURRENT, "Country\t2026-04\t2026-03", "Country\t2026-03\t2026-04")
    with pytest.raises(net.BadPayload, match="out of order"):
        tic.parse_table(text, "t")


def test_year_blocks_out_of_order(samples):
    text = tweak(samples, HEAD, "Country\t2025\t2025\t2025", "Country\t2019\t2019\t2019")  # only 3 of 12 cells
    with pytest.raises(net.BadPayload, match=r"out of order|not older"):
        tic.parse_table(text, "t")


def test_html_page_instead_of_the_table():
    with pytest.raises(net.BadPayload, match="HTML page"):
        tic.parse_table(b"<html><head><title>Maintenance</title></head></html>", "t")


def test_not_a_tic_table():
    with pytest.raises(net.BadPayload, match="not a TIC"):
        tic.parse_table(b"date,value\n2025-01-01,1\n", "t")


def test_table_without_the_wanted_countries(samples):
    text = "\n".join(
        line
        for line in (samples / CURRENT).read_text().splitlines()
        if line.split("\t")[0] not in {"Japan", "China, Mainland", "United Kingdom", "Grand Total"}
    )
    with pytest.raises(net.BadPayload, match="none of"):
        tic.parse_table(text, "t")


def test_partial_table_gives_only_what_it_holds(samples):
    text = "\n".join((samples / CURRENT).read_text().splitlines()[:8])  # cut after "United Kingdom"
    assert set(tic.parse_table(text, "t")) == {"tic_japan", "tic_uk"}


# -- the fetch ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("online")
def test_fetch_both_tables_through_the_child(monkeypatch, samples):
    bodies = {"history": (samples / HEAD).read_bytes(), "current": (samples / CURRENT).read_bytes()}
    monkeypatch.setattr(tic, "download_tables", functools.partial(fakes.returns, bodies))
    found = tic.fetch_tic()
    assert set(found) == KEYS and found["tic_japan"].index[-1] == M("2026-04-01")


@pytest.mark.usefixtures("online")
def test_hang_is_abandoned(monkeypatch):
    monkeypatch.setattr(tic, "download_tables", fakes.hang)
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout):
        tic.fetch_tic(timeout=0.5)
    assert time.monotonic() - started < 3


@pytest.mark.network
def test_live_tic():
    found = tic.fetch_tic()
    assert set(found) == KEYS
    assert found["tic_japan"].between(0, 5000).all()
