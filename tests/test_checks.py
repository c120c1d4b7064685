"""Every checker accepts a right answer and rejects the stub and typical wrong answers."""
import keras
import numpy as np
import pytest
from keras import layers

from course_utils import checks


def stub(*args, **kwargs):
    raise NotImplementedError()


def assert_fails(result, fragment):
    assert not result, f"should fail: {result}"
    assert fragment in result.message, f"{fragment!r} not in {result.message!r}"
    assert "\n" not in repr(result) and repr(result).startswith("[FAIL] ")


def assert_passes(result):
    assert result, f"should pass: {result}"
    assert repr(result).startswith("[PASS] ") and "\n" not in repr(result)


# --- 00 ---------------------------------------------------------------------------------------

def test_dense_param_count():
    assert_passes(checks.check_dense_param_count(lambda n_in, n_out: n_in * n_out + n_out))
    assert_fails(checks.check_dense_param_count(stub), "not attempted")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: n_in * n_out), "not the biases")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: (n_in + 1) * (n_out + 1)), "expected")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: None), "return")


def classifier(hidden=128, activation="relu", out_activation="softmax", flatten=True):
    return keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                             layers.Dense(hidden, activation=activation), layers.Dense(10, activation=out_activation)])


def test_classifier():
    assert_passes(checks.check_classifier(classifier))
    assert_fails(checks.check_classifier(stub), "not attempted")
    assert_fails(checks.check_classifier(lambda: classifier(out_activation=None)), "softmax")
    assert_fails(checks.check_classifier(lambda: classifier(hidden=64)), "[64, 10]")
    assert_fails(checks.check_classifier(lambda: classifier(activation="sigmoid")), "'sigmoid'")
    assert_fails(checks.check_classifier(lambda: keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10)])),
                 "(4, 28, 28)")
    assert_fails(checks.check_classifier(lambda: "model"), "keras.Model")


def two_input(use_extra=True, use_image=True, n_inputs=2):
    pixels, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
    parts = []
    if use_image:
        parts.append(layers.Flatten()(pixels))
    if use_extra:
        parts.append(extra)
    merged = layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    outputs = layers.Dense(10, activation="softmax")(layers.Dense(16, activation="relu")(merged))
    if not use_image:
        return keras.Model(extra, outputs)
    return keras.Model([pixels, extra] if n_inputs == 2 else pixels, outputs)


def test_two_input_model():
    assert_passes(checks.check_two_input_model(two_input))
    assert_fails(checks.check_two_input_model(stub), "not attempted")
    assert_fails(checks.check_two_input_model(lambda: two_input(use_extra=False, n_inputs=1)), "1 input(s)")
    assert_fails(checks.check_two_input_model(lambda: two_input(use_image=False)), "1 input(s)")


def test_two_input_model_that_ignores_an_input():
    def ignores_extra():
        pixels, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        hidden = layers.Dense(8, activation="relu")(layers.Flatten()(pixels))
        unused = layers.Dense(1)(extra)   # connected but multiplied by zero below
        merged = layers.Concatenate()([hidden, layers.Lambda(lambda t: 0.0 * t)(unused)])
        return keras.Model([pixels, extra], layers.Dense(10, activation="softmax")(merged))

    assert_fails(checks.check_two_input_model(ignores_extra), "(2,) input does not change")


# --- 01 ---------------------------------------------------------------------------------------

def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_sigmoid():
    assert_passes(checks.check_sigmoid(stable_sigmoid))
    assert_fails(checks.check_sigmoid(stub), "not attempted")
    assert_fails(checks.check_sigmoid(lambda z: 1 / (1 + np.exp(z))), "flipped")
    assert_fails(checks.check_sigmoid(lambda z: np.exp(z) / (1 + np.exp(z))), "NaN or inf")
    assert_fails(checks.check_sigmoid(lambda z: np.tanh(z)), "expected")
    assert_fails(checks.check_sigmoid(lambda z: float(stable_sigmoid(z)[0])), "shape")


def good_bce(y, z):
    return np.mean(np.logaddexp(0, z) - y * z)


def test_bce_from_logits():
    assert_passes(checks.check_bce_from_logits(good_bce))
    assert_fails(checks.check_bce_from_logits(stub), "not attempted")
    naive = lambda y, z: -np.mean(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))))
    assert_fails(checks.check_bce_from_logits(naive), "NaN/inf")
    assert_fails(checks.check_bce_from_logits(lambda y, z: -good_bce(y, z)), "negative loss")
    assert_fails(checks.check_bce_from_logits(lambda y, z: np.sum(np.logaddexp(0, z) - y * z)), "sum")
    assert_fails(checks.check_bce_from_logits(lambda y, z: good_bce(1 - y, z)), "swapped")
    assert_fails(checks.check_bce_from_logits(lambda y, z: np.logaddexp(0, z) - y * z), "shape")


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


def good_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_softmax():
    assert_passes(checks.check_softmax(good_softmax))
    assert_fails(checks.check_softmax(stub), "not attempted")
    assert_fails(checks.check_softmax(lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)), "NaN or inf")
    def wrong_axis(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    assert_fails(checks.check_softmax(wrong_axis), "sum to 1")
    assert_fails(checks.check_softmax(lambda z: good_softmax(z)[:, :2]), "shape")


def test_a_crashing_answer_is_reported_in_one_line():
    result = checks.check_softmax(lambda z: z.nonexistent)
    assert_fails(result, "raised AttributeError")


@pytest.mark.parametrize("name", [n for n in dir(checks) if n.startswith("check_")])
def test_every_checker_reports_the_stub_as_not_attempted(name):
    result = getattr(checks, name)(stub)
    assert not result and result.message == checks.NOT_ATTEMPTED
