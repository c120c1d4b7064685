"""Checkers and reference versions for 06 · Recurrent networks and language models. Introduced in 06."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _close, _Fail, _grade_labels, _labelled_answer, _ndarray, _number, _run,
                   _single, _worst)


# --- reference versions (the worked solutions) ---------------------------------------------------

def perplexity(log_probs: np.ndarray) -> float:
    """Perplexity of a text from the natural-log probabilities the model gave each of its symbols. Introduced in 06.

    exp of the mean negative log-probability (the loss in nats per symbol); averaging the logs, never
    multiplying the probabilities, so that a long text does not underflow to 0.
    """
    return float(np.exp(-np.mean(log_probs)))


def rnn_step(a_prev: np.ndarray, x: np.ndarray, W_a: np.ndarray, b_a: np.ndarray) -> np.ndarray:
    """One step of a plain RNN, a⟨t⟩ = tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a), for a batch. Introduced in 06.

    a_prev (batch, n_a), x (batch, n_x), W_a (n_a, n_a + n_x), b_a (n_a,) -> (batch, n_a).
    """
    stacked = np.concatenate([a_prev, x], axis=1)        # [a⟨t−1⟩, x⟨t⟩] for every sequence of the batch
    return np.tanh(stacked @ W_a.T + b_a)


def sample_with_temperature(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from softmax(logits / temperature), using ``rng``. Introduced in 06."""
    scaled = logits / temperature
    probs = np.exp(scaled - scaled.max())                # subtract the largest logit: no overflow
    probs = probs / probs.sum()
    return int(rng.choice(len(probs), p=probs))


REFERENCES = (perplexity, rnn_step, sample_with_temperature)


# --- perplexity ----------------------------------------------------------------------------------

def check_perplexity(perplexity: Callable[[np.ndarray], float]) -> CheckResult:
    """Check a perplexity from natural-log probabilities, short and very long texts included. Introduced in 06."""

    def body(perplexity: Callable) -> str:
        rng = np.random.default_rng(6)
        cases = [
            (np.log(np.full(4, 0.25)), "four symbols, each given probability 1/4"),
            (np.log(rng.uniform(0.05, 0.9, size=7)), "7 symbols"),
            (np.log(rng.uniform(0.01, 0.5, size=(1000,))).astype(np.float32), "1,000 symbols in float32"),
            (np.log(rng.uniform(0.02, 0.9, size=200_000)), "200,000 characters (a novel)"),
        ]
        for log_probs, what in cases:
            expected = float(np.exp(-np.mean(log_probs.astype(np.float64))))
            with np.errstate(all="ignore"):
                got = _number(_call(perplexity, log_probs, context=f"for {what}"), f"the perplexity for {what}")
            if _close(got, expected, _single(log_probs)):
                continue
            n = len(log_probs)
            mean = float(np.mean(log_probs.astype(np.float64)))
            if not np.isfinite(got) or (got == 0.0 and n > 1000):
                raise _Fail(f"the perplexity for {what} is {got}, expected {expected:.6g}: the product of "
                            f"{n:,} probabilities underflows to 0; average the log-probabilities instead")
            hints = [(np.exp(mean), "the sign is wrong: the loss is the NEGATIVE mean log-probability"),
                     (2.0 ** -mean, "the log-probabilities are natural logs (nats): use np.exp, not 2 **"),
                     (10.0 ** -mean, "the log-probabilities are natural logs (nats): use np.exp, not 10 **"),
                     (-mean, "that is the loss in nats per symbol; the perplexity is exp of it"),
                     (np.exp(-np.sum(log_probs.astype(np.float64))) if n < 100 else np.nan,
                      "that uses the sum of the log-probabilities: take their mean, per symbol")]
            for value, hint in hints:
                if np.isfinite(value) and _close(got, value):
                    raise _Fail(f"the perplexity for {what} is {got:.6g}, expected {expected:.6g}: {hint}")
            raise _Fail(f"the perplexity for {what} is {got:.6g}, expected {expected:.6g}: exp(−mean(log_probs))")
        return ("matches exp(−mean log-probability) on 4 to 200,000 symbols, float32 included; no underflow; "
                "a uniform guess over 4 symbols has perplexity 4")

    return _run("check_perplexity", body, perplexity)


# --- one RNN step --------------------------------------------------------------------------------

def _rnn_case(rng: np.random.Generator, batch: int, n_a: int, n_x: int, dtype: Any) -> tuple:
    a_prev = rng.uniform(-1, 1, size=(batch, n_a)).astype(dtype)
    x = rng.normal(size=(batch, n_x)).astype(dtype)
    W_a = (rng.normal(size=(n_a, n_a + n_x)) / np.sqrt(n_a + n_x)).astype(dtype)
    b_a = rng.normal(0, 0.5, size=n_a).astype(dtype)
    return a_prev, x, W_a, b_a


