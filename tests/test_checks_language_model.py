"""Checkers of 06 · Recurrent networks and language models: right answers pass, the stub and wrong answers fail."""
import math
import time
import warnings

import numpy as np
import pytest
from scipy.stats import binom

from course_utils import checks
from course_utils.checks import language_model
from test_checks_core import as_learners, assert_fails, assert_passes, stub


# --- perplexity ----------------------------------------------------------------------------------

def test_perplexity_right_answers_pass():
    assert_passes(checks.check_perplexity(as_learners(language_model.perplexity)))
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
    assert_passes(checks.check_rnn_step(as_learners(language_model.rnn_step)))
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


def stacked_pre(a_prev, x, W_a, b_a):
    return np.concatenate([a_prev, x], axis=1) @ W_a.T + b_a


def tanh_by_exp(a_prev, x, W_a, b_a):          # tanh(z) = (e^2z − 1) / (e^2z + 1): NaN beyond z ≈ 44 in float32
    e = np.exp(2 * stacked_pre(a_prev, x, W_a, b_a))
    return (e - 1) / (e + 1)


def tanh_by_exp_in_float64(a_prev, x, W_a, b_a):   # float64 throughout: fine in the float32 case, NaN beyond 355
    e = np.exp(2 * stacked_pre(a_prev, x, W_a, b_a).astype(np.float64))
    return (e - 1) / (e + 1)


def tanh_by_two_exps(a_prev, x, W_a, b_a):     # (e^z − e^−z) / (e^z + e^−z)
    z = stacked_pre(a_prev, x, W_a, b_a)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def tanh_by_exp_silenced(a_prev, x, W_a, b_a):  # the warning hidden: the NaN is still there
    with np.errstate(all="ignore"):
        return tanh_by_exp(a_prev, x, W_a, b_a)


@pytest.mark.parametrize("wrong, message", [
    (tanh_by_exp, "NumPy: overflow encountered in exp"),
    (tanh_by_exp_in_float64, "float64, pre-activations up to ±900"),
    (tanh_by_two_exps, "NumPy: overflow"),
    (tanh_by_exp_silenced, "contains NaN"),
])
def test_rnn_step_tanh_written_with_exp_fails_on_large_pre_activations(wrong, message):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = checks.check_rnn_step(wrong)
    assert_fails(result, message)
    assert result.message.endswith("use np.tanh: exp of a large number overflows")
    assert not caught, f"a warning escaped the checker: {caught[0].message}"


def test_rnn_step_a_stable_tanh_by_exp_passes():
    def stable(a_prev, x, W_a, b_a):            # exp of −|z| only: never overflows
        z = stacked_pre(a_prev, x, W_a, b_a)
        e = np.exp(-2 * np.abs(z))
        return np.sign(z) * (1 - e) / (1 + e)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert_passes(checks.check_rnn_step(stable))
    assert not caught


# --- sampling with a temperature -----------------------------------------------------------------

def probabilities(logits, temperature):
    z = logits / temperature
    p = np.exp(z - z.max())
    return p / p.sum()


def by_choice(logits, temperature, rng):
    return int(rng.choice(len(logits), p=probabilities(logits, temperature)))


def by_gumbel_max(logits, temperature, rng):   # argmax of logits / T plus Gumbel noise: one draw per logit
    return int(np.argmax(logits / temperature + rng.gumbel(size=len(logits))))


def by_inverse_cdf(logits, temperature, rng):
    return int(np.searchsorted(np.cumsum(probabilities(logits, temperature)), rng.random()))


def by_multinomial(logits, temperature, rng):
    return int(rng.multinomial(1, probabilities(logits, temperature)).argmax())


RIGHT_SAMPLERS = [by_choice, by_gumbel_max, by_inverse_cdf, by_multinomial]


def test_sample_with_temperature_right_answers_pass():
    assert_passes(checks.check_sample_with_temperature(as_learners(language_model.sample_with_temperature)))
    for sampler in RIGHT_SAMPLERS:
        assert_passes(checks.check_sample_with_temperature(sampler))
    assert_passes(checks.check_sample_with_temperature(lambda logits, t, rng: np.asarray(by_choice(logits, t, rng))))


