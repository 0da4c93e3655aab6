"""Turn one subgraph's SDL into the composition model, federation machinery removed."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import GraphQLError, parse
from graphql.language import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    print_ast,
)

from supergraph.composition.links import LinkedNames, read_links
from supergraph.composition.model import (
    Applied,
    Argument,
    EnumValue,
    Field,
    Key,
    Kind,
    Marks,
    Subgraph,
    TypeDef,
)
from supergraph.composition.type_refs import base_name, rename_base
from supergraph.composition.types import CompositionError, SubgraphSource

_KINDS: dict[type, Kind] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}
_MACHINERY_TYPES = {"_Any", "_Entity", "_Service", "_FieldSet"}
_MACHINERY_FIELDS = {"_service", "_entities"}
_KEPT_DIRECTIVES = {"deprecated", "specifiedBy"}
# Federation directives this composer does not carry into the supergraph yet.
UNSUPPORTED_DIRECTIVES = {
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
    "composeDirective",
}
_DEFAULT_ROOTS = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
_BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def read_subgraph(source: SubgraphSource) -> tuple[Subgraph | None, list[CompositionError]]:
    """Parse `source.sdl`; on a syntax error or an unknown federation version, return errors."""
    try:
        document = parse(source.sdl)
    except GraphQLError as error:
        return None, [_invalid(source.name, f"[{source.name}] {error.message}")]
    schema_nodes = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]
    names = read_links(d for node in schema_nodes for d in node.directives or ())
    if names.errors:
        return None, [
            CompositionError("UNKNOWN_FEDERATION_LINK_VERSION", f"[{source.name}] {e}", (source.name,))
            for e in names.errors
        ]
    reader = _Reader(Subgraph(source.name, source.url, names.version), names)
    reader.read(document, schema_nodes)
    return reader.subgraph, reader.errors


def _invalid(subgraph: str, message: str) -> CompositionError:
    return CompositionError("INVALID_GRAPHQL", message, (subgraph,))


class _Reader:
    def __init__(self, subgraph: Subgraph, names: LinkedNames) -> None:
        self.subgraph = subgraph
        self.names = names
        self.errors: list[CompositionError] = []

    def read(self, document: DocumentNode, schema_nodes: list) -> None:
        roots = self._roots(schema_nodes)
        for node in document.definitions:
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                if not self._is_machinery(node.name.value):
                    self._read_type(node)
        self._rename_roots(roots)
        self._drop_machinery_fields()

    def _roots(self, schema_nodes: list) -> dict[str, str]:
        roots: dict[str, str] = {}
        for node in schema_nodes:
            for operation in node.operation_types or ():
                roots[operation.operation.value] = operation.type.name.value
        return roots

    def _is_machinery(self, name: str) -> bool:
        if name in _MACHINERY_TYPES or name in self.names.imported_types:
            return True
        return any(name.startswith(prefix) for prefix in self.names.spec_type_prefixes)

    # -- types -------------------------------------------------------------------------------

    def _read_type(self, node: TypeDefinitionNode | TypeExtensionNode) -> None:
        name, kind = node.name.value, _KINDS[type(node)]
        type_def = self.subgraph.types.get(name)
        if type_def is None:
            type_def = self.subgraph.types[name] = TypeDef(name, kind)
        elif type_def.kind != kind:
            message = f'[{self.subgraph.name}] Type "{name}" is defined with different kinds'
            self.errors.append(_invalid(self.subgraph.name, message))
            return
        is_extension = isinstance(node, TypeExtensionNode)
        type_def.has_extension |= is_extension
        type_def.has_definition |= not is_extension
        description = _description(node)
        if description is not None:
            type_def.description = description
        block = self._directives(node.directives)
        self._read_type_directives(type_def, block, is_extension)
        shareable_block = "shareable" in block and self.subgraph.is_fed2
        external_block = "external" in block and self.subgraph.is_fed2 and kind == "object"
        for interface in getattr(node, "interfaces", None) or ():
            if interface.name.value not in type_def.interfaces:
                type_def.interfaces.append(interface.name.value)
        for member in getattr(node, "types", None) or ():
            if member.name.value not in type_def.members:
                type_def.members.append(member.name.value)
        for value in getattr(node, "values", None) or ():
            enum_value = EnumValue(value.name.value, _description(value))
            enum_value.marks = self._marks(self._directives(value.directives))
            type_def.values[enum_value.name] = enum_value
        for field_node in getattr(node, "fields", None) or ():
            field = self._read_field(field_node, name, is_extension)
            field.shareable |= shareable_block
            field.external |= external_block
            type_def.fields[field.name] = field

    def _read_type_directives(
        self, type_def: TypeDef, block: dict[str, list[DirectiveNode]], is_extension: bool
    ) -> None:
        extends = "extends" in block
        for key in block.get("key", ()):
            args = _arguments(key)
            fields = _field_set(args.get("fields"))
            if fields is None:
                message = (
                    f'[{self.subgraph.name}] On type "{type_def.name}", for @key: '
                    'invalid value for argument "fields": must be a string.'
                )
                self.errors.append(
                    CompositionError("KEY_INVALID_FIELDS_TYPE", message, (self.subgraph.name,), (type_def.name,))
                )
                continue
            resolvable = args.get("resolvable")
            type_def.keys.append(
                Key(
                    fields,
                    resolvable is None or print_ast(resolvable) != "false",
                    is_extension or extends,
                )
            )
        if extends:
            for known in type_def.keys:
                known.of_extension = True
            type_def.has_extension = True
        type_def.interface_object |= "interfaceObject" in block
        _merge_marks(type_def.marks, self._marks(block))

    def _read_field(
        self, node: FieldDefinitionNode | InputValueDefinitionNode, parent: str, of_extension: bool
    ) -> Field:
        block = self._directives(node.directives)
        field = Field(node.name.value, print_ast(node.type), parent, of_extension=of_extension)
        field.description = _description(node)
        field.marks = self._marks(block)
        if isinstance(node, InputValueDefinitionNode):
            field.default = print_ast(node.default_value) if node.default_value else None
            return field
        for arg in node.arguments or ():
            argument = Argument(arg.name.value, print_ast(arg.type), description=_description(arg))
            argument.default = print_ast(arg.default_value) if arg.default_value else None
            argument.marks = self._marks(self._directives(arg.directives))
            field.arguments[argument.name] = argument
        field.external = "external" in block
        field.shareable = "shareable" in block
        field.requires = self._first_field_set(block, "requires")
        field.provides = self._first_field_set(block, "provides")
        if "override" in block:
            args = _arguments(block["override"][0])
            field.override = _string(args.get("from"))
            field.override_label = _string(args.get("label"))
        return field

    def _first_field_set(self, block: dict[str, list[DirectiveNode]], name: str) -> str | None:
        if name not in block:
            return None
        return _field_set(_arguments(block[name][0]).get("fields")) or ""

    def _directives(self, nodes: Iterable[DirectiveNode] | None) -> dict[str, list[DirectiveNode]]:
        """Group directive applications by canonical name; unknown ones are dropped."""
        found: dict[str, list[DirectiveNode]] = {}
        for node in nodes or ():
            name = self.names.directives.get(node.name.value)
            if name is None and node.name.value in _KEPT_DIRECTIVES:
                name = node.name.value
            if name is not None:
                found.setdefault(name, []).append(node)
                if name in UNSUPPORTED_DIRECTIVES:
                    self.subgraph.unsupported.add(name)
        return found

    def _marks(self, block: dict[str, list[DirectiveNode]]) -> Marks:
        marks = Marks(inaccessible="inaccessible" in block)
        for tag in block.get("tag", ()):
            name = _string(_arguments(tag).get("name"))
            if name is not None and name not in marks.tags:
                marks.tags.append(name)
        for kept in _KEPT_DIRECTIVES:
            for node in block.get(kept, ()):
                printed = print_ast(node)
                marks.kept.append(Applied(kept, printed[len(kept) + 1 :]))
        self.subgraph.uses_tag |= bool(marks.tags)
        self.subgraph.uses_inaccessible |= marks.inaccessible
        return marks

    # -- roots and machinery -----------------------------------------------------------------

    def _rename_roots(self, roots: dict[str, str]) -> None:
        types = self.subgraph.types
        for operation, default in _DEFAULT_ROOTS.items():
            actual = roots.get(operation, default if not roots or operation == "query" else None)
            if actual is None or (actual not in types and operation != "query"):
                continue
            if actual != default and actual in types:
                if default in types:
                    message = (
                        f'[{self.subgraph.name}] The schema has a type named "{default}" but it is '
                        f'not set as the {operation} root type ("{actual}" is instead)'
                    )
                    code = f"ROOT_{operation.upper()}_USED"
                    self.errors.append(CompositionError(code, message, (self.subgraph.name,)))
                    continue
                self._rename_type(actual, default)
            if default not in types:  # every subgraph has a query root: federation adds _service
                types[default] = TypeDef(default, "object", has_definition=True)
            self.subgraph.roots[operation] = default

    def _rename_type(self, old: str, new: str) -> None:
        types = self.subgraph.types
        type_def = types.pop(old)
        type_def.name = new
        for field in type_def.fields.values():
            field.parent = new
        types[new] = type_def
        for other in types.values():
            other.members = [new if m == old else m for m in other.members]
            for field in other.fields.values():
                field.type = rename_base(field.type, old, new)

    def _drop_machinery_fields(self) -> None:
        query = self.subgraph.types.get("Query")
        if query is not None:
            for name in _MACHINERY_FIELDS & set(query.fields):
                del query.fields[name]
        for type_def in self.subgraph.types.values():
            type_def.members = [m for m in type_def.members if m in self.subgraph.types]


def _merge_marks(target: Marks, extra: Marks) -> None:
    target.inaccessible |= extra.inaccessible
    target.tags.extend(t for t in extra.tags if t not in target.tags)
    target.kept.extend(extra.kept)


def _arguments(node: DirectiveNode) -> dict:
    return {arg.name.value: arg.value for arg in node.arguments or ()}


def _string(value: object) -> str | None:
    return value.value if isinstance(value, StringValueNode) else None


def _field_set(value: object) -> str | None:
    """A FieldSet is a string; Federation 1 schemas sometimes passed a list of strings."""
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, ListValueNode) and all(isinstance(v, StringValueNode) for v in value.values):
        return " ".join(v.value for v in value.values if isinstance(v, StringValueNode))
    return None


def _description(node: object) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None


def is_builtin_scalar(name: str) -> bool:
    return name in _BUILTIN_SCALARS or base_name(name) in _BUILTIN_SCALARS
