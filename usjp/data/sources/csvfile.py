"""Read FRED-, yfinance-, TIC- and MoF-shaped CSV files into tidy date-indexed series.

Pure: each reader returns `ParsedSeries` records, named the way their publisher names them, or
raises `DataFormatError` naming the file, the line and the problem. Which TIC holders to read is
the caller's choice (Treasury's row labels). Nothing here writes anywhere.

A file is refused before it is opened unless it is a regular file within MAX_BYTES (never a
directory, FIFO, device or socket: a FIFO or /dev/zero would block or never end), and while it is
read as soon as a line, a row or a cell passes the limits below, before anything large is built.
Error messages never echo a refused file's lines: a cell is quoted only when it is short and looks
like data (`shown`), else described by its length.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import os
import re
import stat
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

MISSING = {"", ".", "null", "nan", "NaN", "#N/A"}

# Limits on a file to import (or a CSV answer to parse), so a hostile or mistaken file is refused in
# bounded time and memory: the size before the file is opened, the rest line by line while it is
# read. Real inputs are far inside them: FRED's whole daily 10-year history since 1962 is ~16,000
# rows and 400 KB; a yfinance daily OHLCV download since 1927 ~25,000 rows and 3 MB; Treasury's TIC
# history as a tidy CSV ~15,000 rows of 5 fields; no cell of any of them is longer than ~40
# characters. The worst file within every limit (10 MB of one-character values in 50 columns, 4.5
# million cells) is read in about 3 s and 170 MB (measured); a file past a limit is refused at the
# line that passes it, having built nothing larger than that line.
MAX_BYTES = 10_000_000  # bytes in a file (10 MB)
MAX_ROWS = 200_000  # lines in a file
MAX_COLUMNS = 50  # fields on a line
MAX_CELL = 200  # characters in a field
# The longest line a row within MAX_COLUMNS and MAX_CELL can take (every field quoted, every
# character a doubled quote, CRLF): a longer line is refused before the CSV reader splits it.
MAX_LINE = MAX_COLUMNS * (2 * MAX_CELL + 3) + 2
# Dates a market observation can have, the store's (usjp/data/store.py): outside them a date is a
# typo or garbage, and dates near the calendar's ends overflow when the app shifts them.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

FORMATS = (
    "expected FRED (observation_date|DATE,SERIES_ID), yfinance (Date,...,Close,... or the Price/Ticker/Date "
    "rows), TIC (date,country,holdings_usd_bn,...) or Japan's intervention record (date,amount_100m_yen,...)"
)


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
    return read_bytes(read_guarded(path), path, yahoo_ticker=yahoo_ticker, tic_holders=tic_holders)


def read_guarded(path: str | Path) -> bytes:
    """The bytes of `path`, or DataFormatError unless it is a regular file of at most MAX_BYTES.

    The kind and size are checked before the file is opened (a FIFO is never opened, so never
    waited on), and again on the open descriptor, in case the path was swapped in between; a symlink
    is followed and judged by what it points at. At most MAX_BYTES + 1 bytes are ever read.
    """
    path = Path(path)
    try:
        _check_kind(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise DataFormatError(path, 0, "no such file") from None
    except OSError as exc:
        raise DataFormatError(path, 0, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    with os.fdopen(fd, "rb") as fh:
        _check_kind(path, os.fstat(fh.fileno()))
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # it grew after the check
        raise DataFormatError(path, 0, f"larger than the {MAX_BYTES:,}-byte limit for a data file; nothing was read")
    return data


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_kind(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
        raise DataFormatError(path, 0, f"{kind}, not a regular file: only CSV files can be imported")
    if info.st_size > MAX_BYTES:
        raise DataFormatError(
            path, 0, f"{info.st_size:,} bytes, larger than the {MAX_BYTES:,}-byte limit for a data file"
        )


def read_bytes(
    data: bytes, path: str | Path = "<bytes>", yahoo_ticker: str | None = None, *, tic_holders: Collection[str] = ()
) -> list[ParsedSeries]:
    """`read_text` of UTF-8 bytes (a byte-order mark allowed), e.g. from `read_guarded`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataFormatError(path, line, f"not a UTF-8 text file ({exc.reason})") from None
    return read_text(text, path, yahoo_ticker=yahoo_ticker, tic_holders=tic_holders)


