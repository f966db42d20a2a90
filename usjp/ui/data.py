"""Cached loaders: series and events, keyed by the stored data's version so a refresh shows at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from usjp import catalog, events, store


@dataclass(frozen=True)
class LoadedSeries:
    spec: catalog.SeriesSpec
    values: pd.Series
    meta: dict
    store: str  # "cache" or "snapshot"

    @property
    def last_date(self) -> dt.date:
        return self.values.index[-1].date()

    def caption(self) -> str:
        """Source, data-through date and retrieval time in one line."""
        retrieved = str(self.meta.get("retrieved_at", ""))[:10] or "unknown"
        where = "local cache" if self.store == "cache" else "bundled snapshot"
        return (
            f"{self.spec.short}: {self.spec.publisher} ({self.spec.source.upper()} {self.spec.source_id}), "
            f"data through {self.last_date:%d %b %Y}, retrieved {retrieved} ({where})"
        )


def series_version(key: str) -> tuple[str, str] | None:
    """Which copy of a series is newest, and its checksum: the cache key for the loaded data."""
    for candidate in (store.cache(), store.snapshot()):
        meta = candidate.manifest()["series"].get(key)
        if meta is not None:
            return candidate.name, str(meta.get("sha256"))
    return None


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def _load_series(key: str, version: tuple[str, str]) -> LoadedSeries | None:
    stored = store.load(key)
    if stored is None:
        return None
    return LoadedSeries(catalog.get(key), stored.values, stored.meta, stored.store)


def load_series(key: str) -> LoadedSeries | None:
    """The newest good copy of a series (cache over snapshot), or None when none is stored."""
    version = series_version(key)
    return None if version is None else _load_series(key, version)


def available_keys() -> list[str]:
    """Catalog keys with stored data, in catalog order."""
    stored = set(store.snapshot().keys()) | set(store.cache().keys())
    return [s.key for s in catalog.SERIES if s.key in stored]


# A resource, not data: one shared list, not a fresh unpickled copy per call (Events are frozen models;
# nothing may modify them). Keyed by the file's version, so an edited file is read again.
@st.cache_resource(show_spinner=False, max_entries=4)
def _load_events(version: tuple[int, int]) -> list[events.Event]:
    return events.load_events()


def events_version() -> tuple[int, int]:
    """The events file's modification time and size: part of every cache key that depends on events."""
    stat = events.events_path().stat()
    return stat.st_mtime_ns, stat.st_size


def load_events() -> list[events.Event]:
    """All events; raises events.EventError (with every problem) when the file is invalid."""
    return _load_events(events_version())


def date_bounds() -> tuple[dt.date, dt.date]:
    """First and last date across the stored daily series (the range the date pickers allow)."""
    firsts, lasts = [], []
    for candidate in (store.snapshot(), store.cache()):
        for key, meta in candidate.manifest()["series"].items():
            if key in catalog.CATALOG and catalog.get(key).daily:
                firsts.append(dt.date.fromisoformat(meta["first"]))
                lasts.append(dt.date.fromisoformat(meta["last"]))
    if not firsts:
        return dt.date(2010, 1, 1), dt.date.today()
    return min(firsts), max(lasts)
