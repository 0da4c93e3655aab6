"""`aurontek schema`: regenerate the schema registry in schema/, or `--check` that it is current;
`aurontek schema compat` checks it against a git base for breaking changes.

Writes each built subgraph's SDL (`schema/<name>.graphql`), their composition
(`schema/supergraph.graphql`, routing to the local default ports) and the client-facing API
schema (`schema/api.graphql`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from aurontek.commands.serve import SUBGRAPHS

DEFAULT_PORTS = {"users": 3001, "tickets": 3002, "chat": 3003, "notifications": 3004, "ia": 3005}


def configure(parser: argparse.ArgumentParser) -> None:
    from aurontek.commands import schema_compat

    parser.add_argument("--dir", default="schema", help="where the SDL files live (default: schema/)")
    parser.add_argument("--check", action="store_true", help="fail if a committed file differs from the code")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    schema_compat.configure(actions.add_parser(
        "compat", help="fail on breaking changes against a git base (default: origin/main, else main)",
        description=schema_compat.__doc__))


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


def registry() -> dict[str, str]:
    """file name -> content of every file the schema registry holds."""
    from supergraph.api_schema import api_schema_sdl
    from supergraph.composition import SubgraphSource, compose

    subgraphs = built_subgraphs()
    files = {f"{name}.graphql": sdl for name, sdl in subgraphs.items()}
    result = compose([
        SubgraphSource(name, f"http://127.0.0.1:{DEFAULT_PORTS[name]}/graphql", sdl) for name, sdl in subgraphs.items()
    ])
    if result.supergraph_sdl is None:
        problems = "\n".join(f"  {e.code}: {e.message}" for e in result.errors)
        raise SystemExit(f"the subgraphs do not compose:\n{problems}")
    files["supergraph.graphql"] = result.supergraph_sdl.rstrip("\n") + "\n"
    files["api.graphql"] = api_schema_sdl(result.supergraph_sdl).rstrip("\n") + "\n"
    return files


def run(args: argparse.Namespace) -> int:
    if args.action == "compat":
        from aurontek.commands import schema_compat

        return schema_compat.run(args)
    directory = Path(args.dir)
    stale = []
    for name, content in registry().items():
        path = directory / name
        if path.exists() and path.read_text() == content:
            continue
        if args.check:
            stale.append(str(path))
        else:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            print(f"wrote {path}")
    if stale:
        print("out of date (run `aurontek schema` and commit): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0
