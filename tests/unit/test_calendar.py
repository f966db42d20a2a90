"""data/calendar.yaml: the `Release` model, the loader's `file:line id field: message` problems (one
failing case per rule), and the real calendar's coverage of November 2024 to October 2026."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from usjp.data import calendar_file
from usjp.data.calendar_file import CalendarError, load_calendar_file, parse_calendar, read_calendar
from usjp.releases import RELEASE_KIND_SLUGS, RELEASE_KINDS, Release, release_kind

# The one valid entry every case starts from (a Friday, 08:30 in New York).
VALID: dict[str, Any] = {
    "id": "us-employment-2025-05-02",
    "kind": "us-employment",
    "date": "2025-05-02",
    "time": "08:30",
    "tz": "America/New_York",
    "title": "US employment report for April 2025",
    "source": {"publisher": "Pub", "title": "A headline", "url": "https://example.org/a", "kind": "official"},
}


def entry(**overrides: Any) -> dict[str, Any]:
    """VALID with `overrides` on top; an override of None leaves the field out."""
    fields = {**VALID, **overrides}
    return {k: v for k, v in fields.items() if v is not None}


def as_yaml(*entries: dict[str, Any]) -> str:
    """A calendar file of these entries, each starting on a known line (see `line`)."""
    return "".join(yaml.safe_dump([e], sort_keys=False, width=1000) + "\n" * (SPACING - _lines(e)) for e in entries)


def _lines(e: dict[str, Any]) -> int:
    return yaml.safe_dump([e], sort_keys=False, width=1000).count("\n")


SPACING = 20  # lines per entry in `as_yaml`: more than any entry here takes


def line(index: int) -> int:
    """The line entry `index` (0-based) starts on in `as_yaml`."""
    return 1 + SPACING * index


# -- the model ------------------------------------------------------------------------------------
def test_release_kinds_are_complete_and_named():
    assert RELEASE_KIND_SLUGS[:4] == ("us-employment", "us-cpi", "fomc", "boj")
    assert release_kind("us-employment").label == "US employment report"
    assert release_kind("us-cpi").label == "US CPI"
    assert release_kind("fomc").label == "FOMC decision"
    assert release_kind("boj").label == "BoJ policy decision"
    for kind in RELEASE_KINDS:
        assert kind.slug and kind.label and kind.short and kind.country in ("US", "JP")
    with pytest.raises(KeyError, match="unknown release kind 'ecb'; known: us-employment, us-cpi, fomc, boj"):
        release_kind("ecb")


def test_a_valid_entry_loads():
    (release,), problems = parse_calendar(as_yaml(entry()))
    assert problems == []
    assert release.date == dt.date(2025, 5, 2) and release.time == "08:30" and not release.approximate_time
    assert release.source.url == "https://example.org/a"
    with pytest.raises(Exception, match="frozen"):
        release.title = "changed"


# One failing case per rule: (case, the entry's overrides, the problem after `calendar.yaml:LINE ID `).
RULES: list[tuple[str, dict[str, Any], str]] = [
    ("id not a slug", {"id": "Jobs_Report"}, "id: must be a lowercase slug (letters, digits, single hyphens)"),
    ("id too long", {"id": "a" * 61}, "id: String should have at most 60 characters"),
    ("unknown kind", {"kind": "ecb"}, "kind: Input should be 'us-employment', 'us-cpi', 'fomc' or 'boj'"),
    ("date not ISO", {"date": "02/05/2025"}, "date: must be an ISO date YYYY-MM-DD"),
    ("date out of range", {"date": "1850-01-04"}, "date: must be between 1900-01-01 and 2100-12-31"),
    (
        "date on a weekend",
        {"date": "2025-05-03"},
        "date: falls on a Saturday; scheduled releases come out on working days",
    ),
    ("time malformed", {"time": "8:30"}, "time: String should match pattern '^([01]\\d|2[0-3]):[0-5]\\d$'"),
    ("time missing", {"time": None}, "time: Field required"),
    ("tz unknown", {"tz": "Mars/Olympus"}, "tz: unknown time zone 'Mars/Olympus'"),
    (
        "tz not the kind's",
        {"tz": "Asia/Tokyo"},
        "tz: a US employment report is timed in America/New_York, not Asia/Tokyo",
    ),
    ("title too short", {"title": "US"}, "title: String should have at least 3 characters"),
    ("title too long", {"title": "x" * 91}, "title: String should have at most 90 characters"),
    ("title with a control character", {"title": "Jobs\x1b[31m"}, "title: must not contain control characters"),
    ("approximate_time not a flag", {"approximate_time": "maybe"}, "approximate_time: Input should be a valid boolean"),
    ("note empty", {"note": ""}, "note: String should have at least 1 character"),
    ("unknown field", {"session": "am"}, "session: Extra inputs are not permitted"),
    ("source missing", {"source": None}, "source: Field required"),
    (
        "source link not http(s)",
        {"source": {**VALID["source"], "url": "javascript:alert(1)"}},
        "source.url: must be an http:// or https:// URL",
    ),
    (
        "source with title and description",
        {"source": {**VALID["source"], "description": "ours"}},
        "source: give either title (the headline as published) or description, not both or neither",
    ),
    ("source kind unknown", {"source": {**VALID["source"], "kind": "blog"}}, "source.kind: Input should be "),
]


@pytest.mark.parametrize(("case", "overrides", "expected"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_is_one_problem_naming_file_line_id_and_field(case, overrides, expected):
    good = entry(id="us-cpi-2025-05-13", kind="us-cpi", date="2025-05-13", title="US CPI for April 2025")
    bad = entry(**overrides)
    releases, problems = parse_calendar(as_yaml(good, bad), "data/calendar.yaml")
    ident = bad["id"] if isinstance(bad.get("id"), str) and len(bad["id"]) <= 60 else "#2"
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"data/calendar.yaml:{line(1)} {ident} {expected}"), problems
    assert [r.id for r in releases] == ["us-cpi-2025-05-13"]  # the good entry still loads


def test_a_duplicate_id_names_the_first_line():
    releases, problems = parse_calendar(as_yaml(entry(), entry(title="Again")), "data/calendar.yaml")
    assert [r.title for r in releases] == ["US employment report for April 2025"]
    assert problems == [f"data/calendar.yaml:{line(1)} us-employment-2025-05-02 id: duplicate of the release on line 1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just a string\n", "data/calendar.yaml:1 #1 entry: expected a mapping of fields"),
        ("id: not-a-list\n", "data/calendar.yaml:1 - file: expected a list of releases"),
        ("- id: [unclosed\n", "data/calendar.yaml:2 - yaml: "),
        ("- &a [*a]\n", "data/calendar.yaml:1 - yaml: an alias (*name) makes the value anchored here contain itself"),
    ],
    ids=["entry not a mapping", "not a list", "yaml syntax", "alias loop"],
)
def test_file_level_problems(text, expected):
    releases, problems = parse_calendar(text, "data/calendar.yaml")
    assert releases == [] and len(problems) == 1 and problems[0].startswith(expected), problems


def test_too_many_entries_is_refused_before_any_is_validated():
    text = "".join(f"- {{id: r{i}}}\n" for i in range(calendar_file.MAX_RELEASES + 1))
    releases, problems = parse_calendar(text, "data/calendar.yaml")
    assert releases == []
    assert problems == [
        f"data/calendar.yaml:{calendar_file.MAX_RELEASES + 1} - file: 1,001 entries, more than the limit of 1,000"
    ]


def test_empty_file_is_no_releases():
    assert parse_calendar("", "x") == ([], []) and parse_calendar("~\n", "x") == ([], [])


def test_releases_come_sorted_by_date_time_id():
    later = entry(id="fomc-2025-05-07", kind="fomc", date="2025-05-07", time="14:00", title="FOMC decision")
    boj = entry(id="boj-2025-05-01", kind="boj", date="2025-05-01", time="12:00", tz="Asia/Tokyo", title="BoJ decision")
    cpi = entry(id="us-cpi-2025-05-02", kind="us-cpi", title="US CPI")  # same day and time as VALID
    releases, problems = parse_calendar(as_yaml(later, entry(), cpi, boj))
    assert problems == []
    assert [r.id for r in releases] == [
        "boj-2025-05-01",
        "us-cpi-2025-05-02",
        "us-employment-2025-05-02",
        "fomc-2025-05-07",
    ]


def test_the_loader_never_raises_and_read_calendar_does(tmp_path: Path):
    missing = tmp_path / "calendar.yaml"
    assert load_calendar_file(missing) == ([], [f"{missing}: missing (no such file)"])
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert load_calendar_file(folder)[1] == [f"{folder}: not a regular file (a directory)"]
    bad_bytes = tmp_path / "bytes.yaml"
    bad_bytes.write_bytes(b"- id: a\n  title: caf\xe9\n")
    assert load_calendar_file(bad_bytes)[1] == [f"{bad_bytes}:2: not UTF-8 (byte 0xe9 at column 13)"]
    with pytest.raises(CalendarError) as caught:
        read_calendar(missing)
    assert caught.value.problems == [f"{missing}: missing (no such file)"]
    good = tmp_path / "good.yaml"
    good.write_text(as_yaml(entry()), encoding="utf-8")
    assert [r.id for r in read_calendar(good)] == ["us-employment-2025-05-02"]


def test_the_calendar_path_follows_the_data_folder(data_dir):
    assert calendar_file.calendar_path() == data_dir / "calendar.yaml"
    (data_dir / "calendar.yaml").write_text(as_yaml(entry(), entry()), encoding="utf-8")
    releases, problems = load_calendar_file()
    assert len(releases) == 1 and problems[0].startswith(
        f"data/calendar.yaml:{line(1)} us-employment-2025-05-02 id: duplicate"
    )


# -- the real calendar ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real() -> list[Release]:
    """data/calendar.yaml as committed (read_calendar raises on any problem)."""
    return read_calendar(Path(__file__).resolve().parents[2] / "data" / "calendar.yaml")


MONTHS = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


def _reference_months(first: str, last: str) -> list[str]:
    """'October 2024', ... 'September 2026': the months between, inclusive."""
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{MONTHS[m - 1]} {y}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def test_the_real_calendar_is_valid_and_every_entry_has_its_kinds_time(real):
    assert len(real) >= 75
    for r in real:
        assert r.id == f"{r.kind}-{r.date.isoformat()}", r.id  # the file's convention: kind and release date
        local = dt.time.fromisoformat(r.time)
        if r.kind in ("us-employment", "us-cpi"):
            assert local == dt.time(8, 30), r.id  # BLS releases these at 08:30 ET
        elif r.kind == "fomc":
            assert local == dt.time(14, 0), r.id  # the statement on the meeting's second day
        else:  # no fixed time for the BoJ: always late morning or early afternoon in Tokyo
            assert dt.time(11, 0) <= local <= dt.time(13, 30), r.id
        if r.approximate_time:
            assert r.note and "Time:" in r.note, f"{r.id}: an approximate time must say why in its note"


def test_the_real_calendar_covers_november_2024_to_october_2026(real):
    by_kind = {k: [r for r in real if r.kind == k] for k in RELEASE_KIND_SLUGS}
    for kind, found in by_kind.items():
        assert found[0].date <= dt.date(2024, 12, 19) and found[-1].date >= dt.date(2026, 9, 1), kind
        assert all(dt.date(2024, 11, 1) <= r.date <= dt.date(2026, 10, 31) for r in found), kind
    per_year = Counter((r.kind, r.date.year) for r in real)
    # A full year: twelve BLS reports of each kind and eight meetings of each central bank, except that the
    # shutdown of October-November 2025 cancelled the October 2025 employment report and October 2025 CPI
    # (BLS could not collect the data). Their September reports came out late (20 Nov, 24 Oct), inside 2025.
    assert per_year[("us-employment", 2025)] == 11
    assert per_year[("us-cpi", 2025)] == 11
    assert per_year[("fomc", 2025)] == 8 and per_year[("boj", 2025)] == 8
    # November 2024 to October 2026: 24 months of BLS reports less the cancelled one; the FOMC met in
    # November and December 2024, the BoJ in December 2024 (its October 2024 meeting was on the 31st),
    # and both met seven times from January to October 2026.
    assert len(by_kind["us-employment"]) == len(by_kind["us-cpi"]) == 23
    assert len(by_kind["fomc"]) == 2 + 8 + 7
    assert len(by_kind["boj"]) == 1 + 8 + 7


@pytest.mark.parametrize(
    ("kind", "prefix"), [("us-employment", "US employment report for "), ("us-cpi", "US CPI for ")]
)
def test_each_bls_reference_month_is_there_once(real, kind, prefix):
    months = [r.title.removeprefix(prefix) for r in real if r.kind == kind]
    expected = [m for m in _reference_months("2024-10", "2026-09") if m != "October 2025"]  # the cancelled one
    assert months == expected


@pytest.mark.parametrize("kind", RELEASE_KIND_SLUGS)
def test_no_gap_in_the_real_calendar_is_unexplained(real, kind):
    """BLS reports come monthly and the central banks meet about every six weeks; the only longer gaps
    are the shutdown's (September 2025 reports released late, October's cancelled)."""
    dates = [r.date for r in real if r.kind == kind]
    longest = 40 if kind in ("us-employment", "us-cpi") else 63
    shutdown = {  # the gap after each of these releases
        ("us-employment", dt.date(2025, 9, 5)),
        ("us-cpi", dt.date(2025, 9, 11)),
        ("us-cpi", dt.date(2025, 10, 24)),
    }
    gaps = [(a, (b - a).days) for a, b in itertools.pairwise(dates) if (b - a).days > longest]
    assert [g for g in gaps if (kind, g[0]) not in shutdown] == []


def test_every_release_field_is_documented_in_data_readme_and_nothing_else():
    readme = (Path(__file__).resolve().parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## calendar.yaml") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    documented = {m.group(1) for m in re.finditer(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)}
    assert documented == set(Release.model_fields)
    for kind in RELEASE_KINDS:
        assert f"`{kind.slug}` ({kind.label})" in section
