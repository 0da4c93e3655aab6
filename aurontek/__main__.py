"""Allow `python -m aurontek`."""

from aurontek.cli import main

raise SystemExit(main())
