"""Exercise checkers. Introduced in 00.

Each ``check_*`` takes the learner's function, tries it on inputs the notebook did not show,
and returns a :class:`CheckResult` that displays as exactly one line::

    [PASS] check_sigmoid: all 7 inputs match to 1e-6
    [FAIL] check_softmax: rows do not sum to 1 (got [0.5 2. ]): normalise over the last axis

A checker never raises, so "Run All" keeps going; ``bool(result)`` tells whether it passed.
References are computed independently (other formulas, other code paths), never from
seed-dependent constants.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

NOT_ATTEMPTED = "not attempted yet: replace `raise NotImplementedError()` in the cell above with your code"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check: ``ok``, the checker's ``name`` and a one-line ``message``."""

    ok: bool
    name: str
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"[{'PASS' if self.ok else 'FAIL'}] {self.name}: {self.message}"


class _Fail(Exception):
    """Raised inside a checker to stop at the first problem found."""


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())  # no colour codes, no line breaks
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _run(name: str, body: Callable[[], str]) -> CheckResult:
    try:
        return CheckResult(True, name, body())
    except _Fail as failure:
        return CheckResult(False, name, _one_line(str(failure)))
    except NotImplementedError:
        return CheckResult(False, name, NOT_ATTEMPTED)
    except Exception as error:  # the learner's code raised: report it in one line
        return CheckResult(False, name, _one_line(f"your code raised {type(error).__name__}: {error}"))


def _array(value: Any, what: str) -> np.ndarray:
    if value is None:
        raise _Fail(f"{what} is None: did you forget `return`?")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _Fail(f"{what} is a {type(value).__name__}, expected an array of numbers") from None


def _fmt(values: np.ndarray) -> str:
    return np.array2string(np.round(np.asarray(values, dtype=float), 4), separator=", ", threshold=8)


def _expect_shape(out: np.ndarray, shape: tuple, what: str, hint: str = "") -> None:
    if out.shape != shape:
        raise _Fail(f"{what} has shape {out.shape}, expected {shape}{': ' + hint if hint else ''}")


def _expect_finite(out: np.ndarray, what: str, hint: str) -> None:
    if not np.all(np.isfinite(out)):
        raise _Fail(f"{what} contains NaN or inf: {hint}")


# --- 00 · Keras in ten minutes ---------------------------------------------------------------

def check_dense_param_count(dense_param_count: Callable[[int, int], int]) -> CheckResult:
    """Check ``dense_param_count(n_inputs, n_units)`` against Keras' own count. Introduced in 00."""

    def body() -> str:
        import keras

        cases = [(784, 128), (3, 1), (128, 10), (1, 1), (50, 7)]
        for n_inputs, n_units in cases:
            layer = keras.layers.Dense(n_units)
            layer.build((None, n_inputs))
            expected = layer.count_params()
            got = dense_param_count(n_inputs, n_units)
            if got is None:
                raise _Fail("returned None: did you forget `return`?")
            if got == n_inputs * n_units:
                raise _Fail(f"({n_inputs}, {n_units}) -> {got}: you counted the weights but not the biases")
            if got != expected:
                raise _Fail(f"({n_inputs}, {n_units}) -> {got}, expected {expected}: one weight per "
                            "input per unit, plus one bias per unit")
        return f"all {len(cases)} layer sizes match Keras' count_params()"

    return _run("check_dense_param_count", body)


