"""Checkers and reference versions for 03 · Initialization. Introduced in 03."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _check_labels, _close, _dense_forward, _dense_layers, _expect_shape, _Fail,
                   _g, _number, _run, _worst)


# --- reference versions (the worked solutions) ---------------------------------------------------

def glorot_std(fan_in: int, fan_out: int) -> float:
    """Standard deviation of Glorot's normal initialization, √(2 / (fan_in + fan_out)). Introduced in 03."""
    return np.sqrt(2.0 / (fan_in + fan_out))


def he_std(fan_in: int) -> float:
    """Standard deviation of He's normal initialization, √(2 / fan_in). Introduced in 03."""
    return np.sqrt(2.0 / fan_in)


def residual_block(x: Any, units: int) -> Any:
    """x + F(x), F = Dense(units, zeros) after Dense(units, relu, he_normal), for a (batch, units) tensor. Introduced in 03."""
    from keras import layers

    hidden = layers.Dense(units, activation="relu", kernel_initializer="he_normal")(x)
    correction = layers.Dense(units, kernel_initializer="zeros")(hidden)       # F(x) = 0 at the start
    return layers.Add()([x, correction])


REFERENCES = (glorot_std, he_std, residual_block)


# --- checkers ------------------------------------------------------------------------------------

def _check_std(name: str, fn: Callable[..., float], args_list: list[tuple], reference: Callable[..., float],
               wrong: list[tuple[Callable[..., float], str]]) -> CheckResult:
    def body(fn: Callable[..., float]) -> str:
        for args in args_list:
            got = _number(_call(fn, *args, context=f"for {args}"), f"the result for {args}")
            expected = reference(*args)
            if np.isclose(got, expected, rtol=1e-6):
                continue
            for formula, hint in wrong:
                if np.isclose(got, formula(*args), rtol=1e-6):
                    raise _Fail(f"{args} -> {_g(got)}: {hint}")
            raise _Fail(f"{args} -> {_g(got)}, expected {_g(expected)}")
        return f"all {len(args_list)} layer shapes give the right standard deviation"

    return _run(name, body, fn)


def check_glorot_std(glorot_std: Callable[[int, int], float]) -> CheckResult:
    """Check the Glorot/Xavier normal standard deviation √(2 / (fan_in + fan_out)). Introduced in 03."""
    shapes = [(784, 256), (256, 256), (100, 10), (1, 1), (1000, 500), (784, 128), (128, 128)]   # the last 3 as in 03
    return _check_std("check_glorot_std", glorot_std, shapes, lambda i, o: np.sqrt(2 / (i + o)),
                      [(lambda i, o: 2 / (i + o), "that is the variance: return its square root"),
                       (lambda i, o: np.sqrt(1 / i), "that is LeCun's √(1/fan_in): Glorot averages fan_in and fan_out"),
                       (lambda i, o: np.sqrt(1 / (i + o)), "the variance is 2 / (fan_in + fan_out), not 1 / (…)"),
                       (lambda i, o: np.sqrt(6 / (i + o)), "that is the limit a of Glorot's uniform U(-a, a), "
                                                           "not the normal's standard deviation")])


def check_he_std(he_std: Callable[[int], float]) -> CheckResult:
    """Check the He normal standard deviation √(2 / fan_in). Introduced in 03."""
    return _check_std("check_he_std", he_std, [(784,), (256,), (10,), (1,), (1000,), (128,)], lambda i: np.sqrt(2 / i),
                      [(lambda i: 2 / i, "that is the variance: return its square root"),
                       (lambda i: np.sqrt(1 / i), "that is √(1/fan_in): ReLU zeroes half the inputs, so He doubles it"),
                       (lambda i: np.sqrt(6 / i), "that is the limit a of He's uniform U(-a, a), not the normal's "
                                                  "standard deviation")])


def _block_model(residual_block: Callable[[Any, int], Any], width: int, blocks: int = 1) -> Any:
    import keras

    inputs = keras.Input(shape=(width,))
    outputs = inputs
    for _ in range(blocks):
        outputs = _call(residual_block, outputs, width, context=f"in residual_block(x, {width})",
                        hint="" if width == 16 else "build the layers with `units`, not a fixed width")
        if outputs is None:
            raise _Fail("returned None: return the block's output tensor")
    try:
        return keras.Model(inputs, outputs)
    except Exception:
        raise _Fail(f"returned a {type(outputs).__name__}: return the output tensor of layers.Add()([x, ...]), "
                    "computed from x") from None


_RELU_AFTER_SUM = "a ReLU follows the addition: the block returns x + F(x), with no activation after the sum"


