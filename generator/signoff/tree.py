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

from github.Repository import Repository

from generator.diagnostics import Diagnostic
from generator.load import FOLDERS
from generator.signoff.github import GitHubFault, guard

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


def in_document_folder(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return len(parts) >= 2 and parts[0] in FOLDERS


def structural_faults(entries: Iterable[Entry]) -> list[Diagnostic]:
    """What may not stand in reviews/ or accounts/ at all, whichever pull request added it."""
    faults = []
    for entry in entries:
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


def head_diagnostics(
    repo: Repository, head_sha: str, changed_documents: Sequence[str], *, everything: bool
) -> list[Diagnostic]:
    """`handbook validate` on the head tree: of the changed documents (and what they reference), or of
    every document when `everything` (a document was deleted or renamed)."""
    from generator.validate import validate_repository

    entries = read_tree(repo, head_sha)
    faults = structural_faults(entries)
    regular = [e for e in entries if in_document_folder(e.path) and e.mode in FILE_MODES]
    regular = [e for e in regular if e.size is None or e.size <= MAX_BLOB]
    with tempfile.TemporaryDirectory(prefix="handbook-head-") as scratch:
        root = Path(scratch)
        for entry in regular:
            target = root.joinpath(*PurePosixPath(entry.path).parts)
            if not target.resolve().is_relative_to(root.resolve()):
                continue  # git forbids such names; never written outside the scratch folder regardless
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read_blob(repo, entry))
        present = {e.path for e in regular}
        targets = None if everything else [root / p for p in changed_documents if p in present]
        if targets == []:
            return faults
        report = validate_repository(root, targets)
        prefix = _shown_prefix(root)
        faults += [_relative(d, prefix) for d in report.diagnostics]
    return sorted(set(faults))


def _shown_prefix(root: Path) -> str:
    from generator.load import display_path

    return display_path(root).rstrip("/") + "/"


def _relative(diagnostic: Diagnostic, prefix: str) -> Diagnostic:
    path = diagnostic.path
    path = path[len(prefix) :] if path.startswith(prefix) else path
    return Diagnostic(path, diagnostic.line, diagnostic.column, diagnostic.field, diagnostic.message,
                      diagnostic.hint)  # fmt: skip
