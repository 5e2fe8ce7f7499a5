"""The docs tree builds with MkDocs and with ProperDocs, the engine chosen by `handbook build --engine`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator.commands import main
from generator.site.build import BuildError, build_site
from tests.site.conftest import REPOSITORY, TODAY, BuiltSite, options_for


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_properdocs_builds_the_bundled_site_with_the_same_pages(
    bundled_site: BuiltSite, tmp_path: Path
) -> None:
    options = replace(options_for(REPOSITORY, tmp_path), engine="properdocs")
    result = build_site(options)
    assert _pages(result.site) == _pages(bundled_site.out)
    review = next((result.site / "reviews").glob("tr-*.html")).read_text(encoding="utf-8")
    assert '<div class="hb-body">' in review  # the site's plugin ran under ProperDocs too


def test_properdocs_reports_a_broken_body_link_like_mkdocs(sample_repo: Path) -> None:
    review = sample_repo / "reviews" / "tr-0001-air-gap.md"
    review.write_text(review.read_text(encoding="utf-8") + "\n[gone](../dashboards/nowhere.md)\n")
    options = replace(options_for(sample_repo, sample_repo / "build"), engine="properdocs")
    with pytest.raises(BuildError) as failure:
        build_site(options)
    assert failure.value.summary == "some internal links go nowhere"
    assert any("dashboards/nowhere.md" in problem for problem in failure.value.problems)


def test_an_unknown_engine_is_one_usage_error(sample_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--root", str(sample_repo), "--today", TODAY.isoformat(), "--engine", "zensical"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--engine: invalid choice: 'zensical' (choose from 'mkdocs', 'properdocs')" in err
    assert "Traceback" not in err
