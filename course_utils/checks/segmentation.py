"""Checkers and reference versions for 09 · U-Net segmentation. Introduced in 09."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _call_quietly, _check_labels, _close, _expect_refusal, _Fail, _g, _numeric,
                   _run, _single, _two_numbers)


# --- reference versions (the worked solutions) ---------------------------------------------------

def dice_and_iou(pred: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """Dice coefficient and IoU (Jaccard index) of two binary masks, for the positive class. Introduced in 09.

    ``pred`` and ``target`` have the same shape, any shape (a batch too: all its pixels count together), and hold
    0/1 numbers or booleans. With P and T the sets of pixels where they are 1:
    Dice = 2|P ∩ T| / (|P| + |T|) and IoU = |P ∩ T| / |P ∪ T|, both between 0 and 1, returned as Python floats.
    When both masks are empty (no pixel is 1) both ratios are 0/0: by convention the result is then (1.0, 1.0),
    a perfect prediction of "nothing there". Neither mask is changed.
    """
    p, t = np.asarray(pred, dtype=bool), np.asarray(target, dtype=bool)
    overlap = np.count_nonzero(p & t)
    union = np.count_nonzero(p | t)
    if union == 0:                                  # both masks empty: the convention, not 0/0
        return 1.0, 1.0
    return float(2 * overlap / (np.count_nonzero(p) + np.count_nonzero(t))), float(overlap / union)


def contracting_level_size(size: int) -> int:
    """Side of the feature map after one contracting level of the U-Net (Ronneberger et al. 2015). Introduced in 09.

    A level is two 3×3 convolutions without padding (``padding="valid"``), each taking 2 pixels off the side (one
    on each edge), then 2×2 max-pooling with stride 2, which halves the side: (size − 4) / 2, e.g. 572 → 570 →
    568 → 284, as in the paper's figure 1.

    Raises
    ------
    ValueError
        When the side before pooling, size − 4, is odd or not positive: pooling would drop the last row and
        column (Keras does so silently), or nothing is left to pool. The U-Net's input sizes are chosen so that
        this never happens.
    """
    before_pooling = size - 4
    if before_pooling <= 0 or before_pooling % 2:
        raise ValueError(f"size {size} leaves {before_pooling} pixels after two valid 3×3 convolutions: "
                         "2×2 pooling needs an even, positive side")
    return before_pooling // 2


REFERENCES = (dice_and_iou, contracting_level_size)


# --- check_dice_and_iou --------------------------------------------------------------------------

_NAMES, _EACH = ("dice", "iou"), "score the whole array as one, (dice, iou)"
_FORMULAS = "Dice = 2|P∩T| / (|P| + |T|), IoU = |P∩T| / |P∪T|, counting the pixels where a mask is 1"
_EMPTY_HINT = "two empty masks give 0/0: return (1.0, 1.0) when neither mask has a pixel that is 1, before dividing"
_BOOL_HINT = "masks may be booleans, on which NumPy refuses `-`: count with np.sum(...) or convert with .astype(int)"
_FLOAT_HINT = "masks may be floats 0.0/1.0, on which & and | fail: use pred * target, or convert with > 0.5"


def _scores(p: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """(Dice, IoU) of two boolean masks from the confusion counts: 2tp / (2tp + fp + fn), tp / (tp + fp + fn)."""
    tp, fp, fn = np.count_nonzero(p & t), np.count_nonzero(p & ~t), np.count_nonzero(~p & t)
    if tp + fp + fn == 0:
        return 1.0, 1.0
    return 2 * tp / (2 * tp + fp + fn), tp / (tp + fp + fn)


@lru_cache(maxsize=1)
def _dice_cases() -> tuple[tuple[str, np.ndarray, np.ndarray], ...]:
    """(what the case is, pred, target): random masks of several shapes and dtypes, then the edge cases."""
    rng = np.random.default_rng(9)

    def random(shape: tuple, density: float | np.ndarray, dtype: Any) -> np.ndarray:
        return (rng.random(shape) < density).astype(dtype)

    some = random((6, 9), 0.5, np.uint8)
    apart = (1 - some) * random((6, 9), 0.6, np.uint8)                          # 1 only where `some` is 0
    batch_density = np.array([0.1, 0.3, 0.5, 0.7]).reshape(4, 1, 1, 1)         # images unlike each other
    cases = [
        ("random 8×8 uint8 masks", random((8, 8), 0.4, np.uint8), random((8, 8), 0.5, np.uint8)),
        ("random 5×7 boolean masks", random((5, 7), 0.5, bool), random((5, 7), 0.4, bool)),
        ("random 64×64 float32 masks", random((64, 64), 0.2, np.float32),
         random((64, 64), 0.25, np.float32)),
        ("random 30×40 int64 masks", random((30, 40), 0.6, np.int64), random((30, 40), 0.5, np.int64)),
        ("a batch of 4 float32 masks of shape (12, 12, 1)", random((4, 12, 12, 1), batch_density, np.float32),
         random((4, 12, 12, 1), batch_density[::-1], np.float32)),
        ("a batch of 3 uint8 masks of 16×16", random((3, 16, 16), 0.3, np.uint8), random((3, 16, 16), 0.3, np.uint8)),
        ("random 1-D masks of 50 pixels, float64", random(50, 0.5, np.float64), random(50, 0.3, np.float64)),
        ("identical masks (perfect overlap)", some, some.copy()),
        ("masks that do not overlap", some, apart),
        ("an empty prediction and a non-empty target", np.zeros((6, 9), np.uint8), some),
        ("a non-empty prediction and an empty target", some.astype(bool), np.zeros((6, 9), bool)),
        ("two empty masks", np.zeros((7, 5), np.uint8), np.zeros((7, 5), np.uint8)),
        ("two empty float32 masks of shape (2, 4, 4, 1)", np.zeros((2, 4, 4, 1), np.float32),
         np.zeros((2, 4, 4, 1), np.float32)),
    ]
    for _, pred, target in cases:
        pred.flags.writeable = target.flags.writeable = False          # the checker hands out copies only
    return tuple(cases)


def _dice_mistakes(p: np.ndarray, t: np.ndarray) -> list[tuple[tuple[float, float], str]]:
    """What the usual wrong versions return for boolean masks ``p`` and ``t``, each with its hint."""
    dice, iou = _scores(p, t)
    tp, size_p, size_t, union = (np.count_nonzero(p & t), np.count_nonzero(p), np.count_nonzero(t),
                                 np.count_nonzero(p | t))
    mistakes = []
    if union == 0:
        mistakes.append(((0.0, 0.0), "two empty masks scored (0.0, 0.0): by the convention of this exercise they agree "
                                     "perfectly, return (1.0, 1.0)"))
    elif size_p == 0 or size_t == 0:
        mistakes.append(((1.0, 1.0), "one mask is empty and the other is not: nothing overlaps, so (0.0, 0.0); "
                                     "(1.0, 1.0) is only for two empty masks"))
    else:
        background_dice, background_iou = _scores(~p, ~t)
        agreement = np.count_nonzero(p == t) / p.size
        mistakes += [
            ((iou, dice), "Dice and IoU are swapped: return (dice, iou); Dice = 2|P∩T| / (|P| + |T|) is the larger"),
            ((100 * dice, 100 * iou), "those are percentages: return fractions between 0 and 1 (no × 100)"),
            (((dice + background_dice) / 2, (iou + background_iou) / 2),
             "that is the mean over both classes, background (0) included: score the positive class only, "
             "the pixels where a mask is 1"),
            ((background_dice, background_iou),
             "those are the background's scores, the pixels where the masks are 0: score the pixels where they are 1"),
            ((agreement, agreement),
             "that is pixel accuracy, the pixels where both masks are 0 counted as agreement: Dice and IoU count "
             "only the pixels where a mask is 1"),
            ((tp / (size_p + size_t), iou), "Dice lacks the factor 2: 2|P∩T| / (|P| + |T|)"),
            ((dice, tp / (size_p + size_t)), "the union counts the overlap twice: |P∪T| = |P| + |T| − |P∩T|"),
            ((2 * tp / union, iou), "the denominator of Dice is the union: Dice = 2|P∩T| / (|P| + |T|), "
                                    "and on booleans + is `or`, so count each mask with np.sum first"),
            (((2 * tp + 1) / (size_p + size_t + 1), (tp + 1) / (union + 1)),
             "a smoothing term (+1) belongs in a soft Dice loss; the metric is exact: handle two empty masks with "
             "an if"),
            ((float(2 * tp // (size_p + size_t)), float(tp // union)),
             "integer division (//) rounds the scores down: divide with /"),
        ]
        if p.ndim >= 3:
            per_image = np.array([_scores(pi, ti) for pi, ti in zip(p, t)])
            mistakes.append((tuple(per_image.mean(axis=0)), "that is the mean of per-image scores: count the pixels "
                                                            "of the whole array, every image together"))
    return mistakes


def _dice_problem(got: tuple[float, float], expected: tuple[float, float], single: bool,
                  p: np.ndarray, t: np.ndarray, setting: str) -> str:
    """Why ``got`` is wrong, in one line: a known mistake's hint, else where it differs and the formulas."""
    both_empty = not (p.any() or t.any())
    if not np.all(np.isfinite(got)):
        if both_empty:
            return f"got ({_g(got[0])}, {_g(got[1])}) {setting}: {_EMPTY_HINT}"
        return f"got ({_g(got[0])}, {_g(got[1])}) {setting}, NaN or inf: {_FORMULAS}"
    for wrong, hint in _dice_mistakes(p, t):
        if not _close(wrong, expected) and _close(got, wrong, single):
            return f"{setting}: {hint}"
    index = 0 if not _close(got[0], expected[0], single) else 1
    what = ("dice", "iou")[index]
    off = abs(got[index] - expected[index]) / max(abs(expected[index]), 1e-12)
    if off < 1e-3:
        return (f"{what} = {_g(got[index])}, expected {_g(expected[index])} {setting}: close, not exact; a smoothing "
                "ε belongs in a soft Dice loss, the metric handles two empty masks with an if")
    return f"{what} = {_g(got[index])}, expected {_g(expected[index])} {setting}: {_FORMULAS}"


