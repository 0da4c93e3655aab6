"""Sub-commands of `aurontek`; each module exposes `configure(parser)` and `run(args)`."""
