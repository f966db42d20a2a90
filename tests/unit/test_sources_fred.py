"""FRED: the keyless CSV and the API payloads parse to tidy series; every failure is a FetchError
with a reason, within the deadline, with the API key never in a message."""

from __future__ import annotations

import functools
import io
import os
import time

import pandas as pd
import pytest

from tests import fakes
from usjp.data.sources import fred, net

KEY = "abcdef0123456789abcdef0123456789"
JSON_DGS10 = "fred_api_observations_DGS10_json_2026-08-21_TRIMMED_first60_last60.json"
JSON_GDP = "fred_api_observations_GDP_json_full_2026-03-16.json"
XML_SP500 = "fred_api_observations_SP500_xml_2015-06-28_from_fredapi_test.xml"
CSV_NEW = "fred_fredgraph_csv_DGS10_header-observation_date_head300.csv"
CSV_OLD = "fred_fredgraph_csv_DGS10_header-DATE_legacy_head300.csv"


def assert_tidy(values: pd.Series) -> None:
    assert values.dtype == "float64"
    assert isinstance(values.index, pd.DatetimeIndex) and values.index.name == "date"
    assert values.index.is_monotonic_increasing and values.index.is_unique
    assert not values.isna().any()


# -- parsers on the real samples ---------------------------------------------------------------


@pytest.mark.parametrize("name", [CSV_NEW, CSV_OLD])
def test_keyless_csv_both_headers(samples, name):
    body = (samples / name).read_bytes()
    values = fred.parse_csv(body, "DGS10")
    assert_tidy(values)
    assert values.name == "DGS10"
    # 299 data lines; missing days ('.' in the old header, empty in the new) are dropped, not zero.
    missing = sum(1 for line in body.decode().splitlines()[1:] if line.split(",")[1] in {"", "."})
    assert missing > 0 and len(values) == 299 - missing


def test_keyless_csv_values(samples):
    values = fred.parse_csv((samples / CSV_OLD).read_bytes(), "DGS10")
    assert values[pd.Timestamp("1962-01-02")] == 4.06
    assert pd.Timestamp("1962-02-12") not in values.index  # "." in the file


def test_api_json_payload_with_ten_decimal_values(samples, data_dir):
    values = fred.parse_api_payload((samples / JSON_DGS10).read_bytes(), "DGS10")
    assert_tidy(values)
    assert len(values) == 120 - 4  # four "." holidays
    assert values[pd.Timestamp("2026-08-20")] == 4.69  # sent as "4.6900000000"
    # The same days in the committed snapshot (imported from independent copies) agree exactly.
    from usjp.data import store

    snap = store.snapshot().read("ust10y").values
    common = values.index.intersection(snap.index)
    assert len(common) >= 50
    assert (values[common] == snap[common]).all()


def test_api_json_full_quarterly(samples):
    values = fred.parse_api_payload((samples / JSON_GDP).read_bytes(), "GDP")
    assert len(values) == 104 and values.index[0] == pd.Timestamp("2000-01-01")


def test_api_xml_payload_parsed_as_fredapi_does(samples, monkeypatch):
    body = (samples / XML_SP500).read_bytes()
    ours = fred.parse_api_payload(body, "SP500")
    assert list(ours) == [1503.17, 1498.06, 1501.93, 1512.44]  # made-up index levels (tests/fixtures/README.md)
    # fredapi itself, fed the same bytes instead of the network, gives the same series.
    import fredapi.fred

    monkeypatch.setattr(fredapi.fred, "urlopen", lambda url: io.BytesIO(body))
    theirs = fred.download_api("SP500", KEY, None)
    pd.testing.assert_series_equal(fred.tidy(theirs, "SP500", "FRED SP500"), ours)


def test_api_error_payload_is_reported(samples):
    body = b'<?xml version="1.0"?><error code="400" message="Bad Request.  The series does not exist."/>'
    with pytest.raises(net.BadPayload, match="series does not exist"):
        fred.parse_api_payload(body, "NOPE")
    with pytest.raises(net.BadPayload, match="Bad Request"):
        fred.parse_api_payload(b'{"error_code":400,"error_message":"Bad Request."}', "NOPE")


