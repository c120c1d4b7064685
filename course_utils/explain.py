"""Attribution maps for any Keras image classifier, after notebook 10 writes each one by hand. Introduced in 10.

Every function takes a model that maps images ``(n, h, w, c)`` to class probabilities or scores and works
the same for a ``Sequential`` model, a Functional one, and a model with another model nested inside it
(a pretrained base under a new head), which is where recipes that rebuild the model around an inner layer
break. Maps are returned as NumPy arrays of shape ``(n, h, w)``, one per image; ``class_index`` picks the
class to explain (an int for all images, one per image, or None for each image's predicted class). Large
batches are explained ``BATCH_SIZE`` images at a time, so memory stays bounded.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, Iterator, Sequence

import numpy as np

BATCH_SIZE = 256   # images explained at a time: a backward pass keeps every activation, so memory grows with it


def _as_batch(images: Any) -> Any:
    import tensorflow as tf

    batch = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    if batch.shape.rank != 4:
        raise ValueError(f"images must have shape (n, height, width, channels), got {tuple(batch.shape)}; "
                         "add the batch axis with images[None] or the channel axis with images[..., None].")
    return batch


def _classes(model: Any, batch: Any, class_index: int | Sequence[int] | None) -> np.ndarray:
    if class_index is None:
        return np.argmax(np.asarray(model(batch, training=False)), axis=-1)
    classes = np.broadcast_to(np.asarray(class_index, dtype=int), (batch.shape[0],))
    return classes.copy()


def _class_scores(outputs: Any, classes: np.ndarray) -> Any:
    import tensorflow as tf

    return tf.gather(outputs, classes, axis=1, batch_dims=1)


def _chunked(function: Callable) -> Callable:
    """Apply an attribution function to at most BATCH_SIZE images at a time and join the maps."""

    @functools.wraps(function)
    def wrapper(model: Any, images: Any, class_index: Any = None, **kwargs: Any) -> np.ndarray:
        n = len(images) if np.ndim(images) == 4 else 0
        if n <= BATCH_SIZE:
            return function(model, images, class_index, **kwargs)
        parts = []
        for start in range(0, n, BATCH_SIZE):
            part = slice(start, start + BATCH_SIZE)
            classes = class_index if class_index is None or np.ndim(class_index) == 0 else np.asarray(class_index)[part]
            options = dict(kwargs)
            if np.ndim(options.get("baseline")) == 4 and len(options["baseline"]) == n:
                options["baseline"] = np.asarray(options["baseline"])[part]
            parts.append(function(model, np.asarray(images)[part], classes, **options))
        return np.concatenate(parts)

    return wrapper


def layers_of(model: Any) -> Iterator[Any]:
    """Every layer of ``model`` in order, descending into nested models (the nested model itself included)."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from layers_of(layer)


def last_conv_layer(model: Any) -> Any:
    """The last 2-D convolution of ``model`` (nested models searched too), or the batch normalization or
    activation layers right after it, whose output is then the rectified feature maps Grad-CAM weighs.

    Raises
    ------
    ValueError
        The model has no convolutional layer.
    """
    import keras

    follows = (keras.layers.BatchNormalization, keras.layers.ReLU, keras.layers.Activation, keras.layers.LeakyReLU,
               keras.layers.ELU, keras.layers.PReLU)
    found, adjacent = None, False
    for layer in layers_of(model):
        if isinstance(layer, keras.layers.Conv2D):
            found, adjacent = layer, True
        elif adjacent and isinstance(layer, follows):
            found = layer
        else:
            adjacent = False
    if found is None:
        raise ValueError(f"{model.name} has no Conv2D layer: Grad-CAM needs feature maps; name a layer with layer=...")
    return found


@contextlib.contextmanager
def _capturing(layer: Any) -> Iterator[dict]:
    """While active, every call of ``layer`` stores its output in the yielded dict under "output".

    This sees inside nested models, because the model runs eagerly and the layer is called as usual."""
    original, had_own = layer.call, "call" in vars(layer)
    store: dict = {}

    def call(*args: Any, **kwargs: Any) -> Any:
        store["output"] = original(*args, **kwargs)
        return store["output"]

    layer.call = call
    try:
        yield store
    finally:
        if had_own:
            layer.call = original
        else:
            del layer.call   # back to the class's method


@_chunked
def saliency(model: Any, images: Any, class_index: int | Sequence[int] | None = None) -> np.ndarray:
    """Vanilla-gradient saliency: |∂ score / ∂ pixel|, the largest over the channels (Simonyan et al. 2014)."""
    import tensorflow as tf

    batch = _as_batch(images)
    classes = _classes(model, batch, class_index)
    with tf.GradientTape() as tape:
        tape.watch(batch)
        scores = _class_scores(model(batch, training=False), classes)
    return np.max(np.abs(tape.gradient(scores, batch).numpy()), axis=-1)


