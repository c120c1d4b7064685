"""Checkers of 08 · Generative adversarial networks: right answers pass, the stub and wrong answers fail."""
import random

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from course_utils import checks
from course_utils.checks import gan
from test_checks_core import assert_fails, assert_passes, stub


# --- check_gan_losses ----------------------------------------------------------------------------

def softplus_gan_losses(real_logits, fake_logits):   # as 08 writes it: 0-d tensors
    discriminator_loss = (tf.reduce_mean(tf.math.softplus(-real_logits)) +
                          tf.reduce_mean(tf.math.softplus(fake_logits)))
    return discriminator_loss, tf.reduce_mean(tf.math.softplus(-fake_logits))


def numpy_gan_losses(real_logits, fake_logits):
    real, fake = np.asarray(real_logits), np.asarray(fake_logits)
    return (np.mean(np.logaddexp(0, -real)) + np.mean(np.logaddexp(0, fake)),
            np.mean(np.logaddexp(0, -fake)))


def keras_gan_losses(real_logits, fake_logits):   # computed in float32 whatever the logits
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return (bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits),
            bce(tf.ones_like(fake_logits), fake_logits))


def sigmoid_cross_entropy_gan_losses(real_logits, fake_logits):
    def bce(label, logits):
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(label * tf.ones_like(logits), logits))

    return float(bce(1.0, real_logits) + bce(0.0, fake_logits)), float(bce(1.0, fake_logits))


def test_gan_losses_right_answers_pass():
    assert_passes(checks.check_gan_losses(softplus_gan_losses))
    assert_passes(checks.check_gan_losses(numpy_gan_losses))
    assert_passes(checks.check_gan_losses(keras_gan_losses))
    assert_passes(checks.check_gan_losses(sigmoid_cross_entropy_gan_losses))
    assert_passes(checks.check_gan_losses(lambda real, fake: list(numpy_gan_losses(real, fake))))
    assert_passes(checks.check_gan_losses(lambda real, fake: np.array(numpy_gan_losses(real, fake))))
    assert_fails(checks.check_gan_losses(gan.gan_losses), "course's own")


def test_gan_losses_reference_is_keras_binary_cross_entropy_and_finite():
    bce = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    rng = np.random.default_rng(2)
    real, fake = rng.normal(1.0, 3.0, (7, 1)), np.array([[-1000.0], [1000.0], [0.5]])
    d, g = gan.gan_losses(real, fake)
    assert d.shape == () and g.shape == () and d.dtype == tf.float64
    assert float(d) == pytest.approx(float(bce(np.ones_like(real), real) + bce(np.zeros_like(fake), fake)), rel=1e-12)
    assert float(g) == pytest.approx(float(bce(np.ones_like(fake), fake)), rel=1e-12)
    assert float(g) == pytest.approx((1000.0 + np.log1p(np.exp(-0.5))) / 3, rel=1e-12)     # softplus(−x) of each


def test_gan_losses_stub_none_and_wrong_kinds_of_result_fail():
    assert_fails(checks.check_gan_losses(stub), "not attempted")
    assert_fails(checks.check_gan_losses(checks.solved_or_reference(stub, "gan_losses")), "not attempted")
    assert_fails(checks.check_gan_losses(lambda real, fake: None), "forget `return`")
    assert_fails(checks.check_gan_losses(lambda real, fake: numpy_gan_losses(real, fake)[0]),
                 "return two numbers, (discriminator_loss, generator_loss)")
    assert_fails(checks.check_gan_losses(lambda real, fake: (*numpy_gan_losses(real, fake), 0.0)), "returned 3 values")


def test_gan_losses_returning_arrays_instead_of_numbers_fails():
    def per_example(real_logits, fake_logits):    # no mean: one loss per logit
        return np.logaddexp(0, -real_logits) + np.logaddexp(0, fake_logits), np.logaddexp(0, -fake_logits)

    assert_fails(checks.check_gan_losses(per_example), "has shape (8, 1), expected one number: take the mean")

    def mean_over_axis_0(real_logits, fake_logits):
        d, g = softplus_gan_losses(real_logits, fake_logits)
        return tf.reshape(d, (1,)), tf.reshape(g, (1,))

    assert_fails(checks.check_gan_losses(mean_over_axis_0), "has shape (1,), expected one number")


def softplus(x):
    return np.logaddexp(0, x)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def bce_as_probabilities(label, logits):   # Keras' BinaryCrossentropy() without from_logits=True
    return keras.losses.BinaryCrossentropy()(np.full(np.shape(logits), label), logits)


