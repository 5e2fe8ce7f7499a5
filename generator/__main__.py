import importlib
import sys

from generator import ENGINE_FIRST

try:
    argv = sys.argv[1:]
    if argv[:1] == [ENGINE_FIRST] and len(argv) > 1:
        if argv[1] == "properdocs":
            importlib.import_module("properdocs.replacement")  # from here on, mkdocs is ProperDocs
        argv = argv[2:]
    from generator.commands import run
except KeyboardInterrupt:  # Ctrl-C before the command line is even read
    print("handbook: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(run(argv))
