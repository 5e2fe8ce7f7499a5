"""One index of the site's files, asked by every link check of a build.

The build's check of the links its own pages make (before mkdocs) and the plugin's check of the links
document bodies make (once mkdocs has converted them) ask the same index, made once from the docs
tree the build rendered; a plain `mkdocs build` of the tree makes it from the files mkdocs found.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.documents.links import goes_nowhere


class LinkIndex:
    """The docs-tree paths of every page and file of the site (reviews/x.md, assets/y.png)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = frozenset(paths)

    def goes_nowhere(self, target: str) -> bool:
        """Whether a resolved link target is neither a file of the site nor a page's `.html`."""
        return goes_nowhere(target, self.paths.__contains__)
