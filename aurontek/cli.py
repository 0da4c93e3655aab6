"""The `aurontek` command: one entry point, one module per sub-command, imported lazily.

Only the chosen sub-command's module is imported, so `aurontek serve gateway` never loads
what the subgraphs need (and the other way round).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from aurontek import __version__

# name -> (module under aurontek.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("up", "run the gateway and every subgraph in one process (embedded mode)"),
    "serve": ("serve", "run one service (a subgraph or the gateway)"),
    "compose": ("compose", "compose subgraph SDLs into schema/supergraph.graphql"),
    "plan": ("plan", "print the query plan of an operation"),
    "schema": ("schema", "regenerate (or --check) the SDL files in schema/"),
    "resync": ("resync", "ask a history's owner to tell it again to the read models built from it"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aurontek", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"aurontek {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv or ["--help"])
        return 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(f"aurontek.commands.{COMMANDS[name][0]}")
    command_parser = argparse.ArgumentParser(prog=f"aurontek {name}", description=COMMANDS[name][1])
    module.configure(command_parser)
    args = command_parser.parse_args(rest)
    return int(module.run(args) or 0)
