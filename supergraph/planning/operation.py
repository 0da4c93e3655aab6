"""The client operation normalized for planning: fragments inlined, literal conditions applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    print_ast,
)

# a condition on a selection: (variable name, whether it must be true for inclusion)
Condition = tuple[str, bool]


@dataclass(slots=True)
class Field:
    """A client field: its response key, arguments and the conditions that include it."""

    key: str
    name: str
    arguments: tuple[ArgumentNode, ...] = ()
    conditions: tuple[Condition, ...] = ()
    selections: list[Selection] | None = None
    args_text: str = ""


@dataclass(slots=True)
class Fragment:
    """An inline fragment (named spreads are inlined into these)."""

    type_condition: str | None
    conditions: tuple[Condition, ...] = ()
    selections: list[Selection] = field(default_factory=list)


Selection = Field | Fragment


@dataclass(slots=True)
class Operation:
    """A normalized operation ready to plan."""

    kind: str  # query | mutation | subscription
    name: str | None
    selections: list[Selection]
    variable_definitions: dict[str, VariableDefinitionNode]


class OperationError(ValueError):
    """The document has no operation to run under that name."""


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        for operation in operations:
            if operation.name and operation.name.value == name:
                return operation
        raise OperationError(f'Unknown operation named "{name}".')
    if len(operations) != 1:
        raise OperationError("Must provide operation name if query contains multiple operations.")
    return operations[0]


def normalize(document: DocumentNode, operation_name: str | None) -> Operation:
    """Inline fragments and drop selections excluded by literal `@skip`/`@include`."""
    return normalize_definition(document, select_operation(document, operation_name))


def normalize_definition(document: DocumentNode, operation: OperationDefinitionNode) -> Operation:
    """`normalize` for an operation already selected from `document`."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return Operation(
        kind=operation.operation.value,
        name=operation.name.value if operation.name else None,
        selections=_selections(operation.selection_set, fragments),
        variable_definitions={v.variable.name.value: v for v in operation.variable_definitions or ()},
    )


def _selections(node: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> list[Selection]:
    result: list[Selection] = []
    for selection in node.selections:
        conditions = _conditions(selection.directives)
        if conditions is None:
            continue
        if isinstance(selection, FieldNode):
            arguments = tuple(selection.arguments or ())
            result.append(
                Field(
                    key=selection.alias.value if selection.alias else selection.name.value,
                    name=selection.name.value,
                    arguments=arguments,
                    conditions=conditions,
                    selections=_selections(selection.selection_set, fragments) if selection.selection_set else None,
                    args_text=_args_text(arguments),
                )
            )
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            inner = _selections(selection.selection_set, fragments)
            result.append(Fragment(condition, conditions, inner))
        elif isinstance(selection, FragmentSpreadNode):
            definition = fragments[selection.name.value]
            inner = _selections(definition.selection_set, fragments)
            result.append(Fragment(definition.type_condition.name.value, conditions, inner))
    return result


def _args_text(arguments: tuple[ArgumentNode, ...]) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in arguments) + ")"


def _conditions(directives: tuple[DirectiveNode, ...] | None) -> tuple[Condition, ...] | None:
    """Variable conditions of a selection, or None when a literal condition excludes it."""
    conditions: list[Condition] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        value = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
        if value is None:
            continue
        if value.kind == "variable":
            conditions.append((value.name.value, name == "include"))  # type: ignore[attr-defined]
        elif bool(value.value) != (name == "include"):  # type: ignore[attr-defined]
            return None
    return tuple(conditions)


def field_selections(node: SelectionSetNode) -> list[Selection]:
    """A field set (`@key`, `@requires`) as client-like selections."""
    return _selections(node, {})
