"""The capacity benchmark's simulated reader (bench/st_client.py) against a real server: three readers
open `/` and switch the Scale radio for a few seconds; every rerun must end with its chart and no error.
No browser: the readers speak Streamlit's websocket protocol themselves."""

from __future__ import annotations

import asyncio
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.st_client import DONE_OK, ReaderError, StClient
from tests.e2e import harness

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]

READERS, SECONDS, KEY = 3, 5.0, "w_mode"


async def one_reader(base: str, number: int) -> tuple[list, list[str]]:
    rng = random.Random(number)
    client = StClient(base, "/", timeout=30)
    runs, errors = [], []
    try:
        await client.connect()
        first = await client.open()
        assert first.charts, f"reader {number}: the page sent no chart"
        deadline = time.perf_counter() + SECONDS
        while time.perf_counter() < deadline:
            await asyncio.sleep(rng.uniform(0.3, 1.0))
            runs.append(await client.toggle(KEY))
    except ReaderError as exc:
        errors.append(f"reader {number}: {exc}")
    finally:
        await client.close()
    return runs, errors


async def readers(base: str) -> list[tuple[list, list[str]]]:
    return await asyncio.gather(*(one_reader(base, n) for n in range(READERS)))


def test_simulated_readers_rerun_the_timeline():
    log = harness.ARTIFACTS / "logs" / "capacity-client-server.log"
    with harness.StreamlitServer(log_path=log) as server:
        # A thread of its own: Playwright's sync API, used by other browser tests in the same
        # process, can leave an event loop running in this thread, where asyncio.run() refuses.
        with ThreadPoolExecutor(max_workers=1) as pool:
            results = pool.submit(lambda: asyncio.run(readers(server.base))).result()
        assert server.healthy()
    errors = [e for _, errs in results for e in errs]
    assert not errors, errors
    for number, (runs, _) in enumerate(results):
        assert runs, f"reader {number} completed no rerun"
        for run in runs:
            assert run.status in DONE_OK and not run.exceptions, (run.what, run.exceptions)
            # The chart comes again with every change: in full, or as a reference to the reader's cache.
            assert run.charts, (run.what, run.types)
            assert 0 < run.latency < 30
