"""The Transformer's embedding layer: positions learned, sinusoidal or none; padding mask; saved and loaded."""
import keras
import numpy as np
import pytest

import course_utils as cu
from course_utils.checks.attention import positional_encoding
from course_utils.layers import TokenAndPosition

IDS = np.array([[3, 1, 4, 1, 5, 0, 0], [2, 7, 1, 8, 2, 8, 1]], dtype=np.int32)


def test_sinusoidal_positions_add_the_encoding_to_the_token_vectors():
    layer = TokenAndPosition(10, 12, 8, positions="sinusoidal")
    out = keras.ops.convert_to_numpy(layer(IDS))
    tokens = layer.tokens.get_weights()[0][IDS]
    np.testing.assert_allclose(out - tokens, np.broadcast_to(positional_encoding(7, 8), out.shape), atol=1e-6)


def test_without_positions_a_permutation_of_the_input_permutes_the_vectors():
    layer = TokenAndPosition(10, 12, 8, positions="none")
    order = np.array([4, 0, 6, 2, 1, 5, 3])
    out, shuffled = (keras.ops.convert_to_numpy(layer(ids)) for ids in (IDS, IDS[:, order]))
    np.testing.assert_allclose(shuffled, out[:, order])
    learned = TokenAndPosition(10, 12, 8, positions="learned")
    assert not np.allclose(keras.ops.convert_to_numpy(learned(IDS[:, order])),
                           keras.ops.convert_to_numpy(learned(IDS))[:, order])


def test_padding_mask_makes_attention_and_the_mean_ignore_the_padding(tmp_path):
    cu.reseed(0)
    words = keras.Input(shape=(None,), dtype="int32")
    x = TokenAndPosition(10, 12, 8, mask_zero=True)(words)
    x = keras.layers.Add()([x, keras.layers.MultiHeadAttention(2, 4)(x, x)])
    model = keras.Model(words, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x)))
    short = IDS[:1, :5]                                       # the first row without its two padding zeros
    padded = np.pad(short, ((0, 0), (0, 7)))                  # the same with seven
    np.testing.assert_allclose(model(padded).numpy(), model(short).numpy(), atol=1e-6)
    unmasked = TokenAndPosition(10, 12, 8)
    assert unmasked.compute_mask(IDS) is None
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded(padded).numpy(), model(padded).numpy(), atol=1e-6)


def test_a_bad_kind_of_positions_is_refused():
    with pytest.raises(ValueError, match="use one of learned, sinusoidal, none"):
        TokenAndPosition(10, 12, 8, positions="rotary")
