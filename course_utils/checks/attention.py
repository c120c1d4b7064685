"""Checkers and reference versions for 11 · Transformer. Introduced in 11."""
from __future__ import annotations

import collections
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterator

import numpy as np

from .core import (CheckResult, _call, _call_quietly, _check_labels, _close, _expect_shape, _Fail, _g,
                   _ndarray, _numeric, _run, _single, _worst)


# --- reference versions (the worked solutions) ---------------------------------------------------

_MASKED_LOGIT = -1e9      # what a masked logit becomes before the softmax: exp(−1e9 − max) is 0 in float32 and float64


def scaled_dot_product_attention(q: Any, k: Any, v: Any, mask: Any = None) -> tuple[Any, Any]:
    """softmax(Q Kᵀ / √d_k) V and the attention weights, over the last two axes. Introduced in 11.

    ``q`` (..., T_q, d_k), ``k`` (..., T_k, d_k) and ``v`` (..., T_k, d_v) are arrays or tensors of one float dtype
    with the same leading axes, any number of them (none, a batch, a batch and heads). Returns (output, weights), two
    tensors of that dtype: weights = softmax(Q Kᵀ / √d_k), shape (..., T_q, T_k), the softmax over the keys (the last
    axis), so each query's weights sum to 1; output = weights V, shape (..., T_q, d_v).

    ``mask``, optional, broadcasts to the weights' shape, e.g. (T_q, T_k) for a causal mask or (batch, 1, T_k) for
    padding: booleans or 0/1 numbers, 1 (True) where query i may attend to key j, as Keras' ``attention_mask``. The
    logits where the mask is 0 (False) are set to −1e9 before the softmax, so their weights are 0. A query that may
    attend to no key has all its logits −1e9, hence uniform weights (its output is the mean of v): a convention of
    this version only; the exercise's checker never masks a whole row.
    """
    import tensorflow as tf

    q, k, v = tf.convert_to_tensor(q), tf.convert_to_tensor(k), tf.convert_to_tensor(v)
    logits = tf.matmul(q, k, transpose_b=True) / tf.sqrt(tf.cast(tf.shape(k)[-1], q.dtype))
    if mask is not None:
        logits = tf.where(tf.cast(mask, tf.bool), logits, tf.constant(_MASKED_LOGIT, logits.dtype))
    weights = tf.nn.softmax(logits, axis=-1)
    return tf.matmul(weights, v), weights


def causal_mask(length: int) -> np.ndarray:
    """The causal (look-ahead) mask of a sequence of ``length`` positions. Introduced in 11.

    A (length, length) boolean array, True where position i may attend to position j, that is j ≤ i: the lower
    triangle with its diagonal. It is the ``mask`` of :func:`scaled_dot_product_attention` and Keras'
    ``attention_mask`` (1 = may attend), and broadcasts over batch and head axes.
    """
    return np.tril(np.ones((length, length), dtype=bool))


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """The sinusoidal positional encoding of Vaswani et al. (2017), "Attention is all you need". Introduced in 11.

    A (length, depth) float64 array: PE[pos, 2i] = sin(pos / 10000^(2i/depth)) and
    PE[pos, 2i+1] = cos(pos / 10000^(2i/depth)) for pos = 0 … length − 1 and i = 0 … depth/2 − 1. This is the paper's
    interleaved layout: sin in the even columns, cos in the odd ones, columns 2i and 2i+1 sharing one frequency.
    (TensorFlow's Transformer tutorial concatenates instead, all the sines then all the cosines: the same numbers with
    the columns in another order, which this exercise does not accept.) A float32 TensorFlow tensor plus the array
    stays float32; for Keras ops cast it first, ``.astype("float32")``.

    Raises
    ------
    ValueError
        When ``depth`` is odd: the columns come in (sin, cos) pairs.
    """
    if depth % 2:
        raise ValueError(f"depth {depth} is odd: the encoding's columns come in (sin, cos) pairs, so depth is even")
    angles = np.arange(length)[:, np.newaxis] / np.power(10000.0, np.arange(0, depth, 2) / depth)   # (length, depth/2)
    encoding = np.empty((length, depth))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