def read_text(
    text: str, path: str | Path = "<text>", yahoo_ticker: str | None = None, *, tic_holders: Collection[str] = ()
) -> list[ParsedSeries]:
    if isinstance(tic_holders, str):
        raise TypeError("tic_holders: a collection of Treasury row labels, not one string")
    nul = text.find("\x00")
    if nul >= 0:
        raise DataFormatError(path, text.count("\n", 0, nul) + 1, "a NUL character: a binary file, not CSV text")
    reader = _rows(text, path)
    head = list(itertools.islice(reader, 3))  # enough to tell the format; the rest is read only then
    blank_header = not head or not any(cell.strip() for cell in head[0])
    if blank_header and not any(cell.strip() for row in itertools.chain(head, reader) for cell in row):
        raise DataFormatError(path, 1, "the file is empty")
    parse = _format_of(head, text, path, yahoo_ticker, tuple(tic_holders))
    # One pass over the rows as they are read: no list of them is kept, only the values taken.
    return parse(itertools.chain(head, reader))


def _format_of(
    head: list[list[str]], text: str, path: str | Path, yahoo_ticker: str | None, tic_holders: tuple[str, ...]
) -> Callable[[Iterable[list[str]]], list[ParsedSeries]]:
    """The reader for a file that starts with the rows `head`, or DataFormatError (which quotes none of them)."""
    header = [cell.strip() for cell in head[0]] if head else []
    if header[:2] == ["Price", *header[1:2]] and len(head) > 2 and head[1][:1] == ["Ticker"]:
        return lambda rows: _read_yfinance_multirow(head, rows, path)
    if header[:1] in (["Date"], ["Datetime"]) and "Close" in header:
        ticker = yahoo_ticker or _ticker_from_name(Path(str(path)).name)
        if not ticker:
            raise DataFormatError(path, 1, "yfinance-style file without a ticker row: name the ticker (--ticker)")
        return lambda rows: _read_columns(rows, path, {header.index("Close"): ticker}, "yahoo", 2)
    if header[:3] == ["date", "country", "holdings_usd_bn"]:
        return lambda rows: _read_tic_tidy(rows, path, tic_holders)
    if len(header) == 2 and header[0] == "date" and (holder := _holder_of_column(header[1], tic_holders)):
        return lambda rows: _read_columns(rows, path, {1: f"MFH:{holder}"}, "tic", 2)
    from usjp.data.sources import mof  # here, not at the top: mof reads its files with this module

    if mof.is_header(header):
        return lambda rows: mof.parse_rows(rows, path)
    if len(header) >= 2 and header[0].lower() in {"observation_date", "date"} and _looks_like_fred_ids(header[1:]):
        return lambda rows: _read_columns(rows, path, dict(enumerate(header[1:], start=1)), "fred", 2)
    end = text.find("\n")
    length = len((text if end < 0 else text[:end]).rstrip("\r"))
    raise DataFormatError(
        path,
        1,
        f"unrecognised header: the first line is not a FRED, yfinance or TIC header, nor MoF's ({length} characters, "
        f"{len(header)} field{'' if len(header) == 1 else 's'}); {FORMATS}",
    )


def _lines(text: str, path: str | Path) -> Iterator[str]:
    """The lines of `text`, refused at the first one past MAX_ROWS or MAX_LINE (nothing is split yet)."""
    for number, line in enumerate(io.StringIO(text), start=1):
        if number > MAX_ROWS:
            raise DataFormatError(path, number, f"more than {MAX_ROWS:,} lines, the limit for a data file")
        if len(line) > MAX_LINE:
            if line.count(",") >= MAX_COLUMNS:
                raise DataFormatError(path, number, f"more than {MAX_COLUMNS} columns, the limit for a data file")
            raise DataFormatError(path, number, f"a cell longer than {MAX_CELL} characters, the limit for a data file")
        yield line


