"""The docs tree builds with MkDocs and with ProperDocs, the engine chosen by `handbook build --engine`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from importlib.metadata import version
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


def _generator_of(site: Path) -> str:
    """The engine that built a page, as Material's template names it (`mkdocs-<version of the engine>`)."""
    page = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<meta name="generator" content="mkdocs-([^,"]+)', page)
    assert found, "no generator meta in the home page"
    return found.group(1)


def _choose_in_handbook_yml(root: Path, engine: str) -> None:
    config = root / "handbook.yml"
    before = config.read_text(encoding="utf-8") if config.exists() else ""
    config.write_text(before + f"site_engine: {engine}\n", encoding="utf-8")


def test_handbook_yml_chooses_properdocs(sample_repo: Path) -> None:
    _choose_in_handbook_yml(sample_repo, "properdocs")
    result = build_site(options_for(sample_repo, sample_repo / "build"))
    assert _generator_of(result.site) == f"ProperDocs {version('properdocs')}"


def test_without_a_choice_mkdocs_builds(sample_repo: Path) -> None:
    result = build_site(options_for(sample_repo, sample_repo / "build"))
    assert _generator_of(result.site) == version("mkdocs")


def test_the_engine_flag_wins_over_handbook_yml(sample_repo: Path) -> None:
    _choose_in_handbook_yml(sample_repo, "properdocs")
    code = main(
        ["build", "--root", str(sample_repo), "--today", TODAY.isoformat(), "--quiet", "--engine", "mkdocs"]
    )
    assert code == 0
    assert _generator_of(sample_repo / "build" / "site") == version("mkdocs")


def test_an_unknown_engine_in_handbook_yml_is_a_positioned_fault(
    sample_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_repo / "handbook.yml").write_text("site_engine: zensical\n", encoding="utf-8")
    assert main(["validate", "--root", str(sample_repo)]) == 1
    out = capsys.readouterr().out
    assert "handbook.yml:1:14" in out
    assert "'mkdocs' or 'properdocs'" in out


def test_serve_runs_under_the_engine_handbook_yml_chooses(sample_repo: Path) -> None:
    _choose_in_handbook_yml(sample_repo, "properdocs")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "generator", "serve", "--root", str(sample_repo), "--port", str(port)]
    command += ["--today", TODAY.isoformat()]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = _fetch_when_served(f"http://127.0.0.1:{port}/index.html", child)
    finally:
        child.terminate()
        output = child.communicate(timeout=30)[0]
    assert f'content="mkdocs-ProperDocs {version("properdocs")}' in page, output
    assert "Traceback" not in output


def _fetch_when_served(url: str, child: subprocess.Popen[str], seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"serve did not serve {url} (exit {child.poll()})")
