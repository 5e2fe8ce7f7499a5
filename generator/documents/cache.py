"""Checked documents kept between builds: a file whose bytes are unchanged is not parsed or checked again.

`handbook build` reads the repository through a `DocumentStore` (a documents.validate Reader). Each
document file is read and its bytes hashed; when the last build checked the same bytes, at the same
path, with the same body check, for the same day, under the same code and handbook.yml, its checked
document is taken as it was. Everything else is read and checked as usual. The cross-document rules
always run over every document, so a reference to or from a changed file is judged anew. The
documents' history in git is kept too, and read again when another commit is checked out.

The cache file (`.<out>.documents.cache`, beside the site folder) is untrusted input. It is a pickle,
so it is unpickled only once its HMAC-SHA256 under the user's own key (generator/userkey.py, kept
outside the checkout) proves this user's build wrote it; a file that is absent, oversized, a link,
or not authenticated, or whose content is not what a build writes, means no cache: every document is
read, never a crash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.documents.history import History, history_key, read_history
from generator.documents.load import document_file, parse_document
from generator.documents.validate import Checked, check_document
from generator.process.calendar import latest_today
from generator.process.config import FILE_NAME as CONFIG_FILE
from generator.userkey import code_digest, read_signed, user_key, write_signed

MAGIC = b"handbook-documents 1\n"
MAX_CACHE_BYTES = 512 * 1024 * 1024
_LIBRARIES = ("pydantic", "pydantic-core", "pyyaml")
# (path as shown, path in the repository, sha256 of the bytes, body checked, day): one checked document.
Key = tuple[str, str, str, bool, str]


def cache_file(out: Path) -> Path:
    return out.with_name(f".{out.name}.documents.cache")


def version(root: Path) -> str:
    """What every checked document depends on besides its own bytes: the generator's code, Python,
    the libraries that read and check, and the repository's handbook.yml (its plausible dates)."""
    digest = code_digest(_LIBRARIES)
    try:
        digest.update(b"config\0" + (root / CONFIG_FILE).read_bytes())
    except FileNotFoundError:
        digest.update(b"no config\0")
    return digest.hexdigest()


class DocumentStore:
    """One build's reader with the last build's checked documents (see the module's docstring)."""

    def __init__(self, out: Path, key: bytes, base: str, previous: Kept) -> None:
        self.out = out
        self.key = key
        self.base = base
        self.previous = previous.documents
        self.taken = 0
        # git's history as the last build read it, and the commit it was read at.
        self._history: tuple[str, History] | None = previous.history
        self._history_changed = False
        # The root whose history key was asked of git, and the key.
        self._key: tuple[Path, str | None] | None = None

    def knows_history(self, root: Path) -> bool:
        """Whether `history` will be taken from the last build (the same commit is checked out)."""
        key = self._history_key(root)
        return key is not None and self._history is not None and self._history[0] == key

    def _history_key(self, root: Path) -> str | None:
        """documents.history.history_key, asked of git once per root."""
        if self._key is None or self._key[0] != root:
            self._key = (root, history_key(root))
        return self._key[1]

    def history(self, root: Path, read: Callable[[Path], History] = read_history) -> History:
        """The documents' history in git (documents.history), read again (by `read`) only when the
        commit checked out (or where root sits in the repository) is not the one the last build read
        it at."""
        key = self._history_key(root)
        if key is not None and self._history is not None and self._history[0] == key:
            return self._history[1]
        found = read(root)
        self._history = (key, found) if key is not None else None
        self._history_changed = True
        return found

    @classmethod
    def open(cls, out: Path, root: Path) -> DocumentStore | None:
        """The cache of builds into `out`, or None when the user has no usable key."""
        key = user_key()
        if key is None:
            return None
        try:
            base = version(root)
        except OSError:
            return None
        return cls(out, key, base, load(out, key, base))

    def __call__(self, path: Path, root: Path, *, with_body: bool, today: dt.date | None) -> Checked:
        found = document_file(path, root=root)
        digest = hashlib.sha256(found.raw).hexdigest()
        day = (today or latest_today()).isoformat()
        kept = self.previous.get((found.shown, found.source, digest, with_body, day))
        if kept is not None:
            self.taken += 1
            return kept
        document = parse_document(found.raw, found.shown, found.kind, source=found.source)
        checked = check_document(document, with_body=with_body, today=today)
        checked.read_as = (digest, with_body, day)
        return checked

    def save(self, checked: Iterable[Checked]) -> None:
        """The checked documents of this build (those this reader read), for the next one."""
        kept: dict[Key, Checked] = {}
        for item in checked:
            if item.read_as is not None:
                digest, with_body, day = item.read_as
                kept[(item.document.path, item.document.source, digest, with_body, day)] = item
        if kept.keys() == self.previous.keys() and not self._history_changed:
            return  # every document was taken from the cache as it is: the file already says this
        save(self.out, self.key, self.base, Kept(kept, self._history))


@dataclass(frozen=True)
class Kept:
    """What the cache file holds: checked documents by key, and git's history at a commit."""

    documents: dict[Key, Checked]
    history: tuple[str, History] | None = None


NOTHING = Kept({})


def load(out: Path, key: bytes, base: str) -> Kept:
    """What the last build kept; nothing when the file is absent or not this user's build's."""
    body = read_signed(cache_file(out), MAGIC, key, MAX_CACHE_BYTES)
    if body is None:
        return NOTHING  # absent, or not written by this user's build: never unpickled
    try:
        loaded = pickle.loads(body)  # authenticated: this user's own build wrote it
    except Exception:  # an authenticated file of an older layout
        return NOTHING
    if type(loaded) is not tuple or len(loaded) != 2 or loaded[0] != base or type(loaded[1]) is not Kept:
        return NOTHING  # another code version or handbook.yml: nothing in it is used
    kept: Kept = loaded[1]
    if type(kept.documents) is not dict or not all(isinstance(c, Checked) for c in kept.documents.values()):
        return NOTHING
    history = kept.history
    if history is not None and (type(history) is not tuple or not isinstance(history[1], History)):
        return NOTHING
    return kept


def save(out: Path, key: bytes, base: str, kept: Kept) -> None:
    body = pickle.dumps((base, kept), protocol=pickle.HIGHEST_PROTOCOL)
    write_signed(cache_file(out), MAGIC, key, body, MAX_CACHE_BYTES)


def forget(out: Path) -> None:
    cache_file(out).unlink(missing_ok=True)
