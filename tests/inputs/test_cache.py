"""The start-up cache: rebuilt whenever an input changes, harmless when it cannot work."""

from __future__ import annotations

import shutil

import pytest

from recommender.core.errors import DataFileError
from recommender.inputs import cache
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.datafiles import bundled_dir
from recommender.rulebook.rules import load_rulebook


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(folder))
    return folder


def test_a_second_load_comes_from_the_cache(cache_dir):
    first = load_catalog()
    stored = sorted(p.name for p in cache_dir.glob("catalog-*.pickle"))
    assert len(stored) == 1
    again = load_catalog()
    assert [e.to_dict() for e in again] == [e.to_dict() for e in first]


def test_editing_a_rule_file_rebuilds_the_rules(cache_dir, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    catalog = load_catalog()

    def severe(book):
        return next(rule for rule in book.red_flags if rule.id == "RF-SEVERE")

    assert severe(load_rulebook(catalog, rules)).title == "Severe pain"
    path = rules / "red-flags-soon.yaml"
    path.write_text(path.read_text().replace("title: Severe pain\n", "title: Very bad pain\n"))
    assert severe(load_rulebook(catalog, rules)).title == "Very bad pain"
    # The stale entry is replaced, not kept beside the new one.
    assert len(list(cache_dir.glob("rules-*.pickle"))) == 1


def test_a_broken_edit_is_refused_even_after_a_cached_load(cache_dir, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    catalog = load_catalog()
    load_rulebook(catalog, rules)
    path = rules / "notes.yaml"
    path.write_text(path.read_text().replace("id: NOTE-HEART", "id: NOTE-HEART\n    colour: red"))
    with pytest.raises(DataFileError, match="NOTE-HEART"):
        load_rulebook(catalog, rules)


def test_a_damaged_cache_file_is_rebuilt(cache_dir):
    load_catalog()
    (entry,) = cache_dir.glob("catalog-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert len(load_catalog()) >= 28


def test_an_unwritable_cache_folder_does_not_matter(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("BACKPLAN_CACHE_DIR", str(blocker / "cache"))
    assert len(load_catalog()) >= 28


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPLAN_CACHE", "off")
    assert cache.cache_dir() is None
    assert len(load_catalog()) >= 28