def check_dice_and_iou(dice_and_iou: Callable[[np.ndarray, np.ndarray], tuple[float, float]]) -> CheckResult:
    """Check Dice and IoU of binary masks on random masks and the edge cases. Introduced in 09.

    The masks are uint8, int64, float32, float64 or boolean, of shapes 1-D to a (4, 12, 12, 1) batch; two empty
    masks must give (1.0, 1.0). The two numbers may be Python or NumPy scalars, 0-d arrays or tensors, in a tuple,
    a list or an array of two; they are compared to float32 precision when a mask or the answer is float32."""

    def body(dice_and_iou: Callable[[np.ndarray, np.ndarray], tuple[float, float]]) -> str:
        for what, pred, target in _dice_cases():
            setting = f"for {what}"
            p, t = pred.astype(bool), target.astype(bool)
            hint = (_EMPTY_HINT if not (p.any() or t.any()) else _BOOL_HINT if pred.dtype == bool
                    else _FLOAT_HINT if np.issubdtype(pred.dtype, np.floating) else "")
            raw = _call_quietly(dice_and_iou, pred, target, context=setting, hint=hint)
            dice, iou, single = _two_numbers(raw, setting, _NAMES, _EACH)
            single = single or _single(pred, target)
            expected = _scores(p, t)
            if _close((dice, iou), expected, single):
                continue
            if pred.dtype == bool:      # right on 0/1 integers, wrong on booleans?
                as_integers = _two_numbers(_call_quietly(dice_and_iou, pred.astype(np.uint8), target.astype(np.uint8),
                                                  context=setting, hint=""), setting, _NAMES, _EACH)
                if _close(as_integers[:2], expected, as_integers[2]):
                    raise _Fail(f"right for 0/1 integer masks but not {setting}: on booleans + is `or` and sums "
                                "stop at True; count with np.sum(mask) or convert with .astype(int)")
            raise _Fail(_dice_problem((dice, iou), expected, single, p, t, setting))
        return ("matches on 13 pairs of masks: random 1-D to a (4, 12, 12, 1) batch (uint8, int64, bool, float32, "
                "float64), perfect and no overlap, one or both empty (1.0, 1.0)")

    return _run("check_dice_and_iou", body, dice_and_iou)


