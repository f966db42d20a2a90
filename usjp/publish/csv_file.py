"""CSV bytes of a table, safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

# A cell starting with one of these runs as a formula in Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(rows: pd.DataFrame, drop: tuple[str, ...] = ("abs_z",), float_format: str | None = "%.6g") -> bytes:
    """The rows as UTF-8 CSV (6 significant digits; `float_format=None`: every float exactly, as Python
    writes it); text cells that a spreadsheet would run as a formula get a leading apostrophe. Columns in
    `drop` (helpers for sorting) are left out."""
    out = rows.drop(columns=list(drop), errors="ignore").copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return out.to_csv(index=False, float_format=float_format).encode()
