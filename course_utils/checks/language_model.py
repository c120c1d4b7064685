"""Checkers and reference versions for 06 · Recurrent networks and language models. Introduced in 06."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import (CheckResult, _call, _check_labels, _close, _Fail, _ndarray, _number, _parameter_name, _run,
                   _single, _strict, _worst)


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


def _rnn_large_case(rng: np.random.Generator, batch: int, n_a: int, n_x: int, dtype: Any, largest: float) -> tuple:
    """A case whose pre-activations W_a [a, x] + b_a reach ±``largest``: both W_a and b_a scaled up."""
    a_prev, x, W_a, b_a = _rnn_case(rng, batch, n_a, n_x, np.float64)
    pre = np.concatenate([a_prev, x], axis=1) @ W_a.T + b_a
    scale = largest / np.max(np.abs(pre))
    return a_prev.astype(dtype), x.astype(dtype), (W_a * scale).astype(dtype), (b_a * scale).astype(dtype)


_TANH_HINT = "use np.tanh: exp of a large number overflows"


def check_rnn_step(rnn_step: Callable[..., np.ndarray]) -> CheckResult:
    """Check a plain RNN step against the equation computed with W_a split in two, warning-free for
    pre-activations up to ±300 (float32) and ±900 (float64), where a tanh written with exp overflows.
    Introduced in 06."""

    def body(rnn_step: Callable) -> str:
        rng = np.random.default_rng(60)
        cases = [(_rnn_case(rng, batch, n_a, n_x, dtype), dtype, "")
                 for batch, n_a, n_x, dtype in [(1, 3, 2, np.float64), (4, 5, 5, np.float64), (2, 16, 8, np.float64),
                                                (8, 7, 65, np.float32), (3, 384, 64, np.float32)]]
        cases += [(_rnn_large_case(rng, 4, 6, 3, dtype, largest), dtype, f", pre-activations up to ±{largest:g}")
                  for dtype, largest in [(np.float32, 300.0), (np.float64, 900.0)]]
        for (a_prev, x, W_a, b_a), dtype, large in cases:
            (batch, n_a), n_x = a_prev.shape, x.shape[1]
            what = f"for a batch of {batch}, n_a = {n_a}, n_x = {n_x} ({np.dtype(dtype).name}{large})"
            with _strict(_TANH_HINT, what):
                raw = _call(rnn_step, a_prev, x, W_a, b_a, context=what,
                            hint="W_a has shape (n_a, n_a + n_x) and multiplies the stacked [a_prev, x]")
            out = _ndarray(raw, f"a⟨t⟩ {what}")
            W_aa, W_ax = W_a[:, :n_a], W_a[:, n_a:]             # the recurrent and the input part of W_a
            pre = a_prev.astype(np.float64) @ W_aa.T + x.astype(np.float64) @ W_ax.T + b_a
            expected = np.tanh(pre)
            if out.shape != expected.shape:
                raise _Fail(f"a⟨t⟩ has shape {out.shape} {what}, expected {expected.shape} (batch, n_a)")
            if _close(out, expected, _single(out, a_prev)):
                continue
            if not np.all(np.isfinite(out)):
                raise _Fail(f"a⟨t⟩ contains NaN or inf {what}: {_TANH_HINT}")
            with np.errstate(all="ignore"):                     # the wrong formulas below may overflow
                swapped = np.tanh(np.concatenate([x, a_prev], axis=1).astype(np.float64) @ W_a.T + b_a)
                no_state = np.tanh(x.astype(np.float64) @ W_ax.T + b_a)
                hints = [(pre, "no tanh: a⟨t⟩ = tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a)"),
                         (np.tanh(pre - b_a), "the bias b_a is missing"),
                         (1 / (1 + np.exp(-pre)), "that is the sigmoid; the slides' g for the state is tanh"),
                         (no_state, "a_prev is not used: the state carries the past"),
                         (swapped, "a_prev and x are stacked in the wrong order: [a⟨t−1⟩, x⟨t⟩], the state first")]
            for value, hint in hints:
                if _close(out, value, _single(out, a_prev)):
                    raise _Fail(f"a⟨t⟩ is wrong {what}: {hint}")
            raise _Fail(f"{_worst(out, expected, 'a⟨t⟩')} {what}: "
                        "tanh(np.concatenate([a_prev, x], axis=1) @ W_a.T + b_a)")
        return ("matches tanh(W_a [a⟨t−1⟩, x⟨t⟩] + b_a) for batches of 1 to 8, n_a from 3 to 384, float32 and "
                "float64; no overflow for pre-activations up to ±900")

    return _run("check_rnn_step", body, rnn_step)


# --- sampling with a temperature -----------------------------------------------------------------

# The sampler's cases: (logits, temperature, draws); each is drawn with np.random.default_rng(SAMPLE_SEED + its number).
SAMPLE_SEED = 100
_HUGE = (np.array([1000.0, 999.0, 990.0, -50.0]), 0.1, 200)     # logits / T near 10,000: np.exp overflows
_REPEAT = 100                  # draws of case 0 made again with an equally seeded rng: must be the same
# The largest probability that all the statistical checks together reject a correct sampler.
FALSE_REJECT = 1e-7


def _sample_cases() -> list[tuple[np.ndarray, float, int]]:
    rng = np.random.default_rng(61)
    return [(np.array([2.0, 1.0, 0.5, -1.0]), 1.0, 600), (rng.normal(0, 2, 65), 0.5, 600),
            (rng.normal(0, 2, 65), 1.6, 600), (np.array([3.0, 2.5, 0.0, 1.0, -2.0]), 0.8, 600)]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _per_tail_level() -> float:
    """The level of each one-sided binomial test: FALSE_REJECT shared by two tails of every class of every case."""
    classes = sum(len(logits) for logits, _, _ in _sample_cases()) + len(_HUGE[0])
    return FALSE_REJECT / (2 * classes)


def _smaller_tail(counts: np.ndarray, n: int, probs: np.ndarray) -> np.ndarray:
    """min(P(C ≥ count), P(C ≤ count)) for C ~ Binomial(n, probs), exactly; broadcasts over counts and probs."""
    from scipy.special import bdtr, bdtrc    # lighter to import than scipy.stats

    counts = np.asarray(counts, dtype=np.int64)
    upper = np.where(counts > 0, bdtrc(np.maximum(counts - 1, 0), n, probs), 1.0)    # P(C ≥ count)
    lower = bdtr(counts, n, probs)                                                  # P(C ≤ count)
    return np.minimum(upper, lower)


def _implausible(counts: np.ndarray, probs: np.ndarray, level: float) -> int | None:
    """The class whose count is least plausible under Binomial(draws, its probability), if one of its two exact
    tails is below ``level``; else None."""
    tail = _smaller_tail(counts, int(counts.sum()), probs)
    worst = int(np.argmin(tail))
    return worst if tail[worst] < level else None


def _index(value: Any, n: int, what: str) -> int:
    """The index a sampler returned: an int, a NumPy integer or a 0-d integer array or tensor, in 0 … n − 1."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        index = int(value)
    else:
        array = None if isinstance(value, (bool, np.bool_, float, str)) else np.asarray(value)
        if array is None or array.shape != () or not np.issubdtype(array.dtype, np.integer):
            raise _Fail(f"returned {value!r} ({type(value).__name__}) {what}: return one index, an int "
                        "(e.g. int(rng.choice(len(probs), p=probs)))")
        index = int(array)
    if not 0 <= index < n:
        raise _Fail(f"returned index {index} {what}, outside 0 … {n - 1}")
    return index


