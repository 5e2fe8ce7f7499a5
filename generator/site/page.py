"""The shape of a generated page, shared by the renderer (site/templates/_page.j2) and the mkdocs hook.

A page is: front matter, an escaped `# title`, the page's own HTML between two comments, then (on a
document's page) the body marker and the contributor's Markdown. mkdocs keeps HTML comments as they are.
"""

from __future__ import annotations

import functools

import jinja2

# Around the HTML the templates made: the hook hands it to the page as it is, without Markdown parsing it.
HTML_START = "<!-- handbook:html -->"
HTML_END = "<!-- /handbook:html -->"
# Right before a contributor's body: everything after it is sanitized by the hook.
BODY_MARKER = "<!-- handbook:document-body -->"
# The front-matter key that says "a contributor's body follows the marker" (so the marker must be there).
HAS_BODY = "document_body"


@functools.cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (the renderer's and Material's, through the plugin)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except OSError:  # no private temporary folder: compile every time
        return None