def check_residual_block(residual_block: Callable[[Any, int], Any]) -> CheckResult:
    """Check a Functional residual block: x + W2·relu(W1·x + b1) + b2, at several widths. Introduced in 03."""

    def body(residual_block: Callable[[Any, int], Any]) -> str:
        rng = np.random.default_rng(8)
        initial_kernels = []
        for width in (16, 64):                          # 64 = RES_WIDTH, the width of 03's deep networks
            model = _block_model(residual_block, width)
            x = rng.normal(size=(5, width)).astype("float32")
            out = np.asarray(model(x))
            _expect_shape(out, (5, width), f"the block's output for a batch of 5 at width {width}",
                          "a residual block keeps the width")
            dense = _dense_layers(model)
            if len(dense) != 2:
                raise _Fail(f"the block has {len(dense)} Dense layer(s), expected 2: "
                            "Dense(units, activation='relu') then Dense(units)")
            initial_kernels.append((width, [np.asarray(layer.get_weights()[0]) for layer in dense]))
            shapes = [[w.shape for w in layer.get_weights()] for layer in dense]
            for layer, layer_shapes in zip(dense, shapes):   # with F's weights at zero, a residual block is the identity
                layer.set_weights([np.zeros(shape, dtype="float32") for shape in layer_shapes])
            identity = np.asarray(model(x))
            if np.allclose(identity, np.maximum(x, 0.0), atol=1e-6):
                raise _Fail(_RELU_AFTER_SUM)
            if not np.allclose(identity, x, atol=1e-6):
                raise _Fail("with F's weights at zero the output is not x: add the input to F(x) (layers.Add)")
            for layer, layer_shapes in zip(dense, shapes):
                layer.set_weights([rng.normal(0.0, 0.3, shape).astype("float32") for shape in layer_shapes])
            out = np.asarray(model(x))
            x64 = x.astype(np.float64)
            hidden = _dense_forward(dense[0], x64)
            expected = x64 + _dense_forward(dense[1], np.maximum(hidden, 0.0))
            if _close(out, expected, single=True):
                continue
            if _close(out, np.maximum(expected, 0.0), single=True):
                raise _Fail(_RELU_AFTER_SUM)
            if _close(out, x64 + np.maximum(_dense_forward(dense[1], np.maximum(hidden, 0.0)), 0.0), single=True):
                raise _Fail("the second Dense layer has an activation: F(x) = W2·relu(W1·x + b1) + b2 ends linear")
            if _close(out, x64 + _dense_forward(dense[1], hidden), single=True):
                raise _Fail("F has no ReLU between its Dense layers: use Dense(units, activation='relu') first")
            raise _Fail(f"the output differs from x + W2·relu(W1·x + b1) + b2 at width {width}: "
                        f"{_worst(out, expected, 'output')}")
        for width, (first, second) in initial_kernels:
            if np.any(second != 0):
                raise _Fail("the second Dense layer does not start at zero: use kernel_initializer='zeros', so that "
                            "every block starts as the identity")
            he = np.sqrt(2.0 / width)
            if not 0.75 * he < first.std() < 1.25 * he:
                raise _Fail(f"the first Dense layer's weights have std {first.std():.3f} at width {width}, He's rule "
                            f"gives {he:.3f}: use kernel_initializer='he_normal'")
        if len({id(layer) for layer in _dense_layers(_block_model(residual_block, 64, blocks=2))}) != 4:
            raise _Fail("two stacked blocks share their Dense layers: create new layers inside residual_block "
                        "on every call")
        return ("output = x + W2·relu(W1·x + b1) + b2 at widths 16 and 64, He start for W1, zero start for W2, "
                "new layers in every block")

    return _run("check_residual_block", body, residual_block)


# --- diagnosis: which initialization made these activations? ------------------------------------

SCHEMES = ("too small", "too large", "Glorot", "He")
_MYSTERY = {"A": "Glorot", "B": "too large", "C": "He", "D": "too small"}   # the answer of 03's diagnosis exercise
_SIGNS = {
    "too small": "its activations shrink by a large constant factor in every layer: weights far too small",
    "too large": "its activations grow by a constant factor in every layer: weights far too large",
    "Glorot": "its activations shrink slowly, by about √2 per layer: the variance ReLU halves is not made up",
    "He": "its activations keep the same scale in every layer: the factor 2/n makes up for ReLU",
}


def mystery_activation_stds(depth: int = 16, width: int = 128) -> dict[str, np.ndarray]:
    """Standard deviation of the activations in each of ``depth`` ReLU layers for four initializations, labelled A–D.

    Which initialization each label stands for is what 03's diagnosis exercise asks. Introduced in 03.
    """
    x = np.random.default_rng(3).normal(size=(500, 784))
    stds = {}
    for label, scheme in _MYSTERY.items():
        rng, h, out = np.random.default_rng(4), x, []
        for _ in range(depth):
            n = h.shape[1]
            std = {"too small": 0.01, "too large": 1.0, "Glorot": np.sqrt(2.0 / (n + width)),
                   "He": np.sqrt(2.0 / n)}[scheme]
            h = np.maximum(h @ rng.normal(0.0, std, size=(n, width)), 0.0)
            out.append(h.std())
        stds[label] = np.array(out)
    return stds


def name_the_initializations() -> dict[str, str]:
    """The answer of 03's diagnosis exercise: label -> initialization. Introduced in 03."""
    return dict(_MYSTERY)


REFERENCES = REFERENCES + (name_the_initializations,)


def check_name_the_initializations(name_the_initializations: Callable[[], dict]) -> CheckResult:
    """Check the learner's reading of the four mystery curves (label -> initialization). Introduced in 03."""
    return _check_labels("check_name_the_initializations", name_the_initializations, _MYSTERY, SCHEMES,
                         "initialization", _SIGNS, "all four right: too small and too large change the scale "
                         "exponentially, Glorot drifts, He holds")
