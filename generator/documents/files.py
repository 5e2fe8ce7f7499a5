"""The files under reviews/ and accounts/: documents, the files beside them, and what is wrong with names.

The folders are walked without following symbolic links, so nothing outside the repository is ever read
or published; a link is reported, never skipped in silence. So are hidden documents (`.draft.md`), a
document named `.MD`, names Windows cannot check out (`con.md`, `a?.png`) and folders that cannot be read.
Everything else that is not a document is an asset, checked by documents.assets before it is published.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.documents.diagnostics import Diagnostic
from generator.documents.load import SYMLINK, SYMLINK_HINT
from generator.documents.paths import FOLDERS, Kind, display_path

# Device names Windows reserves whatever the extension (CON, CON.md, con.tar.gz), and characters it
# refuses in a name: a repository holding one cannot be checked out there.
_WINDOWS_DEVICES = frozenset(
    [
        *("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"),
        *(f"COM{n}" for n in (*range(1, 10), "¹", "²", "³")),
        *(f"LPT{n}" for n in (*range(1, 10), "¹", "²", "³")),
    ]
)
_NO_CHECKOUT = "so the repository cannot be checked out on Windows"
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')


@dataclass
class SourceFiles:
    """Document files (anything named `*.md`, which the loader checks), assets, and faults of names."""

    documents: list[Path] = field(default_factory=list)
    assets: list[Path] = field(default_factory=list)
    faults: list[Diagnostic] = field(default_factory=list)
    # Kinds with a folder that could not be listed: a reference to one of them is not a dangling one.
    unreadable: set[Kind] = field(default_factory=set)


def source_files(root: Path) -> SourceFiles:
    found = SourceFiles()
    for folder, kind in FOLDERS.items():
        directory = root / folder
        if directory.is_symlink():
            found.faults.append(_fault(directory, SYMLINK, SYMLINK_HINT, folder=True))
            found.unreadable.add(kind)
        elif directory.is_dir():
            _walk(directory, kind, False, found)
    return found


def _fault(path: Path, message: str, hint: str = "", *, folder: bool = False) -> Diagnostic:
    return Diagnostic(display_path(path) + ("/" if folder else ""), 1, 1, "", message, hint)


def _walk(directory: Path, kind: Kind, hidden_above: bool, found: SourceFiles) -> None:
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        shown = display_path(directory)
        found.faults.append(
            _fault(
                directory,
                f"cannot read this folder: {exc.strerror or exc}",
                f"make it readable: chmod a+rx {shown}",
                folder=True,
            )
        )
        found.unreadable.add(kind)
        return
    first_spelling: dict[str, str] = {}
    for entry in entries:
        path, name = directory / entry.name, entry.name
        same = first_spelling.setdefault(name.casefold(), name)
        if same != name:
            found.faults.append(
                _fault(
                    path,
                    f"'{name}' differs from '{same}' only in case, so on Windows and macOS they are one file",
                    "rename one of them",
                )
            )
        hidden = hidden_above or name.startswith(".")
        if hidden:
            if name.endswith(".md"):
                found.faults.append(
                    _fault(
                        path,
                        "a hidden file or folder is never read, so this document would be skipped",
                        "remove the leading '.' from the name",
                    )
                )
            elif entry.is_dir(follow_symlinks=False):
                _walk(path, kind, True, found)
            continue  # .gitkeep, .DS_Store...: never published
        windows = windows_name_problem(name)
        if windows:
            found.faults.append(_fault(path, windows, "rename it"))
        if name.endswith(".md"):
            found.documents.append(path)  # folders, links, pipes too: the loader says what they are
        elif entry.is_symlink():
            found.faults.append(_fault(path, SYMLINK, SYMLINK_HINT, folder=entry.is_dir()))
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, kind, False, found)
        elif name.lower().endswith(".md"):
            suffix = name[-3:]
            found.faults.append(
                _fault(
                    path,
                    f"the extension '{suffix}' is not '.md', so this document would be skipped",
                    f"rename it to {name[:-3]}.md",
                )
            )
        else:
            found.assets.append(path)


def windows_name_problem(name: str) -> str:
    """Why Windows cannot check out a file or folder of this name, or ''."""
    device = name.split(".", 1)[0].rstrip(" ").upper()
    if device in _WINDOWS_DEVICES:
        return f"'{name}' is a name Windows reserves for a device ({device}), {_NO_CHECKOUT}"
    bad = _WINDOWS_FORBIDDEN.search(name)
    if bad:
        shown = bad.group().encode("unicode_escape").decode("ascii") if bad.group() < " " else bad.group()
        return f"'{name}' has a character Windows does not allow in file names ('{shown}'), {_NO_CHECKOUT}"
    if name.endswith((".", " ")):
        return f"'{name}' ends with a dot or a space, which Windows drops, {_NO_CHECKOUT}"
    return ""
