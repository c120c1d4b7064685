"""Checkers and reference versions for 03 · Initialization. Introduced in 03."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _close, _dense_forward, _dense_layers, _expect_shape, _Fail, _g, _number,
                   _run, _worst)


# --- reference versions (the worked solutions) ---------------------------------------------------

def glorot_std(fan_in: int, fan_out: int) -> float:
    """Standard deviation of Glorot's normal initialization, √(2 / (fan_in + fan_out)). Introduced in 03."""
    return np.sqrt(2.0 / (fan_in + fan_out))


def he_std(fan_in: int) -> float:
    """Standard deviation of He's normal initialization, √(2 / fan_in). Introduced in 03."""
    return np.sqrt(2.0 / fan_in)


def residual_block(x: Any, units: int) -> Any:
    """x + F(x) with F = Dense(units) after Dense(units, relu), for a (batch, units) Keras tensor. Introduced in 03."""
    from keras import layers

    correction = layers.Dense(units)(layers.Dense(units, activation="relu")(x))   # F(x)
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
        if len({id(layer) for layer in _dense_layers(_block_model(residual_block, 64, blocks=2))}) != 4:
            raise _Fail("two stacked blocks share their Dense layers: create new layers inside residual_block "
                        "on every call")
        return "output = x + W2·relu(W1·x + b1) + b2 at widths 16 and 64, new layers in every block"

    return _run("check_residual_block", body, residual_block)
