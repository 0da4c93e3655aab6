"""`aurontek schema`: write each built subgraph's SDL to schema/<name>.graphql, or check it is current."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from aurontek.commands.serve import SUBGRAPHS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", default="schema", help="where the SDL files live (default: schema/)")
    parser.add_argument("--check", action="store_true", help="fail if a committed file differs from the code")


def built_subgraphs() -> dict[str, str]:
    """name -> SDL, for every subgraph this build contains."""
    sdls = {}
    for name in SUBGRAPHS:
        try:
            module = importlib.import_module(f"subgraphs.{name}.graphql.schema")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"subgraphs.{name}"):
                continue
            raise
        sdls[name] = module.build_schema().as_str() + "\n"
    return sdls


def run(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    stale = []
    for name, sdl in built_subgraphs().items():
        path = directory / f"{name}.graphql"
        current = path.read_text() if path.exists() else None
        if current == sdl:
            continue
        if args.check:
            stale.append(str(path))
        else:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(sdl)
            print(f"wrote {path}")
    if stale:
        print("out of date (run `aurontek schema`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0
