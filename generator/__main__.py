import sys

try:
    from generator.commands import main
except KeyboardInterrupt:  # Ctrl-C before the command line is even read
    print("handbook: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
