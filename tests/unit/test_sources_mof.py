"""Japan's intervention record: the real file parses to the signed daily series, and each kind of bad row is
refused with file:line and the column."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from usjp.data.sources import csvfile, mof
from usjp.data.sources.csvfile import DataFormatError, read_file, read_text

HEADER = ",".join(mof.HEADER)
FX = "fx,fx-jp,"  # the two description columns and an empty second_copy, for made-up rows


@pytest.fixture
def record_path(raw):
    """The project's copy of the ministry's record (tests/fixtures/raw, the shared file unchanged)."""
    return raw / "mof_fx_intervention.csv"


@pytest.fixture
def rows(record_path) -> list[dict[str, str]]:
    """The record's rows as the csv module reads them: the reference the parser is checked against."""
    with record_path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def made_up(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


# -- the real record ---------------------------------------------------------------------------------


def test_the_real_record_gives_one_signed_value_per_day_with_yen(record_path, rows):
    found = mof.read_record(record_path)
    assert (found.source, found.source_id) == ("mof", "FEIO")
    assert (found.operations, found.days, len(found.no_yen)) == (386, 369, 6)
    assert len(found.values) == 363  # 369 days, 6 of them with only operations without yen
    assert found.values.index[0] == pd.Timestamp("1991-05-13")
    assert found.values.index[-1] == pd.Timestamp("2026-05-06")
    assert found.values.index.is_monotonic_increasing and found.values.index.is_unique
    expected: dict[str, int] = {}
    for row in rows:
        sign = {"yen_buying": 1, "yen_selling": -1}.get(row["yen_side"])
        if sign is not None:
            expected[row["date"]] = expected.get(row["date"], 0) + sign * int(row["amount_100m_yen"])
    assert {f"{d:%Y-%m-%d}": v for d, v in found.values.items()} == expected


@pytest.mark.parametrize(
    "day,value",
    [
        ("1991-05-13", 139),  # the first operation: dollars sold, yen bought
        ("2022-09-22", 28382),  # the first yen-buying day since 1998
        ("2022-10-21", 56202),
        ("2022-10-24", 7296),
        ("2024-04-29", 59185),
        ("2011-10-31", -80722),  # the largest day: yen sold
        ("2026-04-30", 62787),
    ],
)
def test_known_days_have_the_ministrys_amount_and_sign(record_path, day, value):
    assert mof.read_record(record_path).values.loc[day] == value


@pytest.mark.parametrize(
    "day,legs",
    [
        ("1993-08-13", (645, 48)),  # yen sold for dollars and for marks
        ("1999-06-21", (9272, 1017)),  # yen sold for dollars and for euros
        ("2003-05-08", (6914, 53)),
        ("2003-05-09", (2166, 776)),
    ],
)
def test_a_day_of_several_operations_is_their_sum(record_path, day, legs):
    assert mof.read_record(record_path).values.loc[day] == -sum(legs)


def test_operations_without_yen_are_left_out_and_reported(record_path):
    found = mof.read_record(record_path)
    assert {(str(op.day), op.sold, op.bought) for op in found.no_yen} == {
        ("1991-08-19", "USD", "DEM"),
        ("1997-11-03", "USD", "IDR"),
        ("1997-11-05", "USD", "IDR"),
        ("1997-11-06", "USD", "IDR"),
        ("1997-11-17", "USD", "IDR"),
        ("1997-11-18", "USD", "IDR"),
    }
    assert not found.values.index.isin(pd.to_datetime([str(op.day) for op in found.no_yen])).any()
    (remark,) = found.remarks()
    assert remark.startswith("6 of 386 operations have no yen side") and "USD sold for IDR" in remark


def test_the_layout_is_recognised_by_the_generic_reader(record_path):
    (found,) = read_file(record_path)
    assert isinstance(found, mof.InterventionRecord) and len(found.values) == 363


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_line_endings_and_a_byte_order_mark_read_the_same(record_path, tmp_path, bom, newline):
    data = bom + record_path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", newline)
    path = tmp_path / "record.csv"
    path.write_bytes(data)
    pd.testing.assert_series_equal(mof.read_record(path).values, mof.read_record(record_path).values)


def test_a_net_amount_is_signed_by_the_yen_legs():
    found = read_text(made_up("2001-01-04,300,JPY,USD,yen_selling," + FX, "2001-01-04,100,USD,JPY,yen_buying," + FX))
    assert found[0].values.tolist() == [-200.0]


# -- bad files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,line,message",
    [
        (made_up("1991/05/13,139,USD,JPY,yen_buying," + FX), 2, "column 1 (date): '1991/05/13' is not an ISO date"),
        (made_up("1991-02-30,139,USD,JPY,yen_buying," + FX), 2, "column 1 (date): '1991-02-30' does not exist"),
        (
            made_up("1991-06-10,211,USD,JPY,yen_buying," + FX, "1991-05-13,139,USD,JPY,yen_buying," + FX),
            3,
            "column 1 (date): 1991-05-13 comes before the previous row's 1991-06-10",
        ),
        (
            made_up("1993-08-13,645,JPY,USD,yen_selling," + FX, "1993-08-13,48,JPY,USD,yen_selling," + FX),
            3,
            "columns 1, 3 and 4 (date, currency_sold, currency_bought): a second JPY-for-USD operation on "
            "1993-08-13 (the first is on line 2)",
        ),
        (made_up("1991-05-13,abc,USD,JPY,yen_buying," + FX), 2, "column 2 (amount_100m_yen): 'abc' is not a whole"),
        (made_up("1991-05-13,13.9,USD,JPY,yen_buying," + FX), 2, "column 2 (amount_100m_yen): '13.9' is not a whole"),
        (made_up('1991-05-13,"1,390",USD,JPY,yen_buying,' + FX), 2, "column 2 (amount_100m_yen): '1,390' is not"),
        (made_up("1991-05-13,,USD,JPY,yen_buying," + FX), 2, "column 2 (amount_100m_yen): '' is not a whole"),
        (made_up("1991-05-13,0,USD,JPY,yen_buying," + FX), 2, "column 2 (amount_100m_yen): 0 is not positive"),
        (made_up("1991-05-13,-139,USD,JPY,yen_buying," + FX), 2, "column 2 (amount_100m_yen): -139 is not positive"),
        (made_up("1991-05-13,139,usd,JPY,yen_buying," + FX), 2, "column 3 (currency_sold): 'usd' is not an ISO"),
        (made_up("1991-05-13,139,USD,YEN!,yen_buying," + FX), 2, "column 4 (currency_bought): 'YEN!' is not an ISO"),
        (made_up("1991-05-13,139,JPY,JPY,yen_buying," + FX), 2, "column 4 (currency_bought): JPY is also the"),
        (made_up("1991-05-13,139,USD,JPY,buying," + FX), 2, "column 5 (yen_side): 'buying' is not one of"),
        (
            made_up("1991-05-13,139,USD,JPY,yen_selling," + FX),
            2,
            "column 5 (yen_side): yen_selling, but USD is sold for JPY, which makes it yen_buying",
        ),
        (
            made_up("1991-08-19,139,USD,DEM,yen_buying," + FX),
            2,
            "column 5 (yen_side): yen_buying, but USD is sold for DEM, which makes it no_yen",
        ),
        (
            made_up("1999-06-21,9272,JPY,USD,no_yen," + FX),
            2,
            "column 5 (yen_side): no_yen, but JPY is sold for USD, which makes it yen_selling",
        ),
        (
            made_up("2001-01-04,300,JPY,USD,yen_selling," + FX, "2001-01-04,300,USD,JPY,yen_buying," + FX),
            3,
            "column 5 (yen_side): the yen bought and sold on 2001-01-04 cancel out",
        ),
        (made_up("1991-05-13,139,USD,JPY,yen_buying,fx"), 2, "expected 8 fields, found 6"),
        (made_up(), 2, "no operations"),
        (made_up("1991-08-19,139,USD,DEM,no_yen," + FX), 2, "no operations with a yen side"),
        (HEADER.removesuffix(",second_copy") + "\n", 1, "header must be exactly date,amount_100m_yen,"),
        ("date,amount_100m_yen,currency_sold\n", 1, "(3 fields found)"),
    ],
)
def test_a_bad_row_names_file_line_and_column(text, line, message):
    with pytest.raises(DataFormatError) as err:
        read_text(text, "bad.csv")
    assert str(err.value).startswith(f"bad.csv:{line}: "), str(err.value)
    assert message in str(err.value)


def test_a_bad_row_in_the_real_record_is_found_at_its_line(record_path, tmp_path):
    lines = record_path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = next(csv.reader(io.StringIO(lines[100])))
    fields[4] = "yen_buying" if fields[4] == "yen_selling" else "yen_selling"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fields)
    lines[100] = buffer.getvalue()
    path = tmp_path / "edited.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"^{path}:101: column 5 \(yen_side\)"):
        mof.read_record(path)


def test_the_generic_limits_apply(tmp_path):
    long = "x" * (csvfile.MAX_CELL + 1)
    path = tmp_path / "long.csv"
    path.write_text(made_up(f"1991-05-13,139,USD,JPY,yen_buying,{long},fx-jp,"))
    with pytest.raises(DataFormatError, match=r"long\.csv:2: a cell longer than 200 characters"):
        mof.read_record(path)
    with pytest.raises(DataFormatError, match="no such file"):
        mof.read_record(tmp_path / "absent.csv")


def test_another_layout_is_not_taken_for_the_record(raw):
    with pytest.raises(DataFormatError, match="not the intervention record's layout"):
        mof.read_record(raw / "fred_FDHBFIN.csv")