def _rows(text: str, path: str | Path) -> Iterator[list[str]]:
    """CSV rows of `text`, each checked against MAX_COLUMNS and MAX_CELL as it is read."""
    reader = csv.reader(_lines(text, path))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a quoted field running on past csv's own field limit (128 KB)
            raise DataFormatError(path, reader.line_num, f"not a readable CSV line ({exc})") from None
        if len(row) > MAX_COLUMNS:
            raise DataFormatError(path, reader.line_num, f"more than {MAX_COLUMNS} columns, the limit for a data file")
        if max(map(len, row), default=0) > MAX_CELL:
            raise DataFormatError(
                path, reader.line_num, f"a cell longer than {MAX_CELL} characters, the limit for a data file"
            )
        yield row


def shown(cell: str) -> str:
    """A cell for an error message: quoted when short and data-like ('abc', '02/01/2025'), else only
    its length, so a message never carries a line of a file it refuses."""
    cell = cell.strip()
    if len(cell) <= 24 and re.fullmatch(r"[A-Za-z0-9 .,:;+\-/=^#!%()_]*", cell):
        return repr(cell)
    return f"of {len(cell)} characters"


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


def _read_yfinance_multirow(head: list[list[str]], rows: Iterable[list[str]], path: str | Path) -> list[ParsedSeries]:
    fields = [cell.strip() for cell in head[0]]
    tickers = [cell.strip() for cell in head[1]]
    index_label = head[2][0].strip() if head[2] else ""
    if index_label not in {"Date", "Datetime"} or any(cell.strip() for cell in head[2][1:]):
        raise DataFormatError(path, 3, "expected the third header row to be 'Date' or 'Datetime' and empty cells")
    if "Close" not in fields:
        raise DataFormatError(path, 1, "no Close column")
    col = fields.index("Close")
    distinct = {t for t in tickers[1:] if t}
    if len(distinct) != 1:
        found = "".join(f"{', ' if i else ': '}{shown(t)}" for i, t in enumerate(sorted(distinct)[:5]))
        raise DataFormatError(path, 2, f"expected one ticker, found {len(distinct)}{found}")
    if len(tickers) <= col or not tickers[col]:
        raise DataFormatError(path, 2, "no ticker above the Close column")
    return _read_columns(rows, path, {col: tickers[col]}, "yahoo", first_data_line=4)


def _read_columns(
    rows: Iterable[list[str]], path: str | Path, names: dict[int, str], source: str, first_data_line: int
) -> list[ParsedSeries]:
    """One series per column in `names` (column -> source id), in one pass; each row's date is read once.

    Values and dates are kept in flat arrays (8 bytes each), so even a file at every limit stays small.
    """
    days = {col: array("q") for col in names}  # days since 1970-01-01
    values = {col: array("d") for col in names}
    # The loop runs once per cell (up to ~5 million within the limits): its lookups are bound once, here.
    columns = [(col, days[col].append, values[col].append) for col in names]
    width, isfinite, previous = max(names) + 1, math.isfinite, None
    for line, row in enumerate(rows, start=1):
        if line < first_data_line or not "".join(row).strip():
            continue
        if len(row) < width:
            raise DataFormatError(path, line, f"expected at least {width} fields, found {len(row)}")
        day = _parse_day(row[0], path, line)
        if previous is not None and day <= previous:
            if day == previous:
                raise DataFormatError(path, line, f"duplicate date {_iso(day)}")
            raise DataFormatError(path, line, f"date {_iso(day)} comes before the previous row's")
        previous = day
        for col, add_day, add_value in columns:
            cell = row[col]
            try:
                value = float(cell)  # surrounding blanks allowed
            except ValueError:
                if cell.strip() in MISSING:
                    continue
                _not_a_number(cell, path, line, f"value {shown(cell)} in column {col + 1}")
            if not isfinite(value):
                if cell.strip() in MISSING:  # "nan", "NaN"
                    continue
                _not_a_number(cell, path, line, f"value {shown(cell)} in column {col + 1}")
            add_day(day)
            add_value(value)
    return [ParsedSeries(source, name, _series(days[col], values[col], path, name)) for col, name in names.items()]


