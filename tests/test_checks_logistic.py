"""Checkers of 01 · Logistic regression: right answers pass, the stub and wrong answers fail."""
import numpy as np

from course_utils import checks
from test_checks_core import assert_fails, assert_passes, stub


def stable_sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_sigmoid():
    assert_passes(checks.check_sigmoid(stable_sigmoid))
    assert_passes(checks.check_sigmoid(lambda z: 0.5 * (1 + np.tanh(np.asarray(z) / 2))))
    assert_fails(checks.check_sigmoid(stub), "not attempted")
    assert_fails(checks.check_sigmoid(lambda z: 1 / (1 + np.exp(z))), "flipped")
    assert_fails(checks.check_sigmoid(lambda z: np.tanh(z)), "expected")
    assert_fails(checks.check_sigmoid(lambda z: float(stable_sigmoid(z)[0])), "is a single number, expected an array")


def test_sigmoid_with_the_naive_formula_fails_on_its_overflow_warning():
    # 1 / (1 + inf) is the right value: only the overflow warning shows the problem
    assert_fails(checks.check_sigmoid(lambda z: 1 / (1 + np.exp(-z))), "overflow")
    assert_fails(checks.check_sigmoid(lambda z: np.exp(z) / (1 + np.exp(z))), "np.exp(-np.abs(z))")
    both_branches = lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    assert_fails(checks.check_sigmoid(both_branches), "np.where discards")


def test_sigmoid_that_works_on_1d_arrays_only_fails():
    def one_dimensional(z):
        return np.array([float(stable_sigmoid(np.array(value))) for value in z])

    assert_fails(checks.check_sigmoid(one_dimensional), "shape (2, 3)")


def test_sigmoid_as_a_list_passes_and_changing_its_input_fails():
    assert_passes(checks.check_sigmoid(lambda z: stable_sigmoid(z).tolist()))   # what np.asarray converts is accepted

    def overwrites_z(z):
        z[...] = stable_sigmoid(z.copy())
        return z

    assert_fails(checks.check_sigmoid(overwrites_z), "changed its argument `z` in place")


def good_bce(y, z):
    return np.mean(np.logaddexp(0, z) - y * z)


def test_bce_from_logits():
    assert_passes(checks.check_bce_from_logits(good_bce))
    assert_fails(checks.check_bce_from_logits(stub), "not attempted")
    assert_fails(checks.check_bce_from_logits(lambda y, z: -good_bce(y, z)), "negative loss")
    assert_fails(checks.check_bce_from_logits(lambda y, z: np.sum(np.logaddexp(0, z) - y * z)), "sum")
    assert_fails(checks.check_bce_from_logits(lambda y, z: good_bce(1 - y, z)), "swapped")
    assert_fails(checks.check_bce_from_logits(lambda y, z: np.logaddexp(0, z) - y * z), "shape")


def test_bce_from_logits_with_naive_formulas_fails():
    naive = lambda y, z: -np.mean(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))))
    assert_fails(checks.check_bce_from_logits(naive), "logaddexp")
    log_one_plus_exp = lambda y, z: np.mean(np.log(1 + np.exp(z)) - y * z)   # right value up to |z| of about 700
    assert_fails(checks.check_bce_from_logits(log_one_plus_exp), "overflow")


def test_bce_from_logits_returning_a_list_hard_coding_n_or_changing_z_fails():
    assert_fails(checks.check_bce_from_logits(lambda y, z: [good_bce(y, z)]), "is a list, expected one number")
    assert_fails(checks.check_bce_from_logits(lambda y, z: np.sum(np.logaddexp(0, z) - y * z) / 4), "expected")

    def negates_z(y, z):
        np.negative(z, out=z)
        return np.mean(np.logaddexp(0, -z) + y * z)

    assert_fails(checks.check_bce_from_logits(negates_z), "changed its argument `z` in place")


def good_step(w, b, X, y, learning_rate):
    p = stable_sigmoid(X @ w + b)
    return w - learning_rate * X.T @ (p - y) / len(y), b - learning_rate * np.mean(p - y)


