"""Refresh the local cache from the live sources (FRED, Yahoo, Treasury TIC).

What to fetch, and by which name each source knows it (FRED series id, ticker, Treasury's row
label), comes from the catalog; answers are mapped back to catalog keys here. One connectivity
probe per host, then every fetch in a child process under a hard deadline, several at once; the
answers are checked (plausible values, no partial answers, few revisions) and merged over the
stored data, and only then written, all together, under the cache's lock (store.py makes the write
atomic). A failure of any kind leaves the stored data as it was. Series whose source has no live
fetcher (Japan's interventions: NO_LIVE_SOURCE) are skipped, with the reason. `python -m usjp refresh`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from usjp import catalog
from usjp.data import checks, store, verify
from usjp.data.sources import fred, net, tic, yahoo

log = logging.getLogger(__name__)

LOCK_WAIT = 30.0  # seconds a refresh waits for another writer before giving up
WORKERS = 4  # fetches in flight at once (each is a child process, mostly waiting on the network)
OFFLINE_MESSAGE = "The network is unreachable, so nothing was fetched; the existing data is untouched."
# Sources with no live fetcher: their series come only from `python -m usjp import`. The ministry's own
# table is a bilingual cp932 file with quarterly subtotal rows, and we have no sample of it to test a
# parser against, so Japan's interventions are imported from the project's verified CSV instead.
NO_LIVE_SOURCE = {"mof": "imported from the ministry's CSV; no live source"}

Progress = Callable[[int, int, str], None]  # (done, total, what just happened)


@dataclass
class Outcome:
    """What happened to one series."""

    key: str
    status: str = "failed"  # "updated", "unchanged", "skipped" (no live source) or "failed"
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    reason: str = ""
    through: str = ""  # last stored date after the refresh

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def fail(self, reason: str) -> None:
        self.status, self.new, self.revised, self.unchanged, self.reason = "failed", 0, 0, 0, reason

    def skip(self, reason: str) -> None:
        self.status, self.new, self.revised, self.unchanged, self.reason = "skipped", 0, 0, 0, reason

    def record(self, result: checks.Comparison) -> None:
        """Note the verdict of comparing an accepted answer with the stored data."""
        self.status = "updated" if result.changed else "unchanged"
        self.new, self.revised, self.unchanged, self.reason = result.new, result.revised, result.unchanged, ""


@dataclass
class Report:
    outcomes: list[Outcome]
    unreachable: dict[str, str] = field(default_factory=dict)  # host -> reason

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def offline(self) -> bool:
        """Nothing could be reached at all (series with no live source aside)."""
        return bool(self.unreachable) and all(
            o.reason.startswith("network unreachable") for o in self.outcomes if o.status != "skipped"
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 2

    def summary(self) -> str:
        if self.offline:
            why = "; ".join(r.removeprefix("network unreachable: ") for r in sorted(set(self.unreachable.values())))
            return f"{OFFLINE_MESSAGE} ({why})"
        counts = {s: sum(o.status == s for o in self.outcomes) for s in ("updated", "unchanged", "failed", "skipped")}
        text = f"{counts['updated']} updated, {counts['unchanged']} unchanged, {counts['failed']} failed"
        if counts["skipped"]:
            text += f", {counts['skipped']} skipped (no live source)"
        if counts["failed"]:
            text += "; failed series keep their existing data"
        return text


@dataclass(frozen=True)
class Job:
    """One fetch: the series it yields, the host it needs, and how to run it."""

    keys: tuple[str, ...]
    host: str
    how: str  # method, for the manifest
    url: str  # where the data comes from (never with a key in it)
    run: Callable[[], dict[str, pd.Series]]


# -- stored data -----------------------------------------------------------------------------------


def stored_values(key: str) -> tuple[pd.Series | None, list[str]]:
    """Everything stored for `key`: the snapshot overlaid with the cache. And which stores held it.

    Only copies that pass their checks (verify.verify_copy) count: a damaged copy is left out, so the
    refresh rebuilds the cache from the good data instead of merging over the damage."""
    parts, where = [], []
    for candidate in (store.cache(), store.snapshot()):
        found = verify.verify_copy(candidate, key)
        if isinstance(found, store.StoredSeries) and len(found.values):
            parts.append(found.values)
            where.append(candidate.name)
    if not parts:
        return None, []
    merged = parts[0]
    for older in parts[1:]:
        merged = merged.combine_first(older)
    merged.index.name = "date"
    return merged.astype("float64"), where


def start_for(key: str) -> pd.Timestamp | None:
    """Fetch from the first stored date (so every stored value is checked), else a default start."""
    values, _ = stored_values(key)
    if values is not None:
        return values.index[0]
    start = catalog.get(key).history_start
    return None if start is None else pd.Timestamp(start)


# -- planning --------------------------------------------------------------------------------------


def skipped(keys: Iterable[str]) -> dict[str, str]:
    """Those of `keys` that have no live source, each with the reason (they are not fetched)."""
    return {key: NO_LIVE_SOURCE[source] for key in keys if (source := catalog.get(key).source) in NO_LIVE_SOURCE}


def plan(keys: Iterable[str], api_key: str | None, timeout: float) -> list[Job]:
    """The fetches needed for `keys`: one per FRED or Yahoo series, one for all TIC series; none for a
    series with no live source (`skipped`)."""
    jobs: list[Job] = []
    tic_keys: list[str] = []
    for key in keys:
        spec = catalog.get(key)
        if spec.source in NO_LIVE_SOURCE:
            continue
        if spec.source == "fred":
            start = start_for(key)
            jobs.append(
                Job(
                    (key,),
                    fred.host(api_key),
                    fred.method(api_key),
                    spec.url
                    if api_key
                    else fred.csv_url(spec.source_id, None if start is None else f"{start:%Y-%m-%d}"),
                    _fred_runner(key, spec.source_id, api_key, start, timeout),
                )
            )
        elif spec.source == "yahoo":
            start = start_for(key)
            jobs.append(
                Job((key,), yahoo.HOST, yahoo.METHOD, spec.url, _yahoo_runner(key, spec.source_id, start, timeout))
            )
        elif spec.source == "tic":
            tic_keys.append(key)
        else:
            raise ValueError(f"{key}: no live source for {spec.source!r}")
    if tic_keys:
        urls = f"{tic.HISTORY_URL} + {tic.CURRENT_URL}"
        jobs.append(Job(tuple(tic_keys), tic.HOST, tic.METHOD, urls, _tic_runner(tuple(tic_keys), timeout)))
    return jobs


def _fred_runner(key, source_id, api_key, start, timeout) -> Callable[[], dict[str, pd.Series]]:
    return lambda: {key: fred.fetch_fred(source_id, api_key=api_key, start=start, timeout=timeout, probe=False)}


def _yahoo_runner(key, ticker, start, timeout) -> Callable[[], dict[str, pd.Series]]:
    return lambda: {key: yahoo.fetch_yahoo(ticker, start=start, timeout=timeout, probe=False).rename(key)}


def _tic_runner(keys, timeout) -> Callable[[], dict[str, pd.Series]]:
    # Every catalog holder is asked for, whichever are wanted: the tables are read whole either way,
    # and "none of ... found" then means the table is wrong, not that one holder is missing.
    key_of = catalog.tic_countries()  # Treasury's row label -> catalog key

    def run() -> dict[str, pd.Series]:
        found = tic.fetch_tic(tuple(key_of), timeout=timeout, probe=False)
        # A wanted holder missing from the answer is reported per series by the caller.
        return {key_of[label]: values for label, values in found.items() if key_of[label] in keys}

    return run


# -- the refresh -----------------------------------------------------------------------------------


def refresh(
    keys: Iterable[str] | None = None,
    *,
    api_key: str | None = None,
    timeout: float = net.DEFAULT_TIMEOUT,
    probe_timeout: float = net.PROBE_TIMEOUT,
    accept_revisions: bool = False,
    lock_wait: float = LOCK_WAIT,
    progress: Progress | None = None,
    command: str = "python -m usjp refresh",
    committing: Callable[[], None] | None = None,
) -> Report:
    """Fetch, check and store `keys` (default: every catalog series). Never raises for a fetch problem.

    `committing` is called just before the store is written: until then an interrupt leaves every
    stored byte as it was; from then on the caller lets the write (milliseconds) finish.
    """
    keys = list(dict.fromkeys(keys or [s.key for s in catalog.SERIES]))
    outcomes = {key: Outcome(key, through=_through(key)) for key in keys}
    report = Report(list(outcomes.values()))
    secrets = [api_key]
    say = progress or (lambda done, total, text: None)
    for key, reason in skipped(keys).items():
        outcomes[key].skip(reason)
    jobs = plan(keys, api_key, timeout)
    total = len(jobs) + 1
    if not jobs:
        say(total, total, "nothing to fetch: no live source")
        return report

    # 1. One probe per host, all at once: offline, this is the whole refresh (about 2 s at most).
    hosts = sorted({job.host for job in jobs})
    with ThreadPoolExecutor(max_workers=max(1, len(hosts))) as pool:
        probes = {host: pool.submit(net.probe, host, 443, probe_timeout) for host in hosts}
    for host, future in probes.items():
        if isinstance(future.exception(), net.FetchError):
            report.unreachable[host] = str(future.exception())
        elif future.exception() is not None:
            raise future.exception()
    for job in jobs:
        if job.host in report.unreachable:
            for key in job.keys:
                outcomes[key].fail(f"network unreachable ({job.host})")
    live = [job for job in jobs if job.host not in report.unreachable]
    if not live:
        say(total, total, "network unreachable: nothing fetched")
        return report
    done = 1 + len(jobs) - len(live)  # the probe, and the jobs it ruled out
    say(done, total, "probed the sources")

    # 2. Fetch, each under its own deadline, several at once.
    fetched = _fetch_all(live, outcomes, secrets, say, done, total)
    if not fetched:
        return report

    # 3. Check against the stored data; when nothing changed, the cache is not even opened.
    if not any(result.changed for result, _ in _check_all(fetched, outcomes, accept_revisions).values()):
        return report

    # 4. Store, under the lock, checking again: another refresh may have written in the meantime.
    cache = store.cache()
    retrieved_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    try:
        with cache.locked(timeout=lock_wait):
            entries = {
                key: (result.merged, _provenance(key, fetched[key][1], fetched[key][0], where, retrieved_at, command))
                for key, (result, where) in _check_all(fetched, outcomes, accept_revisions).items()
                if result.changed
            }
            if entries:
                if committing is not None:
                    committing()
                cache.write(entries)
    except (store.StoreError, OSError) as exc:
        for key in fetched:
            outcomes[key].fail(f"not stored: {exc}; the existing data is untouched")
        return report
    for key, (values, _) in entries.items():
        outcomes[key].through = f"{values.index[-1]:%Y-%m-%d}"
    return report


def _fetch_all(
    live: list[Job], outcomes: dict[str, Outcome], secrets: list[str | None], say: Progress, done: int, total: int
) -> dict[str, tuple[pd.Series, Job]]:
    """Run `live`, each under its own deadline, several at once: key -> (answer, its job). Failures
    go to `outcomes`, with secrets redacted; one failure does not stop the others. Progress is
    counted on from `done` steps of `total`."""
    fetched: dict[str, tuple[pd.Series, Job]] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {pool.submit(job.run): job for job in live}
        for future in as_completed(futures):
            job = futures[future]
            done += 1
            try:
                found = future.result()
            except Exception as exc:
                if isinstance(exc, net.FetchError):
                    reason = str(exc)
                else:  # a bug or a library surprise: report it, keep the other series
                    log.exception("refresh of %s failed", job.keys)
                    reason = f"unexpected {type(exc).__name__}: {exc}"
                reason = net.redact(reason, secrets)
                for key in job.keys:
                    outcomes[key].fail(reason)
                say(done, total, f"{', '.join(job.keys)}: failed")
                continue
            for key in job.keys:
                if key in found:
                    fetched[key] = (found[key].rename(key), job)
                else:
                    outcomes[key].fail(f"{catalog.get(key).source_id} not found in the answer")
            say(done, total, f"{', '.join(job.keys)}: fetched")
    return fetched


def _check_all(
    fetched: dict[str, tuple[pd.Series, Job]], outcomes: dict[str, Outcome], accept_revisions: bool
) -> dict[str, tuple[checks.Comparison, list[str]]]:
    """Compare each fetched series with what is stored now; record the verdicts in `outcomes`."""
    accepted = {}
    for key, (values, _) in fetched.items():
        stored, where = stored_values(key)
        try:
            result = checks.check_against_stored(key, stored, values, accept_revisions)
        except checks.Refused as exc:
            outcomes[key].fail(f"refused: {exc}")
            continue
        outcomes[key].record(result)
        accepted[key] = (result, where)
    return accepted


def _through(key: str) -> str:
    found = verify.read_newest(key)
    return f"{found.values.index[-1]:%Y-%m-%d}" if found is not None and len(found.values) else ""


def _provenance(key: str, job: Job, values: pd.Series, where: list[str], retrieved_at: str, command: str) -> dict:
    return {
        **catalog.get(key).provenance(),
        "retrieved_at": retrieved_at,
        "retrieved_how": f"{command} ({job.how})",
        "download_url": job.url,
        "fetched": {
            "first": f"{values.index[0]:%Y-%m-%d}",
            "last": f"{values.index[-1]:%Y-%m-%d}",
            "rows": len(values),
        },
        "merged_over": where,
    }
