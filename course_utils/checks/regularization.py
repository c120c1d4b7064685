"""Checkers and reference versions for 04 · Regularization. Introduced in 04."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import CheckResult, _call, _close, _expect_shape, _Fail, _g, _ndarray, _number, _run, _single, _strict, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def l2_penalty(weight_matrices: list, lam: float, n: int) -> float:
    """The L2 penalty λ/(2n) Σ‖W‖²_F over a list of weight matrices, as one number. Introduced in 04."""
    return lam / (2 * n) * sum(np.sum(w ** 2) for w in weight_matrices)


def inverted_dropout(x: np.ndarray, rate: float, training: bool, rng: np.random.Generator) -> np.ndarray:
    """Zero each entry with probability ``rate`` and scale the rest by 1/(1 − rate); x at inference. Introduced in 04."""
    if not training:
        return x
    keep = rng.random(x.shape) >= rate          # True with probability 1 - rate
    return np.where(keep, x / (1 - rate), 0.0)


def batchnorm_train(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    """Batch normalization in training mode for x of shape (m, features): γ·x̂ + β. Introduced in 04."""
    mean = x.mean(axis=0)                        # μ_B, one per feature
    var = x.var(axis=0)                          # σ²_B
    x_hat = (x - mean) / np.sqrt(var + eps)      # normalize
    return gamma * x_hat + beta                  # scale and shift


REFERENCES = (l2_penalty, inverted_dropout, batchnorm_train)


# --- checkers ------------------------------------------------------------------------------------

def check_l2_penalty(l2_penalty: Callable[..., float]) -> CheckResult:
    """Check λ/(2n) Σ‖W‖²_F over a list of weight matrices. Introduced in 04."""

    def body(l2_penalty: Callable[..., float]) -> str:
        rng = np.random.default_rng(9)
        cases = [
            ([rng.normal(size=(4, 3)), rng.normal(size=(3, 2))], 0.1, 50),
            ([rng.normal(0.0, 0.05, shape).astype(np.float32) for shape in ((784, 512), (512, 512), (512, 10))],
             2.0, 2_000),                                                   # 04's kernels, λ and n
            ([rng.normal(size=(5, 5))], 0.5, 7),
        ]
        for weights, lam, n in cases:
            context = f"for {len(weights)} matrices, lam = {lam}, n = {n}"
            got = _number(_call(l2_penalty, weights, lam, n, context=context), "the penalty",
                          "sum everything into one number")
            squares = sum(float(np.sum(w.astype(np.float64) ** 2)) for w in weights)
            expected = lam / (2 * n) * squares
            single = _single(*weights)
            if _close(got, expected, single):
                continue
            if np.isclose(got, lam / (2 * n) * sum(float(np.linalg.norm(w)) for w in weights)):
                raise _Fail("the Frobenius norm is squared in the penalty: sum the squared weights")
            if np.isclose(got, lam * squares):
                raise _Fail("missing the 1/(2n) factor: λ/(2n) Σ‖W‖²")
            if len(weights) > 1 and np.isclose(got, lam / (2 * n) * float(np.sum(weights[-1].astype(np.float64) ** 2))):
                raise _Fail("only the last matrix counted: sum over every layer's weights")
            raise _Fail(f"got {_g(got)}, expected {_g(expected)} {context}: use the `lam` and `n` arguments")
        return "matches λ/(2n) Σ‖W‖²_F for 1 to 3 layers (float64 and float32) and 3 values of λ and n"

    return _run("check_l2_penalty", body, l2_penalty)


def check_inverted_dropout(inverted_dropout: Callable[..., np.ndarray]) -> CheckResult:
    """Check inverted dropout: zero a fraction `rate` in training, scale the rest by 1/(1−rate). Introduced in 04.

    The share of zeros may differ from `rate` by 6 binomial standard deviations (at least 2 points): a correct
    answer, whichever way it draws from `rng`, is rejected with probability below 1e-8 (two-sided normal tail
    2·10⁻⁹ for each of the 4 arrays checked).
    """

    def body(inverted_dropout: Callable[..., np.ndarray]) -> str:
        data = np.random.default_rng(10)
        cases = [  # (x, rate); 04 uses 0.5 on hidden units and np.ones(10), 0.2 on the input pixels
            (data.random((200, 500)) + 0.5, 0.3),
            (np.ones((400, 500), dtype=np.float32), 0.5),
            (data.random((50, 40, 3)) + 0.5, 0.2),
            (data.random((100, 100)) + 0.5, 0.8),
            (np.ones(10), 0.5),
        ]
        rates = sorted({rate for _, rate in cases})

        def dropout(x: np.ndarray, rate: float, training: bool, seed: int) -> np.ndarray:
            out = _call(inverted_dropout, x, rate, training, np.random.default_rng(seed),
                        context=f"for x of shape {x.shape}, rate = {rate}",
                        hint="draw one random number per entry: rng.random(x.shape)")
            return _ndarray(out, "the training output" if training else "the inference output")

        for x, rate in cases:
            context = f"for x of shape {x.shape}, rate = {rate}"
            same = dropout(x, rate, False, 0)
            if same.shape != x.shape or not _close(same, x):
                raise _Fail("at inference (training=False) dropout must return x unchanged")
            out = dropout(x, rate, True, 0)
            _expect_shape(out, x.shape, f"the training output {context}")
            dropped = float(np.mean(out == 0))
            tolerance = max(0.02, 6 * np.sqrt(rate * (1 - rate) / x.size))
            if x.size >= 1000 and abs(dropped - rate) > tolerance:
                if abs(dropped - (1 - rate)) < tolerance:
                    raise _Fail(f"{dropped:.0%} of the units are zeroed at rate = {rate}: `rate` is the fraction to "
                                "DROP, not to keep")
                raise _Fail(f"{dropped:.0%} of the units are zeroed, expected about {rate:.0%} {context}: "
                            "use the `rate` argument")
            kept = out != 0
            single = _single(x, out)
            if np.any(kept) and _close(out[kept], x[kept], single):
                raise _Fail("the kept units are not scaled: divide them by (1 − rate) so the mean stays the same")
            if not _close(out[kept], x[kept] / (1 - rate), single):
                raise _Fail(f"the kept units should be x / (1 − rate) {context}: "
                            f"{_worst(out[kept], x[kept] / (1 - rate), 'kept')}")
            if x.size >= 1000:
                if not np.array_equal(dropout(x, rate, True, 0), out):
                    raise _Fail("two generators with the same seed gave different masks: draw the random numbers "
                                "from `rng` (rng.random(x.shape)), not from np.random")
                if np.array_equal(dropout(x, rate, True, 1), out):
                    raise _Fail("two different generators gave the same mask: draw the random numbers from the "
                                "`rng` argument")
        return (f"zeroes a fraction `rate` ({', '.join(map(str, rates))}) drawn from rng, scales survivors by "
                "1/(1 − rate), identity at inference")

    return _run("check_inverted_dropout", body, inverted_dropout)


_BATCHNORM_HINT = "add ε to the variance before the square root: np.sqrt(var + eps)"


def check_batchnorm_train(batchnorm_train: Callable[..., np.ndarray]) -> CheckResult:
    """Check batch normalization in training mode: per feature, over the batch axis. Introduced in 04."""

    def body(batchnorm_train: Callable[..., np.ndarray]) -> str:
        rng = np.random.default_rng(11)
        constant = rng.normal(3.0, 2.0, size=(32, 5))
        constant[:, 4] = 7.0                            # a constant feature: only ε avoids 0/0
        batch_04 = rng.normal([5.0, -2.0, 0.0, 100.0], [3.0, 0.1, 1.0, 20.0], size=(64, 4)).astype(np.float32)
        cases = [  # (x, gamma, beta, eps); eps None: the default, 1e-3 as in Keras
            (constant, rng.random(5) + 0.5, rng.normal(size=5), 1e-3),
            (batch_04, np.array([1.0, 2.0, 0.5, 1.0], np.float32), np.array([0.0, 1.0, -1.0, 0.5], np.float32), 1e-3),
            (rng.normal(size=(16, 3)), rng.random(3) + 0.5, rng.normal(size=3), 0.5),
            (rng.normal(1.0, 0.01, size=(8, 6)), rng.random(6) + 0.5, rng.normal(size=6), 1e-5),
            (rng.normal(size=(10, 2)), rng.random(2) + 0.5, rng.normal(size=2), None),
        ]
        for x, gamma, beta, eps in cases:
            kwargs = {} if eps is None else {"eps": eps}
            eps = 1e-3 if eps is None else eps
            context = (f"for x of shape {x.shape}{' (float32)' if x.dtype == np.float32 else ''}, eps = "
                       f"{eps:g}{' (the default)' if not kwargs else ''}")
            with _strict(_BATCHNORM_HINT, context):
                raw = _call(batchnorm_train, x, gamma, beta, context=context,
                            hint="" if kwargs else "keep the default of the exercise's line: eps=1e-3", **kwargs)
            out = _ndarray(raw, "the output")
            _expect_shape(out, x.shape, f"the output {context}")
            x64 = x.astype(np.float64)
            mean, var = x64.mean(axis=0), x64.var(axis=0)

            def normalized(eps_used: float, root_of_sum: bool = True) -> np.ndarray:
                scale = np.sqrt(var + eps_used) if root_of_sum else np.sqrt(var) + eps_used
                return (x64 - mean) / scale

            expected = gamma * normalized(eps) + beta
            single = _single(x, out)
            if _close(out, expected, single):
                continue
            with np.errstate(all="ignore"):
                across = (x64 - x64.mean(axis=1, keepdims=True)) / np.sqrt(x64.var(axis=1, keepdims=True) + eps)
            if np.allclose(out, gamma * across + beta):
                raise _Fail("normalised each example across features (that is layer norm): use axis=0, the batch")
            if np.allclose(out, normalized(eps)):
                raise _Fail("γ and β are not applied: return γ·x̂ + β")
            if np.allclose(out, gamma * normalized(eps, root_of_sum=False) + beta):
                raise _Fail(f"ε is added after the square root {context}: {_BATCHNORM_HINT}")
            if np.allclose(out, gamma * (x64 - mean) / np.sqrt(x64.var(axis=0, ddof=1) + eps) + beta):
                raise _Fail("the variance divides by m - 1: batch norm uses the batch's own variance, x.var(axis=0)")
            for fixed in (1e-3, 1e-5):
                if fixed != eps and np.allclose(out, gamma * normalized(fixed) + beta):
                    raise _Fail(f"ε seems fixed at {fixed:g} {context}: use the `eps` argument")
            raise _Fail(f"{_worst(out, expected, 'output')} {context}")
        return "μ_B, σ²_B, x̂ and γx̂ + β match on 5 batches (float64 and float32, ε from 1e-5 to 0.5)"

    return _run("check_batchnorm_train", body, batchnorm_train)


# --- tuning: the strength of the L2 penalty ------------------------------------------------------

def choose_l2_lambda() -> float:
    """The course's λ for 04's noisy-label problem: strong enough to stop memorising, weak enough to learn. Introduced in 04."""
    return 30.0


REFERENCES = REFERENCES + (choose_l2_lambda,)
_TRIAL = {"n_train": 1_000, "n_val": 1_000, "noise": 0.3, "hidden": 256, "epochs": 25}


@lru_cache(maxsize=1)
def _l2_trial_setup() -> tuple[Any, Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The trial's data and one compiled MLP whose L2 factor is a variable: traced once for every λ."""
    import keras

    from ..data import load_fashion_mnist

    (images, labels), _ = load_fashion_mnist()
    n, n_val = _TRIAL["n_train"], _TRIAL["n_val"]
    x = images[:n].reshape(n, -1).astype("float32") / 255.0
    rng = np.random.default_rng(123)
    y = labels[:n].copy()
    flipped = rng.random(n) < _TRIAL["noise"]
    y[flipped] = (y[flipped] + rng.integers(1, 10, flipped.sum())) % 10
    held_out = slice(2_000, 2_000 + n_val)   # part of 04's tuning set: never the notebook's validation images
    x_val = images[held_out].reshape(n_val, -1).astype("float32") / 255.0
    factor = keras.Variable(0.0, trainable=False, name="l2_factor")

    def penalty(weights: Any) -> Any:   # keras.regularizers.L2(factor), with the factor read at every step
        return factor * keras.ops.sum(keras.ops.square(weights))

    model = _trial_mlp(penalty)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), steps_per_execution=16)
    return model, factor, x, y, x_val, labels[held_out]


