"""Checkers of 11 · Transformer: right answers pass, the stub and wrong answers fail."""
import random

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from course_utils import checks
from course_utils.checks import attention
from test_checks_core import assert_fails, assert_passes, stub


# --- check_scaled_dot_product_attention ----------------------------------------------------------

def numpy_attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    logits = np.einsum("...qd,...kd->...qk", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        logits = np.where(np.asarray(mask).astype(bool), logits, -np.inf)     # −inf: no row is wholly masked
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v, weights


def tensorflow_attention(q, k, v, mask=None):   # as 11 might write it: an additive mask
    scores = tf.matmul(q, k, transpose_b=True) / tf.math.sqrt(tf.cast(tf.shape(k)[-1], tf.as_dtype(q.dtype)))
    if mask is not None:
        scores += (1.0 - tf.cast(mask, scores.dtype)) * -1e9
    weights = tf.nn.softmax(scores, axis=-1)
    return tf.matmul(weights, v), weights


def keras_ops_attention(q, k, v, mask=None):
    from keras import ops

    scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / ops.sqrt(ops.cast(ops.shape(k)[-1], q.dtype))
    if mask is not None:
        scores = ops.where(ops.cast(mask, "bool"), scores, -1e9)
    weights = ops.softmax(scores, axis=-1)
    return ops.matmul(weights, v), weights


def float32_attention(q, k, v, mask=None):     # computes in float32 whatever the inputs: compared to float32 precision
    q, k, v = (tf.cast(x, tf.float32) for x in (q, k, v))
    return tensorflow_attention(q, k, v, mask)


def test_attention_right_answers_pass():
    assert_passes(checks.check_scaled_dot_product_attention(numpy_attention))
    assert_passes(checks.check_scaled_dot_product_attention(tensorflow_attention))
    assert_passes(checks.check_scaled_dot_product_attention(keras_ops_attention))
    assert_passes(checks.check_scaled_dot_product_attention(float32_attention))
    assert_passes(checks.check_scaled_dot_product_attention(lambda q, k, v, mask=None: list(numpy_attention(q, k, v,
                                                                                                           mask))))
    assert_fails(checks.check_scaled_dot_product_attention(attention.scaled_dot_product_attention), "course's own")


def test_attention_reference_is_keras_multi_head_attention_and_numpy():
    keras_results = attention._keras_attention()
    for (_, q, k, v, mask, _, _), (keras_output, keras_weights) in zip(attention._attention_cases(), keras_results):
        output, weights = attention.scaled_dot_product_attention(q, k, v, mask)
        assert output.dtype == q.dtype and weights.dtype == q.dtype
        expected = numpy_attention(q.astype(np.float64), k.astype(np.float64), v.astype(np.float64), mask)
        rtol = 1e-12 if q.dtype == np.float64 else 1e-5
        np.testing.assert_allclose(output, expected[0], rtol=rtol, atol=rtol)
        np.testing.assert_allclose(weights, expected[1], rtol=rtol, atol=rtol)
        np.testing.assert_allclose(keras_output, expected[0], rtol=1e-5, atol=1e-6)     # Keras' 1/√d_k is float32
        np.testing.assert_allclose(keras_weights, expected[1], rtol=1e-5, atol=1e-6)
        if mask is not None:
            assert np.all(np.asarray(weights)[~np.broadcast_to(np.asarray(mask) != 0, weights.shape)] == 0)


def test_attention_reference_gives_a_wholly_masked_row_uniform_weights():
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0]])
    output, weights = attention.scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_allclose(weights[1], np.full(4, 0.25))
    np.testing.assert_allclose(output[1], v.mean(axis=0))
    np.testing.assert_allclose(weights[0], numpy_attention(q[:1], k[:2], v[:2])[1][0].tolist() + [0.0, 0.0])


