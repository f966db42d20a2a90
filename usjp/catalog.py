"""The series catalog: what each market series is, where it comes from, and whether we may ship it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

H15 = "Board of Governors of the Federal Reserve System, H.15 Selected Interest Rates"
H10 = "Board of Governors of the Federal Reserve System, H.10 Foreign Exchange Rates"
TIC = "U.S. Department of the Treasury, Treasury International Capital (TIC) system"
US_GOV = "Public domain (U.S. government work); cite the publisher and FRED"
OECD_LICENSE = "CC BY 4.0 (OECD); attribution required"
YAHOO_LICENSE = "Licensed exchange/index data: not redistributable; fetched at run time only"
TIC_URL = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/mfhhis01.txt"
# Japan's Ministry of Finance: the daily record of its foreign-exchange interventions (see
# ../shared/data/raw/PROVENANCE.md, "mof_fx_intervention.csv").
MOF = "Ministry of Finance, Japan"
MOF_FEIO_URL = (
    "https://www.mof.go.jp/english/policy/international_policy/reference/feio/"
    "foreign_exchange_intervention_operations.csv"
)
MOF_LICENSE = (
    "Numerical data, free to use with the source cited and edits marked (Government of Japan Standard Terms "
    "of Use 2.0 and its successor, the Public Data License 1.0, both compatible with CC BY 4.0; the "
    "ministry's own terms page was not seen)"
)
MOF_ATTRIBUTION = (
    "Source: Ministry of Finance Japan, Foreign Exchange Intervention Operations (" + MOF_FEIO_URL + "); "
    "reformatted: one row per operation, thousands separators removed, ISO codes added; summed by day and "
    "signed (yen bought +, yen sold −), operations without a yen side left out"
)


# Where stored daily history starts when a series is first fetched or imported into the snapshot.
DAILY_HISTORY_START = date(2010, 1, 1)
# USD/JPY keeps all of FRED's history (from January 1971): the yen page sets Japan's interventions,
# recorded since 1991, against it, and its percentiles need five years before any event.
USDJPY_HISTORY_START = date(1971, 1, 1)


@dataclass(frozen=True)
class Unit:
    """How values in one unit are shown: the axis title and Plotly's hover format."""

    name: str  # as in SeriesSpec.unit and the manifest
    axis_title: str
    hover: str  # Plotly hovertemplate fragment for the value

    def text(self, value: float) -> str:
        """A value as the hover writes it ('4.01%', '¥143.20'), for words outside Plotly (alt text)."""
        return self.hover.replace("%{y:", "{:").format(value)


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("percent", "Percent", "%{y:.2f}%"),
        Unit("yen per dollar", "Yen per dollar", "¥%{y:.2f}"),
        Unit("index", "Index", "%{y:,.2f}"),
        Unit("billions of dollars", "Billions of dollars", "$%{y:,.1f}bn"),
        Unit("yen", "Yen", "¥%{y:,.0f}"),
        Unit("100 million yen", "¥100 million (+ yen bought, − yen sold)", "%{y:+,.0f} × ¥100 million"),
    )
}


# How often a series is observed. "operations": only on the days something was done (Japan's
# interventions): the days between are not missing data, so such a series is never filled,
# interpolated or joined up with lines.
FREQUENCIES = ("daily", "monthly", "quarterly", "operations")
# How a move is measured: basis points (yields, spreads), percent (prices, FX, holdings), or "none" for
# a series that is not a price or a level (amounts of operations): no changes, no statistics.
CHANGE_UNITS = ("bp", "%", "none")


@dataclass(frozen=True)
class SeriesSpec:
    """One market series: identity, units and provenance."""

    key: str
    label: str
    short: str  # compact label for legends and hover text
    unit: str  # "percent" (yields, spreads), "yen per dollar", "index", "billions of dollars"
    change_unit: str  # one of CHANGE_UNITS: "bp" for yields/spreads, "%" for prices, FX and holdings
    frequency: str  # one of FREQUENCIES
    source: str  # "fred", "yahoo", "tic", "mof"
    source_id: str
    publisher: str
    url: str
    license: str
    redistributable: bool
    # What a value can plausibly be: wide enough for any history since 1970, narrow enough to catch a
    # wrong unit, a wrong column or garbage. Fetched data outside it is refused (usjp/data/checks.py).
    plausible: tuple[float, float]
    # New York time at which a daily observation is taken; events later than this on the
    # same date first show up in the next observation (docs/method.md, "market date").
    observed_at_et: time | None = None
    live_alternative: str | None = None  # key of a series that can stand in when live
    history_start: date | None = None  # first date kept when fetched or imported (None: all of it)
    # False for a series that is not a price or a level (amounts of operations): no event-window
    # statistics, z-scores or percentiles are computed on it, and it has no change unit.
    analysable: bool = True
    attribution: str | None = None  # the credit line the licence asks for, where it asks for one

    @property
    def daily(self) -> bool:
        return self.frequency == "daily"

    @property
    def records_operations(self) -> bool:
        """Recorded only on the days of an operation: never filled, interpolated or drawn as a line."""
        return self.frequency == "operations"

    @property
    def display(self) -> Unit:
        """How this series' values are shown (axis title, hover format)."""
        return UNITS[self.unit]

    @property
    def citation(self) -> str:
        """The one provenance string everywhere: 'FRED DGS10', 'TIC MFH:Japan', 'YAHOO ^N225'."""
        return f"{self.source.upper()} {self.source_id}"

    def provenance(self) -> dict:
        """What the store's manifest records about this series, whoever wrote it (import or refresh)."""
        entry = {
            "label": self.label,
            "unit": self.unit,
            "frequency": self.frequency,
            "source": self.source,
            "source_id": self.source_id,
            "publisher": self.publisher,
            "url": self.url,
            "license": self.license,
            "redistributable": self.redistributable,
        }
        if self.attribution:
            entry["attribution"] = self.attribution
        return entry


