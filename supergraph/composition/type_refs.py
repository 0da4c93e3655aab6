"""Type references as printed strings (`[String!]!`): their named type, wrappers and subtyping."""

from __future__ import annotations

from collections.abc import Callable


def base_name(type_ref: str) -> str:
    return type_ref.strip("[]!")


def is_non_null(type_ref: str) -> bool:
    return type_ref.endswith("!")


def is_list(type_ref: str) -> bool:
    return type_ref.rstrip("!").startswith("[")


def rename_base(type_ref: str, old: str, new: str) -> str:
    if base_name(type_ref) != old:
        return type_ref
    start = type_ref.index(old)
    return type_ref[:start] + new + type_ref[start + len(old) :]


def is_strict_subtype(super_ref: str, sub_ref: str, is_possible_type: Callable[[str, str], bool]) -> bool:
    """Whether `sub_ref` may stand where `super_ref` is expected, per Federation's merge rules.

    Allowed: a non-null version of the type, an implementation of an interface or a member of
    a union, and both propagated through lists and non-null wrappers (no list upgrade).
    """
    return super_ref != sub_ref and _is_subtype(super_ref, sub_ref, is_possible_type)


def _is_subtype(sup: str, sub: str, is_possible_type: Callable[[str, str], bool]) -> bool:
    if sup == sub:
        return True
    if is_non_null(sub):
        inner = sub[:-1]
        return _is_subtype(sup[:-1] if is_non_null(sup) else sup, inner, is_possible_type)
    if is_non_null(sup):
        return False
    if sup.startswith("[") and sub.startswith("["):
        return _is_subtype(sup[1:-1], sub[1:-1], is_possible_type)
    if sup.startswith("[") or sub.startswith("["):
        return False
    return is_possible_type(sup, sub)
