"""Checkers of 10 · Explainability: right answers pass, the stub and wrong answers of each kind fail."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import checks
from course_utils.checks import explainability
from test_checks_core import assert_fails, assert_passes, stub


def gradient(model, images, class_index, score=None):
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = model(x)
        value = score(out) if score else tf.reduce_sum(out * tf.one_hot(class_index, out.shape[-1]), axis=1)
    return tape.gradient(value, x).numpy()


def one_hot_saliency(model, images, class_index):        # another right way: a one-hot mask instead of gather
    return np.abs(gradient(model, images, class_index)).max(axis=-1)


def loop_saliency(model, images, class_index):           # one image at a time
    maps = []
    for image, c in zip(images, class_index):
        x = tf.convert_to_tensor(image[None])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = model(x)[0, int(c)]
        maps.append(np.abs(tape.gradient(y, x).numpy()[0]).max(axis=-1))
    return np.stack(maps)


def test_saliency_right_answers_pass():
    assert_passes(checks.check_saliency_map(one_hot_saliency))
    assert_passes(checks.check_saliency_map(loop_saliency))
    assert_passes(checks.check_saliency_map(explainability.saliency_map))
    as_tensor = lambda model, images, class_index: tf.constant(one_hot_saliency(model, images, class_index))
    assert_passes(checks.check_saliency_map(as_tensor))


def test_saliency_stub_and_none_are_not_attempted():
    assert_fails(checks.check_saliency_map(stub), "not attempted")
    assert_fails(checks.check_saliency_map(lambda model, images, class_index: None), "forget `return`")


@pytest.mark.parametrize("wrong, says", [
    (lambda m, x, c: gradient(m, x, c).max(axis=-1), "take np.abs"),
    (lambda m, x, c: np.abs(gradient(m, x, c)).mean(axis=-1), "channels are averaged"),
    (lambda m, x, c: np.abs(gradient(m, x, c)).sum(axis=-1), "channels are summed"),
    (lambda m, x, c: np.abs(gradient(m, x, np.full_like(c, c[0]))).max(axis=-1), "class_index[0]"),
    (lambda m, x, c: np.abs(gradient(m, x, np.argmax(m(x), axis=-1))).max(axis=-1), "predicted class"),
    (lambda m, x, c: np.abs(gradient(m, x, c, score=lambda out: tf.reduce_sum(out, axis=1))).max(axis=-1),
     "sum of all class scores"),
    (lambda m, x, c: np.abs(gradient(m, x, c)), "reduce the channel axis"),
    (lambda m, x, c: np.abs(gradient(m, x, c)).max(axis=-1) * 2, "expected"),
    (lambda m, x, c: np.ones(x.shape[:3]), "expected"),                           # hard-coded
    (lambda m, x, c: list(np.abs(gradient(m, x, c)).max(axis=-1)), "expected a NumPy array"),
], ids=["signed", "channel-mean", "channel-sum", "first-class", "predicted", "all-classes", "no-reduction",
        "scaled", "constant", "list"])
def test_saliency_wrong_answers_fail_with_a_hint(wrong, says):
    assert_fails(checks.check_saliency_map(wrong), says)


def test_saliency_that_changes_the_images_in_place_fails():
    def in_place(model, images, class_index):
        images -= images.mean()
        return one_hot_saliency(model, images, class_index)

    assert_fails(checks.check_saliency_map(in_place), "in place")


def vectorized_cam(feature_maps, gradients):
    alpha = np.einsum("nhwk->nk", gradients) / (gradients.shape[1] * gradients.shape[2])
    return np.clip(np.einsum("nk,nhwk->nhw", alpha, feature_maps), 0, None)


def test_grad_cam_right_answers_pass():
    assert_passes(checks.check_grad_cam_map(vectorized_cam))
    assert_passes(checks.check_grad_cam_map(explainability.grad_cam_map))


def test_grad_cam_stub_is_not_attempted():
    assert_fails(checks.check_grad_cam_map(stub), "not attempted")


@pytest.mark.parametrize("wrong, says", [
    (lambda a, g: (g.mean(axis=(1, 2), keepdims=True) * a).sum(axis=-1), "apply a ReLU"),
    (lambda a, g: np.maximum((g.sum(axis=(1, 2), keepdims=True) * a).sum(axis=-1), 0), "average instead"),
    (lambda a, g: np.maximum((g * a).sum(axis=-1), 0), "its own gradient"),
    (lambda a, g: np.maximum((g.mean(axis=(0, 1, 2), keepdims=True) * a).sum(axis=-1), 0), "whole batch"),
    (lambda a, g: np.maximum((a.mean(axis=(1, 2), keepdims=True) * a).sum(axis=-1), 0), "comes from the feature maps"),
    (lambda a, g: np.maximum(a.sum(axis=-1), 0), "without weights"),
    (lambda a, g: np.maximum(g.mean(axis=(1, 2), keepdims=True) * a, 0), "one (height, width) map per image"),
    (lambda a, g: np.zeros(a.shape[:3]), "expected"),
], ids=["no-relu", "sum", "per-position", "batch-mean", "from-maps", "unweighted", "no-sum", "constant"])
def test_grad_cam_wrong_answers_fail_with_a_hint(wrong, says):
    assert_fails(checks.check_grad_cam_map(wrong), says)


def test_grad_cam_that_changes_its_input_in_place_fails():
    def in_place(feature_maps, gradients):
        gradients /= gradients.shape[1] * gradients.shape[2]
        return explainability.grad_cam_map(feature_maps, gradients * gradients.shape[1] * gradients.shape[2])

    assert_fails(checks.check_grad_cam_map(in_place), "in place")


def test_name_the_maps():
    assert_passes(checks.check_name_the_maps(explainability.name_the_maps))
    assert_fails(checks.check_name_the_maps(stub), "not attempted")
    swapped = {"A": "saliency", "B": "Grad-CAM", "C": "integrated gradients", "D": "SmoothGrad"}
    assert_fails(checks.check_name_the_maps(lambda: swapped), "2 of 4 wrong; A is not 'saliency'")
    assert_fails(checks.check_name_the_maps(lambda: {"A": "Grad-CAM"}), "name one method for each")
    twice = {"A": "Grad-CAM", "B": "Grad-CAM", "C": "saliency", "D": "SmoothGrad"}
    assert_fails(checks.check_name_the_maps(lambda: twice), "is given to A and B")


def test_mystery_maps_have_the_features_the_hints_describe():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(x)))
    image = np.zeros((28, 28, 1), "float32")
    image[6:22, 8:20] = 0.8
    maps = explainability.mystery_maps(model, image, 1)
    truth = explainability.name_the_maps()
    by_method = {truth[label]: value for label, value in maps.items()}
    assert set(maps) == {"A", "B", "C", "D"} and all(m.shape == (28, 28) for m in maps.values())
    assert np.all(by_method["integrated gradients"][image[..., 0] == 0] == 0)   # zero on the black background
    assert by_method["Grad-CAM"].max() == pytest.approx(1.0)
