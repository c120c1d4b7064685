"""Checkers and reference versions for 10 · Explainability. Introduced in 10."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import CheckResult, _call, _check_labels, _close, _Fail, _ndarray, _run, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def saliency_map(model: Any, images: np.ndarray, class_index: np.ndarray) -> np.ndarray:
    """|∂ y_c / ∂ x| of each image for its class ``class_index[i]``, the largest over the channels. Introduced in 10.

    ``images`` (n, h, w, c) float32, ``class_index`` (n,) ints; returns (n, h, w).
    """
    import tensorflow as tf

    x = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(model(x, training=False), class_index, axis=1, batch_dims=1)   # y_c of each image
    return np.max(np.abs(tape.gradient(scores, x).numpy()), axis=-1)


def grad_cam_map(feature_maps: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """Grad-CAM before resizing: ReLU(Σ_k α_k A_k) with α_k the mean of ∂ y_c / ∂ A_k over the positions.
    Introduced in 10.

    ``feature_maps`` A and ``gradients`` both (n, h, w, K); returns (n, h, w).
    """
    weights = gradients.mean(axis=(1, 2), keepdims=True)          # α_k of each image, (n, 1, 1, K)
    return np.maximum((weights * feature_maps).sum(axis=-1), 0.0)


REFERENCES = (saliency_map, grad_cam_map)
_REFERENCE_SALIENCY, _REFERENCE_CAM = saliency_map, grad_cam_map   # the checkers' parameters reuse these names


# --- check_saliency_map --------------------------------------------------------------------------

_TRAINING_MODE = ("your code ran the model in training mode (its batch-norm statistics changed): call the model with "
                  "training=False (or model(x)) so dropout and batch norm behave as at test time")


def _seeded_weights(model: Any, rng: np.random.Generator) -> list[np.ndarray]:
    """Weights for every layer of a small hidden model, drawn from ``rng``: batch norm gets a scale, shift and
    moving statistics far from 1 and 0, so that the test-time map differs from the training-mode one."""
    from keras import layers

    weights = []
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            size = layer.get_weights()[0].shape
            weights += [rng.uniform(0.5, 1.5, size), rng.normal(0.0, 0.3, size),      # γ, β
                        rng.normal(0.0, 0.3, size), rng.uniform(0.5, 2.0, size)]     # moving mean and variance
        else:
            for w in layer.get_weights():                                    # kernels scaled by 1/√fan-in, biases
                scale = 1.0 / np.sqrt(np.prod(w.shape[:-1])) if w.ndim > 1 else 0.1
                weights.append(rng.normal(0.0, scale, w.shape))
    return [w.astype("float32") for w in weights]


@lru_cache(maxsize=1)
def _saliency_cases() -> list[tuple[Any, list[np.ndarray], np.ndarray, np.ndarray, str]]:
    """Small models of three kinds and shapes built like 10's CNN (convolution, batch norm, ReLU, dropout, dense),
    with inputs, a different class for each image, and their weights (restored before every use).

    Built once, deterministically: every weight comes from a seeded NumPy generator and each dropout layer has its
    own seed, so building them neither reseeds nor draws from the learner's random generators; every layer is
    named, so none takes a default name (dense_1, ...) from the learner's.
    """
    import keras
    from keras import layers

    cases = []
    specs = [((28, 28, 1), 10, "softmax", "Sequential"), ((8, 12, 3), 4, None, "Functional"),
             ((10, 10, 2), 3, "softmax", "Functional")]
    for number, (shape, classes, activation, kind) in enumerate(specs):
        name = f"check_saliency_{number}"
        stack = [layers.Conv2D(4, 3, padding="same", use_bias=False, kernel_initializer="zeros", name=f"{name}_conv"),
                 layers.BatchNormalization(momentum=0.9, name=f"{name}_bn"), layers.ReLU(name=f"{name}_relu"),
                 layers.Dropout(0.25, seed=number, name=f"{name}_dropout1"), layers.Flatten(name=f"{name}_flatten"),
                 layers.Dropout(0.5, seed=10 + number, name=f"{name}_dropout2"),
                 layers.Dense(classes, activation=activation, kernel_initializer="zeros", name=f"{name}_dense")]
        inputs = keras.Input(shape, name=f"{name}_image")
        if kind == "Sequential":
            model = keras.Sequential([inputs, *stack], name=name)
        else:
            x = inputs
            for layer in stack:
                x = layer(x)
            model = keras.Model(inputs, x, name=name)
        rng = np.random.default_rng(number)
        weights = _seeded_weights(model, rng)
        model.set_weights(weights)
        images = rng.random((3, *shape)).astype("float32")
        chosen = np.array([(i * 2 + 1) % classes for i in range(3)])
        setting = f"a {kind} model, images of shape {(3, *shape)}, class_index {chosen.tolist()}"
        cases.append((model, weights, images, chosen, setting))
    return cases


def _model_changed(model: Any, weights: list[np.ndarray]) -> str:
    """Why ``model`` no longer holds ``weights`` (empty when it does); ``weights`` are put back either way."""
    from keras import layers

    changed = [not np.array_equal(now, before) for now, before in zip(model.get_weights(), weights)]
    if not any(changed):
        return ""
    model.set_weights(weights)
    statistics = {id(v) for layer in model.layers if isinstance(layer, layers.BatchNormalization)
                  for v in layer.non_trainable_weights}
    if any(flag and id(v) in statistics for flag, v in zip(changed, model.weights)):
        return _TRAINING_MODE
    return ("your code changed the model's weights: a saliency map only reads the model; take the gradient with "
            "respect to the images, without an optimizer step")


def _gradients(model: Any, images: np.ndarray, scores: Callable[[Any], Any]) -> np.ndarray:
    import tensorflow as tf

    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = scores(model(x, training=False))
    return tape.gradient(value, x).numpy()


def _saliency_mistakes(model: Any, images: np.ndarray, chosen: np.ndarray) -> list[tuple[np.ndarray, str]]:
    import tensorflow as tf

    own = _gradients(model, images, lambda out: tf.gather(out, chosen, axis=1, batch_dims=1))
    first = _gradients(model, images, lambda out: out[:, int(chosen[0])])
    predicted = np.argmax(model(images, training=False), axis=-1)
    top = _gradients(model, images, lambda out: tf.gather(out, predicted, axis=1, batch_dims=1))
    every = _gradients(model, images, lambda out: tf.reduce_sum(out, axis=1))
    return [
        (np.max(own, axis=-1), "the gradient keeps its sign: take np.abs(...) before the largest over the channels"),
        (np.abs(own).mean(axis=-1), "the channels are averaged: take the largest absolute value over the channels "
                                    "(np.max(np.abs(g), axis=-1))"),
        (np.abs(own).sum(axis=-1), "the channels are summed: take the largest absolute value over the channels"),
        (np.max(np.abs(first), axis=-1), "every image uses class_index[0]: image i needs the score of its own class "
                                         "class_index[i] (tf.gather(..., class_index, axis=1, batch_dims=1))"),
        (np.max(np.abs(top), axis=-1), "this explains each image's predicted class: use the classes in class_index"),
        (np.max(np.abs(every), axis=-1), "the gradient of the sum of all class scores: differentiate only the score "
                                         "of class class_index[i] for image i"),
    ]


def check_saliency_map(saliency_map: Callable[[Any, np.ndarray, np.ndarray], np.ndarray]) -> CheckResult:
    """Check the learner's vanilla-gradient saliency on small hidden models of three kinds, each with batch norm and
    dropout as 10's CNN has: a map made in training mode is refused. Introduced in 10."""

    def body(saliency_map: Callable) -> str:
        for model, weights, images, chosen, setting in _saliency_cases():
            model.set_weights(weights)                        # as built, whatever an earlier check did to it
            try:
                got = _call(saliency_map, model, images, chosen, context=f"for {setting}")
            finally:
                changed = _model_changed(model, weights)
            if changed:
                raise _Fail(changed)
            got = _ndarray(got, "your saliency map")
            expected = _REFERENCE_SALIENCY(model, images, chosen)
            if got.shape != expected.shape:
                hint = ("one value per pixel: reduce the channel axis with the largest absolute value"
                        if got.shape == images.shape else "one (height, width) map per image")
                raise _Fail(f"for {setting} the map has shape {got.shape}, expected {expected.shape}: {hint}")
            if _close(got, expected, single=True):
                continue
            for mistake, hint in _saliency_mistakes(model, images, chosen):
                if _close(got, mistake, single=True):
                    raise _Fail(f"for {setting}: {hint}")
            raise _Fail(f"for {setting}: {_worst(got, expected, 'map')}: |∂ y_c/∂ x| with y_c the model's output "
                        "for class class_index[i], the largest over the channels")
        return ("matches |∂ y_c/∂ x| on 3 hidden models with batch norm and dropout (Sequential and Functional, "
                "1-3 channels, softmax and scores)")

    return _run("check_saliency_map", body, saliency_map)