@pytest.mark.parametrize(
    "body,message",
    [
        (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body></body></html>", "HTML page"),
        (b"", "empty"),
        (b"observation_date,DGS10\n2025-01-02,4.5\n2025-01-03,banana\n", "not a number"),
        (b"observation_date,DGS10\n2025-01-03,4.5\n2025-01-02,4.6\n", "before the previous"),
        (b"observation_date,DGS10\n2025-01-02,4.5\n2025-01-0", "not an ISO date|expected at least 2"),  # cut short
        (b"observation_date,DGS10\n2025-01-02,.\n", "no observations"),
        (b"observation_date,DGS2\n2025-01-02,4.5\n", "not DGS10"),
    ],
)
def test_keyless_csv_bad_answers(body, message):
    with pytest.raises(net.BadPayload, match=message):
        fred.parse_csv(body, "DGS10")


@pytest.mark.parametrize(
    "body,message",
    [
        (b'{"observations":[{"date":"2025-01-02","value":"4.5"},{"date":"2025-01-02","value":"4.6"}]}', "duplicate"),
        (b'{"observations":[{"date":"2025-01-03","value":"4.5"},{"date":"2025-01-02","value":"4.6"}]}', "out of order"),
        (b'{"observations":[{"date":"2025-01-02","value":"x"}]}', "not a number"),
        (b'{"observations":[{"date":"2025-01-02","value":"4.5"},', "cut short"),
        (b'<observations><observation date="2025-01-02" value="4.5"/>', "cut short"),
        (b'{"observations":[]}', "no observations"),
    ],
)
def test_api_bad_answers(body, message):
    with pytest.raises(net.BadPayload, match=message):
        fred.parse_api_payload(body, "DGS10")


# -- the fetch: deadline, failures, the key ----------------------------------------------------


@pytest.mark.usefixtures("online")
def test_fetch_keyless_through_the_child_process(monkeypatch, samples):
    body = (samples / CSV_NEW).read_bytes()
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, body))
    values = fred.fetch_fred("DGS10", start=pd.Timestamp("2022-01-01"))
    assert values.index[0] >= pd.Timestamp("2022-01-01")  # trimmed even if the server ignores cosd
    assert_tidy(values)


@pytest.mark.usefixtures("online")
def test_fetch_with_key_uses_fredapi(monkeypatch):
    answer = pd.Series([4.5, float("nan"), 4.6], index=pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-06"]))
    monkeypatch.setattr(fred, "download_api", functools.partial(fakes.returns, answer))
    values = fred.fetch_fred("DGS10", api_key=KEY)
    assert list(values) == [4.5, 4.6]


@pytest.mark.usefixtures("online")
def test_hang_is_abandoned_at_the_deadline_and_the_child_killed(monkeypatch, tmp_path):
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.hang, pid_file=str(pid_file)))
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout, match=r"0\.5 s deadline"):
        fred.fetch_fred("DGS10", timeout=0.5)
    assert time.monotonic() - started < 3
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, not left hanging


@pytest.mark.parametrize(
    "fake,kind,message",
    [
        (fakes.dns_failure, net.FetchError, "Name or service not known"),
        (fakes.refused, net.FetchError, "Connection refused"),
        (
            functools.partial(fakes.fetch_url, "https://fred.invalid/graph/fredgraph.csv?id=DGS10"),
            net.Unreachable,
            "resolve",
        ),
        (functools.partial(fakes.fetch_url, "https://127.0.0.1:1/fredgraph.csv"), net.Unreachable, "refused"),
        (fakes.crashes, net.FetchError, "without a result"),
    ],
)
@pytest.mark.usefixtures("online")
def test_download_failures_are_fetch_errors(monkeypatch, fake, kind, message):
    monkeypatch.setattr(fred, "download_csv", fake)
    with pytest.raises(kind, match=message):
        fred.fetch_fred("DGS10", timeout=5)


@pytest.mark.usefixtures("offline")
def test_probe_failure_stops_before_any_download(monkeypatch):
    monkeypatch.setattr(fred, "download_csv", fakes.crashes)  # would be a different error
    started = time.monotonic()
    with pytest.raises(net.Unreachable, match=r"cannot resolve fred\.stlouisfed\.org"):
        fred.fetch_fred("DGS10")
    assert time.monotonic() - started < 1


@pytest.mark.usefixtures("online")
def test_api_key_never_in_an_error(monkeypatch):
    monkeypatch.setattr(fred, "download_api", functools.partial(fakes.leaks_key, KEY))
    with pytest.raises(net.FetchError) as err:
        fred.fetch_fred("DGS10", api_key=KEY)
    assert KEY not in str(err.value) and "api_key=REDACTED" in str(err.value)


@pytest.mark.usefixtures("online")
def test_key_is_an_argument_never_read_from_the_environment(monkeypatch, samples):
    """The pure code takes the key as an argument: an environment key alone does not switch to fredapi."""
    monkeypatch.setenv("FRED_API_KEY", KEY)
    monkeypatch.setattr(fred, "download_api", fakes.crashes)
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, (samples / CSV_NEW).read_bytes()))
    assert len(fred.fetch_fred("DGS10")) > 0


def test_links_are_https():
    assert fred.csv_url("DGS10", "2010-01-01").startswith("https://fred.stlouisfed.org/")
    with pytest.raises(ValueError, match="http"):
        net.http_get("file:///etc/passwd")
    with pytest.raises(ValueError, match="http"):
        net.http_get("javascript:alert(1)")


@pytest.mark.network
def test_live_fred_keyless():
    values = fred.fetch_fred("DGS10", start=pd.Timestamp("2025-01-01"))
    assert_tidy(values)
    assert values.between(-1, 25).all()


@pytest.mark.network
def test_live_fred_api():
    key = os.environ.get("FRED_API_KEY")
    if not key:
        pytest.skip("FRED_API_KEY not set")
    values = fred.fetch_fred("DGS10", api_key=key, start=pd.Timestamp("2025-01-01"))
    assert_tidy(values)
