"""The pages' fault matrix: every kind of damage to a stored series (tests/damage.py) x each store, on
every page through AppTest. A page never shows an exception box or a wrong figure: it draws the copy
that passed its check, says which copy failed and why, and leaves data/ byte-identical."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import APP, figure_of, warning_texts
from tests.damage import (
    ENTRY_EDITS,
    FILE_DAMAGE,
    KEY,
    MANIFEST_DAMAGE,
    copy_path,
    edit_manifest,
    manifest_path,
    resign,
    snapshot_values,
    write_cache,
)
from tests.live_support import digest_tree
from usjp import catalog
from usjp.data import verify
from usjp.ui.nav import PAGES

NAME = "US 10-year Treasury yield"


def _damage(which: str, case: str) -> None:
    file_cases = {c[0]: c for c in FILE_DAMAGE}
    if case in file_cases:
        _, damage, signed, _, _ = file_cases[case]
        damage(copy_path(which))
        if signed:
            resign(which)
    elif case in ENTRY_EDITS:
        edit_manifest(which, ENTRY_EDITS[case])
    else:
        dict((c[0], c[1]) for c in MANIFEST_DAMAGE)[case](manifest_path(which))


def _drawn_10y(at: AppTest) -> list[float] | None:
    """The 10-year yield's values on the timeline chart, or None when it is not drawn."""
    for trace in figure_of(at)["data"]:
        if trace.get("name") == NAME:
            return trace["y"]
    return None


CASES = [c[0] for c in FILE_DAMAGE] + [c[0] for c in MANIFEST_DAMAGE]


@pytest.mark.parametrize("which", ["cache", "snapshot"])
@pytest.mark.parametrize("case", CASES)
def test_every_page_shows_the_copy_that_passed_and_says_why(data_dir, which, case):
    values = snapshot_values()
    if which == "cache":
        write_cache(values)
    _damage(which, case)
    before = digest_tree(data_dir)
    resolved = verify.resolve(KEY)
    if which == "cache":  # a damaged local copy never hides the bundled one
        assert resolved.series is not None and resolved.series.store == "snapshot"

    at = AppTest.from_file(APP, default_timeout=60).run()
    for spec in PAGES:
        if spec.script != PAGES[0].script:
            at.switch_page(spec.script).run()
        assert not at.exception, f"{spec.script}: {[e.value for e in at.exception]}"
        notices = " ".join(warning_texts(at))
        reads_key = spec.reads == ("*",) or KEY in spec.reads  # else the page has nothing to say of this series
        if resolved.rejected and resolved.rejected[0].reason == "manifest unreadable" and spec.reads:
            store_name = "local data" if which == "cache" else "bundled data"
            assert f"The manifest of the {store_name}" in notices and "cannot be read" in notices, notices[:400]
        elif resolved.rejected and reads_key:
            copy = "local copy" if resolved.rejected[0].store == "cache" else "bundled copy"
            assert NAME in notices and copy in notices, (spec.script, notices[:400])
            assert resolved.rejected[0].reason in notices, notices[:400]
        if spec.script == PAGES[0].script:  # the timeline: the right numbers, or none
            drawn = _drawn_10y(at)
            if resolved.series is None:
                assert drawn is None and "unavailable" in notices
            else:
                window = resolved.series.values["2025-02-01":"2025-08-31"]
                assert drawn == pytest.approx(window.tolist())
    assert digest_tree(data_dir) == before


def test_an_intact_store_shows_no_notice(data_dir):
    write_cache(snapshot_values())
    at = AppTest.from_file(APP, default_timeout=60).run()
    for spec in PAGES:
        if spec.script != PAGES[0].script:
            at.switch_page(spec.script).run()
        assert not at.exception
        assert not any("failed its check" in w or "cannot be read" in w for w in warning_texts(at)), spec.script
    assert catalog.get(KEY).label == NAME