def smoothgrad(model: Any, images: Any, class_index: int | Sequence[int] | None = None, *, samples: int = 25,
               noise: float = 0.15, seed: int = 0) -> np.ndarray:
    """SmoothGrad: the saliency averaged over ``samples`` copies with Gaussian noise of standard deviation
    ``noise`` × (max − min of each image) (Smilkov et al. 2017)."""
    batch = _as_batch(images).numpy()
    classes = _classes(model, batch, class_index)
    spread = (batch.max(axis=(1, 2, 3)) - batch.min(axis=(1, 2, 3)))[:, None, None, None]
    rng = np.random.default_rng(seed)
    total = np.zeros(batch.shape[:3])
    for _ in range(samples):
        total += saliency(model, batch + rng.normal(0.0, 1.0, batch.shape) * noise * spread, classes)
    return total / samples


@_chunked
def integrated_gradients(model: Any, images: Any, class_index: int | Sequence[int] | None = None, *,
                         baseline: Any = None, steps: int = 32) -> np.ndarray:
    """Integrated gradients (Sundararajan et al. 2017): (x − x′) × the mean gradient along the straight path
    from the baseline x′ (black by default) to x, summed over the channels. Signed: the maps of one image add
    up to about score(x) − score(x′)."""
    import tensorflow as tf

    batch = _as_batch(images)
    classes = _classes(model, batch, class_index)
    start = tf.zeros_like(batch) if baseline is None else tf.broadcast_to(_as_batch(baseline), batch.shape)
    total = tf.zeros_like(batch)
    for alpha in (np.arange(steps, dtype="float32") + 0.5) / steps:   # midpoint rule
        point = start + alpha * (batch - start)
        with tf.GradientTape() as tape:
            tape.watch(point)
            scores = _class_scores(model(point, training=False), classes)
        total += tape.gradient(scores, point)
    return tf.reduce_sum((batch - start) * total / steps, axis=-1).numpy()


@_chunked
def occlusion(model: Any, images: Any, class_index: int | Sequence[int] | None = None, *, patch: int = 4,
              stride: int = 2, fill: float = 0.0) -> np.ndarray:
    """Occlusion sensitivity (Zeiler & Fergus 2014): how much the class score drops when a ``patch`` × ``patch``
    square is set to ``fill``, averaged over the squares that cover each pixel."""
    batch = _as_batch(images).numpy()
    classes = _classes(model, batch, class_index)
    n, height, width, _ = batch.shape
    base = np.asarray(model(batch, training=False))[np.arange(n), classes]
    drop, cover = np.zeros((n, height, width)), np.zeros((height, width))
    for top in range(0, height - patch + 1, stride):
        for left in range(0, width - patch + 1, stride):
            hidden = batch.copy()
            hidden[:, top:top + patch, left:left + patch, :] = fill
            scores = np.asarray(model(hidden, training=False))[np.arange(n), classes]
            drop[:, top:top + patch, left:left + patch] += (base - scores)[:, None, None]
            cover[top:top + patch, left:left + patch] += 1
    return drop / np.maximum(cover, 1)


@_chunked
def grad_cam(model: Any, images: Any, class_index: int | Sequence[int] | None = None, *,
             layer: Any = None) -> np.ndarray:
    """Grad-CAM (Selvaraju et al. 2017): the feature maps A_k of the last convolutional layer (or ``layer``, a
    layer or its name) weighted by α_k, the global average of ∂ score / ∂ A_k, summed, ReLU, scaled to [0, 1]
    per image and resized to the input's height and width."""
    import tensorflow as tf

    batch = _as_batch(images)
    classes = _classes(model, batch, class_index)
    if layer is None:
        target = last_conv_layer(model)
    elif isinstance(layer, str):
        target = next((candidate for candidate in layers_of(model) if candidate.name == layer), None)
        if target is None:
            raise ValueError(f"{model.name} has no layer named {layer!r}.")
    else:
        target = layer
    with _capturing(target) as captured, tf.GradientTape() as tape:
        scores = _class_scores(model(batch, training=False), classes)
    if "output" not in captured:
        raise ValueError(f"layer {target.name!r} was not called when {model.name} ran; pass a layer of this model.")
    maps = captured["output"]
    gradients = tape.gradient(scores, maps)
    if gradients is None:
        raise ValueError(f"the class score does not depend on layer {target.name!r}; pick an earlier layer.")
    weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)                 # α_k, (n, 1, 1, K)
    cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[..., None]             # (n, h', w', 1)
    cam = tf.image.resize(cam, batch.shape[1:3], method="bilinear")[..., 0].numpy()
    peak = cam.max(axis=(1, 2), keepdims=True)
    return np.divide(cam, peak, out=np.zeros_like(cam), where=peak > 0)
