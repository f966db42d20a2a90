"""Treasury TIC "Major Foreign Holders of Treasury Securities": each holder's Treasury holdings,
$bn at the end of each month, dated the first of the month. The caller names the holders it wants
by Treasury's own row labels ("Grand Total" is one); the series come back keyed by those labels.

Two published tables make the series: `mfhhis01.txt` (history, one block per year, newest first)
and `slt_table5.txt` (the latest 13 months, which win where the two overlap). The parsers read
the layouts Treasury has used (samples in tests/fixtures/samples, see its README): the tab- or comma-delimited
history with series breaks (a month shown twice: the first, newer series is kept) and footnote
markers on old labels, the current table with ISO month headers, and the old fixed-width table.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Collection

import pandas as pd

from usjp.data.sources import net
from usjp.data.sources.tidy import tidy

HOST = "ticdata.treasury.gov"
DOCUMENTS = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/"
HISTORY_URL = DOCUMENTS + "mfhhis01.txt"
CURRENT_URL = DOCUMENTS + "slt_table5.txt"
METHOD = "Treasury TIC tables mfhhis01.txt + slt_table5.txt"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}  # as printed by Treasury, whatever our locale
MISSING = {"", "n.a.", "*"}  # "*" is "less than $50 million" in the history's footnotes


# -- run in the child process ----------------------------------------------------------------------


def download_tables(timeout: float) -> dict[str, bytes]:
    """Both tables' bodies (child process)."""
    return {
        "history": net.http_get(HISTORY_URL, timeout=timeout),
        "current": net.http_get(CURRENT_URL, timeout=timeout),
    }


# -- pure parsing ----------------------------------------------------------------------------------


def parse_table(body: bytes | str, holders: Collection[str], name: str = "TIC table") -> dict[str, pd.Series]:
    """Treasury's row label -> holdings, for each of `holders` the table holds, whatever its layout."""
    if isinstance(holders, str):
        raise TypeError("holders: a collection of Treasury row labels, not one string")
    holders = tuple(holders)
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head = text.lstrip()[:2000]
    if head.startswith("<") and re.search(r"<(!doctype html|html|head|body)\b", head, re.IGNORECASE):
        raise net.BadPayload(f"{name}: the server answered with an HTML page, not the table")
    if re.search(r"^Country\t\d{4}-\d{2}\b", text, re.MULTILINE):
        found = _parse_current(text, name, holders)
    elif match := re.search(r"^Country([\t,])\d{4}\1", text, re.MULTILINE):
        found = _parse_history(text, name, holders, delimiter=match.group(1))
    elif re.search(r"^Country +\d{4} +\d{4}", text, re.MULTILINE):
        found = _parse_fixed_width(text, name, holders)
    else:
        raise net.BadPayload(f"{name}: not a TIC Major Foreign Holders table (no 'Country' header row)")
    if not found:
        raise net.BadPayload(f"{name}: none of {', '.join(holders)} found")
    return {
        label: tidy(pd.Series(dict(sorted(found[label].items()))), label, f"{name} {label}")
        for label in holders
        if label in found
    }


