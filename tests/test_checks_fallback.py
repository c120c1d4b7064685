"""solved_or_reference: the learner's function once solved, the course's reference version until then."""
import inspect
import re

from functools import lru_cache

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from course_utils import checks
from course_utils.checks import fallback, gan
from tools import nbtools

LINE = ("{} is not solved yet: the cells below use the course's reference version "
        "(solve it above and re-run to use yours).\n")


def worked_solutions():
    """name -> the worked solution of every exercise in the notebooks."""
    solutions = {}
    for path in nbtools.notebooks():
        for solution, _ in nbtools.exercises(nbtools.read(path)):
            namespace = {"np": np, "keras": keras, "layers": layers, "tf": tf,
                         "gan_losses": gan.gan_losses}             # 08's steps call the notebook's earlier exercise
            exec(solution, namespace)
            name = re.search(r"^def (\w+)\(", solution, re.M).group(1)
            solutions[name] = namespace[name]
    return solutions


SOLUTIONS = worked_solutions()


@lru_cache(maxsize=1)
def small_cnn():
    """A seeded Fashion-MNIST-shaped classifier for the explainability exercises."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3, activation="relu"), layers.Flatten(),
                             layers.Dense(10)])


def tiny_gan():
    """A fresh, seeded generator (noise of 8 -> 16 pixels) and discriminator (16 pixels -> one logit), with an Adam
    optimizer as 08's training loop uses: the same weights at every call."""
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="tanh")])
    discriminator = keras.Sequential([keras.Input((16,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    return generator, discriminator, keras.optimizers.Adam(2e-4, beta_1=0.5)


def realistic_arguments(name):
    """Fresh arguments for one call, shaped like those the notebooks' later cells pass."""
    rng = np.random.default_rng(0)
    pixels = rng.random((64, 784)).astype(np.float32)
    labels = (rng.random(64) < 0.5).astype(np.float32)
    return {
        "dense_param_count": ((784, 128), {}),
        "predicted_output_shapes": ((), {}),
        "sigmoid": ((rng.normal(0.0, 300.0, 50),), {}),
        "bce_from_logits": ((labels, rng.normal(0.0, 5.0, 64).astype(np.float32)), {}),
        "gradient_step": ((np.zeros(784, np.float32), 0.0, pixels, labels, 0.1), {}),
        "softmax": ((pixels[:, :10] * 20.0,), {}),
        "choose_learning_rate": ((), {}),
        "dense_backward": ((rng.normal(size=(10, 1)), np.tanh(rng.normal(size=(10, 4))), rng.normal(size=(4, 1))), {}),
        "momentum_step": ((np.array([-1.8, 1.0]), np.zeros(2), np.array([-0.072, 2.0]), 0.3, 0.9), {}),
        "adam_step": ((np.array([-1.8, 1.0]), np.zeros(2), np.zeros(2), np.array([-0.072, 2.0]), 1, 0.2, 0.9, 0.999,
                       1e-7), {}),
        "match_loss_curves": ((), {}),
        "glorot_std": ((1_000, 500), {}),
        "he_std": ((1_000,), {}),
        "name_the_initializations": ((), {}),
        "l2_penalty": (([rng.normal(0.0, 0.05, s).astype(np.float32) for s in ((784, 512), (512, 512), (512, 10))],
                        2.0, 2_000), {}),
        "choose_l2_lambda": ((), {}),
        "inverted_dropout": ((np.ones((1_000, 1_000), np.float32), 0.5, True, np.random.default_rng(1)), {}),
        "batchnorm_train": ((rng.normal([5.0, -2.0, 0.0, 100.0], [3.0, 0.1, 1.0, 20.0], (64, 4)).astype(np.float32),
                             np.array([1.0, 2.0, 0.5, 1.0], np.float32), np.array([0.0, 1.0, -1.0, 0.5], np.float32)),
                            {"eps": 1e-3}),
        "conv2d": ((pixels[0].reshape(28, 28).astype(np.float64), np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0],
                                                                             [1.0, 0.0, -1.0]])), {"padding": 1}),
        "name_the_kernels": ((), {}),
        "output_size": ((28, 3, 2, 1), {}),
        "perplexity": ((np.log(rng.uniform(0.01, 1.0, 100_000)),), {}),
        "rnn_step": ((rng.uniform(-1, 1, (3, 16)), rng.normal(size=(3, 8)), rng.normal(size=(16, 24)) / 5,
                      rng.normal(size=16)), {}),
        "sample_with_temperature": ((rng.normal(0.0, 3.0, 65), 0.8, np.random.default_rng(5)), {}),
        "name_the_temperatures": ((), {}),
        "cosine_similarity": ((rng.normal(size=300), rng.normal(size=(1_000, 300))), {}),
        "noise_distribution": ((rng.integers(5, 100_000, 2_000),), {}),
        "predict_coverage": ((), {}),
        "solve_analogy": (("man", "king", "woman", rng.normal(size=(50, 30)),
                           ["man", "king", "woman"] + [f"w{i}" for i in range(47)]), {}),
        "saliency_map": ((small_cnn(), pixels[:6].reshape(6, 28, 28, 1), np.array([0, 1, 5, 7, 8, 9])), {}),
        "grad_cam_map": ((np.maximum(rng.normal(size=(6, 14, 14, 64)), 0), rng.normal(size=(6, 14, 14, 64))), {}),
        "name_the_maps": ((), {}),
        "dice_and_iou": (((rng.random((5, 512, 512)) < 0.2), (rng.random((5, 512, 512)) < 0.2).astype(np.uint8)), {}),
        "contracting_level_size": ((572,), {}),
        "name_the_fixes": ((), {}),
        "gan_losses": ((rng.normal(1.0, 2.0, (64, 1)).astype(np.float32), rng.normal(-1.0, 2.0, (64, 1)).astype(
            np.float32)), {}),
        "discriminator_step": ((*tiny_gan(), pixels[:64, :16] * 2 - 1, rng.normal(size=(64, 8)).astype(np.float32)),
                               {}) if name == "discriminator_step" else None,
        "generator_step": ((*tiny_gan(), rng.normal(size=(64, 8)).astype(np.float32)), {})
        if name == "generator_step" else None,
        "name_the_runs": ((), {}),
        "scaled_dot_product_attention": ((rng.normal(size=(1, 2, 5, 8)), rng.normal(size=(1, 2, 5, 8)),
                                          rng.normal(size=(1, 2, 5, 8))), {}),
        "positional_encoding": ((64, 64), {}),
        "causal_mask": ((6,), {}),
        "name_the_masks": ((), {}),
    }[name]


def assert_same_result(got, expected):
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, (tuple, list)):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same_result(g, e)
    elif isinstance(expected, dict):
        assert got.keys() == expected.keys()
        for key in expected:
            assert_same_result(got[key], expected[key])
    elif hasattr(expected, "numpy"):                      # a TensorFlow tensor
        assert hasattr(got, "numpy")
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    elif expected is None or isinstance(expected, str):
        assert got == expected
    elif isinstance(expected, (np.ndarray, np.generic)):
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    else:
        assert got == pytest.approx(expected, rel=1e-12)


