"""The build reads the documents and renders the site in two processes: exactly what one process makes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.site.build import load_handbook
from generator.site.render import Settings, render_tree
from tests.test_demo import demo

TODAY = dt.date(2026, 11, 23)


@pytest.mark.slow
def test_two_workers_render_the_pages_one_process_renders(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert demo(root, reviews=900, accounts=200, seed=2) == 0
    ledger = tmp_path / "no-ledger.json"
    one = render_tree(load_handbook(root, ledger, TODAY, workers=1), Settings()).files
    two = render_tree(load_handbook(root, ledger, TODAY, workers=2), Settings()).files
    assert list(two) == list(one)
    assert [path for path in one if one[path] != two[path]] == []


@pytest.mark.slow
def test_lists_rendered_apart_make_the_tree_one_process_makes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    assert demo(root, reviews=900, accounts=200, seed=3) == 0
    handbook = load_handbook(root, tmp_path / "no-ledger.json", TODAY)
    one = render_tree(handbook, Settings(), workers=1)
    two = render_tree(handbook, Settings(), workers=2)
    assert list(two.files) == list(one.files)
    assert [path for path in one.files if one.files[path] != two.files[path]] == []
    assert two.links == one.links
