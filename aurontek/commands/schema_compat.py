"""`aurontek schema compat [--base REF]`: compare schema/api.graphql and every subgraph SDL with a git base.

Fails on a breaking change not acknowledged in schema/acknowledged-changes.txt (reviewed with the change);
lists dangerous ones. Each change is printed with its file, line, schema coordinate and kind.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from graphql import GraphQLError

from aurontek.commands.schema_changes import SchemaChange, compare

# generated from the others, and checked through them
SKIPPED = ("supergraph.graphql",)
ACKNOWLEDGED = "acknowledged-changes.txt"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default=None,
                        help="git ref to compare with (default: origin/main when it exists, else main)")
    parser.add_argument("--dir", default="schema", help="where the SDL files live (default: schema/)")


def run(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    try:
        base = args.base or default_base()
        old = base_files(base, directory)
    except RuntimeError as error:
        print(f"schema compat: {error}", file=sys.stderr)
        return 2
    new = {path.name: path.read_text() for path in sorted(directory.glob("*.graphql")) if path.name not in SKIPPED}
    acknowledged = read_acknowledged(directory / ACKNOWLEDGED)
    breaking = dangerous = accepted = 0
    used: set[tuple[str, str]] = set()
    for name in sorted(old.keys() | new.keys()):
        path = directory / name
        if name not in new:
            print(f"{path}: BREAKING SUBGRAPH_REMOVED {name}: the whole schema file is gone (at {base})")
            breaking += 1
            continue
        if name not in old:
            continue  # a new subgraph only adds
        try:
            changes = compare(old[name], new[name])
        except GraphQLError as error:
            print(f"schema compat: {path} (or its version at {base}) does not parse: {error}", file=sys.stderr)
            return 2
        for change in changes:
            key = (change.coordinate, change.kind)
            if change.severity == "breaking" and key in acknowledged:
                used.add(key)
                accepted += 1
                print(describe(path, base, change, "ACKNOWLEDGED"))
            elif change.severity == "breaking":
                breaking += 1
                print(describe(path, base, change, "BREAKING"))
            else:
                dangerous += 1
                print(describe(path, base, change, "DANGEROUS"))
    for coordinate, kind in sorted(acknowledged.keys() - used):
        print(f"note: {directory / ACKNOWLEDGED}: {coordinate} {kind} matches no change against {base} "
              "(it can go once the change is on the base)")
    print(f"schema compat against {base}: {breaking} breaking, {accepted} acknowledged, {dangerous} dangerous")
    if breaking:
        print(f"Breaking changes fail the check. If one is intended, add a line `<coordinate> <kind>  # why` to "
              f"{directory / ACKNOWLEDGED} so it is reviewed with the change.", file=sys.stderr)
        return 1
    return 0


def describe(path: Path, base: str, change: SchemaChange, label: str) -> str:
    where = f"{path}:{change.line}" if change.line else str(path)
    suffix = f" (line at {base})" if change.in_base and change.line else ""
    return f"{where}: {label} {change.kind} {change.coordinate}: {change.description}{suffix}"


def read_acknowledged(path: Path) -> dict[tuple[str, str], str]:
    """(coordinate, kind) -> the reason given; one `<coordinate> <KIND>  # why` per line."""
    entries: dict[tuple[str, str], str] = {}
    if not path.exists():
        return entries
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        text, _, reason = raw.partition("#")
        words = text.split()
        if not words:
            continue
        if len(words) != 2:
            raise SystemExit(f"{path}:{number}: expected `<schema coordinate> <CHANGE_KIND>  # why`, got {raw!r}")
        entries[(words[0], words[1])] = reason.strip()
    return entries


def default_base() -> str:
    for ref in ("origin/main", "main"):
        if _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False) is not None:
            return ref
    raise RuntimeError("neither origin/main nor main exists here: pass --base REF")


def base_files(base: str, directory: Path) -> dict[str, str]:
    """File name -> SDL text at `base`, for the compared files of `directory`."""
    top = Path((_git("rev-parse", "--show-toplevel") or "").strip())
    folder = f"{directory.resolve().relative_to(top.resolve()).as_posix()}/"
    listing = _git("ls-tree", "--name-only", f"{base}:{folder}", check=False)
    if listing is None:
        if _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", check=False) is None:
            raise RuntimeError(f"unknown git ref {base!r} (in CI, fetch it first: git fetch origin main)")
        return {}  # the base has no schema registry yet: everything is new
    names = [n for n in listing.splitlines() if n.endswith(".graphql") and n not in SKIPPED]
    return {name: _git("show", f"{base}:{folder}{name}") or "" for name in names}


def _git(*args: str, check: bool = True) -> str | None:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        if check:
            raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
        return None
    return done.stdout
