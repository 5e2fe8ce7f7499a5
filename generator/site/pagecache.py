"""The render stage's memory across builds: pages whose inputs are unchanged are taken from the docs tree.

Each cached entry is a page of one document, or a group of pages rendered together (the lists and
dashboards, which read every document's front matter but no body), keyed by a digest of everything
it is made from: a canonical encoding of its inputs, the settings, the templates' sources and the
generator's own code. The cache file (`.<out>.pages.cache`, beside the site folder like the state
file) holds, per entry, that digest and the sha256 and links of each file it made; the files
themselves are not stored twice: the docs tree the last build wrote holds them, and a hit reads them
back from there, checked against the sha256 (a file changed or gone since is rendered again).

The cache file is untrusted input. It is authenticated with HMAC-SHA256 under a key of the user's own
kept outside the checkout ($XDG_CACHE_HOME/handbook/cache-key); anything unexpected in it (a bad
MAC, a truncated or oversized file, JSON of the wrong shape, a path outside the tree) means no
cache: a full render, never a crash and never a page made from something else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pydantic import BaseModel

from generator.documents.regular import NotRegular, SymbolicLink, TooLarge, read_regular
from generator.userkey import code_digest, read_signed, user_key, write_signed

MAGIC = b"handbook-pages 1\n"
VERSION = 2
MAX_CACHE_BYTES = 64 * 1024 * 1024
# A page file of the docs tree is read back only up to this size (the renderer makes none larger).
MAX_PAGE_BYTES = 64 * 1024 * 1024
# Texts this long are digested on their own, once per build.
LONG_TEXT = 512
_LIBRARIES = ("jinja2", "markupsafe", "pydantic", "pygal")

# A file of an entry: its sha256 and whether the renderer made text ("t") or bytes ("b").
FileRecord = tuple[str, str]
Links = list[tuple[str, str]]


@dataclass(frozen=True)
class CacheEntry:
    """What one page or group was made from (`digest`) and what it made: files in the order they were
    made, and the internal links each page made."""

    digest: str
    files: dict[str, FileRecord]
    links: dict[str, Links] = field(default_factory=dict)


def cache_file(out: Path) -> Path:
    return out.with_name(f".{out.name}.pages.cache")


# --- digests -------------------------------------------------------------------------------------


class Uncacheable(Exception):
    """An input the canonical encoding does not know: its page is rendered, never cached."""


class Digester:
    """Canonical digests of render inputs. Pydantic models are digested once per build (most inputs are
    the same document models again and again), from their JSON dump: their fields hold no sets."""

    def __init__(self) -> None:
        self._models: dict[int, tuple[BaseModel, str]] = {}
        self._texts: dict[int, tuple[str, str]] = {}

    def digest(self, *values: object) -> str:
        encoded = json.dumps(
            [self.canonical(value) for value in values], ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    def model(self, value: BaseModel) -> str:
        known = self._models.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        name = f"{type(value).__module__}.{type(value).__qualname__}"
        made = hashlib.sha256(f"{name}\0{value.model_dump_json()}".encode()).hexdigest()
        self._models[id(value)] = (value, made)  # kept alive, so its id is never another's
        return made

    def text(self, value: str) -> str:
        """A long text (a body) by its digest, made once per build: the search entries read every body
        again."""
        known = self._texts.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        made = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
        self._texts[id(value)] = (value, made)
        return made

    def canonical(self, value: object) -> object:
        """A JSON value that differs whenever `value` differs; each kind tagged so none reads as another."""
        kind = type(value)
        if kind is str:
            text = cast(str, value)
            return text if len(text) < LONG_TEXT else ["text", self.text(text)]
        if kind is int or kind is bool or value is None:
            return value
        if isinstance(value, enum.Enum):
            return ["enum", kind.__qualname__, self.canonical(value.value)]
        if isinstance(value, str | int):  # bool is an int
            return [kind.__qualname__, value]
        if isinstance(value, float):
            return ["float", repr(value)]
        if isinstance(value, BaseModel):
            return ["model", self.model(value)]
        if isinstance(value, dt.datetime):
            return ["datetime", value.isoformat()]
        if isinstance(value, dt.date):
            return ["date", value.isoformat()]
        if isinstance(value, list | tuple):
            return ["list", [self.canonical(item) for item in value]]
        if isinstance(value, dict):
            if all(type(k) is str for k in value):
                return ["dict", [[k, self.canonical(value[k])] for k in sorted(value)]]
            pairs = [[self.canonical(k), self.canonical(v)] for k, v in value.items()]
            return ["dict", sorted(pairs, key=_sort_key)]
        if isinstance(value, set | frozenset):
            return ["set", sorted((self.canonical(item) for item in value), key=_sort_key)]
        names = _field_names(kind)
        if names is None:
            raise Uncacheable(kind.__qualname__)
        return ["dataclass", kind.__qualname__, [self.canonical(getattr(value, name)) for name in names]]


# Each dataclass's field names (dataclasses.fields is slow, and a timeline has thousands of changes).
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        made = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _FIELDS[kind] = made
    return _FIELDS[kind]


def _sort_key(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def code_version(source: Path) -> str:
    """The generator's code, Python and the libraries that render (charts are pygal's SVG), and the
    site's templates."""
    return code_digest(_LIBRARIES, [(source / "templates", "*")]).hexdigest()