def _dense_layers(model) -> list:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _activation_name(layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


def check_classifier(make_classifier: Callable[[], Any]) -> CheckResult:
    """Check a model for 28x28 images: one hidden Dense(128, relu), softmax over 10 classes. Introduced in 00."""

    def body() -> str:
        import keras

        model = make_classifier()
        if not isinstance(model, keras.Model):
            raise _Fail(f"returned a {type(model).__name__}, expected a keras.Model (e.g. keras.Sequential([...]))")
        images = np.random.default_rng(1).random((4, 28, 28)).astype("float32")
        try:
            out = np.asarray(model(images))
        except Exception:
            raise _Fail("the model cannot take a batch of shape (4, 28, 28): start with "
                        "keras.Input(shape=(28, 28)) and a Flatten layer") from None
        _expect_shape(out, (4, 10), "the output for 4 images", "end with a Dense layer of 10 units")
        if not np.allclose(out.sum(axis=1), 1.0, atol=1e-4) or np.any(out < 0):
            raise _Fail("outputs are not probabilities (rows should sum to 1): use activation='softmax' at the end")
        dense = _dense_layers(model)
        hidden = [layer for layer in dense[:-1] if layer.units == 128]
        if len(dense) != 2 or not hidden:
            sizes = [layer.units for layer in dense]
            raise _Fail(f"Dense layers of sizes {sizes}, expected [128, 10]")
        if _activation_name(hidden[0]) != "relu":
            raise _Fail(f"the hidden layer uses '{_activation_name(hidden[0])}', expected 'relu'")
        if model.count_params() != 101_770:
            raise _Fail(f"{model.count_params():,} parameters, expected 101,770")
        return "28x28 -> Dense(128, relu) -> Dense(10, softmax), 101,770 parameters"

    return _run("check_classifier", body)


def check_two_input_model(make_two_input_model: Callable[[], Any]) -> CheckResult:
    """Check a Functional model with inputs (28, 28) and (2,) and 10 softmax outputs. Introduced in 00."""

    def body() -> str:
        import keras

        model = make_two_input_model()
        if not isinstance(model, keras.Model):
            raise _Fail(f"returned a {type(model).__name__}, expected a keras.Model")
        if len(model.inputs) != 2:
            raise _Fail(f"the model has {len(model.inputs)} input(s), expected 2: keras.Model(inputs=[a, b], ...)")
        shapes = sorted(tuple(t.shape[1:]) for t in model.inputs)
        if shapes != [(2,), (28, 28)]:
            raise _Fail(f"input shapes {shapes}, expected (28, 28) and (2,)")
        rng = np.random.default_rng(2)
        images = rng.random((3, 28, 28)).astype("float32")
        extra = rng.random((3, 2)).astype("float32")

        def predict(img: np.ndarray, ext: np.ndarray) -> np.ndarray:
            feeds = [img if tuple(t.shape[1:]) == (28, 28) else ext for t in model.inputs]
            return np.asarray(model(feeds))

        out = predict(images, extra)
        _expect_shape(out, (3, 10), "the output for 3 examples", "end with Dense(10, activation='softmax')")
        if not np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
            raise _Fail("outputs do not sum to 1: use activation='softmax' at the end")
        if np.allclose(predict(images, extra + 5.0), out, atol=1e-6):
            raise _Fail("changing the (2,) input does not change the output: concatenate it with the image features")
        if np.allclose(predict(np.zeros_like(images), extra), out, atol=1e-6):
            raise _Fail("the image does not change the output: feed the flattened image into the model")
        return "two inputs, (28, 28) and (2,), both used, 10 probabilities out"

    return _run("check_two_input_model", body)


# --- 01 · Logistic regression -----------------------------------------------------------------

def check_sigmoid(sigmoid: Callable[[np.ndarray], np.ndarray]) -> CheckResult:
    """Check an element-wise logistic sigmoid, including very large |z|. Introduced in 01."""

    def body() -> str:
        z = np.array([-800.0, -30.0, -2.0, 0.0, 0.5, 2.0, 800.0])
        with np.errstate(all="ignore"):
            out = _array(sigmoid(z.copy()), "sigmoid(z)")
        _expect_shape(out, z.shape, "sigmoid(z)", "work element-wise, e.g. with np.exp")
        _expect_finite(out, "sigmoid(z) for z = ±800", "avoid exp() of large positive numbers (use np.exp(-np.abs(z)))")
        expected = 0.5 * (1.0 + np.tanh(z / 2.0))  # the same function, written differently
        if np.allclose(out, 1.0 - expected, atol=1e-6):
            raise _Fail("got 1 - σ(z): the sign of z in exp(-z) is flipped")
        if not np.allclose(out, expected, atol=1e-6):
            raise _Fail(f"got {_fmt(out)}, expected {_fmt(expected)}")
        return f"all {z.size} inputs match to 1e-6, including z = ±800"

    return _run("check_sigmoid", body)


def _reference_bce_logits(y: np.ndarray, z: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, z) - y * z))  # log(1 + e^z) - y z