def _not_a_number(cell: str, path: str | Path, line: int, what: str) -> NoReturn:
    """Refuse a cell that is no finite number (the message is built only here, off the fast path)."""
    try:
        float(cell)
    except ValueError:
        raise DataFormatError(path, line, f"{what} is not a number") from None
    raise DataFormatError(path, line, f"{what} is not finite")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?")
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _parse_day(cell: str, path: str | Path, line: int) -> int:
    """An ISO date (or a midnight timestamp, any offset) as days since 1970-01-01."""
    cell = cell.strip()
    if not _DATE.fullmatch(cell):
        raise DataFormatError(path, line, f"date {shown(cell)} is not an ISO date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(cell[:10])
    except ValueError:
        raise DataFormatError(path, line, f"date {shown(cell)} does not exist") from None
    if len(cell) > 10:
        try:
            stamp = pd.Timestamp(cell)
        except ValueError:
            raise DataFormatError(path, line, f"date {shown(cell)} does not exist") from None
        # Daily bars: the exchange's own calendar date is what counts, whatever the offset.
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        if stamp != stamp.normalize():
            raise DataFormatError(
                path, line, f"timestamp {shown(cell)} has a time of day: only daily data can be imported"
            )
    if not FIRST_DATE <= day <= LAST_DATE:
        raise DataFormatError(path, line, f"date {shown(cell)} is outside {FIRST_DATE}..{LAST_DATE}")
    return day.toordinal() - _EPOCH


def _iso(day: int) -> str:
    return dt.date.fromordinal(day + _EPOCH).isoformat()


def _series(days: array, values: array, path: str | Path, name: str) -> pd.Series:
    if not days:
        raise DataFormatError(path, 2, f"no observations for {name}")
    index = pd.DatetimeIndex(np.frombuffer(days, dtype="int64").astype("datetime64[D]").astype("datetime64[us]"))
    return pd.Series(np.frombuffer(values, dtype="float64").copy(), index=index.rename("date"), name=name)


def _read_tic_tidy(rows: Iterable[list[str]], path: str | Path, holders: tuple[str, ...]) -> list[ParsedSeries]:
    if not holders:
        raise DataFormatError(path, 1, "a TIC file, but no holders to read were named (Treasury's row labels)")
    found: dict[str, tuple[array, array]] = {}
    for line, row in enumerate(rows, start=1):
        if line == 1 or not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise DataFormatError(path, line, f"expected date,country,holdings_usd_bn,... found {len(row)} fields")
        country = row[1].strip()
        if country not in holders:
            continue
        day = _parse_day(row[0], path, line)
        days, values = found.setdefault(country, (array("q"), array("d")))
        if days and day <= days[-1]:
            if day == days[-1]:
                raise DataFormatError(path, line, f"duplicate date {_iso(day)} for {country}")
            raise DataFormatError(path, line, f"date {_iso(day)} comes before the previous {country} row's")
        days.append(day)
        try:
            value = float(row[2])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            _not_a_number(row[2], path, line, f"holdings {shown(row[2])}")
        values.append(value)
    if not found:
        raise DataFormatError(path, 2, f"none of {', '.join(holders)} found in the TIC file")
    return [
        ParsedSeries("tic", f"MFH:{country}", _series(*found[country], path, country))
        for country in holders
        if country in found
    ]