def combine(history: dict[str, pd.Series], current: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """History extended by the current table (both keyed alike); the current table wins on months both hold."""
    out = {}
    for key in dict.fromkeys([*history, *current]):
        parts = [s for s in (current.get(key), history.get(key)) if s is not None]
        merged = parts[0] if len(parts) == 1 else parts[0].combine_first(parts[1])
        out[key] = tidy(merged, key, f"TIC {key}")
    return out


def _label(cell: str) -> str:
    """A row label without footnote markers ("Oil Exporters 3/") or stray spaces."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\d+/\s*$", "", cell.strip().strip('"'))).strip()


def _number(cell: str, name: str, line: int, label: str) -> float | None:
    cell = cell.strip()
    if cell in MISSING:
        return None
    try:
        return float(cell)
    except ValueError:
        raise net.BadPayload(f"{name}:{line}: {label} value {cell[:30]!r} is not a number") from None


def _check_decreasing(stamps: list[pd.Timestamp], name: str, line: int) -> None:
    for newer, older in itertools.pairwise(stamps):
        if older >= newer:
            raise net.BadPayload(f"{name}:{line}: month columns out of order ({older:%Y-%m} after {newer:%Y-%m})")


def _take_row(
    found: dict[str, dict[pd.Timestamp, float]],
    holders: tuple[str, ...],
    first: str,
    cells: list[str],
    columns: list[tuple[int, pd.Timestamp]],
    name: str,
    line: int,
) -> None:
    """Record a holder's row (cells at `columns`) when it is one of the wanted `holders`."""
    label = _label(first)
    if label not in holders:
        return
    values = found.setdefault(label, {})
    for i, stamp in columns:
        value = _number(cells[i] if i < len(cells) else "", name, line, label)
        if value is not None:
            values[stamp] = value


def _parse_history(
    text: str, name: str, holders: tuple[str, ...], delimiter: str
) -> dict[str, dict[pd.Timestamp, float]]:
    found: dict[str, dict[pd.Timestamp, float]] = {}
    months: list[tuple[int, int]] | None = None
    columns: list[tuple[int, pd.Timestamp]] | None = None
    oldest: pd.Timestamp | None = None  # of the previous block: blocks run newest first
    for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        first = cells[0] if cells else ""
        filled = [(i, c) for i, c in enumerate(cells) if c]
        if not first and filled and all(c in MONTHS for _, c in filled):
            months, columns = [(i, MONTHS[c]) for i, c in filled], None
            continue
        if first == "Country" and months:
            years = dict(filled)
            columns = []
            for i, month in months:
                if not re.fullmatch(r"\d{4}", years.get(i, "")):
                    raise net.BadPayload(f"{name}:{line}: the month in column {i + 1} has no year")
                stamp = pd.Timestamp(int(years[i]), month, 1)
                if columns and stamp == columns[-1][1]:
                    continue  # a series break shows a month twice: keep the first, newer series
                columns.append((i, stamp))
            stamps = [s for _, s in columns]
            _check_decreasing(stamps, name, line)
            if oldest is not None and stamps[0] >= oldest:
                raise net.BadPayload(f"{name}:{line}: the {stamps[0]:%Y} block is not older than the one above")
            oldest, months = stamps[-1], None
            continue
        if first.startswith("Department of the Treasury"):
            break
        if columns is not None:
            _take_row(found, holders, first, cells, columns, name, line)
    return found


def _parse_current(text: str, name: str, holders: tuple[str, ...]) -> dict[str, dict[pd.Timestamp, float]]:
    found: dict[str, dict[pd.Timestamp, float]] = {}
    columns: list[tuple[int, pd.Timestamp]] | None = None
    for line, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
        cells = [c.strip() for c in row]
        first = cells[0] if cells else ""
        if first == "Country" and columns is None:
            columns = [(i, pd.Timestamp(f"{c}-01")) for i, c in enumerate(cells) if re.fullmatch(r"\d{4}-\d{2}", c)]
            _check_decreasing([s for _, s in columns], name, line)
            continue
        if first.startswith("Notes:"):
            break
        if columns is not None:
            _take_row(found, holders, first, cells, columns, name, line)
    return found


_VALUE = re.compile(r"^(-?\d+(\.\d+)?|n\.a\.|\*)$")


def _parse_fixed_width(text: str, name: str, holders: tuple[str, ...]) -> dict[str, dict[pd.Timestamp, float]]:
    found: dict[str, dict[pd.Timestamp, float]] = {}
    lines = text.split("\n")
    columns: list[pd.Timestamp] | None = None
    for line, raw in enumerate(lines, start=1):
        tokens = raw.split()
        if tokens[:1] == ["Country"] and columns is None:
            month_row = next((lines[j].split() for j in range(line - 2, -1, -1) if lines[j].strip()), [])
            years = tokens[1:]
            if len(month_row) != len(years) or not all(m in MONTHS for m in month_row):
                raise net.BadPayload(f"{name}:{line}: the month row above 'Country' does not match its years")
            columns = [pd.Timestamp(int(y), MONTHS[m], 1) for m, y in zip(month_row, years, strict=True)]
            _check_decreasing(columns, name, line)
            continue
        if raw.startswith("Department of the Treasury"):
            break
        if columns is None or len(tokens) <= len(columns):
            continue
        label = _label(" ".join(tokens[: -len(columns)]))
        if label not in holders:
            continue
        cells = tokens[-len(columns) :]
        if not all(_VALUE.match(c) for c in cells):
            bad = next(c for c in cells if not _VALUE.match(c))
            raise net.BadPayload(f"{name}:{line}: {label} value {bad[:30]!r} is not a number")
        values = found.setdefault(label, {})
        for stamp, cell in zip(columns, cells, strict=True):
            value = _number(cell, name, line, label)
            if value is not None:
                values[stamp] = value
    return found


# -- the fetch -------------------------------------------------------------------------------------


def fetch_tic(
    holders: Collection[str], *, timeout: float = net.DEFAULT_TIMEOUT, probe: bool = True
) -> dict[str, pd.Series]:
    """Treasury's row label -> holdings from both published tables, for each of `holders` they hold;
    raises net.FetchError with a reason."""
    if probe:
        net.probe(HOST)
    bodies = net.run_with_deadline(download_tables, timeout, timeout=timeout)
    history = parse_table(bodies["history"], holders, "TIC mfhhis01.txt")
    current = parse_table(bodies["current"], holders, "TIC slt_table5.txt")
    return combine(history, current)