# --- check_grad_cam_map --------------------------------------------------------------------------

_CAM_SHAPES = [(2, 7, 7, 5), (1, 4, 6, 3), (3, 14, 14, 64)]   # the last is the shape of 05's last feature maps


def _cam_case(shape: tuple, number: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(200 + number)
    feature_maps = np.maximum(rng.normal(0.3, 1.0, shape), 0.0)             # after a ReLU: non-negative
    gradients = rng.normal(0.02, 0.1, shape) + rng.normal(0.0, 0.1, (shape[0], 1, 1, shape[3]))
    return feature_maps, gradients


def _cam_mistakes(feature_maps: np.ndarray, gradients: np.ndarray) -> list[tuple[np.ndarray, str]]:
    mean = gradients.mean(axis=(1, 2), keepdims=True)
    return [
        ((mean * feature_maps).sum(axis=-1), "negative values are kept: apply a ReLU, np.maximum(..., 0), to the sum"),
        (np.maximum((gradients.sum(axis=(1, 2), keepdims=True) * feature_maps).sum(axis=-1), 0.0),
         "α_k is a sum over the positions: average instead (the global average of the gradients)"),
        (np.maximum((gradients * feature_maps).sum(axis=-1), 0.0),
         "each position uses its own gradient: α_k is one number per feature map, the mean of its gradients "
         "over the height and width (axis=(1, 2))"),
        (np.maximum((gradients.mean(axis=(0, 1, 2), keepdims=True) * feature_maps).sum(axis=-1), 0.0),
         "α_k is averaged over the whole batch: average each image's gradients separately (axis=(1, 2))"),
        (np.maximum((feature_maps.mean(axis=(1, 2), keepdims=True) * feature_maps).sum(axis=-1), 0.0),
         "α_k comes from the feature maps: it is the mean of the gradients"),
        (np.maximum(feature_maps.sum(axis=-1), 0.0), "the feature maps are summed without weights: weigh map k by α_k"),
    ]


def check_grad_cam_map(grad_cam_map: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> CheckResult:
    """Check the learner's ReLU(Σ_k α_k A_k) on hidden feature maps and gradients of three shapes. Introduced in 10.

    The map may be any array ``np.asarray`` converts (a list, a TensorFlow tensor); a float32 map, as TensorFlow
    computes it, is compared to float32 precision, a float64 one to float64 precision (``_close``)."""

    def body(grad_cam_map: Callable) -> str:
        for number, shape in enumerate(_CAM_SHAPES):
            feature_maps, gradients = _cam_case(shape, number)
            setting = f"feature maps and gradients of shape {shape}"
            got = _ndarray(_call(grad_cam_map, feature_maps, gradients, context=f"for {setting}"), "your map")
            expected = _REFERENCE_CAM(feature_maps, gradients)
            if got.shape != expected.shape:
                raise _Fail(f"for {setting} the map has shape {got.shape}, expected {expected.shape}: one "
                            "(height, width) map per image, the K feature maps summed")
            if _close(got, expected):
                continue
            for mistake, hint in _cam_mistakes(feature_maps, gradients):
                if _close(got, mistake):
                    raise _Fail(f"for {setting}: {hint}")
            raise _Fail(f"for {setting}: {_worst(got, expected, 'map')}: ReLU(Σ_k α_k A_k), α_k = mean of the "
                        "gradients of map k over its positions")
        return "matches ReLU(Σ_k α_k A_k) for 3 shapes, including the 14×14×64 maps of 05's CNN"

    return _run("check_grad_cam_map", body, grad_cam_map)


# --- diagnosis: which method made this map? -----------------------------------------------------

METHOD_NAMES = ("saliency", "SmoothGrad", "integrated gradients", "Grad-CAM")
_MYSTERY = {"A": "Grad-CAM", "B": "saliency", "C": "integrated gradients", "D": "SmoothGrad"}   # 10's answer
_LOOK_FOR = {
    "saliency": "the plain gradient is speckled: single bright pixels scattered over the item and around it",
    "SmoothGrad": "averaging the gradient over noisy copies gives the same places as the plain gradient, but "
                  "smooth and less speckled",
    "integrated gradients": "it multiplies by the input, so it is zero wherever the image is black: the background "
                            "is empty and the map follows the item's own pixels",
    "Grad-CAM": "it is computed on 14×14 feature maps and enlarged: a few soft blobs, no single-pixel detail",
}


def mystery_maps(model: Any, image: np.ndarray, class_index: int) -> dict[str, np.ndarray]:
    """Four (h, w) maps of one image, labelled A–D, one per method of ``METHOD_NAMES`` (all made by
    ``course_utils.explain`` with its defaults and absolute values). Which label is which method is what 10's
    diagnosis exercise asks. Introduced in 10."""
    from .. import explain

    batch = np.asarray(image, dtype="float32")[None]
    make = {"saliency": explain.saliency, "SmoothGrad": explain.smoothgrad,
            "integrated gradients": lambda m, x, c: np.abs(explain.integrated_gradients(m, x, c)),
            "Grad-CAM": explain.grad_cam}
    return {label: make[method](model, batch, class_index)[0] for label, method in sorted(_MYSTERY.items())}


def name_the_maps() -> dict[str, str]:
    """The answer of 10's diagnosis exercise: label -> method. Introduced in 10."""
    return dict(_MYSTERY)


REFERENCES = REFERENCES + (name_the_maps,)


def check_name_the_maps(name_the_maps: Callable[[], dict]) -> CheckResult:
    """Check the learner's reading of the four mystery maps (label -> method). Introduced in 10."""
    return _check_labels("check_name_the_maps", name_the_maps, _MYSTERY, METHOD_NAMES, "method", _LOOK_FOR,
                         "all four right: gradients are speckled, SmoothGrad smooths them, integrated gradients "
                         "follow the input, Grad-CAM is coarse")
