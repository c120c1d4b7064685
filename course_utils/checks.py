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


# --- 02 · Multilayer perceptrons ----------------------------------------------------------------

def check_dense_backward(dense_backward: Callable[..., tuple]) -> CheckResult:
    """Check the backward pass of y = x @ W + b: returns (dx, dW, db) from the upstream gradient. Introduced in 02."""

    def body() -> str:
        rng = np.random.default_rng(5)
        x, W = rng.normal(size=(6, 4)), rng.normal(size=(4, 3))
        upstream = rng.normal(size=(6, 3))          # ∂L/∂y for a batch of 6
        out = dense_backward(upstream.copy(), x.copy(), W.copy())
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise _Fail("return the triple (dx, dW, db)")
        dx, dW, db = (_array(v, name) for v, name in zip(out, ("dx", "dW", "db")))
        if dW.shape == (3, 4) and np.allclose(dW, (x.T @ upstream).T):
            raise _Fail("dW is transposed: it must have W's shape (4, 3), i.e. x.T @ upstream")
        _expect_shape(dx, x.shape, "dx", "dx has x's shape: upstream @ W.T")
        _expect_shape(dW, W.shape, "dW", "dW has W's shape: x.T @ upstream")
        if db.shape != (3,):
            raise _Fail(f"db has shape {db.shape}, expected (3,): sum the upstream gradient over the batch (axis=0)")
        if np.allclose(db, upstream.mean(axis=0)):
            raise _Fail("db is the mean over the batch: the loss gradient already carries 1/N, so sum (axis=0)")
        for got, expected, name in ((dx, upstream @ W.T, "dx"), (dW, x.T @ upstream, "dW"),
                                    (db, upstream.sum(axis=0), "db")):
            if not np.allclose(got, expected, atol=1e-8):
                raise _Fail(f"{name} differs from the chain rule's result (first entries {_fmt(got.ravel()[:3])}, "
                            f"expected {_fmt(expected.ravel()[:3])})")
        return "dx, dW and db match the chain rule for a batch of 6"

    return _run("check_dense_backward", body)


def check_momentum_step(momentum_step: Callable[..., tuple]) -> CheckResult:
    """Check v := βv − α∇F, θ := θ + v (SGD with momentum, as in Keras). Introduced in 02."""

    def body() -> str:
        rng = np.random.default_rng(6)
        theta, velocity, grad = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
        lr, beta = 0.1, 0.9
        out = momentum_step(theta.copy(), velocity.copy(), grad.copy(), lr, beta)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Fail("return the pair (theta_new, velocity_new)")
        theta_new, velocity_new = _array(out[0], "theta_new"), _array(out[1], "velocity_new")
        _expect_shape(theta_new, theta.shape, "theta_new")
        expected_v = beta * velocity - lr * grad
        if np.allclose(velocity_new, beta * velocity + lr * grad):
            raise _Fail("the velocity moves uphill: v := βv − α∇F (minus the gradient)")
        if np.allclose(velocity_new, -lr * grad):
            raise _Fail("the old velocity is forgotten: keep β times it (v := βv − α∇F)")
        if not np.allclose(velocity_new, expected_v):
            raise _Fail(f"velocity_new = {_fmt(velocity_new)}, expected {_fmt(expected_v)}")
        if not np.allclose(theta_new, theta + expected_v):
            raise _Fail("theta_new should be theta + velocity_new (the new velocity, not the old one)")
        return "velocity and parameters match v := βv − α∇F, θ := θ + v"

    return _run("check_momentum_step", body)


