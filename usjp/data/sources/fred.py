"""FRED: through fredapi when there is an API key, else FRED's keyless CSV download.

The key is an argument, never read here: the CLI takes it from the environment and the app from
st.secrets (usjp/ui/). Every download runs in a child process under a hard deadline (net.py).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pandas as pd

from usjp.data.sources import net
from usjp.data.sources.csvfile import MISSING, DataFormatError, read_text
from usjp.data.sources.tidy import tidy

API_HOST = "api.stlouisfed.org"
CSV_HOST = "fred.stlouisfed.org"
CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"


def host(api_key: str | None) -> str:
    """The host a fetch will talk to (what the connectivity probe checks)."""
    return API_HOST if api_key else CSV_HOST


def method(api_key: str | None) -> str:
    return "fredapi (FRED API)" if api_key else "FRED keyless CSV download"


def csv_url(series_id: str, start: str | None = None) -> str:
    """The keyless download URL; `start` is an ISO date."""
    params = {"id": series_id}
    if start is not None:
        params["cosd"] = start
    return f"{CSV_URL}?{urlencode(params)}"


# -- run in the child process ----------------------------------------------------------------------


# Arguments are plain strings so the child need not import pandas to unpickle them: its start-up
# time counts against the deadline.


def download_csv(series_id: str, start: str | None, timeout: float) -> bytes:
    """The keyless CSV body (child process)."""
    return net.http_get(csv_url(series_id, start), timeout=timeout)


def download_api(series_id: str, api_key: str, start: str | None) -> pd.Series:
    """fredapi's series (child process). Imported here so the parent never pays for it."""
    from fredapi import Fred

    return Fred(api_key=api_key).get_series(series_id, observation_start=start)


# -- pure parsing ----------------------------------------------------------------------------------


def parse_csv(body: bytes | str, series_id: str) -> pd.Series:
    """A fredgraph.csv body (`observation_date,ID` or `DATE,ID`; '.' or empty = missing)."""
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    what = f"FRED {series_id}"
    _refuse_html(text, what)
    try:
        parsed = read_text(text, f"{what} CSV")
    except DataFormatError as exc:
        raise net.BadPayload(str(exc)) from None
    for item in parsed:
        if item.source == "fred" and item.source_id == series_id:
            return tidy(item.values, series_id, what)
    found = ", ".join(item.source_id for item in parsed)
    raise net.BadPayload(f"{what}: the CSV holds {found}, not {series_id}")


def parse_api_payload(body: bytes | str, series_id: str) -> pd.Series:
    """A FRED API observations payload, XML (fredapi's default) or JSON (file_type=json).

    The same rules fredapi applies: `date` attribute/field, `value` as text, "." = missing.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    what = f"FRED {series_id}"
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise net.BadPayload(f"{what}: the JSON answer is cut short or malformed ({exc.msg})") from None
        if "error_message" in obj:
            raise net.BadPayload(f"{what}: FRED says {obj['error_message']}")
        rows = [(o.get("date"), o.get("value")) for o in obj.get("observations", [])]
    else:
        _refuse_html(text, what)
        try:
            root = ET.fromstring(stripped)
        except ET.ParseError as exc:
            raise net.BadPayload(f"{what}: the XML answer is cut short or malformed ({exc})") from None
        if root.tag != "observations":
            raise net.BadPayload(f"{what}: FRED says {root.get('message') or root.tag}")
        rows = [(o.get("date"), o.get("value")) for o in root.iter("observation")]
    dates, values = [], []
    for day, value in rows:
        if value is None or value.strip() in MISSING:
            continue
        dates.append(day)
        values.append(value.strip())
    if not dates:
        raise net.BadPayload(f"{what}: no observations in the answer")
    return tidy(pd.Series(values, index=dates, dtype=object), series_id, what)


def _refuse_html(text: str, what: str) -> None:
    head = text.lstrip()[:2000]
    if head.startswith("<") and re.search(r"<(!doctype html|html|head|body)\b", head, re.IGNORECASE):
        title = re.search(r"<title[^>]*>([^<]{0,120})", head, re.IGNORECASE)
        said = f" ({title.group(1).strip()})" if title else ""
        raise net.BadPayload(f"{what}: the server answered with an HTML page{said}, not data")


# -- the fetch -------------------------------------------------------------------------------------


def fetch_fred(
    series_id: str,
    *,
    api_key: str | None = None,
    start: pd.Timestamp | None = None,
    timeout: float = net.DEFAULT_TIMEOUT,
    probe: bool = True,
) -> pd.Series:
    """The series from FRED (from `start` when given), tidy; raises net.FetchError with a reason."""
    if probe:
        net.probe(host(api_key))
    since = None if start is None else f"{start:%Y-%m-%d}"
    if api_key:
        raw = net.run_with_deadline(download_api, series_id, api_key, since, timeout=timeout, secrets=[api_key])
        values = tidy(raw, series_id, f"FRED {series_id}")
    else:
        body = net.run_with_deadline(download_csv, series_id, since, timeout, timeout=timeout)
        values = parse_csv(body, series_id)
    if start is not None:  # the keyless download may ignore `cosd`: keep only what was asked for
        values = values[values.index >= start]
        if values.empty:
            raise net.BadPayload(f"FRED {series_id}: no observations since {start:%Y-%m-%d}")
    return values
