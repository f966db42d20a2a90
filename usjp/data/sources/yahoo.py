"""Yahoo Finance through yfinance: daily closes for JPY=X, ^N225 and 7203.T.

`yf.download` never raises on failure (it logs and returns an empty frame) and can take about
130 s on a network that accepts connections and never answers, so it runs in a child process
under a hard deadline (net.py) and an empty frame is a failure.
"""

from __future__ import annotations

import pandas as pd

from usjp.data.sources import net
from usjp.data.sources.tidy import tidy

HOST = "query2.finance.yahoo.com"  # yfinance's chart API host
METHOD = "yfinance (Yahoo Finance chart API)"


def download(ticker: str, start: str | None, timeout: float) -> pd.DataFrame:
    """yfinance's frame for `ticker` (child process). Imported here so the parent never pays for it."""
    import yfinance as yf

    # auto_adjust=False: "Close" is split-adjusted only. Dividend adjustment would rewrite the whole
    # history of a share price at every dividend, which the refresh would rightly refuse as revisions.
    since = {"period": "max"} if start is None else {"start": start}
    return yf.download(
        ticker,
        **since,
        interval="1d",
        auto_adjust=False,
        actions=False,
        progress=False,
        threads=False,
        timeout=min(timeout, 10),
    )


def parse_frame(frame: pd.DataFrame | None, ticker: str) -> pd.Series:
    """The Close column of a yfinance frame: one-level (`Close`) or two-level (`Price`/`Ticker`) columns."""
    what = f"Yahoo {ticker}"
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        raise net.BadPayload(f"{what}: yfinance returned no rows (Yahoo unreachable, rate-limited or unknown ticker)")
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):
        level = next((i for i, names in enumerate(columns.levels) if "Close" in names), None)
        if level is None:
            raise net.BadPayload(f"{what}: no Close column in {list(columns)[:6]}")
        close = frame.xs("Close", axis=1, level=level)
        if isinstance(close, pd.DataFrame):
            if ticker in close.columns:
                close = close[ticker]
            elif close.shape[1] == 1:
                close = close.iloc[:, 0]
            else:
                raise net.BadPayload(f"{what}: the frame holds {list(close.columns)}, not {ticker}")
    elif "Close" in columns:
        close = frame["Close"]
    else:
        raise net.BadPayload(f"{what}: no Close column in {list(columns)[:6]}")
    return tidy(close, ticker, what)


def fetch_yahoo(
    ticker: str, *, start: pd.Timestamp | None = None, timeout: float = net.DEFAULT_TIMEOUT, probe: bool = True
) -> pd.Series:
    """Daily closes of `ticker` (from `start` when given), tidy; raises net.FetchError with a reason."""
    if probe:
        net.probe(HOST)
    since = None if start is None else f"{start:%Y-%m-%d}"  # a string: the child need not import pandas
    frame = net.run_with_deadline(download, ticker, since, timeout, timeout=timeout)
    return parse_frame(frame, ticker)