def check_adam_step(adam_step: Callable[..., tuple]) -> CheckResult:
    """Check one Adam update with bias correction (Kingma & Ba 2015, Algorithm 1). Introduced in 02."""

    def body() -> str:
        rng = np.random.default_rng(7)
        theta, m, v = rng.normal(size=5), rng.normal(size=5) * 0.1, rng.random(5) * 0.1
        grad, t = rng.normal(size=5), 3
        lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-7
        out = adam_step(theta.copy(), m.copy(), v.copy(), grad.copy(), t, lr, beta1, beta2, eps)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise _Fail("return the triple (theta_new, m_new, v_new)")
        theta_new, m_new, v_new = (_array(value, name) for value, name in zip(out, ("theta_new", "m_new", "v_new")))
        m_ref = beta1 * m + (1 - beta1) * grad
        v_ref = beta2 * v + (1 - beta2) * grad ** 2
        if not np.allclose(m_new, m_ref):
            raise _Fail(f"m_new = {_fmt(m_new)}, expected β1·m + (1 − β1)·g = {_fmt(m_ref)}")
        if not np.allclose(v_new, v_ref):
            raise _Fail(f"v_new differs from β2·v + (1 − β2)·g² (square the gradient element-wise)")
        m_hat, v_hat = m_ref / (1 - beta1 ** t), v_ref / (1 - beta2 ** t)
        expected = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        if np.allclose(theta_new, theta - lr * m_ref / (np.sqrt(v_ref) + eps)):
            raise _Fail("no bias correction: divide m by (1 − β1^t) and v by (1 − β2^t) before the step")
        if np.allclose(theta_new, theta + lr * m_hat / (np.sqrt(v_hat) + eps)):
            raise _Fail("the step goes uphill: θ := θ − α m̂ / (√v̂ + ε)")
        if not np.allclose(theta_new, expected):
            raise _Fail(f"theta_new = {_fmt(theta_new)}, expected {_fmt(expected)}")
        return "m, v and θ match Adam with bias correction at step t = 3"

    return _run("check_adam_step", body)


# --- 03 · Initialization ---------------------------------------------------------------------------

def _check_std(name: str, fn: Callable[..., float], args_list: list[tuple], reference: Callable[..., float],
               wrong: list[tuple[Callable[..., float], str]]) -> CheckResult:
    def body() -> str:
        for args in args_list:
            got = fn(*args)
            if got is None:
                raise _Fail("returned None: did you forget `return`?")
            got = float(got)
            expected = reference(*args)
            if np.isclose(got, expected, rtol=1e-6):
                continue
            for formula, hint in wrong:
                if np.isclose(got, formula(*args), rtol=1e-6):
                    raise _Fail(f"{args} -> {got:.4g}: {hint}")
            raise _Fail(f"{args} -> {got:.4g}, expected {expected:.4g}")
        return f"all {len(args_list)} layer shapes give the right standard deviation"

    return _run(name, body)


def check_glorot_std(glorot_std: Callable[[int, int], float]) -> CheckResult:
    """Check the Glorot/Xavier normal standard deviation √(2 / (fan_in + fan_out)). Introduced in 03."""
    return _check_std("check_glorot_std", glorot_std, [(784, 256), (256, 256), (100, 10), (1, 1)],
                      lambda i, o: np.sqrt(2 / (i + o)),
                      [(lambda i, o: 2 / (i + o), "that is the variance: return its square root"),
                       (lambda i, o: np.sqrt(1 / i), "that is LeCun's √(1/fan_in): Glorot averages fan_in and fan_out"),
                       (lambda i, o: np.sqrt(1 / (i + o)), "the variance is 2 / (fan_in + fan_out), not 1 / (…)")])


def check_he_std(he_std: Callable[[int], float]) -> CheckResult:
    """Check the He normal standard deviation √(2 / fan_in). Introduced in 03."""
    return _check_std("check_he_std", he_std, [(784,), (256,), (10,), (1,)], lambda i: np.sqrt(2 / i),
                      [(lambda i: 2 / i, "that is the variance: return its square root"),
                       (lambda i: np.sqrt(1 / i), "that is √(1/fan_in): ReLU zeroes half the inputs, so He doubles it")])


def check_residual_block(residual_block: Callable[[Any, int], Any]) -> CheckResult:
    """Check a Functional residual block: output = x + F(x), same width as x. Introduced in 03."""

    def body() -> str:
        import keras

        inputs = keras.Input(shape=(16,))
        outputs = residual_block(inputs, 16)
        if outputs is None:
            raise _Fail("returned None: return the block's output tensor")
        model = keras.Model(inputs, outputs)
        x = np.random.default_rng(8).normal(size=(5, 16)).astype("float32")
        out = np.asarray(model(x))
        _expect_shape(out, (5, 16), "the block's output for a batch of 5", "a residual block keeps the width")
        dense = _dense_layers(model)
        if not dense:
            raise _Fail("the block has no Dense layer: F(x) should be Dense(relu) then Dense")
        for layer in dense:  # with F's weights at zero, a residual block is the identity
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        if not np.allclose(np.asarray(model(x)), x, atol=1e-6):
            raise _Fail("with F's weights at zero the output is not x: add the input to F(x) (layers.Add)")
        return "output = x + F(x), width kept"

    return _run("check_residual_block", body)


# --- 04 · Regularization ------------------------------------------------------------------------

