"""A journalist's walk-through of the timeline: a month of events, three labels of their choosing and a
byline, then the chart as PNG and SVG, the data package, and a citation of the view, from the
"Download, embed and cite" panel. The downloaded files are kept in artifacts/journalist/."""

from __future__ import annotations

import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.e2e import geometry, harness
from tests.e2e.support import url_query

pytestmark = pytest.mark.e2e

SIZE = {"viewport": {"width": 1440, "height": 1000}, "accept_downloads": True}
START, END = "2025-04-01", "2025-04-30"
CHOSEN = ("liberation-day-tariffs", "nikkei-crash-apr-2025", "kato-bessent-fx-meeting")
NOTE = "Graphic by Jane Doe, Daily Planet"
PANEL = ".st-key-publish_panel"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_PNG_BYTES = 20_000
OUT = harness.ARTIFACTS / "journalist"
DOWNLOAD_MS = 120_000  # a first image starts the renderer's browser


def events_by_id() -> dict[str, dict]:
    entries = yaml.safe_load((harness.REPO / "data" / "events.yaml").read_text(encoding="utf-8"))
    return {e["id"]: e for e in entries}


def choose_label(page, title: str) -> None:
    """Pick an event in the "Label these events" multiselect by its title (options read 'DD Mon YYYY · title')."""
    box = page.locator(".st-key-w_labels [role='combobox']")
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("listbox").wait_for()
    page.get_by_role("option", name=re.compile(rf"· {re.escape(title)}")).click()
    page.keyboard.press("Escape")
    harness.wait_idle(page)


def download(page, name: str) -> bytes:
    """Click a download button of the panel; the file's bytes (also saved under artifacts/journalist/)."""
    button = page.locator(PANEL).get_by_role("button", name=name, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=DOWNLOAD_MS) as started:
        button.click()
    done = started.value
    assert done.failure() is None, f"the {name} download failed: {done.failure()}"
    path = OUT / done.suggested_filename
    done.save_as(path)
    print(f"{name}: {path.name}, {path.stat().st_size:,} bytes")
    return path.read_bytes()


def svg_text(data: bytes) -> str:
    """Every text of an SVG, joined (a label may be split over tspans)."""
    root = ET.fromstring(data)
    return " ".join(" ".join(t.itertext()) for t in root.iter() if t.tag.endswith("text"))


def test_journalist_labels_annotates_downloads_and_cites_a_view(open_tab, server):
    events = events_by_id()
    labels = [events[i]["label"] for i in CHOSEN]
    OUT.mkdir(parents=True, exist_ok=True)
    tab = open_tab(SIZE)
    page = tab.page
    geometry.load(tab, server.url("", f"start={START}&end={END}"))

    page.locator(".st-key-w_label_mode").get_by_text("Events I choose", exact=True).click()
    harness.wait_idle(page)
    for event_id in CHOSEN:
        choose_label(page, events[event_id]["title"])
    note = page.locator(".st-key-w_note input")
    note.fill(NOTE)
    note.press("Enter")
    page.wait_for_function("(n) => new URLSearchParams(location.search).get('note') === n", arg=NOTE)
    geometry.settle(page)
    query = url_query(tab)
    assert query.get("labels") == [",".join(CHOSEN)], f"the URL after choosing three labels: {page.url}"
    drawn = sorted(b.text for b in geometry.texts(page).labels)
    assert drawn == sorted(labels), f"the chart labels {drawn}, not the three chosen {sorted(labels)}"
    tab.screenshot("journalist-chart")

    page.get_by_text("Download, embed and cite", exact=True).click()
    harness.wait_idle(page)
    panel = page.locator(PANEL)
    panel.get_by_role("button", name="PNG", exact=True).wait_for()
    tab.screenshot("journalist-panel", full=True)

    png = download(page, "PNG")
    assert png[:8] == PNG_MAGIC, f"the PNG starts with {png[:8]!r}"
    width, height = struct.unpack(">II", png[16:24])
    print(f"PNG is {width}x{height} px")
    assert len(png) >= MIN_PNG_BYTES and width >= 600 and height >= 300, (len(png), width, height)

    svg = download(page, "SVG")
    text = svg_text(svg)
    missing = [label for label in labels if label not in text]
    assert not missing, f"the SVG lacks the labels {missing}"
    assert NOTE in text, "the SVG lacks the note"

    package = zipfile.ZipFile(io.BytesIO(download(page, "Data package (zip)")))
    names = set(package.namelist())
    assert {"data.csv", "events.csv", "receipt.json"} <= names, f"the package holds {sorted(names)}"
    receipt = json.loads(package.read("receipt.json"))
    assert receipt.get("labelled_events") == list(CHOSEN), (
        f"receipt's labelled_events: {receipt.get('labelled_events')}"
    )
    events_csv = package.read("events.csv").decode("utf-8")
    assert all(i in events_csv for i in CHOSEN), "events.csv lacks a labelled event"

    codes = page.evaluate(
        """(sel) => {
          const panel = document.querySelector(sel);
          const items = [...panel.querySelectorAll('[data-testid="stMarkdownContainer"], [data-testid="stCode"]')];
          const at = items.findIndex((e) => e.textContent.trim() === 'Cite this view');
          const code = items.slice(at + 1).find((e) => e.getAttribute('data-testid') === 'stCode');
          return at >= 0 && code ? code.innerText : null;
        }""",
        PANEL,
    )
    assert codes, "no code block under 'Cite this view' in the panel"
    citation = codes.strip()
    (OUT / "citation.txt").write_text(citation + "\n", encoding="utf-8")
    found = re.search(r"\?(\S+?)\.? Accessed", citation)
    assert found, f"no permalink query in the citation: {citation!r}"
    assert parse_qs(found.group(1)) == parse_qs(urlsplit(page.url).query), (
        f"the citation's link ?{found.group(1)} is not the page's view {page.url}"
    )
    assert "Accessed" in citation
    tab.assert_healthy()