def _trial_mlp(regularizer: Any = None) -> Any:
    """The trial's MLP: two hidden ReLU layers of _TRIAL["hidden"] units, 10 logits, uncompiled."""
    import keras

    return keras.Sequential([keras.Input(shape=(784,))] + [
        keras.layers.Dense(_TRIAL["hidden"], activation="relu", kernel_regularizer=regularizer) for _ in range(2)] + [
        keras.layers.Dense(10, kernel_regularizer=regularizer)])


@lru_cache(maxsize=16)
def _l2_trial(lam: float) -> tuple[float, float]:
    """Train 04's MLP (small version) with the L2 penalty λ/(2n) on noisy labels; (train, held-out) accuracy."""
    from ..config import reseed
    from ..training import batches, restart

    model, factor, x, y, x_val, y_val = _l2_trial_setup()
    reseed(0)
    restart(model, _trial_mlp())   # the same start for every λ, and the step Keras traced for the first one
    factor.assign(lam / (2 * len(x)))
    model.fit(batches(x, y, 64, shuffle=True), epochs=_TRIAL["epochs"], verbose=0)
    # one direct call per set: predict() would trace a function for two calls
    train_accuracy = float(np.mean(np.argmax(np.asarray(model(x)), axis=1) == y))
    val_accuracy = float(np.mean(np.argmax(np.asarray(model(x_val)), axis=1) == y_val))
    return train_accuracy, val_accuracy


