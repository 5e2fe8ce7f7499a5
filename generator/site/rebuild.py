"""A rebuild in the same checkout: the last site copied, and only the pages whose docs changed rebuilt.

After each build the site's state is kept beside it (`.site.state.json`, like the lock file): a key of
everything that shapes a page besides its own Markdown (the engine and theme versions, the tree's
mkdocs.yml, hook and overrides, the plugin's code) and the docs tree's files. When the next build's key
is the same, the last site is copied into the staging folder (mtimes kept, so mkdocs' dirty mode sees
which pages are older than their Markdown), what files gone since made is left out of the copy,
and mkdocs rebuilds only the rest. Pages read no other page's data in mkdocs (the nav is a fixed list),
so the result is the site a full build makes. The state file is untrusted input: anything unexpected
in it means a full build; only the state file and the staging copy are ever written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import generator
from generator.site.sanitize import page_url

if TYPE_CHECKING:
    from generator.site.links import LinkIndex

MAX_STATE_BYTES = 64 * 1024 * 1024
_CODE = ("plugin.py", "sanitize.py", "page.py", "hooks.py")


@dataclass(frozen=True)
class InPlace:
    """One rebuild in place: the site last published into `out`, copied into `staging`, and mkdocs'
    dirty build there of the docs tree `docs` as it is now (`now`, its files; `before`, the last build's
    files and the site's), its body links checked against `links` (build.rebuild_in_place)."""

    out: Path
    docs: Path
    staging: Path
    before: tuple[list[str], list[str]]
    now: list[str]
    links: LinkIndex | None


def state_file(out: Path) -> Path:
    return out.with_name(f".{out.name}.state.json")


def fingerprint(docs: Path, engine: str) -> str:
    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material", engine):
        try:
            digest.update(f"{package} {metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -\n".encode())
    digest.update(f"handbook {generator.__version__}\n".encode())
    here = Path(__file__).parent
    shaping = [here / name for name in _CODE] + [docs / "mkdocs.yml"]
    shaping += sorted(
        p for folder in ("overrides", "hooks") for p in (docs / folder).rglob("*") if p.is_file()
    )
    for path in shaping:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def previous(out: Path, key: str, marker: str) -> tuple[list[str], list[str]] | None:
    """The docs tree's files of the last build into `out` and the site's files it made, when its site
    may be rebuilt in place."""
    path = state_file(out)
    try:
        if not (out / marker).is_file() or not path.is_file() or path.is_symlink():
            return None
        if path.stat().st_size > MAX_STATE_BYTES:
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("key") != key:
        return None
    files, site = _paths(state.get("files")), _paths(state.get("site"))
    return (files, site) if files is not None and site is not None else None


def _paths(listed: object) -> list[str] | None:
    if not isinstance(listed, list) or not all(isinstance(f, str) and _inside(f) for f in listed):
        return None
    return [str(f) for f in listed]


def save(out: Path, key: str, files: Sequence[str]) -> None:
    """The state of the site just published into `out`: its key, the docs tree's files, its own files."""
    site = sorted(_regular_files(out))
    path = state_file(out)
    temporary = path.with_name(f"{path.name}.tmp")
    state = {"key": key, "files": sorted(files), "site": site}
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)


def _regular_files(folder: Path, below: str = "") -> list[str]:
    """The regular files under `folder` (links neither listed nor followed), as relative paths; one
    scandir per folder instead of two stats per file."""
    found: list[str] = []
    with os.scandir(folder) as listing:
        for item in listing:
            name = f"{below}{item.name}"
            if item.is_dir(follow_symlinks=False):
                found += _regular_files(Path(item.path), f"{name}/")
            elif item.is_file(follow_symlinks=False):
                found.append(name)
    return found


def forget(out: Path) -> None:
    state_file(out).unlink(missing_ok=True)


def prepare(
    out: Path,
    staging: Path,
    before: Sequence[str],
    site: Sequence[str],
    now: Sequence[str],
    pages: Path | None = None,
) -> None:
    """The files the last build made, put into the staging folder with their mtimes (nothing else
    in the site folder is kept), without what the docs files gone since made.

    Given the docs tree's `pages` folder, a file mkdocs' dirty mode will not write again (made from a
    docs file no newer than it: mkdocs' own test) is linked, not copied: the link shares the published
    file's bytes and mtime. Every other file is copied, so that nothing mkdocs or the plugin writes
    in the staging folder can reach the published site through a link."""
    gone = {page_url(path) if path.endswith(".md") else path for path in set(before) - set(now)}
    sources = {page_url(path) if path.endswith(".md") else path: path for path in now} if pages else {}
    folders: set[Path] = set()
    for relative in site:
        source = out / relative
        try:
            built = source.lstat()
        except OSError:
            continue
        if relative in gone or not stat.S_ISREG(built.st_mode):
            continue
        target = staging / relative
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        made_from = sources.get(relative)
        if pages is not None and made_from is not None and _kept_by_mkdocs(built, pages / made_from):
            try:
                os.link(source, target)
                continue
            except OSError:  # another file system, or no hard links here: a copy does the same
                pass
        shutil.copy2(source, target)


def _kept_by_mkdocs(built: os.stat_result, source: Path) -> bool:
    """mkdocs' dirty mode leaves a file alone when its source is not newer (File.is_modified compares
    os.path.getmtime, which is st_mtime)."""
    try:
        return built.st_mtime >= source.stat().st_mtime
    except OSError:
        return False


def _inside(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "\\" not in path