def _fred(
    key: str,
    label: str,
    short: str,
    unit: str,
    change_unit: str,
    frequency: str,
    source_id: str,
    publisher: str,
    plausible: tuple[float, float],
    license: str = US_GOV,
    observed_at_et: time | None = None,
    live_alternative: str | None = None,
    history_start: date | None = None,
) -> SeriesSpec:
    if history_start is None and frequency == "daily":
        history_start = DAILY_HISTORY_START
    return SeriesSpec(
        key=key,
        label=label,
        short=short,
        unit=unit,
        change_unit=change_unit,
        frequency=frequency,
        source="fred",
        source_id=source_id,
        publisher=publisher,
        url=f"https://fred.stlouisfed.org/series/{source_id}",
        license=license,
        redistributable=True,
        plausible=plausible,
        observed_at_et=observed_at_et,
        live_alternative=live_alternative,
        history_start=history_start,
    )


def _treasury(key: str, label: str, short: str, source_id: str) -> SeriesSpec:
    """A constant-maturity Treasury yield from H.15 (an end-of-day reading)."""
    return _fred(key, label, short, "percent", "bp", "daily", source_id, H15, YIELD, observed_at_et=_CLOSE)


def _tic(key: str, label: str, short: str, country: str, plausible: tuple[float, float]) -> SeriesSpec:
    return SeriesSpec(
        key=key,
        label=label,
        short=short,
        unit="billions of dollars",
        change_unit="%",
        frequency="monthly",
        source="tic",
        source_id=f"MFH:{country}",
        publisher=TIC + ", Major Foreign Holders of Treasury Securities",
        url=TIC_URL,
        license=US_GOV.replace(" and FRED", ""),
        redistributable=True,
        plausible=plausible,
    )


def _yahoo(
    key: str, label: str, short: str, unit: str, source_id: str, publisher: str, plausible: tuple[float, float]
) -> SeriesSpec:
    return SeriesSpec(
        key=key,
        label=label,
        short=short,
        unit=unit,
        change_unit="%",
        frequency="daily",
        source="yahoo",
        source_id=source_id,
        publisher=publisher,
        url=f"https://finance.yahoo.com/quote/{source_id}",
        license=YAHOO_LICENSE,
        redistributable=False,
        plausible=plausible,
        history_start=DAILY_HISTORY_START,
    )


# Treasury constant-maturity yields are end-of-day readings; the noon buying rate is noon in New York.
_CLOSE = time(16, 0)
_NOON = time(12, 0)

YIELD = (-1.0, 25.0)  # percent
HOLDINGS = (0.0, 5_000.0)  # $bn, one country
YEN_PER_DOLLAR = (50.0, 400.0)
# A day's net intervention, ¥100 million: the record days are 80,722 sold (2011-10-31) and 62,787
# bought (2026-04-30); ±¥20 trn leaves room for larger days and still refuses yen or ¥ million.
INTERVENTION = (-200_000.0, 200_000.0)

