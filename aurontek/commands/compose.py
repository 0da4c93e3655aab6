"""`aurontek compose`: compose subgraph SDLs (files or live URLs) into schema/supergraph.graphql."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The five services and where they listen by default (see ARCHITECTURE.md, "Ports").
DEFAULT_SUBGRAPHS = {
    "users": "http://127.0.0.1:3001/graphql",
    "tickets": "http://127.0.0.1:3002/graphql",
    "chat": "http://127.0.0.1:3003/graphql",
    "notifications": "http://127.0.0.1:3004/graphql",
    "ia": "http://127.0.0.1:3005/graphql",
}
DEFAULT_OUTPUT = "schema/supergraph.graphql"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--subgraph",
        action="append",
        default=[],
        metavar="NAME=SOURCE",
        help="an SDL file or a live subgraph URL (its `_service { sdl }` is fetched); repeat per "
        "subgraph (default: the five services on ports 3001-3005, path /graphql)",
    )
    parser.add_argument(
        "--routing-url",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="the URL the gateway calls for NAME (default: the SOURCE URL, or the service's default port for a file)",
    )
    parser.add_argument("--output", "-o", default=DEFAULT_OUTPUT, help="where to write the SDL")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per SDL fetch")
    parser.add_argument("--hints", action="store_true", help="also print composition hints")


def run(args: argparse.Namespace) -> int:
    try:
        sources = _parse_pairs(args.subgraph, "--subgraph") or dict(DEFAULT_SUBGRAPHS)
        routing = _parse_pairs(args.routing_url, "--routing-url")
    except ValueError as error:
        print(f"aurontek compose: {error}", file=sys.stderr)
        return 2
    from supergraph.composition import SubgraphSource, compose  # cheap start: import on use

    try:
        sdls = _load_all(sources, args.timeout)
        subgraphs = [
            SubgraphSource(name, _routing_url(name, source, routing), sdls[name]) for name, source in sources.items()
        ]
    except (OSError, RuntimeError, ValueError) as error:
        print(f"aurontek compose: {error}", file=sys.stderr)
        return 1
    result = compose(subgraphs)
    if args.hints:
        for hint in result.hints:
            print(f"hint: {hint}", file=sys.stderr)
    if result.supergraph_sdl is None:
        _print_errors(result.errors)
        return 1
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(result.supergraph_sdl)
    print(f"composed {len(subgraphs)} subgraphs into {output}")
    return 0


def _parse_pairs(values: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name or not rest:
            raise ValueError(f"{option} takes NAME=VALUE, got {value!r}")
        pairs[name] = rest
    return pairs


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _routing_url(name: str, source: str, routing: dict[str, str]) -> str:
    if name in routing:
        return routing[name]
    if _is_url(source):
        return source
    if name in DEFAULT_SUBGRAPHS:
        return DEFAULT_SUBGRAPHS[name]
    raise ValueError(f"no routing URL for subgraph {name!r}: pass --routing-url {name}=URL")


def _load_all(sources: dict[str, str], timeout: float) -> dict[str, str]:
    sdls = {name: Path(src).read_text() for name, src in sources.items() if not _is_url(src)}
    remote = {name: src for name, src in sources.items() if _is_url(src)}
    if remote:
        import asyncio

        sdls.update(asyncio.run(_fetch_all(remote, timeout)))
    return sdls


async def _fetch_all(remote: dict[str, str], timeout: float) -> dict[str, str]:
    import asyncio

    from supergraph.composition import fetch_subgraph_sdl

    fetched = await asyncio.gather(
        *(fetch_subgraph_sdl(url, timeout=timeout) for url in remote.values()),
        return_exceptions=True,
    )
    failures = [f"{name}: {r}" for name, r in zip(remote, fetched, strict=True) if isinstance(r, BaseException)]
    if failures:
        raise RuntimeError("could not fetch subgraph SDL:\n  " + "\n  ".join(failures))
    return dict(zip(remote, fetched, strict=True))  # type: ignore[arg-type]


def _print_errors(errors) -> None:
    print(f"composition failed with {len(errors)} error(s):", file=sys.stderr)
    for error in errors:
        print(f"  {error.code}: {error.message}", file=sys.stderr)
        details = []
        if error.subgraphs:
            details.append("subgraphs: " + ", ".join(error.subgraphs))
        if error.coordinates:
            details.append("at: " + ", ".join(error.coordinates))
        if details:
            print(f"    ({'; '.join(details)})", file=sys.stderr)
