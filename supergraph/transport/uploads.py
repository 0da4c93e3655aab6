"""A client's uploaded file as it travels in a fetch's variables, and how a fetch finds and strips the files it sends
(the server side reads them: `supergraph.server.uploads`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class UploadedFile:
    """A file of the request, on disk while the request runs; what a variable holds in its place."""

    filename: str
    content_type: str
    path: str
    size: int = 0


def files_in(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], UploadedFile]]:
    """Every file in a fetch's variables, with its path (for the subgraph's own `map`)."""
    if isinstance(value, UploadedFile):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in files_in(item, (*path, str(key)))]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in files_in(item, (*path, str(index)))]
    return []


def without_files(value: Any) -> Any:
    """The variables with null in each file's place, as the subgraph's `operations` carries them."""
    if isinstance(value, UploadedFile):
        return None
    if isinstance(value, dict):
        return {key: without_files(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_files(item) for item in value]
    return value
