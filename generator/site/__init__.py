"""The handbook site: index (cross-document views) → render (pages) → build (mkdocs) → publish.

Each stage is a function over plain data; only `build` touches the file system and mkdocs.
"""
