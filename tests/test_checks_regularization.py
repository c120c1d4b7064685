"""Checkers of 04 · Regularization: right answers pass, the stub and wrong answers fail."""
import numpy as np

from course_utils import checks
from test_checks_core import assert_fails, assert_passes, stub


def good_l2(weights, lam, n):
    return lam / (2 * n) * sum(np.sum(w ** 2) for w in weights)


def test_l2_penalty():
    assert_passes(checks.check_l2_penalty(good_l2))
    assert_fails(checks.check_l2_penalty(stub), "not attempted")
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: lam * sum(np.sum(w ** 2) for w in ws)), "1/(2n)")
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: lam / (2 * n) * sum(np.linalg.norm(w) for w in ws)),
                 "squared")
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: good_l2(ws[-1:], lam, n)), "every layer")
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: [good_l2([w], lam, n) for w in ws]), "one number")


def test_l2_penalty_with_hard_coded_lambda_or_n_fails():
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: good_l2(ws, 0.1, n)), "lam = 2.0, n = 2000")
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: good_l2(ws, lam, 50)), "use the `lam` and `n` arguments")


def test_l2_penalty_for_two_layers_only_fails():
    assert_fails(checks.check_l2_penalty(lambda ws, lam, n: good_l2(ws[:2], lam, n)), "for 3 matrices")


def test_l2_penalty_changing_the_weights_fails_and_float32_passes():
    def squares_in_place(ws, lam, n):
        for w in ws:
            np.square(w, out=w)
        return lam / (2 * n) * sum(np.sum(w) for w in ws)

    assert_fails(checks.check_l2_penalty(squares_in_place), "changed its argument `ws` in place")
    as_float32 = lambda ws, lam, n: good_l2([np.asarray(w, dtype=np.float32) for w in ws], lam, n)
    assert_passes(checks.check_l2_penalty(as_float32))


def good_dropout(x, rate, training, rng):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def test_inverted_dropout():
    assert_passes(checks.check_inverted_dropout(good_dropout))
    assert_passes(checks.check_inverted_dropout(
        lambda x, rate, training, rng: x * rng.binomial(1, 1 - rate, x.shape) / (1 - rate) if training else x))
    assert_fails(checks.check_inverted_dropout(stub), "not attempted")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, r, True, rng)), "inference")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, 1 - r, t, rng) if t else x),
                 "to DROP")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: x * (rng.random(x.shape) >= r) if t else x),
                 "not scaled")


def test_inverted_dropout_with_a_hard_coded_rate_or_shape_fails():
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, 0.3, t, rng)),
                 "use the `rate` argument")

    def fixed_shape(x, rate, training, rng):
        return x * (rng.random((200, 500)) >= rate) / (1 - rate) if training else x

    assert_fails(checks.check_inverted_dropout(fixed_shape), "rng.random(x.shape)")


def test_inverted_dropout_that_ignores_rng_fails():
    global_generator = lambda x, r, t, rng: good_dropout(x, r, t, np.random.default_rng()) if t else x
    assert_fails(checks.check_inverted_dropout(global_generator), "same seed gave different masks")
    own_seed = lambda x, r, t, rng: good_dropout(x, r, t, np.random.default_rng(0)) if t else x
    assert_fails(checks.check_inverted_dropout(own_seed), "different generators gave the same mask")


def test_inverted_dropout_as_a_list_passes_and_changing_x_fails():
    assert_passes(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, r, t, rng).tolist()))

    def in_place(x, rate, training, rng):
        if training:
            x *= (rng.random(x.shape) >= rate) / (1 - rate)
        return x

    assert_fails(checks.check_inverted_dropout(in_place), "changed its argument `x` in place")


