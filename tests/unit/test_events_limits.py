"""The events file's limits and edge dates: whatever is at data/events.yaml (nothing, a directory, a
FIFO, a device, 50 MB, bytes that are not UTF-8, an alias bomb, a megabyte field, a date at the end of
the calendar), `load_events_file` answers quickly with `file:line` problems and never raises, and no
event the model accepts can overflow when its market date is worked out.

Each guard was seen to fail these tests when removed (see the report of issue 11): the size check
(peak memory), the regular-file check (the FIFO returns no problem, or hangs without O_NONBLOCK), the
node budget (time) and the date range (the property test)."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.builders import event_fields
from usjp import events as model
from usjp.data import events_file, yaml_list
from usjp.data.events_file import MAX_EVENTS, MAX_FILE_BYTES, MAX_NODES, EventError, load_events_file, parse_events
from usjp.events import DATE_MAX, DATE_MIN, Event
from usjp.paths import REPO_ROOT

REAL = REPO_ROOT / "data" / "events.yaml"
FAST = 2.0  # seconds: every refusal below answers within this, on a slow CI machine too


def as_yaml(*entries: dict) -> str:
    return yaml.safe_dump(list(entries), sort_keys=False, allow_unicode=True)


def timed_load(path: Path) -> tuple[list[Event], list[str], float]:
    start = time.perf_counter()
    events, problems = load_events_file(path)
    return events, problems, time.perf_counter() - start


# -- what is at the path -----------------------------------------------------------------------------
@pytest.mark.timeout(10)
def test_a_missing_file(tmp_path):
    events, problems, took = timed_load(tmp_path / "events.yaml")
    assert events == [] and took < FAST
    assert problems == [f"{tmp_path / 'events.yaml'}: missing (no such file)"]


@pytest.mark.timeout(10)
def test_a_directory(tmp_path):
    (tmp_path / "events.yaml").mkdir()
    events, problems, took = timed_load(tmp_path / "events.yaml")
    assert events == [] and took < FAST
    assert problems == [f"{tmp_path / 'events.yaml'}: not a regular file (a directory)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.timeout(10)  # opening a FIFO for reading blocks until a writer comes: a hang fails here
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "events.yaml"
    os.mkfifo(fifo)
    events, problems, took = timed_load(fifo)
    assert events == [] and took < FAST
    assert problems == [f"{fifo}: not a regular file (a FIFO)"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
@pytest.mark.timeout(10)  # /dev/zero never ends: reading it would fill memory
def test_a_device_even_through_a_symlink(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "events.yaml"
    link.symlink_to(device)
    events, problems, took = timed_load(link)
    assert events == [] and took < FAST
    assert problems == [f"{link}: not a regular file (a character device)"]


@pytest.mark.timeout(30)
def test_a_50_mb_file_is_refused_without_reading_it(tmp_path):
    """The issue's case (the real timeline repeated to 50 MB took 23 s and 1.3 GB): refused on its size
    from stat, before a byte is read (the peak memory shows nothing of it was read)."""
    path = tmp_path / "events.yaml"
    chunk = REAL.read_bytes()
    with path.open("wb") as fh:
        for _ in range(50_000_000 // len(chunk) + 1):
            fh.write(chunk)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        events, problems, took = timed_load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_FILE_BYTES // 4, f"{peak:,} bytes allocated: the file was read"
    assert events == [] and took < FAST
    assert problems == [f"{path}: {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}"]


@pytest.mark.timeout(10)
def test_a_file_that_grows_after_the_size_check_is_still_cut_off(tmp_path, monkeypatch):
    """The read itself stops one byte past the limit, whatever stat said a moment before."""
    path = tmp_path / "events.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 10))
    real_stat = os.stat

    def stale_stat(target, *args, **kwargs):  # what stat said before the file grew
        info = real_stat(target, *args, **kwargs)
        return os.stat_result((*tuple(info)[:6], 100, *tuple(info)[7:10]))

    class StaleOs:
        def __getattr__(self, name):
            return getattr(os, name)

        stat = staticmethod(stale_stat)

    monkeypatch.setattr(yaml_list, "os", StaleOs())
    events, problems, took = timed_load(path)
    assert events == [] and took < FAST
    assert problems == [f"{path}: more than the limit of {MAX_FILE_BYTES:,} bytes"]


def test_a_file_at_the_size_limit_is_read(tmp_path):
    path = tmp_path / "events.yaml"
    text = as_yaml(event_fields())
    path.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    events, problems = load_events_file(path)
    assert problems == [] and [e.id for e in events] == ["sample-event"]


def test_not_utf8_names_the_line_byte_and_column(tmp_path):
    path = tmp_path / "events.yaml"
    good = as_yaml(event_fields()).encode()
    path.write_bytes(good + b"- id: caf\xe9-event\n")
    line = good.count(b"\n") + 1
    events, problems = load_events_file(path)
    assert events == []
    assert problems == [f"{path}:{line}: not UTF-8 (byte 0xe9 at column 10)"]


def test_the_file_in_the_data_folder_is_named_data_events_yaml(data_dir):
    (data_dir / "events.yaml").write_bytes(b"\xff\n")
    assert load_events_file() == ([], ["data/events.yaml:1: not UTF-8 (byte 0xff at column 1)"])
    (data_dir / "events.yaml").unlink()
    assert load_events_file() == ([], ["data/events.yaml: missing (no such file)"])


def test_read_events_raises_event_error_for_a_bad_file(tmp_path):
    with pytest.raises(EventError) as caught:
        events_file.read_events(tmp_path / "events.yaml")
    assert caught.value.problems == ["events.yaml: missing (no such file)"]


# -- what the YAML says --------------------------------------------------------------------------------
def test_a_yaml_error_names_the_line(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text(as_yaml(event_fields()) + "- id: b\n  title: 'unclosed\n", encoding="utf-8")
    events, problems = load_events_file(path)
    assert events == [] and len(problems) == 1
    assert re.fullmatch(rf"{re.escape(str(path))}:\d+ - yaml: .+", problems[0]), problems


@pytest.mark.parametrize(
    "text,line",
    [("sample: event\n", 1), ("\n\n'just text'\n", 3), ("42\n", 1)],
)
def test_yaml_that_is_not_a_list(text, line):
    assert parse_events(text) == ([], [f"events.yaml:{line} - file: expected a list of events"])


def test_an_empty_file_or_null_is_no_events():
    assert parse_events("") == ([], [])
    assert parse_events("~\n") == ([], [])


def test_a_control_character_names_its_line():
    events, problems = parse_events(as_yaml(event_fields()) + "- id: a\x00b\n")
    assert events == [] and problems[0].startswith("events.yaml:"), problems
    assert "control characters are not allowed" in problems[0] and "<unicode string>" not in problems[0]


@pytest.mark.timeout(10)
def test_too_many_entries_is_refused_before_any_is_validated():
    text = "".join(f"- {{id: e{i}}}\n" for i in range(MAX_EVENTS + 5))
    start = time.perf_counter()
    _, problems = parse_events(text)
    assert time.perf_counter() - start < FAST
    limit = f"{MAX_EVENTS + 5:,} entries, more than the limit of {MAX_EVENTS:,}"
    assert problems == [f"events.yaml:{MAX_EVENTS + 1} - file: {limit}"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "text",
    [
        "- [" + "1," * (MAX_FILE_BYTES // 2 - 10) + "]\n",  # a million values in one entry
        "- {id: a, actors: [" + "a," * (MAX_FILE_BYTES // 2 - 20) + "]}\n",  # in one field
        "- 1\n" * (MAX_FILE_BYTES // 4),  # half a million entries
    ],
    ids=["values", "actors", "entries"],
)
def test_too_many_values_is_refused_quickly(text):
    """2 MB of `[1,1,1,...` is a million YAML values; building them took ~10 s before the node budget."""
    start = time.perf_counter()
    _, problems = parse_events(text)
    assert time.perf_counter() - start < FAST
    assert len(problems) == 1 and re.fullmatch(
        rf"events.yaml:\d+ - yaml: more than {MAX_NODES:,} values \(the limit\)", problems[0]
    ), problems


def billion_laughs(levels: int = 10) -> str:
    lines = ['- &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"- &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "text,message",
    [
        (billion_laughs(), "characters, more than the limit of 2,000,000"),
        (  # the bomb inside a field the model would walk
            billion_laughs()
            + as_yaml(event_fields()).replace("- id: sample-event", "- id: sample-event\n  actors: *a9", 1),
            "characters, more than the limit of 2,000,000",
        ),
        ("- &me [*me]\n", "makes the value anchored here contain itself"),
        ("- &me {id: *me}\n", "makes the value anchored here contain itself"),
    ],
    ids=["billion-laughs", "in-a-field", "self-list", "self-mapping"],
)
def test_alias_bombs_are_refused_quickly(text, message):
    start = time.perf_counter()
    events, problems = parse_events(text)
    assert time.perf_counter() - start < FAST
    assert events == [] and len(problems) == 1
    assert re.fullmatch(r"events.yaml:\d+ - yaml: .+", problems[0]) and message in problems[0], problems


def test_a_small_alias_is_fine():
    """PyYAML's dumper writes anchors for lists two entries share; that stays allowed."""
    shared = ["ust10y"]
    text = as_yaml(event_fields(id="a", series=shared), event_fields(id="b", series=shared))
    assert "&id" in text and "*id" in text
    events, problems = parse_events(text)
    assert problems == [] and [e.series for e in events] == [("ust10y",), ("ust10y",)]


