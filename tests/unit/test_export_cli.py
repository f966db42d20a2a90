"""`python -m usjp export`: files written (PNG, SVG, PDF, zip), the ways to give the view, stdout, notices,
the errors (exit 2, one line, nothing written), and the same figure as the app for the same view.

The image tests share the process's one browser (usjp.publish.image.RENDERER) with tests/unit/test_publish.py."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.support import IN_CI, REPO
from usjp.cli import export as stores
from usjp.cli import main
from usjp.figures import timeline_view
from usjp.publish import image, permalink
from usjp.views.timeline import parse_view

YEN_QUERY = "series=ust10y,usdjpy&start=2026-03-02&end=2026-07-31"


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for the files written (tmp_path also holds the data copy)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def no_public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(permalink.ENV, raising=False)


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(["export", *argv])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def needs_chromium() -> None:
    if not Path("/usr/bin/chromium").exists():
        if IN_CI:
            pytest.fail("Chromium is missing: apt-get install -y chromium (image exports need it)")
        pytest.skip("Chromium is missing: apt-get install -y chromium")


# -- files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "size", "magic"),
    [("png", "article", b"\x89PNG"), ("svg", "social", b"<svg"), ("pdf", "slide", b"%PDF"), ("zip", "article", b"PK")],
)
def test_writes_each_format(data_dir, out_dir, capsysbinary, fmt, size, magic):
    if fmt != "zip":
        needs_chromium()
    out = out_dir / f"chart.{fmt}"
    code, _, err = run(
        capsysbinary, f"https://usjp.example.org/?{YEN_QUERY}", "--format", fmt, "--size", size, "--out", str(out)
    )
    assert code == 0, err
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out}" in err
    assert sorted(p.name for p in out_dir.iterdir()) == [out.name]  # no temp file left behind


def test_print_png_is_a_300_dpi_column(data_dir, tmp_path, capsysbinary):
    needs_chromium()
    out = tmp_path / "print.png"
    starts = image.RENDERER.starts
    assert run(capsysbinary, "", "--format", "png", "--size", "print", "--out", str(out))[0] == 0
    data = out.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    # 1050 px wide (3.5 in at 300 dpi); at least as tall as asked, taller when the lanes need the room
    assert width == 1050 and height >= 1260 and height % 3 == 0
    assert image.RENDERER.starts == max(starts, 1)  # one browser per process


def test_zip_with_svg(data_dir, tmp_path, capsysbinary):
    needs_chromium()
    out = tmp_path / "package.zip"
    assert run(capsysbinary, YEN_QUERY, "--format", "zip", "--with-svg", "--out", str(out))[0] == 0
    names = zipfile.ZipFile(out).namelist()
    assert names == ["README.txt", "data.csv", "events.csv", "receipt.json", "CITATION.cff", "chart.svg"]


def test_default_name_is_the_views(data_dir, out_dir, capsysbinary, monkeypatch):
    monkeypatch.chdir(out_dir)
    assert run(capsysbinary, "", "--format", "csv")[0] == 0
    assert [p.name for p in out_dir.iterdir()] == ["usjp-ust10y-usdjpy-2025-02-01-2025-08-31-data.csv"]


@pytest.mark.parametrize(
    "given",
    [f"https://usjp.example.org/?{YEN_QUERY}", f"?{YEN_QUERY}", YEN_QUERY, f"http://localhost:8501/?{YEN_QUERY}"],
)
def test_the_view_as_url_query_or_bare_parameters(data_dir, capsysbinary, given):
    code, out, err = run(capsysbinary, given, "--format", "csv", "--out", "-")
    assert code == 0, err
    table = pd.read_csv(io.BytesIO(out), dtype={"date": str})
    assert table["date"].iloc[0] == "2026-03-02" and table["date"].iloc[-1] <= "2026-07-31"
    assert "Japan's currency interventions (100 million yen)" in table.columns


def test_notices_go_to_stderr(data_dir, capsysbinary):
    code, out, err = run(capsysbinary, "series=ust10y,nope&imp=9", "--format", "events", "--out", "-")
    assert code == 0 and out.startswith(b"id,date,end,label,title")
    assert "note: Ignored unknown series 'nope'." in err and "note: Ignored importance '9'" in err


def test_public_url_goes_into_the_receipt(data_dir, capsysbinary, monkeypatch):
    monkeypatch.setenv(permalink.ENV, "https://usjp.example.org")
    code, out, _ = run(capsysbinary, "series=ust10y", "--format", "receipt", "--out", "-")
    assert code == 0 and b'"permalink": "https://usjp.example.org/?series=ust10y"' in out
    code, out, err = run(
        capsysbinary, "series=ust10y", "--format", "receipt", "--out", "-", "--public-url", "javascript:x"
    )
    assert code == 0 and b'"permalink": "Local view (no public address set): ?series=ust10y"' in out
    assert "ignored" in err


def test_python_dash_m(data_dir):
    run_ = subprocess.run(
        [sys.executable, "-m", "usjp", "export", "?series=ust10y", "--format", "csv", "--out", "-"],
        cwd=REPO,
        capture_output=True,
        timeout=120,
        env={**os.environ, "USJP_DATA_DIR": str(data_dir)},
    )
    assert run_.returncode == 0, run_.stderr
    assert run_.stdout.startswith(b"date,US 10-year Treasury yield (percent)\n")


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--format", "gif"], "unknown format 'gif'; use one of png, svg, pdf, csv, events, html, zip, receipt"),
        (["--size", "tiny"], "unknown size 'tiny': use one of article, social, slide, print, or WIDTHxHEIGHT"),
        (["--size", "100x100"], "size 100x100 is out of bounds: each side must be 320 to 4000 px"),
        (["--scale", "9"], "scale 9 is out of bounds: use 1 to 6"),
        (["--out", "/nonexistent/folder/x.png"], "the folder '/nonexistent/folder' does not exist"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(data_dir, capsysbinary, argv, expected):
    code, out, err = run(capsysbinary, "", *argv)
    assert code == 2 and not out
    assert err.startswith("error: ") and expected in err and err.count("\n") == 1


def test_a_folder_as_out_is_refused(data_dir, out_dir, capsysbinary):
    code, _, err = run(capsysbinary, "", "--format", "csv", "--out", str(out_dir))
    assert code == 2 and "is a folder" in err and list(out_dir.iterdir()) == []


def test_a_browser_that_cannot_start_is_an_error_not_a_hang(data_dir, out_dir):
    """kaleido's own sync server waits forever when its browser cannot start; ours fails in one line."""
    out = out_dir / "x.png"
    env = {**os.environ, "USJP_DATA_DIR": str(data_dir), "BROWSER_PATH": str(out_dir / "no-browser")}
    command = [sys.executable, "-m", "usjp", "export", "", "--format", "png", "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [errors[0]] and "the image renderer (kaleido with Chromium) did not start" in errors[0]
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused(data_dir, tmp_path, capsysbinary):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    code, _, err = run(capsysbinary, "", "--format", "csv", "--out", str(folder / "x.csv"))
    assert code == 2 and "cannot be written" in err


# -- the same figure as the app -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "series": "ust10y,usdjpy",
            "start": "2026-03-02",
            "end": "2026-07-31",
            "labels": "record-yen-intervention-2026,mof-intervention-2026-05-04",
            "title": "Yen <b>bought</b> & sold",
            "subtitle": "Subtitle",
            "note": "A note",
            "mode": "indexed",
            "releases": "1",
        },
    ],
    ids=["default", "annotated"],
)
def test_cli_and_app_draw_the_same_figure(data_dir, params):
    from usjp.ui import loaders  # the app's cached loaders work outside a Streamlit run (cache warnings only)

    events = stores.load_events().events
    bounds = stores.date_bounds()
    assert bounds == loaders.date_bounds()
    assert [e.id for e in events] == [e.id for e in loaders.load_events()]
    view = parse_view(params, {e.id for e in events}, stores.available_keys(), bounds)
    assert not view.notices
    start, end = view.window(*bounds)
    cli = stores.timeline_data(view, events)
    app = loaders.timeline_data(view)
    for width, height in ((1200, 675), (350, 420)):
        kwargs = {"width": width, "height": height, "exact": True, "link": "Local view (no public address set): ?x"}
        ours = timeline_view.figure_for_view(view, start, end, cli, **kwargs).to_json()
        theirs = timeline_view.figure_for_view(view, start, end, app, **kwargs).to_json()
        assert ours == theirs
    if params:
        assert cli.releases and cli.interventions is not None and cli.headlines == app.headlines
        assert start == dt.date(2026, 3, 2)