def good_batchnorm(x, gamma, beta, eps=1e-3):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def test_batchnorm_train():
    assert_passes(checks.check_batchnorm_train(good_batchnorm))
    assert_fails(checks.check_batchnorm_train(stub), "not attempted")
    layer_norm = lambda x, g, b, eps=1e-3: g * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(
        x.var(axis=1, keepdims=True) + eps) + b
    assert_fails(checks.check_batchnorm_train(layer_norm), "layer norm")
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps=1e-3: (x - x.mean(0)) / np.sqrt(x.var(0) + eps)), "γ")
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps=1e-3: g * (x - x.mean(0)) / x.std(0) + b), "ε")
    unbiased = lambda x, g, b, eps=1e-3: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b
    assert_fails(checks.check_batchnorm_train(unbiased), "m - 1")


def test_batchnorm_train_in_float32_passes():
    def float32(x, gamma, beta, eps=1e-3):   # 04's batch is float32: results differ from float64 by about 1e-6
        x, gamma, beta = (np.asarray(a, dtype=np.float32) for a in (x, gamma, beta))
        return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + np.float32(eps)) + beta

    assert_passes(checks.check_batchnorm_train(float32))


def test_batchnorm_train_with_a_hard_coded_or_misplaced_eps_fails():
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps=1e-3: good_batchnorm(x, g, b, 1e-3)),
                 "ε seems fixed at 0.001")
    outside = lambda x, g, b, eps=1e-3: g * (x - x.mean(0)) / (x.std(0) + eps) + b
    assert_fails(checks.check_batchnorm_train(outside), "after the square root")
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps: good_batchnorm(x, g, b, eps)), "eps")


def test_batchnorm_train_for_one_shape_only_fails():
    fixed_width = lambda x, g, b, eps=1e-3: good_batchnorm(x, g.reshape(1, 5), b.reshape(1, 5), eps)
    assert_fails(checks.check_batchnorm_train(fixed_width), "shape (64, 4)")


def test_batchnorm_train_as_a_list_passes_and_changing_x_fails():
    assert_passes(checks.check_batchnorm_train(lambda *args, **kwargs: good_batchnorm(*args, **kwargs).tolist()))

    def in_place(x, gamma, beta, eps=1e-3):
        x -= x.mean(axis=0)
        x /= np.sqrt(x.var(axis=0) + eps)
        return gamma * x + beta

    assert_fails(checks.check_batchnorm_train(in_place), "changed its argument `x` in place")


def test_l2_lambda_passes_a_good_strength_and_explains_a_bad_one():
    assert_passes(checks.check_l2_lambda(lambda: 30.0))
    assert_fails(checks.check_l2_lambda(stub), "not attempted")
    assert_fails(checks.check_l2_lambda(lambda: 0.3), "too weak")        # still memorises the wrong labels
    assert_fails(checks.check_l2_lambda(lambda: 3000.0), "too strong")   # underfits
    assert_fails(checks.check_l2_lambda(lambda: -1.0), "≥ 0")
    assert_fails(checks.check_l2_lambda(lambda: [30.0]), "list")


def test_inverted_dropout_false_rejects_are_negligible_however_the_generator_is_used():
    """The share-of-zeros test allows 6 binomial standard deviations (false reject < 1e-8, see the docstring):
    correct dropouts that draw their mask in different ways, each after skipping 0 to 9 numbers of the stream
    (other masks from the same seeds), all pass."""
    styles = {
        "uniform": lambda shape, keep, rng: rng.random(shape) < keep,
        "binomial": lambda shape, keep, rng: rng.binomial(1, keep, size=shape).astype(bool),
        "choice": lambda shape, keep, rng: rng.choice([False, True], size=shape, p=[1 - keep, keep]),
    }
    for style, mask in styles.items():
        for skip in range(10):
            def dropout(x, rate, training, rng, mask=mask, skip=skip):
                if not training:
                    return x
                rng.random(skip)                           # another part of the stream
                return np.where(mask(x.shape, 1 - rate, rng), x / (1 - rate), 0.0)

            result = checks.check_inverted_dropout(dropout)
            assert result, f"{style}, skipping {skip}: {result}"
