"""usjp/publish: sizes, the plotted-data and events CSVs, the SVG's title and description, the HTML embed,
the permalink, the citations, the receipt (its checksums are the manifest's) and the data package.

Everything runs on a private copy of the bundled data (`stored`); the two image tests drive the real
renderer (kaleido and Debian's Chromium, one browser for the whole test session)."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.support import IN_CI, REPO
from usjp import catalog
from usjp.cli import export as stores
from usjp.figures import timeline_view
from usjp.publish import cite, embed, export, image, package, permalink, receipt, sizes, tables
from usjp.views.timeline import View, parse_view

HOSTILE = "<b>x</b> & <a href=javascript:alert(1)>"
# A window in which Japan bought yen (30 Apr, 4 and 6 May 2026): the intervention bars are drawn.
INTERVENTION_WINDOW = (dt.date(2026, 3, 2), dt.date(2026, 7, 31))
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private copy of data/ (events, calendar, snapshot; no cache) for the whole module."""
    target = tmp_path_factory.mktemp("publish") / "data"
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("cache", ".lock"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("USJP_DATA_DIR", str(target))
        patch.delenv(permalink.ENV, raising=False)
        yield target


@pytest.fixture(scope="module")
def events(stored: Path) -> list:
    return stores.load_events().events


def view_of(params: dict, events: list) -> View:
    return parse_view(params, {e.id for e in events}, stores.available_keys(), stores.date_bounds())


def window(view: View) -> tuple[dt.date, dt.date]:
    return view.window(*stores.date_bounds())


@pytest.fixture(scope="module")
def default(events: list) -> tuple[View, dt.date, dt.date, timeline_view.TimelineData]:
    """The default view (10Y and USD/JPY, 2025 tariff shock) and its data."""
    view = view_of({}, events)
    return (view, *window(view), stores.timeline_data(view, events))


@pytest.fixture(scope="module")
def yen(events: list) -> tuple[View, dt.date, dt.date, timeline_view.TimelineData]:
    """USD/JPY and 10Y through Japan's 2026 interventions, with labels, a hostile title and a note."""
    start, end = INTERVENTION_WINDOW
    params = {
        "series": "ust10y,usdjpy",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "labels": "record-yen-intervention-2026,mof-intervention-2026-05-04",
        "title": HOSTILE,
        "note": "Note = from the desk",
    }
    view = view_of(params, events)
    assert not view.notices, view.notices
    return view, start, end, stores.timeline_data(view, events)


def needs_chromium() -> None:
    if not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"):
        if IN_CI:
            pytest.fail("Chromium is missing: apt-get install -y chromium (image exports need it)")
        pytest.skip("Chromium is missing: apt-get install -y chromium")


# -- sizes ------------------------------------------------------------------------------------------
def test_named_sizes_and_the_print_column():
    assert [(s.key, s.width, s.height, s.scale) for s in sizes.SIZES] == [
        ("article", 1200, 675, 1.0),
        ("social", 1080, 1080, 1.0),
        ("slide", 1920, 1080, 1.0),
        ("print", 350, 420, 3.0),
    ]
    assert sizes.parse_size("print").pixels == (1050, 1260)  # 3.5 in at 300 dpi
    assert sizes.parse_size(" Article ").scaled(2).pixels == (2400, 1350)
    assert sizes.parse_size("article").scaled(2).slug == "article-2x"
    assert sizes.parse_size("print").slug == "print"


@pytest.mark.parametrize(
    ("text", "expected"), [("1600x900", (1600, 900)), ("320×4000", (320, 4000)), ("800X600", (800, 600))]
)
def test_custom_sizes(text, expected):
    size = sizes.parse_size(text)
    assert (size.width, size.height, size.scale) == (*expected, 1.0)
    assert size.key == f"{expected[0]}x{expected[1]}"


@pytest.mark.parametrize("text", ["319x500", "500x4001", "0x0", "huge", "", "12x", "1600x900x2", "-5x600", "🙂" * 100])
def test_a_bad_size_says_what_is_allowed(text):
    with pytest.raises(ValueError) as caught:
        sizes.parse_size(text)
    message = str(caught.value)
    assert "320" in message and "4000" in message
    assert len(message) < 300


@pytest.mark.parametrize("scale", [0.5, 0, 7, float("nan")])
def test_a_bad_scale_is_refused(scale):
    with pytest.raises(ValueError, match="scale"):
        sizes.parse_size("article").scaled(scale)


# -- the plotted data -------------------------------------------------------------------------------
def test_data_csv_has_the_units_in_its_header_and_exactly_the_plotted_window(default):
    view, start, end, data = default
    raw = tables.data_csv(view, start, end, data)
    assert raw.startswith(b"date,US 10-year Treasury yield (percent),USD/JPY (yen per dollar)\n")
    table = pd.read_csv(io.BytesIO(raw), dtype={"date": str})
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    expected_dates = sorted(set().union(*(s.values[window].index for s in data.series)))
    assert table["date"].tolist() == [d.strftime("%Y-%m-%d") for d in expected_dates]
    assert table["date"].iloc[0] >= start.isoformat() and table["date"].iloc[-1] <= end.isoformat()
    for item, column in zip(data.series, table.columns[1:], strict=True):
        stored = item.values[window]
        mine = table.set_index(pd.to_datetime(table["date"]))[column].dropna()
        assert mine.index.equals(stored.dropna().index.rename(mine.index.name))
        assert mine.tolist() == stored.dropna().tolist()  # exactly as stored, not rounded


def test_data_csv_adds_the_intervention_amounts_when_the_bars_are_drawn(yen):
    view, start, end, data = yen
    table = tables.plotted_table(view, start, end, data)
    column = "Japan's currency interventions (100 million yen)"
    assert list(table.columns) == [
        "date",
        "US 10-year Treasury yield (percent)",
        "USD/JPY (yen per dollar)",
        column,
    ]
    days = table.dropna(subset=[column])
    assert days["date"].tolist()[:3] == ["2026-04-30", "2026-05-04", "2026-05-06"]
    assert (days[column] > 0).all()  # yen bought


def test_indexed_views_export_the_levels(default):
    view, start, end, data = default
    indexed = replace(view, mode="indexed")
    assert tables.data_csv(indexed, start, end, data) == tables.data_csv(view, start, end, data)


# -- the events -------------------------------------------------------------------------------------
def test_events_csv_lists_the_events_shown_with_their_sources(yen):
    view, start, end, data = yen
    table = pd.read_csv(io.BytesIO(tables.events_csv(view, start, end, data)), dtype=str, keep_default_na=False)
    assert tuple(table.columns) == tables.EVENT_COLUMNS
    shown = timeline_view.shown_events(data.events, view, start, end)
    assert table["id"].tolist() == [e.id for e in shown]
    assert "mof-intervention-2026-05-04" in set(table["id"])  # generated events are events like the others
    labelled = table.set_index("id")["labelled"]
    assert labelled["record-yen-intervention-2026"] == "yes" and labelled["mof-intervention-2026-05-04"] == "yes"
    assert set(labelled) == {"yes", "no"}
    first = shown[0]
    row = table.iloc[0]
    assert row["source_urls"] == " | ".join(s.url for s in first.sources)
    assert row["date"] == first.date.isoformat() and row["importance"] == str(first.importance)


def test_events_csv_makes_formulas_inert(default):
    view, start, end, data = default
    shown = timeline_view.shown_events(data.events, view, start, end)
    evil = shown[0].model_copy(update={"title": "=HYPERLINK(1)", "label": "+1 label"})
    table = tables.events_table(view, start, end, [evil, *shown[1:]])
    raw = tables.events_csv(view, start, end, replace(data, events=[evil, *data.events[1:]]))
    assert table.iloc[0]["title"] == "=HYPERLINK(1)"  # the table keeps the text; the CSV defuses it
    assert b",'=HYPERLINK(1)," in raw and b",'+1 label," in raw


# -- permalink --------------------------------------------------------------------------------------
def test_permalink_with_a_public_address(default, monkeypatch):
    view = replace(default[0], series=("ust10y", "broad_dollar"), mode="indexed")
    monkeypatch.setenv(permalink.ENV, "https://usjp.example.org/")
    base = permalink.public_base()
    assert base == permalink.PublicBase("https://usjp.example.org")
    assert permalink.permalink(view, base.url) == "https://usjp.example.org/?series=ust10y%2Cbroad_dollar&mode=indexed"
    assert permalink.link_line(view, base.url).startswith("Interactive view: https://usjp.example.org/?series=")
    assert permalink.permalink(default[0], base.url) == "https://usjp.example.org/"


def test_permalink_without_a_public_address(default, monkeypatch):
    monkeypatch.delenv(permalink.ENV, raising=False)
    view = replace(default[0], series=("ust10y",))
    assert permalink.public_base() == permalink.PublicBase(None)
    assert permalink.link_line(view, None) == "Local view (no public address set): ?series=ust10y"


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        "JavaScript://example.org/%0aalert(1)",
        "data:text/html,x",
        "ftp://example.org",
        "https://",
        "https://example.org/?x=1",
        "https://user:pw@example.org",
        "example.org",
        "https://exa mple.org",
    ],
)
def test_a_base_that_is_not_http_is_ignored_with_a_warning(raw, monkeypatch):
    monkeypatch.setenv(permalink.ENV, raw)
    base = permalink.public_base()
    assert base.url is None
    assert "USJP_PUBLIC_URL" in base.warning and "ignored" in base.warning
    assert "javascript" not in base.warning.lower() and "user" not in base.warning  # never echoed


