"""The pull request's head tree, read through the API and judged exactly as `handbook validate` judges it.

The check never runs or checks out pull-request code: it reads the head commit's tree (names, git modes,
blob ids) and the blobs of the document folders, writes the regular files into a private scratch folder,
and runs the validator over that folder. What a tree can hold that a document folder may not (symbolic
links, submodules) is refused from the tree's modes, so a link is never created, let alone followed.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from github.Repository import Repository

from generator.documents.diagnostics import Diagnostic
from generator.documents.paths import FOLDERS
from generator.errors import GitHubFault
from generator.github.client import guard

FILE_MODES = {"100644", "100755"}
LINK_MODE, SUBMODULE_MODE = "120000", "160000"
# Larger files are not documents or assets the site publishes; the loader's own limit is lower still.
MAX_BLOB = 10 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One blob (or link, or submodule) of a git tree."""

    path: str
    mode: str
    sha: str
    size: int | None


def read_tree(repo: Repository, sha: str) -> list[Entry]:
    """Every entry of the commit's tree, recursively; a tree GitHub cuts short is a fault, never a guess."""
    with guard(f"reading the tree of {sha[:12]}"):
        tree = repo.get_git_tree(sha, recursive=True)
        truncated = bool(tree.raw_data.get("truncated"))
        entries = [Entry(str(e.path), str(e.mode), str(e.sha), e.size) for e in tree.tree if e.type != "tree"]
    if truncated:
        raise GitHubFault(f"the tree of {sha[:12]} is too large for the API (truncated): cannot judge it")
    return entries


# Files at the repository root that validation reads besides the documents (the process configuration).
CONFIGURATION = ("handbook.yml",)


