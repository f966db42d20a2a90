"""Bytes a reader's browser moves to open a page: a first visit (empty cache) and a warm revisit.

    .venv/bin/python deploy/measure_transfer.py http://127.0.0.1:8080/ http://127.0.0.1:8601/

For each address, headless Debian Chromium (as the browser tests) opens it in a fresh context, waits until
the page's chart is drawn and the script idle, then reloads it. Counted from Chromium's own network events
(DevTools protocol): bytes on the wire for HTTP (headers and body, as sent: compressed or not), the
same bodies decoded, and the websocket's messages (the figures and widgets; nginx cannot compress
those). Run it against `make serve` (through nginx) and against one worker directly (`make run`, or a
worker's port) to compare. Needs the dev requirements (Playwright).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e import harness


def visit(page, cdp, url: str, reload: bool) -> dict:
    totals = {"requests": 0, "wire": 0, "decoded": 0, "websocket": 0, "encodings": Counter()}

    def finished(event: dict) -> None:
        totals["requests"] += 1
        totals["wire"] += int(event.get("encodedDataLength", 0))

    def received(event: dict) -> None:
        totals["decoded"] += int(event.get("dataLength", 0))

    def response(event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        if not event["response"].get("fromDiskCache"):
            totals["encodings"][headers.get("content-encoding", "none")] += 1

    def frame(event: dict) -> None:
        payload = event["response"].get("payloadData", "")
        binary = event["response"].get("opcode") == 2  # base64 in the event
        totals["websocket"] += len(payload) * 3 // 4 - payload.count("=") if binary else len(payload.encode())

    handlers = {
        "Network.loadingFinished": finished,
        "Network.dataReceived": received,
        "Network.responseReceived": response,
        "Network.webSocketFrameReceived": frame,
    }
    for name, handler in handlers.items():
        cdp.on(name, handler)
    if reload:
        page.reload()
    else:
        page.goto(url)
    harness.wait_ready(page, has_chart=True)
    page.wait_for_timeout(1000)  # late requests (fonts, the chart code)
    for name, handler in handlers.items():
        cdp.remove_listener(name, handler)
    totals["encodings"] = dict(totals["encodings"])
    return totals


def measure(browser, url: str, accept_encoding: str | None = None) -> dict:
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    context = browser.new_context(**harness.DESKTOP, extra_http_headers=headers)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    try:
        return {"url": url, "first": visit(page, cdp, url, False), "warm": visit(page, cdp, url, True)}
    finally:
        context.close()


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--accept-encoding",
        help="send this instead of Chromium's own (which offers br only to https and localhost), e.g. 'gzip, deflate'",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = harness.launch_browser(p)
        results = [measure(browser, url, args.accept_encoding) for url in args.urls]
        browser.close()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        for visit_name in ("first", "warm"):
            v = r[visit_name]
            print(
                f"{r['url']:<32} {visit_name:<5} {v['requests']:>3} requests  wire {mb(v['wire']):>9}"
                f"  decoded {mb(v['decoded']):>9}  websocket {mb(v['websocket']):>8}  encodings {v['encodings']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