def check_l2_lambda(choose_l2_lambda: Callable[[], float]) -> CheckResult:
    """Train a small version of 04's noisy-label MLP with the learner's λ; pass when it beats no penalty by 5 points. Introduced in 04."""

    def body(choose_l2_lambda: Callable[[], float]) -> str:
        lam = _number(_call(choose_l2_lambda), "λ", "return one number, e.g. 10.0")
        if not np.isfinite(lam) or lam < 0:
            raise _Fail(f"λ = {_g(lam)}: the strength of a penalty is a number ≥ 0")
        _, baseline = _l2_trial(0.0)
        train, val = _l2_trial(float(lam))
        scores = (f"{_TRIAL['n_train']:,} noisy images: validation accuracy {val:.1%} against {baseline:.1%} without "
                  f"the penalty, training accuracy {train:.1%}")
        if val >= baseline + 0.05:
            return f"λ = {_g(lam)} on {scores}"
        if train > (1 - _TRIAL["noise"]) * val + 0.1:   # more right on the noisy labels than the true classes allow
            raise _Fail(f"λ = {_g(lam)} is too weak on {scores}: the network still memorises the wrong labels; try a larger λ")
        raise _Fail(f"λ = {_g(lam)} is too strong on {scores}: the network underfits, even the training labels; "
                    "try a smaller λ")

    return _run("check_l2_lambda", body, choose_l2_lambda)