def test_the_link_line_is_in_the_export_figure_footer(yen, monkeypatch):
    view, start, end, data = yen
    monkeypatch.setenv(permalink.ENV, "https://usjp.example.org")
    line = export.context(view, start, end, data, None, NOW).link_line
    figure = export.static_figure(view, start, end, data, sizes.parse_size("slide"), line)
    footer = figure.layout.annotations[-1].text
    url = line.split(": ", 1)[1]
    assert html.escape(url, quote=False) in footer.replace("<br>", "")  # a long link is cut into lines
    assert footer.rstrip().endswith(html.escape(url, quote=False)[-20:])  # the link is the footer's last line
    assert (figure.layout.width, figure.layout.height) == (1920, 1080)


# -- citations --------------------------------------------------------------------------------------
def test_view_citation_names_every_publisher_and_the_ministry_when_its_bars_are_drawn(yen):
    view, start, end, data = yen
    specs = export.specs_drawn(view, start, end, data)
    text = cite.view_citation(view, specs, "https://usjp.example.org/?x", dt.date(2026, 11, 30), "9.9.9", title="T")
    assert text.startswith('US–Japan trade-tension dashboard (version 9.9.9). "T". https://usjp.example.org/?x.')
    assert "Accessed 30 Nov 2026" in text
    for key in ("ust10y", "usdjpy", catalog.INTERVENTIONS):
        spec = catalog.get(key)
        assert f"{spec.publisher} ({spec.citation})" in text
    assert catalog.MOF_ATTRIBUTION in text
    assert text.endswith("with processing by the US–Japan trade-tension dashboard.")