def in_document_folder(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return len(parts) >= 2 and parts[0] in FOLDERS


def _validated(path: str) -> bool:
    return in_document_folder(path) or path in CONFIGURATION


def structural_faults(entries: Iterable[Entry]) -> list[Diagnostic]:
    """What may not stand in reviews/ or accounts/ at all, whichever pull request added it: a link or
    submodule in them, or in place of the folder itself."""
    faults = []
    for entry in entries:
        if entry.path in FOLDERS or entry.path in CONFIGURATION:
            if entry.mode not in FILE_MODES or entry.path in FOLDERS:
                what = "folder" if entry.path in FOLDERS else "file"
                faults.append(
                    Diagnostic(
                        entry.path,
                        1,
                        1,
                        "",
                        f"must be a real {what}, not git mode {entry.mode}",
                        f"replace the link or submodule with the {what} itself",
                    )
                )
            continue
        if not in_document_folder(entry.path):
            continue
        if entry.mode == LINK_MODE:
            faults.append(
                Diagnostic(
                    entry.path, 1, 1, "",
                    "is a symbolic link; a document or asset is a regular file in reviews/ or accounts/",
                    "replace the link with the file itself (git rm the link, add the file)",
                )
            )  # fmt: skip
        elif entry.mode == SUBMODULE_MODE:
            faults.append(
                Diagnostic(entry.path, 1, 1, "", "is a git submodule, not a file", "remove the submodule")
            )
        elif entry.mode not in FILE_MODES:
            faults.append(Diagnostic(entry.path, 1, 1, "", f"has git mode {entry.mode}, not a regular file"))
        elif entry.size is not None and entry.size > MAX_BLOB:
            faults.append(
                Diagnostic(entry.path, 1, 1, "", f"is {entry.size} bytes; files here are at most {MAX_BLOB}")
            )
    return faults


def blob_id(data: bytes) -> str:
    """Git's id of a blob: what the tree promises, checked against what was received."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def read_blob(repo: Repository, entry: Entry) -> bytes:
    with guard(f"reading {entry.path}"):
        blob = repo.get_git_blob(entry.sha)
        encoding, content = blob.encoding, blob.content or ""
    data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
    if blob_id(data) != entry.sha:
        raise GitHubFault(f"reading {entry.path}: the blob does not match its id {entry.sha[:12]}")
    return data


# Past this many files, one archive is read instead of a request per blob: a large handbook costs two
# requests (tree and archive), not thousands.
ARCHIVE_FROM = 20
# One archive instead of a request per blob: a large handbook is two requests, not thousands.
MAX_ARCHIVE = 512 * 1024 * 1024


def read_archive(
    repo: Repository, sha: str, wanted: Sequence[Entry], timeout: float = 60
) -> dict[str, bytes]:
    """The wanted blobs from the commit's tarball, each kept only when it matches its id in the tree
    (an archive can differ from the tree, e.g. through export-subst): what is missing is fetched alone.
    Any failure of the archive is no fault: the caller falls back to reading blobs one by one."""
    import tarfile

    import requests

    by_path = {e.path: e for e in wanted}
    found: dict[str, bytes] = {}
    try:
        url = repo.get_archive_link("tarball", sha)
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            response.raw.decode_content = True
            stream = cast(IO[bytes], _Capped(response.raw, MAX_ARCHIVE))
            with tarfile.open(fileobj=stream, mode="r|gz") as archive:
                for member in archive:
                    path = member.name.split("/", 1)[1] if "/" in member.name else ""
                    entry = by_path.get(path)
                    if entry is None or not member.isfile() or member.size > MAX_BLOB:
                        continue
                    handle = archive.extractfile(member)
                    data = handle.read() if handle is not None else b""
                    if blob_id(data) == entry.sha:
                        found[path] = data
    except Exception:  # whatever went wrong, the blobs are read one by one instead
        return found
    return found


class _Capped:
    """A stream that stops (with an error) past `limit` bytes: an archive cannot fill the disk or memory."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.raw.read(size)
        self.left -= len(data)
        if self.left < 0:
            raise OSError("the archive is larger than the limit")
        return data


# A document that shows a file, at the head: its path and bytes (None: it cannot be read, and its bytes
# name the file, so it may show it).
Showing = dict[str, list[tuple[str, bytes | None]]]


@dataclass(frozen=True)
class HeadTree:
    """What the head tree says: its faults as `handbook validate` finds them, and which documents show
    each changed file beside the documents."""

    diagnostics: list[Diagnostic]
    showing: Showing


def head_diagnostics(
    repo: Repository,
    head_sha: str,
    changed_documents: Sequence[str],
    *,
    everything: bool,
    beside: Sequence[str] = (),
) -> HeadTree:
    """`handbook validate` on the head tree: of the changed documents (and what they reference), or of
    every document when `everything` (a document was deleted or renamed); and the head documents that
    show each of the files `beside` them."""
    from generator.documents.validate import validate_repository

    entries = read_tree(repo, head_sha)
    faults = structural_faults(entries)
    regular = [e for e in entries if _validated(e.path) and e.mode in FILE_MODES]
    regular = [e for e in regular if e.size is None or e.size <= MAX_BLOB]
    archived = read_archive(repo, head_sha, regular) if len(regular) > ARCHIVE_FROM else {}
    with tempfile.TemporaryDirectory(prefix="handbook-head-") as scratch:
        root = Path(scratch)
        for entry in regular:
            target = root.joinpath(*PurePosixPath(entry.path).parts)
            if not target.resolve().is_relative_to(root.resolve()):
                continue  # git forbids such names; never written outside the scratch folder regardless
            target.parent.mkdir(parents=True, exist_ok=True)
            data = archived.get(entry.path)
            target.write_bytes(data if data is not None else read_blob(repo, entry))
        present = {e.path for e in regular if in_document_folder(e.path)}
        showing = documents_showing(root, set(beside)) if beside else {}
        targets = None if everything else [root / p for p in changed_documents if p in present]
        if targets == []:
            return HeadTree(faults, showing)
        report = validate_repository(root, targets)
        prefix = _shown_prefix(root)
        faults += [_relative(d, prefix) for d in report.diagnostics]
    return HeadTree(sorted(set(faults)), showing)


def documents_showing(root: Path, files: set[str]) -> Showing:
    """The documents of the checkout at `root` whose bodies link one of `files` (paths in the
    repository), found as `handbook validate` finds a body's links; a document that cannot be read
    is counted as showing each file whose name its bytes hold."""
    from generator.documents.diagnostics import DocumentError
    from generator.documents.files import source_files
    from generator.documents.links import body_links
    from generator.documents.load import document_file, parse_document

    found: Showing = {}
    for path in source_files(root).documents:
        try:
            read = document_file(path, root=root)
        except DocumentError:
            continue  # not a regular document file: the tree's own faults say so
        try:
            document = parse_document(read.raw, read.shown, read.kind, source=read.source)
        except DocumentError:
            for file in files:
                if PurePosixPath(file).name.encode() in read.raw:
                    found.setdefault(file, []).append((read.source, None))
            continue
        for link in body_links(document.body, document.source):
            if link.target in files:
                found.setdefault(link.target, []).append((read.source, read.raw))
    return found


def _shown_prefix(root: Path) -> str:
    from generator.documents.load import display_path

    return display_path(root).rstrip("/") + "/"


def _relative(diagnostic: Diagnostic, prefix: str) -> Diagnostic:
    path = diagnostic.path
    path = path[len(prefix) :] if path.startswith(prefix) else path
    return Diagnostic(path, diagnostic.line, diagnostic.column, diagnostic.field, diagnostic.message,
                      diagnostic.hint)  # fmt: skip