def check_rnn_step(rnn_step: Callable[..., np.ndarray]) -> CheckResult:
    """Check a plain RNN step against the equation computed with W_a split in two. Introduced in 06."""

    def body(rnn_step: Callable) -> str:
        rng = np.random.default_rng(60)
        for batch, n_a, n_x, dtype in [(1, 3, 2, np.float64), (4, 5, 5, np.float64), (2, 16, 8, np.float64),
                                       (8, 7, 65, np.float32), (3, 384, 64, np.float32)]:
            a_prev, x, W_a, b_a = _rnn_case(rng, batch, n_a, n_x, dtype)
            what = f"for a batch of {batch}, n_a = {n_a}, n_x = {n_x} ({np.dtype(dtype).name})"
            out = _ndarray(_call(rnn_step, a_prev, x, W_a, b_a, context=what,
                                 hint="W_a has shape (n_a, n_a + n_x) and multiplies the stacked [a_prev, x]"),
                           f"a⟨t⟩ {what}")
            W_aa, W_ax = W_a[:, :n_a], W_a[:, n_a:]             # the recurrent and the input part of W_a
            pre = a_prev.astype(np.float64) @ W_aa.T + x.astype(np.float64) @ W_ax.T + b_a
            expected = np.tanh(pre)
            if out.shape != expected.shape:
                raise _Fail(f"a⟨t⟩ has shape {out.shape} {what}, expected {expected.shape} (batch, n_a)")
            if _close(out, expected, _single(out, a_prev)):
                continue
            swapped = np.tanh(np.concatenate([x, a_prev], axis=1).astype(np.float64) @ W_a.T + b_a)
            hints = [(pre, "no tanh: a⟨t⟩ = tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a)"),
                     (np.tanh(pre - b_a), "the bias b_a is missing"),
                     (1 / (1 + np.exp(-pre)), "that is the sigmoid; the slides' g for the state is tanh"),
                     (np.tanh(x.astype(np.float64) @ W_ax.T + b_a), "a_prev is not used: the state carries the past"),
                     (swapped, "a_prev and x are stacked in the wrong order: [a⟨t−1⟩, x⟨t⟩], the state first")]
            for value, hint in hints:
                if value is not None and _close(out, value, _single(out, a_prev)):
                    raise _Fail(f"a⟨t⟩ is wrong {what}: {hint}")
            raise _Fail(f"{_worst(out, expected, 'a⟨t⟩')} {what}: tanh(np.concatenate([a_prev, x], axis=1) @ W_a.T + b_a)")
        return "matches tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a) for batches of 1 to 8, n_a from 3 to 384, float32 and float64"

    return _run("check_rnn_step", body, rnn_step)


# --- sampling with a temperature -----------------------------------------------------------------

DRAWS = 3000


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _chi2_p(counts: np.ndarray, probs: np.ndarray) -> float:
    """p-value of Pearson's χ² test of ``counts`` against ``probs`` (rare classes pooled)."""
    from scipy.stats import chi2

    expected = probs * counts.sum()
    order = np.argsort(expected)
    pooled_counts, pooled_expected, running_c, running_e = [], [], 0.0, 0.0
    for i in order:                                  # pool the rarest classes until each expects ≥ 5 draws
        running_c, running_e = running_c + counts[i], running_e + expected[i]
        if running_e >= 5:
            pooled_counts.append(running_c)
            pooled_expected.append(running_e)
            running_c = running_e = 0.0
    if running_e > 0 and pooled_expected:
        pooled_counts[-1] += running_c
        pooled_expected[-1] += running_e
    if len(pooled_expected) < 2:
        return 1.0 if counts.sum() == counts[np.argmax(probs)] else 0.0
    statistic = sum((c - e) ** 2 / e for c, e in zip(pooled_counts, pooled_expected))
    return float(chi2.sf(statistic, len(pooled_expected) - 1))