def test_gradient_step():
    assert_passes(checks.check_gradient_step(good_step))
    assert_fails(checks.check_gradient_step(stub), "not attempted")

    def uphill(w, b, X, y, lr):
        w1, b1 = good_step(w, b, X, y, lr)
        return 2 * w - w1, 2 * b - b1

    def summed(w, b, X, y, lr):
        p = stable_sigmoid(X @ w + b)
        return w - lr * X.T @ (p - y), b - lr * np.sum(p - y)

    def wrong_bias(w, b, X, y, lr):
        return good_step(w, b, X, y, lr)[0], b

    assert_fails(checks.check_gradient_step(uphill), "uphill")
    assert_fails(checks.check_gradient_step(summed), "too long")
    assert_fails(checks.check_gradient_step(wrong_bias), "mean(p - y)")
    assert_fails(checks.check_gradient_step(lambda w, b, X, y, lr: w), "pair")
    assert_fails(checks.check_gradient_step(lambda w, b, X, y, lr: (X.T @ y, b)), "expected")


def test_gradient_step_with_a_hard_coded_learning_rate_or_batch_size_fails():
    assert_fails(checks.check_gradient_step(lambda w, b, X, y, lr: good_step(w, b, X, y, 0.5)),
                 "use the `learning_rate` argument")

    def divides_by_20(w, b, X, y, lr):
        p = stable_sigmoid(X @ w + b)
        return w - lr * X.T @ (p - y) / 20, b - lr * np.sum(p - y) / 20

    assert_fails(checks.check_gradient_step(divides_by_20), "N = 1")


def test_gradient_step_as_a_list_passes_and_changing_w_fails():
    assert_passes(checks.check_gradient_step(lambda *args: (list(good_step(*args)[0]), good_step(*args)[1])))
    assert_fails(checks.check_gradient_step(lambda *args: (list(map(str, good_step(*args)[0])), good_step(*args)[1])),
                 "w_new holds")

    def in_place(w, b, X, y, lr):
        p = stable_sigmoid(X @ w + b)
        w -= lr * X.T @ (p - y) / len(y)
        return w, b - lr * np.mean(p - y)

    assert_fails(checks.check_gradient_step(in_place), "changed its argument `w` in place")


def good_softmax(z):
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax():
    assert_passes(checks.check_softmax(good_softmax))
    assert_fails(checks.check_softmax(stub), "not attempted")
    assert_fails(checks.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)), "overflow")

    def wrong_axis(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    assert_fails(checks.check_softmax(wrong_axis), "sum to 1")
    assert_fails(checks.check_softmax(lambda z: good_softmax(z)[..., :2]), "shape")


def test_softmax_with_the_overall_maximum_fails():
    def global_shift(z):
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    assert_fails(checks.check_softmax(global_shift), "each row's maximum")


def test_softmax_for_2d_input_only_fails_on_one_example():
    def two_dimensional(z):   # breaks 01's softmax(np.array([2.0, 1.0, 0.0]))
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    assert_fails(checks.check_softmax(two_dimensional), "shape (3,)")
    assert_fails(checks.check_softmax(two_dimensional), "axis=-1")


def test_softmax_as_a_list_passes_and_changing_z_fails():
    assert_passes(checks.check_softmax(lambda z: good_softmax(z).tolist()))

    def in_place(z):
        z -= z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    assert_fails(checks.check_softmax(in_place), "changed its argument `z` in place")


def test_float32_answers_pass_to_float32_precision():
    float32 = lambda function: lambda *args: function(*(np.asarray(a, dtype=np.float32) for a in args))
    assert_passes(checks.check_softmax(float32(good_softmax)))
    assert_passes(checks.check_bce_from_logits(float32(good_bce)))


def test_learning_rate_passes_a_tuned_alpha_and_says_which_way_to_go():
    assert_passes(checks.check_learning_rate(lambda: 0.2))
    assert_fails(checks.check_learning_rate(stub), "not attempted")
    assert_fails(checks.check_learning_rate(lambda: 0.05), "too cautious")    # crawls
    assert_fails(checks.check_learning_rate(lambda: 0.5), "overshoots")      # the loss goes up
    assert_fails(checks.check_learning_rate(lambda: 50.0), "overshoots")     # diverges, no warning leaks
    assert_fails(checks.check_learning_rate(lambda: 0.0), "positive")
    assert_fails(checks.check_learning_rate(lambda: "0.2"), "expected numbers")
