"""`python -m usjp stats`: JSON shape, errors, and the numbers recomputed by hand from the CSV."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from tests.builders import shorten_history_before
from tests.support import REPO
from usjp.cli import main
from usjp.data import store, verify

TOP_KEYS = {
    "event_id",
    "series",
    "market_date",
    "t0",
    "baseline_date",
    "baseline_value",
    "unit",
    "sigma",
    "estimation_obs",
    "windows",
    "confounders",
}
WINDOW_KEYS = {"start", "end", "end_date", "end_value", "change", "z", "percentile"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["stats", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape_for_one_series(data_dir, capsys):
    code, out, _ = run(capsys, "--event", "liberation-day-tariffs", "--series", "ust10y", "--json")
    assert code == 0
    result = json.loads(out)
    assert isinstance(result, dict)
    assert set(result) >= TOP_KEYS
    assert result["event_id"] == "liberation-day-tariffs" and result["series"] == "ust10y"
    assert result["unit"] == "bp" and result["estimation_obs"] == 250
    assert result["market_date"] == "2025-04-03"  # announced after the US close on Apr 2
    assert [(w["start"], w["end"]) for w in result["windows"]] == [(0, 1), (0, 5), (-1, 10)]
    for window in result["windows"]:
        assert set(window) >= WINDOW_KEYS
    assert all(isinstance(i, str) for i in result["confounders"])


def test_numbers_recompute_by_hand_from_the_csv(data_dir, capsys):
    """The definition applied with nothing but the csv module and arithmetic."""
    with open(data_dir / "market" / "ust10y.csv") as fh:
        rows = [(r["date"], float(r["value"])) for r in csv.DictReader(fh)]
    dates = [d for d, _ in rows]
    x = [v for _, v in rows]
    t0 = next(i for i, d in enumerate(dates) if d >= "2025-04-03")
    code, out, _ = run(capsys, "--event", "liberation-day-tariffs", "--series", "ust10y", "--json")
    assert code == 0
    result = json.loads(out)
    assert (result["t0"], result["t0_index"]) == (dates[t0], t0)
    assert (result["baseline_date"], result["baseline_value"]) == (dates[t0 - 1], x[t0 - 1])
    steps = [(x[i] - x[i - 1]) * 100 for i in range(t0 - 250, t0)]
    mean = sum(steps) / 250
    sigma = (sum((s - mean) ** 2 for s in steps) / 249) ** 0.5
    assert result["sigma"] == pytest.approx(sigma, abs=1e-6)
    w = next(w for w in result["windows"] if (w["start"], w["end"]) == (0, 5))
    assert (w["end_date"], w["end_value"]) == (dates[t0 + 5], x[t0 + 5])
    change = (x[t0 + 5] - x[t0 - 1]) * 100
    assert w["change"] == pytest.approx(change, abs=1e-6)
    assert w["z"] == pytest.approx(change / (sigma * 6**0.5), abs=1e-5)
    history = [abs(x[j + 6] - x[j]) * 100 for j in range(t0 - 1260, t0 - 6)]
    assert len(history) == 1260 - 6
    smaller = sum(h < abs(change) - 1e-9 for h in history)
    assert w["percentile"] == pytest.approx(100 * smaller / len(history), abs=1e-4)


def test_several_series_print_a_list_and_default_is_the_events_daily_series(data_dir, capsys):
    shorten_history_before("usdjpy", "2025-04-02")
    code, out, err = run(capsys, "--event", "liberation-day-tariffs", "--json")
    assert code == 0
    result = json.loads(out)
    assert [r["series"] for r in result] == ["usdjpy", "ust10y"]  # nikkei225 has no stored data
    assert "nikkei225" in err
    usdjpy = result[0]
    assert usdjpy["unit"] == "%"
    # USD/JPY history (cut above) too short for the five-year percentile: said so.
    assert all(w["percentile"] is None and "1,260" in w["reasons"]["percentile"] for w in usdjpy["windows"])


def test_windows_option_and_monthly_series(data_dir, capsys):
    code, out, _ = run(
        capsys, "--event", "kato-treasuries-card", "--series", "ust30y", "tic_japan", "--windows", "0:0,0:2", "--json"
    )
    assert code == 0
    daily, monthly = json.loads(out)
    assert [(w["start"], w["end"]) for w in daily["windows"]] == [(0, 0), (0, 2)]
    assert monthly["windows"] == [] and monthly["sigma"] is None and monthly["reasons"]["sigma"]
    assert monthly["periods"]["before"]["period"] and monthly["periods"]["after"]["period"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--event", "no-such-event"], "unknown event"),
        (["--event", "liberation-day-tariffs", "--series", "ust99y"], "unknown series"),
        (["--event", "liberation-day-tariffs", "--series", "nikkei225"], "no stored data"),
        (["--event", "liberation-day-tariffs", "--windows", "5:0"], "start must not be after"),
    ],
)
def test_errors_exit_1_with_a_message(data_dir, capsys, argv, needle):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 1 and out == "" and needle in err


def test_text_output(data_dir, capsys):
    code, out, _ = run(capsys, "--event", "liberation-day-tariffs", "--series", "ust10y")
    assert code == 0 and "t0 2025-04-03" in out and "sigma" in out


def test_too_little_history_is_null_with_a_reason(data_dir, capsys):
    short = verify.read_newest("ust10y").values["2025-03-01":"2025-04-30"]
    snapshot = store.snapshot()
    with snapshot.locked():
        snapshot.write({"ust10y": (short, snapshot.manifest()["series"]["ust10y"])})
    code, out, _ = run(capsys, "--event", "liberation-day-tariffs", "--series", "ust10y", "--json")
    result = json.loads(out)
    assert code == 0 and result["t0"] == "2025-04-03"
    assert result["sigma"] is None and "250" in result["reasons"]["sigma"]
    w = result["windows"][0]
    assert w["change"] is not None and w["z"] is None and w["percentile"] is None
    assert w["reasons"]["z"] and w["reasons"]["percentile"]


def test_module_entry_point(data_dir):
    done = subprocess.run(
        [sys.executable, "-m", "usjp", "stats", "--event", "nope", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"USJP_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 1 and "unknown event 'nope'" in done.stderr
