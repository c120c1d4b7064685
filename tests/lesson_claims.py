"""The lessons of each notebook, written as claims over the numbers it records with ``cu.record``.

A claim is a Python expression over the record names of one run of a notebook. The tests check every
claim on the quick-mode run of the test suite (tests/test_student_copies.py) and on the full-mode rows of
BENCHMARKS.json (tests/test_claims.py), so a lesson that the prose states holds in both modes.
"""
from __future__ import annotations

CLAIMS: dict[str, list[tuple[str, str]]] = {   # notebook stem -> [(lesson, expression over its records)]
    "00_getting_started": [
        ("a one-hidden-layer network classifies clothing far above chance (10 %)", "test_accuracy >= 0.75"),
        ("the two-output model's coarse group (3 classes) is easier than the item (10 classes)",
         "two_output_group_accuracy > two_output_item_accuracy"),
    ],
    "01_logistic_regression": [
        ("α = 0.2 reaches the minimum of θ² + 0.2", "lr_good_final_distance < 0.01"),
        ("a too small α crawls: far from the minimum after the same steps",
         "lr_too_small_final_distance > 100 * lr_good_final_distance"),
        ("a too large α oscillates but still gets closer", "lr_good_final_distance < lr_oscillating_final_distance < 1"),
        ("a far too large α diverges", "lr_diverging_final_distance > 1"),
        ("logistic regression separates the two digit classes", "binary_test_accuracy >= 0.9"),
        ("softmax regression classifies ten digits", "softmax_test_accuracy >= 0.85"),
        ("replacing x1 by √x1 makes the curved boundary x2 = √x1 linear",
         "sqrt_feature_accuracy >= raw_feature_accuracy + 0.02 and sqrt_feature_accuracy >= 0.97"),
    ],
    "02_mlp": [
        ("an MLP beats softmax regression on MNIST with the same training budget",
         "mnist_test_accuracy > softmax_regression_test_accuracy"),
        ("the MLP makes several times fewer errors than softmax regression",
         "1 - softmax_regression_test_accuracy >= 2 * (1 - mnist_test_accuracy)"),
        ("at the same α, SGD with momentum is well ahead of plain SGD: its steps are longer",
         "race_sgd_momentum_default_val_accuracy >= race_sgd_default_val_accuracy + 0.02"),
        ("with the same α, momentum leaves the saddle point sooner than plain gradient descent",
         "momentum_saddle_escape_step < gd_saddle_escape_step"),
        ("with the same long-run step α/(1 − β), momentum leaves the saddle later than plain descent",
         "momentum_matched_saddle_escape_step > gd_saddle_escape_step"),
        ("plain descent with a 4x longer, stable step leaves the saddle sooner than momentum at the small α",
         "gd_large_saddle_escape_step < momentum_saddle_escape_step"),
        ("given the same learning-rate search, plain SGD is still behind SGD with momentum",
         "race_sgd_test_accuracy + 0.02 <= race_sgd_momentum_test_accuracy"),
        ("Adagrad, at its best α, ends well below the optimizers with momentum or a running average of squares",
         "race_adagrad_test_accuracy + 0.02 <= min(race_sgd_momentum_test_accuracy, race_nesterov_test_accuracy, "
         "race_rmsprop_test_accuracy, race_adam_test_accuracy, race_nadam_test_accuracy)"),
        ("tuned alike, a cosine decay ends at a lower test loss than the best constant learning rate",
         "decayed_lr_test_loss < constant_lr_test_loss"),
    ],
    "03_initialization": [
        ("the 16-layer ReLU network learns from He initialization, not from zero",
         "he_test_accuracy >= zero_test_accuracy + 0.30"),
        ("it learns from Glorot initialization too", "glorot_test_accuracy >= zero_test_accuracy + 0.30"),
        ("too small weights leave it at chance", "too_small_test_accuracy < 0.2"),
        ("He initialization starts faster than Glorot", "he_first_epoch_val_accuracy > glorot_first_epoch_val_accuracy"),
        ("at 102 layers, with He initialization and the same budget, the residual network trains and the plain one "
         "learns little (means over the seeds)", "residual_test_accuracy >= plain_deep_test_accuracy + 0.2"),
        ("that gap is more than twice the spread between seeds (the two standard deviations added)",
         "residual_test_accuracy - plain_deep_test_accuracy > 2 * (residual_test_accuracy_std + plain_deep_test_accuracy_std)"),
        ("the residual network trains alike with every seed, at both depths",
         "max(residual_test_accuracy_std, residual_medium_test_accuracy_std) < 0.03"),
        ("in every seed the plain 102-layer network's error signal starts weaker at block 1 than at block 50",
         "plain_deep_start_signal_ratio_max < 1"),
        ("at 42 layers the plain network with He initialization does learn (chance is 10 %)",
         "plain_medium_test_accuracy >= 0.2"),
        ("at 102 layers the plain network falls further behind the residual one than at 42",
         "residual_test_accuracy - plain_deep_test_accuracy > residual_medium_test_accuracy - plain_medium_test_accuracy"),
        ("the residual network trains about as well at 102 layers as at 42",
         "residual_test_accuracy >= residual_medium_test_accuracy - 0.05"),
        ("but the residual network of the same depth is far ahead, from the first epoch",
         "residual_medium_first_epoch_val_accuracy > plain_medium_first_epoch_val_accuracy + 0.1 and "
         "residual_medium_test_accuracy > plain_medium_test_accuracy"),
    ],
    "04_regularization": [
        ("the baseline memorises the wrong labels: training accuracy far above the 70 % of the true classes",
         "baseline_train_accuracy >= 0.80"),
        ("L2, dropout, early stopping, augmentation and all together beat the baseline on the test set by several points",
         "min(L2_test_accuracy, dropout_test_accuracy, early_stopping_test_accuracy, augmentation_test_accuracy, "
         "all_together_test_accuracy) >= baseline_test_accuracy + 0.05"),
        ("the baseline's test loss is the worst: it is confidently wrong",
         "baseline_test_loss > max(L2_test_loss, dropout_test_loss, early_stopping_test_loss, augmentation_test_loss)"),
        ("L2, dropout, early stopping and augmentation keep the network from memorising: lower training accuracy",
         "max(L2_train_accuracy, dropout_train_accuracy, early_stopping_train_accuracy, augmentation_train_accuracy) "
         "< baseline_train_accuracy"),
        ("batch normalization helps least of the single remedies",
         "batch_norm_test_accuracy <= min(L2_test_accuracy, dropout_test_accuracy, early_stopping_test_accuracy, "
         "augmentation_test_accuracy)"),
        ("batch normalization is no remedy here: it ends no better than the baseline",
         "batch_norm_test_accuracy <= baseline_test_accuracy + 0.02"),
        ("tuned with the same budget, all together stays below the best single remedy over the seeds, by more than "
         "its own spread", "all_together_mean_test_accuracy + all_together_test_accuracy_std < best_remedy_mean_test_accuracy"),
        ("the comparison over seeds uses at least three seeds per model", "seeds_per_model >= 3"),
        ("the best remedy, chosen on the tuning set, beats the baseline on the test set over the seeds",
         "best_remedy_mean_test_accuracy >= baseline_mean_test_accuracy + 0.05"),
    ],
    "05_cnn": [
        ("a convolution layer has far fewer parameters than a dense layer with as many outputs",
         "conv_vs_dense_param_ratio >= 10"),
        ("shifting the image shifts the feature map the same way", "equivariance_max_difference < 1e-4"),
        ("with the same images, epochs and optimizer the CNN beats the MLP by at least two points",
         "cnn_same_budget_test_accuracy >= mlp_test_accuracy + 0.02"),
        ("the long run (trained in full mode, the shipped one in quick mode) reaches 92 % on the test set",
         "(cnn_checkpoint_test_accuracy if quick_mode else cnn_test_accuracy) >= 0.92"),
        ("the long run improves on the short one",
         "(cnn_checkpoint_test_accuracy if quick_mode else cnn_test_accuracy) > cnn_same_budget_test_accuracy"),
        ("both text classifiers learn the sentiment of short sentences",
         "min(textcnn_test_accuracy, bow_test_accuracy) >= 0.7"),
        ("on 2,400 short sentences the text CNN and the bag of words are close",
         "-0.05 < textcnn_test_accuracy - bow_test_accuracy < 0.05"),
    ],
    "06_rnn_language_model": [
        ("interpolating the n-gram orders beats the best single order on the held-out text",
         "ngram_val_nats < laplace_best_val_nats"),
        ("the GRU language model (trained in full mode, the shipped one in quick mode) beats the interpolated n-gram "
         "model on the held-out text", "(rnn_checkpoint_val_nats if quick_mode else rnn_val_nats) < ngram_val_nats"),
        ("trained in the notebook (full mode), the GRU reaches 1.548 nats per character or better",
         "quick_mode or rnn_val_nats <= 1.548"),
        ("the shipped GRU, trained longer, reaches 1.50 nats per character or better", "rnn_checkpoint_val_nats <= 1.50"),
        ("the language model predicts its training text better than the held-out text",
         "rnn_train_nats < (rnn_checkpoint_val_nats if quick_mode else rnn_val_nats)"),
        ("40 characters back, the LSTM's gradient is at least a hundred times the SimpleRNN's (same training steps)",
         "gradient_ratio_40_lstm >= 100 * gradient_ratio_40_simplernn"),
        ("40 characters back, the trained GRU language model's gradient is at least a hundred times the SimpleRNN's",
         "gradient_ratio_40_gru_lm >= 100 * gradient_ratio_40_simplernn"),
        ("untrained, the SimpleRNN keeps its gradient 40 characters back; training on text makes it vanish",
         "untrained_gradient_ratio_40_simplernn >= 0.1 and gradient_ratio_40_simplernn <= 1e-4 * untrained_gradient_ratio_40_simplernn"),
        ("the LSTM's reach is there before training (its forget gate starts open)",
         "untrained_gradient_ratio_40_lstm >= 100 * untrained_gradient_ratio_40_gru"),
        ("the control: a GRU of the same size after the same 300 steps fades far more than the LSTM, so gates alone "
         "do not explain the LSTM's reach", "gradient_ratio_40_gru <= 0.01 * gradient_ratio_40_lstm"),
        ("the bidirectional GRU 'predicts' better than any real language model here: it reads the answer",
         "bidirectional_gru_val_nats < min(forward_gru_val_nats, rnn_checkpoint_val_nats) - 0.2"),
    ],
    "07_word2vec": [
        ("the 100 most frequent words are between half and 70 % of the novels' words (Zipf)",
         "0.5 <= top_100_share < 0.7"),
        ("word2vec on all 47 novels (trained in full mode, the shipped vectors in quick mode) answers at least 32 % of "
         "the covered analogy questions", "w2v_analogy_accuracy >= 0.32"),
        ("word2vec beats the count baseline (PPMI + SVD) on the same questions by several points",
         "w2v_shared_accuracy >= count_shared_accuracy + 0.05"),
        ("the count baseline answers analogies too, far above chance", "count_shared_accuracy >= 0.1"),
        ("the occupations the novels give to women lean towards 'she', the professions towards 'he'",
         "occupation_gender_gap >= 0.1"),
        ("after neutralizing the gender direction, a classifier still tells its two ends apart",
         "debiased_lean_recovered_accuracy >= 0.9"),
        ("the control: the two ends of random directions stay about as separable, so the test is not specific to gender",
         "random_direction_recovered_accuracy >= debiased_lean_recovered_accuracy - 0.05"),
        ("averaged word vectors, from the novels or from the reviews, classify reviews far above chance",
         "min(w2v_review_accuracy, w2v_novels_review_accuracy) >= 0.7"),
        ("the TF-IDF bag of words beats both kinds of averaged word vectors",
         "tfidf_review_accuracy > max(w2v_review_accuracy, w2v_novels_review_accuracy)"),
        ("learned from 10,000 reviews (full mode), the reviews' own vectors beat the novels' vectors",
         "quick_mode or w2v_review_accuracy > w2v_novels_review_accuracy"),
        ("learned from 3,000 reviews (quick mode), they end level with the novels' vectors or below",
         "not quick_mode or w2v_review_accuracy < w2v_novels_review_accuracy + 0.01"),
        ("with 10,000 reviews of text and 50 labels, the reviews' own vectors beat TF-IDF by more than twice the spread "
         "over the draws (tools/label_curve.py)",
         "scarce_labels_own_vectors_lead_full_text > 2 * scarce_labels_own_vectors_lead_full_text_std"),
        ("with 3,000 reviews of text they have no such lead: within the spread of TF-IDF",
         "-2 * scarce_labels_own_vectors_lead_quick_text_std < scarce_labels_own_vectors_lead_quick_text "
         "< 2 * scarce_labels_own_vectors_lead_quick_text_std"),
        ("with 1,000 labels TF-IDF is ahead again, also with 10,000 reviews of text",
         "many_labels_tfidf_lead_full_text > 0"),
    ],
    "08_gan": [
        ("the judge classifies real test digits almost without error", "judge_test_accuracy >= 0.98"),
        ("the judge is confident on decoded random codes more often than on reconstructions of real digits",
         "ae_random_confident_share > ae_reconstruction_confident_share"),
        ("decoding random points of the autoencoder's code square makes the digits unevenly",
         "ae_random_class_min_share < 0.05 and ae_random_class_max_share > 0.2"),
        ("judged confident more often than the GAN's samples, yet several times the GAN's Fréchet distance from real "
         "digits", "ae_random_confident_share > gan_confident_share and ae_random_frechet > 3 * gan_frechet"),
        ("the denoising autoencoder brings the noisy digits closer to the clean ones", "denoised_mse < 0.75 * noisy_mse"),
        ("after 10 epochs (full mode) it removes more than half of the squared error",
         "quick_mode or denoised_mse <= noisy_mse / 2"),
        ("the GAN is above the untrained generator and below real digits: confident share",
         "untrained_confident_share < gan_confident_share < real_confident_share"),
        ("the GAN is above the untrained generator and below real digits: Fréchet distance",
         "real_frechet < gan_frechet < untrained_frechet"),
        ("the GAN makes every digit, none on more than a fifth of the samples",
         "gan_class_min_share >= 0.03 and gan_class_max_share <= 0.2"),
        ("at 5,000 steps the averaged and the plain generator are within 3 points (full mode)",
         "quick_mode or -0.03 < run_average_confident_share - run_plain_confident_share < 0.03"),
        ("after quick mode's 150 steps the average lags behind the plain generator",
         "not quick_mode or run_average_confident_share < run_plain_confident_share"),
        ("the losses end near the stable point's values",
         "-0.4 < gan_late_d_loss - 1.386 < 0.4 and -0.4 < gan_late_g_loss - 0.693 < 0.4"),
        ("with the discriminator frozen, the generator's loss sinks and the discriminator's climbs (second half of the "
         "short runs, medians)", "collapse_g_loss_median < healthy_short_g_loss_median / 2 and "
         "collapse_d_loss_median > healthy_short_d_loss_median + 0.3"),
        ("the collapsed run's samples vary far less than the healthy run's at the same budget",
         "collapse_variety < healthy_short_variety / 2"),
        ("and one digit (as the judge sees it) takes far more of them (full mode)",
         "quick_mode or collapse_class_max_share >= healthy_short_class_max_share + 0.2"),
        ("in the diverged run the discriminator wins: its loss far below the healthy run's, and no confident digits",
         "diverged_d_loss_median < healthy_short_d_loss_median / 2 and "
         "diverged_confident_share < healthy_short_confident_share"),
    ],
    "09_unet_segmentation": [
        ("pixel accuracy misleads: saying 'no membrane' anywhere scores over 75 %", "nothing_pixel_accuracy >= 0.75"),
        ("the thresholded blur, chosen on the training images, is well above marking every pixel membrane",
         "trivial_membrane_dice >= all_membrane_dice + 0.2"),
        ("a perfect answer on a 32×32 grid (four poolings) scores below the thresholded blur",
         "coarse_16_truth_dice < trivial_membrane_dice"),
        ("the U-Net is far above the thresholded blur on the held-out images",
         "unet_membrane_dice >= trivial_membrane_dice + 0.1"),
        ("averaging the 8 views changes the U-Net's Dice by less than a point, and does not lower it",
         "0 <= unet_membrane_dice - unet_one_view_membrane_dice < 0.01"),
        ("short runs (full mode: 300 steps; quick mode's 100 are too few): the U-Net is above the thresholded blur on "
         "the validation images", "quick_mode or short_unet_membrane_dice >= val_trivial_membrane_dice + 0.05"),
        ("short runs: without skips the same network is far behind, well beyond the spread between seeds",
         "short_unet_membrane_dice - noskip_membrane_dice > 0.2 + 2 * (short_unet_membrane_dice_std + "
         "noskip_membrane_dice_std)"),
        ("and in the boundary band too", "short_unet_band_dice - noskip_band_dice > 0.2"),
        ("without skips it falls below the thresholded blur at this budget",
         "noskip_membrane_dice < val_trivial_membrane_dice"),
        ("a Dice-loss run can stay stuck at 'membrane everywhere' (full mode: the worst of three seeds)",
         "quick_mode or dice_loss_worst_membrane_dice < 0.4"),
        ("the elastic deformation does not help at this budget: no better than without it, within the seeds' spread",
         "elastic_membrane_dice < short_unet_membrane_dice + 2 * (elastic_membrane_dice_std + "
         "short_unet_membrane_dice_std) and (quick_mode or elastic_membrane_dice <= short_unet_membrane_dice)"),
        ("the long run uses cross-entropy without the deformation, the best setting on validation (full mode)",
         "quick_mode or (long_run_elastic == 0 and long_run_dice_loss == 0)"),
    ],
    "10_explainability": [
        ("the shipped CNN of notebook 05 reproduces its accuracy", "cnn_checkpoint_test_accuracy >= 0.92"),
        ("the global-average-pooling network (trained in full mode, the shipped one in quick mode) classifies clothing",
         "(gap_checkpoint_test_accuracy if quick_mode else gap_test_accuracy) >= 0.88"),
        ("on a GAP network Grad-CAM is CAM divided by Z, negative part cut off", "cam_gradcam_difference < 1e-4"),
        ("integrated gradients add up to the change of the score (completeness)", "ig_completeness_error < 0.05"),
        ("saliency, SmoothGrad and Grad-CAM change when the weights are randomized: they pass",
         "max(randomized_correlation_saliency, randomized_correlation_smoothgrad, randomized_correlation_grad_cam) < 0.3"),
        ("multiplying random maps by the image alone makes them agree: the control is well above zero",
         "randomized_correlation_random_control >= 0.15"),
        ("with random weights, integrated gradients keep no more of their map than the control: they pass too",
         "randomized_correlation_integrated_gradients <= randomized_correlation_random_control + 0.05"),
        ("deleting the pixels integrated gradients or occlusion rank highest hurts more than random item pixels",
         "max(deletion_accuracy_integrated_gradients, deletion_accuracy_occlusion) "
         "<= deletion_accuracy_random_item_pixels - 0.05"),
        ("saliency fails the deletion test: its top pixels hurt less than random ones",
         "deletion_accuracy_saliency > deletion_accuracy_random_item_pixels"),
        ("Grad-CAM does no better than random pixels in the deletion test",
         "deletion_accuracy_grad_cam >= deletion_accuracy_random_item_pixels - 0.02"),
        ("FGSM with ε = 0.1 turns most correct answers wrong",
         "fgsm_accuracy_at_0_1 < 0.5 * fgsm_accuracy_clean and fgsm_accuracy_clean >= 0.9"),
        ("an optimized patch makes the CNN call other items a bag far more often than a random patch",
         "patch_bag_rate >= random_patch_bag_rate + 0.15"),
        ("and it changes far more answers than a random patch of the same size",
         "patch_changed_rate >= random_patch_changed_rate + 0.15"),
        ("the black baseline gives the background no attribution; a grey one gives it a large share",
         "ig_background_share_black < 0.01 and ig_background_share_grey > 0.2"),
        ("the text classifier learns the sentiment of short sentences", "text_test_accuracy >= 0.7"),
    ],
    "11_transformer": [
        ("without attention the encoder-decoder reverses short strings far more often than long ones",
         "s2s_plain_short_accuracy >= s2s_plain_long_accuracy + 0.25"),
        ("with attention (Luong) long strings are reversed far more often than without",
         "s2s_luong_long_accuracy >= s2s_plain_long_accuracy + 0.2"),
        ("and so with Bahdanau's additive score, about as often as with Luong's (full mode)",
         "quick_mode or (s2s_bahdanau_long_accuracy >= s2s_plain_long_accuracy + 0.5 and "
         "-0.1 < s2s_bahdanau_long_accuracy - s2s_luong_long_accuracy < 0.1)"),
        ("in quick mode only the multiplicative model has begun on long strings",
         "not quick_mode or s2s_bahdanau_long_accuracy < s2s_luong_long_accuracy - 0.1"),
        ("unscaled dot products of 64 numbers make the softmax nearly a hard choice; scaled ones do not",
         "raw_top_weight_d64 > 0.75 and scaled_top_weight_d64 < 0.35"),
        ("without positions the classifier is at chance on which token comes first",
         "0.45 < order_none_accuracy < 0.55"),
        ("with sinusoidal or learned positions it is nearly perfect",
         "order_sinusoidal_accuracy > 0.95 and order_learned_accuracy > 0.95"),
        ("without the causal mask the model copies the next character: a held-out loss far below the masked twin's",
         "leaky_val_nats < 0.5 < masked_val_nats"),
        ("at the last position, where there is nothing to copy, it does worse than the masked twin",
         "leaky_last_position_nats > masked_last_position_nats"),
        ("the Transformer and the GRU were trained for the same wall-clock budget (within 10 %)",
         "0.9 < transformer_training_seconds / gru_training_seconds < 1.1"),
        ("in that budget the Transformer takes more steps", "transformer_steps > gru_steps"),
        ("yet the GRU ends ahead on the held-out text", "gru_same_budget_val_nats < transformer_val_nats"),
        ("neither reaches the n-gram model of 06 in two minutes",
         "ngram_val_nats < gru_same_budget_val_nats and ngram_val_nats < transformer_val_nats"),
        ("both are far better than the uniform guess", "transformer_val_nats < 2.2 and gru_same_budget_val_nats < 2.2"),
        ("a Transformer step is cheaper than a GRU step on this CPU, at the shortest and the longest window",
         "step_cost_ratio_shortest < 1 and step_cost_ratio_longest < 1"),
        ("the heads differ: the widest looks several times further back than the most local",
         "head_distance_max > 2 * head_distance_min"),
        ("the bag of words beats the encoder Transformer on IMDB", "imdb_bow_accuracy > imdb_transformer_accuracy"),
        ("the encoder Transformer reaches the keras.io example's 0.875 (full mode; quick mode scores 5,000 reviews)",
         "(imdb_transformer_accuracy >= 0.875) if not quick_mode else (imdb_transformer_accuracy >= 0.86)"),
        ("fine-tuning the pre-trained language model beats the same model trained from scratch",
         "finetuned_sentence_accuracy >= scratch_sentence_accuracy + 0.05"),
        ("and the gap is several times the spread between seeds (full mode: three seeds)",
         "quick_mode or finetuned_sentence_accuracy - scratch_sentence_accuracy > "
         "2 * (finetuned_sentence_std + scratch_sentence_std)"),
        ("the word-level bag of words stays far ahead of both", "sentence_bow_accuracy > finetuned_sentence_accuracy + 0.1"),
    ],
}


def check(stem: str, records: dict[str, float]) -> list[str]:
    """The claims of notebook ``stem`` that ``records`` break, each as one line (empty when all hold)."""
    if stem not in CLAIMS:
        return [f"{stem} states no lesson claims: add them to tests/lesson_claims.py"]
    broken = []
    for lesson, expression in CLAIMS[stem]:
        try:
            holds = eval(expression, {"__builtins__": {}, "min": min, "max": max}, dict(records))  # noqa: S307 (our own expressions)
        except NameError as error:
            broken.append(f"{lesson}: {expression}: the notebook did not record {error.name!r}")
            continue
        if not holds:
            names = sorted(name for name in records if name in expression)
            values = ", ".join(f"{name} = {records[name]:.4g}" for name in names)
            broken.append(f"{lesson}: {expression} is false ({values})")
    return broken