def test_view_citation_leaves_out_the_ministry_when_no_bars_are_drawn(default):
    view, start, end, data = default
    specs = export.specs_drawn(view, start, end, data)
    assert [s.key for s in specs] == ["ust10y", "usdjpy"]  # no intervention in the 2025 window
    text = cite.view_citation(view, specs, "", dt.date(2026, 11, 30))
    assert catalog.MOF not in text and f"(version {cite.app_version()})" in text


def test_dashboard_citation_comes_from_citation_cff_and_pyproject():
    record = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    text = cite.dashboard_citation()
    assert record["title"] in text and f"version {record['version']}" in text
    assert record["authors"][0]["name"] in text
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cite.app_version()}"' in pyproject
    source = (REPO / "usjp" / "publish" / "cite.py").read_text(encoding="utf-8")
    assert record["title"] not in source and record["version"] not in source  # read, never typed twice
    assert cite.dashboard_citation({"title": "X"}) == "X."


# -- receipt ----------------------------------------------------------------------------------------
def test_receipt_checksums_are_the_manifest_entries(yen):
    view, start, end, data = yen
    made = json.loads(export.export_view(view, start, end, data, "receipt", sizes.parse_size("article"), now=NOW).data)
    manifest = json.loads((REPO / "data" / "market" / "manifest.json").read_text(encoding="utf-8"))["series"]
    assert [s["key"] for s in made["series"]] == ["ust10y", "usdjpy", catalog.INTERVENTIONS]
    assert [s["role"] for s in made["series"]] == ["line", "line", "bars"]
    for entry in made["series"]:
        stored = manifest[entry["key"]]
        assert entry["sha256"] == stored["sha256"] and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert (entry["first_date"], entry["last_date"]) == (stored["first"], stored["last"])
        assert entry["retrieved_at"] == stored["retrieved_at"] and entry["store"] == "snapshot"
        assert entry["license"] == catalog.get(entry["key"]).license
    assert made["view"]["params"]["title"] == HOSTILE and made["view"]["start"] == "2026-03-02"
    shown = timeline_view.shown_events(data.events, view, start, end)
    assert [e["id"] for e in made["events"]] == [e.id for e in shown]
    assert all(e["sources"] and all(u.startswith("http") for u in e["sources"]) for e in made["events"])
    assert made["labelled_events"] == ["record-yen-intervention-2026", "mof-intervention-2026-05-04"]
    assert made["app"]["version"] == cite.app_version()
    assert made["app"]["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", made["app"]["git_commit"])
    assert made["exported_at"] == "2026-11-30T12:00:00Z"
    assert made["format"] == "receipt" and made["size"]["key"] == "article"


