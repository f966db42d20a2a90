"""The catalog holds every series the client asked for, with complete provenance."""

import pytest

from usjp import catalog

REQUIRED = {
    "ust3m": "DGS3MO",
    "ust2y": "DGS2",
    "ust5y": "DGS5",
    "ust10y": "DGS10",
    "ust30y": "DGS30",
    "ust10y2y": "T10Y2Y",
    "usdjpy": "DEXJPUS",
    "usdjpy_yahoo": "JPY=X",
    "broad_dollar": "DTWEXBGS",
    "jgb10y": "IRLTLT01JPM156N",
    "foreign_debt": "FDHBFIN",
    "tic_japan": "MFH:Japan",
    "tic_china": "MFH:China, Mainland",
    "tic_uk": "MFH:United Kingdom",
    "tic_total": "MFH:Grand Total",
    "nikkei225": "^N225",
    "toyota": "7203.T",
}


@pytest.mark.parametrize("key,source_id", REQUIRED.items())
def test_required_series_present_with_source_id(key, source_id):
    assert catalog.get(key).source_id == source_id


@pytest.mark.parametrize("spec", catalog.SERIES, ids=lambda s: s.key)
def test_every_entry_has_full_provenance(spec):
    for name in ("key", "label", "unit", "frequency", "source", "source_id", "publisher", "url", "license"):
        assert getattr(spec, name), f"{spec.key}.{name} is empty"
    assert spec.url.startswith("https://")
    assert spec.frequency in {"daily", "monthly", "quarterly"}
    assert spec.change_unit in {"bp", "%"}
    assert (spec.change_unit == "bp") == (spec.unit == "percent")


def test_licensed_series_are_not_redistributable():
    for key in ("nikkei225", "toyota", "usdjpy_yahoo"):
        assert catalog.get(key).redistributable is False
    for spec in catalog.SERIES:
        if spec.source in {"fred", "tic"}:
            assert spec.redistributable, spec.key


def test_daily_series_have_an_observation_time():
    for spec in catalog.SERIES:
        if spec.daily and spec.source == "fred":
            assert spec.observed_at_et is not None, spec.key


def test_unknown_key_lists_known_keys():
    with pytest.raises(KeyError, match="ust10y"):
        catalog.get("nope")


def test_lookup_by_source_id_is_case_insensitive():
    assert catalog.by_source_id("fred", "dgs10").key == "ust10y"
    assert catalog.by_source_id("yahoo", "^N225").key == "nikkei225"
    assert catalog.by_source_id("fred", "NOPE") is None