def after_skipping(sampler, k):
    """``sampler`` that first draws k numbers it does not use: the same sampler on another part of the stream."""
    def sample(logits, temperature, rng):
        rng.random(k)
        return sampler(logits, temperature, rng)
    return sample


def test_sample_with_temperature_passes_right_samplers_on_50_streams(monkeypatch):
    # The old check failed a correct sampler 13 % of the time: it wanted all 3,000 draws at T = 0.1 to be index 0,
    # though index 1 has probability 4.5e-5 per draw; and its χ² tests had level 1e-4 per case. Here 4 correct
    # samplers × 13 streams (the checker's seeds moved and the stream shifted by 1 to 13 unused numbers per draw).
    start = time.perf_counter()
    for variation in range(52):
        monkeypatch.setattr(language_model, "SAMPLE_SEED", 1_000 + 10 * variation)
        sampler = RIGHT_SAMPLERS[variation % 4]
        result = checks.check_sample_with_temperature(after_skipping(sampler, 1 + variation // 4))
        assert result, f"{sampler.__name__}, variation {variation}: {result}"
    assert time.perf_counter() - start < 20


def test_sample_with_temperature_accepts_what_its_0_1_case_allows():
    # At T = 0.1 index 1 has probability 4.5e-5 per draw: a sampler that returns it now and then is right.
    def rare_ones(logits, temperature, rng):
        index = by_choice(logits, temperature, rng)
        return 1 if temperature == 0.1 and rng.random() < 0.1 else index
    assert_fails(checks.check_sample_with_temperature(rare_ones), "draws were not index 0")

    seen = []

    def once(logits, temperature, rng):                       # index 1 once in the 200 draws: still plausible
        if temperature == 0.1 and not seen:
            seen.append(True)
            return 1
        return by_choice(logits, temperature, rng)
    assert_passes(checks.check_sample_with_temperature(once))


def test_sample_with_temperature_false_rejects_below_one_in_a_million():
    # Exactly: the probability that each class's binomial test rejects a correct sampler, summed over all classes
    # of all cases (the union bound the docstring states).
    level = language_model._per_tail_level()
    total = 0.0
    cases = language_model._sample_cases() + [language_model._HUGE]
    for logits, temperature, n in cases:
        probs = language_model._softmax(logits / temperature)
        counts = np.arange(n + 1)[:, None]
        rejected = language_model._smaller_tail(counts, n, probs[None, :]) < level
        total += float(np.sum(binom.pmf(counts, n, probs[None, :]) * rejected))
    assert total <= language_model.FALSE_REJECT < 1e-6
    assert "1e-6" in checks.check_sample_with_temperature.__doc__
    assert "1e-7 / (2 × 143 classes)" in checks.check_sample_with_temperature.__doc__
    assert language_model._per_tail_level() == pytest.approx(language_model.FALSE_REJECT / (2 * 143), rel=1e-12)


def sampler(scale, subtract_max=True, global_rng=False):
    def sample(logits, temperature, rng):
        z = scale(logits, temperature)
        p = np.exp(z - z.max()) if subtract_max else np.exp(z)
        p = p / p.sum()
        return int((np.random if global_rng else rng).choice(len(p), p=p))
    return sample


def math_exp(logits, temperature, rng):          # Python's exp raises OverflowError rather than warning
    weights = [math.exp(z / temperature) for z in logits]
    return int(rng.choice(len(weights), p=np.array(weights) / sum(weights)))


@pytest.mark.parametrize("wrong, message", [
    (sampler(lambda z, t: z * t), "multiplied by the temperature"),
    (lambda logits, t, rng: int(np.argmax(logits * t + rng.gumbel(size=len(logits)))), "multiplied by the temperature"),
    (sampler(lambda z, t: z), "temperature is not used"),
    (lambda logits, t, rng: int(np.searchsorted(np.cumsum(probabilities(logits, 1.0)), rng.random())),
     "temperature is not used"),
    (lambda logits, temperature, rng: int(np.argmax(logits)), "every draw was index 0 (the most likely)"),
    (lambda logits, temperature, rng: int(rng.integers(len(logits))), "equally often"),
    (sampler(lambda z, t: z / t, global_rng=True), "not np.random"),
    (lambda logits, t, rng: by_choice(logits, t, np.random.default_rng()), "a generator of your own"),
    (lambda logits, t, rng: by_choice(logits, t, np.random.default_rng(0)), "every draw was index 1;"),
    (lambda logits, t, rng: int(np.searchsorted(np.cumsum(probabilities(logits, t)), 0.5)), "new number from `rng`"),
    (sampler(lambda z, t: z / t, subtract_max=False), "largest scaled logit"),
    (math_exp, "largest scaled logit"),
    (lambda logits, temperature, rng: float(by_choice(logits, temperature, rng)), "an int"),
    (lambda logits, temperature, rng: by_choice(logits, temperature, rng) + 1, "outside 0"),
    (lambda logits, temperature, rng: 0, "do not follow"),                          # hard-coded
])
def test_sample_with_temperature_wrong_answers_fail(wrong, message):
    result = checks.check_sample_with_temperature(wrong)
    assert_fails(result, message)
    assert not result.message.endswith("…")


@pytest.mark.parametrize("seed", [3, 17, 4_000])
def test_sample_with_temperature_wrong_temperatures_fail_on_other_seeds_too(seed, monkeypatch):
    monkeypatch.setattr(language_model, "SAMPLE_SEED", seed)
    for skip in (1, 2):
        assert_fails(checks.check_sample_with_temperature(after_skipping(sampler(lambda z, t: z * t), skip)),
                     "multiplied by the temperature")
        assert_fails(checks.check_sample_with_temperature(after_skipping(sampler(lambda z, t: z), skip)),
                     "temperature is not used")


def test_sample_with_temperature_changing_the_logits_in_place_fails():
    def in_place(logits, temperature, rng):
        logits /= temperature
        return by_choice(logits, 1.0, rng)
    assert_fails(checks.check_sample_with_temperature(in_place), "in place")

    calls = []

    def later_in_place(logits, temperature, rng):              # fine on the first call, not after
        calls.append(1)
        if len(calls) > 1:
            logits[0] += 0.0 if len(calls) % 2 else 1e-9
        return by_choice(logits, temperature, rng)
    assert_fails(checks.check_sample_with_temperature(later_in_place), "changed its argument `logits` in place")


def test_sample_with_temperature_takes_well_under_a_second():
    checks.check_sample_with_temperature(by_choice)                 # imports done
    start = time.perf_counter()
    assert_passes(checks.check_sample_with_temperature(by_choice))
    assert time.perf_counter() - start < 0.5


# --- which temperature made which sample? --------------------------------------------------------

def test_name_the_temperatures_right_answer_passes_as_numbers_or_strings():
    truth = dict(language_model.MYSTERY_TEMPERATURES)
    assert_passes(checks.check_name_the_temperatures(lambda: truth))
    assert_passes(checks.check_name_the_temperatures(lambda: {k: f"{v:g}" for k, v in truth.items()}))


def test_name_the_temperatures_accepts_numpy_numbers():
    truth = dict(language_model.MYSTERY_TEMPERATURES)
    assert_passes(checks.check_name_the_temperatures(lambda: {k: np.float32(v) for k, v in truth.items()}))
    assert_passes(checks.check_name_the_temperatures(lambda: {k: np.float64(v) for k, v in truth.items()}))
    assert_passes(checks.check_name_the_temperatures(lambda: dict(truth, A=np.float32(truth["A"]), B=str(truth["B"]))))
    swapped = dict(truth, A=truth["B"], B=truth["A"])
    assert_fails(checks.check_name_the_temperatures(lambda: {k: np.float32(v) for k, v in swapped.items()}),
                 "2 of 3 wrong")
    assert_fails(checks.check_name_the_temperatures(lambda: dict(truth, A=np.float32(1.5))), "not one of")


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