@pytest.mark.parametrize("wrong, fragment", [
    (lambda r, f: (softplus(-r).mean() + softplus(f).mean(), -softplus(f).mean()),
     "the saturating mean log(1 − D(G(z)))"),
    (lambda r, f: (softplus(-r).mean() + softplus(f).mean(), softplus(f).mean()), "BCE(fake labelled 0), the "
                                                                                   "discriminator's fake term"),
    (lambda r, f: (softplus(r).mean() + softplus(-f).mean(), softplus(-f).mean()), "the labels are swapped"),
    (lambda r, f: ((softplus(-r).mean() + softplus(f).mean()) / 2, softplus(-f).mean()), "the two terms are averaged"),
    (lambda r, f: (np.concatenate([softplus(-r), softplus(f)]).mean(), softplus(-f).mean()),
     "one mean taken over both batches"),
    (lambda r, f: (softplus(-r).mean(), softplus(-f).mean()), "the fake term is missing"),
    (lambda r, f: (softplus(-r).sum() + softplus(f).sum(), softplus(-f).mean()), "sums over the batches"),
    (lambda r, f: (softplus(-sigmoid(r)).mean() + softplus(sigmoid(f)).mean(), softplus(-sigmoid(f)).mean()),
     "sigmoid applied twice"),
    (lambda r, f: (bce_as_probabilities(1, r) + bce_as_probabilities(0, f), bce_as_probabilities(1, f)),
     "from_logits=False"),
    (lambda r, f: (softplus(-r).mean() + softplus(f).mean(), -softplus(-r).mean() - softplus(f).mean()),
     "minus the discriminator's loss"),
    (lambda r, f: (softplus(-r).mean() + softplus(f).mean(), softplus(-r).mean()), "uses the real logits"),
    (lambda r, f: (softplus(-r).mean() + softplus(f).mean(), softplus(-f).sum()), "a sum over the batch"),
    (lambda r, f: numpy_gan_losses(r, f)[::-1], "the two losses are swapped"),
], ids=["saturating", "saturating-negated", "labels-swapped", "averaged", "one-mean", "no-fake-term", "sums",
        "sigmoid-twice", "from-logits-false", "minimax", "real-logits", "generator-sum", "order"])
def test_gan_losses_wrong_formulas_fail_with_their_hint(wrong, fragment):
    assert_fails(checks.check_gan_losses(lambda real_logits, fake_logits: wrong(np.asarray(real_logits),
                                                                               np.asarray(fake_logits))), fragment)


def test_gan_losses_one_mean_over_unequal_batches_is_named():
    def one_mean(real_logits, fake_logits):   # right when both batches have the same size
        r, f = np.asarray(real_logits), np.asarray(fake_logits)
        if r.size == f.size:
            return numpy_gan_losses(r, f)
        return np.concatenate([softplus(-r).ravel(), softplus(f).ravel()]).mean(), softplus(-f).mean()

    assert_fails(checks.check_gan_losses(one_mean), "one mean over the real and fake batches together")


def test_gan_losses_naive_log_sigmoid_fails_on_large_logits_without_printing():
    def naive_numpy(real_logits, fake_logits):   # overflows: NumPy warns (not shown), and log(0) = -inf
        r, f = np.asarray(real_logits), np.asarray(fake_logits)
        return (-np.mean(np.log(sigmoid(r))) - np.mean(np.log(1 - sigmoid(f))), -np.mean(np.log(sigmoid(f))))

    result = checks.check_gan_losses(naive_numpy)
    assert_fails(result, "for logits of ±50 and ±200, float32: a naive log(sigmoid(x)) is log(0)")
    assert "softplus" in result.message and "printed" not in result.message

    def naive_tensorflow(real_logits, fake_logits):
        log_d = lambda x: tf.math.log(tf.sigmoid(x))
        return (-tf.reduce_mean(log_d(real_logits)) - tf.reduce_mean(tf.math.log(1 - tf.sigmoid(fake_logits))),
                -tf.reduce_mean(log_d(fake_logits)))

    assert_fails(checks.check_gan_losses(naive_tensorflow), "a naive log(sigmoid(x)) is log(0)")

    def clipped(real_logits, fake_logits):        # finite, but capped at −log(1e-7) ≈ 16
        p_real = np.clip(sigmoid(np.asarray(real_logits, np.float64)), 1e-7, 1 - 1e-7)
        p_fake = np.clip(sigmoid(np.asarray(fake_logits, np.float64)), 1e-7, 1 - 1e-7)
        return -np.mean(np.log(p_real)) - np.mean(np.log(1 - p_fake)), -np.mean(np.log(p_fake))

    with np.errstate(over="ignore"):
        assert_fails(checks.check_gan_losses(clipped), "(right for moderate logits): a clip or an ε caps the loss")