REFERENCES = (scaled_dot_product_attention, causal_mask, positional_encoding)


# --- check_scaled_dot_product_attention ----------------------------------------------------------

_FORMULA = "output = softmax(Q Kᵀ / √d_k) V, the softmax over the keys (the last axis)"
_AXES_HINT = ("q, k and v have batch or head axes here: transpose only k's last two axes, tf.matmul(q, k, "
              "transpose_b=True) or np.swapaxes(k, -1, -2); k.T reverses every axis")
_MASK_HINT = ("the mask holds booleans or 0/1 numbers, 1 (True) = may attend: tf.where(tf.cast(mask, tf.bool), logits, "
              "-1e9) takes both")
_TENSOR_HINT = ("q, k, v and the boolean mask are TensorFlow tensors here: use tf.matmul, tf.nn.softmax and "
                "tf.where, or convert them with np.asarray")


@lru_cache(maxsize=1)
def _attention_cases() -> tuple[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, bool, str], ...]:
    """(what the case is, q, k, v, mask or None, passed as tensors, the hint for an error of the learner's code):
    no leading axis with T_q ≠ T_k and d_k = T_k (so Q K without the transpose runs), a batch, a batch and heads, a
    0/1 padding mask, a boolean causal mask, tensors. No row is wholly masked; the padding mask, the first, masks no
    row wholly when inverted either, so an inverted mask is diagnosed there."""
    rng = np.random.default_rng(11)

    def normal(shape: tuple, dtype: Any) -> np.ndarray:
        return rng.normal(0.0, 1.0, shape).astype(dtype)

    padding = (np.arange(6) < np.array([5, 3, 2])[:, None]).astype(np.float32)[:, None, :]      # (3, 1, 6): lengths
    tensor_padding = (np.arange(6) < np.array([4, 5])[:, None])[:, None, :]                    # (2, 1, 6), booleans
    x = normal((2, 2, 5, 4), np.float64)
    cases = [
        ("for q (3, 4), k (4, 4), v (4, 2), float64", normal((3, 4), np.float64), normal((4, 4), np.float64),
         normal((4, 2), np.float64), None, False, ""),
        ("for q (2, 5, 8), k (2, 7, 8), v (2, 7, 3), float32", normal((2, 5, 8), np.float32),
         normal((2, 7, 8), np.float32), normal((2, 7, 3), np.float32), None, False, _AXES_HINT),
        ("for q (2, 3, 4, 6), k (2, 3, 5, 6), v (2, 3, 5, 4), float64 (batch, heads)", normal((2, 3, 4, 6), np.float64),
         normal((2, 3, 5, 6), np.float64), normal((2, 3, 5, 4), np.float64), None, False, _AXES_HINT),
        ("for q (3, 4, 8), k (3, 6, 8), v (3, 6, 5), float32, a 0/1 padding mask (3, 1, 6)",
         normal((3, 4, 8), np.float32), normal((3, 6, 8), np.float32), normal((3, 6, 5), np.float32), padding, False,
         _MASK_HINT),
        ("for q = k = v (2, 2, 5, 4), float64, a boolean causal mask (5, 5)", x, x, x,
         np.tril(np.ones((5, 5), dtype=bool)), False, _MASK_HINT),
        ("for tf tensors q (2, 4, 8), k (2, 6, 8), v (2, 6, 8), float32, a boolean padding mask (2, 1, 6)",
         normal((2, 4, 8), np.float32), normal((2, 6, 8), np.float32), normal((2, 6, 8), np.float32), tensor_padding,
         True, _TENSOR_HINT),
    ]
    for _, *arrays, _, _ in cases:
        for array in arrays:
            if array is not None:
                array.flags.writeable = False          # the checker hands out copies only
    return tuple(cases)


