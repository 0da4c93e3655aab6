"""Saving and loading a trained classifier to and from a directory (a manifest plus one joblib file)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import joblib
import sklearn

FORMAT = 1
_MANIFEST = "manifest.json"
_STATE = "classifier.joblib"


def save(directory: str | Path, *, config: dict[str, Any], state: dict[str, Any]) -> Path:
    """Write the manifest (format, versions, config) and the fitted state; returns the directory."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    # Each file written aside and moved in whole: a replica sharing the directory never loads half of one.
    written = path / f".{_STATE}.{uuid.uuid4().hex}"
    joblib.dump(state, written, compress=3)
    written.replace(path / _STATE)
    manifest = {"format": FORMAT, "sklearn": sklearn.__version__, "config": config}
    written = path / f".{_MANIFEST}.{uuid.uuid4().hex}"
    written.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    written.replace(path / _MANIFEST)
    return path


def load(directory: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The config and fitted state saved in a directory; refuses another format or scikit-learn version."""
    path = Path(directory)
    manifest = json.loads((path / _MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path}: classifier format {manifest.get('format')!r}, expected {FORMAT}")
    if manifest.get("sklearn") != sklearn.__version__:
        # Pickled estimators are only safe with the version that wrote them: retrain instead.
        raise ValueError(f"{path}: saved with scikit-learn {manifest.get('sklearn')}, running {sklearn.__version__}")
    return manifest["config"], joblib.load(path / _STATE)
