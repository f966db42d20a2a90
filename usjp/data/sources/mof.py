"""Japan's Ministry of Finance intervention record, one row per operation, as a signed daily series.

The layout is the project's reformatting of the ministry's "Foreign Exchange Intervention Operations"
table (../shared/data/raw/PROVENANCE.md): `HEADER` exactly, one row per operation, amounts in the
ministry's unit (100 million yen, always positive) and the direction in `yen_side`. A day's value is
the sum of its yen legs, + for yen bought and − for yen sold; operations without a yen side (US dollars
sold for marks in 1991 and for rupiah in 1997) are left out of the series and returned apart.
Pure: the bytes come from csvfile's guarded reading and its limits; bad rows raise DataFormatError
naming the file, the line and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from usjp.data.sources.csvfile import FIRST_DATE, LAST_DATE, DataFormatError, ParsedSeries, read_file, shown

SOURCE, SOURCE_ID = "mof", "FEIO"
HEADER = (
    "date",
    "amount_100m_yen",
    "currency_sold",
    "currency_bought",
    "yen_side",
    "description_as_published",
    "description_jp_as_published",
    "second_copy",
)
YEN = "JPY"
SIGN = {"yen_buying": 1, "yen_selling": -1, "no_yen": 0}
_COLUMN = {name: number for number, name in enumerate(HEADER, start=1)}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"[+-]?\d+")  # whole units of 100 million yen, as the ministry publishes them
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Operation:
    """One row of the record: an operation on `day`, `amount` × ¥100 million, `sold` for `bought`."""

    line: int
    day: dt.date
    amount: int
    sold: str
    bought: str
    yen_side: str

    def __str__(self) -> str:
        return f"{self.day}: {self.sold} sold for {self.bought}, {self.amount:,} × ¥100 million"


@dataclass(frozen=True)
class InterventionRecord(ParsedSeries):
    """The signed daily series (`values`, ¥100 million, + yen bought) and what the file held besides."""

    operations: int = 0  # rows read, every kind
    days: int = 0  # days with at least one operation, every kind
    no_yen: tuple[Operation, ...] = field(default=())  # operations without a yen side: not in `values`

    def remarks(self) -> list[str]:
        """What an import should tell the reader about the rows that are not in the series."""
        if not self.no_yen:
            return []
        pairs = sorted({f"{op.sold} sold for {op.bought}" for op in self.no_yen})
        years = sorted({op.day.year for op in self.no_yen})
        return [
            f"{len(self.no_yen)} of {self.operations} operations have no yen side ({', '.join(pairs)}; "
            f"{', '.join(map(str, years))}): left out of the signed yen series"
        ]


def is_header(header: list[str]) -> bool:
    """Whether a file's first row (cells stripped) starts like this layout (the rest is checked on reading)."""
    return header[:2] == list(HEADER[:2])


def read_record(path: str | Path) -> InterventionRecord:
    """The record in the file at `path`, read within csvfile's limits; DataFormatError for anything else."""
    found = read_file(path)
    if len(found) != 1 or not isinstance(found[0], InterventionRecord):
        raise DataFormatError(path, 1, f"not the intervention record's layout: expected the header {','.join(HEADER)}")
    return found[0]