def test_gan_losses_in_float64_is_compared_to_float64_precision():
    slightly_off = lambda real, fake: tuple(loss * (1 + 1e-6) for loss in numpy_gan_losses(real, fake))
    assert_fails(checks.check_gan_losses(slightly_off), "for 5 real and 12 fake logits, float64: close, not exact")


def test_gan_losses_as_tensors_passes_and_tensor_inputs_are_given():
    assert_passes(checks.check_gan_losses(softplus_gan_losses))
    assert any(as_tensors for _, _, _, as_tensors, _ in gan._loss_cases())

    def numpy_only(real_logits, fake_logits):     # tf tensors have no .astype
        return numpy_gan_losses(real_logits.astype(np.float64), fake_logits.astype(np.float64))

    assert_fails(checks.check_gan_losses(numpy_only), "raised AttributeError for 6 real and 4 fake logits as tf "
                                                      "tensors")
    assert_fails(checks.check_gan_losses(numpy_only), "the logits may be TensorFlow tensors")


def test_gan_losses_changing_the_logits_in_place_fails():
    def negated_in_place(real_logits, fake_logits):
        real_logits *= -1                     # softplus(x) of the negated logits, in the caller's array
        return softplus(real_logits).mean() + softplus(fake_logits).mean(), softplus(-fake_logits).mean()

    assert_fails(checks.check_gan_losses(negated_in_place), "changed its argument `real_logits` in place")


def test_gan_losses_cases_are_read_only_and_tell_the_mistakes_apart():
    cases = gan._loss_cases()
    assert all(not real.flags.writeable and not fake.flags.writeable for _, real, fake, _, _ in cases)
    assert {real.dtype for _, real, _, _, _ in cases} == {np.dtype(np.float32), np.dtype(np.float64)}
    assert any(real.size != fake.size for _, real, fake, _, _ in cases)
    assert any(np.abs(real).max() >= 200 for _, real, _, _, _ in cases)
    for _, real, fake, _, _ in cases[:1]:           # the first case already tells every mistake from the answer
        d, g = gan._expected_losses(real, fake)
        assert all(abs(wrong - d) > 1e-3 * abs(d) for wrong, _ in gan._discriminator_mistakes(real, fake)[:2])
        assert all(abs(wrong - g) > 1e-3 * abs(g) for wrong, _ in gan._generator_mistakes(real, fake))


# --- check_discriminator_step and check_generator_step ------------------------------------------

def d_loss(real_logits, fake_logits):
    return tf.reduce_mean(tf.math.softplus(-real_logits)) + tf.reduce_mean(tf.math.softplus(fake_logits))


def g_loss(fake_logits):
    return tf.reduce_mean(tf.math.softplus(-fake_logits))


def discriminator_step(generator, discriminator, optimizer, real_images, noise):
    with tf.GradientTape() as tape:
        loss = d_loss(discriminator(real_images), discriminator(generator(noise)))
    gradients = tape.gradient(loss, discriminator.trainable_weights)
    optimizer.apply_gradients(zip(gradients, discriminator.trainable_weights))
    return loss


def generator_step(generator, discriminator, optimizer, noise):
    with tf.GradientTape() as tape:
        loss = g_loss(discriminator(generator(noise)))
    optimizer.apply(tape.gradient(loss, generator.trainable_weights), generator.trainable_weights)   # Keras 3's API
    return float(loss)


def a_step(which, loss=None, weights=None, sign=1.0, apply=True, after=False, learning_rate=None):
    """A version of ``which``'s step with one thing changed: the loss it minimises, the weights it moves, the sign
    of the gradients, whether it applies them, whether it returns the loss after the update, its own SGD."""
    loss = loss or ((lambda r, f: d_loss(r, f)) if which == "discriminator" else (lambda r, f: g_loss(f)))
    weights = weights or (lambda generator, discriminator: (discriminator if which == "discriminator"
                                                            else generator).trainable_weights)

    def step(generator, discriminator, optimizer, *data):
        real_images, noise = data if which == "discriminator" else (None, data[0])

        def value():
            fake_logits = discriminator(generator(noise))
            return loss(discriminator(real_images) if real_images is not None else fake_logits, fake_logits)

        with tf.GradientTape() as tape:
            computed = value()
        variables = weights(generator, discriminator)
        gradients = tape.gradient(computed, variables)
        if apply:
            used = optimizer if learning_rate is None else keras.optimizers.SGD(learning_rate=learning_rate)
            used.apply_gradients(zip([sign * g for g in gradients], variables))
        return value() if after else computed

    return step


