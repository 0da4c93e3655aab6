"""Saving and loading a trained classifier to and from a directory (a manifest plus one joblib file)."""

from __future__ import annotations

import json
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
    joblib.dump(state, path / _STATE, compress=3)
    manifest = {"format": FORMAT, "sklearn": sklearn.__version__, "config": config}
    (path / _MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
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
