"""The render stage's persistent cache: a build takes every page whose inputs are unchanged from the docs
tree the last build wrote, and the result is the tree and site a fresh build makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.site import pagecache
from generator.site.build import BuildOptions, build_site, generate
from generator.site.render import SITE_SOURCE
from tests.site.conftest import TODAY, options_for, sample_ledger

REVIEW = "reviews/tr-0001-air-gap.md"
ACCOUNT = "accounts/quiet-co.md"
# Pages that read every document (and never a body); the search entries are not among them.
EVERYWHERE = ("index.md", "dashboards/index.md", "people/carl-ce.md", "exports/reviews.json", "feed.xml")


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache key of the test's own, never the user's."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def _options(repo: Path, base: Path, **changes: object) -> BuildOptions:
    ledger = repo / "ledger.json"
    options = options_for(repo, base, ledger=ledger if ledger.exists() else sample_ledger(ledger))
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


def _tree(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def _site(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != "sitemap.xml.gz"  # gzip stamps the time it was made
    }


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _body_edit(repo: Path) -> None:
    _append(repo / REVIEW, "\nA line added since.\n")


def _front_matter_edit(repo: Path) -> None:
    _replace(repo / REVIEW, "Air-gapped trial in the plant network", "Air-gapped trial, renamed")


def _ledger_edit(repo: Path) -> None:
    _replace(repo / "ledger.json", "first draft", "second draft")


def test_a_second_build_takes_every_page_from_the_cache(sample_repo: Path, tmp_path: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    first, _ = generate(options)
    assert first.cached == []
    second, written = generate(options)
    assert written == 0
    assert {REVIEW, ACCOUNT, *EVERYWHERE} <= set(second.cached)
    assert second.files.keys() == first.files.keys()
    assert second.links == first.links


def test_a_build_ends_with_its_caches_saved(sample_repo: Path, tmp_path: Path) -> None:
    """The build saves its page cache in a forked process while mkdocs builds: by the time it returns,
    the cache is whole, and the next render takes every page from it."""
    options = _options(sample_repo, tmp_path / "out")
    build_site(options)
    assert pagecache.cache_file(options.out).is_file()
    again, written = generate(options)
    assert written == 0
    assert {REVIEW, ACCOUNT, *EVERYWHERE} <= set(again.cached)


def test_a_body_edit_renders_its_page_and_the_search_entries_only(sample_repo: Path, tmp_path: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    before, _ = generate(options)
    _body_edit(sample_repo)
    after, _ = generate(options)
    assert REVIEW not in after.cached
    assert "assets/.search-entries.json" not in after.cached
    assert "assets/.search-people.json" in after.cached  # people read no body
    assert {ACCOUNT, *EVERYWHERE} <= set(after.cached)
    assert all(after.files[page] == before.files[page] for page in EVERYWHERE)
    assert "A line added since." in str(after.files[REVIEW])


@pytest.mark.parametrize(
    "change",
    [_front_matter_edit, _ledger_edit],
    ids=["front-matter", "ledger"],
)
def test_a_change_the_lists_read_renders_them_again(
    sample_repo: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    change(sample_repo)
    after, _ = generate(options)
    assert not set(EVERYWHERE) & set(after.cached)
    assert after.files == generate(_options(sample_repo, tmp_path / "fresh"))[0].files


def test_another_today_renders_the_lists_again(sample_repo: Path, tmp_path: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    later = dataclasses.replace(options, today=TODAY + dt.timedelta(days=9))
    after, _ = generate(later)
    assert not set(EVERYWHERE) & set(after.cached)
    assert REVIEW not in after.cached  # its page counts days too


def test_a_template_change_renders_the_pages_made_from_it_again(sample_repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "site-source"
    shutil.copytree(SITE_SOURCE, source)
    options = _options(sample_repo, tmp_path / "out", source=source)
    generate(options)
    _replace(source / "templates" / "home.md.j2", "{% block content %}", "{% block content %}\nChanged here.")
    after, _ = generate(options)
    assert "index.md" not in after.cached
    assert "Changed here." in str(after.files["index.md"])


def _new_review(repo: Path) -> None:
    text = (repo / REVIEW).read_text(encoding="utf-8").replace("TR-0001", "TR-0042")
    (repo / "reviews" / "tr-0042-copy.md").write_text(text, encoding="utf-8")


def _deleted_review(repo: Path) -> None:
    (repo / "reviews" / "tr-0002-korean.md").unlink()


EDITS: dict[str, Callable[[Path], None]] = {
    "body": _body_edit,
    "front-matter": _front_matter_edit,
    "deleted": _deleted_review,
    "new": _new_review,
    "ledger": _ledger_edit,
}


@pytest.mark.parametrize("name", [*EDITS, "today"])
def test_a_cached_build_is_the_tree_and_site_a_fresh_build_makes(
    sample_repo: Path, tmp_path: Path, name: str
) -> None:
    options = _options(sample_repo, tmp_path / "kept")
    build_site(options)
    if name == "today":
        options = dataclasses.replace(options, today=TODAY + dt.timedelta(days=9))
    else:
        EDITS[name](sample_repo)
    build_site(options)
    fresh = dataclasses.replace(options, out=tmp_path / "fresh" / "site", docs=tmp_path / "fresh" / "docs")
    build_site(fresh)
    assert _tree(options.docs) == _tree(fresh.docs)
    assert _site(options.out) == _site(fresh.out)


# --- the cache file is untrusted input ---------------------------------------------------------------


def _key(user_cache: Path) -> bytes:
    return (user_cache / "handbook" / "cache-key").read_bytes()


def _signed(user_cache: Path, body: bytes) -> bytes:
    mac = hmac.new(_key(user_cache), body, hashlib.sha256).hexdigest().encode()
    return pagecache.MAGIC + mac + b"\n" + body


def _cached_body(options: BuildOptions) -> dict[str, object]:
    raw = pagecache.cache_file(options.out).read_bytes()
    loaded: dict[str, object] = json.loads(raw.split(b"\n", 2)[2])
    return loaded


def _hostile(user_cache: Path, options: BuildOptions) -> dict[str, bytes]:
    raw = pagecache.cache_file(options.out).read_bytes()
    body = _cached_body(options)
    entries = body["entries"]
    assert isinstance(entries, dict)
    first = next(iter(entries))
    outside = json.dumps(
        {**body, "entries": {first: {**entries[first], "files": {"../../outside.md": ["0" * 64, "t"]}}}}
    )
    wrong_type = json.dumps({**body, "entries": {first: {**entries[first], "links": {REVIEW: [[1, 2]]}}}})
    return {
        "tampered": raw.replace(b'"digest": "', b'"digest": "0', 1),
        "truncated": raw[: len(raw) // 2],
        "not signed": raw.split(b"\n", 2)[2],
        "empty": b"",
        "too big": _signed(user_cache, b" " * (pagecache.MAX_CACHE_BYTES + 1)),
        "not json": _signed(user_cache, b"{not json"),
        "a list": _signed(user_cache, b"[]"),
        "wrong types": _signed(user_cache, wrong_type.encode()),
        "outside the tree": _signed(user_cache, outside.encode()),
        "not utf-8": _signed(user_cache, b'{"version": "\xff"}'),
    }


def test_a_cache_that_is_not_ours_or_not_what_we_wrote_means_a_full_render(
    sample_repo: Path, tmp_path: Path, user_cache: Path
) -> None:
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    assert generate(options)[0].cached  # the genuine cache is used
    for name, content in _hostile(user_cache, options).items():
        pagecache.cache_file(options.out).write_bytes(content)
        tree, _ = generate(options)
        assert tree.cached == [], name
    assert not (tmp_path / "outside.md").exists()


def test_a_page_changed_on_disk_since_is_rendered_again(sample_repo: Path, tmp_path: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    first, _ = generate(options)
    (options.docs / "pages" / REVIEW).write_text("planted", encoding="utf-8")
    (options.docs / "pages" / "index.md").unlink()
    second, written = generate(options)
    assert REVIEW not in second.cached and "index.md" not in second.cached
    assert written == 2
    assert second.files == first.files


def test_the_key_is_made_private_once(sample_repo: Path, tmp_path: Path, user_cache: Path) -> None:
    generate(_options(sample_repo, tmp_path / "out"))
    key = user_cache / "handbook" / "cache-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    made = key.read_bytes()
    generate(_options(sample_repo, tmp_path / "out"))
    assert key.read_bytes() == made


def test_without_a_key_there_is_no_cache(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    tree, _ = generate(options)
    assert tree.cached == []
    assert not pagecache.cache_file(options.out).exists()


def test_a_key_others_can_read_is_not_used(sample_repo: Path, tmp_path: Path, user_cache: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    os.chmod(user_cache / "handbook" / "cache-key", 0o644)
    tree, _ = generate(options)
    assert tree.cached == []


def test_a_cache_file_that_is_a_link_is_not_followed(sample_repo: Path, tmp_path: Path) -> None:
    options = _options(sample_repo, tmp_path / "out")
    generate(options)
    cache = pagecache.cache_file(options.out)
    elsewhere = tmp_path / "elsewhere.cache"
    cache.replace(elsewhere)
    cache.symlink_to(elsewhere)
    tree, _ = generate(options)
    assert tree.cached == []
    assert not cache.is_symlink()  # the new cache replaced the link, not what it pointed to