def test_step_right_answers_pass():
    assert_passes(checks.check_discriminator_step(discriminator_step))
    assert_passes(checks.check_generator_step(generator_step))
    assert_passes(checks.check_discriminator_step(a_step("discriminator")))
    assert_passes(checks.check_generator_step(a_step("generator")))
    assert_fails(checks.check_discriminator_step(gan.discriminator_step), "course's own")
    assert_fails(checks.check_generator_step(gan.generator_step), "course's own")


def test_step_returning_tensors_or_numbers_passes():
    numpy_loss = lambda *args: discriminator_step(*args).numpy()
    assert_passes(checks.check_discriminator_step(numpy_loss))
    tensor_loss = lambda generator, discriminator, optimizer, noise: tf.constant(
        generator_step(generator, discriminator, optimizer, noise))
    assert_passes(checks.check_generator_step(tensor_loss))


def test_step_stub_none_and_wrong_kinds_of_result_fail():
    assert_fails(checks.check_discriminator_step(stub), "not attempted")
    assert_fails(checks.check_generator_step(stub), "not attempted")
    assert_fails(checks.check_discriminator_step(checks.solved_or_reference(stub, "discriminator_step")),
                 "not attempted")
    assert_fails(checks.check_generator_step(checks.solved_or_reference(stub, "generator_step")), "not attempted")

    def no_return(generator, discriminator, optimizer, real_images, noise):
        discriminator_step(generator, discriminator, optimizer, real_images, noise)

    assert_fails(checks.check_discriminator_step(no_return), "forget `return`")

    def per_example(generator, discriminator, optimizer, noise):
        generator_step(generator, discriminator, optimizer, noise)
        return tf.math.softplus(-discriminator(generator(noise)))

    assert_fails(checks.check_generator_step(per_example), "has shape (7, 1), expected one number")


both = lambda generator, discriminator: generator.trainable_weights + discriminator.trainable_weights


@pytest.mark.parametrize("step, fragment", [
    (a_step("discriminator", weights=both), "the discriminator step also moved the generator's "
                                            "`generator/hidden/kernel`"),
    (a_step("discriminator", apply=False), "no weight moved: apply the gradients"),
    (a_step("discriminator", weights=lambda generator, discriminator: discriminator.layers[-1].trainable_weights),
     "`discriminator/hidden/kernel` did not move"),
    (a_step("discriminator", sign=-1.0), "the discriminator's update is gradient ascent"),
    (a_step("discriminator", after=True), "is the loss after the update"),
    (a_step("discriminator", loss=lambda r, f: d_loss(r, f) / 2), "the discriminator's two terms are averaged"),
    (a_step("discriminator", loss=lambda r, f: d_loss(-r, -f)), "the labels are swapped"),
    (a_step("discriminator", learning_rate=0.1), "moved by 0.1 × gradient, not learning_rate × gradient = 0.5"),
    (a_step("discriminator", weights=lambda generator, discriminator: generator.trainable_weights),
     "moved the generator's weights instead of the discriminator's"),
], ids=["moves-generator", "nothing", "partly", "ascent", "loss-after", "averaged", "labels-swapped", "own-optimizer",
        "wrong-network"])
def test_discriminator_step_mistakes_fail_with_their_hint(step, fragment):
    assert_fails(checks.check_discriminator_step(step), fragment)


@pytest.mark.parametrize("step, fragment", [
    (a_step("generator", weights=both), "the generator step also moved the discriminator's"),
    (a_step("generator", weights=lambda generator, discriminator: discriminator.trainable_weights),
     "moved the discriminator's weights instead of the generator's"),
    (a_step("generator", loss=lambda r, f: -tf.reduce_mean(tf.math.softplus(f))),
     "the saturating mean log(1 − D(G(z)))"),
    (a_step("generator", loss=lambda r, f: tf.reduce_mean(tf.math.softplus(f))), "BCE(fake labelled 0)"),
    (a_step("generator", sign=-1.0), "the generator's update is gradient ascent"),
    (a_step("generator", after=True), "is the loss after the update"),
    (a_step("generator", apply=False), "no weight moved"),
    (a_step("generator", loss=lambda r, f: tf.reduce_mean(tf.math.log(tf.sigmoid(f)))), "minus the generator's loss"),
], ids=["moves-discriminator", "wrong-network", "saturating", "fake-labelled-0", "ascent", "loss-after", "nothing",
        "log-d-minimised"])
