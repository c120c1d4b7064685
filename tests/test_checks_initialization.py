"""Checkers of 03 · Initialization: right answers pass, the stub and wrong answers fail."""
import keras
import numpy as np
from keras import layers

from course_utils import checks
from test_checks_core import assert_fails, assert_passes, stub


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
    assert_fails(checks.check_glorot_std(lambda i, o: np.sqrt(6 / (i + o))), "uniform")
    assert_fails(checks.check_he_std(lambda i: np.sqrt(6 / i)), "uniform")


def test_std_for_one_layer_shape_only_or_as_a_list_fails():
    assert_fails(checks.check_glorot_std(lambda i, o: np.sqrt(2 / (i + 256))), "expected")
    assert_fails(checks.check_he_std(lambda i: np.sqrt(2 / 784) if i == 784 else 0.1), "(256,)")
    assert_fails(checks.check_glorot_std(lambda i, o: [np.sqrt(2 / (i + o))]), "is a list, expected one number")
    assert_fails(checks.check_he_std(lambda i: np.full(1, np.sqrt(2 / i))), "expected one number")


def good_residual(x, units):
    hidden = layers.Dense(units, activation="relu", kernel_initializer="he_normal")(x)
    return layers.Add()([x, layers.Dense(units, kernel_initializer="zeros")(hidden)])


def test_residual_block():
    assert_passes(checks.check_residual_block(good_residual))
    assert_fails(checks.check_residual_block(stub), "not attempted")
    no_skip = lambda x, units: layers.Dense(units)(layers.Dense(units, activation="relu")(x))
    assert_fails(checks.check_residual_block(no_skip), "add the input")
    assert_fails(checks.check_residual_block(lambda x, units: layers.Dense(units * 2)(x)), "keeps the width")
    assert_fails(checks.check_residual_block(lambda x, units: None), "return")


def test_residual_block_with_a_separate_relu_layer_passes():
    def separate_relu(x, units):
        hidden = layers.ReLU()(layers.Dense(units, kernel_initializer="he_normal")(x))
        return layers.Add()([x, layers.Dense(units, kernel_initializer="zeros")(hidden)])

    def nested_sequential(x, units):
        correction = keras.Sequential([layers.Dense(units, kernel_initializer="he_normal"), layers.ReLU(),
                                       layers.Dense(units, kernel_initializer="zeros")])
        return x + correction(x)

    assert_passes(checks.check_residual_block(separate_relu))
    assert_passes(checks.check_residual_block(nested_sequential))


def test_residual_block_for_width_16_only_fails():
    assert_fails(checks.check_residual_block(lambda x, units: good_residual(x, 16)), "residual_block(x, 64)")


def test_residual_block_with_shared_layers_fails():
    shared = {}

    def reuses_layers(x, units):
        if units not in shared:
            shared[units] = (layers.Dense(units, activation="relu", kernel_initializer="he_normal"),
                             layers.Dense(units, kernel_initializer="zeros"))
        first, second = shared[units]
        return layers.Add()([x, second(first(x))])

    assert_fails(checks.check_residual_block(reuses_layers), "share their Dense layers")


def test_residual_block_with_misplaced_activations_fails():
    relu_after_sum = lambda x, units: layers.ReLU()(good_residual(x, units))
    assert_fails(checks.check_residual_block(relu_after_sum), "no activation after the sum")
    both_relu = lambda x, units: layers.Add()([x, layers.Dense(units, activation="relu")(
        layers.Dense(units, activation="relu")(x))])
    assert_fails(checks.check_residual_block(both_relu), "ends linear")
    linear = lambda x, units: layers.Add()([x, layers.Dense(units)(layers.Dense(units)(x))])
    assert_fails(checks.check_residual_block(linear), "no ReLU")
    one_layer = lambda x, units: layers.Add()([x, layers.Dense(units, activation="relu")(x)])
    assert_fails(checks.check_residual_block(one_layer), "1 Dense layer(s), expected 2")


def test_name_the_initializations_knows_the_curves_and_explains_a_wrong_reading():
    from course_utils.checks import initialization

    stds = initialization.mystery_activation_stds()
    answer = initialization.name_the_initializations()
    assert stds[[k for k, v in answer.items() if v == "too large"][0]][-1] > 1e6       # the curves are what they claim
    assert stds[[k for k, v in answer.items() if v == "too small"][0]][-1] < 1e-6
    he, glorot = (stds[[k for k, v in answer.items() if v == s][0]] for s in ("He", "Glorot"))
    assert 0.5 < he[-1] / he[0] < 2 and glorot[-1] / glorot[0] < 0.05
    assert_passes(checks.check_name_the_initializations(lambda: dict(answer)))
    assert_fails(checks.check_name_the_initializations(stub), "not attempted")
    swapped = dict(answer, **{k: ("Glorot" if v == "He" else "He") for k, v in answer.items() if v in ("He", "Glorot")})
    assert_fails(checks.check_name_the_initializations(lambda: swapped), "2 of 4 wrong")
    assert_fails(checks.check_name_the_initializations(lambda: dict(answer, A="Xavier")), "not one of")
    assert_fails(checks.check_name_the_initializations(lambda: {"A": "He"}), "one initialization for each")
    assert_fails(checks.check_name_the_initializations(lambda: ["He", "Glorot", "too small", "too large"]), "dict")


def test_residual_block_that_does_not_start_as_the_identity_fails():
    glorot = lambda x, units: layers.Add()([x, layers.Dense(units)(layers.Dense(units, activation="relu")(x))])
    assert_fails(checks.check_residual_block(glorot), "kernel_initializer='zeros'")
    he_zero_first = lambda x, units: layers.Add()([x, layers.Dense(units, kernel_initializer="zeros")(
        layers.Dense(units, activation="relu")(x))])
    assert_fails(checks.check_residual_block(he_zero_first), "kernel_initializer='he_normal'")