def test_attention_stub_none_and_wrong_kinds_of_result_fail():
    check = checks.check_scaled_dot_product_attention
    assert_fails(check(stub), "not attempted")
    assert_fails(check(checks.solved_or_reference(stub, "scaled_dot_product_attention")), "not attempted")
    assert_fails(check(lambda q, k, v, mask=None: None), "forget `return`")
    assert_fails(check(lambda q, k, v, mask=None: numpy_attention(q, k, v, mask)[0]),
                 "returned one array, of shape (3, 2), for q (3, 4)")
    assert_fails(check(lambda q, k, v, mask=None: (*numpy_attention(q, k, v, mask), q)), "returned 3 values")
    assert_fails(check(lambda q, k, v, mask=None: numpy_attention(q, k, v, mask)[::-1]),
                 "output and weights are swapped")
    assert_fails(check(lambda q, k, v, mask=None: (numpy_attention(q, k, v, mask)[0], 0.5)),
                 "weights (the second value) for q (3, 4), k (4, 4), v (4, 2), float64 is a single number")
    assert_fails(check(lambda q, k, v, mask=None: (numpy_attention(q, k, v, mask)[0][..., :1],
                                                   numpy_attention(q, k, v, mask)[1])),
                 "output for q (3, 4), k (4, 4), v (4, 2), float64 has shape (3, 1), expected (3, 2)")


def test_attention_without_a_default_for_the_mask_fails():
    result = checks.check_scaled_dot_product_attention(lambda q, k, v, mask: numpy_attention(q, k, v, mask))
    assert_fails(result, "raised TypeError for q (3, 4)")
    assert "mask" in result.message


def wrong_attention(scale=None, axis=-1, transpose=True, mask_rule="where", weights_out="weights"):
    """One mistake at a time, in NumPy: each argument changes one thing from numpy_attention."""

    def scaled_dot_product_attention(q, k, v, mask=None):
        q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
        keys = np.swapaxes(k, -1, -2) if transpose else k
        logits = (q @ keys) / (np.sqrt(q.shape[-1]) if scale is None else scale(q, k, v))
        masked = logits
        if mask is not None and mask_rule == "where":
            masked = np.where(np.asarray(mask) != 0, logits, -1e9)
        elif mask is not None and mask_rule == "inverted":
            masked = logits + np.asarray(mask, dtype=logits.dtype) * -1e9     # the "1 = blocked" convention
        elif mask is not None and mask_rule == "times -inf":
            masked = logits + (1 - np.asarray(mask, dtype=logits.dtype)) * -np.inf    # 0 × (−inf) is NaN
        weights = np.exp(masked - masked.max(axis=axis, keepdims=True))
        weights = weights / weights.sum(axis=axis, keepdims=True)
        if mask is not None and mask_rule == "after":
            weights = weights * (np.asarray(mask) != 0)
        output = weights @ v
        return output, {"weights": weights, "logits": masked, "uniform": np.full_like(weights, 0.1)}[weights_out]

    return scaled_dot_product_attention


@pytest.mark.parametrize("wrong, fragment", [
    (wrong_attention(scale=lambda q, k, v: 1.0), "the logits are not scaled: divide Q Kᵀ by √d_k"),
    (wrong_attention(scale=lambda q, k, v: q.shape[-1]), "divided by d_k: divide by its square root"),
    (wrong_attention(scale=lambda q, k, v: np.sqrt(v.shape[-1])), "divided by √d_v"),
    (wrong_attention(axis=-2), "the softmax is over the queries (axis −2)"),
    (wrong_attention(axis=(-2, -1)), "over all queries and keys together"),
    (wrong_attention(transpose=False), "K is not transposed"),
    (wrong_attention(mask_rule="ignored"), "the mask is ignored"),
    (wrong_attention(mask_rule="inverted"), "the mask is inverted: 1 (True) means may attend"),
    (wrong_attention(mask_rule="after"), "the mask is applied after the softmax"),
    (wrong_attention(mask_rule="times -inf"), "0 × (−inf) is NaN"),
    (wrong_attention(weights_out="logits"), "are the logits: return the softmax's output"),
    (wrong_attention(weights_out="uniform"), "the output is right, the weights not for q (3, 4)"),
], ids=["unscaled", "d_k", "d_v", "queries-axis", "whole-matrix", "not-transposed", "mask-ignored", "mask-inverted",
        "mask-after-softmax", "nan", "logits-as-weights", "other-weights"])
def test_attention_wrong_formulas_fail_with_their_hint(wrong, fragment):
    result = checks.check_scaled_dot_product_attention(wrong)
    assert_fails(result, fragment)
    assert "printed" not in result.message          # NumPy's warnings are silenced, not counted


