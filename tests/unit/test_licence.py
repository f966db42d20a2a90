"""The repository says how it may be used and cited, and the citation file keeps up with the package."""

import tomllib

import yaml

from usjp.paths import REPO_ROOT as ROOT


def test_licence_covers_code_event_texts_and_data():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "data/events.yaml" in text and "CC BY 4.0" in text and "manifest.json" in text


def test_citation_file_matches_the_package():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == project["version"]
    assert citation["license"] == "MIT" and citation["title"] and citation["authors"]
