"""`make bench`'s report (bench/run.py): which figures have targets, the verdicts, and the spread over the
last runs kept in its history file. Made-up results: no browser, no server."""

from __future__ import annotations

import json

from bench import run


def results(script_ms: float = 40.0, interaction_ratio: float = 1.10) -> dict:
    return {
        "ttfc_cold_s": 2.0, "ttfc_cold_floor_s": 2.0, "ttfc_ratio": 1.0,
        "warm_load_s": 1.1, "warm_load_floor_s": 1.0, "warm_load_ratio": 1.1,
        "interaction_s": 0.33, "interaction_floor_s": 0.30, "interaction_ratio": interaction_ratio,
        "script_ms": {"timeline": 30.0, "event_study": script_ms}, "script_ms_floor": 11.0,
        "script_ms_p90": {"timeline": 40.0, "event_study": script_ms + 10},
        "script_ms_new_view": {"timeline": 110.0},
        "payload_bytes": {"timeline": 60_000, "event_study": 50_000}, "payload_bytes_floor": 10_000,
        "rss_mib_1": 200.0, "rss_mib_10": 220.0, "rss_mib_1_floor": 100.0, "rss_mib_10_floor": 110.0,
        "warm_ready_s_by_page": {"timeline": 1.2},
    }  # fmt: skip


def test_the_issue_targets_are_the_ones_checked():
    assert run.TARGETS["script_ms"][1] == 50.0 and run.TARGETS["interaction_ratio"][1] == 1.15


def test_one_page_over_the_line_misses_the_script_target():
    assert run.verdicts(results(script_ms=49.9))["script_ms"]
    missed = run.verdicts(results(script_ms=50.1))
    assert not missed["script_ms"] and missed["interaction_ratio"] and missed["script_ms_new_view"]
    assert not run.verdicts(results(interaction_ratio=1.16))["interaction_ratio"]


def test_the_history_gives_each_figure_its_spread_over_the_last_three_runs(tmp_path):
    path = tmp_path / "history.jsonl"
    for ms, ratio in ((44.0, 1.12), (52.0, 1.09), (47.5, 1.14), (41.0, 1.16)):
        runs = run.record(results(ms, ratio), path)
    assert len(runs) == 3 and len(path.read_text().splitlines()) == 4  # all kept, the last three shown
    assert run.spread(runs, "script_ms:event_study", 50.0) == "41.0–52.0, met 2/3"
    assert run.spread(runs, "interaction_ratio", 1.15) == "1.09–1.16, met 2/3"
    assert run.spread(runs, "script_ms:timeline", 50.0) == "30.0, met 3/3"
    report = run.table(results(41.0, 1.16), runs)
    assert "41.0–52.0, met 2/3" in report and "every target met in 1 of the last 3 runs" in report
    line = next(row for row in report.splitlines() if row.startswith("interaction"))
    assert "MISSED" in line and "1.09–1.16, met 2/3" in line


def test_a_damaged_history_line_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text('{"figures": {"ttfc_ratio": 1.0}}\nnot json\n')
    runs = run.record(results(), path)
    assert len(runs) == 2 and runs[-1]["figures"]["script_ms:event_study"] == 40.0
    assert json.loads(path.read_text().splitlines()[-1])["commit"] is not None