def test_a_hostile_id_or_field_name_is_not_echoed():
    huge, escape = "x" * 10_000, "\x1b[2J"
    problems = parse_events(as_yaml(event_fields(id=huge), event_fields(id=escape, **{huge: 1})))[1]
    assert problems and all(len(p) < 300 for p in problems), problems
    assert not any(escape in p for p in problems)
    assert problems[0].startswith("events.yaml:1 #1 id: ") and any(" #2 " in p for p in problems)


# -- per field -----------------------------------------------------------------------------------------
SOURCE = {"publisher": "P", "title": "T", "url": "https://example.org/a"}


@pytest.mark.parametrize(
    "changes,field,limit",
    [
        ({"actors": ["A"] * (model.MAX_ACTORS + 1)}, "actors", f"at most {model.MAX_ACTORS} items"),
        ({"actors": ["A" * (model.MAX_ACTOR_CHARS + 1)]}, "actors.0", f"at most {model.MAX_ACTOR_CHARS} char"),
        ({"series": ["ust10y"] * (model.MAX_SERIES + 1)}, "series", f"at most {model.MAX_SERIES} items"),
        ({"series": ["k" * 100_000]}, "series.0", f"at most {model.MAX_SERIES_KEY_CHARS} char"),
        ({"sources": [SOURCE] * (model.MAX_SOURCES + 1)}, "sources", f"at most {model.MAX_SOURCES} items"),
        ({"timing_note": "n" * (model.MAX_TIMING_NOTE_CHARS + 1)}, "timing_note", "at most 600 char"),
        ({"time": "12:00", "tz": "Z" * 100_000}, "tz", f"at most {model.MAX_TZ_CHARS} char"),
        (
            {"sources": [{**SOURCE, "publisher": "p" * (model.MAX_PUBLISHER_CHARS + 1)}]},
            "sources.0.publisher",
            f"at most {model.MAX_PUBLISHER_CHARS} char",
        ),
        (
            {"sources": [{**SOURCE, "title": "t" * (model.MAX_SOURCE_TITLE_CHARS + 1)}]},
            "sources.0.title",
            f"at most {model.MAX_SOURCE_TITLE_CHARS} char",
        ),
        (
            {"sources": [{**SOURCE, "url": "https://example.org/" + "a" * model.MAX_URL_CHARS}]},
            "sources.0.url",
            f"at most {model.MAX_URL_CHARS} char",
        ),
        (
            {"quote": {"text": "q", "language": "ja", "speaker": "s" * (model.MAX_SPEAKER_CHARS + 1)}},
            "quote.speaker",
            f"at most {model.MAX_SPEAKER_CHARS} char",
        ),
        (
            {
                "quote": {
                    "text": "t" * 1_201,
                    "language": "ja",
                    "speaker": "S",
                    "original": "q",
                    "translated_by": "ours",
                }
            },
            "quote.text",
            f"at most {model.MAX_TRANSLATION_CHARS} char",
        ),
        (
            {"quote": {"text": "t", "language": "ja", "speaker": "S", "original": "q" * 601, "translated_by": "ours"}},
            "quote.original",
            f"at most {model.MAX_QUOTE_CHARS} char",
        ),
        (
            {"sources": [{**SOURCE, "title": None, "description": "d" * (model.MAX_DESCRIPTION_CHARS + 1)}]},
            "sources.0.description",
            f"at most {model.MAX_DESCRIPTION_CHARS} char",
        ),
    ],
)
def test_each_field_limit_names_file_line_id_field(changes, field, limit):
    events, problems = parse_events(as_yaml(event_fields(**changes)))
    assert events == [] and problems, changes
    assert problems[0].startswith(f"events.yaml:1 sample-event {field}: "), problems
    assert limit in problems[0], problems
    assert all(len(p) < 300 for p in problems), "a problem line repeats the over-long value"


