"""The benchmark harness measures against the anchor issue 15 defines, on the corpus it says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from benchmarks import bench_site
from benchmarks.__main__ import main as bench_main


def _checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for folder, name in (("reviews", "tr-0001-a.md"), ("accounts", "acme.md")):
        (root / folder).mkdir(parents=True)
        (root / folder / name).write_text("---\ntitle: A\n---\n\nBody.\n", encoding="utf-8")
    (root / "handbook.yml").write_text("fiscal_year_start_month: 2\n", encoding="utf-8")
    return root


def test_the_anchor_is_plain_material_on_the_raw_documents(tmp_path: Path) -> None:
    project = bench_site.anchor_tree(_checkout(tmp_path))
    docs = project / "docs"
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) == [
        "accounts/acme.md",
        "index.md",
        "reviews/tr-0001-a.md",
    ]
    assert (docs / "reviews" / "tr-0001-a.md").read_bytes() == (
        tmp_path / "checkout" / "reviews" / "tr-0001-a.md"
    ).read_bytes()
    assert len((docs / "index.md").read_text(encoding="utf-8").splitlines()) == 1
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"] == {"name": "material"} and config["plugins"] == ["search"]
    assert config["not_in_nav"].split() == ["/reviews/", "/accounts/"]
    assert set(config) == {"site_name", "theme", "plugins", "not_in_nav"}


def test_the_ampersand_corpus_has_one_in_every_title_and_name(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "reviews").mkdir(parents=True)
    (source / "accounts").mkdir()
    (source / "reviews" / "tr-0001-a.md").write_text(
        '---\nid: TR-0001\ntitle: "Quoted: one"\n---\n\ntitle: not the front matter\n', encoding="utf-8"
    )
    (source / "accounts" / "acme.md").write_text("---\nid: acme\nname: Acme\n---\n", encoding="utf-8")
    target = bench_site.with_ampersands(source, tmp_path / "amp")
    review = (target / "reviews" / "tr-0001-a.md").read_text(encoding="utf-8")
    front, body = review.removeprefix("---\n").split("\n---\n")
    assert yaml.safe_load(front)["title"] == "Quoted: one R&D and AT&T"
    assert body.strip() == "title: not the front matter"
    account = (target / "accounts" / "acme.md").read_text(encoding="utf-8").removeprefix("---\n")
    assert yaml.safe_load(account.split("\n---\n")[0])["name"] == "Acme R&D and AT&T"


def test_a_cold_step_starts_with_empty_home_cache_and_temporary_folders(tmp_path: Path) -> None:
    env = bench_site.fresh_environment(tmp_path / "env")
    for name in ("HOME", "XDG_CACHE_HOME", "TMPDIR"):
        assert Path(env[name]).is_dir() and not any(Path(env[name]).iterdir())
        assert Path(env[name]).is_relative_to(tmp_path)


def test_sizes_that_are_not_numbers_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_main(["--sizes", "1k", "site"]) == 2
    assert "--sizes wants sizes like 1000,5000" in capsys.readouterr().err


def test_a_step_of_several_samples_takes_the_fastest_time_and_the_highest_peak() -> None:
    samples = [bench_site.Run(2.0, 50, "slow"), bench_site.Run(1.0, 40, "fast"), bench_site.Run(3.0, 60, "x")]
    taken = bench_site.best(samples)
    assert (taken.seconds, taken.megabytes, taken.output) == (1.0, 60, "fast")


def test_the_package_is_compiled_before_anything_is_timed(tmp_path: Path) -> None:
    import importlib.util

    from benchmarks.__main__ import compile_like_an_install

    module = tmp_path / "pkg" / "mod.py"
    module.parent.mkdir()
    module.write_text("VALUE = 1\n", encoding="utf-8")
    compile_like_an_install(module.parent)
    assert Path(importlib.util.cache_from_source(str(module))).is_file()
