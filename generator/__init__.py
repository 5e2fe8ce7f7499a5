"""Handbook: tech reviews and account plans as code."""

__version__ = "0.1.0"

# `python -m generator --engine-first properdocs ARGS...`: the command line with ProperDocs in mkdocs'
# place before anything imports mkdocs (how `serve` restarts itself under it: generator/site/engine.py).
ENGINE_FIRST = "--engine-first"