def parse_rows(rows: Iterable[list[str]], path: str | Path) -> list[ParsedSeries]:
    """The record from CSV rows (the header first, as csvfile reads them), as one InterventionRecord."""
    rows = iter(rows)
    header = [cell.strip() for cell in next(rows, [])]
    if header != list(HEADER):
        raise DataFormatError(
            path, 1, f"the intervention record's header must be exactly {','.join(HEADER)} ({len(header)} fields found)"
        )
    operations: list[Operation] = []
    seen: dict[tuple[dt.date, str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        if not "".join(row).strip():
            continue
        op = _operation(row, path, line)
        if operations and op.day < operations[-1].day:
            raise DataFormatError(
                path, line, f"column 1 (date): {op.day} comes before the previous row's {operations[-1].day}"
            )
        pair = (op.day, op.sold, op.bought)
        if pair in seen:
            raise DataFormatError(
                path,
                line,
                f"columns 1, 3 and 4 (date, currency_sold, currency_bought): a second {op.sold}-for-{op.bought} "
                f"operation on {op.day} (the first is on line {seen[pair]})",
            )
        seen[pair] = line
        operations.append(op)
    if not operations:
        raise DataFormatError(path, 2, "no operations: the file has a header and no rows")
    return [_record(operations, path)]


def _operation(row: list[str], path: str | Path, line: int) -> Operation:
    if len(row) != len(HEADER):
        raise DataFormatError(path, line, f"expected {len(HEADER)} fields, found {len(row)}")
    cells = dict(zip(HEADER, (cell.strip() for cell in row), strict=True))
    day = _day(cells["date"], path, line)
    amount = _amount(cells["amount_100m_yen"], path, line)
    sold, bought = (_currency(cells[name], name, path, line) for name in ("currency_sold", "currency_bought"))
    if sold == bought:
        raise DataFormatError(path, line, f"{_at('currency_bought')}: {bought} is also the currency sold")
    side = cells["yen_side"]
    if side not in SIGN:
        raise DataFormatError(path, line, f"{_at('yen_side')}: {shown(side)} is not one of {', '.join(SIGN)}")
    expected = "yen_buying" if bought == YEN else "yen_selling" if sold == YEN else "no_yen"
    if side != expected:
        raise DataFormatError(
            path, line, f"{_at('yen_side')}: {side}, but {sold} is sold for {bought}, which makes it {expected}"
        )
    return Operation(line, day, amount, sold, bought, side)


def _at(column: str) -> str:
    return f"column {_COLUMN[column]} ({column})"


def _day(cell: str, path: str | Path, line: int) -> dt.date:
    if not _DAY.fullmatch(cell):
        raise DataFormatError(path, line, f"{_at('date')}: {shown(cell)} is not an ISO date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(cell)
    except ValueError:
        raise DataFormatError(path, line, f"{_at('date')}: {shown(cell)} does not exist") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise DataFormatError(path, line, f"{_at('date')}: {cell} is outside {FIRST_DATE}..{LAST_DATE}")
    return day


def _amount(cell: str, path: str | Path, line: int) -> int:
    if not _AMOUNT.fullmatch(cell):
        raise DataFormatError(
            path, line, f"{_at('amount_100m_yen')}: {shown(cell)} is not a whole number of ¥100 million"
        )
    amount = int(cell)
    if amount <= 0:
        raise DataFormatError(
            path, line, f"{_at('amount_100m_yen')}: {amount} is not positive (the direction is in yen_side)"
        )
    return amount


def _currency(cell: str, column: str, path: str | Path, line: int) -> str:
    if not _CURRENCY.fullmatch(cell):
        raise DataFormatError(path, line, f"{_at(column)}: {shown(cell)} is not an ISO currency code (e.g. USD)")
    return cell


def _record(operations: list[Operation], path: str | Path) -> InterventionRecord:
    """Sum each day's yen legs, signed; refuse a day whose legs cancel out (it would have no direction)."""
    net: dict[dt.date, int] = {}
    last_line: dict[dt.date, int] = {}
    for op in operations:
        if op.yen_side != "no_yen":
            net[op.day] = net.get(op.day, 0) + SIGN[op.yen_side] * op.amount
            last_line[op.day] = op.line
    for day, total in net.items():
        if total == 0:
            raise DataFormatError(
                path, last_line[day], f"{_at('yen_side')}: the yen bought and sold on {day} cancel out (net zero)"
            )
    if not net:
        raise DataFormatError(path, 2, "no operations with a yen side: the series would be empty")
    index = pd.DatetimeIndex(np.array(list(net), dtype="datetime64[D]").astype("datetime64[us]"), name="date")
    values = pd.Series(np.array(list(net.values()), dtype="float64"), index=index, name=SOURCE_ID)
    return InterventionRecord(
        SOURCE,
        SOURCE_ID,
        values,
        operations=len(operations),
        days=len({op.day for op in operations}),
        no_yen=tuple(op for op in operations if op.yen_side == "no_yen"),
    )
