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


# --- 02 ---------------------------------------------------------------------------------------

def good_dense_backward(upstream, x, W):
    return upstream @ W.T, x.T @ upstream, upstream.sum(axis=0)


def test_dense_backward():
    assert_passes(checks.check_dense_backward(good_dense_backward))
    assert_fails(checks.check_dense_backward(stub), "not attempted")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, (x.T @ u).T, u.sum(axis=0))), "transposed")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, u.mean(axis=0))), "sum (axis=0)")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, u.sum(axis=1))), "db has shape")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u)), "triple")


def good_momentum(theta, velocity, grad, lr, beta):
    velocity = beta * velocity - lr * grad
    return theta + velocity, velocity


def test_momentum_step():
    assert_passes(checks.check_momentum_step(good_momentum))
    assert_fails(checks.check_momentum_step(stub), "not attempted")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t + b * v + lr * g, b * v + lr * g)), "uphill")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t - lr * g, -lr * g)), "forgotten")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t + v, b * v - lr * g)), "new velocity")


def good_adam(theta, m, v, grad, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_adam_step():
    assert_passes(checks.check_adam_step(good_adam))
    assert_fails(checks.check_adam_step(stub), "not attempted")

    def no_bias_correction(theta, m, v, grad, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def uphill(*args):
        theta, m, v = good_adam(*args)
        return 2 * args[0] - theta, m, v

    assert_fails(checks.check_adam_step(no_bias_correction), "bias correction")
    assert_fails(checks.check_adam_step(uphill), "uphill")
    assert_fails(checks.check_adam_step(lambda *a: good_adam(*a)[:2]), "triple")


# --- 03 ---------------------------------------------------------------------------------------

def test_glorot_and_he_std():
    assert_passes(checks.check_glorot_std(lambda i, o: np.sqrt(2 / (i + o))))
    assert_fails(checks.check_glorot_std(stub), "not attempted")
    assert_fails(checks.check_glorot_std(lambda i, o: 2 / (i + o)), "variance")
    assert_fails(checks.check_glorot_std(lambda i, o: np.sqrt(1 / i)), "LeCun")
    assert_fails(checks.check_glorot_std(lambda i, o: None), "return")
    assert_passes(checks.check_he_std(lambda i: np.sqrt(2 / i)))
    assert_fails(checks.check_he_std(stub), "not attempted")
    assert_fails(checks.check_he_std(lambda i: np.sqrt(1 / i)), "doubles")
    assert_fails(checks.check_he_std(lambda i: 2 / i), "square root")


def good_residual(x, units):
    return layers.Add()([x, layers.Dense(units)(layers.Dense(units, activation="relu")(x))])


def test_residual_block():
    assert_passes(checks.check_residual_block(good_residual))
    assert_fails(checks.check_residual_block(stub), "not attempted")
    no_skip = lambda x, units: layers.Dense(units)(layers.Dense(units, activation="relu")(x))
    assert_fails(checks.check_residual_block(no_skip), "add the input")
    assert_fails(checks.check_residual_block(lambda x, units: layers.Dense(units * 2)(x)), "keeps the width")
    assert_fails(checks.check_residual_block(lambda x, units: None), "return")


# --- 04 ---------------------------------------------------------------------------------------

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


def good_dropout(x, rate, training, rng):
    if not training:
        return x
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def test_inverted_dropout():
    assert_passes(checks.check_inverted_dropout(good_dropout))
    assert_fails(checks.check_inverted_dropout(stub), "not attempted")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, r, True, rng)), "inference")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: good_dropout(x, 1 - r, t, rng) if t else x),
                 "to DROP")
    assert_fails(checks.check_inverted_dropout(lambda x, r, t, rng: x * (rng.random(x.shape) >= r) if t else x),
                 "not scaled")


def good_batchnorm(x, gamma, beta, eps):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def test_batchnorm_train():
    assert_passes(checks.check_batchnorm_train(good_batchnorm))
    assert_fails(checks.check_batchnorm_train(stub), "not attempted")
    layer_norm = lambda x, g, b, eps: g * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(
        x.var(axis=1, keepdims=True) + eps) + b
    assert_fails(checks.check_batchnorm_train(layer_norm), "layer norm")
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps: (x - x.mean(0)) / np.sqrt(x.var(0) + eps)), "γ")
    assert_fails(checks.check_batchnorm_train(lambda x, g, b, eps: g * (x - x.mean(0)) / x.std(0) + b), "ε")
