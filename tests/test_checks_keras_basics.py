"""Checkers of 00 · Keras in ten minutes: right answers pass, the stub and wrong answers fail."""
import keras
import numpy as np
from keras import layers

from course_utils import checks
from test_checks_core import assert_fails, assert_passes, stub


def test_dense_param_count():
    assert_passes(checks.check_dense_param_count(lambda n_in, n_out: n_in * n_out + n_out))
    assert_fails(checks.check_dense_param_count(stub), "not attempted")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: n_in * n_out), "not the biases")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: (n_in + 1) * (n_out + 1)), "expected")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: None), "return")
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: [n_in * n_out, n_out]), "one whole number")


def test_dense_param_count_for_the_notebook_sizes_only():
    notebook_sizes = {(784, 128): 100_480, (128, 10): 1_290}
    assert_fails(checks.check_dense_param_count(lambda n_in, n_out: notebook_sizes.get((n_in, n_out), 0)), "(3, 1)")


def classifier(hidden=128, activation="relu", out_activation="softmax"):
    return keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(),
                             layers.Dense(hidden, activation=activation), layers.Dense(10, activation=out_activation)])


def test_classifier():
    assert_passes(checks.check_classifier(classifier))
    assert_fails(checks.check_classifier(stub), "not attempted")
    assert_fails(checks.check_classifier(lambda: classifier(out_activation=None)), "softmax")
    assert_fails(checks.check_classifier(lambda: classifier(hidden=64)), "[64, 10]")
    assert_fails(checks.check_classifier(lambda: classifier(activation="sigmoid")), "'sigmoid'")
    assert_fails(checks.check_classifier(lambda: keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10)])),
                 "cannot take a batch")
    assert_fails(checks.check_classifier(lambda: "model"), "keras.Model")


def test_classifier_with_a_separate_relu_layer_passes_and_without_relu_fails():
    def separate_relu(activation_layer):
        inputs = keras.Input(shape=(28, 28))
        hidden = activation_layer(layers.Dense(128)(layers.Flatten()(inputs)))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(hidden))

    assert_passes(checks.check_classifier(lambda: separate_relu(layers.ReLU())))
    assert_passes(checks.check_classifier(lambda: separate_relu(layers.Activation("relu"))))
    assert_fails(checks.check_classifier(lambda: classifier(activation=None)), "ReLU")


def two_input(use_extra=True, use_image=True, n_inputs=2):
    pixels, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
    parts = []
    if use_image:
        parts.append(layers.Dense(16, activation="relu")(layers.Flatten()(pixels)))
    if use_extra:
        parts.append(extra)
    merged = layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    outputs = layers.Dense(10, activation="softmax")(merged)
    if not use_image:
        return keras.Model(extra, outputs)
    return keras.Model([pixels, extra] if n_inputs == 2 else pixels, outputs)


def test_two_input_model():
    assert_passes(checks.check_two_input_model(two_input))
    assert_fails(checks.check_two_input_model(stub), "not attempted")
    assert_fails(checks.check_two_input_model(lambda: two_input(use_extra=False, n_inputs=1)), "1 input(s)")
    assert_fails(checks.check_two_input_model(lambda: two_input(use_image=False)), "1 input(s)")


def test_two_input_model_other_right_ways_pass():
    def with_ops_and_a_sequential_branch():             # a nested Sequential branch, keras.ops.concatenate
        image, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        features = keras.Sequential([layers.Flatten(), layers.Dense(32, activation="relu")])(image)
        merged = keras.ops.concatenate([extra, features], axis=-1)
        return keras.Model([extra, image], layers.Dense(10, activation="softmax")(merged))

    def two_dense_layers_and_a_dense_on_the_numbers():
        image, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        features = layers.Dense(32, activation="relu")(layers.Dense(64, activation="relu")(layers.Flatten()(image)))
        merged = layers.concatenate([features, layers.Dense(4)(extra)])
        hidden = layers.Dense(16, activation="relu")(merged)
        return keras.Model([image, extra], layers.Dense(10, activation="softmax")(hidden))

    assert_passes(checks.check_two_input_model(with_ops_and_a_sequential_branch))
    assert_passes(checks.check_two_input_model(two_dense_layers_and_a_dense_on_the_numbers))