# -- edge dates ------------------------------------------------------------------------------------
RANGE = "must be between 1900-01-01 and 2100-12-31"


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"date": "9999-12-31", "after_us_close": True}, "date"),  # OverflowError: no next day
        ({"date": "0001-01-01", "time": "00:30", "tz": "Asia/Tokyo"}, "date"),  # before year 1 in New York
        ({"date": "9999-12-31", "time": "23:30", "tz": "Etc/GMT+12"}, "date"),
        ({"date": "1899-12-31"}, "date"),
        ({"date": "2101-01-01"}, "date"),
        ({"date": "2100-12-01", "end": "2101-01-01"}, "end"),
        ({"date": "2025-01-01", "end": "9999-12-31"}, "end"),
    ],
)
def test_dates_outside_the_range_are_refused(changes, field):
    events, problems = parse_events(as_yaml(event_fields(**changes)))
    assert events == []
    assert problems == [f"events.yaml:1 sample-event {field}: {RANGE}"]


@pytest.mark.parametrize(
    "changes",
    [
        {"date": "1900-01-01", "time": "00:00", "tz": "Pacific/Kiritimati"},
        {"date": "2100-12-31", "time": "23:59", "tz": "Etc/GMT+12"},
        {"date": "2100-12-31", "after_us_close": True},
        {"date": "1900-01-01", "end": "2100-12-31"},
    ],
)
def test_the_ends_of_the_range_are_accepted_and_work(changes):
    events, problems = parse_events(as_yaml(event_fields(**changes)))
    assert problems == []
    for observed in (None, dt.time(12), dt.time(16)):
        events[0].market_date(observed)


