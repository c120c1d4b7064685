"""Shipped checkpoints: trained models of the course's long trainings, hash-checked like the data. Introduced in 05.

``make checkpoints`` (tools/build_checkpoints.py) trains each one by running its own notebook in full mode,
saves it under ``data/checkpoints/`` and writes its sha256, the metric it reached, its training time and
the license of the data it was trained on into ``data/MANIFEST.json``. ``make data`` keeps them.
"""
from __future__ import annotations

import json
from typing import Any

from .data import DataFileError, _reason, manifest, verify

REBUILD = "make checkpoints"


def checkpoint_info(name: str) -> dict[str, Any]:
    """The manifest entry of the shipped checkpoint ``name`` (file, notebook, metric, value, training time, license).

    Raises
    ------
    KeyError
        No shipped checkpoint has that name; the message lists the ones that exist.
    """
    entries = manifest().get("checkpoints", {})
    if name not in entries:
        shipped = ", ".join(sorted(entries)) or "none yet"
        raise KeyError(f"No shipped checkpoint is called {name!r} (shipped: {shipped}); `{REBUILD}` builds them.")
    return entries[name]


def _word_vectors(path: Any) -> Any:
    """gensim ``KeyedVectors`` from a ``.npz`` of ``words`` (str) and ``vectors`` (one float16 row per word)."""
    import numpy as np
    from gensim.models import KeyedVectors

    with np.load(path, allow_pickle=False) as stored:
        words, vectors = [str(w) for w in stored["words"]], stored["vectors"].astype(np.float32)
    if vectors.ndim != 2 or len(words) != len(vectors):
        raise ValueError(f"{len(words)} words for vectors of shape {vectors.shape}")
    keyed = KeyedVectors(vector_size=vectors.shape[1])
    keyed.add_vectors(words, vectors)
    return keyed


def _recorded_runs(path: Any) -> dict[str, dict[str, Any]]:
    """Training runs from a ``.npz`` of ``<label>_d_loss``, ``<label>_g_loss``, ``<label>_step`` and ``<label>_samples``
    (bytes 0-255): label -> {"d_loss": [...], "g_loss": [...], "snapshots": {step: float32 images in [-1, 1]}}."""
    import numpy as np

    runs: dict[str, dict[str, Any]] = {}
    with np.load(path, allow_pickle=False) as stored:
        for label in sorted({key.rsplit("_", 2)[0] for key in stored.files if key.endswith("_step")}):
            samples = stored[f"{label}_samples"]
            if samples.dtype != np.uint8 or samples.ndim != 4:
                raise ValueError(f"run {label}'s samples are {samples.dtype} of shape {samples.shape}")
            runs[label] = {"d_loss": stored[f"{label}_d_loss"].tolist(), "g_loss": stored[f"{label}_g_loss"].tolist(),
                           "snapshots": {int(stored[f"{label}_step"]): samples.astype(np.float32) / 127.5 - 1.0}}
    if not runs:
        raise ValueError("no recorded run in the file")
    return runs


def _read_npz(path: Any) -> Any:
    """A ``.npz`` checkpoint: word vectors when it holds ``words``, recorded training runs otherwise."""
    import numpy as np

    with np.load(path, allow_pickle=False) as stored:
        words = "words" in stored.files
    return _word_vectors(path) if words else _recorded_runs(path)


def _in_float32(model: Any) -> Any:
    """``model`` itself, or, when its weights are stored in float16 (half the bytes), the same layers in float32."""
    if all(str(weight.dtype) != "float16" for weight in model.weights):
        return model
    config = json.loads(json.dumps(model.get_config()).replace('"float16"', '"float32"'))
    copy = model.__class__.from_config(config)
    copy.set_weights([weight.astype("float32") for weight in model.get_weights()])
    return copy


def load_checkpoint(name: str, *, verbose: bool = True) -> Any:
    """Load a shipped checkpoint after checking its sha256: an uncompiled ``keras.Model`` (computing in float32, also
    when its weights are stored in float16); for word vectors (a ``.npz`` file), gensim ``KeyedVectors``; for
    recorded training runs (a ``.npz`` file, notebook 08), a dict label -> {"d_loss", "g_loss", "snapshots"}.

    With ``verbose`` one line says where the model comes from and what it reached.

    Raises
    ------
    FileNotFoundError
        The checkpoint file is missing.
    DataFileError
        The file is truncated or altered (its sha256 differs from the manifest's), or Keras cannot read it.
    """
    info = checkpoint_info(name)
    path = verify(info["file"], rebuild=REBUILD)
    import keras

    from . import layers  # noqa: F401 (registers the course's own layers, e.g. TokenAndPosition, for Keras to rebuild)

    reader = "NumPy" if info["file"].endswith(".npz") else f"Keras {keras.__version__}"
    try:
        model = _read_npz(path) if reader == "NumPy" else _in_float32(keras.saving.load_model(path, compile=False))
    except Exception as error:  # noqa: BLE001 (any failure to read the file means the same to a learner)
        raise DataFileError(f"data/{info['file']} cannot be read by {reader} ({_reason(error)}): "
                            f"rebuild it with `{REBUILD}`.") from error
    if verbose:
        print(f"Loaded the shipped {name}: trained by notebook {info['notebook']} in full mode "
              f"({info['training_seconds'] / 60:.0f} min on {info['trained_with']}); "
              f"{info['metric']} = {info['value']:.4f} on {info['evaluated_on']}.")
    return model