def test_attention_with_the_wrong_output_is_named():
    def output_from_v_alone(q, k, v, mask=None):
        _, weights = numpy_attention(q, k, v, mask)
        return weights @ (v * 2), weights

    assert_fails(checks.check_scaled_dot_product_attention(output_from_v_alone),
                 "the weights are right, the output not for q (3, 4)")

    def other(q, k, v, mask=None):
        output, weights = numpy_attention(q, k, v, mask)
        return output + 0.01, weights + 0.01

    assert_fails(checks.check_scaled_dot_product_attention(other), "output = softmax(Q Kᵀ / √d_k) V")


def test_attention_transposing_every_axis_of_k_fails_with_the_axes_hint():
    def transposed_k(q, k, v, mask=None):       # k.T is right in 2-D only
        logits = q @ np.asarray(k).T / np.sqrt(q.shape[-1])
        weights = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        return weights @ v, weights

    result = checks.check_scaled_dot_product_attention(transposed_k)
    assert_fails(result, "your code raised ValueError for q (2, 5, 8), k (2, 7, 8), v (2, 7, 3), float32")
    assert "transpose only k's last two axes" in result.message and len(result.message) <= 200


def test_attention_that_takes_only_boolean_masks_or_only_arrays_fails_with_a_hint():
    def boolean_masks_only(q, k, v, mask=None):
        logits = tf.matmul(q, k, transpose_b=True) / np.sqrt(q.shape[-1])
        if mask is not None:
            logits = np.where(~np.asarray(mask), -1e9, logits)          # NumPy refuses ~ on floats
        weights = tf.nn.softmax(logits)
        return tf.matmul(weights, v), weights

    assert_fails(checks.check_scaled_dot_product_attention(boolean_masks_only), "booleans or 0/1 numbers")

    def arrays_only(q, k, v, mask=None):
        logits = q @ k.swapaxes(-1, -2) / np.sqrt(q.shape[-1])          # a tensor has no .swapaxes
        if mask is not None:
            logits = np.where(mask, logits, -1e9)
        weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
        weights = weights / weights.sum(axis=-1, keepdims=True)
        return weights @ v, weights

    assert_fails(checks.check_scaled_dot_product_attention(arrays_only), "TensorFlow tensors here")

    def additive_mask_of_numbers_only(q, k, v, mask=None):
        scores = tf.matmul(q, k, transpose_b=True) / np.sqrt(q.shape[-1])
        if mask is not None:
            scores += (1 - mask) * -1e9             # TensorFlow refuses − on a boolean tensor
        weights = tf.nn.softmax(scores)
        return tf.matmul(weights, v), weights

    assert_fails(checks.check_scaled_dot_product_attention(additive_mask_of_numbers_only), "the boolean mask")


def test_attention_changing_its_inputs_in_place_fails():
    def scaled_in_place(q, k, v, mask=None):
        q /= np.sqrt(q.shape[-1])          # the caller's q, scaled
        logits = q @ np.swapaxes(k, -1, -2)
        weights = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        return weights @ v, weights

    assert_fails(checks.check_scaled_dot_product_attention(scaled_in_place), "changed its argument `q` in place")

    def centred_in_place(q, k, v, mask=None):
        result = numpy_attention(q, k, v, mask)
        v -= v.mean()
        return result

    assert_fails(checks.check_scaled_dot_product_attention(centred_in_place), "changed its argument `v` in place")


def test_attention_cases_are_read_only_and_tell_the_mistakes_apart():
    cases = attention._attention_cases()
    assert all(not array.flags.writeable for case in cases for array in case[1:5] if array is not None)
    assert {case[1].dtype for case in cases} == {np.dtype(np.float32), np.dtype(np.float64)}
    assert any(case[1].ndim == 2 for case in cases) and any(case[1].ndim == 4 for case in cases)
    assert any(case[5] for case in cases) and sum(case[4] is not None for case in cases) >= 3
    first, first_masked = cases[0], next(case for case in cases if case[4] is not None)
    for _, q, k, v, mask, _, _ in (first, first_masked):
        expected = attention._attention(q, k, v, mask)
        mistakes = [pair for pair, _ in attention._attention_mistakes(q, k, v, mask)]
        if mask is not None:
            mistakes = mistakes[-3:]                       # the mask's own mistakes
        for index, (output, weights) in enumerate(mistakes):  # each differs from the answer and the others
            for other in [expected] + mistakes[:index]:
                assert not (np.allclose(output, other[0], rtol=1e-3) and np.allclose(weights, other[1], rtol=1e-3))
        if mask is not None:                                # no row wholly masked, by the mask or its inverse
            allowed = np.broadcast_to(np.asarray(mask) != 0, expected[1].shape)
            assert np.all(np.any(allowed, axis=-1)) and np.all(np.any(~allowed, axis=-1))
    for _, _, _, _, mask, _, _ in cases:
        assert mask is None or np.all(np.any(np.asarray(mask) != 0, axis=-1))