# --- check_contracting_level_size ----------------------------------------------------------------

_LEVEL_SIZES = (572, 284, 140, 68, 30, 188, 64, 100, 10, 8, 6)     # the paper's contracting path first
_IMPOSSIBLE_SIZES = (573, 285, 101, 29, 7, 5, 4, 3, 2, 0)           # size − 4 odd, or not positive
_LEVEL_FORMULA = "(size − 4) // 2: two valid 3×3 convolutions take 2 pixels each, then 2×2 pooling halves"
_WRONG_LEVELS: list[tuple[Callable[[int], float], str]] = [
    (lambda n: n // 2,
     "that is padding='same', which keeps the size through the convolutions; the U-Net's are valid (unpadded): "
     "each 3×3 convolution takes 2 pixels off the side"),
    (lambda n: n // 2 - 4,
     "pooling comes after the two convolutions: (size − 4) // 2, not size // 2 − 4"),
    (lambda n: (n - 2) // 2,
     "two valid 3×3 convolutions take 2 pixels each (one on each edge), 4 in all, before the pooling"),
    (lambda n: (n - 6) // 2,
     "a valid 3×3 convolution takes k − 1 = 2 pixels off the side, not 3"),
    (lambda n: n - 4,
     "the 2×2 max-pooling with stride 2 is missing: it halves the side, (size − 4) // 2"),
]


