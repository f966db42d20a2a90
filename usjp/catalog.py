"""The series catalog: what each market series is, where it comes from, and whether we may ship it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

H15 = "Board of Governors of the Federal Reserve System, H.15 Selected Interest Rates"
H10 = "Board of Governors of the Federal Reserve System, H.10 Foreign Exchange Rates"
TIC = "U.S. Department of the Treasury, Treasury International Capital (TIC) system"
US_GOV = "Public domain (U.S. government work); cite the publisher and FRED"
OECD_LICENSE = "CC BY 4.0 (OECD); attribution required"
YAHOO_LICENSE = "Licensed exchange/index data: not redistributable; fetched at run time only"
TIC_URL = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/mfhhis01.txt"


@dataclass(frozen=True)
class SeriesSpec:
    """One market series: identity, units and provenance."""

    key: str
    label: str
    short: str  # compact label for legends and hover text
    unit: str  # "percent" (yields, spreads), "yen per dollar", "index", "billions of dollars"
    change_unit: str  # "bp" for yields/spreads, "%" for prices, FX and holdings
    frequency: str  # "daily", "monthly", "quarterly"
    source: str  # "fred", "yahoo", "tic"
    source_id: str
    publisher: str
    url: str
    license: str
    redistributable: bool
    # New York time at which a daily observation is taken; events later than this on the
    # same date first show up in the next observation (see DESIGN.md, event windows).
    observed_at_et: time | None = None
    live_alternative: str | None = None  # key of a series that can stand in when live

    @property
    def daily(self) -> bool:
        return self.frequency == "daily"

    def provenance(self) -> dict:
        """What the store's manifest records about this series, whoever wrote it (import or refresh)."""
        return {
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


def _fred(
    key: str,
    label: str,
    short: str,
    unit: str,
    change_unit: str,
    frequency: str,
    source_id: str,
    publisher: str,
    license: str = US_GOV,
    observed_at_et: time | None = None,
    live_alternative: str | None = None,
) -> SeriesSpec:
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
        observed_at_et=observed_at_et,
        live_alternative=live_alternative,
    )


def _tic(key: str, label: str, short: str, country: str) -> SeriesSpec:
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
    )


def _yahoo(key: str, label: str, short: str, unit: str, source_id: str, publisher: str) -> SeriesSpec:
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
    )


# Treasury constant-maturity yields are end-of-day readings; the noon buying rate is noon in New York.
_CLOSE = time(16, 0)
_NOON = time(12, 0)

SERIES: tuple[SeriesSpec, ...] = (
    _fred("ust3m", "US 3-month Treasury yield", "3M", "percent", "bp", "daily", "DGS3MO", H15, observed_at_et=_CLOSE),
    _fred("ust2y", "US 2-year Treasury yield", "2Y", "percent", "bp", "daily", "DGS2", H15, observed_at_et=_CLOSE),
    _fred("ust5y", "US 5-year Treasury yield", "5Y", "percent", "bp", "daily", "DGS5", H15, observed_at_et=_CLOSE),
    _fred("ust10y", "US 10-year Treasury yield", "10Y", "percent", "bp", "daily", "DGS10", H15, observed_at_et=_CLOSE),
    _fred("ust30y", "US 30-year Treasury yield", "30Y", "percent", "bp", "daily", "DGS30", H15, observed_at_et=_CLOSE),
    _fred(
        "ust10y2y",
        "US 10-year minus 2-year Treasury spread",
        "10Y–2Y",
        "percent",
        "bp",
        "daily",
        "T10Y2Y",
        "Federal Reserve Bank of St. Louis, from H.15 data",
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
        observed_at_et=_NOON,
        live_alternative="usdjpy_yahoo",
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
    ),
    _tic("tic_japan", "Japan's holdings of US Treasuries (TIC)", "Japan holdings", "Japan"),
    _tic("tic_china", "China's holdings of US Treasuries (TIC)", "China holdings", "China, Mainland"),
    _tic("tic_uk", "United Kingdom's holdings of US Treasuries (TIC)", "UK holdings", "United Kingdom"),
    _tic("tic_total", "All foreign holdings of US Treasuries (TIC grand total)", "Foreign total", "Grand Total"),
    _yahoo(
        "usdjpy_yahoo",
        "USD/JPY (Yahoo Finance, JPY=X close)",
        "USD/JPY (Yahoo)",
        "yen per dollar",
        "JPY=X",
        "ICE Data Services via Yahoo Finance",
    ),
    _yahoo("nikkei225", "Nikkei 225 stock average", "Nikkei 225", "index", "^N225", "Nikkei Inc. via Yahoo Finance"),
    _yahoo(
        "toyota",
        "Toyota Motor (7203.T) share price",
        "Toyota",
        "yen",
        "7203.T",
        "Tokyo Stock Exchange via Yahoo Finance",
    ),
)

CATALOG: dict[str, SeriesSpec] = {s.key: s for s in SERIES}

# What the timeline shows when the URL names no series.
DEFAULT_SERIES: tuple[str, ...] = ("ust10y", "usdjpy")


def get(key: str) -> SeriesSpec:
    """The spec for `key`, or a KeyError that lists the known keys."""
    try:
        return CATALOG[key]
    except KeyError:
        raise KeyError(f"unknown series {key!r}; known: {', '.join(CATALOG)}") from None


def by_source_id(source: str, source_id: str) -> SeriesSpec | None:
    """The catalog entry for a source's own identifier (e.g. fred/DGS10, yahoo/JPY=X)."""
    for spec in SERIES:
        if spec.source == source and spec.source_id.lower() == source_id.lower():
            return spec
    return None
