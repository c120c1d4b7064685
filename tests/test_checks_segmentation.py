"""Checkers of 09 · U-Net segmentation: right answers pass, the stub and wrong answers fail."""
import random

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import segmentation
from test_checks_core import assert_fails, assert_passes, stub


# --- check_dice_and_iou --------------------------------------------------------------------------

def counting_dice_and_iou(pred, target):
    overlap = np.sum(pred * target)
    total = np.sum(pred) + np.sum(target)
    if total == 0:
        return 1.0, 1.0
    return 2 * overlap / total, overlap / (total - overlap)


def boolean_dice_and_iou(pred, target):
    p, t = np.asarray(pred) > 0.5, np.asarray(target) > 0.5
    union = np.logical_or(p, t).sum()
    if union == 0:
        return 1.0, 1.0
    overlap = np.logical_and(p, t).sum()
    return float(2 * overlap / (p.sum() + t.sum())), float(overlap / union)


def tensorflow_dice_and_iou(pred, target):   # returns two 0-d float32 tensors
    import tensorflow as tf

    p, t = tf.cast(pred, tf.float32), tf.cast(target, tf.float32)
    overlap, total = tf.reduce_sum(p * t), tf.reduce_sum(p) + tf.reduce_sum(t)
    if total == 0:
        return tf.constant(1.0), tf.constant(1.0)
    return 2 * overlap / total, overlap / (total - overlap)


def with_empty_convention(formula):
    """``formula(p, t)`` on boolean masks, (1.0, 1.0) for two empty masks: one mistake at a time."""

    def dice_and_iou(pred, target):
        p, t = np.asarray(pred, dtype=bool), np.asarray(target, dtype=bool)
        return (1.0, 1.0) if not (p.any() or t.any()) else formula(p, t)

    return dice_and_iou


def test_dice_and_iou_right_answers_pass():
    assert_passes(checks.check_dice_and_iou(counting_dice_and_iou))
    assert_passes(checks.check_dice_and_iou(boolean_dice_and_iou))
    assert_passes(checks.check_dice_and_iou(lambda pred, target: list(counting_dice_and_iou(pred, target))))
    assert_passes(checks.check_dice_and_iou(lambda pred, target: np.array(boolean_dice_and_iou(pred, target))))
    assert_fails(checks.check_dice_and_iou(segmentation.dice_and_iou), "course's own")


def test_dice_and_iou_as_tensors_passes():
    assert_passes(checks.check_dice_and_iou(tensorflow_dice_and_iou))


def test_dice_and_iou_reference_is_the_confusion_count_formula():
    rng = np.random.default_rng(1)
    for shape in [(7,), (9, 11), (3, 8, 8, 1)]:
        pred, target = rng.random(shape) < 0.4, rng.random(shape) < 0.5
        tp, fp, fn = np.sum(pred & target), np.sum(pred & ~target), np.sum(~pred & target)
        dice, iou = segmentation.dice_and_iou(pred.astype(np.float32), target.astype(np.uint8))
        assert type(dice) is float and type(iou) is float
        assert dice == pytest.approx(2 * tp / (2 * tp + fp + fn)) and iou == pytest.approx(tp / (tp + fp + fn))
    empty = np.zeros((4, 4), np.uint8)
    assert segmentation.dice_and_iou(empty, empty) == (1.0, 1.0)
    assert segmentation.dice_and_iou(empty, np.eye(4)) == (0.0, 0.0)


def test_dice_and_iou_stub_none_and_wrong_kinds_of_result_fail():
    assert_fails(checks.check_dice_and_iou(stub), "not attempted")
    assert_fails(checks.check_dice_and_iou(checks.solved_or_reference(stub, "dice_and_iou")), "not attempted")
    assert_fails(checks.check_dice_and_iou(lambda pred, target: None), "forget `return`")
    assert_fails(checks.check_dice_and_iou(lambda pred, target: counting_dice_and_iou(pred, target)[0]),
                 "return two numbers, (dice, iou)")
    assert_fails(checks.check_dice_and_iou(lambda pred, target: (*counting_dice_and_iou(pred, target), 0.0)),
                 "returned 3 values")
    assert_fails(checks.check_dice_and_iou(lambda pred, target: dict(zip("di", counting_dice_and_iou(pred, target)))),
                 "returned a dict")
    per_pixel = lambda pred, target: (2.0 * pred * target, 1.0 * pred * target)
    assert_fails(checks.check_dice_and_iou(per_pixel), "score the whole array as one")