def built_model(name, function):
    if name == "residual_block":
        inputs = keras.Input(shape=(64,))                  # RES_WIDTH in 03
        return keras.Model(inputs, function(inputs, 64))
    return function()


def stub(*args, **kwargs):
    raise NotImplementedError()


def test_every_exercise_in_the_notebooks_has_a_reference_version():
    assert len(SOLUTIONS) >= 21 and set(SOLUTIONS) <= set(fallback.REFERENCES)
    written = {path.name[:2] for path in nbtools.notebooks()}
    for name in set(fallback.REFERENCES) - set(SOLUTIONS):      # only for a notebook that is not written yet
        introduced = re.search(r"Introduced in (\d\d)", fallback.REFERENCES[name].__doc__ or "")
        assert introduced and introduced.group(1) not in written, f"{name} is a reference without an exercise"


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_the_reference_has_the_signature_of_the_exercise(name):
    def parameters(function):
        return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]

    assert parameters(fallback.REFERENCES[name]) == parameters(SOLUTIONS[name])
    assert parameters(checks.solved_or_reference(stub, name)) == parameters(SOLUTIONS[name])


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_the_fallback_gives_the_worked_solutions_result(name, capsys):
    fallback_version = checks.solved_or_reference(stub, name)
    if name in ("make_classifier", "make_two_input_model", "residual_block"):
        ours, theirs = built_model(name, fallback_version), built_model(name, SOLUTIONS[name])
        assert ours.output.shape == theirs.output.shape and ours.count_params() == theirs.count_params()
        assert [tuple(t.shape) for t in ours.inputs] == [tuple(t.shape) for t in theirs.inputs]
    else:
        args, kwargs = realistic_arguments(name)
        expected_args, expected_kwargs = realistic_arguments(name)
        assert_same_result(fallback_version(*args, **kwargs), SOLUTIONS[name](*expected_args, **expected_kwargs))
    assert capsys.readouterr().out == LINE.format(name)