def check_bce_from_logits(bce_from_logits: Callable[[np.ndarray, np.ndarray], float]) -> CheckResult:
    """Check mean binary cross-entropy computed from logits z, stable for |z| up to 1000. Introduced in 01."""

    def body() -> str:
        rng = np.random.default_rng(3)
        cases = [
            (np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, -0.5, 0.3])),
            (rng.integers(0, 2, 50).astype(float), rng.normal(0, 3, 50)),
            (np.array([1.0, 0.0, 0.0, 1.0]), np.array([1000.0, -1000.0, 1000.0, -1000.0])),
        ]
        for y, z in cases:
            with np.errstate(all="ignore"):
                got = _array(bce_from_logits(y.copy(), z.copy()), "your loss")
            if got.shape != ():
                raise _Fail(f"returned shape {got.shape}: return the mean over examples, a single number")
            expected = _reference_bce_logits(y, z)
            if not np.isfinite(got):
                raise _Fail(f"NaN/inf for logits of ±1000: rewrite log σ(z) as -log(1 + e^-z) and use np.logaddexp")
            if got < 0:
                raise _Fail(f"got a negative loss ({float(got):.4g}): cross-entropy is -mean(log p), mind the sign")
            if np.isclose(got, expected * y.size, rtol=1e-6) and y.size > 1:
                raise _Fail("got the sum over examples: return the mean")
            if np.isclose(got, _reference_bce_logits(1 - y, z), rtol=1e-6) and not np.isclose(got, expected):
                raise _Fail("y and 1 - y are swapped: the y = 1 term is -log σ(z)")
            if not np.isclose(got, expected, rtol=1e-6, atol=1e-9):
                raise _Fail(f"got {float(got):.6g}, expected {expected:.6g} for y = {_fmt(y)}, z = {_fmt(z)}")
        return "matches the reference on 3 batches, stable for z = ±1000"

    return _run("check_bce_from_logits", body)


def check_gradient_step(gradient_step: Callable[..., tuple]) -> CheckResult:
    """Check one full-batch gradient-descent step of logistic regression on mean BCE. Introduced in 01."""

    def body() -> str:
        rng = np.random.default_rng(4)
        X = rng.normal(size=(20, 3))
        y = (rng.random(20) < 0.5).astype(float)
        w, b, lr = rng.normal(size=3), 0.3, 0.5
        out = gradient_step(w.copy(), b, X.copy(), y.copy(), lr)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Fail("return the pair (w_new, b_new)")
        w_new, b_new = _array(out[0], "w_new"), _array(out[1], "b_new")
        _expect_shape(w_new, w.shape, "w_new", "the gradient has one entry per weight: X.T @ (p - y) / n")
        if b_new.size != 1:
            raise _Fail(f"b_new has {b_new.size} values, expected one number: average (p - y) over examples")
        p = 0.5 * (1 + np.tanh((X @ w + b) / 2))
        grad_w, grad_b = X.T @ (p - y) / len(y), float(np.mean(p - y))
        if np.allclose(w_new, w + lr * grad_w):
            raise _Fail("the step goes uphill: subtract the gradient (θ := θ - α ∇F)")
        if np.allclose(w_new, w - lr * grad_w * len(y)):
            raise _Fail(f"the step is {len(y)}x too long: divide the summed gradient by the number of examples")
        if not np.allclose(w_new, w - lr * grad_w, atol=1e-8):
            raise _Fail(f"w_new = {_fmt(w_new)}, expected {_fmt(w - lr * grad_w)}")
        if not np.isclose(float(b_new.ravel()[0]), b - lr * grad_b, atol=1e-8):
            raise _Fail(f"b_new = {float(b_new.ravel()[0]):.6g}, expected {b - lr * grad_b:.6g}: ∂F/∂b = mean(p - y)")
        return "w and b match the reference step on 20 random examples"

    return _run("check_gradient_step", body)


def check_softmax(softmax: Callable[[np.ndarray], np.ndarray]) -> CheckResult:
    """Check a row-wise softmax over the last axis, stable for logits of 1000. Introduced in 01."""

    def body() -> str:
        z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0], [-5.0, 5.0, 0.5]])
        with np.errstate(all="ignore"):
            out = _array(softmax(z.copy()), "softmax(z)")
        _expect_shape(out, z.shape, "softmax(z)", "one probability per class for every row")
        _expect_finite(out, "softmax(z) for logits of 1000", "subtract each row's maximum before exp (the result is the same)")
        expected = np.exp(z - z.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
        if not np.allclose(out.sum(axis=1), 1.0, atol=1e-6):
            raise _Fail(f"rows do not sum to 1 (got {_fmt(out.sum(axis=1))}): normalise over the last axis (axis=-1)")
        if not np.allclose(out, expected, atol=1e-6):
            raise _Fail(f"got {_fmt(out[0])} for the first row, expected {_fmt(expected[0])}")
        return "4 rows match, each sums to 1, stable for logits of 1000"

    return _run("check_softmax", body)