# --- the cache file ------------------------------------------------------------------------------


def load(out: Path, key: bytes) -> dict[str, CacheEntry]:
    """The last build's entries; empty when the file is absent or anything in it is unexpected."""
    body = read_signed(cache_file(out), MAGIC, key, MAX_CACHE_BYTES)
    return (_parse(body) or {}) if body is not None else {}


def _parse(body: bytes) -> dict[str, CacheEntry] | None:
    try:
        loaded = json.loads(body)
    except ValueError:  # not JSON, or not UTF-8
        return None
    if not isinstance(loaded, dict) or loaded.get("version") != VERSION:
        return None
    entries = loaded.get("entries")
    if not isinstance(entries, dict):
        return None
    parsed: dict[str, CacheEntry] = {}
    for name, entry in entries.items():
        made = _entry(entry)
        if made is None:
            return None  # one entry that is not ours: none is trusted
        parsed[name] = made
    return parsed


def _entry(value: object) -> CacheEntry | None:
    """One entry, checked field by field (plain loops: the cache holds tens of thousands of links)."""
    if type(value) is not dict:
        return None
    digest, files, links = value.get("digest"), value.get("files"), value.get("links")
    if type(digest) is not str or type(files) is not dict or type(links) is not dict:
        return None
    records: dict[str, FileRecord] = {}
    for path, record in files.items():
        if not inside(path) or type(record) is not list or len(record) != 2:
            return None
        sha, kind = record
        if type(sha) is not str or len(sha) != 64 or kind not in ("t", "b"):
            return None
        records[path] = (sha, kind)
    made: dict[str, Links] = {}
    for path, joined in links.items():
        if not inside(path) or type(joined) is not str:
            return None
        parts = joined.split("\0")
        if len(parts) % 2:
            return None
        made[path] = list(zip(parts[0::2], parts[1::2], strict=True))
    return CacheEntry(digest, records, made)


def _joined(links: dict[str, Links]) -> dict[str, str] | None:
    """A page's links as one string, written and target in turn, NUL between them (a page's tens of
    thousands of links read back with one split, not a check of each); None when a link holds a NUL."""
    joined: dict[str, str] = {}
    for path, listed in links.items():
        if not listed:
            continue
        text = "\0".join(part for link in listed for part in link)
        if text.count("\0") != 2 * len(listed) - 1:
            return None
        joined[path] = text
    return joined


def inside(path: object) -> bool:
    """A docs-tree path that stays inside the tree: relative, no `..`, `.` or empty part, no backslash."""
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def save(out: Path, key: bytes, entries: dict[str, CacheEntry]) -> None:
    kept: dict[str, object] = {}
    for name, entry in entries.items():
        links = _joined(entry.links)
        if links is not None:  # an entry whose links cannot be written is rendered next time
            kept[name] = {"digest": entry.digest, "files": entry.files, "links": links}
    body = json.dumps({"version": VERSION, "entries": kept}, ensure_ascii=False).encode("utf-8")
    write_signed(cache_file(out), MAGIC, key, body, MAX_CACHE_BYTES)


