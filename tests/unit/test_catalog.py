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
    "mof_intervention": "FEIO",
}


@pytest.mark.parametrize("key,source_id", REQUIRED.items())
def test_required_series_present_with_source_id(key, source_id):
    assert catalog.get(key).source_id == source_id


@pytest.mark.parametrize("spec", catalog.SERIES, ids=lambda s: s.key)
def test_every_entry_has_full_provenance(spec):
    for name in ("key", "label", "unit", "frequency", "source", "source_id", "publisher", "url", "license"):
        assert getattr(spec, name), f"{spec.key}.{name} is empty"
    assert spec.url.startswith("https://")
    assert spec.frequency in catalog.FREQUENCIES
    assert spec.change_unit in catalog.CHANGE_UNITS
    assert (spec.change_unit == "bp") == (spec.unit == "percent")
    # A series that is not a price or a level has no change to measure, and only such a series.
    assert (spec.change_unit == "none") == (not spec.analysable)


def test_licensed_series_are_not_redistributable():
    for key in ("nikkei225", "toyota", "usdjpy_yahoo"):
        assert catalog.get(key).redistributable is False
    for spec in catalog.SERIES:
        if spec.source in {"fred", "tic", "mof"}:
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


def test_the_intervention_record_is_a_series_of_operations_not_a_price():
    spec = catalog.get("mof_intervention")
    assert spec.records_operations and not spec.daily and spec.frequency == "operations"
    assert not spec.analysable and spec.change_unit == "none"
    assert spec.history_start is None  # all of it, from 1991
    assert spec.citation == "MOF FEIO" and catalog.by_source_id("mof", "feio") is spec
    assert spec.publisher == "Ministry of Finance, Japan" and spec.url.startswith("https://www.mof.go.jp/")
    assert "+ yen bought" in spec.display.axis_title and "− yen sold" in spec.display.axis_title
    assert spec.attribution.startswith("Source: Ministry of Finance Japan") and spec.url in spec.attribution
    assert spec.provenance()["attribution"] == spec.attribution


def test_only_the_intervention_record_is_recorded_on_operation_days():
    assert [s.key for s in catalog.SERIES if s.records_operations] == ["mof_intervention"]
    assert all(s.analysable for s in catalog.SERIES if not s.records_operations)
    assert "attribution" not in catalog.get("ust10y").provenance()


def test_the_intervention_range_holds_the_record_days_and_refuses_a_wrong_unit():
    low, high = catalog.get("mof_intervention").plausible
    assert low < -80_722 and high > 62_787  # the largest days sold and bought, ¥100 million
    assert high < 62_787 * 100  # the same day in ¥ million (or in yen) is refused
    assert low > -80_722 * 100