def test_generator_step_mistakes_fail_with_their_hint(step, fragment):
    assert_fails(checks.check_generator_step(step), fragment)


def test_saturating_update_with_the_right_loss_returned_is_named():
    def mixed(generator, discriminator, optimizer, noise):   # reports the right loss, follows the saturating one
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(noise))
            saturating = -tf.reduce_mean(tf.math.softplus(fake_logits))
        optimizer.apply_gradients(zip(tape.gradient(saturating, generator.trainable_weights),
                                      generator.trainable_weights))
        return g_loss(fake_logits)

    assert_fails(checks.check_generator_step(mixed), "the generator's update follows the wrong loss: that is the "
                                                     "saturating mean")


def test_step_changing_its_inputs_in_place_fails():
    def shifted(generator, discriminator, optimizer, real_images, noise):
        loss = discriminator_step(generator, discriminator, optimizer, real_images, noise)
        real_images += 0.1            # the caller's batch, changed
        return loss

    assert_fails(checks.check_discriminator_step(shifted), "changed its argument `real_images` in place")

    def scaled(generator, discriminator, optimizer, noise):
        noise *= 2.0
        return generator_step(generator, discriminator, optimizer, noise)

    assert_fails(checks.check_generator_step(scaled), "changed its argument `noise` in place")


def test_step_expectations_are_one_keras_sgd_step_and_tell_the_mistakes_apart():
    for which in ("discriminator", "generator"):
        generator, discriminator = gan._gan_models()
        trained = discriminator if which == "discriminator" else generator
        real, noise = gan._step_inputs()
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(noise))
            loss = d_loss(discriminator(real), fake_logits) if which == "discriminator" else g_loss(fake_logits)
        keras.optimizers.SGD(learning_rate=0.5).apply_gradients(
            zip(tape.gradient(loss, trained.trainable_weights), trained.trainable_weights))
        expected = gan._expected_step(which)
        assert float(loss) == pytest.approx(expected["loss"], rel=1e-6)
        after = [v.numpy() for v in trained.trainable_weights]
        for got, right, start in zip(after, expected["updates"]["right"], expected["start"]):
            np.testing.assert_allclose(got, right, rtol=1e-6, atol=1e-7)
            assert np.all(got != start)                          # every weight, every entry moves
        for name, update in expected["updates"].items():         # each mistake is told from the right update
            assert name == "right" or any(not checks.core._close(u, r, True)
                                          for u, r in zip(update, expected["updates"]["right"]))
        assert abs(gan._loss_now(which, generator, discriminator) - expected["loss"]) > 1e-3


def test_step_checks_leave_the_learner_s_random_state_and_layer_names_alone():
    gan._expected_step.cache_clear()
    first = layers.Dense(1).name                  # a Dense layer draws its initializer's seed from Python's random
    state, numpy_state = random.getstate(), np.random.get_state()
    assert_passes(checks.check_discriminator_step(discriminator_step))
    assert_passes(checks.check_generator_step(generator_step))
    assert random.getstate() == state and np.array_equal(np.random.get_state()[1], numpy_state[1])
    second = layers.Dense(1).name
    prefix, number = first.rsplit("_", 1) if "_" in first else (first, "0")
    assert second == f"{prefix}_{int(number) + 1}", (first, second)


# --- check_name_the_runs -------------------------------------------------------------------------

def test_name_the_runs_right_and_wrong_readings():
    answer = gan.name_the_runs()
    assert sorted(answer) == ["A", "B", "C"] and sorted(answer.values()) == sorted(gan.RUN_KINDS)
    assert_passes(checks.check_name_the_runs(lambda: dict(answer)))
    assert_passes(checks.check_name_the_runs(lambda: {label: f" {kind.upper()}  " for label, kind in answer.items()}))
    assert_fails(checks.check_name_the_runs(stub), "not attempted")
    swapped = {label: {"collapsed": "healthy", "healthy": "collapsed"}.get(kind, kind) for label, kind in answer.items()}
    result = checks.check_name_the_runs(lambda: swapped)
    assert_fails(result, "2 of 3 wrong")
    assert "same image for every noise vector" in result.message
    assert_fails(checks.check_name_the_runs(lambda: dict(answer, A="overfitted")), "not one of")
    assert_fails(checks.check_name_the_runs(lambda: {"A": "collapsed"}), "one diagnosis for each")
    twice = {"A": "collapsed", "B": "collapsed", "C": "healthy"}
    assert_fails(checks.check_name_the_runs(lambda: twice), "exactly one label")
