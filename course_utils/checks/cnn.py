"""Checkers and reference versions for 05 · Convolutional networks. Introduced in 05."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import CheckResult, _call, _check_labels, _close, _Fail, _ndarray, _run, _single, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def conv2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation of one (H, W) image with one (kh, kw) kernel, zero padding and stride. Introduced in 05.

    Returns a float array of shape (⌊(H + 2p − kh)/s⌋ + 1, ⌊(W + 2p − kw)/s⌋ + 1), as ``keras.layers.Conv2D``
    with one filter, no bias and no activation computes it (the kernel is not flipped).
    """
    padded = np.pad(image, padding)                                  # zeros on every side
    kh, kw = kernel.shape
    out_h = (padded.shape[0] - kh) // stride + 1
    out_w = (padded.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = padded[i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[i, j] = np.sum(window * kernel)
    return out


def output_size(n: int, kernel: int, stride: int, padding: int) -> int:
    """Side of a conv or pooling layer's output: ⌊(n + 2p − k)/s⌋ + 1. Introduced in 05."""
    return (n + 2 * padding - kernel) // stride + 1


REFERENCES = (conv2d, output_size)


# --- checkers ------------------------------------------------------------------------------------

_SIZE_FORMULA = "⌊(n + 2p − k)/s⌋ + 1 per dimension"


def _tf_conv2d(image: np.ndarray, kernel: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """What TensorFlow computes: tf.nn.conv2d in float64 with explicit zero padding, on the CPU."""
    import tensorflow as tf

    with tf.device("/CPU:0"):
        out = tf.nn.conv2d(image.astype(np.float64)[None, :, :, None], kernel.astype(np.float64)[:, :, None, None],
                           strides=stride, padding=[[0, 0], [padding, padding], [padding, padding], [0, 0]])
    return out.numpy()[0, :, :, 0]


def _sizes(shape: tuple, kernel: tuple, stride: int, padding: int, added: int | None = None) -> tuple:
    added = 2 * padding if added is None else added
    return tuple((n + added - k) // stride + 1 for n, k in zip(shape, kernel))


def _size_problem(got: tuple, image: tuple, kernel: tuple, stride: int, padding: int) -> str:
    """Why the output has the wrong shape, as a hint; the formula when no particular mistake fits."""
    expected = _sizes(image, kernel, stride, padding)
    setting = f"a {image[0]}×{image[1]} image, a {kernel[0]}×{kernel[1]} kernel, stride {stride}, padding {padding}"
    candidates = []
    if stride > 1:
        candidates.append((_sizes(image, kernel, 1, padding),
                           f"the stride ({stride}) is ignored: move the window `stride` pixels at a time, "
                           "down and across"))
    if padding > 0:
        candidates.append((_sizes(image, kernel, stride, 0),
                           f"the padding ({padding}) is ignored: pad `padding` zeros on every side first "
                           "(np.pad(image, padding))"))
        candidates.append((_sizes(image, kernel, stride, padding, added=padding),
                           "padding on one side only: add `padding` zeros on every side (top, bottom, left, right)"))
    if kernel[0] != kernel[1]:
        for side in kernel:
            candidates.append((_sizes(image, (side, side), stride, padding),
                               f"for a {kernel[0]}×{kernel[1]} kernel use kernel.shape[0] for the rows and "
                               "kernel.shape[1] for the columns"))
    if image[0] != image[1]:
        candidates.append((expected[::-1], "rows and columns are swapped: the output has as many rows as "
                                           "the image's rows allow"))
    for shape, hint in candidates:
        if got == shape and shape != expected:
            return f"output shape {got}, expected {expected} for {setting}: {hint}"
    if len(got) == 2 and all(abs(g - e) <= 1 for g, e in zip(got, expected)):
        return (f"output shape {got}, expected {expected} for {setting}: off by one; the output has "
                f"{_SIZE_FORMULA} (check the bounds of your loops)")
    return f"output shape {got}, expected {expected} for {setting}: {_SIZE_FORMULA}"


# (image shape, image dtype, kernel shape, stride, padding, how the call passes stride and padding)
_CONV_CASES = [
    ((7, 7), np.float64, (3, 3), 1, 0, "defaults"),        # the lesson's loop: stride 1, no padding
    ((9, 11), np.float64, (3, 3), 1, 1, "keywords"),       # padding alone, as the lesson calls it
    ((10, 9), np.float64, (3, 3), 2, 0, "positional"),     # stride alone
    ((13, 14), np.float64, (2, 3), 3, 0, "positional"),    # a non-square kernel
    ((8, 10), np.float64, (5, 5), 1, 2, "positional"),
    ((11, 9), np.float32, (4, 4), 2, 2, "positional"),
    ((28, 28), np.uint8, (3, 3), 2, 1, "positional"),       # a Fashion-MNIST-like image of 0-255 values
    ((6, 5), np.float64, (1, 1), 3, 1, "positional"),
]


def _conv_case(rng: np.random.Generator, image_shape: tuple, dtype: Any, kernel_shape: tuple) -> tuple:
    if dtype == np.uint8:
        image = rng.integers(0, 256, size=image_shape).astype(np.uint8)
    else:
        image = rng.normal(size=image_shape).astype(dtype)
    kernel = rng.normal(size=kernel_shape)
    return image, kernel


def check_conv2d(conv2d: Callable[..., np.ndarray]) -> CheckResult:
    """Check a 2-D cross-correlation with stride and zero padding against tf.nn.conv2d. Introduced in 05.

    The output may be any array ``np.asarray`` converts (a list, a TensorFlow tensor); it is compared to float32
    precision when the image or the output is float32 (TensorFlow's default), to float64 precision otherwise."""

    def body(conv2d: Callable[..., np.ndarray]) -> str:
        rng = np.random.default_rng(12)
        for image_shape, dtype, kernel_shape, stride, padding, how in _CONV_CASES:
            image, kernel = _conv_case(rng, image_shape, dtype, kernel_shape)
            setting = (f"for a {image_shape[0]}×{image_shape[1]} {np.dtype(dtype).name} image, a "
                       f"{kernel_shape[0]}×{kernel_shape[1]} kernel, stride {stride}, padding {padding}")
            if how == "defaults":
                raw = _call(conv2d, image, kernel, context=f"{setting} (called as conv2d(image, kernel))")
            elif how == "keywords":
                raw = _call(conv2d, image, kernel, padding=padding,
                            context=f"{setting} (called as conv2d(image, kernel, padding={padding}))")
            else:
                raw = _call(conv2d, image, kernel, stride, padding, context=setting)
            out = _ndarray(raw, "the output")
            if out.ndim != 2:
                raise _Fail(f"the output has shape {out.shape} {setting}: return a 2-D array (rows, columns)")
            if out.shape != _sizes(image_shape, kernel_shape, stride, padding):
                raise _Fail(_size_problem(out.shape, image_shape, kernel_shape, stride, padding))
            expected = _tf_conv2d(image, kernel, stride, padding)
            single = _single(image, out)     # float32 precision when the image or the answer is float32
            if _close(out, expected, single):
                continue
            if np.issubdtype(out.dtype, np.integer):
                raise _Fail(f"the output has dtype {out.dtype} {setting}, so the sums were cut to whole numbers: "
                            "create the output as floats, e.g. np.zeros((rows, columns))")
            for flipped in (kernel[::-1, ::-1], kernel[::-1, :], kernel[:, ::-1]):
                if _close(out, _tf_conv2d(image, flipped, stride, padding), single):
                    raise _Fail("the kernel is flipped: that is the convolution of signal processing; deep learning "
                                "layers compute the cross-correlation, window × kernel as it is (no [::-1])")
            if _close(out, np.maximum(expected, 0.0), single):
                raise _Fail("the output has no negative values: conv2d returns the plain sums, the non-linearity "
                            "(ReLU) is a separate step")
            if _close(out, expected / kernel.size, single):
                raise _Fail("the output is the mean of window × kernel: take the sum")
            if padding > 0:
                for mode in ("edge", "reflect", "symmetric"):
                    padded = np.pad(image.astype(np.float64), padding, mode=mode)
                    if _close(out, _tf_conv2d(padded, kernel, stride, 0), single):
                        raise _Fail(f"the image is padded with mode='{mode}': padding adds zeros "
                                    "(np.pad's default, mode='constant')")
            raise _Fail(f"{_worst(out, expected, 'output')} {setting} (tf.nn.conv2d's value)")
        return ("matches tf.nn.conv2d on 8 images (6×5 to 28×28; float64, float32, uint8), kernels 1×1 to 5×5 "
                "(one 2×3), strides 1-3, paddings 0-2")

    return _run("check_conv2d", body, conv2d)


# (n, kernel, stride, padding): several of each, and cases that tell the usual wrong formulas apart
_SIZE_CASES = [
    (28, 3, 1, 0), (28, 3, 1, 1), (28, 5, 1, 2), (28, 2, 2, 0), (32, 3, 2, 1), (7, 3, 3, 0), (10, 4, 3, 1),
    (224, 7, 2, 3), (224, 11, 4, 2), (5, 5, 1, 0), (6, 1, 1, 0), (13, 3, 2, 0), (64, 4, 4, 2), (100, 7, 3, 3),
    (9, 2, 3, 2), (15, 6, 5, 0), (12, 3, 2, 0), (27, 3, 3, 1),
]
_WRONG_SIZES: list[tuple[Callable[[int, int, int, int], float], str]] = [
    (lambda n, k, s, p: (n + 2 * p - k) // s,
     "the + 1 is missing: a kernel as large as the padded input still fits once"),
    (lambda n, k, s, p: (n + p - k) // s + 1,
     "padding adds `padding` pixels on each side: n + 2p"),
    (lambda n, k, s, p: (n - 2 * p - k) // s + 1,
     "padding makes the input larger: n + 2p, not n − 2p"),
    (lambda n, k, s, p: n + 2 * p - k + 1,
     "the stride is ignored: the window moves `stride` pixels per step, so divide by it"),
    (lambda n, k, s, p: (n - k) // s + 1,
     "the padding is ignored: the window slides over n + 2p pixels"),
    (lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1,
     "rounded up: the last window must fit inside the padded input, so round down (//)"),
    (lambda n, k, s, p: (n + 2 * p - k + 1) // s,
     "the + 1 is divided by the stride too: add 1 after the division, ⌊(n + 2p − k)/s⌋ + 1"),
    (lambda n, k, s, p: -(-n // s),
     "that is ⌈n/s⌉, Keras' size for padding='same'; here the padding is the explicit `padding` argument"),
]


@lru_cache(maxsize=1)
def _keras_sizes() -> tuple[int, ...]:
    """The output side Keras gives for each case: ZeroPadding2D(p), then Conv2D(k, strides=s), padding='valid'."""
    from keras import layers

    sizes = []
    for n, k, s, p in _SIZE_CASES:
        padded = layers.ZeroPadding2D(p).compute_output_shape((1, n, n, 1))
        sizes.append(int(layers.Conv2D(1, k, strides=s).compute_output_shape(padded)[1]))
    return tuple(sizes)


def check_output_size(output_size: Callable[[int, int, int, int], int]) -> CheckResult:
    """Check the output-size formula against the shapes Keras' layers produce. Introduced in 05."""

    def body(output_size: Callable[[int, int, int, int], int]) -> str:
        got = []
        for n, k, s, p in _SIZE_CASES:
            value = _call(output_size, n, k, s, p, context=f"for n = {n}, kernel = {k}, stride = {s}, padding = {p}")
            if value is None:
                raise _Fail("returned None: did you forget `return`?")
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise _Fail(f"returned a {type(value).__name__} for n = {n}, kernel = {k}, stride = {s}, "
                            f"padding = {p}: return one whole number")
            got.append(value)
        expected = _keras_sizes()
        wrong = [index for index, (g, e) in enumerate(zip(got, expected)) if g != e]
        if not wrong:
            floats = [g for g in got if not isinstance(g, (int, np.integer))]
            if floats:
                raise _Fail(f"returned {floats[0]!r}, a {type(floats[0]).__name__}: a size is a whole number "
                            "that shapes accept; use // (floor division) or int(...)")
            return f"matches Keras' output shapes in all {len(_SIZE_CASES)} cases (n 5-224, kernel 1-11, stride 1-5, padding 0-3)"
        for formula, hint in _WRONG_SIZES:
            if all(np.isclose(float(g), formula(*case)) for g, case in zip(got, _SIZE_CASES)):
                raise _Fail(f"{len(wrong)} of {len(_SIZE_CASES)} sizes wrong; {hint}")
        n, k, s, p = _SIZE_CASES[wrong[0]]
        value = got[wrong[0]]
        if float(value) != int(float(value)):
            raise _Fail(f"n = {n}, kernel = {k}, stride = {s}, padding = {p} gives {value!r}: a size is a whole "
                        "number; round down with // (floor division)")
        raise _Fail(f"n = {n}, kernel = {k}, stride = {s}, padding = {p} gives {value}, Keras' layer gives "
                    f"{expected[wrong[0]]}: ⌊(n + 2p − k)/s⌋ + 1")

    return _run("check_output_size", body, output_size)


# --- diagnosis: which kernel made this feature map? ---------------------------------------------

KERNEL_NAMES = ("vertical edge", "horizontal edge", "blur", "sharpen")
_KERNELS = {
    "vertical edge": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),   # Sobel: left minus right
    "horizontal edge": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),  # top minus bottom
    "blur": np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 16,           # Gaussian, sums to 1
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),         # centre minus neighbours
}
_MYSTERY = {"A": "horizontal edge", "B": "sharpen", "C": "vertical edge", "D": "blur"}   # the answer of 05's exercise
_MYSTERY_INDEX = 35   # a bag in Fashion-MNIST's training set: straight outlines across and down, handles
_LOOK_FOR = {
    "vertical edge": "look where it is far from zero: along the left and right sides, where brightness changes "
                     "from left to right",
    "horizontal edge": "look where it is far from zero: along the top and bottom outlines, where brightness "
                       "changes from top to bottom",
    "blur": "look at the outlines: softer than in the original, and no dark rims",
    "sharpen": "look at the outlines: crisper than in the original, with dark rims beside the bright parts",
}


@lru_cache(maxsize=1)
def _mystery_image() -> np.ndarray:
    from ..data import load_fashion_mnist

    (images, _), _ = load_fashion_mnist()
    return images[_MYSTERY_INDEX].astype(np.float64) / 255.0


def mystery_image() -> np.ndarray:
    """The Fashion-MNIST image of 05's diagnosis exercise: (28, 28) floats in [0, 1]. Introduced in 05."""
    return _mystery_image().copy()


def mystery_feature_maps() -> dict[str, np.ndarray]:
    """Four (28, 28) feature maps of :func:`mystery_image`, labelled A–D, one per kernel of ``KERNEL_NAMES``.

    Each is the kernel's cross-correlation with the image, zero padding 1, no bias, no ReLU. Which kernel
    each label stands for is what 05's diagnosis exercise asks. Introduced in 05.
    """
    image = _mystery_image()
    return {label: conv2d(image, _KERNELS[name], padding=1) for label, name in _MYSTERY.items()}


def name_the_kernels() -> dict[str, str]:
    """The answer of 05's diagnosis exercise: label -> kernel name. Introduced in 05."""
    return dict(_MYSTERY)


REFERENCES = REFERENCES + (name_the_kernels,)


def check_name_the_kernels(name_the_kernels: Callable[[], dict]) -> CheckResult:
    """Check the learner's reading of the four mystery feature maps (label -> kernel). Introduced in 05."""
    return _check_labels("check_name_the_kernels", name_the_kernels, _MYSTERY, KERNEL_NAMES, "kernel", _LOOK_FOR,
                         "all four right: edge kernels answer where brightness changes, across or down; blur softens, "
                         "sharpen exaggerates")