@lru_cache(maxsize=1)
def _keras_level_sizes() -> tuple[int, ...]:
    """The side of the output of a Keras contracting level, Conv2D(3, padding='valid') twice then MaxPooling2D(2),
    for each size of ``_LEVEL_SIZES``. Every layer is named and zero-initialised: building the model neither takes
    a default name (conv2d_1, ...) from the learner's layers nor draws a seed from Python's random generator."""
    import keras
    from keras import layers

    level = keras.Sequential([
        keras.Input((None, None, 1), name="check_level_image"),
        layers.Conv2D(1, 3, padding="valid", kernel_initializer="zeros", name="check_level_conv1"),
        layers.Conv2D(1, 3, padding="valid", kernel_initializer="zeros", name="check_level_conv2"),
        layers.MaxPooling2D(2, name="check_level_pool"),
    ], name="check_contracting_level")
    return tuple(int(level.compute_output_shape((1, n, n, 1))[1]) for n in _LEVEL_SIZES)


def _whole_number(value: Any, size: int) -> Any:
    """``value`` as returned, refused unless it is one number (Python, NumPy, 0-d array or tensor)."""
    if value is None:
        raise _Fail(f"returned None for size {size}: did you forget `return`?")
    if isinstance(value, (bool, np.bool_)) or isinstance(value, (str, bytes, list, tuple, dict, set)):
        raise _Fail(f"returned a {type(value).__name__} for size {size}: return one whole number, the side")
    array = _numeric(value, f"the result for size {size}")
    if array.shape != ():
        raise _Fail(f"returned an array of shape {array.shape} for size {size}: return one whole number, the side")
    return array


def check_contracting_level_size(contracting_level_size: Callable[[int], int]) -> CheckResult:
    """Check the side after one U-Net contracting level against a Keras model's output shape. Introduced in 09.

    Sizes whose side before pooling (size − 4) is odd or not positive must raise ValueError."""

    def body(contracting_level_size: Callable[[int], int]) -> str:
        got = []
        for n in _LEVEL_SIZES:
            hint = (f"{n} is a possible size ({n} − 4 = {n - 4} is even and positive): raise ValueError only when "
                    "size − 4 is odd or not positive")
            got.append(_whole_number(_call(contracting_level_size, n, context=f"for size {n}", hint=hint), n))
        expected = _keras_level_sizes()
        values = [float(g) for g in got]
        wrong = [index for index, (value, e) in enumerate(zip(values, expected)) if value != e]
        if wrong:
            for formula, hint in _WRONG_LEVELS:
                if all(value == formula(n) for value, n in zip(values, _LEVEL_SIZES)):
                    raise _Fail(f"{len(wrong)} of {len(_LEVEL_SIZES)} sizes wrong; {hint}")
            n, value = _LEVEL_SIZES[wrong[0]], got[wrong[0]]
            if value != np.floor(value):
                raise _Fail(f"size {n} gives {_g(value)}: a side is a whole number; divide with // (floor division)")
            raise _Fail(f"size {n} gives {_g(value)}, the Keras level gives {expected[wrong[0]]}: {_LEVEL_FORMULA}")
        floats = [g for g in got if not np.issubdtype(g.dtype, np.integer)]
        if floats:
            raise _Fail(f"returned {_g(floats[0])} as a {floats[0].dtype} number: a side is a whole number that shapes "
                        "accept; use // (floor division) or int(...)")
        for n in _IMPOSSIBLE_SIZES:
            why = (f"{n} − 4 = {n - 4} is odd: 2×2 pooling cannot halve it (Keras drops the last row and column)"
                   if n - 4 > 0 else f"{n} − 4 = {n - 4}: two valid 3×3 convolutions leave nothing to pool")
            _expect_refusal(contracting_level_size, n, where=f"size {n}", why=why)
        return (f"matches the Keras level (valid 3×3 conv twice, 2×2 pooling) for {len(_LEVEL_SIZES)} sizes, 6-572; "
                f"raises ValueError for {len(_IMPOSSIBLE_SIZES)} impossible ones, 0-573")

    return _run("check_contracting_level_size", body, contracting_level_size)