def _draws(sample: Callable, logits: np.ndarray, temperature: float, seed: int, what: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty(DRAWS, dtype=np.int64)
    for k in range(DRAWS):
        with np.errstate(over="raise", invalid="raise"):
            try:
                value = _call(sample, logits, temperature, rng, context=what)
            except FloatingPointError as error:
                raise _Fail(f"NumPy: {error} {what}: subtract the largest scaled logit before np.exp") from None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise _Fail(f"returned {value!r} ({type(value).__name__}) {what}: return one index, an int "
                        "(e.g. int(rng.choice(len(probs), p=probs)))")
        if not 0 <= value < len(logits):
            raise _Fail(f"returned index {value} {what}, outside 0 … {len(logits) - 1}")
        out[k] = value
    return out


def check_sample_with_temperature(sample_with_temperature: Callable[..., int]) -> CheckResult:
    """Check a temperature sampler statistically (χ² test of 3,000 draws per case), reproducible with its rng and
    stable for large logits. Introduced in 06."""

    def body(sample: Callable) -> str:
        rng = np.random.default_rng(61)
        cases = [(np.array([2.0, 1.0, 0.5, -1.0]), 1.0), (rng.normal(0, 2, 65), 0.5),
                 (rng.normal(0, 2, 65), 1.6), (np.array([3.0, 2.5, 0.0, 1.0, -2.0]), 0.8)]
        for number, (logits, temperature) in enumerate(cases):
            what = f"for {len(logits)} logits at temperature {temperature}"
            draws = _draws(sample, logits, temperature, 100 + number, what)
            again = _draws(sample, logits, temperature, 100 + number, what)
            if not np.array_equal(draws, again):
                raise _Fail(f"two runs with equally seeded rngs gave different draws {what}: draw with the `rng` "
                            "you are given (rng.choice or rng.random), not np.random's global generator")
            counts = np.bincount(draws, minlength=len(logits)).astype(float)
            target = _softmax(logits / temperature)
            if _chi2_p(counts, target) >= 1e-4:
                continue
            frequencies = counts / DRAWS
            mistakes = [(_softmax(logits * temperature), "the logits are multiplied by the temperature: divide them"),
                        (_softmax(logits), "the temperature is not used: softmax(logits / temperature)"),
                        (np.eye(len(logits))[np.argmax(logits)], "always the most likely index: draw at random "
                                                                  "from the probabilities instead"),
                        (np.full(len(logits), 1 / len(logits)), "every index equally often: draw with p=probs")]
            for wrong, hint in mistakes:
                if _chi2_p(counts, wrong) >= 1e-4:
                    raise _Fail(f"the draws {what} do not follow softmax(logits / T): {hint}")
            worst = int(np.argmax(np.abs(frequencies - target)))
            raise _Fail(f"the draws {what} do not follow softmax(logits / T): index {worst} came "
                        f"{frequencies[worst]:.1%} of the time, expected {target[worst]:.1%}")
        huge = np.array([1000.0, 999.0, 990.0, -50.0])
        draws = _draws(sample, huge, 0.1, 7, "for logits near 1,000 at temperature 0.1")
        if np.any(draws != 0):
            raise _Fail("with logits [1000, 999, 990, −50] at temperature 0.1 almost all draws must be index 0")
        return (f"3,000 draws per case follow softmax(logits / T) (χ² test) for T from 0.1 to 1.6; the same seed gives "
                "the same draws; logits near 1,000 do not overflow")

    return _run("check_sample_with_temperature", body, sample_with_temperature)


# --- which temperature made which sample? --------------------------------------------------------

MYSTERY_TEMPERATURES = {"A": 1.6, "B": 0.2, "C": 0.8}   # the answer key of the diagnosis exercise
TEMPERATURE_CHOICES = ("0.2", "0.8", "1.6")
MYSTERY_SEED = 2026


def mystery_samples(generate: Callable[[float, int], str]) -> dict[str, str]:
    """The three samples of the diagnosis exercise: ``generate(temperature, seed)`` at the hidden temperatures."""
    return {label: generate(temperature, MYSTERY_SEED) for label, temperature in MYSTERY_TEMPERATURES.items()}


_LOOK_FOR = {
    "0.2": "a cold sampler repeats the likeliest characters: common words, the same phrases again and again",
    "0.8": "close to the model's own distribution: mostly real words, the shape of a play, some invented words",
    "1.6": "a hot sampler flattens the distribution: rare letters and punctuation, words that do not exist",
}


def name_the_temperatures() -> dict[str, float]:
    """The worked answer of the diagnosis exercise: the temperature of each mystery sample. Introduced in 06."""
    return dict(MYSTERY_TEMPERATURES)


REFERENCES = REFERENCES + (name_the_temperatures,)


def check_name_the_temperatures(name_the_temperatures: Callable[[], dict]) -> CheckResult:
    """Check the diagnosis exercise: which temperature (0.2, 0.8, 1.6) produced which sample. Introduced in 06."""

    def body(answer: Callable[[], dict]) -> str:
        raw = _call(answer)
        if isinstance(raw, dict):   # accept numbers as well as strings: 0.8 and "0.8"
            raw = {label: f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else value
                   for label, value in raw.items()}
        given = _labelled_answer(raw, sorted(MYSTERY_TEMPERATURES), TEMPERATURE_CHOICES, "temperature")
        truth = {label: f"{t:g}" for label, t in MYSTERY_TEMPERATURES.items()}
        _grade_labels(given, truth, lambda label: _LOOK_FOR[truth[label]])
        return "all three right: the colder the sampler, the more it repeats the likeliest characters"

    return _run("check_name_the_temperatures", body, name_the_temperatures)
