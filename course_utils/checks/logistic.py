"""Checkers and reference versions for 01 · Logistic regression. Introduced in 01."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _close, _expect_finite, _expect_shape, _Fail, _g, _ndarray, _number, _run,
                   _single, _strict, _worst, _worst_index)


# --- reference versions (the worked solutions) ---------------------------------------------------

def sigmoid(z: Any) -> np.ndarray:
    """Element-wise logistic sigmoid, without overflow for any z. Introduced in 01."""
    z = np.asarray(z)
    e = np.exp(-np.abs(z))                       # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce_from_logits(y: Any, z: Any) -> float:
    """Mean binary cross-entropy (nats) of labels y in {0, 1} given logits z of the same shape. Introduced in 01."""
    y, z = np.asarray(y), np.asarray(z)
    return np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))


def gradient_step(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, learning_rate: float) -> tuple:
    """One gradient-descent step on the mean BCE of logistic regression: returns (w_new, b_new). Introduced in 01."""
    z = X @ w + b                                  # (N,) pre-activations
    p = 0.5 * (1.0 + np.tanh(z / 2.0))             # σ(z), stable for any z
    error = p - y                                  # ∂L/∂z for every example
    grad_w = X.T @ error / len(y)                  # (d,)
    grad_b = np.mean(error)
    return w - learning_rate * grad_w, b - learning_rate * grad_b


def softmax(z: Any) -> np.ndarray:
    """Probabilities over the last axis of the logits z, shape (..., C), stable for large logits. Introduced in 01."""
    z = np.asarray(z)
    shifted = z - np.max(z, axis=-1, keepdims=True)   # the largest logit becomes 0: exp cannot overflow
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


REFERENCES = (sigmoid, bce_from_logits, gradient_step, softmax)


# --- checkers ------------------------------------------------------------------------------------

def _described(z: np.ndarray) -> str:
    return f"for z of shape {z.shape}" + (" (float32)" if z.dtype == np.float32 else "")


_SIGMOID_HINT = ("exp() of a large number overflows, even in a branch that np.where discards: "
                 "use e = np.exp(-np.abs(z)), always in (0, 1]")


def check_sigmoid(sigmoid: Callable[[np.ndarray], np.ndarray]) -> CheckResult:
    """Check an element-wise logistic sigmoid on arrays of any shape, warning-free for |z| up to 1000. Introduced in 01."""

    def body(sigmoid: Callable[[np.ndarray], np.ndarray]) -> str:
        rng = np.random.default_rng(12)
        cases = [
            np.array([-30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0]),       # no formula overflows here
            np.array([-800.0, -30.0, -2.0, 0.0, 0.5, 2.0, 800.0]),
            np.array([[-1000.0, -5.0, -1e-3], [1e-3, 5.0, 1000.0]]),
            np.array(-1000.0),                                         # 0-d, as in 01's log(sigmoid(-1000))
            np.append(rng.normal(0.0, 10.0, 10), [-800.0, 800.0]).astype(np.float32).reshape(3, 4),
        ]
        for z in cases:
            context = _described(z)
            with _strict(_SIGMOID_HINT, context):
                raw = _call(sigmoid, z, context=context, hint="work element-wise on the whole array")
            out = _ndarray(raw, "sigmoid(z)", z.shape)
            _expect_shape(out, z.shape, f"sigmoid(z) {context}", "work element-wise, e.g. with np.exp")
            _expect_finite(out, f"sigmoid(z) {context}", "avoid exp() of large positive numbers")
            expected = 0.5 * (1.0 + np.tanh(z.astype(np.float64) / 2.0))  # the same function, written differently
            single = _single(z, out)
            if _close(out, 1.0 - expected, single):
                raise _Fail("got 1 - σ(z): the sign of z in exp(-z) is flipped")
            if not _close(out, expected, single):
                index = _worst_index(out, expected)
                raise _Fail(f"sigmoid({_g(z[index])}) = {_g(out[index])}, expected {_g(expected[index])} {context}")
        return "matches on 1-D, 2-D, 0-d and float32 arrays, no overflow warning for z up to ±1000"

    return _run("check_sigmoid", body, sigmoid)


def _reference_bce(y: np.ndarray, z: np.ndarray) -> float:
    y, z = y.astype(np.float64), z.astype(np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))  # log(1 + e^z) - y z


_BCE_HINT = "never form σ(z) or exp(z): -log σ(z) = np.logaddexp(0, -z), -log(1 - σ(z)) = np.logaddexp(0, z)"


def check_bce_from_logits(bce_from_logits: Callable[[np.ndarray, np.ndarray], float]) -> CheckResult:
    """Check mean binary cross-entropy computed from logits z, warning-free for |z| up to 1000. Introduced in 01."""

    def body(bce_from_logits: Callable[[np.ndarray, np.ndarray], float]) -> str:
        rng = np.random.default_rng(3)
        cases = [
            (np.array([1.0, 0.0, 1.0, 0.0]), np.array([2.0, -1.0, -0.5, 0.3])),
            (rng.integers(0, 2, 50).astype(float), rng.normal(0, 3, 50)),
            (np.array([1.0]), np.array([-3.0])),
            (rng.integers(0, 2, 64).astype(np.float32), rng.normal(0, 5, 64).astype(np.float32)),
            (np.array([1.0, 0.0, 0.0, 1.0]), np.array([1000.0, -1000.0, 1000.0, -1000.0])),
        ]
        for y, z in cases:
            context = f"for {y.size} example(s)" + (" (float32)" if z.dtype == np.float32 else "")
            if np.abs(z).max() >= 1000:
                context += " with logits of ±1000"
            with _strict(_BCE_HINT, context):
                raw = _call(bce_from_logits, y, z, context=context)
            got = _number(raw, "your loss", "return the mean over examples, a single number")
            expected = _reference_bce(y, z)
            if not np.isfinite(got):
                raise _Fail(f"the loss is {got} {context}: {_BCE_HINT}")
            if got < 0:
                raise _Fail(f"got a negative loss ({_g(got)}): cross-entropy is -mean(log p), mind the sign")
            single = _single(y, z, raw)
            if y.size > 1 and _close(got, expected * y.size, single):
                raise _Fail("got the sum over examples: return the mean")
            if _close(got, _reference_bce(1 - y, z), single) and not _close(got, expected, single):
                raise _Fail("y and 1 - y are swapped: the y = 1 term is -log σ(z)")
            if not _close(got, expected, single):
                raise _Fail(f"got {_g(got)}, expected {_g(expected)} {context}")
        return "matches the reference on 5 batches (1 to 64 examples, float64 and float32), stable for z = ±1000"

    return _run("check_bce_from_logits", body, bce_from_logits)


def _step_hint(step: np.ndarray, gradient: np.ndarray, learning_rate: float, n: int, single: bool) -> str | None:
    """Name the mistake when w moved along the gradient by the wrong amount, else None."""
    scale = float(step @ gradient) / float(gradient @ gradient)
    if np.linalg.norm(step - scale * gradient) > (1e-4 if single else 1e-7) * max(np.linalg.norm(step), 1e-12):
        return None
    if np.isclose(scale, -learning_rate, rtol=1e-4):
        return "the step goes uphill: subtract the gradient (θ := θ - α ∇F)"
    if n > 1 and np.isclose(scale, learning_rate * n, rtol=1e-4):
        return f"the step is {n}x too long: divide the summed gradient by the number of examples"
    return (f"w moved by {_g(scale)}·∇F instead of learning_rate·∇F = {_g(learning_rate)}·∇F: use the "
            "`learning_rate` argument and the mean gradient (divide by N = len(y))")


def check_gradient_step(gradient_step: Callable[..., tuple]) -> CheckResult:
    """Check one full-batch gradient-descent step of logistic regression on mean BCE. Introduced in 01."""

    def body(gradient_step: Callable[..., tuple]) -> str:
        rng = np.random.default_rng(4)
        cases = [(20, 3, 0.5, np.float64), (1, 4, 0.1, np.float64), (7, 2, 1.0, np.float64),
                 (64, 784, 0.1, np.float32)]       # the last like 01's mini-batches of MNIST pixels
        for n, d, learning_rate, dtype in cases:
            if dtype == np.float32:
                X, w, b = rng.random((n, d)).astype(dtype), rng.normal(0, 0.01, d).astype(dtype), 0.1
            else:
                X, w, b = rng.normal(size=(n, d)), rng.normal(size=d), 0.3
            y = (rng.random(n) < 0.5).astype(dtype)
            context = f"for N = {n}, d = {d}, learning_rate = {learning_rate}{' (float32)' if dtype == np.float32 else ''}"
            out = _call(gradient_step, w, b, X, y, learning_rate, context=context)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise _Fail("return the pair (w_new, b_new)")
            w_new = _ndarray(out[0], "w_new")
            _expect_shape(w_new, w.shape, "w_new", "the gradient has one entry per weight: X.T @ (p - y) / N")
            if isinstance(out[1], np.ndarray) and out[1].size == 1:
                b_new = float(out[1].ravel()[0])
            else:
                b_new = _number(out[1], "b_new", "∂F/∂b is one number: average (p - y) over examples")
            X64, w64 = X.astype(np.float64), w.astype(np.float64)
            p = 0.5 * (1 + np.tanh((X64 @ w64 + b) / 2))
            grad_w, grad_b = X64.T @ (p - y) / n, float(np.mean(p - y))
            single = _single(X, w_new)
            if not _close(w_new, w64 - learning_rate * grad_w, single):
                hint = _step_hint(w64 - w_new, grad_w, learning_rate, n, single)
                raise _Fail(f"{context}: {hint or _worst(w_new, w64 - learning_rate * grad_w, 'w_new')}")
            if not _close(b_new, b - learning_rate * grad_b, single):
                raise _Fail(f"{context}: b_new = {_g(b_new)}, expected {_g(b - learning_rate * grad_b)}: "
                            "∂F/∂b = mean(p - y)")
        return "w and b match the reference step for N = 1, 7, 20 and 64 (float32) and 3 learning rates"

    return _run("check_gradient_step", body, gradient_step)


_SOFTMAX_HINT = "subtract each row's maximum, np.max(z, axis=-1, keepdims=True), before np.exp"


def check_softmax(softmax: Callable[[np.ndarray], np.ndarray]) -> CheckResult:
    """Check a softmax over the last axis for logits of any shape, stable for logits of 1000. Introduced in 01."""

    def body(softmax: Callable[[np.ndarray], np.ndarray]) -> str:
        rng = np.random.default_rng(13)
        cases = [
            rng.normal(0.0, 2.0, (3, 4)),
            np.array([2.0, 1.0, 0.0]),                                  # one example, as in 01
            np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0], [-5.0, 5.0, 0.5]]),
            rng.normal(0.0, 20.0, (6, 10)).astype(np.float32),         # (n, 10) float32 logits, as in 01
            rng.normal(0.0, 3.0, (2, 3, 4)),
        ]
        for z in cases:
            context = _described(z)
            with _strict(_SOFTMAX_HINT, context):
                raw = _call(softmax, z, context=context,
                            hint="use axis=-1 with keepdims=True so that any number of leading axes works")
            out = _ndarray(raw, "softmax(z)")
            _expect_shape(out, z.shape, f"softmax(z) {context}", "one probability per class for every row")
            _expect_finite(out, f"softmax(z) {context}", _SOFTMAX_HINT)
            single = _single(z, out)
            sums = out.sum(axis=-1)
            if not _close(sums, np.ones_like(sums), single):
                index = _worst_index(sums, np.ones_like(sums))
                row = index[0] if len(index) == 1 else index
                raise _Fail(f"rows do not sum to 1 (row {row} {context} sums to {_g(sums[index])}): "
                            "normalise over the last axis (axis=-1)")
            z64 = z.astype(np.float64)
            expected = np.exp(z64 - z64.max(axis=-1, keepdims=True))
            expected /= expected.sum(axis=-1, keepdims=True)
            if not _close(out, expected, single):
                raise _Fail(f"{_worst(out, expected, 'softmax(z)')} {context}")
        return "matches on 1-D, 2-D, 3-D and float32 logits, rows sum to 1, stable for logits of ±1000"

    return _run("check_softmax", body, softmax)


# --- tuning: the learning rate of full-batch gradient descent -------------------------------------

def choose_learning_rate() -> float:
    """The course's α for 01's tuning exercise: fast enough to get below 0.2 in 50 steps, never overshooting. Introduced in 01."""
    return 0.2


REFERENCES = REFERENCES + (choose_learning_rate,)
_TUNING = {"digits": (3, 5), "n": 2_000, "steps": 50, "target": 0.2}


@lru_cache(maxsize=1)
def _tuning_data() -> tuple[np.ndarray, np.ndarray]:
    from ..data import load_mnist

    (images, labels), _ = load_mnist()
    pair = np.isin(labels, _TUNING["digits"])
    X = images[pair][: _TUNING["n"]].reshape(-1, 784) / 255.0
    return X, (labels[pair][: _TUNING["n"]] == _TUNING["digits"][1]).astype(float)


def _full_batch_losses(learning_rate: float) -> np.ndarray:
    """The mean cross-entropy before and after each of the full-batch gradient-descent steps from θ = 0."""
    X, y = _tuning_data()
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for step in range(_TUNING["steps"] + 1):
        z = X @ w + b
        losses.append(float(np.mean(np.logaddexp(0.0, z) - y * z)))
        if step < _TUNING["steps"]:
            error = 0.5 * (1.0 + np.tanh(z / 2.0)) - y            # σ(z) − y
            w, b = w - learning_rate * X.T @ error / len(y), b - learning_rate * float(np.mean(error))
    return np.array(losses)


def check_learning_rate(choose_learning_rate: Callable[[], float]) -> CheckResult:
    """Run 50 full-batch steps with the learner's α: the loss must fall at every step and end below 0.2. Introduced in 01."""

    def body(choose_learning_rate: Callable[[], float]) -> str:
        alpha = _number(_call(choose_learning_rate), "α", "return one number, e.g. 0.01")
        if not np.isfinite(alpha) or alpha <= 0:
            raise _Fail(f"α = {_g(alpha)}: a learning rate is a positive number")
        with np.errstate(over="ignore", invalid="ignore"):
            losses = _full_batch_losses(alpha)
        steps, target = _TUNING["steps"], _TUNING["target"]
        rises = np.flatnonzero(~(np.diff(losses) < 0))
        if rises.size:
            k = int(rises[0])
            raise _Fail(f"α = {_g(alpha)} overshoots: the loss went up at step {k + 1}, from {losses[k]:.4f} to "
                        f"{losses[k + 1]:.4f}; take a smaller α")
        if losses[-1] >= target:
            raise _Fail(f"α = {_g(alpha)} is too cautious: the loss falls at every step but is still {losses[-1]:.4f} "
                        f"after {steps} steps (target below {target}); take a larger α")
        return (f"α = {_g(alpha)}: the loss fell at every one of the {steps} steps, from {losses[0]:.4f} to "
                f"{losses[-1]:.4f}")

    return _run("check_learning_rate", body, choose_learning_rate)
