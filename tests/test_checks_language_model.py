"""Checkers of 06 · Recurrent networks and language models: right answers pass, the stub and wrong answers fail."""
import math

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import language_model
from test_checks_core import assert_fails, assert_passes, stub


# --- perplexity ----------------------------------------------------------------------------------

def test_perplexity_right_answers_pass():
    assert_passes(checks.check_perplexity(language_model.perplexity))
    assert_passes(checks.check_perplexity(lambda log_probs: math.exp(-float(np.sum(log_probs)) / len(log_probs))))
    assert_passes(checks.check_perplexity(lambda log_probs: np.exp(-log_probs.mean())))    # a NumPy scalar


@pytest.mark.parametrize("wrong, message", [
    (lambda lp: float(np.prod(np.exp(lp)) ** (-1 / len(lp))), "underflows"),
    (lambda lp: float(np.exp(np.mean(lp))), "sign is wrong"),
    (lambda lp: float(2 ** -np.mean(lp)), "not 2 **"),
    (lambda lp: float(10 ** -np.mean(lp)), "not 10 **"),
    (lambda lp: float(-np.mean(lp)), "exp of it"),
    (lambda lp: float(np.exp(-np.sum(lp))), "mean"),
    (lambda lp: 4.0, "expected"),                                                  # hard-coded: right on one case only
    (lambda lp: float(np.exp(-np.median(lp))), "exp(−mean(log_probs))"),
    (lambda lp: np.exp(-lp), "expected one number"),
])
def test_perplexity_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_perplexity(wrong), message)


def test_perplexity_changing_the_input_in_place_fails():
    def in_place(log_probs):
        log_probs *= -1
        return float(np.exp(np.mean(log_probs)))
    assert_fails(checks.check_perplexity(in_place), "in place")


def test_perplexity_stub_is_not_attempted():
    assert_fails(checks.check_perplexity(stub), "not attempted")


# --- one RNN step --------------------------------------------------------------------------------

def split_step(a_prev, x, W_a, b_a):
    n_a = a_prev.shape[1]
    return np.tanh(a_prev @ W_a[:, :n_a].T + x @ W_a[:, n_a:].T + b_a)


def test_rnn_step_right_answers_pass():
    assert_passes(checks.check_rnn_step(language_model.rnn_step))
    assert_passes(checks.check_rnn_step(split_step))
    assert_passes(checks.check_rnn_step(lambda a, x, W, b: np.tanh(W @ np.concatenate([a, x], axis=1).T + b[:, None]).T))


@pytest.mark.parametrize("wrong, message", [
    (lambda a, x, W, b: np.concatenate([a, x], axis=1) @ W.T + b, "no tanh"),
    (lambda a, x, W, b: np.tanh(np.concatenate([a, x], axis=1) @ W.T), "bias b_a is missing"),
    (lambda a, x, W, b: 1 / (1 + np.exp(-(np.concatenate([a, x], axis=1) @ W.T + b))), "sigmoid"),
    (lambda a, x, W, b: np.tanh(np.concatenate([x, a], axis=1) @ W.T + b), "wrong order"),
    (lambda a, x, W, b: np.tanh(x @ W[:, a.shape[1]:].T + b), "a_prev is not used"),
    (lambda a, x, W, b: np.tanh(np.concatenate([a, x], axis=1) @ W + b), "your code raised ValueError"),
    (lambda a, x, W, b: np.zeros_like(a), "a⟨t⟩"),
    (lambda a, x, W, b: np.tanh(np.concatenate([a, x], axis=1) @ W.T + b)[0], "shape"),
])
def test_rnn_step_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_rnn_step(wrong), message)


def test_rnn_step_changing_the_state_in_place_fails():
    def in_place(a_prev, x, W_a, b_a):
        a_prev[:] = language_model.rnn_step(a_prev, x, W_a, b_a)
        return a_prev
    assert_fails(checks.check_rnn_step(in_place), "in place")


# --- sampling with a temperature -----------------------------------------------------------------

def test_sample_with_temperature_right_answers_pass():
    assert_passes(checks.check_sample_with_temperature(language_model.sample_with_temperature))

    def by_inverse_cdf(logits, temperature, rng):
        z = logits / temperature
        p = np.exp(z - z.max())
        return int(np.searchsorted(np.cumsum(p / p.sum()), rng.random()))
    assert_passes(checks.check_sample_with_temperature(by_inverse_cdf))


def sampler(scale, subtract_max=True, global_rng=False):
    def sample(logits, temperature, rng):
        z = scale(logits, temperature)
        p = np.exp(z - z.max()) if subtract_max else np.exp(z)
        p = p / p.sum()
        return int((np.random if global_rng else rng).choice(len(p), p=p))
    return sample


@pytest.mark.parametrize("wrong, message", [
    (sampler(lambda z, t: z * t), "multiplied by the temperature"),
    (sampler(lambda z, t: z), "temperature is not used"),
    (lambda logits, temperature, rng: int(np.argmax(logits)), "most likely index"),
    (lambda logits, temperature, rng: int(rng.integers(len(logits))), "equally often"),
    (sampler(lambda z, t: z / t, global_rng=True), "global generator"),
    (sampler(lambda z, t: z / t, subtract_max=False), "largest scaled logit"),
    (lambda logits, temperature, rng: float(language_model.sample_with_temperature(logits, temperature, rng)), "an int"),
    (lambda logits, temperature, rng: 0, "do not follow"),                          # hard-coded
])
def test_sample_with_temperature_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_sample_with_temperature(wrong), message)


def test_sample_with_temperature_changing_the_logits_in_place_fails():
    def in_place(logits, temperature, rng):
        logits /= temperature
        return language_model.sample_with_temperature(logits, 1.0, rng)
    assert_fails(checks.check_sample_with_temperature(in_place), "in place")


# --- which temperature made which sample? --------------------------------------------------------

def test_name_the_temperatures_right_answer_passes_as_numbers_or_strings():
    truth = dict(language_model.MYSTERY_TEMPERATURES)
    assert_passes(checks.check_name_the_temperatures(lambda: truth))
    assert_passes(checks.check_name_the_temperatures(lambda: {k: f"{v:g}" for k, v in truth.items()}))


def test_name_the_temperatures_wrong_answers_fail():
    truth = dict(language_model.MYSTERY_TEMPERATURES)
    swapped = dict(truth, A=truth["B"], B=truth["A"])
    assert_fails(checks.check_name_the_temperatures(lambda: swapped), "2 of 3 wrong")
    assert_fails(checks.check_name_the_temperatures(lambda: dict(truth, A=0.5)), "not one of")
    assert_fails(checks.check_name_the_temperatures(lambda: [0.2, 0.8, 1.6]), "return a dict")
    assert_fails(checks.check_name_the_temperatures(stub), "not attempted")


def test_mystery_samples_use_the_hidden_temperatures_and_one_seed():
    samples = language_model.mystery_samples(lambda t, seed: f"{t}:{seed}")
    assert samples == {label: f"{t}:{language_model.MYSTERY_SEED}"
                       for label, t in language_model.MYSTERY_TEMPERATURES.items()}
