"""Read FRED-, yfinance- and TIC-shaped CSV files into tidy date-indexed series.

Pure: each reader returns `ParsedSeries` records, named the way their publisher names them, or
raises `DataFormatError` naming the file, the line and the problem. Which TIC holders to read is
the caller's choice (Treasury's row labels). Nothing here writes anywhere.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

MISSING = {"", ".", "null", "nan", "NaN", "#N/A"}


class DataFormatError(ValueError):
    """A file that cannot be read as market data; the message says file, line and problem."""

    def __init__(self, path: str | Path, line: int, problem: str) -> None:
        self.path, self.line, self.problem = str(path), line, problem
        super().__init__(f"{path}:{line}: {problem}")


@dataclass(frozen=True)
class ParsedSeries:
    """One series read from a file: `source`/`source_id` name it the way its publisher does."""

    source: str  # "fred", "yahoo" or "tic"
    source_id: str  # FRED's series id, the ticker, or "MFH:" and Treasury's row label ("MFH:Grand Total")
    values: pd.Series  # float, DatetimeIndex named "date", strictly increasing, no NaN


def read_file(
    path: str | Path, yahoo_ticker: str | None = None, *, tic_holders: Collection[str] = ()
) -> list[ParsedSeries]:
    """Read any supported file, telling the format from its header; of a TIC file, only `tic_holders`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFormatError(path, 0, "no such file") from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(path, 1, f"not a UTF-8 text file ({exc.reason})") from None
    return read_text(text, path, yahoo_ticker=yahoo_ticker, tic_holders=tic_holders)


def read_text(
    text: str, path: str | Path = "<text>", yahoo_ticker: str | None = None, *, tic_holders: Collection[str] = ()
) -> list[ParsedSeries]:
    if isinstance(tic_holders, str):
        raise TypeError("tic_holders: a collection of Treasury row labels, not one string")
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise DataFormatError(path, 1, "the file is empty")
    header = [cell.strip() for cell in rows[0]]
    if header[:2] == ["Price", *header[1:2]] and len(rows) > 2 and rows[1][:1] == ["Ticker"]:
        return [_read_yfinance_multirow(rows, path)]
    if header[:1] in (["Date"], ["Datetime"]) and "Close" in header:
        ticker = yahoo_ticker or _ticker_from_name(Path(str(path)).name)
        if not ticker:
            raise DataFormatError(path, 1, "yfinance-style file without a ticker row: name the ticker (--ticker)")
        return [_read_single_column(rows, path, header.index("Close"), "yahoo", ticker, first_data_line=2)]
    if header[:3] == ["date", "country", "holdings_usd_bn"]:
        return _read_tic_tidy(rows, path, tuple(tic_holders))
    if len(header) == 2 and header[0] == "date" and (holder := _holder_of_column(header[1], tic_holders)):
        return [_read_single_column(rows, path, 1, "tic", f"MFH:{holder}", first_data_line=2)]
    if len(header) >= 2 and header[0].lower() in {"observation_date", "date"} and _looks_like_fred_ids(header[1:]):
        return [
            _read_single_column(rows, path, col, "fred", header[col], first_data_line=2)
            for col in range(1, len(header))
        ]
    raise DataFormatError(
        path,
        1,
        f"unrecognised header {','.join(header)[:80]!r}: expected FRED (observation_date|DATE,SERIES_ID), "
        "yfinance (Date,...,Close,... or the Price/Ticker/Date rows) or TIC (date,country,holdings_usd_bn,...)",
    )


def _looks_like_fred_ids(names: list[str]) -> bool:
    return all(re.fullmatch(r"[A-Z0-9_]{2,40}", name) for name in names)


def _holder_of_column(column: str, holders: Collection[str]) -> str | None:
    """The holder a one-holder TIC file's value column names: Treasury's label in snake case, then
    "_holdings_usd_bn" ("grand_total_holdings_usd_bn")."""
    for label in holders:
        if column == re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") + "_holdings_usd_bn":
            return label
    return None


def _ticker_from_name(name: str) -> str | None:
    stem = re.sub(r"\.csv$", "", name, flags=re.IGNORECASE)
    stem = re.sub(r"^yahoo_", "", stem)
    # yfinance users save files as the ticker (JPY=X.csv, ^N225.csv, 7203.T.csv).
    return stem if re.fullmatch(r"[\^A-Za-z0-9=.\-]{1,20}", stem) and re.search(r"[=^.]", stem) else None


