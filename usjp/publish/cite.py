"""How to cite a view and the dashboard: the view's citation names the chart, its address, when it was
seen and the original publisher of every series drawn (with the credit line a licence asks for); the
dashboard's own comes from CITATION.cff, the version from pyproject.toml (nothing typed twice)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml

from usjp.catalog import SeriesSpec
from usjp.figures.credits import EVENTS_CREDIT
from usjp.paths import REPO_ROOT
from usjp.views.timeline import View

CITATION_FILE = REPO_ROOT / "CITATION.cff"
PYPROJECT = REPO_ROOT / "pyproject.toml"
DASHBOARD = "US–Japan trade-tension dashboard"
LICENCES = "Code: MIT. Event texts: CC BY 4.0. Data: each series under its publisher's licence"


@cache
def app_version(path: Path = PYPROJECT) -> str:
    """The app's version as pyproject.toml states it ("unknown" when it cannot be read)."""
    try:
        return str(tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


@cache
def citation_record(path: Path = CITATION_FILE) -> dict:
    """CITATION.cff as a dict ({} when it cannot be read)."""
    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return found if isinstance(found, dict) else {}


def _author(entry: object) -> str:
    if not isinstance(entry, dict):
        return ""
    if name := entry.get("name"):
        return str(name)
    return " ".join(str(entry[k]) for k in ("given-names", "family-names") if entry.get(k))


def dashboard_citation(record: dict | None = None) -> str:
    """'<authors>. <title> (version <version>, <date released>). <licence> licence. <url>' from CITATION.cff."""
    record = citation_record() if record is None else record
    authors = ", ".join(a for a in map(_author, record.get("authors") or []) if a)
    title = str(record.get("title") or DASHBOARD)
    details = ", ".join(
        str(part)
        for part in (f"version {record['version']}" if record.get("version") else "", record.get("date-released"))
        if part
    )
    text = f"{authors}. " if authors else ""
    text += f"{title}" + (f" ({details})" if details else "") + "."
    if record.get("license"):
        text += f" {record['license']} licence."
    if url := record.get("repository-code") or record.get("url"):
        text += f" {url}"
    return text


def data_credits(specs: Sequence[SeriesSpec]) -> str:
    """'Board of Governors of the Federal Reserve System, H.15 ... (FRED DGS10); Ministry of Finance, Japan
    (MOF FEIO). <the attribution lines a licence asks for>'."""
    unique = list({s.key: s for s in specs}.values())
    text = "; ".join(f"{s.publisher} ({s.citation})" for s in unique)
    attributions = [s.attribution for s in unique if s.attribution]
    return text + "." + "".join(f" {a}." for a in attributions)


def view_citation(
    view: View,
    specs: Sequence[SeriesSpec],
    permalink: str,
    accessed: dt.date,
    version: str | None = None,
    *,
    title: str | None = None,
) -> str:
    """'US–Japan trade-tension dashboard (version <version>). "<chart title>". <permalink>. Accessed 30 Nov
    2026. Data: <publisher> (FRED DGS10); ... Events: ... ; with processing by the US–Japan trade-tension
    dashboard.' `specs` are the series drawn (lines and bars); `title` the chart's (default: the view's own)."""
    version = version or app_version()
    chart = title or view.title or "Timeline"
    data = data_credits(specs) if specs else "none shown."
    link = f" {permalink}." if permalink else ""
    return (
        f'{DASHBOARD} (version {version}). "{chart}".{link} Accessed {accessed:%-d %b %Y}. '
        f"Data: {data} {EVENTS_CREDIT} (CC BY 4.0); with processing by the {DASHBOARD}."
    )
