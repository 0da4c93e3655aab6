"""The subgraph model composition works on: types, fields and federation facts, names resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["object", "interface", "union", "enum", "input", "scalar"]

# The federation spec's version a subgraph links to; (1, 0) stands for a Federation 1 schema.
Version = tuple[int, int]


@dataclass
class Applied:
    """A directive kept in the supergraph as it is (@deprecated, @specifiedBy)."""

    name: str
    arguments: str = ""  # printed, e.g. '(reason: "gone")'


@dataclass
class Marks:
    """The merged directives an element can carry: @inaccessible, @tag and built-ins."""

    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    kept: list[Applied] = field(default_factory=list)


@dataclass
class Argument:
    name: str
    type: str
    default: str | None = None  # the printed value literal
    description: str | None = None
    marks: Marks = field(default_factory=Marks)


@dataclass
class Field:
    """A field of an object, interface or input type in one subgraph."""

    name: str
    type: str
    parent: str
    arguments: dict[str, Argument] = field(default_factory=dict)
    default: str | None = None  # input fields only
    description: str | None = None
    marks: Marks = field(default_factory=Marks)
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    of_extension: bool = False  # declared in an `extend type` block
    # derived by `facts`: selected by a @key/@requires/@provides or implementing an interface
    used: bool = False
    provided: bool = False  # @external but selected by a @provides: resolved in some paths

    @property
    def fully_external(self) -> bool:
        return self.external and not self.provided

    @property
    def coordinate(self) -> str:
        return f"{self.parent}.{self.name}"


@dataclass
class Key:
    fields: str
    resolvable: bool = True
    of_extension: bool = False  # applied on an `extend type` block (or a type with @extends)


@dataclass
class EnumValue:
    name: str
    description: str | None = None
    marks: Marks = field(default_factory=Marks)


@dataclass
class TypeDef:
    """A named type in one subgraph, its definition and extensions merged."""

    name: str
    kind: Kind
    description: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    marks: Marks = field(default_factory=Marks)
    interface_object: bool = False
    has_definition: bool = False  # some non-extension block defines it
    has_extension: bool = False


@dataclass
class Subgraph:
    """One parsed subgraph: federation machinery removed, root types named Query/Mutation/..."""

    name: str
    url: str
    version: Version
    types: dict[str, TypeDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # operation -> type name (normalised)
    uses_tag: bool = False
    uses_inaccessible: bool = False
    unsupported: set[str] = field(default_factory=set)  # federation directives not composed

    @property
    def is_fed2(self) -> bool:
        return self.version >= (2, 0)

    def field(self, type_name: str, field_name: str) -> Field | None:
        type_def = self.types.get(type_name)
        return type_def.fields.get(field_name) if type_def else None

    def implementations(self, interface: str) -> list[TypeDef]:
        return [t for t in self.types.values() if interface in t.interfaces and t.kind == "object"]