def check_l2_penalty(l2_penalty: Callable[..., float]) -> CheckResult:
    """Check λ/(2n) Σ‖W‖²_F over a list of weight matrices. Introduced in 04."""

    def body() -> str:
        rng = np.random.default_rng(9)
        weights = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
        lam, n = 0.1, 50
        got = _array(l2_penalty([w.copy() for w in weights], lam, n), "the penalty")
        if got.shape != ():
            raise _Fail(f"returned shape {got.shape}: sum everything into one number")
        squares = sum(float(np.sum(w ** 2)) for w in weights)
        expected = lam / (2 * n) * squares
        if np.isclose(got, lam / (2 * n) * sum(float(np.sqrt(np.sum(w ** 2))) for w in weights)):
            raise _Fail("the Frobenius norm is squared in the penalty: sum the squared weights")
        if np.isclose(got, lam * squares):
            raise _Fail("missing the 1/(2n) factor: λ/(2n) Σ‖W‖²")
        if np.isclose(got, lam / (2 * n) * float(np.sum(weights[-1] ** 2))):
            raise _Fail("only the last matrix counted: sum over every layer's weights")
        if not np.isclose(got, expected):
            raise _Fail(f"got {float(got):.6g}, expected {expected:.6g}")
        return "matches λ/(2n) Σ‖W‖²_F on two layers"

    return _run("check_l2_penalty", body)


def check_inverted_dropout(inverted_dropout: Callable[..., np.ndarray]) -> CheckResult:
    """Check inverted dropout: zero a fraction `rate` in training, scale the rest by 1/(1−rate). Introduced in 04."""

    def body() -> str:
        x = np.random.default_rng(10).random((200, 500)) + 0.5
        rate = 0.3
        same = _array(inverted_dropout(x.copy(), rate, False, np.random.default_rng(0)), "the inference output")
        if not np.allclose(same, x):
            raise _Fail("at inference (training=False) dropout must return x unchanged")
        out = _array(inverted_dropout(x.copy(), rate, True, np.random.default_rng(0)), "the training output")
        _expect_shape(out, x.shape, "the training output")
        dropped = np.mean(out == 0)
        if abs(dropped - rate) > 0.02:
            if abs(dropped - (1 - rate)) < 0.02:
                raise _Fail(f"{dropped:.0%} of the units are zeroed: `rate` is the fraction to DROP, not to keep")
            raise _Fail(f"{dropped:.0%} of the units are zeroed, expected about {rate:.0%}")
        kept = out != 0
        if np.allclose(out[kept], x[kept]):
            raise _Fail("the kept units are not scaled: divide them by (1 − rate) so the mean stays the same")
        if not np.allclose(out[kept], x[kept] / (1 - rate)):
            raise _Fail("the kept units should be x / (1 − rate)")
        return f"{dropped:.1%} zeroed at rate {rate}, survivors scaled by 1/(1 − rate), identity at inference"

    return _run("check_inverted_dropout", body)


def check_batchnorm_train(batchnorm_train: Callable[..., np.ndarray]) -> CheckResult:
    """Check batch normalization in training mode: per feature, over the batch axis. Introduced in 04."""

    def body() -> str:
        rng = np.random.default_rng(11)
        x = rng.normal(3.0, 2.0, size=(32, 5))
        x[:, 4] = 7.0                                  # a constant feature: only ε avoids 0/0
        gamma, beta, eps = rng.random(5) + 0.5, rng.normal(size=5), 1e-3
        with np.errstate(all="ignore"):
            out = _array(batchnorm_train(x.copy(), gamma.copy(), beta.copy(), eps), "the output")
        _expect_shape(out, x.shape, "the output")
        _expect_finite(out, "the output for a constant feature", "add ε to the variance before the square root")
        mean, var = x.mean(axis=0), x.var(axis=0)
        expected = gamma * (x - mean) / np.sqrt(var + eps) + beta
        across = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)
        if np.allclose(out, gamma * across + beta):
            raise _Fail("normalised each example across features (that is layer norm): use axis=0, the batch")
        if np.allclose(out, (x - mean) / np.sqrt(var + eps)):
            raise _Fail("γ and β are not applied: return γ·x̂ + β")
        if not np.allclose(out, expected, atol=1e-6):
            raise _Fail(f"first row {_fmt(out[0])}, expected {_fmt(expected[0])}")
        return "μ_B, σ²_B, x̂ and γx̂ + β match on a batch of 32"

    return _run("check_batchnorm_train", body)
