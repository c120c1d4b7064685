"""Layers the course's Transformers share, saved and loaded with their checkpoints. Introduced in 11."""
from __future__ import annotations

from typing import Any

import keras

POSITIONS = ("learned", "sinusoidal", "none")


@keras.saving.register_keras_serializable(package="course_utils")
class TokenAndPosition(keras.layers.Layer):
    """Token ids (batch, time) → vectors (batch, time, depth): a learned embedding of each token plus a vector for its
    position. Introduced in 11.

    ``positions="learned"`` learns one vector per position (BERT, GPT); ``"sinusoidal"`` adds the fixed encoding of
    Vaswani et al. (``cu.checks.attention.positional_encoding``); ``"none"`` adds nothing, so the model sees the tokens
    as a set. Sequences may be shorter than ``max_length``, never longer. With ``mask_zero=True`` token 0 is padding:
    the layer passes a padding mask on, which ``MultiHeadAttention`` and ``GlobalAveragePooling1D`` respect.
    """

    def __init__(self, vocab_size: int, max_length: int, depth: int, positions: str = "learned",
                 mask_zero: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_zero = self.supports_masking = mask_zero
        if positions not in POSITIONS:
            raise ValueError(f"TokenAndPosition(positions={positions!r}): use one of {', '.join(POSITIONS)}.")
        self.vocab_size, self.max_length, self.depth, self.positions = vocab_size, max_length, depth, positions
        self.tokens = keras.layers.Embedding(vocab_size, depth, name="tokens")
        if positions == "learned":
            self.position_vectors = keras.layers.Embedding(max_length, depth, name="positions")

    def build(self, input_shape: Any) -> None:
        self.tokens.build(input_shape)
        if self.positions == "learned":
            self.position_vectors.build((self.max_length,))
        elif self.positions == "sinusoidal":
            from .checks.attention import positional_encoding
            self.table = positional_encoding(self.max_length, self.depth).astype("float32")

    def call(self, ids: Any) -> Any:
        vectors = self.tokens(ids)
        length = keras.ops.shape(ids)[-1]
        if self.positions == "learned":
            return vectors + self.position_vectors(keras.ops.arange(length))
        if self.positions == "sinusoidal":
            return vectors + keras.ops.convert_to_tensor(self.table)[:length]
        return vectors

    def compute_mask(self, ids: Any, mask: Any = None) -> Any:
        return keras.ops.not_equal(ids, 0) if self.mask_zero else None

    def get_config(self) -> dict:
        return {**super().get_config(), "vocab_size": self.vocab_size, "max_length": self.max_length,
                "depth": self.depth, "positions": self.positions, "mask_zero": self.mask_zero}