def forget(out: Path) -> None:
    cache_file(out).unlink(missing_ok=True)


# --- files of the docs tree ----------------------------------------------------------------------


def sha256_of(content: str | bytes) -> FileRecord:
    if isinstance(content, str):
        return hashlib.sha256(content.encode("utf-8")).hexdigest(), "t"
    return hashlib.sha256(content).hexdigest(), "b"


def read_back(pages: Path, files: dict[str, FileRecord]) -> dict[str, str | bytes] | None:
    """The files of an entry as the docs tree holds them, when every one is still what it was."""
    found: dict[str, str | bytes] = {}
    for path, (sha, kind) in files.items():
        data = _regular_file(pages / path)
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            return None
        if kind == "b":
            found[path] = data
            continue
        try:
            found[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return found


def _regular_file(path: Path) -> bytes | None:
    try:
        return read_regular(path, MAX_PAGE_BYTES)
    except (SymbolicLink, NotRegular, TooLarge, OSError):
        return None


def produced(
    before_files: dict[str, str | bytes],
    files: dict[str, str | bytes],
    before_links: dict[str, int],
    links: dict[str, Links],
    digest: str,
) -> CacheEntry:
    """The entry of what a render added to the tree: files new or replaced, links appended."""
    made = {
        path: sha256_of(content)
        for path, content in files.items()
        if path not in before_files or before_files[path] is not content
    }
    added = {
        path: listed[before_links.get(path, 0) :]
        for path, listed in links.items()
        if len(listed) > before_links.get(path, 0)
    }
    return CacheEntry(digest, made, added)


def link_counts(links: dict[str, Links]) -> dict[str, int]:
    return {path: len(listed) for path, listed in links.items()}


def paths_of(entries: Iterable[CacheEntry]) -> set[str]:
    return {path for entry in entries for path in entry.files}


# --- one build's use of the cache ----------------------------------------------------------------


class PageStore:
    """The cache as one render uses it: `take` restores an entry whose digest is unchanged and whose
    files the docs tree still holds; `keep` records what was rendered. `save` writes the cache of
    this render only (pages gone are forgotten)."""

    def __init__(self, out: Path, pages: Path, key: bytes, base: str) -> None:
        self.out = out
        self.pages = pages
        self.key = key
        self.base = base  # the code, templates and settings every entry is made with
        self.digester = Digester()
        self.previous = load(out, key)
        self.entries: dict[str, CacheEntry] = {}
        # Docs-tree paths (below pages/) read back from the docs tree just now: write_tree skips them.
        self.verified: set[str] = set()
        self.cached: list[str] = []

    @classmethod
    def open(cls, out: Path, pages: Path, source: Path, settings: object) -> PageStore | None:
        key = user_key()
        if key is None:
            return None
        try:
            base = Digester().digest(code_version(source), settings)
        except (OSError, Uncacheable):
            return None
        return cls(out, pages, key, base)

    def digest(self, *inputs: object) -> str | None:
        try:
            return self.digester.digest(self.base, *inputs)
        except Uncacheable:
            return None

    def has(self, name: str, digest: str | None) -> bool:
        """The last render kept `name` made from `digest` (`take` still checks its files)."""
        entry = self.previous.get(name)
        return digest is not None and entry is not None and hmac.compare_digest(entry.digest, digest)

    def take(
        self, name: str, digest: str | None, files: dict[str, str | bytes], links: dict[str, Links]
    ) -> bool:
        entry = self.previous.get(name)
        if digest is None or entry is None or not hmac.compare_digest(entry.digest, digest):
            return False
        found = read_back(self.pages, entry.files)
        if found is None:
            return False
        files.update(found)
        for path, listed in entry.links.items():
            links.setdefault(path, []).extend(listed)
        self.entries[name] = entry
        self.verified.update(found)
        self.cached.extend(found)
        return True

    def keep(self, name: str, entry: CacheEntry) -> None:
        if entry.digest:
            self.entries[name] = entry

    def save(self) -> None:
        save(self.out, self.key, self.entries)
