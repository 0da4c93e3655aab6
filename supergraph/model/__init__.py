"""The supergraph as the planner sees it: types, fields and which subgraph resolves what."""

from supergraph.model.build import build_model
from supergraph.model.types import FieldInfo, FieldSource, KeyInfo, SupergraphModel, TypeInfo

__all__ = ["FieldInfo", "FieldSource", "KeyInfo", "SupergraphModel", "TypeInfo", "build_model"]