def _read_yfinance_multirow(rows: list[list[str]], path: str | Path) -> ParsedSeries:
    fields = [cell.strip() for cell in rows[0]]
    tickers = [cell.strip() for cell in rows[1]]
    index_label = rows[2][0].strip() if rows[2] else ""
    if index_label not in {"Date", "Datetime"} or any(cell.strip() for cell in rows[2][1:]):
        raise DataFormatError(path, 3, "expected the third header row to be 'Date' or 'Datetime' and empty cells")
    if "Close" not in fields:
        raise DataFormatError(path, 1, "no Close column")
    col = fields.index("Close")
    distinct = {t for t in tickers[1:] if t}
    if len(distinct) != 1:
        raise DataFormatError(path, 2, f"expected one ticker, found {sorted(distinct)}")
    return _read_single_column(rows, path, col, "yahoo", tickers[col], first_data_line=4)


def _read_single_column(
    rows: list[list[str]],
    path: str | Path,
    col: int,
    source: str,
    source_id: str,
    first_data_line: int,
) -> ParsedSeries:
    dates: list[pd.Timestamp] = []
    values: list[float] = []
    lines: list[int] = []
    for offset, row in enumerate(rows[first_data_line - 1 :]):
        line = first_data_line + offset
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) <= col:
            raise DataFormatError(path, line, f"expected at least {col + 1} fields, found {len(row)}")
        day = _parse_date(row[0], path, line)
        cell = row[col].strip()
        if cell in MISSING:
            continue
        try:
            value = float(cell)
        except ValueError:
            raise DataFormatError(path, line, f"value {cell[:40]!r} in column {col + 1} is not a number") from None
        if not math.isfinite(value):
            raise DataFormatError(path, line, f"value {cell!r} is not finite")
        dates.append(day)
        values.append(value)
        lines.append(line)
    return ParsedSeries(source, source_id, _ordered(dates, values, lines, path, source_id))


def _parse_date(cell: str, path: str | Path, line: int) -> pd.Timestamp:
    cell = cell.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?$", cell):
        raise DataFormatError(path, line, f"date {cell[:40]!r} is not an ISO date (YYYY-MM-DD)")
    try:
        stamp = pd.Timestamp(cell)
    except ValueError:
        raise DataFormatError(path, line, f"date {cell!r} does not exist") from None
    # Daily bars: the exchange's own calendar date is what counts, whatever the offset.
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    if stamp != stamp.normalize():
        raise DataFormatError(path, line, f"timestamp {cell!r} has a time of day: only daily data can be imported")
    return stamp


def _ordered(
    dates: list[pd.Timestamp], values: list[float], lines: list[int], path: str | Path, name: str
) -> pd.Series:
    for i in range(1, len(dates)):
        if dates[i] == dates[i - 1]:
            raise DataFormatError(path, lines[i], f"duplicate date {dates[i]:%Y-%m-%d} for {name}")
        if dates[i] < dates[i - 1]:
            raise DataFormatError(path, lines[i], f"date {dates[i]:%Y-%m-%d} comes before the previous row's")
    if not dates:
        raise DataFormatError(path, 2, f"no observations for {name}")
    return pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=name, dtype="float64")


def _read_tic_tidy(rows: list[list[str]], path: str | Path, holders: tuple[str, ...]) -> list[ParsedSeries]:
    if not holders:
        raise DataFormatError(path, 1, "a TIC file, but no holders to read were named (Treasury's row labels)")
    found: dict[str, tuple[list[pd.Timestamp], list[float], list[int]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 3:
            raise DataFormatError(path, line, f"expected date,country,holdings_usd_bn,... found {len(row)} fields")
        country = row[1].strip()
        if country not in holders:
            continue
        day = _parse_date(row[0], path, line)
        try:
            value = float(row[2])
        except ValueError:
            raise DataFormatError(path, line, f"holdings {row[2][:40]!r} is not a number") from None
        dates, values, lines = found.setdefault(country, ([], [], []))
        dates.append(day)
        values.append(value)
        lines.append(line)
    if not found:
        raise DataFormatError(path, 2, f"none of {', '.join(holders)} found in the TIC file")
    return [
        ParsedSeries("tic", f"MFH:{country}", _ordered(*found[country], path, country))
        for country in holders
        if country in found
    ]