def test_attention_check_leaves_the_learner_s_random_state_and_layer_names_alone():
    attention._keras_attention.cache_clear()
    first = [layers.Softmax().name, layers.Dropout(0.5, seed=1).name]
    state, numpy_state = random.getstate(), np.random.get_state()
    assert_passes(checks.check_scaled_dot_product_attention(numpy_attention))
    assert random.getstate() == state and np.array_equal(np.random.get_state()[1], numpy_state[1])
    second = [layers.Softmax().name, layers.Dropout(0.5, seed=1).name]
    for before, after in zip(first, second):
        prefix, number = before.rsplit("_", 1) if before[-1].isdigit() else (before, "0")
        assert after == f"{prefix}_{int(number) + 1}", (first, second)


# --- check_causal_mask ---------------------------------------------------------------------------

@pytest.mark.parametrize("right", [
    lambda n: np.tril(np.ones((n, n), dtype=bool)),
    lambda n: np.tril(np.ones((n, n))),
    lambda n: tf.linalg.band_part(tf.ones((n, n)), -1, 0),             # TensorFlow's lower triangle, float32
    lambda n: np.arange(n)[:, None] >= np.arange(n),
    lambda n: [[int(j <= i) for j in range(n)] for i in range(n)],
    lambda n: tf.constant(np.tril(np.ones((n, n), dtype=np.uint8))),
], ids=["bool", "float", "band-part", "comparison", "list", "uint8-tensor"])
def test_causal_mask_right_answers_pass(right):
    assert_passes(checks.check_causal_mask(right))


def test_causal_mask_reference_is_the_lower_triangle():
    for n in (1, 4, 9):
        mask = attention.causal_mask(n)
        assert mask.dtype == bool and mask.shape == (n, n)
        np.testing.assert_array_equal(mask, tf.linalg.band_part(tf.ones((n, n)), -1, 0).numpy() == 1)
    assert_fails(checks.check_causal_mask(attention.causal_mask), "course's own")


def test_causal_mask_stub_none_and_wrong_kinds_of_result_fail():
    assert_fails(checks.check_causal_mask(stub), "not attempted")
    assert_fails(checks.check_causal_mask(checks.solved_or_reference(stub, "causal_mask")), "not attempted")
    assert_fails(checks.check_causal_mask(lambda length: None), "forget `return`")
    assert_fails(checks.check_causal_mask(lambda length: "lower"), "is a str")
    assert_fails(checks.check_causal_mask(lambda length: np.tril(np.ones((length, length)))[None]),
                 "has shape (1, 1, 1), expected (1, 1): no batch or head axes")
    assert_fails(checks.check_causal_mask(lambda length: np.tril(np.ones((length, length + 1)))),
                 "for length 1 has shape (1, 2), expected (1, 1)")
    assert_fails(checks.check_causal_mask(lambda length: 1.0 if length == 1 else np.tril(np.ones((length, length)))),
                 "for length 1 is a single value")


