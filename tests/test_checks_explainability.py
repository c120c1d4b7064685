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


def gather_saliency(model, images, class_index):        # the notebook's solution, as a learner writes it
    x = tf.convert_to_tensor(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(model(x, training=False), class_index, axis=1, batch_dims=1)
    return np.max(np.abs(tape.gradient(scores, x).numpy()), axis=-1)


def test_saliency_right_answers_pass():
    assert_passes(checks.check_saliency_map(one_hot_saliency))
    assert_passes(checks.check_saliency_map(loop_saliency))
    assert_passes(checks.check_saliency_map(gather_saliency))
    as_tensor = lambda model, images, class_index: tf.constant(one_hot_saliency(model, images, class_index))
    assert_passes(checks.check_saliency_map(as_tensor))
    as_list = lambda model, images, class_index: one_hot_saliency(model, images, class_index).tolist()
    assert_passes(checks.check_saliency_map(as_list))                  # any value np.asarray converts


def test_saliency_the_course_own_version_is_refused():
    assert_fails(checks.check_saliency_map(explainability.saliency_map), "course's own")


def training_mode_saliency(model, images, class_index):   # training=True: dropout and batch statistics are on
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = tf.gather(model(x, training=True), class_index, axis=1, batch_dims=1)
    return np.max(np.abs(tape.gradient(scores, x).numpy()), axis=-1)


def test_saliency_in_training_mode_fails_with_a_hint():
    result = checks.check_saliency_map(training_mode_saliency)
    assert_fails(result, "call the model with training=False (or model(x)) so dropout and batch norm behave as at "
                         "test time")
    assert len(result.message) <= 200


def test_saliency_hidden_models_have_batch_norm_and_dropout_that_training_mode_changes():
    for model, weights, images, chosen, _ in explainability._saliency_cases():
        kinds = {type(layer).__name__ for layer in model.layers}
        assert {"BatchNormalization", "Dropout"} <= kinds
        test_time = gather_saliency(model, images, chosen)
        training = training_mode_saliency(model, images, chosen)
        model.set_weights(weights)
        assert not np.allclose(training, test_time, rtol=1e-3, atol=1e-6)


def test_saliency_hidden_models_are_restored_after_a_training_mode_answer():
    cases = explainability._saliency_cases()
    assert_fails(checks.check_saliency_map(training_mode_saliency), "training=False")
    for model, weights, *_ in cases:
        assert all(np.array_equal(now, then) for now, then in zip(model.get_weights(), weights))
    assert_passes(checks.check_saliency_map(gather_saliency))


def test_saliency_that_trains_the_model_fails():
    def one_step_of_training(model, images, class_index):   # takes the gradient of the weights, and applies it
        x = tf.convert_to_tensor(images)
        with tf.GradientTape() as tape:
            tape.watch(x)
            scores = tf.gather(model(x), class_index, axis=1, batch_dims=1)
        g_x, *g_w = tape.gradient(scores, [x, *model.trainable_variables])
        keras.optimizers.SGD(0.1).apply_gradients(zip(g_w, model.trainable_variables))
        return np.max(np.abs(g_x.numpy()), axis=-1)

    assert_fails(checks.check_saliency_map(one_step_of_training), "changed the model's weights")
    assert_passes(checks.check_saliency_map(gather_saliency))


def test_building_the_hidden_models_leaves_the_learners_random_generators_alone():
    import random

    explainability._saliency_cases.cache_clear()
    np.random.seed(5)
    random.seed(5)
    expected = (np.random.random(), random.random())
    np.random.seed(5)
    random.seed(5)
    assert_passes(checks.check_saliency_map(gather_saliency))        # builds the hidden models again
    assert (np.random.random(), random.random()) == expected


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
], ids=["signed", "channel-mean", "channel-sum", "first-class", "predicted", "all-classes", "no-reduction",
        "scaled", "constant"])
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


def mean_cam(feature_maps, gradients):                  # the notebook's solution, as a learner writes it
    weights = gradients.mean(axis=(1, 2), keepdims=True)
    return np.maximum((weights * feature_maps).sum(axis=-1), 0.0)


def test_grad_cam_right_answers_pass():
    assert_passes(checks.check_grad_cam_map(vectorized_cam))
    assert_passes(checks.check_grad_cam_map(mean_cam))
    assert_fails(checks.check_grad_cam_map(explainability.grad_cam_map), "course's own")


def float32_cam(feature_maps, gradients):               # in float32, as TensorFlow's arrays are
    a, g = feature_maps.astype(np.float32), gradients.astype(np.float32)
    return np.maximum((g.mean(axis=(1, 2), keepdims=True) * a).sum(axis=-1), 0.0)


def tensorflow_cam(feature_maps, gradients):            # with TensorFlow operations: a float32 tf.Tensor
    a, g = tf.convert_to_tensor(feature_maps, tf.float32), tf.convert_to_tensor(gradients, tf.float32)
    return tf.nn.relu(tf.reduce_sum(tf.reduce_mean(g, axis=(1, 2), keepdims=True) * a, axis=-1))


def test_grad_cam_float32_tensor_and_list_answers_pass():
    assert_passes(checks.check_grad_cam_map(float32_cam))
    assert_passes(checks.check_grad_cam_map(tensorflow_cam))
    assert_passes(checks.check_grad_cam_map(lambda a, g: mean_cam(a, g).tolist()))


def test_grad_cam_in_float64_is_still_compared_to_float64_precision():
    assert_fails(checks.check_grad_cam_map(lambda a, g: mean_cam(a, g) * (1 + 1e-6)), "expected")
    assert_passes(checks.check_grad_cam_map(lambda a, g: (mean_cam(a, g) * (1 + 1e-6)).astype(np.float32)))


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
    right = {"A": "Grad-CAM", "B": "saliency", "C": "integrated gradients", "D": "SmoothGrad"}
    assert_passes(checks.check_name_the_maps(lambda: dict(right)))
    assert_fails(checks.check_name_the_maps(explainability.name_the_maps), "course's own")
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


def test_the_mystery_image_of_notebook_10_was_not_shown_before_with_its_maps():
    from course_utils import data
    from tools import nbtools

    cells = nbtools.code_cells(nbtools.read(nbtools.NOTEBOOK_DIR / "10_explainability.ipynb"))
    lines = [line for cell in cells for line in cell.source.splitlines()]
    show_classes = next(line for line in lines if line.startswith("show_classes = "))
    mystery = next(line for line in lines if line.startswith("mystery_index = "))
    labels = "fashion-mnist/t10k-labels-idx1-ubyte.xz"
    y_test = data._parse_idx(data._read_xz(labels), labels)          # the test labels alone: fast
    namespace = {"np": np, "y_test": y_test, "N_SHOW": 6}          # no `show`: the six images shown above
    exec(show_classes + "\n" + mystery, namespace)
    assert 0 <= namespace["mystery_index"] < len(y_test)
    assert y_test[namespace["mystery_index"]] not in namespace["show_classes"]   # shown images are of these classes
