"""Yahoo: every frame shape yfinance has produced gives the Close column as a tidy series; an empty
frame, a frame without Close, intraday bars or garbage are failures with a reason."""

from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd
import pytest

from tests import fakes
from usjp.data.sources import net, yahoo

MULTI_CLOSE_ONLY = "yfinance_USDJPY_X_daily_3row-header_CloseOnly_full.csv"
MULTI_ADJ = "yfinance_USDJPY_X_daily_3row-header_with-AdjClose_head300.csv"
MULTI_HOURLY = "yfinance_JPY_X_1h_3row-header_Price-Ticker-Date_CRLF_head300.csv"
FLAT = "yfinance_JPY_X_daily_flattened_Date-Close-High-Low-Open-Volume_CRLF_head150.csv"
LEGACY = "yfinance_JPY_X_daily_legacy-1row-header_Date-Open-High-Low-Close-AdjClose-Volume_head150.csv"
HISTORY = "yfinance_JPY_X_Ticker-history_tz-aware_Dividends-StockSplits_head60.csv"
WEBSITE = "yahoo_website_download_JPY_X_with-null-rows_head40.csv"


def multi_row_frame(path) -> pd.DataFrame:
    """What yf.download returned before it was saved: (Price, Ticker) columns, a DatetimeIndex."""
    return pd.read_csv(path, header=[0, 1], index_col=0, parse_dates=True)


def one_row_frame(path) -> pd.DataFrame:
    return pd.read_csv(path, index_col=0, parse_dates=True)


def assert_tidy(values: pd.Series) -> None:
    assert values.dtype == "float64"
    assert isinstance(values.index, pd.DatetimeIndex) and values.index.name == "date"
    assert values.index.tz is None and values.index.is_monotonic_increasing and values.index.is_unique
    assert not values.isna().any()


# -- frame shapes from the samples (the layouts yfinance has written; made-up prices) ----------


@pytest.mark.parametrize("name,ticker", [(MULTI_CLOSE_ONLY, "USDJPY=X"), (MULTI_ADJ, "USDJPY=X")])
def test_multi_row_header_takes_close(samples, name, ticker):
    frame = multi_row_frame(samples / name)
    values = yahoo.parse_frame(frame, ticker)
    assert_tidy(values)
    np.testing.assert_array_equal(values.to_numpy(), frame[("Close", ticker)].dropna().to_numpy())


def test_multi_row_with_adj_close_never_takes_adj_close(samples):
    frame = multi_row_frame(samples / MULTI_ADJ)
    frame[("Adj Close", "USDJPY=X")] = 1.0
    assert (yahoo.parse_frame(frame, "USDJPY=X") > 50).all()


@pytest.mark.parametrize("name", [FLAT, LEGACY, WEBSITE])
def test_one_row_header_any_column_order(samples, name):
    frame = one_row_frame(samples / name)
    values = yahoo.parse_frame(frame, "JPY=X")
    assert_tidy(values)
    np.testing.assert_array_equal(values.to_numpy(), frame["Close"].dropna().to_numpy())


def test_website_null_rows_are_dropped(samples):
    frame = one_row_frame(samples / WEBSITE)
    assert frame["Close"].isna().any()
    assert len(yahoo.parse_frame(frame, "JPY=X")) == frame["Close"].notna().sum()


def test_ticker_history_tz_aware_keeps_the_calendar_day(samples):
    frame = pd.read_csv(samples / HISTORY, index_col=0)
    # As yfinance hands it over: tz-aware in the exchange's zone (offsets vary with DST).
    frame.index = pd.to_datetime(frame.index, utc=True).tz_convert("Europe/London")
    values = yahoo.parse_frame(frame, "JPY=X")
    assert_tidy(values)
    assert values.index[0] == pd.Timestamp("1996-10-30")


def test_intraday_bars_are_refused(samples):
    with pytest.raises(net.BadPayload, match="time of day"):
        yahoo.parse_frame(multi_row_frame(samples / MULTI_HOURLY), "JPY=X")


@pytest.mark.parametrize(
    "frame,message",
    [
        (pd.DataFrame(), "no rows"),
        (None, "no rows"),
        # What yf.download really returns offline: the columns, and no rows.
        (pd.DataFrame(columns=pd.MultiIndex.from_product([["Adj Close", "Close"], ["JPY=X"]])), "no rows"),
        (pd.DataFrame({"Open": [1.0]}, index=pd.to_datetime(["2025-01-02"])), "no Close"),
        (pd.DataFrame({"Close": [150.0, 151.0]}, index=pd.to_datetime(["2025-01-03", "2025-01-02"])), "out of order"),
        (pd.DataFrame({"Close": ["150", "n/a"]}, index=pd.to_datetime(["2025-01-02", "2025-01-03"])), "not a number"),
        (pd.DataFrame({"Close": [np.nan, np.nan]}, index=pd.to_datetime(["2025-01-02", "2025-01-03"])), "missing"),
    ],
)
def test_bad_frames(frame, message):
    with pytest.raises(net.BadPayload, match=message):
        yahoo.parse_frame(frame, "JPY=X")


def test_two_tickers_pick_the_right_one():
    columns = pd.MultiIndex.from_product([["Close"], ["JPY=X", "^N225"]], names=["Price", "Ticker"])
    frame = pd.DataFrame([[150.0, 38000.0]], index=pd.to_datetime(["2025-01-02"]), columns=columns)
    assert yahoo.parse_frame(frame, "^N225").iloc[0] == 38000.0


# -- the fetch ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("online")
def test_fetch_through_the_child_process(monkeypatch, samples):
    frame = multi_row_frame(samples / MULTI_CLOSE_ONLY)
    monkeypatch.setattr(yahoo, "download", functools.partial(fakes.returns, frame))
    values = yahoo.fetch_yahoo("USDJPY=X", timeout=20)
    assert len(values) == frame[("Close", "USDJPY=X")].notna().sum()


@pytest.mark.usefixtures("online")
def test_empty_frame_is_a_failure(monkeypatch):
    monkeypatch.setattr(yahoo, "download", functools.partial(fakes.returns, pd.DataFrame()))
    with pytest.raises(net.BadPayload, match="no rows"):
        yahoo.fetch_yahoo("JPY=X")


@pytest.mark.usefixtures("online")
def test_hang_is_abandoned_at_the_deadline(monkeypatch):
    monkeypatch.setattr(yahoo, "download", fakes.hang)
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout):
        yahoo.fetch_yahoo("JPY=X", timeout=0.5)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("fake,message", [(fakes.dns_failure, "Name or service"), (fakes.refused, "refused")])
@pytest.mark.usefixtures("online")
def test_network_errors(monkeypatch, fake, message):
    monkeypatch.setattr(yahoo, "download", fake)
    with pytest.raises(net.FetchError, match=message):
        yahoo.fetch_yahoo("JPY=X")


@pytest.mark.usefixtures("offline")
def test_unreachable_host_is_probed_first():
    with pytest.raises(net.Unreachable, match=r"query2\.finance\.yahoo\.com"):
        yahoo.fetch_yahoo("JPY=X")


@pytest.mark.network
def test_live_yahoo():
    values = yahoo.fetch_yahoo("JPY=X", start=pd.Timestamp("2025-01-01"))
    assert_tidy(values)
    assert values.between(50, 400).all()