@pytest.mark.parametrize("wrong, fragment", [
    (lambda n: np.triu(np.ones((n, n))), "5 of 6 lengths wrong; that is the upper triangle"),
    (lambda n: np.tril(np.ones((n, n)), k=-1), "the diagonal is missing"),
    (lambda n: 1 - np.tril(np.ones((n, n))), "the mask is inverted, 1 where attending is blocked"),
    (lambda n: np.ones((n, n), dtype=bool), "every position may attend to every other"),
    (lambda n: np.eye(n), "only the diagonal is 1"),
    (lambda n: np.tril(np.ones((n, n)), k=1), "for length 2, mask[0, 1] is 1, expected 0"),
    (lambda n: (1 - np.tril(np.ones((n, n)))) * -1e9, "an additive mask of logits"),
    (lambda n: np.tril(np.full((n, n), 2.0)), "holds 2 at [0, 0]: a mask holds 0 and 1"),
], ids=["upper", "strictly-lower", "inverted", "all-ones", "diagonal", "other", "additive", "not-0-1"])
def test_causal_mask_wrong_masks_fail_with_their_hint(wrong, fragment):
    assert_fails(checks.check_causal_mask(wrong), fragment)


# --- check_positional_encoding -------------------------------------------------------------------

def interleaved(length, depth):
    if depth % 2:
        raise ValueError("odd depth")
    positions, i = np.arange(length)[:, None], np.arange(depth // 2)
    angles = positions / 10000 ** (2 * i / depth)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(length, depth)


def tensorflow_float32(length, depth):      # computed in float32 throughout, as a tf tensor
    if depth % 2:
        raise ValueError("odd depth")
    positions = tf.range(length, dtype=tf.float32)[:, tf.newaxis]
    rates = 1.0 / tf.pow(10000.0, tf.range(0, depth, 2, dtype=tf.float32) / depth)
    angles = positions * rates
    return tf.reshape(tf.stack([tf.sin(angles), tf.cos(angles)], axis=-1), (length, depth))


def old_tutorial(length, depth):            # TensorFlow's earlier tutorial: interleaved, with a batch axis
    if depth % 2:
        raise ValueError("odd depth")
    i = np.arange(depth)[np.newaxis, :]
    angles = np.arange(length)[:, np.newaxis] / np.power(10000, (2 * (i // 2)) / np.float32(depth))
    angles[:, 0::2], angles[:, 1::2] = np.sin(angles[:, 0::2]), np.cos(angles[:, 1::2])
    return angles[np.newaxis, ...].astype(np.float32)


def test_positional_encoding_right_answers_pass():
    assert_passes(checks.check_positional_encoding(interleaved))
    assert_passes(checks.check_positional_encoding(tensorflow_float32))
    assert_passes(checks.check_positional_encoding(lambda length, depth: old_tutorial(length, depth)[0]))
    assert_passes(checks.check_positional_encoding(lambda length, depth: interleaved(length, depth).tolist()))
    assert_fails(checks.check_positional_encoding(attention.positional_encoding), "course's own")


def test_positional_encoding_reference_is_the_paper_s_formula():
    encoding = attention.positional_encoding(7, 6)
    assert encoding.shape == (7, 6) and encoding.dtype == np.float64
    assert encoding[0].tolist() == [0.0, 1.0] * 3
    assert encoding[3, 0] == pytest.approx(np.sin(3)) and encoding[3, 1] == pytest.approx(np.cos(3))
    assert encoding[5, 2] == pytest.approx(np.sin(5 / 10000 ** (2 / 6)))
    assert encoding[5, 5] == pytest.approx(np.cos(5 / 10000 ** (4 / 6)))
    np.testing.assert_allclose(attention.positional_encoding(50, 16), attention._encoding(50, 16), rtol=1e-12)
    with pytest.raises(ValueError, match="depth 5 is odd"):
        attention.positional_encoding(4, 5)


def test_positional_encoding_stub_none_and_wrong_kinds_of_result_fail():
    check = checks.check_positional_encoding
    assert_fails(check(stub), "not attempted")
    assert_fails(check(checks.solved_or_reference(stub, "positional_encoding")), "not attempted")
    assert_fails(check(lambda length, depth: None), "forget `return`")
    assert_fails(check(lambda length, depth: 0.0), "is a single number, expected an array of shape (1, 2)")
    assert_fails(check(old_tutorial), "has shape (1, 1, 2), expected (1, 2): no batch axis")
    assert_fails(check(lambda length, depth: interleaved(length, depth).T),
                 "for length 1, depth 2 has shape (2, 1), expected (1, 2), transposed: one row per position")
    assert_fails(check(lambda length, depth: np.full((length, depth), np.nan)), "contains NaN or inf")


def sinusoids(exponent=lambda i, depth: 2 * i / depth, base=10000.0, start=0, swap=False, concatenated=False,
              multiply=False):
    """An interleaved encoding, pair by pair, with one mistake at a time."""

    def positional_encoding(length, depth):
        positions, i = np.arange(start, start + length)[:, None], np.arange(depth // 2)
        frequency = base ** exponent(i, depth) if multiply else base ** -exponent(i, depth)
        first, second = np.sin(positions * frequency), np.cos(positions * frequency)
        if swap:
            first, second = second, first
        if concatenated:
            return np.concatenate([first, second], axis=-1)
        return np.stack([first, second], axis=-1).reshape(length, depth)

    return positional_encoding


def per_column(exponent):
    def positional_encoding(length, depth):
        j = np.arange(depth)
        angles = np.arange(length)[:, None] / 10000 ** exponent(j, depth)
        return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))

    return positional_encoding


@pytest.mark.parametrize("wrong, fragment", [
    (sinusoids(swap=True), "sin and cos are swapped"),
    (sinusoids(concatenated=True), "the concatenated layout [sin…, cos…]"),
    (sinusoids(exponent=lambda i, depth: i / depth), "the exponent is i/depth: it is 2i/depth"),
    (per_column(lambda j, depth: 2 * j / depth), "the exponent of column j is 2j/depth"),
    (per_column(lambda j, depth: j / depth), "the cos column 2i+1 has the exponent (2i+1)/depth"),
    (sinusoids(base=1.0), "every column has the frequency 1"),
    (sinusoids(base=np.e), "10000 is missing"),
    (sinusoids(multiply=True), "pos is multiplied by 10000^(2i/depth)"),
    (sinusoids(start=1), "the positions start at 1"),
    (sinusoids(base=1000.0), "PE[pos, 2i] = sin(pos / 10000^(2i/depth))"),
], ids=["swapped", "concatenated", "i-over-depth", "2j-over-depth", "j-over-depth", "no-frequency", "base-e",
        "multiplied", "from-1", "other"])
def test_positional_encoding_wrong_formulas_fail_with_their_hint(wrong, fragment):
    assert_fails(checks.check_positional_encoding(wrong), fragment)


def test_positional_encoding_mistakes_differ_from_the_answer_and_each_other():
    for length, depth in attention._ENCODING_SHAPES[1:]:
        expected = attention._encoding(length, depth)
        wrongs = [attention._encoding(length, depth, **kwargs) for kwargs, _ in attention._ENCODING_MISTAKES]
        for index, wrong in enumerate(wrongs):
            assert all(not np.allclose(wrong, other, atol=1e-4) for other in [expected] + wrongs[:index])


def test_positional_encoding_need_not_refuse_an_odd_depth():
    # the exercise asks for the formula only; the notebook's own solution returns the sine column for depth 1
    def no_check(length, depth):
        positions, j = np.arange(length)[:, None], np.arange(depth)
        angles = positions / 10000 ** (2 * (j // 2) / depth)
        return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))

    assert_passes(checks.check_positional_encoding(no_check))
    with pytest.raises(ValueError, match="depth 5 is odd"):
        attention.positional_encoding(4, 5)                     # the reference version still refuses


# --- check_name_the_masks ------------------------------------------------------------------------

def test_name_the_masks_right_and_wrong_readings():
    answer = attention.name_the_masks()
    assert sorted(answer) == ["A", "B", "C"] and sorted(answer.values()) == sorted(attention.MASK_KINDS)
    assert_passes(checks.check_name_the_masks(lambda: dict(answer)))
    assert_passes(checks.check_name_the_masks(lambda: {label: f" {kind.upper()} " for label, kind in answer.items()}))
    assert_fails(checks.check_name_the_masks(stub), "not attempted")
    swapped = {"A": "padding", "B": "causal", "C": "none"}
    result = checks.check_name_the_masks(lambda: swapped)
    assert_fails(result, "2 of 3 wrong")
    assert "copies the answer" in result.message
    assert_fails(checks.check_name_the_masks(lambda: dict(answer, C="bidirectional")), "not one of")
    assert_fails(checks.check_name_the_masks(lambda: {"A": "causal"}), "one mask for each")
    assert_fails(checks.check_name_the_masks(lambda: {"A": "causal", "B": "causal", "C": "none"}), "exactly one label")
