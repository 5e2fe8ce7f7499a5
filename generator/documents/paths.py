"""Where documents live: the one definition of a document's place and kind, and of its path in the repository.

A document is a `*.md` file directly in `reviews/` or `accounts/` at the repository root; its kind is
that folder's. Everything judges a path the repository spells (`reviews/tr-0001-x.md`): the sign-off
reading a pull request's files, validate reading the checkout, the site naming a page.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Literal

Kind = Literal["review", "account"]

# Folder at the repository root -> the kind of the documents in it.
FOLDERS: dict[str, Kind] = {"reviews": "review", "accounts": "account"}
SUFFIX = ".md"


def kind_of(source: str) -> Kind | None:
    """The kind of the document at `source`, a path in the repository; None when it is no document."""
    folder, _, name = source.partition("/")
    if folder in FOLDERS and name.endswith(SUFFIX) and "/" not in name and name != SUFFIX:
        return FOLDERS[folder]  # reviews/x.md as written: what PurePosixPath would make of it
    parts = PurePosixPath(source).parts
    if len(parts) == 2 and parts[1].endswith(SUFFIX):
        return FOLDERS.get(parts[0])
    return None


def source_path(path: Path, root: Path | None = None) -> str:
    """`path` as its repository spells it (reviews/x.md).

    Relative to `root` when the file is inside it; otherwise (no root, or a file named outside the
    checkout) the file is read as part of the repository its folder is in: its last two parts.
    """
    parts = path.parts
    if root is not None and len(parts) >= 2 and parts[:-2] == root.parts and ".." not in parts[-2:]:
        return f"{parts[-2]}/{parts[-1]}"  # root/folder/name as the walk lists it: no need to resolve
    if root is not None:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        if not relative.startswith(os.pardir + os.sep) and relative != os.pardir:
            return Path(relative).as_posix()
    parts = PurePosixPath(Path(os.path.abspath(path)).as_posix()).parts
    return "/".join(parts[-2:])


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory when possible."""
    if not path.is_absolute():
        return path.as_posix()
    below = _below_working_directory(str(path))
    if below is not None:
        return below
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:
        return path.as_posix()


def _below_working_directory(path: str) -> str | None:
    """What os.path.relpath makes of a POSIX path below the working directory, without its two
    normalisations of both paths (a build shows thousands): the rest of the path, when it has no `..`
    (a Path has no `.` parts or doubled slashes); else None."""
    here = os.getcwd()
    if os.sep != "/" or not path.startswith(here) or path[len(here) : len(here) + 1] != "/":
        return None
    rest = path[len(here) + 1 :]
    return rest if rest and "/../" not in f"/{rest}/" else None