SERIES: tuple[SeriesSpec, ...] = (
    _treasury("ust3m", "US 3-month Treasury yield", "3M", "DGS3MO"),
    _treasury("ust2y", "US 2-year Treasury yield", "2Y", "DGS2"),
    _treasury("ust5y", "US 5-year Treasury yield", "5Y", "DGS5"),
    _treasury("ust10y", "US 10-year Treasury yield", "10Y", "DGS10"),
    _treasury("ust30y", "US 30-year Treasury yield", "30Y", "DGS30"),
    _fred(
        "ust10y2y",
        "US 10-year minus 2-year Treasury spread",
        "10Y–2Y",
        "percent",
        "bp",
        "daily",
        "T10Y2Y",
        "Federal Reserve Bank of St. Louis, from H.15 data",
        (-6.0, 6.0),  # percentage points
        observed_at_et=_CLOSE,
    ),
    _fred(
        "usdjpy",
        "USD/JPY (yen per dollar, noon New York)",
        "USD/JPY",
        "yen per dollar",
        "%",
        "daily",
        "DEXJPUS",
        H10,
        YEN_PER_DOLLAR,
        observed_at_et=_NOON,
        live_alternative="usdjpy_yahoo",
        history_start=USDJPY_HISTORY_START,
    ),
    _fred(
        "broad_dollar",
        "Nominal broad US dollar index (Jan 2006 = 100)",
        "Broad $",
        "index",
        "%",
        "daily",
        "DTWEXBGS",
        H10,
        (50.0, 250.0),
        observed_at_et=_NOON,
    ),
    _fred(
        "jgb10y",
        "Japan 10-year government bond yield (monthly average)",
        "JGB 10Y",
        "percent",
        "bp",
        "monthly",
        "IRLTLT01JPM156N",
        "OECD Main Economic Indicators",
        (-2.0, 15.0),
        license=OECD_LICENSE,
    ),
    _fred(
        "foreign_debt",
        "Federal debt held by foreign and international investors",
        "Foreign-held debt",
        "billions of dollars",
        "%",
        "quarterly",
        "FDHBFIN",
        "U.S. Department of the Treasury, Fiscal Service (Treasury Bulletin OFS-2)",
        (1.0, 50_000.0),
    ),
    _tic("tic_japan", "Japan's holdings of US Treasuries (TIC)", "Japan holdings", "Japan", HOLDINGS),
    _tic("tic_china", "China's holdings of US Treasuries (TIC)", "China holdings", "China, Mainland", HOLDINGS),
    _tic("tic_uk", "United Kingdom's holdings of US Treasuries (TIC)", "UK holdings", "United Kingdom", HOLDINGS),
    _tic(
        "tic_total",
        "All foreign holdings of US Treasuries (TIC grand total)",
        "Foreign total",
        "Grand Total",
        (100.0, 50_000.0),
    ),
    _yahoo(
        "usdjpy_yahoo",
        "USD/JPY (Yahoo Finance, JPY=X close)",
        "USD/JPY (Yahoo)",
        "yen per dollar",
        "JPY=X",
        "ICE Data Services via Yahoo Finance",
        YEN_PER_DOLLAR,
    ),
    _yahoo(
        "nikkei225",
        "Nikkei 225 stock average",
        "Nikkei 225",
        "index",
        "^N225",
        "Nikkei Inc. via Yahoo Finance",
        (1_000.0, 300_000.0),  # index points
    ),
    _yahoo(
        "toyota",
        "Toyota Motor (7203.T) share price",
        "Toyota",
        "yen",
        "7203.T",
        "Tokyo Stock Exchange via Yahoo Finance",
        (50.0, 100_000.0),  # yen per share
    ),
    SeriesSpec(
        key="mof_intervention",
        label="Japan's currency interventions (Ministry of Finance)",
        short="Interventions",
        unit="100 million yen",
        change_unit="none",
        frequency="operations",
        source="mof",
        source_id="FEIO",  # the ministry's "Foreign Exchange Intervention Operations" table
        publisher=MOF,
        url=MOF_FEIO_URL,
        license=MOF_LICENSE,
        redistributable=True,  # numerical data: free to use with the source cited (PROVENANCE.md)
        plausible=INTERVENTION,
        analysable=False,
        attribution=MOF_ATTRIBUTION,
    ),
)

CATALOG: dict[str, SeriesSpec] = {s.key: s for s in SERIES}

# Japan's intervention record: drawn as bars under USD/JPY, and a currency event per day on the timeline.
INTERVENTIONS = "mof_intervention"

# What the timeline shows when the URL names no series.
DEFAULT_SERIES: tuple[str, ...] = ("ust10y", "usdjpy")


def get(key: str) -> SeriesSpec:
    """The spec for `key`, or a KeyError that lists the known keys."""
    try:
        return CATALOG[key]
    except KeyError:
        raise KeyError(f"unknown series {key!r}; known: {', '.join(CATALOG)}") from None


def tic_countries() -> dict[str, str]:
    """Treasury's row label -> catalog key, for every TIC series in the catalog ("Japan" -> "tic_japan")."""
    return {s.source_id.removeprefix("MFH:"): s.key for s in SERIES if s.source == "tic"}


def by_source_id(source: str, source_id: str) -> SeriesSpec | None:
    """The catalog entry for a source's own identifier (e.g. fred/DGS10, yahoo/JPY=X)."""
    for spec in SERIES:
        if spec.source == source and spec.source_id.lower() == source_id.lower():
            return spec
    return None
