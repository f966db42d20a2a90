"""The importer reads every supported format, refuses bad files with file:line, and writes atomically."""

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.damage import write_cache
from usjp import catalog, cli
from usjp.data import store, verify
from usjp.data.importer import ImportRefused, import_paths, resolve
from usjp.data.sources.csvfile import DataFormatError, read_file, read_text


def digest_tree(root: Path) -> dict[str, str]:
    """Every stored file's checksum (the empty lock file is not data)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


# -- formats -----------------------------------------------------------------------------------


def test_fred_new_header_with_empty_missing(samples):
    (parsed,) = read_file(samples / "fred_fredgraph_csv_DGS10_header-observation_date_head300.csv")
    assert (parsed.source, parsed.source_id) == ("fred", "DGS10")
    assert parsed.values.index.is_monotonic_increasing
    assert not parsed.values.isna().any()
    assert pd.Timestamp("2021-05-31") not in parsed.values.index  # empty field = holiday, dropped


def test_fred_legacy_header_with_dot_missing(samples):
    (parsed,) = read_file(samples / "fred_fredgraph_csv_DGS10_header-DATE_legacy_head300.csv")
    assert parsed.source_id == "DGS10"
    assert parsed.values.index[0] == pd.Timestamp("1962-01-02")
    assert pd.Timestamp("1962-02-12") not in parsed.values.index  # "." = missing
    assert parsed.values.iloc[0] == pytest.approx(4.06)


def test_yfinance_multirow_header(samples):
    (parsed,) = read_file(samples / "yfinance_USDJPY_X_daily_3row-header_CloseOnly_full.csv")
    assert (parsed.source, parsed.source_id) == ("yahoo", "USDJPY=X")
    assert parsed.values.loc["2023-03-08"] == pytest.approx(136.81700134277344)


def test_yfinance_multirow_with_adj_close_takes_close(samples):
    (parsed,) = read_file(samples / "yfinance_USDJPY_X_daily_3row-header_with-AdjClose_head300.csv")
    rows = (samples / "yfinance_USDJPY_X_daily_3row-header_with-AdjClose_head300.csv").read_text().splitlines()
    header = rows[0].split(",")
    first = rows[3].split(",")
    assert parsed.values.iloc[0] == pytest.approx(float(first[header.index("Close")]))


def test_yfinance_single_header_needs_a_ticker(samples, tmp_path):
    path = samples / "yfinance_JPY_X_daily_legacy-1row-header_Date-Open-High-Low-Close-AdjClose-Volume_head150.csv"
    with pytest.raises(DataFormatError, match="ticker"):
        read_file(path)
    (parsed,) = read_file(path, yahoo_ticker="JPY=X")
    assert parsed.source_id == "JPY=X" and len(parsed.values) > 100


def test_yfinance_ticker_from_file_name(raw):
    (parsed,) = read_file(raw / "yahoo_JPY=X.csv")
    assert parsed.source_id == "JPY=X"


def test_yfinance_tz_aware_dates_keep_calendar_day(samples):
    (parsed,) = read_file(
        samples / "yfinance_JPY_X_Ticker-history_tz-aware_Dividends-StockSplits_head60.csv", yahoo_ticker="JPY=X"
    )
    assert parsed.values.index[0] == pd.Timestamp("1996-10-30")


def test_yahoo_website_null_rows_are_missing(samples):
    (parsed,) = read_file(samples / "yahoo_website_download_JPY_X_with-null-rows_head40.csv", yahoo_ticker="JPY=X")
    text = (samples / "yahoo_website_download_JPY_X_with-null-rows_head40.csv").read_text()
    assert "null" in text
    assert len(parsed.values) == sum(1 for line in text.splitlines()[1:] if "null" not in line and line.strip())


def test_intraday_file_is_refused(samples):
    with pytest.raises(DataFormatError, match=r":4: .*time of day"):
        read_file(samples / "yfinance_JPY_X_1h_3row-header_Price-Ticker-Date_CRLF_head300.csv")


def test_tic_tidy_file_gives_four_series(raw):
    path = raw / "tic_major_foreign_holders.csv"
    parsed = {resolve(p, path).key: p for p in read_file(path, tic_holders=catalog.tic_countries())}
    assert set(parsed) == {"tic_japan", "tic_china", "tic_uk", "tic_total"}
    assert parsed["tic_china"].source_id == "MFH:China, Mainland"  # Treasury's label, as published
    assert parsed["tic_japan"].values.loc["2025-02-01"] == pytest.approx(1125.9)


def test_tic_tidy_file_gives_the_holders_asked_for(raw):
    # The reader knows no country: a holder added to the catalog would be read with no change here.
    parsed = read_file(raw / "tic_major_foreign_holders.csv", tic_holders=("Canada", "Grand Total"))
    assert [p.source_id for p in parsed] == ["MFH:Canada", "MFH:Grand Total"]
    with pytest.raises(DataFormatError, match=r":2: none of Atlantis found in the TIC file"):
        read_file(raw / "tic_major_foreign_holders.csv", tic_holders=("Atlantis",))
    with pytest.raises(DataFormatError, match=r":1: a TIC file, but no holders"):
        read_file(raw / "tic_major_foreign_holders.csv")


def test_one_holder_tic_file():
    text = "date,japan_holdings_usd_bn\n2000-03-01,307.6\n2000-04-01,322.4\n"
    (parsed,) = read_text(text, "tic_mfh_japan.csv", tic_holders=catalog.tic_countries())
    assert (parsed.source, parsed.source_id) == ("tic", "MFH:Japan")
    assert resolve(parsed, Path("tic_mfh_japan.csv")).key == "tic_japan"
    assert list(parsed.values) == [307.6, 322.4]


def test_fred_file_of_several_series_is_read_in_one_pass():
    text = "observation_date,DGS10,DGS2\n2025-01-02,4.5,.\n2025-01-03,4.6,4.2\n2025-01-06,,4.3\n"
    ten, two = read_text(text, "fredgraph.csv")
    assert (ten.source_id, list(ten.values), list(ten.values.index.strftime("%d"))) == (
        "DGS10",
        [4.5, 4.6],
        ["02", "03"],
    )
    assert (two.source_id, list(two.values), list(two.values.index.strftime("%d"))) == (
        "DGS2",
        [4.2, 4.3],
        ["03", "06"],
    )
    assert ten.values.index.name == "date" and ten.values.dtype == "float64"


# -- bad files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,line,message",
    [
        ("", 1, "empty"),
        ("foo,bar\n1,2\n", 1, "unrecognised header"),
        ("observation_date,DGS10\n2025-01-02,4.5\n2025-01-03,abc\n", 3, "not a number"),
        ("observation_date,DGS10\n2025-01-02,4.5\n02/01/2025,4.6\n", 3, "not an ISO date"),
        ("observation_date,DGS10\n2025-01-02,4.5\n2025-01-02,4.6\n", 3, "duplicate date"),
        ("observation_date,DGS10\n2025-01-03,4.5\n2025-01-02,4.6\n", 3, "before the previous"),
        ("observation_date,DGS10\n2025-02-30,4.5\n", 2, "does not exist"),
        ("observation_date,DGS10\n2025-01-02,inf\n", 2, "not finite"),
        ("observation_date,DGS10\n2025-01-02\n", 2, "at least 2 fields"),
        ("observation_date,DGS10\n2025-01-02,.\n", 2, "no observations"),
        ("observation_date,DGS10\n1899-12-29,4.5\n", 2, "outside 1900-01-01..2100-12-31"),
        ("observation_date,DGS10\n2025-01-02,4.5\n2025-01-03,4\x006\n", 3, "a NUL character"),
        ("observation_date,DGS10\n2025-01-02," + "9" * 300 + "\n", 2, "a cell longer than 200 characters"),
        ("Price,Open,Close\nTicker,JPY=X\nDate,,\n2025-01-02,150,151\n", 2, "no ticker above the Close column"),
        ("Price,Close\nTicker\nDate,\n2025-01-02,150\n", 2, "expected one ticker, found 0"),
    ],
)
def test_bad_file_names_file_line_and_problem(text, line, message):
    with pytest.raises(DataFormatError) as err:
        read_text(text, "bad.csv")
    assert str(err.value).startswith(f"bad.csv:{line}: ")
    assert message in str(err.value)


def test_bad_file_leaves_store_byte_identical(data_dir, raw, tmp_path):
    before = digest_tree(data_dir)
    bad = tmp_path / "fred_DGS2.csv"
    bad.write_text("observation_date,DGS2\n2025-01-02,4.5\n2025-01-03,oops\n")
    with pytest.raises(DataFormatError, match=r"fred_DGS2\.csv:3"):
        import_paths([raw / "fred_DGS10.csv", bad], to="snapshot")
    assert digest_tree(data_dir) == before


def test_licensed_series_refused_for_snapshot(data_dir, raw):
    before = digest_tree(data_dir)
    with pytest.raises(ImportRefused, match=r"refusing.*Nikkei 225.*cache"):
        import_paths([raw / "yahoo_^N225.csv"], to="snapshot")
    assert digest_tree(data_dir) == before


def test_licensed_series_goes_to_cache(data_dir, raw):
    (done,) = import_paths([raw / "yahoo_^N225.csv"])
    assert (done.key, done.target) == ("nikkei225", "cache")
    assert verify.read_newest("nikkei225").store == "cache"
    assert not (data_dir / "market" / "nikkei225.csv").exists()


def test_snapshot_import_trims_daily_series_and_records_provenance(data_dir, raw):
    (done,) = import_paths([raw / "fred_DGS10.csv"], to="snapshot", note="test note")
    assert done.first >= "2010-01-01"
    meta = json.loads((data_dir / "market" / "manifest.json").read_text())["series"]["ust10y"]
    body = (data_dir / "market" / "ust10y.csv").read_bytes()
    assert meta["sha256"] == hashlib.sha256(body).hexdigest()
    assert meta["rows"] == body.count(b"\n") - 1
    assert meta["source_id"] == "DGS10" and meta["license"] and meta["note"] == "test note"
    assert meta["input_sha256"] == hashlib.sha256((raw / "fred_DGS10.csv").read_bytes()).hexdigest()
    assert meta["retrieved_at"] and "import" in meta["retrieved_how"]


def test_monthly_series_kept_in_full(data_dir, raw):
    (done,) = import_paths([raw / "fred_FDHBFIN.csv"], to="snapshot")
    assert done.first == "1970-01-01"


def test_crash_before_rename_keeps_old_file(data_dir, raw, monkeypatch):
    before = digest_tree(data_dir)

    def boom(src, dst):
        raise OSError("disk vanished")

    monkeypatch.setattr(store.os, "replace", boom)
    with pytest.raises(OSError, match="disk vanished"):
        import_paths([raw / "fred_DGS10.csv"], to="snapshot")
    assert digest_tree(data_dir) == before  # and no temp file left behind


# -- Japan's intervention record (a series of operations, not of market days) --------------------------


@pytest.fixture
def without_interventions(data_dir):
    """The private data dir with no stored intervention series, as before its first import."""
    (data_dir / "market" / "mof_intervention.csv").unlink()
    manifest = data_dir / "market" / "manifest.json"
    entries = json.loads(manifest.read_text())
    del entries["series"]["mof_intervention"]
    manifest.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    return data_dir


def record_lines(raw: Path) -> list[str]:
    return (raw / "mof_fx_intervention.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def test_the_intervention_record_is_imported_whole_into_the_snapshot(without_interventions, raw, capsys):
    assert cli.main(["import", str(raw / "mof_fx_intervention.csv"), "--to", "snapshot", "--note", "test"]) == 0
    out = capsys.readouterr().out
    assert "mof_intervention    363 rows  1991-05-13 .. 2026-05-06  -> snapshot  (363 new, 0 revised)" in out
    assert "note: 6 of 386 operations have no yen side" in out
    stored = verify.read_newest("mof_intervention")
    assert stored.store == "snapshot" and len(stored.values) == 363  # from 1991: no history start is applied
    assert stored.values.loc["2022-10-21"] == 56202 and stored.values.loc["2011-10-31"] == -80722
    meta = json.loads((without_interventions / "market" / "manifest.json").read_text())["series"]["mof_intervention"]
    assert (meta["source"], meta["source_id"], meta["frequency"]) == ("mof", "FEIO", "operations")
    assert meta["publisher"] == "Ministry of Finance, Japan" and meta["attribution"].startswith("Source: Ministry")
    assert meta["left_out"][0].startswith("6 of 386 operations") and meta["note"] == "test"
    assert meta["input_sha256"] == hashlib.sha256((raw / "mof_fx_intervention.csv").read_bytes()).hexdigest()
    assert verify.check_store(store.snapshot()) == []


def test_gaps_between_operations_are_not_missing_dates(without_interventions, raw, tmp_path):
    """A later record that adds one operation, or only the last few rows, merges over the stored record:
    the months between operations are not dates it lacks."""
    import_paths([raw / "mof_fx_intervention.csv"], to="snapshot")
    lines = record_lines(raw)
    later = tmp_path / "later.csv"
    later.write_text("".join([*lines, "2026-09-30,1000,USD,JPY,yen_buying,d,d-jp,\n"]), encoding="utf-8")
    (done,) = import_paths([later], to="snapshot")
    assert (done.rows, done.new, done.revised, done.last) == (364, 1, 0, "2026-09-30")
    tail = tmp_path / "tail.csv"
    tail.write_text("".join([lines[0], *lines[-3:]]), encoding="utf-8")  # 2026-04-30 .. 2026-05-06 only
    (done,) = import_paths([tail])
    assert (done.rows, done.new, done.revised) == (364, 0, 0)  # into the cache, over the snapshot


def test_a_record_that_lacks_a_stored_operation_is_a_partial_file(without_interventions, raw, tmp_path):
    """Each stored date is an operation that was carried out: a file that lacks even one of them inside its
    span is refused (a market series may lack 2% of its days), unless --replace."""
    import_paths([raw / "mof_fx_intervention.csv"], to="snapshot")
    before = digest_tree(without_interventions)
    lines = record_lines(raw)
    thinned = tmp_path / "thinned.csv"
    thinned.write_text("".join(line for line in lines if not line.startswith("2022-10-24")), encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"lacks 1 of the 363 stored dates it spans \(0\.3% > 0%\): a partial"):
        import_paths([thinned], to="snapshot")
    assert digest_tree(without_interventions) == before
    (done,) = import_paths([thinned], to="snapshot", replace=True)
    assert (done.rows, done.dropped) == (362, 1)


def test_an_intervention_amount_in_the_wrong_unit_is_refused(without_interventions, raw, tmp_path):
    """Yen instead of ¥100 million: 1e8 times too large, outside the plausible range."""
    lines = record_lines(raw)
    first = lines[1].split(",")
    first[1] = str(int(first[1]) * 100_000_000)
    wrong = tmp_path / "wrong_unit.csv"
    wrong.write_text("".join([lines[0], ",".join(first), *lines[2:]]), encoding="utf-8")
    before = digest_tree(without_interventions)
    with pytest.raises(ImportRefused, match=r"outside the plausible range -200000\.\.200000 for mof_intervention"):
        import_paths([wrong], to="snapshot")
    assert digest_tree(without_interventions) == before


def test_a_cache_copy_may_not_hide_a_single_operation_of_the_snapshot(data_dir):
    """The app's rule for a local copy, by frequency: a market series may lack a holiday; the record none."""
    for key, kept in (("ust10y", True), ("mof_intervention", False)):
        bundled = store.snapshot().read(key).values
        write_cache(bundled.drop(bundled.index[len(bundled) // 2]), key)
        found = verify.resolve(key)
        assert (found.series.store == "cache") is kept, key
        assert bool(found.rejected) is not kept
    assert found.rejected[0].reason == "fewer dates than the bundled copy"
    assert (
        "it lacks 1 of the 363 dates" in found.rejected[0].detail
        and "(at most 0% may be missing)" in found.rejected[0].detail
    )
