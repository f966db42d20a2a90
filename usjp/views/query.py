"""Reading query parameters defensively: every value that cannot be used becomes a notice, never an error.

Shared by the pages' view parsers (usjp.viewstate, usjp.study_view).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

MAX_PARAM_CHARS = 500  # one value
MAX_LIST_CHARS = 2000  # all values of a list parameter together


def short(value: object) -> str:
    """A value shortened for quoting back in a notice."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _items(raw: str | Sequence[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


class QueryReader:
    """Query parameters plus the notices collected while reading them."""

    def __init__(self, params: Mapping[str, str | Sequence[str]], known: Iterable[str]) -> None:
        self.params = params
        self.notices: list[str] = []
        allowed = set(known)
        for key in params:
            if key not in allowed:
                self.notices.append(f"Ignored unknown URL parameter {short(key)!r}.")

    def __contains__(self, key: str) -> bool:
        return key in self.params

    def single(self, key: str) -> str | None:
        """The last value of `key`; None when absent or too long (with a notice)."""
        raw = self.params.get(key)
        if raw is None:
            return None
        values = _items(raw)
        if len(values) > 1:
            self.notices.append(f"URL parameter {key!r} was given {len(values)} times; used the last.")
        value = values[-1] if values else ""
        if len(value) > MAX_PARAM_CHARS:
            self.notices.append(f"Ignored URL parameter {key!r}: too long.")
            return None
        return value

    def choice(self, key: str, allowed: Iterable[str], notice: str) -> str | None:
        """The value of `key` when it is one of `allowed`; otherwise None, and `notice` (with `{value}`
        standing for the shortened value) when the parameter was given but not usable."""
        value = self.single(key)
        if value is None:
            return None
        if value in allowed:
            return value
        self.notices.append(notice.format(value=repr(short(value))))
        return None

    def values(self, key: str, max_chars: int) -> list[str] | None:
        """Comma-separated and repeated values of `key`, non-empty; None when absent or too long."""
        raw = self.params.get(key)
        if raw is None:
            return None
        items = _items(raw)
        if sum(len(v) for v in items) > max_chars:
            self.notices.append(f"Ignored URL parameter {key!r}: too long.")
            return None
        return [part.strip() for item in items for part in item.split(",") if part.strip()]

    def date_range(self, bounds: tuple[dt.date, dt.date] | None) -> tuple[dt.date | None, dt.date | None] | None:
        """`start` and `end` (YYYY-MM-DD) as dates, either open: None when neither is given. A value that
        is not a date is dropped, dates outside `bounds` (the data's first and last) are moved into them,
        and a start not before the end drops both, each with a notice."""
        start_raw, end_raw = self.single("start"), self.single("end")
        if start_raw is None and end_raw is None:
            return None
        start = _day(start_raw) if start_raw is not None else None
        end = _day(end_raw) if end_raw is not None else None
        if start_raw is not None and start is None:
            self.notices.append(f"Ignored start date {short(start_raw)!r}: not a date (YYYY-MM-DD).")
        if end_raw is not None and end is None:
            self.notices.append(f"Ignored end date {short(end_raw)!r}: not a date (YYYY-MM-DD).")
        if bounds is not None:
            first, last = bounds
            if (start and not first <= start <= last) or (end and not first <= end <= last):
                self.notices.append(f"Dates in the URL were moved into the data's range ({first} to {last}).")
                start = min(max(start, first), last) if start else None
                end = min(max(end, first), last) if end else None
        if start and end and start >= end:
            self.notices.append("Ignored the dates in the URL: start is not before end.")
            start = end = None
        return start, end

    def importance(self) -> int | None:
        """`imp` as 1, 2 or 3 (the least importance of the events shown); None when absent or unusable."""
        raw = self.single("imp")
        if raw is None:
            return None
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if number in (1.0, 2.0, 3.0):
            return int(number)
        self.notices.append(f"Ignored importance {short(raw)!r}: use 1, 2 or 3.")
        return None


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None
