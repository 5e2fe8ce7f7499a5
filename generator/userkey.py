"""The user's own secret for authenticating the caches a build keeps beside its site, the signed files
it authenticates, and the digest of the code every cached entry is made with.

A cache file in the checkout (or anywhere a pull request's files or another user can reach) is
untrusted input. Each cache is signed with HMAC-SHA256 under this key, kept outside the checkout in
the user's cache folder and readable by the user alone: a cache the key does not authenticate is no
cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

import generator
from generator.documents.regular import NotRegular, SymbolicLink, TooLarge, read_regular

KEY_BYTES = 32
_GENERATOR = Path(generator.__file__).resolve().parent


def key_folder() -> Path:
    """$XDG_CACHE_HOME/handbook, or ~/.cache/handbook (a relative XDG_CACHE_HOME is ignored, as the
    XDG specification says)."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(configured) if os.path.isabs(configured) else Path.home() / ".cache"
    return base / "handbook"


def user_key() -> bytes | None:
    """The user's cache key, made (0600 in a 0700 folder) when absent; None when it cannot be made or
    is not private to the user (then there is no cache)."""
    try:
        folder = key_folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        path = folder / "cache-key"
        try:
            return _read_key(path)
        except FileNotFoundError:
            _make_key(path)
            return _read_key(path)
    except (OSError, RuntimeError, KeyError):  # KeyError: no home folder for this user
        return None


def _read_key(path: Path) -> bytes | None:
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        key = os.read(handle, KEY_BYTES + 1)
    finally:
        os.close(handle)
    return key if len(key) == KEY_BYTES else None


def _make_key(path: Path) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another build made it first
        return
    try:
        os.write(handle, secrets.token_bytes(KEY_BYTES))
        os.fsync(handle)
    finally:
        os.close(handle)


def read_signed(path: Path, magic: bytes, key: bytes, limit: int) -> bytes | None:
    """The body of a file `write_signed` wrote with this key: None when it is absent, not a regular
    file (a link is not followed), over `limit`, or not authenticated."""
    try:
        raw = read_regular(path, limit + len(magic) + 66)  # the magic, a hex MAC and its line break
    except (SymbolicLink, NotRegular, TooLarge, OSError):
        return None
    if not raw.startswith(magic):
        return None
    mac, newline, body = raw[len(magic) :].partition(b"\n")
    if not newline or len(body) > limit:
        return None
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
        return None
    return body


def write_signed(path: Path, magic: bytes, key: bytes, body: bytes, limit: int) -> None:
    """`body` behind `magic` and its HMAC, written whole or not at all (0600, never through a link);
    a body over `limit` is not written, and the file is removed (it would not be read back)."""
    if len(body) > limit:
        path.unlink(missing_ok=True)
        return
    mac = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(handle, "wb") as written:
        written.write(magic + mac + b"\n" + body)
    temporary.replace(path)


def code_digest(libraries: Sequence[str], folders: Iterable[tuple[Path, str]] = ()) -> hashlib._Hash:
    """A sha256 (to be updated further) of the generator's version, Python's, the `libraries`', every
    .py file of the generator and every file matching each further folder's pattern: a checkout's edits
    count, not only its version number."""
    digest = hashlib.sha256(f"handbook {generator.__version__} python {sys.version}\n".encode())
    for package in libraries:
        try:
            digest.update(f"{package} {metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -\n".encode())
    digest.update(_generator_code())
    for root, pattern in folders:
        _add_files(digest, root, pattern)
    return digest


@functools.cache  # both caches ask in one build; the process runs the code it read at its start
def _generator_code() -> bytes:
    digest = hashlib.sha256()
    _add_files(digest, _GENERATOR, "*.py")
    return digest.digest()


def _add_files(digest: hashlib._Hash, root: Path, pattern: str) -> None:
    for path in sorted(root.rglob(pattern)):
        if path.is_file():
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes() + b"\0")
