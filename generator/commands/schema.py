"""`handbook schema [KIND]`: the JSON Schema of the front matter, or of handbook.yml."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.errors import Exit


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = subcommands.add_parser(
        "schema", help="print the JSON Schema of the front matter (config: of handbook.yml; --out: all)"
    )
    schema.add_argument("kind", nargs="?", choices=["review", "account", "config"])
    schema.add_argument("--out", metavar="DIR", help="write <kind>.schema.json files into DIR")
    schema.set_defaults(run=_schema)


def _schema(args: argparse.Namespace) -> int:
    from generator.documents.load import display_path
    from generator.documents.models import MODELS, json_schema
    from generator.process import config

    def schema_of(kind: str) -> dict[str, object]:
        return config.json_schema() if kind == "config" else json_schema(kind)

    kinds = [args.kind] if args.kind else [*MODELS, "config"]
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            target = out / f"{kind}.schema.json"
            target.write_text(json.dumps(schema_of(kind), indent=2) + "\n", encoding="utf-8")
            print(display_path(target))
        return Exit.OK
    # Printed without a kind: the documents' front matter (`handbook schema config` prints handbook.yml's).
    payload = schema_of(kinds[0]) if args.kind else {kind: schema_of(kind) for kind in MODELS}
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    return Exit.OK
