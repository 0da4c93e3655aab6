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

# A deferred fragment's marker, a condition on a name no GraphQL variable can have: the planner keeps the fetches
# that only its fields need apart (they run after the first payload), the projection includes its fields where the
# marker's value says so, and no marker reaches a subgraph's query.
DEFER_MARK = "#defer"


def is_marker(condition: Condition) -> bool:
    return condition[0].startswith("#")


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
class Defer:
    """A fragment with `@defer`: its fields come in a later payload, at each object the fragment applies to.

    `marker`: the condition its fields carry; `location`: the (response key, field name) of each field from the root
    to the object the fragment is on; `selections`: the fragment itself as a selection list for that object (its
    type condition and those of fragments around it since the last field, kept: they say which objects it applies
    to); `parent`: the marker of the deferred fragment it is inside, if any; `if_variable`: the variable of
    `@defer(if: $v)` (deferred only when it is true), None when it is always deferred."""

    marker: str
    label: str | None
    if_variable: str | None
    location: tuple[tuple[str, str], ...]
    selections: list[Selection]
    parent: str | None = None


@dataclass(slots=True)
class Operation:
    """A normalized operation ready to plan."""

    kind: str  # query | mutation | subscription
    name: str | None
    selections: list[Selection]
    variable_definitions: dict[str, VariableDefinitionNode]
    defers: list[Defer] = field(default_factory=list)  # in document order: a parent before what is inside it


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
    kind = operation.operation.value
    found = _Found(fragments, [] if kind == "query" else None)
    return Operation(
        kind=kind,
        name=operation.name.value if operation.name else None,
        selections=found.selections(operation.selection_set, _Place()),
        variable_definitions={v.variable.name.value: v for v in operation.variable_definitions or ()},
        defers=found.defers or [],
    )


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the selections being read are: the fields above them, the fragments around them since the last field
    (type conditions, innermost last), and the deferred fragment they are in."""

    location: tuple[tuple[str, str], ...] = ()
    around: tuple[tuple[str | None, tuple[Condition, ...]], ...] = ()
    deferred: str | None = None


class _Found:
    """Reads selection sets, inlining named fragments; collects the deferred fragments (queries only: `defers` is
    None for a mutation or subscription, whose `@defer` is honoured by sending everything at once)."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode], defers: list[Defer] | None) -> None:
        self.fragments = fragments
        self.defers = defers

    def selections(self, node: SelectionSetNode, place: _Place) -> list[Selection]:
        result: list[Selection] = []
        for selection in node.selections:
            conditions = _conditions(selection.directives)
            if conditions is None:
                continue
            if isinstance(selection, FieldNode):
                arguments = tuple(selection.arguments or ())
                key = selection.alias.value if selection.alias else selection.name.value
                below = _Place((*place.location, (key, selection.name.value)), (), place.deferred)
                result.append(
                    Field(
                        key=key,
                        name=selection.name.value,
                        arguments=arguments,
                        conditions=conditions,
                        selections=self.selections(selection.selection_set, below)
                        if selection.selection_set else None,
                        args_text=_args_text(arguments),
                    )
                )
                continue
            if isinstance(selection, InlineFragmentNode):
                type_condition = selection.type_condition.name.value if selection.type_condition else None
                body = selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                definition = self.fragments[selection.name.value]
                type_condition, body = definition.type_condition.name.value, definition.selection_set
            around = (*place.around, (type_condition, conditions))
            defer = self._defer(selection.directives, place)
            if defer is None:
                inner = self.selections(body, _Place(place.location, around, place.deferred))
                result.append(Fragment(type_condition, conditions, inner))
                continue
            inner = self.selections(body, _Place(place.location, around, defer.marker))
            defer.selections = _wrapped(around, inner)
            result.append(Fragment(type_condition, (*conditions, (defer.marker, True)), inner))
        return result

    def _defer(self, directives: tuple[DirectiveNode, ...] | None, place: _Place) -> Defer | None:
        """The `Defer` of a fragment's `@defer`, registered; None when it has none or `if: false` says no."""
        if self.defers is None:
            return None
        directive = next((d for d in directives or () if d.name.value == "defer"), None)
        if directive is None:
            return None
        arguments = {a.name.value: a.value for a in directive.arguments or ()}
        when, label = arguments.get("if"), arguments.get("label")
        variable = None
        if when is not None:
            if when.kind == "variable":
                variable = when.name.value  # type: ignore[attr-defined]
            elif not when.value:  # type: ignore[attr-defined]
                return None
        defer = Defer(f"{DEFER_MARK}{len(self.defers)}", label.value if label is not None else None,  # type: ignore[attr-defined]
                      variable, place.location, [], place.deferred)
        self.defers.append(defer)
        return defer


def _wrapped(around: tuple[tuple[str | None, tuple[Condition, ...]], ...], inner: list[Selection]
             ) -> list[Selection]:
    """`inner` inside the fragments around it, innermost first (each one's type condition and `@skip`/`@include`
    still apply)."""
    for type_condition, conditions in reversed(around):
        inner = [Fragment(type_condition, conditions, inner)]
    return inner


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
    return _Found({}, None).selections(node, _Place())