def _attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, *, scale: float | None = None,
               axis: int | tuple = -1, transpose: bool = True, masked: float = -np.inf,
               after: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(output, weights) in float64, computed with NumPy (not the reference's TensorFlow): the logits q kᵀ / scale
    (√d_k by default; q k when not ``transpose``), the masked ones set to ``masked``, then exp normalised over
    ``axis``; with ``after``, the mask multiplies the weights after the softmax instead."""
    q, k, v = (np.asarray(x, dtype=np.float64) for x in (q, k, v))
    keys = np.swapaxes(k, -1, -2) if transpose else k
    logits = (q @ keys) / (np.sqrt(q.shape[-1]) if scale is None else scale)
    allowed = None if mask is None else np.broadcast_to(np.asarray(mask) != 0, logits.shape)
    if allowed is not None and not after:
        logits = np.where(allowed, logits, masked)
    exponentials = np.exp(logits - np.max(logits, axis=axis, keepdims=True))
    weights = exponentials / np.sum(exponentials, axis=axis, keepdims=True)
    if allowed is not None and after:
        weights = weights * allowed
    return weights @ v, weights


def _attention_mistakes(q: np.ndarray, k: np.ndarray, v: np.ndarray,
                        mask: np.ndarray | None) -> list[tuple[tuple[np.ndarray, np.ndarray], str]]:
    """What the usual wrong versions return, each with its hint (a masked logit of −1e9, as most learners write it)."""
    d_k, d_v = q.shape[-1], v.shape[-1]
    variants: list[tuple[dict, str]] = [
        (dict(scale=1.0), "the logits are not scaled: divide Q Kᵀ by √d_k, d_k = q.shape[-1]"),
        (dict(scale=float(d_k)), "the logits are divided by d_k: divide by its square root, √d_k"),
        (dict(axis=-2), "the softmax is over the queries (axis −2): each query's weights over the keys sum to 1, "
                        "a softmax over the last axis"),
        (dict(axis=(-2, -1)), "the softmax normalises over all queries and keys together: normalise each query's "
                              "weights over the keys, the last axis"),
    ]
    if d_v != d_k:
        variants.append((dict(scale=float(np.sqrt(d_v))), "the logits are divided by √d_v, v's last axis: d_k is the "
                                                          "last axis of q and k"))
    if q.shape[-1] == k.shape[-2]:
        variants.append((dict(transpose=False), "K is not transposed: Q Kᵀ pairs each query with each key, "
                                                "tf.matmul(q, k, transpose_b=True) or q @ np.swapaxes(k, -1, -2)"))
    mistakes = [(_attention(q, k, v, mask, masked=_MASKED_LOGIT, **kwargs), hint) for kwargs, hint in variants]
    if mask is not None:
        inverse = np.asarray(mask) == 0
        mistakes += [
            (_attention(q, k, v, None), "the mask is ignored: set the logits where the mask is 0 (False) to -1e9 "
                                        "before the softmax"),
            (_attention(q, k, v, inverse, masked=_MASKED_LOGIT),
             "the mask is inverted: 1 (True) means may attend, as in Keras; set the logits where it is 0 to -1e9"),
            (_attention(q, k, v, mask, after=True), "the mask is applied after the softmax, so the weights no longer "
                                                    "sum to 1: mask the logits before it"),
        ]
    return mistakes


def _output_and_weights(value: Any, setting: str, shapes: tuple[tuple, tuple]) -> tuple[np.ndarray, np.ndarray, bool]:
    """The learner's (output, weights) as arrays, and whether either came as float32."""
    hint = "return two arrays, (output, weights)"
    if value is None:
        raise _Fail("returned None: did you forget `return`?")
    if not isinstance(value, (tuple, list)):
        array = _numeric(value, f"the result {setting}")
        raise _Fail(f"returned one array, of shape {array.shape}, {setting}: {hint}")
    if len(value) != 2:
        raise _Fail(f"returned {len(value)} values {setting}: {hint}")
    output = _ndarray(value[0], f"output (the first value) {setting}", shapes[0])
    weights = _ndarray(value[1], f"weights (the second value) {setting}", shapes[1])
    return output, weights, _single(*value)


def _attention_problem(output: np.ndarray, weights: np.ndarray, expected: tuple[np.ndarray, np.ndarray],
                       case: tuple, single: bool) -> str:
    """Why (output, weights) is wrong, in one line: a known mistake's hint, else which of the two and where."""
    setting, q, k, v, mask = case[:5]
    if not (np.all(np.isfinite(output)) and np.all(np.isfinite(weights))):
        if mask is not None:
            return (f"NaN or inf {setting}: 0 × (−inf) is NaN; use tf.where(mask, logits, -1e9) or add "
                    "(1 − mask) × (−1e9)")
        return f"NaN or inf {setting}: subtract each row's maximum before exp, or use tf.nn.softmax"
    for (wrong_output, wrong_weights), hint in _attention_mistakes(q, k, v, mask):
        if (not (_close(wrong_output, expected[0]) and _close(wrong_weights, expected[1]))
                and _close(output, wrong_output, single) and _close(weights, wrong_weights, single)):
            return f"{setting}: {hint}"
    output_right, weights_right = _close(output, expected[0], single), _close(weights, expected[1], single)
    if output_right:
        logits = np.asarray(q, np.float64) @ np.swapaxes(np.asarray(k, np.float64), -1, -2) / np.sqrt(q.shape[-1])
        if mask is not None:
            logits = np.where(np.asarray(mask) != 0, logits, _MASKED_LOGIT)
        if _close(weights, logits, single):
            return f"the weights {setting} are the logits: return the softmax's output, which sums to 1 over the keys"
        return (f"the output is right, the weights not {setting}: {_worst(weights, expected[1], 'weights')}: return "
                "the softmax's output, (output, weights)")
    if weights_right:
        return (f"the weights are right, the output not {setting}: {_worst(output, expected[0], 'output')}: "
                "output = weights V")
    return f"{setting}: {_worst(output, expected[0], 'output')}: {_FORMULA}"


@contextmanager
def _names_kept() -> Iterator[None]:
    """Keras layers built inside leave the default names (softmax, dropout, ...) to the learner's layers: the counters
    Keras numbers them with are put back on the way out."""
    try:
        from keras.src.backend.common import global_state
    except ImportError:        # another Keras: its layers may then take a default name
        yield
        return
    counts = dict(global_state.get_global_attribute("object_name_uids") or {})
    try:
        yield
    finally:
        global_state.set_global_attribute("object_name_uids", collections.defaultdict(int, counts))


@lru_cache(maxsize=1)
def _keras_attention() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(output, weights) of each case from a 1-head ``keras.layers.MultiHeadAttention`` whose four projections are the
    identity (kernels eye, biases 0): key_dim d_k, value_dim and output_shape d_v, the case's leading axes flattened
    into its batch axis and the mask broadcast to (batch, T_q, T_k). Keras rounds its 1/√d_k to float32 even in a
    float64 layer: compare to float32 precision.

    Built once, deterministically, in each case's dtype: every weight is zero-initialised then set (no seed drawn from
    the learner's random generators), the layer is named, and the default names of its inner softmax and dropout
    layers are given back (``_names_kept``)."""
    import keras

    results = []
    with _names_kept():
        for number, (_, q, k, v, mask, _, _) in enumerate(_attention_cases()):
            d_k, d_v, lead = q.shape[-1], v.shape[-1], q.shape[:-2]
            n, t_q, t_k = int(np.prod(lead)), q.shape[-2], k.shape[-2]
            layer = keras.layers.MultiHeadAttention(1, d_k, value_dim=d_v, output_shape=d_v, flash_attention=False,
                                                    kernel_initializer="zeros", bias_initializer="zeros",
                                                    dtype=str(q.dtype), name=f"check_attention_{number}")
            query, key, value = q.reshape(n, t_q, d_k), k.reshape(n, t_k, d_k), v.reshape(n, t_k, d_v)
            layer.build(query.shape, value.shape, key.shape)
            for dense, size in ((layer.query_dense, d_k), (layer.key_dense, d_k), (layer.value_dense, d_v)):
                dense.set_weights([np.eye(size).reshape(size, 1, size), np.zeros((1, size))])
            layer.output_dense.set_weights([np.eye(d_v).reshape(1, d_v, d_v), np.zeros(d_v)])
            attention_mask = (None if mask is None else
                              np.broadcast_to(np.asarray(mask) != 0, (*lead, t_q, t_k)).reshape(n, t_q, t_k))
            output, weights = layer(query, value, key, attention_mask=attention_mask, return_attention_scores=True)
            output = np.asarray(output).reshape(*lead, t_q, d_v)
            weights = np.asarray(weights)[:, 0].reshape(*lead, t_q, t_k)
            output.flags.writeable = weights.flags.writeable = False
            results.append((output, weights))
    return tuple(results)


def check_scaled_dot_product_attention(
        scaled_dot_product_attention: Callable[..., tuple[Any, Any]]) -> CheckResult:
    """Check softmax(Q Kᵀ / √d_k) V and its weights on 6 cases. Introduced in 11.

    The check calls ``scaled_dot_product_attention(q, k, v)``, and ``(q, k, v, mask)`` when there is a mask, on:
    2-D inputs with T_q ≠ T_k; a batch; a batch and heads; a 0/1 float32 padding mask of shape (batch, 1, T_k); a
    boolean causal mask (T, T) broadcast over batch and heads; tf tensors with a boolean mask tensor; float32 and
    float64. A mask holds 1 (True) where a query may attend to a key; no row is wholly masked, so −1e9 and −inf for
    the masked logits both pass. The answer is (output, weights), arrays or tensors in a tuple or a list, compared
    with an independent NumPy computation (float64 precision, or float32 precision when an input or the answer is
    float32) and with ``keras.layers.MultiHeadAttention`` of one head whose projections are the identity (float32
    precision: Keras rounds its 1/√d_k to float32)."""

    def body(scaled_dot_product_attention: Callable[..., tuple[Any, Any]]) -> str:
        keras_results = _keras_attention()
        for case, (keras_output, keras_weights) in zip(_attention_cases(), keras_results):
            setting, q, k, v, mask, as_tensors, hint = case
            given = (q, k, v) if mask is None else (q, k, v, mask)
            if as_tensors:
                import tensorflow as tf

                given = tuple(tf.constant(x) for x in given)
            expected = _attention(q, k, v, mask)
            raw = _call_quietly(scaled_dot_product_attention, *given, context=setting, hint=hint)
            output, weights, single = _output_and_weights(raw, setting, (expected[0].shape, expected[1].shape))
            single = single or _single(q, k, v)
            if _close(output, expected[1], single) and _close(weights, expected[0], single):
                raise _Fail(f"output and weights are swapped {setting}: return (output, weights)")
            _expect_shape(output, expected[0].shape, f"output {setting}", "one row of d_v numbers per query, "
                                                                           "(..., T_q, d_v)")
            _expect_shape(weights, expected[1].shape, f"weights {setting}", "one weight per query and key, "
                                                                            "(..., T_q, T_k)")
            if not (_close(output, expected[0], single) and _close(weights, expected[1], single)):
                raise _Fail(_attention_problem(output, weights, expected, case, single))
            if not (_close(output, keras_output, True) and _close(weights, keras_weights, True)):
                raise _Fail(f"{setting}: {_worst(output, keras_output, 'output')} from Keras' MultiHeadAttention "
                            f"(identity projections): {_FORMULA}")
        return ("matches NumPy and Keras' MultiHeadAttention on 6 cases: 2-D, batch, batch and heads, padding and "
                "causal masks (0/1 and boolean), float32, float64, tensors")

    return _run("check_scaled_dot_product_attention", body, scaled_dot_product_attention)


# --- check_causal_mask ---------------------------------------------------------------------------

_MASK_LENGTHS = (1, 2, 3, 5, 8, 16)
_CAUSAL = "1 (True) where position i may attend to position j, j ≤ i: the lower triangle with its diagonal"


def _positions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) as a column and a row: comparing them gives an (n, n) boolean array."""
    return np.arange(n)[:, np.newaxis], np.arange(n)[np.newaxis, :]


_WRONG_MASKS: list[tuple[Callable[[int], np.ndarray], str]] = [
    (lambda n: np.less_equal(*_positions(n)),
     "that is the upper triangle, j ≥ i, which lets a position see the future: i may attend to j ≤ i, the lower "
     "triangle (np.tril)"),
    (lambda n: np.greater(*_positions(n)),
     "the diagonal is missing: a position may attend to itself, j ≤ i (np.tril keeps the diagonal)"),
    (lambda n: np.less(*_positions(n)),
     "the mask is inverted, 1 where attending is blocked: here 1 (True) marks where position i may attend, j ≤ i, "
     "as Keras' attention_mask"),
    (lambda n: np.ones((n, n), dtype=bool),
     "every position may attend to every other: a causal mask blocks the future, j > i"),
    (lambda n: np.eye(n, dtype=bool), "only the diagonal is 1: position i may attend to every j ≤ i, itself included"),
]


def _mask_values(value: Any, n: int) -> np.ndarray:
    """The learner's mask for length ``n`` as booleans: booleans, or numbers that are all 0 or 1, of shape (n, n)."""
    what = f"the mask for length {n}"
    array = _numeric(value, what, booleans=True)
    if array.shape != (n, n):
        if array.shape == ():
            raise _Fail(f"{what} is a single value, expected an array of shape ({n}, {n})")
        if array.ndim > 2 and array.shape[-2:] == (n, n) and all(size == 1 for size in array.shape[:-2]):
            raise _Fail(f"{what} has shape {array.shape}, expected ({n}, {n}): no batch or head axes, a (length, "
                        "length) mask broadcasts over them")
        raise _Fail(f"{what} has shape {array.shape}, expected ({n}, {n}): one row per position i, one column per "
                    "position j")
    if array.dtype != bool:
        other = np.argwhere(~np.isin(array, (0, 1)))
        if other.size:
            index = tuple(int(i) for i in other[0])
            number = array[index]
            if np.isfinite(number) and number < -1e3:
                raise _Fail(f"{what} holds {_g(number)} at {list(index)}: that is an additive mask of logits; return "
                            "the mask itself, 1 (or True) where i may attend to j")
            raise _Fail(f"{what} holds {_g(number)} at {list(index)}: a mask holds 0 and 1 (or False and True)")
    return array != 0


def check_causal_mask(causal_mask: Callable[[int], Any]) -> CheckResult:
    """Check the causal mask for lengths 1 to 16. Introduced in 11.

    The mask for length n must have shape (n, n) and hold 1 (True) where position i may attend to position j, j ≤ i,
    and 0 (False) elsewhere, compared with i ≥ j computed by NumPy. Booleans and 0/1 numbers (int, float, a list, a
    tensor) are accepted alike."""

    def body(causal_mask: Callable[[int], Any]) -> str:
        got = {n: _mask_values(_call(causal_mask, n, context=f"for length {n}"), n) for n in _MASK_LENGTHS}
        expected = {n: np.greater_equal(*_positions(n)) for n in _MASK_LENGTHS}
        wrong = [n for n in _MASK_LENGTHS if not np.array_equal(got[n], expected[n])]
        if wrong:
            for formula, hint in _WRONG_MASKS:
                if all(np.array_equal(got[n], formula(n)) for n in _MASK_LENGTHS):
                    raise _Fail(f"{len(wrong)} of {len(_MASK_LENGTHS)} lengths wrong; {hint}")
            n = wrong[0]
            i, j = (int(index) for index in np.argwhere(got[n] != expected[n])[0])
            raise _Fail(f"for length {n}, mask[{i}, {j}] is {int(got[n][i, j])}, expected {int(expected[n][i, j])}: "
                        f"{_CAUSAL}")
        return "matches j ≤ i (the lower triangle with its diagonal) for lengths 1-16, as booleans or 0/1 numbers"

    return _run("check_causal_mask", body, causal_mask)


# --- check_positional_encoding -------------------------------------------------------------------

_ENCODING_SHAPES = ((1, 2), (5, 4), (12, 6), (50, 16), (9, 128))        # (length, depth): positions up to 49
_ENCODING_FORMULA = ("PE[pos, 2i] = sin(pos / 10000^(2i/depth)), PE[pos, 2i+1] = cos(pos / 10000^(2i/depth)), "
                     "pos from 0")


def _encoding(length: int, depth: int, *, exponent: Callable[[np.ndarray, int], np.ndarray] | None = None,
              base: float = 10000.0, start: int = 0, multiply: bool = False, swap: bool = False,
              concatenated: bool = False) -> np.ndarray:
    """A sinusoidal encoding in float64, column by column (not the reference's slices): column j has the frequency
    base^(−exponent(j, depth)), 2·(j // 2)/depth by default, and is a sine when j is even (the first half of the
    columns when ``concatenated``, with exponent 2·(j mod depth/2)/depth); ``swap`` exchanges sin and cos,
    ``multiply`` multiplies the positions start … start + length − 1 by base^exponent instead of dividing."""
    j = np.arange(depth)
    if concatenated:
        sine, power = j < depth // 2, 2 * (j % max(depth // 2, 1)) / depth
    else:
        sine, power = j % 2 == 0, 2 * (j // 2) / depth
    if exponent is not None:
        power = exponent(j, depth)
    scale = np.exp(np.log(base) * power)
    positions = np.arange(start, start + length, dtype=np.float64)[:, np.newaxis]
    angles = positions * scale if multiply else positions / scale
    return np.where(sine != swap, np.sin(angles), np.cos(angles))


_ENCODING_MISTAKES: list[tuple[dict, str]] = [
    (dict(swap=True), "sin and cos are swapped: sin in the even columns 2i, cos in the odd columns 2i+1"),
    (dict(concatenated=True), "that is the concatenated layout [sin…, cos…] of TensorFlow's tutorial: this exercise "
                              "takes the paper's interleaved one, sin in column 2i and cos in column 2i+1"),
    (dict(exponent=lambda j, depth: (j // 2) / depth),
     "the exponent is i/depth: it is 2i/depth, for the pair of columns 2i and 2i+1"),
    (dict(exponent=lambda j, depth: 2 * j / depth),
     "the exponent of column j is 2j/depth: columns 2i and 2i+1 share one frequency, exponent 2i/depth = "
     "2·(j // 2)/depth"),
    (dict(exponent=lambda j, depth: j / depth),
     "the cos column 2i+1 has the exponent (2i+1)/depth: columns 2i and 2i+1 share one frequency, 10000^(2i/depth)"),
    (dict(base=1.0), "every column has the frequency 1, sin(pos) and cos(pos): divide pos by 10000^(2i/depth)"),
    (dict(base=np.e), "10000 is missing: the frequencies are 1/10000^(2i/depth), np.exp(-np.log(10000) * 2i / depth), "
                      "not e^(−2i/depth)"),
    (dict(multiply=True), "pos is multiplied by 10000^(2i/depth): divide, pos / 10000^(2i/depth)"),
    (dict(start=1), "the positions start at 1: the first position is 0, whose row is sin 0 = 0, cos 0 = 1"),
]


def check_positional_encoding(positional_encoding: Callable[[int, int], Any]) -> CheckResult:
    """Check the sinusoidal positional encoding, interleaved as in the paper, for 5 shapes. Introduced in 11.

    (length, depth) = (1, 2), (5, 4), (12, 6), (50, 16), (9, 128): PE[pos, 2i] = sin(pos / 10000^(2i/depth)),
    PE[pos, 2i+1] = cos(pos / 10000^(2i/depth)), pos from 0, compared with an independent NumPy computation to
    float64 precision, or float32 precision when the answer is float32 (positions stay below 50, where float32
    angles are accurate). The concatenated layout [sin…, cos…] is refused with its own message. Odd depths are not
    checked: the exercise asks for the formula, whose columns come in (sin, cos) pairs (the reference version raises
    ValueError for them)."""

    def body(positional_encoding: Callable[[int, int], Any]) -> str:
        for length, depth in _ENCODING_SHAPES:
            setting = f"for length {length}, depth {depth}"
            what = f"the encoding {setting}"
            got = _ndarray(_call(positional_encoding, length, depth, context=setting), what, (length, depth))
            expected = _encoding(length, depth)
            if got.shape == (1, length, depth):
                raise _Fail(f"{what} has shape {got.shape}, expected {(length, depth)}: no batch axis; it broadcasts "
                            "when added to a batch of embeddings")
            if got.shape == (depth, length) and length != depth:
                raise _Fail(f"{what} has shape {got.shape}, expected {(length, depth)}, transposed: one row per "
                            "position, one column per dimension")
            _expect_shape(got, (length, depth), what, "one row per position, one column per dimension")
            if _close(got, expected):
                continue
            if not np.all(np.isfinite(got)):
                raise _Fail(f"{what} contains NaN or inf: {_ENCODING_FORMULA}")
            for kwargs, hint in _ENCODING_MISTAKES:
                wrong = _encoding(length, depth, **kwargs)
                if not _close(wrong, expected) and _close(got, wrong):
                    raise _Fail(f"{setting}: {hint}")
            raise _Fail(f"{setting}: {_worst(got, expected, 'PE')}: {_ENCODING_FORMULA}")
        return (f"matches the paper's interleaved sin/cos for {len(_ENCODING_SHAPES)} shapes, up to 50 positions and "
                f"depth 128")

    return _run("check_positional_encoding", body, positional_encoding)


# --- reasoning: which mask does each model need? -------------------------------------------------

MASK_KINDS = ("causal", "padding", "none")
_MASKS = {"A": "causal", "B": "padding", "C": "none"}     # the answer of 11's mask exercise
_LOOK_FOR_MASK = {
    "causal": "a model trained to predict the next token at every position must not see that token: without the causal "
              "mask, position t reads position t + 1 and copies the answer",
    "padding": "the padding zeros are not text: without a padding mask every real token also attends to them, so the "
               "same review gets a different representation when padded to another length; order itself is no leak "
               "for a classifier, it may read the whole review in both directions",
    "none": "a masked-language model hides the answer in its input (the [MASK] token) rather than with an attention "
            "mask, so it may read both sides of the gap: that is what makes it bidirectional; windows of equal length "
            "have no padding",
}


def name_the_masks() -> dict[str, str]:
    """The answer of 11's mask exercise: model label -> the attention mask it needs. Introduced in 11."""
    return dict(_MASKS)


REFERENCES = REFERENCES + (name_the_masks,)


def check_name_the_masks(name_the_masks: Callable[[], dict]) -> CheckResult:
    """Check the learner's choice of attention mask for 11's three models A–C (label -> one of ``MASK_KINDS``).
    Introduced in 11."""
    return _check_labels("check_name_the_masks", name_the_masks, _MASKS, MASK_KINDS, "mask", _LOOK_FOR_MASK,
                         "all three right: the causal mask hides the future, the padding mask hides what is not text, "
                         "and a masked-language model needs neither")
