"""Checkers and reference versions for 02 · Multilayer perceptrons. Introduced in 02."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _call, _close, _expect_shape, _Fail, _g, _labelled_answer, _ndarray, _run, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def dense_backward(upstream: np.ndarray, x: np.ndarray, W: np.ndarray) -> tuple:
    """Backward pass of y = x @ W + b: (dx, dW, db) from upstream = ∂F/∂y of shape (N, k). Introduced in 02."""
    dx = upstream @ W.T                    # (N, m): each input feeds every output through W
    dW = x.T @ upstream                    # (m, k): summed over the batch by the matrix product
    db = np.sum(upstream, axis=0)          # (k,): b is added to every row
    return dx, dW, db


def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray, learning_rate: float,
                  beta: float) -> tuple:
    """SGD with momentum, v := βv − α∇F, θ := θ + v: returns (theta_new, velocity_new). Introduced in 02."""
    velocity_new = beta * velocity - learning_rate * grad
    return theta + velocity_new, velocity_new


def adam_step(theta: np.ndarray, m: np.ndarray, v: np.ndarray, grad: np.ndarray, t: int, learning_rate: float,
              beta1: float, beta2: float, eps: float) -> tuple:
    """One Adam step with bias correction (t = 1, 2, ...): returns (theta_new, m_new, v_new). Introduced in 02."""
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m_new / (1 - beta1 ** t)                    # bias correction: m and v start at 0
    v_hat = v_new / (1 - beta2 ** t)
    return theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


REFERENCES = (dense_backward, momentum_step, adam_step)


# --- checkers ------------------------------------------------------------------------------------

def check_dense_backward(dense_backward: Callable[..., tuple]) -> CheckResult:
    """Check the backward pass of y = x @ W + b: returns (dx, dW, db) from the upstream gradient. Introduced in 02."""

    def body(dense_backward: Callable[..., tuple]) -> str:
        rng = np.random.default_rng(5)
        for n, m, k in [(6, 4, 3), (10, 4, 1), (10, 2, 4), (1, 5, 2)]:   # (10, 4, 1) and (10, 2, 4) as in 02
            x, W = rng.normal(size=(n, m)), rng.normal(size=(m, k))
            upstream = rng.normal(size=(n, k))                             # ∂F/∂y for a batch of n
            context = f"(x: {x.shape}, W: {W.shape})"
            out = _call(dense_backward, upstream, x, W, context=context)
            if not isinstance(out, (tuple, list)) or len(out) != 3:
                raise _Fail("return the triple (dx, dW, db)")
            dx, dW, db = (_ndarray(v, name) for v, name in zip(out, ("dx", "dW", "db")))
            if m != k and dW.shape == (k, m) and np.allclose(dW, (x.T @ upstream).T):
                raise _Fail(f"dW is transposed: it must have W's shape {W.shape}, i.e. x.T @ upstream")
            _expect_shape(dx, x.shape, f"dx {context}", "dx has x's shape: upstream @ W.T")
            _expect_shape(dW, W.shape, f"dW {context}", "dW has W's shape: x.T @ upstream")
            if db.shape != (k,):
                raise _Fail(f"db has shape {db.shape}, expected ({k},) {context}: sum the upstream gradient over "
                            "the batch (axis=0)")
            if n > 1 and np.allclose(db, upstream.mean(axis=0)):
                raise _Fail("db is the mean over the batch: the loss gradient already carries 1/N, so sum (axis=0)")
            for got, expected, name in ((dx, upstream @ W.T, "dx"), (dW, x.T @ upstream, "dW"),
                                        (db, upstream.sum(axis=0), "db")):
                if not _close(got, expected):
                    raise _Fail(f"{name} differs from the chain rule's result {context}: {_worst(got, expected, name)}")
        return "dx, dW and db match the chain rule for 4 layer shapes, batches of 1 to 10"

    return _run("check_dense_backward", body, dense_backward)


def _fit(target: np.ndarray, *bases: np.ndarray) -> list[float] | None:
    """Coefficients c with target = Σ c_i·bases_i exactly, or None (also when there are too few entries to tell)."""
    if target.size <= len(bases):
        return None
    design = np.stack([basis.ravel() for basis in bases], axis=1)
    coefficients, *_ = np.linalg.lstsq(design, target.ravel(), rcond=None)
    if np.linalg.norm(design @ coefficients - target.ravel()) > 1e-7 * max(np.linalg.norm(target), 1e-12):
        return None
    return [float(c) for c in coefficients]


def check_momentum_step(momentum_step: Callable[..., tuple]) -> CheckResult:
    """Check v := βv − α∇F, θ := θ + v (SGD with momentum, as in Keras). Introduced in 02."""

    def body(momentum_step: Callable[..., tuple]) -> str:
        rng = np.random.default_rng(6)
        cases = [(0.1, 0.9, (4,), False), (0.3, 0.9, (2,), True),   # the second as 02's first step on the valley
                 (0.05, 0.5, (3, 2), False), (0.01, 0.99, (5,), False)]
        for learning_rate, beta, shape, at_start in cases:
            theta, grad = rng.normal(size=shape), rng.normal(size=shape)
            velocity = np.zeros(shape) if at_start else rng.normal(size=shape)
            context = f"(learning_rate = {learning_rate}, beta = {beta}, arrays of shape {shape})"
            out = _call(momentum_step, theta, velocity, grad, learning_rate, beta, context=context)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise _Fail("return the pair (theta_new, velocity_new)")
            theta_new, velocity_new = _ndarray(out[0], "theta_new"), _ndarray(out[1], "velocity_new")
            _expect_shape(theta_new, shape, f"theta_new {context}")
            _expect_shape(velocity_new, shape, f"velocity_new {context}")
            expected_v = beta * velocity - learning_rate * grad
            if not _close(velocity_new, expected_v):
                if np.allclose(velocity_new, beta * velocity + learning_rate * grad):
                    raise _Fail("the velocity moves uphill: v := βv − α∇F (minus the gradient)")
                if not at_start and np.allclose(velocity_new, -learning_rate * grad):
                    raise _Fail("the old velocity is forgotten: keep β times it (v := βv − α∇F)")
                fit = _fit(velocity_new, -grad) if at_start else _fit(velocity_new, -grad, velocity)
                if fit and not np.isclose(fit[0], learning_rate):
                    raise _Fail(f"velocity_new steps by {_g(fit[0])}·∇F, but learning_rate = {learning_rate} "
                                f"{context}: use the `learning_rate` argument")
                if fit and len(fit) > 1 and not np.isclose(fit[1], beta):
                    raise _Fail(f"velocity_new keeps {_g(fit[1])}·velocity, but beta = {beta} {context}: "
                                "use the `beta` argument")
                raise _Fail(f"{_worst(velocity_new, expected_v, 'velocity_new')} {context}")
            if not _close(theta_new, theta + expected_v):
                if np.allclose(theta_new, theta + velocity):
                    raise _Fail("theta_new should be theta + velocity_new (the new velocity, not the old one)")
                raise _Fail(f"theta_new should be theta + velocity_new: {_worst(theta_new, theta + expected_v, 'theta_new')}")
        return "velocity and parameters match v := βv − α∇F, θ := θ + v"

    return _run("check_momentum_step", body, momentum_step)


def check_adam_step(adam_step: Callable[..., tuple]) -> CheckResult:
    """Check one Adam update with bias correction (Kingma & Ba 2015, Algorithm 1). Introduced in 02."""

    def body(adam_step: Callable[..., tuple]) -> str:
        rng = np.random.default_rng(7)
        cases = [  # (learning_rate, beta1, beta2, eps, t, shape, gradient scale): ε matters in the last two
            (0.01, 0.9, 0.999, 1e-7, 3, (5,), 1.0),
            (0.2, 0.9, 0.999, 1e-7, 1, (2,), 1.0),      # 02's first step on the valley: m = v = 0
            (0.001, 0.8, 0.99, 0.1, 10, (3, 4), 1.0),
            (0.05, 0.5, 0.9, 1e-3, 2, (6,), 0.01),
        ]
        for learning_rate, beta1, beta2, eps, t, shape, scale in cases:
            theta, grad = rng.normal(size=shape), rng.normal(size=shape) * scale
            m, v = rng.normal(size=shape) * 0.1 * scale, rng.random(shape) * 0.1 * scale ** 2
            if t == 1:
                m, v = np.zeros(shape), np.zeros(shape)
            settings = f"(learning_rate = {learning_rate}, beta1 = {beta1}, beta2 = {beta2}, eps = {eps}, t = {t})"
            out = _call(adam_step, theta, m, v, grad, t, learning_rate, beta1, beta2, eps, context=settings)
            if not isinstance(out, (tuple, list)) or len(out) != 3:
                raise _Fail("return the triple (theta_new, m_new, v_new)")
            theta_new, m_new, v_new = (_ndarray(value, name) for value, name in zip(out, ("theta_new", "m_new", "v_new")))
            for got, name in ((theta_new, "theta_new"), (m_new, "m_new"), (v_new, "v_new")):
                _expect_shape(got, shape, f"{name} {settings}")
            m_ref = beta1 * m + (1 - beta1) * grad
            v_ref = beta2 * v + (1 - beta2) * grad ** 2
            if not _close(m_new, m_ref):
                raise _Fail(f"m_new differs from β1·m + (1 − β1)·g: {_worst(m_new, m_ref, 'm_new')} {settings}")
            if not _close(v_new, v_ref):
                raise _Fail(f"v_new differs from β2·v + (1 − β2)·g² (square the gradient element-wise): "
                            f"{_worst(v_new, v_ref, 'v_new')} {settings}")
            m_hat, v_hat = m_ref / (1 - beta1 ** t), v_ref / (1 - beta2 ** t)
            expected = theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
            # the paper's equivalent "efficient" order of computation (Section 2), which Keras uses
            efficient = theta - learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m_ref / (np.sqrt(v_ref) + eps)
            if _close(theta_new, expected) or _close(theta_new, efficient):
                continue
            if _close(theta_new, theta - learning_rate * m_ref / (np.sqrt(v_ref) + eps)):
                raise _Fail("no bias correction: divide m by (1 − β1^t) and v by (1 − β2^t) before the step")
            if _close(theta_new, theta + learning_rate * m_hat / (np.sqrt(v_hat) + eps)):
                raise _Fail("the step goes uphill: θ := θ − α m̂ / (√v̂ + ε)")
            for fixed in (1e-7, 1e-8):
                if fixed != eps and _close(theta_new, theta - learning_rate * m_hat / (np.sqrt(v_hat) + fixed)):
                    raise _Fail(f"ε seems fixed at {fixed:g}, but eps = {eps}: use the `eps` argument")
            if _close(theta_new, theta - learning_rate * m_hat / np.sqrt(v_hat + eps)):
                raise _Fail(f"ε is inside the square root: θ := θ − α m̂ / (√v̂ + ε) {settings}")
            raise _Fail(f"{_worst(theta_new, expected, 'theta_new')} {settings}")
        return f"m, v and θ match Adam with bias correction for {len(cases)} settings of α, β1, β2, ε and t"

    return _run("check_adam_step", body, adam_step)


# --- diagnosis: which run made these loss curves? ------------------------------------------------

RUNS = {   # name -> (learning rate α, momentum β) of one run on 02's valley F = ½(0.04 θ₁² + 2 θ₂²)
    # not the runs 02 labels before the exercise (from (-1.8, 1): SGD α = 0.9, momentum α = 0.3 with β = 0.9):
    # the curves must be read, not matched to a picture
    "small step": (0.03, 0.0),
    "large step": (0.8, 0.0),
    "too large step": (1.06, 0.0),
    "momentum": (0.1, 0.85),
}
_MYSTERY_RUNS = {"A": "momentum", "B": "small step", "C": "too large step", "D": "large step"}   # the answer
_CURVE_START = (1.2, -1.5)   # another start than 02's (-1.8, 1), so no curve repeats one shown before
_CURVE_STEPS = 40
_REASONS = {
    "too large step": "α = 1.06 > 1 overshoots θ₂ further at every step, so its loss grows",
    "momentum": "the velocity carries momentum past the valley floor, so its loss goes up and down",
    "small step": "α = 0.03, less than a twentieth of 0.8, makes the slower smooth curve",
    "large step": "α = 0.8, close to the limit 1 of stable steps, makes the faster smooth curve",
}


def mystery_loss_curves(steps: int = _CURVE_STEPS) -> dict[str, np.ndarray]:
    """The loss F(θ) after each of ``steps`` steps of four runs on 02's valley, labelled A–D.

    Every run starts at (1.2, -1.5) and uses v := βv − α∇F, θ := θ + v (β = 0: plain gradient descent).
    Which run each label stands for is what 02's diagnosis exercise asks. Introduced in 02.
    """
    curves = {}
    for label, run in _MYSTERY_RUNS.items():
        learning_rate, beta = RUNS[run]
        theta, velocity = np.array(_CURVE_START), np.zeros(2)
        losses = [0.5 * (0.04 * theta[0] ** 2 + 2.0 * theta[1] ** 2)]
        for _ in range(steps):
            velocity = beta * velocity - learning_rate * np.array([0.04 * theta[0], 2.0 * theta[1]])
            theta = theta + velocity
            losses.append(0.5 * (0.04 * theta[0] ** 2 + 2.0 * theta[1] ** 2))
        curves[label] = np.array(losses)
    return curves


def match_loss_curves() -> dict[str, str]:
    """The answer of 02's diagnosis exercise: curve label -> run. Introduced in 02."""
    return dict(_MYSTERY_RUNS)


