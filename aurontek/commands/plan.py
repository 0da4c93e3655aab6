"""`aurontek plan`: print the query plan of an operation against a supergraph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "operation",
        help="a file holding the operation, '-' for standard input, or the operation text itself",
    )
    parser.add_argument(
        "--supergraph",
        default="schema/supergraph.graphql",
        help="supergraph SDL file (default: schema/supergraph.graphql)",
    )
    parser.add_argument("--operation-name", default=None, help="which operation of the document")


def _operation_text(value: str) -> str:
    if value == "-":
        return sys.stdin.read()
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return value


def run(args: argparse.Namespace) -> int:
    from graphql import GraphQLError, parse, validate

    from supergraph.gateway import Supergraph
    from supergraph.planning.operation import OperationError, normalize
    from supergraph.planning.planner import PlanningError, plan_operation
    from supergraph.planning.printer import print_plan

    supergraph = Supergraph(Path(args.supergraph).read_text(encoding="utf-8"))
    try:
        document = parse(_operation_text(args.operation))
        errors = validate(supergraph.api_schema, document)
        if errors:
            for error in errors:
                print(f"invalid operation: {error.message}", file=sys.stderr)
            return 1
        operation = normalize(document, args.operation_name)
        print(print_plan(plan_operation(supergraph.model, operation)))
    except (GraphQLError, OperationError, PlanningError) as error:
        print(f"cannot plan: {error}", file=sys.stderr)
        return 1
    return 0