def test_a_working_answer_is_used_and_the_reference_is_not_called(monkeypatch, capsys):
    calls = []
    monkeypatch.setitem(fallback.REFERENCES, "sigmoid", lambda z: calls.append(z))

    def sigmoid(z):
        return "the learner's"

    wrapped = checks.solved_or_reference(sigmoid)
    assert [wrapped(np.zeros(3)) for _ in range(3)] == ["the learner's"] * 3
    assert calls == [] and capsys.readouterr().out == ""
    assert wrapped.__name__ == "sigmoid"


def test_a_stub_falls_back_with_one_line_printed_once(capsys):
    def softmax(z):
        # YOUR CODE HERE
        raise NotImplementedError()

    wrapped = checks.solved_or_reference(softmax)
    logits = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    results = [wrapped(logits) for _ in range(3)]
    assert capsys.readouterr().out == LINE.format("softmax")
    for result in results:
        np.testing.assert_allclose(result, fallback.REFERENCES["softmax"](logits))


def test_none_needs_a_name_and_then_falls_back(capsys):
    with pytest.raises(ValueError, match="needs the exercise's name"):
        checks.solved_or_reference(None)
    he_std = checks.solved_or_reference(None, "he_std")
    assert he_std(2) == pytest.approx(1.0) and he_std(8) == pytest.approx(0.5)
    assert capsys.readouterr().out == LINE.format("he_std")


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="'sigmoid_v2'.*sigmoid, bce_from_logits"):
        checks.solved_or_reference(lambda z: z, "sigmoid_v2")
    with pytest.raises(ValueError, match="'<lambda>'.*batchnorm_train"):
        checks.solved_or_reference(lambda z: z)
    with pytest.raises(TypeError, match="function or None"):
        checks.solved_or_reference(0.5, "sigmoid")


def test_other_errors_of_the_learner_propagate(capsys):
    def bce_from_logits(y, z):
        return 1 / len(y)   # a wrong answer that runs: its error is the learner's to see

    wrapped = checks.solved_or_reference(bce_from_logits)
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            wrapped([], [])
    assert capsys.readouterr().out == ""


def test_wrapping_twice_wraps_the_learners_function_once(capsys):
    def he_std(fan_in):
        raise NotImplementedError()

    twice = checks.solved_or_reference(checks.solved_or_reference(he_std))
    assert twice(2) == pytest.approx(1.0) and twice(2) == pytest.approx(1.0)
    assert capsys.readouterr().out == LINE.format("he_std")
    assert not checks.check_he_std(twice)