def test_receipt_without_git(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert receipt.git_commit() is None


# -- data package -----------------------------------------------------------------------------------
def test_data_package_contents(yen):
    view, start, end, data = yen
    made = export.export_view(view, start, end, data, "zip", sizes.parse_size("article"), base_url="", now=NOW)
    assert made.mime == "application/zip" and made.data[:2] == b"PK"
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    assert archive.namelist() == ["README.txt", "data.csv", "events.csv", "receipt.json", "CITATION.cff"]
    assert archive.read("CITATION.cff") == (REPO / "CITATION.cff").read_bytes()
    assert archive.read("data.csv") == tables.data_csv(view, start, end, data)
    assert archive.read("events.csv") == tables.events_csv(view, start, end, data)
    readme = archive.read("README.txt").decode()
    for key in ("ust10y", "usdjpy", catalog.INTERVENTIONS):
        assert catalog.get(key).license in readme and catalog.get(key).unit in readme
    assert "Cite this view:" in readme and catalog.MOF_ATTRIBUTION in readme and "CC BY 4.0" in readme
    assert "Local view (no public address set): ?" in readme
    receipt_in_zip = json.loads(archive.read("receipt.json"))
    assert receipt_in_zip["files"] == archive.namelist()
    again = export.export_view(view, start, end, data, "zip", sizes.parse_size("article"), base_url="", now=NOW)
    assert again.data == made.data  # deterministic


# -- file names and the entry point -----------------------------------------------------------------
def test_file_names_are_named_after_the_view(default, yen):
    view, start, end, _ = default
    assert export.filename(view, start, end, "png", sizes.parse_size("article")) == (
        "usjp-ust10y-usdjpy-2025-02-01-2025-08-31-article.png"
    )
    assert export.filename(view, start, end, "png", sizes.parse_size("article").scaled(2)).endswith("-article-2x.png")
    assert export.filename(view, start, end, "csv", sizes.parse_size("slide")).endswith("-2025-08-31-data.csv")
    assert export.filename(view, start, end, "html", sizes.parse_size("1600x900")).endswith("-1600x900.html")
    for fmt in export.FORMATS:
        name = export.filename(yen[0], yen[1], yen[2], fmt, sizes.parse_size("print"))
        assert re.fullmatch(r"[a-z0-9._-]+", name), name


def test_an_unknown_format_is_refused(default):
    with pytest.raises(ValueError, match="png"):
        export.export_view(*default, "gif", sizes.parse_size("article"))


def test_a_bad_public_address_is_a_notice_of_the_export(default):
    made = export.export_view(*default, "csv", sizes.parse_size("article"), base_url="javascript:alert(1)")
    assert made.notices and "ignored" in made.notices[0]


# -- HTML embed -------------------------------------------------------------------------------------
def test_html_embed_is_self_contained_accessible_and_escaped(yen):
    view, start, end, data = yen
    made = export.export_view(
        view, start, end, data, "html", sizes.parse_size("article"), base_url="https://h.example", now=NOW
    )
    page = made.data.decode()
    assert made.mime == "text/html" and page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert not re.search(r"<script[^>]*\bsrc=", page, flags=re.IGNORECASE)  # plotly.js inlined, nothing fetched
    assert "mathjax" not in page.split("<script", 1)[0].lower()
    assert f"<title>{html.escape(HOSTILE)}</title>" in page
    assert HOSTILE not in page and "<a href=javascript" not in page.lower()
    # Fixed size (its labels were laid out for it), scaled down to fit a narrower frame by our script.
    assert '"displaylogo": false' in page and '"responsive": false' in page and "scale(" in page
    alt = timeline_view.alt_text(view, start, end, data)
    assert f'<p id="{embed.DESC_ID}" class="visually-hidden">{html.escape(alt)}</p>' in page
    link = permalink.permalink(view, "https://h.example")
    assert f'<a href="{html.escape(link)}">' in page and "&amp;labels=" in page


def test_iframe_snippet_is_escaped_and_lazy():
    snippet = embed.iframe_snippet('chart".html', 1200, 675, HOSTILE)
    assert snippet.startswith('<iframe src="chart&quot;.html" width="1200" height="675" ')
    assert f'title="{html.escape(HOSTILE, quote=True)}"' in snippet and 'loading="lazy"' in snippet
    assert embed.iframe_snippet("https://h.example/c.html", 10, 10, "t").startswith('<iframe src="https://h.example/')
    for bad in ("javascript:alert(1)", " data:text/html,x", "vbscript:x"):
        with pytest.raises(ValueError):
            embed.iframe_snippet(bad, 10, 10, "t")


# -- SVG --------------------------------------------------------------------------------------------
def test_svg_title_and_desc_are_escaped_first_children_of_the_root():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"><rect/></svg>'
    out = image.accessible_svg(svg, HOSTILE, "a < b & c\x01")
    assert out.startswith(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" role="img" '
        b'aria-labelledby="usjp-chart-title usjp-chart-desc"><title id="usjp-chart-title">'
        b"&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href=javascript:alert(1)&gt;</title>"
        b'<desc id="usjp-chart-desc">a &lt; b &amp; c</desc><rect/>'
    )


def test_real_svg_and_png_exports(yen):
    """One browser for all the images of the process: started once, reused, never per image."""
    needs_chromium()
    view, start, end, data = yen
    size = sizes.parse_size("article")
    svg = export.export_view(view, start, end, data, "svg", size, now=NOW).data
    root = re.search(rb"<svg\b[^>]*>", svg).group(0)
    assert b'role="img"' in root and b'width="1200"' in root and b'height="675"' in root
    after = svg[len(svg[: svg.index(root)]) + len(root) :]
    assert after.startswith(b'<title id="usjp-chart-title">' + html.escape(HOSTILE, quote=False).encode() + b"</title>")
    assert b"<a " not in svg and b'href="javascript' not in svg.lower()
    starts = image.RENDERER.starts
    png = export.export_view(view, start, end, data, "png", size.scaled(2), now=NOW).data
    assert png[:4] == b"\x89PNG" and int.from_bytes(png[16:20], "big") == 2400
    pdf = export.export_view(view, start, end, data, "pdf", size, now=NOW).data
    assert pdf[:4] == b"%PDF"
    assert image.RENDERER.starts == starts == 1


def test_image_rejects_other_formats(default):
    view, start, end, data = default
    figure = export.static_figure(view, start, end, data, sizes.parse_size("article"), "")
    with pytest.raises(ValueError):
        image.render(figure, "gif", sizes.parse_size("article"))


def test_package_readme_says_when_the_chart_was_indexed(default):
    view, start, end, data = default
    indexed = replace(view, mode="indexed")
    made = export.export_view(indexed, start, end, data, "zip", sizes.parse_size("article"), now=NOW)
    readme = zipfile.ZipFile(io.BytesIO(made.data)).read("README.txt").decode()
    assert "drawn indexed" in readme and "holds the levels" in readme
    assert package.ORDER[0] == "README.txt"
