"""Checkers of 05 · Convolutional networks: right answers pass, the stub and wrong answers fail."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from course_utils import checks
from course_utils.checks import cnn
from test_checks_core import assert_fails, assert_passes, stub


def loop_conv2d(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    kh, kw = kernel.shape
    out = np.zeros(((padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def vectorized_conv2d(image, kernel, stride=1, padding=0):
    windows = sliding_window_view(np.pad(image.astype(np.float64), padding), kernel.shape)
    return np.einsum("ijuv,uv->ij", windows[::stride, ::stride], kernel)


def test_conv2d_right_answers_pass():
    assert_passes(checks.check_conv2d(loop_conv2d))
    assert_passes(checks.check_conv2d(vectorized_conv2d))
    as_float32 = lambda image, kernel, stride=1, padding=0: vectorized_conv2d(image, kernel, stride, padding).astype(
        np.float32)
    assert_passes(checks.check_conv2d(as_float32))
    as_list = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, padding).tolist()
    assert_passes(checks.check_conv2d(as_list))                         # any value np.asarray converts
    assert_fails(checks.check_conv2d(cnn.conv2d), "course's own")


def float32_conv2d(image, kernel, stride=1, padding=0):   # every array in float32, as TensorFlow keeps them
    padded = np.pad(image.astype(np.float32), padding)
    kernel = kernel.astype(np.float32)
    kh, kw = kernel.shape
    out = np.zeros(((padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1), dtype=np.float32)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def tensorflow_conv2d(image, kernel, stride=1, padding=0):   # tf.nn.conv2d in float32: returns a tf.Tensor
    import tensorflow as tf

    x = tf.constant(np.pad(image, padding), tf.float32)[None, :, :, None]
    return tf.nn.conv2d(x, tf.constant(kernel, tf.float32)[:, :, None, None], stride, "VALID")[0, :, :, 0]


def test_conv2d_float32_and_tensorflow_answers_pass():
    assert_passes(checks.check_conv2d(float32_conv2d))
    assert_passes(checks.check_conv2d(tensorflow_conv2d))


def test_conv2d_in_float64_is_still_compared_to_float64_precision():
    slightly_off = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, padding) * (1 + 1e-6)
    assert_fails(checks.check_conv2d(slightly_off), "tf.nn.conv2d's value")


def test_conv2d_stub_and_none_are_not_attempted():
    assert_fails(checks.check_conv2d(stub), "not attempted")
    assert_fails(checks.check_conv2d(lambda image, kernel, stride=1, padding=0: None), "forget `return`")


def test_conv2d_with_a_flipped_kernel_fails():
    true_convolution = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel[::-1, ::-1], stride, padding)
    assert_fails(checks.check_conv2d(true_convolution), "the kernel is flipped")
    rows_flipped = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel[::-1], stride, padding)
    assert_fails(checks.check_conv2d(rows_flipped), "cross-correlation")


def test_conv2d_with_a_wrong_output_size_fails_with_the_formula():
    def one_short(image, kernel, stride=1, padding=0):
        return loop_conv2d(image, kernel, stride, padding)[:-1, :-1]

    assert_fails(checks.check_conv2d(one_short), "off by one")
    assert_fails(checks.check_conv2d(one_short), "⌊(n + 2p − k)/s⌋ + 1")
    one_more = lambda image, kernel, stride=1, padding=0: np.pad(loop_conv2d(image, kernel, stride, padding), (0, 1))
    assert_fails(checks.check_conv2d(one_more), "off by one")
    far_off = lambda image, kernel, stride=1, padding=0: np.zeros((2, 2))
    assert_fails(checks.check_conv2d(far_off), "expected (5, 5)")


def test_conv2d_ignoring_stride_or_padding_fails():
    no_stride = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, 1, padding)
    assert_fails(checks.check_conv2d(no_stride), "the stride (2) is ignored")
    no_padding = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, 0)
    assert_fails(checks.check_conv2d(no_padding), "the padding (1) is ignored")

    def one_side(image, kernel, stride=1, padding=0):
        return loop_conv2d(np.pad(image, ((padding, 0), (padding, 0))), kernel, stride, 0)

    assert_fails(checks.check_conv2d(one_side), "padding on one side only")

    def edge_padding(image, kernel, stride=1, padding=0):
        return loop_conv2d(np.pad(image.astype(np.float64), padding, mode="edge"), kernel, stride, 0)

    assert_fails(checks.check_conv2d(edge_padding), "mode='edge'")


def test_conv2d_assuming_a_square_kernel_fails():
    def square(image, kernel, stride=1, padding=0):
        k = kernel.shape[0]
        padded = np.pad(image, padding)
        out = np.zeros(((padded.shape[0] - k) // stride + 1, (padded.shape[1] - k) // stride + 1))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.sum(padded[i * stride:i * stride + k, j * stride:j * stride + k] * kernel[:k, :k])
        return out

    assert_fails(checks.check_conv2d(square), "kernel.shape[1] for the columns")


def test_conv2d_in_place_and_other_wrong_kinds_fail():
    def in_place(image, kernel, stride=1, padding=0):
        out = loop_conv2d(image, kernel, stride, padding)
        image[...] = 0
        return out

    assert_fails(checks.check_conv2d(in_place), "changed its argument `image` in place")
    four_d = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, padding)[None, :, :, None]
    assert_fails(checks.check_conv2d(four_d), "return a 2-D array")

    def image_dtype(image, kernel, stride=1, padding=0):
        return loop_conv2d(image, kernel, stride, padding).astype(image.dtype)

    assert_fails(checks.check_conv2d(image_dtype), "dtype uint8")


def test_conv2d_with_relu_mean_or_missing_defaults_fails():
    relu = lambda image, kernel, stride=1, padding=0: np.maximum(loop_conv2d(image, kernel, stride, padding), 0)
    assert_fails(checks.check_conv2d(relu), "non-linearity")
    mean = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, padding) / kernel.size
    assert_fails(checks.check_conv2d(mean), "take the sum")
    no_defaults = lambda image, kernel, stride, padding: loop_conv2d(image, kernel, stride, padding)
    assert_fails(checks.check_conv2d(no_defaults), "called as conv2d(image, kernel)")
    shifted = lambda image, kernel, stride=1, padding=0: loop_conv2d(image, kernel, stride, padding) + 0.01
    assert_fails(checks.check_conv2d(shifted), "tf.nn.conv2d's value")


def test_conv2d_reference_matches_tensorflow_on_a_real_size():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((28, 28)), rng.normal(size=(3, 3))
    for stride, padding in [(1, 0), (1, 1), (2, 1), (3, 2)]:
        np.testing.assert_allclose(cnn.conv2d(image, kernel, stride, padding),
                                   cnn._tf_conv2d(image, kernel, stride, padding), atol=1e-12)


def right_size(n, kernel, stride, padding):
    return (n + 2 * padding - kernel) // stride + 1


def test_output_size_right_answers_pass():
    assert_passes(checks.check_output_size(right_size))
    assert_fails(checks.check_output_size(cnn.output_size), "course's own")
    assert_passes(checks.check_output_size(lambda n, kernel, stride, padding: np.int64(right_size(n, kernel, stride,
                                                                                                  padding))))
    assert_passes(checks.check_output_size(lambda n, kernel, stride, padding: int(np.floor(
        (n + 2 * padding - kernel) / stride)) + 1))


def test_output_size_cases_are_keras_shapes_and_the_formula():
    assert cnn._keras_sizes() == tuple(right_size(*case) for case in cnn._SIZE_CASES)


def test_output_size_stub_none_and_non_numbers_fail():
    assert_fails(checks.check_output_size(stub), "not attempted")
    assert_fails(checks.check_output_size(lambda n, kernel, stride, padding: None), "forget `return`")
    assert_fails(checks.check_output_size(lambda n, kernel, stride, padding: (n, n)), "one whole number")
    assert_fails(checks.check_output_size(lambda n, kernel, stride, padding: "26"), "one whole number")


@pytest.mark.parametrize("wrong, fragment", [
    (lambda n, k, s, p: (n + 2 * p - k) // s, "the + 1 is missing"),
    (lambda n, k, s, p: (n + p - k) // s + 1, "on each side: n + 2p"),
    (lambda n, k, s, p: (n - 2 * p - k) // s + 1, "not n − 2p"),
    (lambda n, k, s, p: n + 2 * p - k + 1, "the stride is ignored"),
    (lambda n, k, s, p: (n - k) // s + 1, "the padding is ignored"),
    (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1, "round down"),
    (lambda n, k, s, p: (n + 2 * p - k + 1) // s, "add 1 after the division"),
    (lambda n, k, s, p: -(-n // s), "padding='same'"),
    (lambda n, k, s, p: (n + 2 * p - k) // s + 2, "Keras' layer gives"),
], ids=["no+1", "p-once", "minus-p", "no-stride", "no-padding", "ceil", "+1-divided", "same", "other"])
def test_output_size_wrong_formulas_fail_with_their_hint(wrong, fragment):
    assert_fails(checks.check_output_size(lambda n, kernel, stride, padding: wrong(n, kernel, stride, padding)),
                 fragment)


def test_output_size_as_a_float_fails():
    true_division = lambda n, kernel, stride, padding: (n + 2 * padding - kernel) / stride + 1
    assert_fails(checks.check_output_size(true_division), "round down with //")
    whole_floats = lambda n, kernel, stride, padding: float(right_size(n, kernel, stride, padding))
    assert_fails(checks.check_output_size(whole_floats), "a size is a whole number")
    assert_fails(checks.check_output_size(lambda n, kernel, stride, padding: np.floor(
        (n + 2 * padding - kernel) / stride) + 1), "use // (floor division) or int(...)")


def test_the_mystery_maps_are_made_by_the_kernels_they_claim():
    image, maps, answer = cnn.mystery_image(), cnn.mystery_feature_maps(), cnn.name_the_kernels()
    assert image.shape == (28, 28) and 0.0 <= image.min() and image.max() <= 1.0
    assert sorted(maps) == ["A", "B", "C", "D"] and sorted(answer.values()) == sorted(cnn.KERNEL_NAMES)
    for label, name in answer.items():
        np.testing.assert_allclose(maps[label], cnn._tf_conv2d(image, cnn._KERNELS[name], 1, 1), atol=1e-12)
    by_name = {name: maps[label] for label, name in answer.items()}
    assert by_name["blur"].min() >= 0.0 > by_name["sharpen"].min()
    vertical, horizontal = by_name["vertical edge"], by_name["horizontal edge"]
    assert not np.allclose(np.abs(vertical), np.abs(horizontal))
    mystery_image = cnn.mystery_image()
    mystery_image[...] = 0.0                      # a learner's change to the image does not reach the checker
    assert cnn.mystery_image().max() > 0.5


def test_name_the_kernels_right_and_wrong_readings():
    answer = cnn.name_the_kernels()
    assert_passes(checks.check_name_the_kernels(lambda: dict(answer)))
    assert_passes(checks.check_name_the_kernels(lambda: {label: name.upper() for label, name in answer.items()}))
    assert_fails(checks.check_name_the_kernels(stub), "not attempted")
    edges_swapped = {label: {"vertical edge": "horizontal edge", "horizontal edge": "vertical edge"}.get(name, name)
                     for label, name in answer.items()}
    result = checks.check_name_the_kernels(lambda: edges_swapped)
    assert_fails(result, "2 of 4 wrong")
    assert "brightness changes" in result.message
    blur_swapped = {label: {"blur": "sharpen", "sharpen": "blur"}.get(name, name) for label, name in answer.items()}
    assert_fails(checks.check_name_the_kernels(lambda: blur_swapped), "look at the outlines")
    assert_fails(checks.check_name_the_kernels(lambda: dict(answer, A="Sobel")), "not one of")
    assert_fails(checks.check_name_the_kernels(lambda: {"A": "blur"}), "one kernel for each")
    assert_fails(checks.check_name_the_kernels(lambda: list(answer.values())), "dict")
    twice = dict(answer, **{label: "blur" for label in answer if answer[label] == "sharpen"})
    assert_fails(checks.check_name_the_kernels(lambda: twice), "exactly one label")