REFERENCES = REFERENCES + (match_loss_curves,)


def _evidence(label: str, curve: np.ndarray) -> str:
    """What curve ``label`` shows, in a few words, measured on the curve itself."""
    rises = int(np.sum(np.diff(curve) > 0))
    if curve[-1] > curve[0]:
        return f"curve {label} grows from {curve[0]:.2g} to {curve[-1]:.2g}"
    if rises:
        return f"curve {label} goes up again at {rises} of its {len(curve) - 1} steps"
    below = np.flatnonzero(curve < 0.1 * curve[0])
    if below.size:
        return f"curve {label} falls smoothly, below a tenth of its start after {below[0]} steps"
    return f"curve {label} falls smoothly, to {curve[-1] / curve[0]:.0%} of its start after {len(curve) - 1} steps"


def check_match_loss_curves(match_loss_curves: Callable[[], dict]) -> CheckResult:
    """Check the learner's reading of the four mystery loss curves (label -> run). Introduced in 02."""

    def body(match_loss_curves: Callable[[], dict]) -> str:
        given = _labelled_answer(_call(match_loss_curves), sorted(_MYSTERY_RUNS), tuple(RUNS), "run")
        wrong = [label for label in sorted(_MYSTERY_RUNS) if given[label] != _MYSTERY_RUNS[label]]
        if wrong:
            label = wrong[0]
            curve = mystery_loss_curves()[label]
            evidence = _evidence(label, curve)
            raise _Fail(f"{len(wrong)} of 4 wrong. {evidence[0].upper() + evidence[1:]}, so it is not {given[label]!r}: "
                        f"{_REASONS[given[label]]}")
        return "all four right: growth means α too large, bumps mean momentum, and the larger stable α falls faster"

    return _run("check_match_loss_curves", body, match_loss_curves)
