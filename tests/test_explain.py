"""course_utils.explain: each map checked against its definition, on Sequential, Functional and nested models."""
import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from course_utils import explain

SHAPE = (12, 12, 1)


def sequential():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(SHAPE), layers.Conv2D(4, 3, padding="same", activation="relu", name="c1"),
                             layers.Conv2D(6, 3, padding="same", name="c2"), layers.ReLU(name="c2_relu"),
                             layers.GlobalAveragePooling2D(name="gap"), layers.Dense(3, activation="softmax", name="out")],
                            name="sequential_cnn")


def functional():
    keras.utils.set_random_seed(1)
    inputs = keras.Input(SHAPE)
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="f1")(inputs)
    x = layers.Conv2D(6, 3, activation="relu", name="f2")(x)
    x = layers.Flatten(name="flat")(x)
    return keras.Model(inputs, layers.Dense(3, activation="softmax", name="out")(x), name="functional_cnn")


def nested():
    """A base model (two convolutions) inside a model with its own head, and the same network built flat."""
    keras.utils.set_random_seed(2)
    base = keras.Sequential([keras.Input(SHAPE), layers.Conv2D(5, 3, activation="relu", name="b1"),
                             layers.Conv2D(7, 3, activation="relu", name="b2")], name="base")
    inputs = keras.Input(SHAPE)
    x = layers.GlobalAveragePooling2D(name="gap")(base(inputs))
    model = keras.Model(inputs, layers.Dense(3, name="out")(x), name="nested_cnn")
    flat_inputs = keras.Input(SHAPE)
    y = layers.Conv2D(5, 3, activation="relu", name="b1")(flat_inputs)
    y = layers.Conv2D(7, 3, activation="relu", name="b2")(y)
    flat = keras.Model(flat_inputs, layers.Dense(3, name="out")(layers.GlobalAveragePooling2D()(y)), name="flat")
    flat.set_weights(model.get_weights())
    return model, flat


IMAGES = np.random.default_rng(0).random((3, *SHAPE)).astype("float32")


def grad_cam_by_hand(model, layer_name, images, classes):
    probe = keras.Model(model.inputs[0], [model.get_layer(layer_name).output, model.outputs[0]])
    with tf.GradientTape() as tape:
        maps, outputs = probe(images)
        scores = tf.gather(outputs, classes, axis=1, batch_dims=1)
    weights = tf.reduce_mean(tape.gradient(scores, maps), axis=(1, 2), keepdims=True)
    cam = tf.image.resize(tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[..., None], SHAPE[:2])[..., 0].numpy()
    return cam / cam.max(axis=(1, 2), keepdims=True)


def test_last_conv_layer_is_found_in_every_kind_of_model():
    assert explain.last_conv_layer(sequential()).name == "c2_relu"     # the ReLU after the last convolution
    assert explain.last_conv_layer(functional()).name == "f2"
    assert explain.last_conv_layer(nested()[0]).name == "b2"            # inside the nested base model
    dense_only = keras.Sequential([keras.Input((4,)), layers.Dense(2)], name="dense_only")
    with pytest.raises(ValueError, match="dense_only has no Conv2D layer"):
        explain.last_conv_layer(dense_only)


@pytest.mark.parametrize("make, layer", [(sequential, "c2_relu"), (functional, "f2")])
def test_grad_cam_matches_the_definition(make, layer):
    model = make()
    classes = np.argmax(model(IMAGES), axis=1)
    cam = explain.grad_cam(model, IMAGES)
    assert cam.shape == (3, 12, 12) and cam.min() >= 0 and np.allclose(cam.max(axis=(1, 2)), 1)
    np.testing.assert_allclose(cam, grad_cam_by_hand(model, layer, IMAGES, classes), atol=1e-5)
    assert "call" not in vars(model.get_layer(layer))          # the layer is left as it was


def test_grad_cam_sees_inside_a_nested_model():
    model, flat = nested()
    np.testing.assert_allclose(explain.grad_cam(model, IMAGES, 1), grad_cam_by_hand(flat, "b2", IMAGES, [1, 1, 1]),
                               atol=1e-5)
    np.testing.assert_allclose(explain.grad_cam(model, IMAGES, 1, layer="b1"),
                               grad_cam_by_hand(flat, "b1", IMAGES, [1, 1, 1]), atol=1e-5)
    with pytest.raises(ValueError, match="no layer named 'b9'"):
        explain.grad_cam(model, IMAGES, layer="b9")


