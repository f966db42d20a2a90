"""`python -m usjp import` checks like a refresh before it writes, and refuses hostile files up front.

Every refusal: exit 1, "nothing was written; the stored data is unchanged", `data/` byte-identical,
no traceback, and (for files with content) nothing of the file's first line in the message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.live_support import digest_tree
from usjp import cli
from usjp.data import checks, store, verify
from usjp.data.importer import ImportRefused, _refuse_unless_sound
from usjp.data.sources import csvfile

REPO = Path(__file__).resolve().parents[2]
SECRET = "TOPSECRET-7f3a9c-root:x:0:0"  # the first line of every hostile file: must never be echoed
NOTHING_WRITTEN = "nothing was written; the stored data is unchanged"


def run_import(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = cli.main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def fred_file(path: Path, values: pd.Series, series_id: str = "DGS10") -> Path:
    lines = [f"observation_date,{series_id}"] + [f"{d:%Y-%m-%d},{v!r}" for d, v in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def stored_ust10y(data_dir: Path) -> pd.Series:
    """The committed 10-year history, read straight from its CSV (4,195 daily values from 2010)."""
    frame = pd.read_csv(data_dir / "market" / "ust10y.csv", parse_dates=["date"], index_col="date")
    return frame["value"].astype("float64")


def assert_refused(code: int, err: str, data_dir: Path, before: dict[str, str], *expected: str) -> None:
    assert code == 1, err
    assert NOTHING_WRITTEN in err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err
    assert digest_tree(data_dir) == before


# -- refresh's checks, applied before an import writes ---------------------------------------------


def test_huge_values_into_the_snapshot_are_refused_and_market_is_byte_identical(data_dir, tmp_path, capsys):
    before, market = digest_tree(data_dir), digest_tree(data_dir / "market")
    path = tmp_path / "fred_DGS10.csv"
    path.write_text("observation_date,DGS10\n2025-01-02,1e308\n2025-01-03,-1e308\n")
    code, _, err = run_import(capsys, path, "--to", "snapshot")
    assert_refused(code, err, data_dir, before, str(path), "outside the plausible range -1..25 for ust10y")
    assert digest_tree(data_dir / "market") == market
    assert len(stored_ust10y(data_dir)) == 4195


@pytest.mark.parametrize(
    "series_id,cell,message",
    [
        ("DGS10", "inf", "not finite"),
        ("DGS10", "-Infinity", "not finite"),
        ("DGS10", "1e999", "not finite"),  # overflows to inf
        ("DGS10", "-nan", "not finite"),  # "nan"/"NaN" mean missing, like FRED's "."; this is a value
        ("DGS10", "26", "outside the plausible range -1..25 for ust10y"),
        ("DGS10", "-1.5", "outside the plausible range -1..25 for ust10y"),
        ("DEXJPUS", "0", "outside the plausible range 50..400 for usdjpy"),
    ],
)
@pytest.mark.parametrize("to", ["cache", "snapshot"])
def test_non_finite_and_implausible_values_are_refused(data_dir, tmp_path, capsys, series_id, cell, message, to):
    before = digest_tree(data_dir)
    path = tmp_path / f"fred_{series_id}.csv"
    path.write_text(f"observation_date,{series_id}\n2026-10-09,4.1\n2026-10-10,{cell}\n")
    code, _, err = run_import(capsys, path, "--to", to)
    assert_refused(code, err, data_dir, before, str(path), message)


def test_a_tic_file_with_nan_holdings_is_refused(data_dir, tmp_path, capsys):
    before = digest_tree(data_dir)
    path = tmp_path / "tic.csv"
    path.write_text("date,country,holdings_usd_bn\n2026-09-01,Japan,1100.5\n2026-10-01,Japan,nan\n")
    code, _, err = run_import(capsys, path)
    assert_refused(code, err, data_dir, before, f"{path}:3: holdings 'nan' is not finite")


@pytest.mark.parametrize("to", ["cache", "snapshot"])
def test_a_one_row_file_cannot_hide_the_history(data_dir, tmp_path, capsys, to):
    history = stored_ust10y(data_dir)
    path = fred_file(tmp_path / "fred_DGS10.csv", pd.Series([4.25], index=pd.DatetimeIndex(["2026-10-09"])))
    code, out, err = run_import(capsys, path, "--to", to)
    assert code == 0, err
    assert "1 new, 0 revised" in out
    shown = verify.read_newest("ust10y")  # what the app uses: the cache first
    assert shown.store == to
    assert len(shown.values) == len(history) + 1
    assert shown.values.index[:-1].equals(history.index)
    assert np.allclose(shown.values.iloc[:-1], history)
    assert shown.values.iloc[-1] == 4.25


def test_replace_is_the_only_way_to_drop_history_and_says_so(data_dir, tmp_path, capsys):
    shutil.rmtree(data_dir / "stories")  # they need the history --replace drops (validate would say so)
    history = stored_ust10y(data_dir)
    path = fred_file(tmp_path / "fred_DGS10.csv", history.iloc[-5:])
    code, out, err = run_import(capsys, path, "--to", "snapshot")  # a merge: nothing dropped
    assert code == 0, err
    assert "0 new, 0 revised" in out and "dropped" not in out
    assert len(stored_ust10y(data_dir)) == len(history)
    code, out, err = run_import(capsys, path, "--to", "snapshot", "--replace")
    assert code == 0, err
    assert f"{len(history) - 5} stored dates dropped (--replace)" in out
    assert len(stored_ust10y(data_dir)) == 5
    assert store.snapshot().manifest()["series"]["ust10y"]["replaced"] is True
    assert cli.main(["validate"]) == 0


def test_replace_in_the_cache_cannot_hide_the_snapshot(data_dir, tmp_path, capsys):
    before, history = digest_tree(data_dir), stored_ust10y(data_dir)
    stub = fred_file(tmp_path / "fred_DGS10.csv", history.iloc[-5:])
    code, _, err = run_import(capsys, stub, "--replace")
    assert_refused(code, err, data_dir, before, "the cache copy would hide the snapshot's history")
    # What --replace is for in the cache: dropping dates of the cache's own, here a bad tail.
    tail = pd.Series([4.3, 4.4], index=pd.DatetimeIndex(["2026-10-09", "2026-10-12"]))
    assert run_import(capsys, fred_file(tmp_path / "tail.csv", tail, "DGS10"))[0] == 0
    assert len(verify.read_newest("ust10y").values) == len(history) + 2
    code, out, err = run_import(capsys, fred_file(tmp_path / "whole.csv", history), "--replace")
    assert code == 0, err
    assert "2 stored dates dropped (--replace)" in out
    assert np.allclose(verify.read_newest("ust10y").values, history)
    assert verify.read_newest("ust10y").store == "cache"


def test_a_damaged_snapshot_copy_is_not_merged_over(data_dir, tmp_path, capsys):
    csv = data_dir / "market" / "ust10y.csv"
    csv.write_bytes(csv.read_bytes().replace(b"2010-01-05,3.77", b"2010-01-05,3.78"))  # sha256 no longer matches
    before, history = digest_tree(data_dir), stored_ust10y(data_dir)
    path = fred_file(tmp_path / "fred_DGS10.csv", history.iloc[-5:])
    code, _, err = run_import(capsys, path, "--to", "snapshot")
    assert_refused(code, err, data_dir, before, "the snapshot's copy failed its check", "--replace")


def test_a_partial_file_is_refused(data_dir, tmp_path, capsys):
    """Every tenth stored date missing: a thinned or partial file, whatever else it holds."""
    before, history = digest_tree(data_dir), stored_ust10y(data_dir)
    thinned = history[np.arange(len(history)) % 10 != 5]  # the first and last dates kept
    lacking = len(history) - len(thinned)
    path = fred_file(tmp_path / "fred_DGS10.csv", thinned)
    code, _, err = run_import(capsys, path, "--to", "snapshot")
    share = f"({100 * lacking / len(history):.1f}% > {100 * checks.MAX_MISSING_SHARE:g}%)"
    assert_refused(code, err, data_dir, before, f"lacks {lacking} of the {len(history)} stored dates it spans {share}")


def test_a_large_revision_is_refused_then_accepted(data_dir, tmp_path, capsys):
    before, history = digest_tree(data_dir), stored_ust10y(data_dir)
    revised = history.copy()
    revised.iloc[::20] += 0.5  # 210 of 4,195 values: 5.0%
    changed = int((revised != history).sum())
    path = fred_file(tmp_path / "fred_DGS10.csv", revised)
    code, _, err = run_import(capsys, path)
    share = f"{100 * changed / len(history):.1f}% > {100 * checks.MAX_REVISED_SHARE:g}%"
    assert_refused(code, err, data_dir, before, f"{changed} of {len(history)} stored values would change ({share})")
    assert "--accept-revisions" in err
    code, out, err = run_import(capsys, path, "--accept-revisions")
    assert code == 0, err
    assert f"0 new, {changed} revised" in out
    assert np.allclose(verify.read_newest("ust10y").values, revised)


def test_a_small_revision_goes_through(data_dir, tmp_path, capsys):
    history = stored_ust10y(data_dir)
    revised = history.copy()
    revised.iloc[-3:] += 0.01
    code, out, err = run_import(capsys, fred_file(tmp_path / "fred_DGS10.csv", revised), "--to", "snapshot")
    assert code == 0, err
    assert "0 new, 3 revised" in out
    assert cli.main(["validate"]) == 0  # what was written, validate accepts


@pytest.mark.parametrize(
    "values,message",
    [
        (pd.Series([], dtype="float64", index=pd.DatetimeIndex([])), "no observations"),
        (pd.Series([4.0, 4.1], index=pd.DatetimeIndex(["2025-01-02", "2025-01-02"])), "strictly increasing"),
        (pd.Series([4.0, 4.1], index=pd.DatetimeIndex(["2025-01-03", "2025-01-02"])), "strictly increasing"),
        (pd.Series([4.0, 4.1], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03 12:00"])), "whole days"),
        (pd.Series([4.0, np.nan], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03"])), "not finite"),
        (pd.Series([4.0, np.inf], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03"])), "not finite"),
        (pd.Series([4.0, 1e308], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03"])), "plausible range"),
    ],
)
def test_nothing_validate_would_reject_is_written(values, message):
    """The last gate before a write, on the merged series (the readers already refuse most of these)."""
    with pytest.raises(ImportRefused, match=message):
        _refuse_unless_sound("ust10y", values, "")


# -- hostile files, refused up front ---------------------------------------------------------------


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "folder.csv" / "inner.csv").write_text(SECRET + "\n")
    return tmp_path / "folder.csv"


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe.csv")  # nobody writes: opening it for reading would block for ever
    return tmp_path / "pipe.csv"


def _dev_zero(tmp_path: Path) -> Path:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    return Path("/dev/zero")


def _too_big(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    with open(path, "w") as fh:
        fh.write(SECRET + "\n")
        fh.truncate(csvfile.MAX_BYTES + 1)  # sparse: no disk used
    return path


def _million_columns(tmp_path: Path) -> Path:
    path = tmp_path / "wide.csv"
    path.write_text(SECRET + "\n" + "1," * 1_000_000 + "\n")
    return path


def _million_columns_on_the_first_line(tmp_path: Path) -> Path:
    path = tmp_path / "wide_header.csv"
    path.write_text(SECRET + "," + "1," * 1_000_000 + "\n")
    return path


def _big_cell(tmp_path: Path) -> Path:
    path = tmp_path / "cell.csv"
    path.write_text(SECRET + "\nobservation_date,DGS10\n2025-01-02," + "7" * 128 * 1024 + "\n")
    return path


def _big_quoted_cell_over_many_lines(tmp_path: Path) -> Path:
    path = tmp_path / "quoted.csv"
    path.write_text(SECRET + '\n"' + ("x" * 100 + "\n") * 1400 + '"\n')
    return path


def _too_many_rows(tmp_path: Path) -> Path:
    path = tmp_path / "long.csv"
    # A good header (else the file is refused at once, on its first line), then blank lines, then the secret.
    path.write_text("observation_date,DGS10\n" + "\n" * csvfile.MAX_ROWS + SECRET + "\n")
    return path


def _nul_byte(tmp_path: Path) -> Path:
    path = tmp_path / "nul.csv"
    path.write_text("observation_date,DGS10\n2025-01-02,4" + SECRET + "\x00\n")
    return path


def _not_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.csv"
    path.write_bytes(SECRET.encode() + "\n2025-01-02,caf\u00e9\n".encode("latin-1"))
    return path


def _symlink_to_a_system_file(tmp_path: Path) -> Path:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text(SECRET + ":/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/false\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fred_DGS10.csv").symlink_to(tmp_path / "etc" / "passwd")
    return tmp_path / "in" / "fred_DGS10.csv"


HOSTILE = {
    "directory": (_directory, "a directory, not a regular file"),
    "fifo": (_fifo, "a FIFO (named pipe), not a regular file"),
    "dev_zero": (_dev_zero, "a device, not a regular file"),
    "too_big": (_too_big, f"larger than the {csvfile.MAX_BYTES:,}-byte limit"),
    "million_columns": (_million_columns, ":2: more than 50 columns"),
    "million_columns_line_1": (_million_columns_on_the_first_line, ":1: more than 50 columns"),
    "big_cell": (_big_cell, ":3: a cell longer than 200 characters"),
    "big_quoted_cell": (_big_quoted_cell_over_many_lines, "a cell longer than 200 characters|field limit"),
    "too_many_rows": (_too_many_rows, f":{csvfile.MAX_ROWS + 1}: more than {csvfile.MAX_ROWS:,} lines"),
    "nul_byte": (_nul_byte, ":2: a NUL character: a binary file"),
    "not_utf8": (_not_utf8, ":2: not a UTF-8 text file"),
    "symlink": (_symlink_to_a_system_file, ":1: unrecognised header: the first line is not a FRED, yfinance or TIC"),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_is_refused_quickly_without_echoing_it(case, data_dir, tmp_path, capsys):
    make, message = HOSTILE[case]
    path = make(tmp_path)
    before = digest_tree(data_dir)
    started = time.monotonic()
    code, out, err = run_import(capsys, path, "--to", "snapshot")
    assert time.monotonic() - started < 5
    assert_refused(code, err, data_dir, before, f"error: {path}:")
    assert any(part in err for part in message.split("|")), err
    assert SECRET not in err + out
    assert "TOPSECRET" not in err + out and "root:" not in err + out


def test_the_unrecognised_header_is_described_not_quoted(tmp_path):
    path = _symlink_to_a_system_file(tmp_path)
    with pytest.raises(csvfile.DataFormatError) as err:
        csvfile.read_file(path)
    first = path.read_text().splitlines()[0]
    assert f"({len(first)} characters, 1 field)" in str(err.value)


def test_a_symlink_to_a_good_file_elsewhere_is_read(data_dir, raw, tmp_path, capsys):
    (tmp_path / "fred_FDHBFIN.csv").symlink_to(raw / "fred_FDHBFIN.csv")
    code, out, err = run_import(capsys, tmp_path / "fred_FDHBFIN.csv")
    assert code == 0, err
    assert out.startswith("foreign_debt")


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_by_the_command_line_without_a_traceback(data_dir, tmp_path):
    path = _fifo(tmp_path)
    before = digest_tree(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "usjp", "import", str(path)], cwd=REPO, capture_output=True, text=True, timeout=8
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {path}:0: a FIFO (named pipe), not a regular file: only CSV files can be imported",
        NOTHING_WRITTEN,
    ]
    assert digest_tree(data_dir) == before