ZONES = ["America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14", "UTC"]
EDGES = [dt.date.min, dt.date.max, DATE_MIN, DATE_MAX, DATE_MIN - dt.timedelta(1), DATE_MAX + dt.timedelta(1)]
dates = st.one_of(
    st.sampled_from(EDGES),
    st.dates(),
    st.dates(min_value=dt.date.max - dt.timedelta(3)),
    st.dates(max_value=dt.date.min + dt.timedelta(3)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    date=dates,
    end=st.one_of(st.none(), dates),
    time=st.one_of(st.none(), st.times().map(lambda t: t.strftime("%H:%M"))),
    tz=st.one_of(st.none(), st.sampled_from(ZONES)),
    after=st.sampled_from([None, True, False]),
)
@example(date=dt.date.max, end=None, time=None, tz=None, after=True)
@example(date=dt.date.min, end=None, time="00:30", tz="Asia/Tokyo", after=None)
def test_no_accepted_event_overflows(date, end, time, tz, after):
    fields = event_fields(date=date.isoformat(), end=end and end.isoformat(), time=time, tz=tz, after_us_close=after)
    try:
        event = Event.model_validate(fields)
    except ValidationError as exc:
        if DATE_MIN <= date <= DATE_MAX and (end is None or DATE_MIN <= end <= DATE_MAX):
            assert RANGE not in str(exc)  # refused for another reason (end before date, time without tz, ...)
        else:
            assert RANGE in str(exc)
        return
    for observed in (None, dt.time(12, 0), dt.time(16, 0)):
        event.market_date(observed)  # must not raise OverflowError
    assert DATE_MIN <= event.date <= DATE_MAX


# -- the real file and the docs ----------------------------------------------------------------------
def test_the_real_file_is_well_inside_every_limit():
    text = REAL.read_text(encoding="utf-8")
    events, problems = load_events_file(REAL)
    assert problems == []
    assert len(REAL.read_bytes()) * 5 < MAX_FILE_BYTES
    assert len(events) * 5 < MAX_EVENTS
    values = sum(1 for e in yaml.parse(text) if isinstance(e, yaml_list._NODE_EVENTS))
    assert values * 5 < MAX_NODES


def test_data_readme_states_the_limits():
    readme = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## events.yaml") : readme.index("## Categories")]
    for number in (MAX_FILE_BYTES, MAX_EVENTS, MAX_NODES):
        assert f"{number:,}" in section, number
    for date in (DATE_MIN, DATE_MAX):
        assert date.isoformat() in section
    limits = [
        model.MAX_ACTORS,
        model.MAX_ACTOR_CHARS,
        model.MAX_SERIES,
        model.MAX_SOURCES,
        model.MAX_TIMING_NOTE_CHARS,
        model.MAX_TZ_CHARS,
        model.MAX_PUBLISHER_CHARS,
        model.MAX_SOURCE_TITLE_CHARS,
        model.MAX_URL_CHARS,
        model.MAX_SPEAKER_CHARS,
        model.MAX_TRANSLATION_CHARS,
    ]
    for number in limits:
        assert re.search(rf"(?<![\d,]){re.escape(f'{number:,}')}(?![\d,])", section), number


def test_the_time_bounds_assume_libyaml():
    """The bounds above are measured with libyaml (PyYAML's wheels bundle it). The pure-Python loader
    gives the same answers but is ~10x slower (the timeline: ~0.8 s; 5,000 unclosed `[`: ~20 s)."""
    assert yaml.__with_libyaml__ and yaml_list.YAML_LOADER is yaml.CSafeLoader