def test_saliency_is_the_gradient_of_the_class_score():
    model = functional()
    image, cls, eps = IMAGES[:1].astype("float64"), 2, 1e-3
    expected = np.zeros(SHAPE[:2])
    for r, c in [(3, 4), (6, 6), (10, 1)]:
        plus, minus = image.copy(), image.copy()
        plus[0, r, c, 0] += eps
        minus[0, r, c, 0] -= eps
        expected[r, c] = abs(float(model(plus.astype("float32"))[0, cls] - model(minus.astype("float32"))[0, cls])) / (2 * eps)
    measured = explain.saliency(model, image, cls)[0]
    for r, c in [(3, 4), (6, 6), (10, 1)]:
        assert measured[r, c] == pytest.approx(expected[r, c], rel=0.05, abs=1e-4)


def test_smoothgrad_without_noise_is_saliency_and_with_noise_differs():
    model = sequential()
    np.testing.assert_allclose(explain.smoothgrad(model, IMAGES, 0, samples=2, noise=0.0),
                               explain.saliency(model, IMAGES, 0), rtol=1e-5)
    assert not np.allclose(explain.smoothgrad(model, IMAGES, 0, samples=2), explain.saliency(model, IMAGES, 0))


def test_integrated_gradients_add_up_to_the_score_difference():
    model = functional()
    attributions = explain.integrated_gradients(model, IMAGES, 0, steps=64)
    difference = model(IMAGES)[:, 0] - model(np.zeros_like(IMAGES))[:, 0]
    np.testing.assert_allclose(attributions.sum(axis=(1, 2)), difference, atol=5e-3)


def test_occlusion_finds_the_only_pixels_that_matter():
    inputs = keras.Input(SHAPE)
    corner = layers.Cropping2D(((0, 8), (8, 0)))(inputs)          # only the top-right 4×4 corner reaches the score
    model = keras.Model(inputs, layers.Dense(1, kernel_initializer="ones")(layers.Flatten()(corner)))
    drop = explain.occlusion(model, np.ones((1, *SHAPE), "float32"), 0, patch=4, stride=2)[0]
    assert drop[:4, 8:].min() > 0 and np.allclose(drop[6:, :6], 0)


def test_bad_images_are_explained():
    with pytest.raises(ValueError, match=r"shape \(n, height, width, channels\), got \(12, 12, 1\).*images\[None\]"):
        explain.saliency(sequential(), IMAGES[0])


def test_last_conv_layer_stops_before_pooling_and_dropout():
    inputs = keras.Input(SHAPE)
    x = layers.Conv2D(4, 3, use_bias=False, name="conv")(inputs)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.ReLU(name="relu")(x)
    x = layers.MaxPooling2D(name="pool")(x)
    x = layers.Dropout(0.5, name="drop")(x)
    model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(x)), name="like_05")
    assert explain.last_conv_layer(model).name == "relu"


def test_layers_of_descends_into_nested_models():
    model, _ = nested()
    assert [layer.name for layer in explain.layers_of(model)][1:4] == ["base", "b1", "b2"]


@pytest.mark.parametrize("method", ["saliency", "smoothgrad", "integrated_gradients", "occlusion", "grad_cam"])
def test_large_batches_are_explained_in_chunks_with_the_same_result(method, monkeypatch):
    model = functional()
    images = np.random.default_rng(1).random((7, *SHAPE)).astype("float32")
    options = {"samples": 2} if method == "smoothgrad" else {"steps": 4} if method == "integrated_gradients" else {}
    whole = getattr(explain, method)(model, images, [0, 1, 2, 0, 1, 2, 0], **options)
    monkeypatch.setattr(explain, "BATCH_SIZE", 3)
    chunked = getattr(explain, method)(model, images, [0, 1, 2, 0, 1, 2, 0], **options)
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-6)
    assert chunked.shape == (7, 12, 12)