def test_two_input_model_without_a_dense_layer_before_the_concatenation_fails():
    def dense_after_concatenating():                    # the flattened pixels go straight into Concatenate
        image, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        merged = layers.Concatenate()([layers.Flatten()(image), extra])
        hidden = layers.Dense(64, activation="relu")(merged)
        return keras.Model([image, extra], layers.Dense(10, activation="softmax")(hidden))

    result = checks.check_two_input_model(dense_after_concatenating)
    assert_fails(result, "the flattened image goes into Concatenate without a Dense layer")
    assert len(result.message) <= 200


def test_two_input_model_that_adds_instead_of_concatenating_fails():
    def added():   # Add needs equal widths: a Dense(2) on the image, linear (two ReLU units were both dead on
        image, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))   # 6 of 40 draws: the image unused)
        features = layers.Dense(2)(layers.Flatten()(image))
        merged = layers.Add()([features, extra])
        return keras.Model([image, extra], layers.Dense(10, activation="softmax")(merged))

    def added_with_plus():                              # the same with +, and a Dense on each input
        image, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        features = layers.Dense(64, activation="relu")(layers.Flatten()(image)) + layers.Dense(64)(extra)
        return keras.Model([image, extra], layers.Dense(10, activation="softmax")(features))

    for make in (added, added_with_plus):
        result = checks.check_two_input_model(make)
        assert_fails(result, "joined with Add")
        assert "layers.Concatenate()" in result.message and len(result.message) <= 200


def test_two_input_model_that_ignores_an_input():
    def ignores_extra():
        pixels, extra = keras.Input(shape=(28, 28)), keras.Input(shape=(2,))
        hidden = layers.Dense(8, activation="relu")(layers.Flatten()(pixels))
        unused = layers.Dense(1)(extra)   # connected but multiplied by zero below
        merged = layers.Concatenate()([hidden, layers.Lambda(lambda t: 0.0 * t)(unused)])
        return keras.Model([pixels, extra], layers.Dense(10, activation="softmax")(merged))

    assert_fails(checks.check_two_input_model(ignores_extra), "(2,) input does not change")


SHAPES = {"pixels": (None, 784), "shared": (None, 128), "item": (None, 10), "shared_and_item": (None, 138),
          "group": (None, 3)}


def test_predicted_output_shapes():
    assert_passes(checks.check_predicted_output_shapes(lambda: dict(SHAPES)))
    assert_passes(checks.check_predicted_output_shapes(lambda: SHAPES | {"item": [None, 10], "image": (None, 28, 28)}))
    assert_fails(checks.check_predicted_output_shapes(stub), "not attempted")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"pixels": (784,)}), "the batch axis")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"shared": (32, 128)}), "write None")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"pixels": (None, 28, 28)}), "Flatten")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"shared_and_item": (None, 128)}),
                 "widths add up")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"group": (None, 10)}), "one number per unit")


def test_predicted_output_shapes_with_missing_layers_or_no_shapes_fails():
    assert_fails(checks.check_predicted_output_shapes(lambda: {"pixels": (None, 784)}), "no prediction for 'shared'")
    assert_fails(checks.check_predicted_output_shapes(lambda: SHAPES | {"group": 3}), "is not a shape")
    assert_fails(checks.check_predicted_output_shapes(lambda: list(SHAPES.values())), "returned a list")


def test_the_checker_knows_the_model_that_notebook_00_builds():
    from course_utils.checks import keras_basics
    from tools import nbtools

    nb = nbtools.read(nbtools.NOTEBOOK_DIR / "00_getting_started.ipynb")
    cell = next(c for c in nbtools.code_cells(nb) if "two_output_model = keras.Model(" in c.source)
    namespace = {"keras": keras, "layers": layers, "np": np, "cu": __import__("course_utils")}
    exec(cell.source, namespace)
    built, reference = namespace["two_output_model"], keras_basics._two_output_model()
    assert [(layer.name, tuple(layer.output.shape)) for layer in built.layers] == \
           [(layer.name, tuple(layer.output.shape)) for layer in reference.layers]
    assert {name: tuple(built.get_layer(name).output.shape) for name in SHAPES} == SHAPES