# --- diagnosis: which change fixes which failure? ------------------------------------------------

FIXES = ("skip connections", "more augmentation", "border weights")
_FAILURES = {"A": "border weights", "B": "skip connections", "C": "more augmentation"}   # the answer of 09's exercise
_FAILURE_IMAGE, _FAILURE_CROP = 25, (slice(128, 384), slice(128, 384))   # held-out image 25, its central 256×256
_LOOK_FOR_FIX = {
    "skip connections": "look for membranes in roughly the right places but thick, blocky and a few pixels off: the "
                        "decoder had only the coarse code to go on; skip connections bring back the fine positions",
    "more augmentation": "look for membrane fragments inside cells, on dark organelles that resemble membrane: a "
                         "network that has seen 25 images in few variations takes texture for membrane; varied "
                         "training images (flips, rotations, elastic deformation) teach what does not change",
    "border weights": "look for gaps exactly where two cells touch across a thin membrane: few pixels, so a plain "
                      "loss barely pays for them; the paper's weight map makes those pixels count more",
}


@lru_cache(maxsize=1)
def _failure_masks() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(image, true mask, {label: constructed prediction}) for 09's diagnosis exercise, each failure pure."""
    from scipy import ndimage

    from ..data import membrane_split

    _, (images, masks) = membrane_split()
    image = images[_FAILURE_IMAGE - 25][_FAILURE_CROP].astype(np.float64) / 255.0
    truth = masks[_FAILURE_IMAGE - 25][_FAILURE_CROP].astype(bool)
    # A: gaps cut into the thinnest membranes (where two cells touch), 24 discs of radius 7
    depth = ndimage.distance_transform_edt(truth)
    thin = np.argwhere(truth & (ndimage.maximum_filter(depth, size=7) <= 2.0))
    centres = thin[np.random.default_rng(25).choice(len(thin), size=24, replace=False)]
    rows, cols = np.ogrid[:truth.shape[0], :truth.shape[1]]
    cut = np.zeros_like(truth)
    for r, c in centres:
        cut |= (rows - r) ** 2 + (cols - c) ** 2 <= 49
    gaps = truth & ~cut
    # B: the mask as seen at 1/8 of the resolution (8×8 blocks), brought back up smoothly, as much membrane as truth
    coarse = ndimage.zoom(truth.reshape(32, 8, 32, 8).mean(axis=(1, 3)), 8, order=1, grid_mode=True, mode="nearest")
    blocky = coarse > np.quantile(coarse, 1 - truth.mean())
    # C: the true membranes plus dark, blob-like structures inside cells (smoothed image darkest 6 % away from membrane)
    smooth = ndimage.gaussian_filter(image, 2.0)
    inside = ~ndimage.binary_dilation(truth, iterations=4)
    dark = inside & (smooth < np.quantile(smooth[inside], 0.06))
    speckled = truth | ndimage.binary_opening(dark, iterations=1)
    return image, truth, {"A": gaps, "B": blocky, "C": speckled}


def failure_overlays() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Held-out image 25's centre (256×256 floats in [0, 1]), its true membrane mask and three predictions A–C,
    each built from the true mask with one kind of failure, which 09's diagnosis exercise asks to match with the
    change that fixes it (one of ``FIXES``). Introduced in 09."""
    image, truth, predictions = _failure_masks()
    return image.copy(), truth.copy(), {label: mask.copy() for label, mask in predictions.items()}


def name_the_fixes() -> dict[str, str]:
    """The answer of 09's diagnosis exercise: label -> the change that fixes its failure. Introduced in 09."""
    return dict(_FAILURES)


REFERENCES = REFERENCES + (name_the_fixes,)


def check_name_the_fixes(name_the_fixes: Callable[[], dict]) -> CheckResult:
    """Check the learner's reading of the three failure overlays (label -> fix). Introduced in 09."""
    return _check_labels("check_name_the_fixes", name_the_fixes, _FAILURES, FIXES, "fix", _LOOK_FOR_FIX,
                         "all three right: skips restore where, augmentation teaches what varies, border weights "
                         "make the thin separations count")