def _draws(sample: Callable, logits: np.ndarray, temperature: float, rng: np.random.Generator, n: int, what: str,
           hint: str = "") -> np.ndarray:
    """``n`` indices from the learner's sampler. The first call goes through ``_call`` (the arguments must stay
    unchanged); the others get one shared copy of the logits, compared with the original at the end."""
    given = logits.copy()
    out = np.empty(n, dtype=np.int64)
    with np.errstate(over="raise"):
        try:
            out[0] = _index(_call(sample, logits, temperature, rng, context=what, hint=hint), len(logits), what)
            for k in range(1, n):
                out[k] = _index(sample(given, temperature, rng), len(logits), what)
        except FloatingPointError as error:
            raise _Fail(f"NumPy: {error} {what}: subtract the largest scaled logit before np.exp") from None
        except (NotImplementedError, _Fail):
            raise
        except Exception as error:  # as _call reports it
            raise _Fail(f"your code raised {type(error).__name__} {what}: {error}{': ' + hint if hint else ''}") \
                from None
    if not np.array_equal(given, logits):
        raise _Fail(f"your function changed its argument `{_parameter_name(sample, 0)}` in place: compute new "
                    "arrays (z = logits / temperature) rather than changing the caller's (logits /= temperature)")
    return out


def check_sample_with_temperature(sample_with_temperature: Callable[..., int]) -> CheckResult:
    """Check a temperature sampler statistically, reproducible with its rng and stable for large logits.
    Introduced in 06.

    2,700 draws in all: 600 for each of 4 cases (T from 0.5 to 1.6), 200 with logits near 1,000 at T = 0.1 and
    100 again with an equally seeded rng. Each class's count is tested against Binomial(draws, softmax(logits / T))
    with both exact tails at level 1e-7 / (2 × 143 classes). Bound: a correct sampler's draws are independent and
    follow softmax(logits / T) however it uses the generator (modelled as truly random), each tail rejects with
    probability at most its level, so by the union bound it is rejected with probability below 1e-7 < 1e-6; the
    same seed always gives it the same draws.
    """

    def body(sample: Callable) -> str:
        level = _per_tail_level()
        for number, (logits, temperature, n) in enumerate(_sample_cases()):
            what = f"for {len(logits)} logits at temperature {temperature}"
            draws = _draws(sample, logits, temperature, np.random.default_rng(SAMPLE_SEED + number), n, what)
            if number == 0:
                again = _draws(sample, logits, temperature, np.random.default_rng(SAMPLE_SEED), _REPEAT, what)
                if not np.array_equal(draws[:_REPEAT], again):
                    raise _Fail(f"two runs with equally seeded rngs gave different draws {what}: draw with the "
                                "`rng` you are given (rng.choice or rng.random), not np.random or a generator of "
                                "your own")
            counts = np.bincount(draws, minlength=len(logits))
            target = _softmax(logits / temperature)
            worst = _implausible(counts, target, level)
            if worst is None:
                continue
            wrong = f"the draws {what} do not follow softmax(logits / T)"
            if np.count_nonzero(counts) == 1:
                likeliest = " (the most likely)" if draws[0] == np.argmax(logits) else ""
                raise _Fail(f"{wrong}: every draw was index {draws[0]}{likeliest}; draw at random, with a new number "
                            "from `rng` in every call")
            mistakes = [(_softmax(logits * temperature), "the logits are multiplied by the temperature: divide them"),
                        (_softmax(logits), "the temperature is not used: softmax(logits / temperature)"),
                        (np.full(len(logits), 1 / len(logits)), "every index equally often: draw with p=probs")]
            for probs, hint in mistakes:
                if not np.allclose(probs, target) and _implausible(counts, probs, level) is None:
                    raise _Fail(f"{wrong}: {hint}")
            raise _Fail(f"{wrong}: index {worst} came {counts[worst]} times in {n}, expected {target[worst] * n:.1f} "
                        "on average")
        logits, temperature, n = _HUGE
        what = "for logits near 1,000 at temperature 0.1"
        draws = _draws(sample, logits, temperature, np.random.default_rng(SAMPLE_SEED - 1), n, what,
                       hint="subtract the largest scaled logit before np.exp")
        counts = np.bincount(draws, minlength=len(logits))
        worst = _implausible(counts, _softmax(logits / temperature), level)
        if worst is not None:
            raise _Fail(f"with logits [1000, 999, 990, −50] at temperature 0.1, {n - counts[0]} of {n} draws were "
                        "not index 0: almost all must be (index 1 has probability 4.5e-5 per draw)")
        return ("2,700 draws follow softmax(logits / T) for T from 0.1 to 1.6 (exact binomial tests, false alarm "
                "< 1e-6); the same seed gives the same draws; logits near 1,000 do not overflow")

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
    """Check the diagnosis exercise: which temperature (0.2, 0.8, 1.6) produced which sample; a temperature may be
    given as a number (0.8, np.float32(0.8)) or as text ("0.8"). Introduced in 06."""
    truth = {label: f"{t:g}" for label, t in MYSTERY_TEMPERATURES.items()}
    return _check_labels("check_name_the_temperatures", name_the_temperatures, truth, TEMPERATURE_CHOICES,
                         "temperature", _LOOK_FOR,
                         "all three right: the colder the sampler, the more it repeats the likeliest characters")
