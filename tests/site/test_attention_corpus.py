"""Every broken document of the corpus, built in the needs-attention mode: the site is rendered (each
fault listed, the document flagged or given a page saying what is wrong), and nothing crashes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.site.build import generate
from tests.site.conftest import options_for
from tests.test_corpus import CASES, _expected, _repository

BROKEN = [case for case in CASES if _expected(case)[1] == 1]


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_case_still_renders_a_site_listing_it(case: str, tmp_path: Path) -> None:
    repo = _repository(case, tmp_path)
    options = dataclasses.replace(options_for(repo, tmp_path / "out"), needs_attention=True)
    tree, _ = generate(options)
    listed = str(tree.files["dashboards/needs-attention.md"])
    expected = _expected(case)[0].splitlines()[:-1]
    for line in expected:
        path = line.split(":", 1)[0]
        assert path in listed, (case, path)