@pytest.mark.parametrize("formula, fragment", [
    (lambda p, t: segmentation.dice_and_iou(p, t)[::-1], "Dice and IoU are swapped"),
    (lambda p, t: tuple(100 * s for s in segmentation.dice_and_iou(p, t)), "percentages"),
    (lambda p, t: tuple((a + b) / 2 for a, b in zip(segmentation.dice_and_iou(p, t),
                                                    segmentation.dice_and_iou(~p, ~t))), "background (0) included"),
    (lambda p, t: segmentation.dice_and_iou(~p, ~t), "the background's scores"),
    (lambda p, t: (np.mean(p == t), np.mean(p == t)), "pixel accuracy"),
    (lambda p, t: (np.sum(p & t) / (np.sum(p) + np.sum(t)), segmentation.dice_and_iou(p, t)[1]), "lacks the factor 2"),
    (lambda p, t: (segmentation.dice_and_iou(p, t)[0], np.sum(p & t) / (np.sum(p) + np.sum(t))),
     "counts the overlap twice"),
    (lambda p, t: ((2 * np.sum(p & t) + 1) / (np.sum(p) + np.sum(t) + 1), (np.sum(p & t) + 1) / (np.sum(p | t) + 1)),
     "smoothing term (+1)"),
    (lambda p, t: ((2 * np.sum(p & t) + 1e-4) / (np.sum(p) + np.sum(t) + 1e-4),
                   (np.sum(p & t) + 1e-4) / (np.sum(p | t) + 1e-4)), "close, not exact"),
    (lambda p, t: (float(2 * np.sum(p & t) // (np.sum(p) + np.sum(t))), float(np.sum(p & t) // np.sum(p | t))),
     "integer division"),
    (lambda p, t: (np.sum(p & t) / np.sum(p), np.sum(p & t) / np.sum(p | t)), "Dice = 2|P∩T| / (|P| + |T|)"),
], ids=["swapped", "percent", "mean-with-background", "background", "accuracy", "no-2", "union-twice", "smooth-1",
        "smooth-eps", "floor-division", "other"])
def test_dice_and_iou_wrong_formulas_fail_with_their_hint(formula, fragment):
    assert_fails(checks.check_dice_and_iou(with_empty_convention(formula)), fragment)


def test_dice_and_iou_averaged_per_image_fails():
    def per_image(pred, target):
        if np.ndim(pred) < 3:
            return segmentation.dice_and_iou(pred, target)
        return tuple(np.mean([segmentation.dice_and_iou(p, t) for p, t in zip(pred, target)], axis=0))

    assert_fails(checks.check_dice_and_iou(per_image), "mean of per-image scores")


def test_dice_and_iou_dividing_by_zero_on_empty_masks_fails():
    def no_convention(pred, target):   # NumPy: 0/0 gives NaN (and a warning, not shown)
        overlap = np.sum(pred * target)
        total = np.sum(pred) + np.sum(target)
        return 2 * overlap / total, overlap / (total - overlap)

    result = checks.check_dice_and_iou(no_convention)
    assert_fails(result, "got (nan, nan) for two empty masks")
    assert "return (1.0, 1.0)" in result.message and "printed" not in result.message

    def python_division(pred, target):   # Python: 0/0 raises
        overlap, total = int(np.sum(pred * target)), int(np.sum(pred) + np.sum(target))
        return 2 * overlap / total, overlap / (total - overlap)

    result = checks.check_dice_and_iou(python_division)
    assert_fails(result, "raised ZeroDivisionError for two empty masks")
    assert "return (1.0, 1.0)" in result.message


def test_dice_and_iou_with_the_wrong_convention_for_empty_masks_fails():
    zero_when_empty = lambda pred, target: (0.0, 0.0) if not np.any(pred) and not np.any(target) else \
        counting_dice_and_iou(pred, target)
    assert_fails(checks.check_dice_and_iou(zero_when_empty), "by the convention of this exercise")
    one_when_any_empty = lambda pred, target: (1.0, 1.0) if not np.any(pred) or not np.any(target) else \
        counting_dice_and_iou(pred, target)
    assert_fails(checks.check_dice_and_iou(one_when_any_empty), "(1.0, 1.0) is only for two empty masks")


def test_dice_and_iou_that_breaks_on_booleans_or_floats_fails_with_a_hint():
    def plus_on_booleans(pred, target):   # on booleans, pred + target is pred | target
        if not np.any(pred) and not np.any(target):
            return 1.0, 1.0
        overlap, total = np.sum(pred * target), np.sum(pred + target)
        return 2 * overlap / total, overlap / (total - overlap)

    assert_fails(checks.check_dice_and_iou(plus_on_booleans), "right for 0/1 integer masks but not for random 5×7 "
                                                              "boolean masks")

    def minus_on_booleans(pred, target):   # the confusion counts; NumPy refuses - on booleans
        tp = np.sum(pred * target)
        fp, fn = np.sum(pred - pred * target), np.sum(target - pred * target)
        return (1.0, 1.0) if tp + fp + fn == 0 else (2 * tp / (2 * tp + fp + fn), tp / (tp + fp + fn))

    assert_fails(checks.check_dice_and_iou(minus_on_booleans), "masks may be booleans")

    def bitwise_on_floats(pred, target):
        union = np.sum(pred | target)
        return (1.0, 1.0) if union == 0 else (2 * np.sum(pred & target) / (np.sum(pred) + np.sum(target)),
                                              np.sum(pred & target) / union)

    assert_fails(checks.check_dice_and_iou(bitwise_on_floats), "masks may be floats 0.0/1.0")


def test_dice_and_iou_changing_a_mask_in_place_fails():
    def in_place(pred, target):
        pred *= target          # the overlap, computed in the caller's array
        return counting_dice_and_iou(pred, target)

    assert_fails(checks.check_dice_and_iou(in_place), "changed its argument `pred` in place")

    def overlap_kept(pred, target):
        result = counting_dice_and_iou(pred, target)
        target *= pred          # the overlap, kept for later in the caller's array
        return result

    assert_fails(checks.check_dice_and_iou(overlap_kept), "changed its argument `target` in place")


def test_dice_and_iou_cases_are_read_only_and_cover_the_edge_cases():
    cases = segmentation._dice_cases()
    assert all(not pred.flags.writeable and not target.flags.writeable for _, pred, target in cases)
    scores = [segmentation._scores(pred.astype(bool), target.astype(bool)) for _, pred, target in cases]
    assert (1.0, 1.0) in scores and (0.0, 0.0) in scores
    assert sum(0.0 < iou < dice < 1.0 for dice, iou in scores) >= 6       # swapped scores differ from right ones
    dtypes = {pred.dtype for _, pred, _ in cases}
    assert {np.dtype(bool), np.dtype(np.uint8), np.dtype(np.float32)} <= dtypes


# --- check_contracting_level_size ----------------------------------------------------------------

def level_size(size):
    if size - 4 <= 0 or (size - 4) % 2 == 1:
        raise ValueError(f"no contracting level for a {size}×{size} input")
    return (size - 4) // 2


def test_contracting_level_size_right_answers_pass():
    assert_passes(checks.check_contracting_level_size(level_size))
    assert_passes(checks.check_contracting_level_size(lambda size: np.int64(level_size(size))))
    assert_passes(checks.check_contracting_level_size(lambda size: int((level_size(size) * 2) / 2)))
    assert_fails(checks.check_contracting_level_size(segmentation.contracting_level_size), "course's own")


def test_contracting_level_size_as_a_tensor_passes():
    import tensorflow as tf

    assert_passes(checks.check_contracting_level_size(lambda size: tf.constant(level_size(size))))


def test_contracting_level_size_cases_are_the_keras_shapes():
    expected = tuple(segmentation.contracting_level_size(n) for n in segmentation._LEVEL_SIZES)
    assert segmentation._keras_level_sizes() == expected
    assert segmentation.contracting_level_size(572) == 284                  # the paper's first level
    for n in segmentation._IMPOSSIBLE_SIZES:
        with pytest.raises(ValueError, match=f"size {n} leaves"):
            segmentation.contracting_level_size(n)


def test_contracting_level_size_builds_keras_layers_without_touching_the_learner_s_state():
    segmentation._keras_level_sizes.cache_clear()
    state = random.getstate()
    assert_passes(checks.check_contracting_level_size(level_size))
    assert random.getstate() == state


def test_contracting_level_size_stub_none_and_non_numbers_fail():
    assert_fails(checks.check_contracting_level_size(stub), "not attempted")
    assert_fails(checks.check_contracting_level_size(checks.solved_or_reference(stub, "contracting_level_size")),
                 "not attempted")
    assert_fails(checks.check_contracting_level_size(lambda size: None), "forget `return`")
    assert_fails(checks.check_contracting_level_size(lambda size: (level_size(size), level_size(size))),
                 "one whole number")
    assert_fails(checks.check_contracting_level_size(lambda size: np.array([level_size(size)])), "one whole number")


@pytest.mark.parametrize("wrong, fragment", [
    (lambda n: n // 2, "padding='same'"),
    (lambda n: n // 2 - 4, "pooling comes after the two convolutions"),
    (lambda n: (n - 2) // 2, "take 2 pixels each (one on each edge), 4 in all"),
    (lambda n: (n - 6) // 2, "not 3"),
    (lambda n: n - 4, "pooling with stride 2 is missing"),
    (lambda n: (n - 4) // 2 if n > 100 else n, "size 68 gives 68, the Keras level gives 32"),
], ids=["same", "pool-first", "one-pixel-per-conv", "three-per-conv", "no-pooling", "other"])
def test_contracting_level_size_wrong_formulas_fail_with_their_hint(wrong, fragment):
    assert_fails(checks.check_contracting_level_size(lambda size: wrong(size)), fragment)


def test_contracting_level_size_as_a_float_fails():
    assert_fails(checks.check_contracting_level_size(lambda size: (size - 4) / 2), "a side is a whole number")
    assert_fails(checks.check_contracting_level_size(lambda size: (size - 4) / 2 if size < 100 else (size - 3) / 2),
                 "divide with //")


def test_contracting_level_size_that_does_not_raise_for_impossible_sizes_fails():
    keras_like = lambda size: (size - 4) // 2        # Keras floors: the last row and column are dropped
    assert_fails(checks.check_contracting_level_size(keras_like), "size 573 gives 284: raise ValueError, as "
                                                                  "573 − 4 = 569 is odd")

    def only_odd(size):
        if size % 2:
            raise ValueError("odd size")
        return (size - 4) // 2

    assert_fails(checks.check_contracting_level_size(only_odd), "size 4 gives 0")
    assert_fails(checks.check_contracting_level_size(only_odd), "leave nothing to pool")

    def returns_none(size):
        return None if size - 4 <= 0 or size % 2 else (size - 4) // 2

    assert_fails(checks.check_contracting_level_size(returns_none), "returned None: raise ValueError instead")

    def asserts(size):
        assert size % 2 == 0 and size > 4, "impossible size"
        return (size - 4) // 2

    assert_fails(checks.check_contracting_level_size(asserts), "raised AssertionError")


def test_contracting_level_size_that_raises_for_a_possible_size_fails():
    def next_level_too(size):   # wants the next level to be possible as well: refuses 30 (13 is odd)
        if (size - 4) % 4:
            raise ValueError("odd size after pooling")
        return level_size(size)

    result = checks.check_contracting_level_size(next_level_too)
    assert_fails(result, "raised ValueError for size 30")
    assert "30 is a possible size" in result.message


# --- check_name_the_fixes ------------------------------------------------------------------------

def test_the_failure_overlays_show_the_failures_they_claim():
    image, truth, failures = segmentation.failure_overlays()
    answer = segmentation.name_the_fixes()
    assert image.shape == truth.shape == (256, 256) and 0.0 <= image.min() and image.max() <= 1.0
    assert sorted(failures) == ["A", "B", "C"] and sorted(answer.values()) == sorted(segmentation.FIXES)
    by_fix = {fix: failures[label] for label, fix in answer.items()}
    gaps, blocky, speckled = by_fix["border weights"], by_fix["skip connections"], by_fix["more augmentation"]
    assert not (gaps & ~truth).any() and 0.002 < (truth & ~gaps).mean() < 0.05       # only a few pixels missed
    assert not (truth & ~speckled).any() and (speckled & ~truth).mean() > 0.005      # only pixels added, ...
    from scipy import ndimage
    assert not (speckled & ~truth & ndimage.binary_dilation(truth, iterations=4)).any()   # ... inside cells
    assert abs(blocky.mean() - truth.mean()) < 0.01 and (blocky & ~truth).any() and (truth & ~blocky).any()
    image[...] = 0.0
    truth[...] = False                            # a learner's change does not reach the exercise's pictures
    assert segmentation.failure_overlays()[0].max() > 0.5 and segmentation.failure_overlays()[1].any()


def test_name_the_fixes_right_and_wrong_readings():
    answer = segmentation.name_the_fixes()
    assert_passes(checks.check_name_the_fixes(lambda: dict(answer)))
    assert_passes(checks.check_name_the_fixes(lambda: {label: f"  {fix.upper()} " for label, fix in answer.items()}))
    assert_fails(checks.check_name_the_fixes(stub), "not attempted")
    swapped = {label: {"skip connections": "border weights", "border weights": "skip connections"}.get(fix, fix)
               for label, fix in answer.items()}
    result = checks.check_name_the_fixes(lambda: swapped)
    assert_fails(result, "2 of 3 wrong")
    assert "where two cells touch" in result.message
    assert_fails(checks.check_name_the_fixes(lambda: dict(answer, A="dropout")), "not one of")
    assert_fails(checks.check_name_the_fixes(lambda: {"A": "border weights"}), "one fix for each")
    assert_fails(checks.check_name_the_fixes(lambda: list(answer.values())), "dict")
    twice = {"A": "border weights", "B": "border weights", "C": "more augmentation"}
    assert_fails(checks.check_name_the_fixes(lambda: twice), "exactly one label")
