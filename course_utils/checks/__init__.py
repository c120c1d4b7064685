"""Exercise checkers, and reference versions for the lessons' later cells. Introduced in 00.

Each ``check_*`` takes the learner's function, tries it on inputs the notebook did not show
(several shapes, hyperparameters and dtypes, including those later cells use), and returns a
:class:`CheckResult` that displays as exactly one line::

    [PASS] check_sigmoid: matches on 1-D, 2-D, 0-d and float32 arrays, no overflow warning for z up to ±1000
    [FAIL] check_softmax: rows do not sum to 1 (row 2 for z of shape (3, 4) sums to 2.1378682): normalise over the last axis (axis=-1)

A checker never raises, so "Run All" keeps going; ``bool(result)`` tells whether it passed.
Checkers compute the expected values independently (other formulas, other code paths), never
from seed-dependent constants.

``solved_or_reference(fn)`` gives later cells the learner's function, or the course's version
while the exercise still raises ``NotImplementedError``.

Modules: ``core`` (the shared machinery), one per notebook (``keras_basics`` 00, ``logistic`` 01,
``mlp`` 02, ``initialization`` 03, ``regularization`` 04, ``cnn`` 05, ``language_model`` 06, ``word_vectors`` 07,
``gan`` 08, ``segmentation`` 09, ``explainability`` 10, ``attention`` 11) holding its checkers and reference
versions, and ``fallback`` (``solved_or_reference``). A new notebook gets its own module with its
``check_*`` functions and a ``REFERENCES`` tuple of reference versions (each with the exercise's
name and signature); add the module to ``fallback.TOPICS`` and its checkers to the imports below.
"""
from .core import NOT_ATTEMPTED, CheckResult
from .attention import (check_causal_mask, check_name_the_masks, check_positional_encoding,
                        check_scaled_dot_product_attention)
from .cnn import check_conv2d, check_name_the_kernels, check_output_size
from .explainability import check_grad_cam_map, check_name_the_maps, check_saliency_map
from .fallback import solved_or_reference
from .gan import check_discriminator_step, check_gan_losses, check_generator_step, check_name_the_runs
from .initialization import check_glorot_std, check_he_std, check_name_the_initializations, check_residual_block
from .language_model import (check_name_the_temperatures, check_perplexity, check_rnn_step,
                             check_sample_with_temperature)
from .keras_basics import (check_classifier, check_dense_param_count, check_predicted_output_shapes,
                           check_two_input_model)
from .logistic import check_bce_from_logits, check_gradient_step, check_learning_rate, check_sigmoid, check_softmax
from .mlp import check_adam_step, check_dense_backward, check_match_loss_curves, check_momentum_step
from .word_vectors import (check_cosine_similarity, check_noise_distribution, check_predict_coverage,
                           check_solve_analogy)
from .regularization import check_batchnorm_train, check_inverted_dropout, check_l2_lambda, check_l2_penalty
from .segmentation import check_contracting_level_size, check_dice_and_iou, check_name_the_fixes

__all__ = [
    "NOT_ATTEMPTED", "CheckResult", "solved_or_reference",
    "check_dense_param_count", "check_classifier", "check_two_input_model", "check_predicted_output_shapes",  # 00
    "check_sigmoid", "check_bce_from_logits", "check_gradient_step", "check_learning_rate", "check_softmax",  # 01
    "check_dense_backward", "check_momentum_step", "check_adam_step", "check_match_loss_curves",  # 02
    "check_glorot_std", "check_he_std", "check_name_the_initializations", "check_residual_block",    # 03
    "check_l2_penalty", "check_l2_lambda", "check_inverted_dropout", "check_batchnorm_train",     # 04
    "check_conv2d", "check_name_the_kernels", "check_output_size",                               # 05
    "check_perplexity", "check_rnn_step", "check_sample_with_temperature", "check_name_the_temperatures",  # 06
    "check_cosine_similarity", "check_noise_distribution", "check_solve_analogy", "check_predict_coverage",  # 07
    "check_gan_losses", "check_discriminator_step", "check_generator_step", "check_name_the_runs",  # 08
    "check_dice_and_iou", "check_contracting_level_size", "check_name_the_fixes",                # 09
    "check_saliency_map", "check_grad_cam_map", "check_name_the_maps",                           # 10
    "check_scaled_dot_product_attention", "check_causal_mask", "check_positional_encoding", "check_name_the_masks",  # 11
]
