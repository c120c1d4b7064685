"""Checkers and reference versions for 07 · Word vectors. Introduced in 07."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _call, _close, _Fail, _ndarray, _run, _single, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def cosine_similarity(a: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosine similarity of the vector ``a`` (d,) with every row of ``B`` (n, d): an array (n,). Introduced in 07."""
    return (B @ a) / (np.linalg.norm(B, axis=1) * np.linalg.norm(a))


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """Negative-sampling probabilities from word counts: count^power, normalised to sum to 1. Introduced in 07."""
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def solve_analogy(a: str, b: str, c: str, vectors: np.ndarray, words: list[str]) -> str:
    """"a is to b as c is to ?": the word whose vector is closest (cosine) to b − a + c, among all words but a, b
    and c; ``vectors`` (n, d) has one row per word of ``words``. Introduced in 07."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    index = {word: i for i, word in enumerate(words)}
    target = unit[index[b]] - unit[index[a]] + unit[index[c]]
    scores = unit @ target
    scores[[index[a], index[b], index[c]]] = -np.inf            # the question's own words are not answers
    return words[int(np.argmax(scores))]


REFERENCES = (cosine_similarity, noise_distribution, solve_analogy)


# --- cosine similarity ---------------------------------------------------------------------------

def check_cosine_similarity(cosine_similarity: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> CheckResult:
    """Check cosine similarities of one vector with the rows of a matrix. Introduced in 07."""

    def body(cosine_similarity: Callable) -> str:
        rng = np.random.default_rng(70)
        for n, d, dtype, scale in [(1, 2, np.float64, 1.0), (5, 3, np.float64, 1.0), (40, 100, np.float32, 1.0),
                                   (7, 300, np.float64, 50.0), (3, 4, np.float64, 1e-3)]:
            a = (rng.normal(size=d) * scale).astype(dtype)
            B = (rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=(n, 1)) * scale).astype(dtype)
            what = f"for a of shape ({d},) and B of shape ({n}, {d})"
            out = _ndarray(_call(cosine_similarity, a, B, context=what), f"the similarities {what}")
            a64, B64 = a.astype(np.float64), B.astype(np.float64)
            expected = np.array([np.dot(a64, row) / np.sqrt(np.dot(a64, a64) * np.dot(row, row)) for row in B64])
            if out.shape != (n,):
                raise _Fail(f"the similarities have shape {out.shape} {what}, expected ({n},): one per row of B")
            if _close(out, expected, _single(out, a)):
                continue
            dot = B64 @ a64
            hints = [(dot, "that is the plain dot product: divide by both vectors' lengths"),
                     (dot / np.linalg.norm(B64, axis=1), "a's length is missing in the denominator"),
                     (dot / np.linalg.norm(a64), "the lengths of B's rows are missing in the denominator"),
                     (dot / (np.linalg.norm(B64) * np.linalg.norm(a64)),
                      "np.linalg.norm(B) is the length of the whole matrix: use axis=1, one length per row")]
            for value, hint in hints:
                if _close(out, value, _single(out, a)):
                    raise _Fail(f"wrong similarities {what}: {hint}")
            raise _Fail(f"{_worst(out, expected, 'similarity')} {what}: (B @ a) / (‖B's rows‖ · ‖a‖)")
        return "matches (B @ a) / (‖rows of B‖ · ‖a‖) for 1 to 40 rows of 2 to 300 dimensions, float32 included"

    return _run("check_cosine_similarity", body, cosine_similarity)


# --- the noise distribution of negative sampling -------------------------------------------------

def check_noise_distribution(noise_distribution: Callable[..., np.ndarray]) -> CheckResult:
    """Check negative-sampling probabilities count^power / Σ count^power. Introduced in 07."""

    def body(noise_distribution: Callable) -> str:
        rng = np.random.default_rng(71)
        cases = [(np.array([9, 1]), None), (np.array([100, 10, 1, 1]), 0.75), (rng.integers(1, 10**6, 50), 0.75),
                 (rng.integers(5, 1000, 30).astype(np.float32), 0.5), (np.array([3, 2, 1]), 1.0),
                 (np.array([2**40, 2**30, 7]), 0.75)]
        for counts, power in cases:
            p = 0.75 if power is None else power
            what = (f"for counts {counts.tolist()}" if len(counts) <= 4 else f"for {len(counts)} counts") + \
                   f", power {p}"
            raw = _call(noise_distribution, counts, context=what) if power is None else \
                _call(noise_distribution, counts, power, context=what)
            out = _ndarray(raw, f"the probabilities {what}")
            weights = counts.astype(np.float64) ** p
            expected = weights / weights.sum()
            if out.shape != counts.shape:
                raise _Fail(f"the probabilities have shape {out.shape} {what}, expected {counts.shape}")
            if _close(out, expected, _single(out)):
                continue
            plain = counts / counts.sum()
            hints = [(plain, "the power is missing: raise the counts to `power` first"),
                     (plain ** p, "after the power, normalise again: the probabilities must sum to 1"),
                     (weights, "normalise: divide by the sum of count^power"),
                     (plain ** (1 / p) / (plain ** (1 / p)).sum(), "the power is inverted: count ** power")]
            for value, hint in hints:
                if _close(out, value, _single(out)):
                    raise _Fail(f"wrong probabilities {what}: {hint}")
            raise _Fail(f"{_worst(out, expected, 'P')} {what}: count^power / Σ count^power")
        return ("matches count^power / Σ count^power for powers 0.5, 0.75 (the default) and 1, counts up to 2^40; "
                "the probabilities sum to 1")

    return _run("check_noise_distribution", body, noise_distribution)


# --- analogies -----------------------------------------------------------------------------------

_LONG_WINS = "a long vector won: normalize every row to length 1, then take cosines, not raw dot products"
_LEAVE_OUT = "leave the question's three words out of the candidates"


def _in_basis(rng: np.random.Generator, d: int, rows: list[list[float]], noise: float = 0.01) -> np.ndarray:
    """Vectors with the given coordinates in a random orthonormal basis of R^d, plus a little noise (no ties)."""
    coords = np.array([row + [0.0] * (d - len(row)) for row in rows])
    basis, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return coords @ basis.T + rng.normal(scale=noise, size=coords.shape)


def _analogy_cases() -> list[tuple[str, str, str, np.ndarray, list[str], str, str, dict[str, str]]]:
    """Hidden analogy questions on made-up vectors: (a, b, c, vectors, words, answer, what the case tests, traps).

    ``traps`` maps a wrong answer that a typical mistake gives on this case to what that mistake is; the key
    "question word" stands for any of a, b and c. Each typical mistake first fails on the case whose trap names it:
    leaving a, b, c in (case 2), 3CosMul (2), rows not normalized (3), Euclidean distance (5), the offset of raw
    vectors (6), a, b, c excluded with a score of 0 instead of −inf (7).
    """
    rng = np.random.default_rng(72)
    cases = []
    # 1. A clean parallelogram: queen = king − man + woman, with distractors.
    d = 20
    base = {w: rng.normal(size=d) for w in ["man", "king", "apple", "river", "blue", "walk"]}
    gender = rng.normal(size=d) * 0.8
    base["woman"] = base["man"] + gender
    base["queen"] = base["king"] + gender + rng.normal(scale=0.05, size=d)
    words = list(base)
    cases.append(("man", "king", "woman", np.array([base[w] for w in words]), words, "queen", "a clean parallelogram",
                  {"question word": _LEAVE_OUT}))
    # 2. 3CosAdd and 3CosMul disagree: "chilly" is almost b (cosines 0.99 with b, 0 with c, 0.05 with a: score
    #    0.94), "darker" is half-way (0.5 with b, 0.45 with c: 0.90); the product of shifted cosines prefers "darker"
    #    (1.08 against 0.99). b and c score 1 here: without leaving them out, one of them is the answer. float32.
    rows = [[1.0], [0, 1.0], [0, 0, 1.0], [0.05, 0.99, 0, 0.131], [0.05, 0.5, 0.45, 0, 0.7382],
            [0, 0.3, -0.3, 0, 0, 0.906], [-0.2, 0.1, 0.2, 0, 0, 0, 0.95]]
    words = ["cold", "colder", "dark", "chilly", "darker", "stone", "bird"]
    cases.append(("cold", "colder", "dark", _in_basis(rng, 30, rows).astype(np.float32), words, "chilly",
                  "3CosAdd and 3CosMul disagree", {"question word": _LEAVE_OUT,
                  "darker": "that is 3CosMul (a product of cosines): take the largest cosine with b − a + c "
                            "(3CosAdd)"}))
    # 3. Candidates of wildly different lengths: without normalizing rows, the long "huge" wins a dot product.
    d = 40
    words = ["small", "smaller", "big", "bigger", "huge", "tiny"]
    v = {w: rng.normal(size=d) for w in words}
    v["smaller"] = v["small"] + np.ones(d) * 0.7
    v["bigger"] = v["big"] + np.ones(d) * 0.7 + rng.normal(scale=0.05, size=d)
    v["huge"] = (v["big"] + np.ones(d) * 0.7) * 25.0 + rng.normal(scale=8.0, size=d)      # long, roughly that way
    vectors = np.array([v[w] for w in words])
    cases.append(("small", "smaller", "big", vectors, words, "bigger", "vectors of very different lengths",
                  {"question word": _LEAVE_OUT, "huge": _LONG_WINS}))
    # 4. The nearest vector to b − a + c is b itself: it must be excluded.
    d = 40
    words = ["paris", "france", "rome", "italy", "spain", "madrid"]
    vectors = rng.normal(size=(len(words), d))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    target = unit[1] - unit[0] + unit[2]
    target /= np.linalg.norm(target)
    noise = rng.normal(size=d)
    noise -= (noise @ target) * target                          # orthogonal to the target
    vectors[3] = target + 1.7 * noise / np.linalg.norm(noise)   # cos ≈ 0.5 with the target: below france's ≈ 0.58
    cases.append(("paris", "france", "rome", vectors, words, "italy", "b − a + c is closest to a question word",
                  {"question word": _LEAVE_OUT}))
    # 5. The answer points exactly along b − a + c but is 10 times longer; "port" is short and 60° off, so it is
    #    the nearest point to b − a + c by Euclidean distance (1.5 against 8.3).
    t = np.array([-1.0, 1.0, 1.0]) / np.sqrt(3)
    rows = [[1.0], [0, 1.0], [0, 0, 1.0], list(10 * t), list(0.5 * t) + [0.866], [0, 0, 0, 0, 1.0],
            [0.3, -0.3, 0, 0, 0, 0.906]]
    words = ["sea", "ship", "land", "car", "port", "sky", "rock"]
    cases.append(("sea", "ship", "land", _in_basis(rng, 25, rows), words, "car", "a long answer, a short distractor",
                  {"question word": _LEAVE_OUT, "port": "that is the nearest by Euclidean distance: take the "
                   "largest cosine, where lengths do not count"}))
    # 6. The question word a is 60 times longer than b and c: the raw b − a + c points almost exactly at −a, which
    #    "anti" is; after normalizing, the answer is "flew" (scores 1.73 against 1).
    rows = [[60.0], [0, 1.0], [0, 0, 1.0], list(t), [-1.0], [0, 0, 0, 1.0], [0.2, 0.4, 0, 0, 0.894]]
    words = ["walk", "walked", "fly", "flew", "anti", "other", "mixed"]
    cases.append(("walk", "walked", "fly", _in_basis(rng, 25, rows), words, "flew", "a 60 times longer a",
                  {"question word": _LEAVE_OUT, "anti": "a long question word dominated b − a + c: normalize each "
                   "vector to length 1 before the offset"}))
    # 7. Every candidate scores below 0 (cosines −0.65 to −0.95 with b − a + c, scores below −1): a, b and c must
    #    be left out with −inf, not with a score of 0 (or −1), which would beat every candidate.
    t = np.array([-1.0, 1.0, 1.0, 0, 0, 0, 0, 0]) / np.sqrt(3)
    def away(cos: float, k: int) -> list[float]:
        side = np.zeros(8)
        side[3 + k] = 1.0
        return list(cos * t + np.sqrt(1 - cos ** 2) * side)
    rows = [[1.0], [0, 1.0], [0, 0, 1.0], away(-0.65, 0), away(-0.8, 1), away(-0.9, 2), away(-0.75, 3),
            away(-0.95, 4)]
    words = ["up", "down", "in", "out", "over", "under", "on", "off"]
    cases.append(("up", "down", "in", _in_basis(rng, 20, rows), words, "out", "every other word scores below 0",
                  {"question word": "every other word scores below 0 here: give a, b and c the score -np.inf, "
                   "not 0, so that none of them can win"}))
    # 8. A larger random vocabulary with a planted answer, float32.
    n, d = 500, 50
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    words = [f"w{i}" for i in range(n)]
    vectors[3] = (vectors[1] - vectors[0] + vectors[2]) * 0.5 + rng.normal(scale=0.02, size=d)
    cases.append(("w0", "w1", "w2", vectors, words, "w3", "500 float32 vectors", {"question word": _LEAVE_OUT}))
    return cases


def check_solve_analogy(solve_analogy: Callable[..., str]) -> CheckResult:
    """Check an analogy solver (3CosAdd: unit vectors, the largest cosine with b − a + c, the question's words
    excluded) on 8 hidden questions built so that each typical mistake answers differently. Introduced in 07.

    Caught, each with its own hint: a, b, c left in; a, b, c given the score 0 instead of −inf (a case where every
    other score is negative); the offset b − a + c of raw vectors (a 60 times longer a); rows not normalized (a
    long candidate wins a dot product); the Euclidean nearest neighbour; 3CosMul.
    """

    def body(solve_analogy: Callable) -> str:
        for a, b, c, vectors, words, answer, what, traps in _analogy_cases():
            question = f"{a}:{b} :: {c}:?"
            got = _call(solve_analogy, a, b, c, vectors, list(words), context=f"for {question} ({what})")
            if not isinstance(got, str):
                raise _Fail(f"returned a {type(got).__name__} for {question}: return the word, a str")
            if got == answer:
                continue
            hint = traps.get("question word" if got in (a, b, c) else got,
                             "normalize every vector to length 1, then take the largest cosine with b − a + c")
            raise _Fail(f"answered {got!r} for {question} ({what}), expected {answer!r}: {hint}")
        return ("solves 8 hidden analogies: float32, vectors of very different lengths, every other score negative; "
                "not fooled like raw offsets, Euclidean distance or 3CosMul")

    return _run("check_solve_analogy", body, solve_analogy)


# --- a prediction: how much of the text are the most frequent words? -----------------------------

COVERAGE_CHOICES = ("under 10 %", "10-30 %", "30-50 %", "50-70 %", "over 70 %")
TOP_WORDS = 100
# The share of the 47 novels' tokens (cu.load_novels(full=True), lower-cased words) that are the 100 most frequent
# words; tests/test_checks_word_vectors.py recomputes it from the shipped data.
TOP_100_SHARE = 0.5414


def _choice_of(share: float) -> str:
    edges = [0.10, 0.30, 0.50, 0.70]
    return COVERAGE_CHOICES[int(np.searchsorted(edges, share, side="right"))]


def predict_coverage() -> str:
    """The worked answer of the prediction exercise: the range the top words' share falls in. Introduced in 07."""
    return _choice_of(TOP_100_SHARE)


REFERENCES = REFERENCES + (predict_coverage,)


def check_predict_coverage(predict_coverage: Callable[[], str]) -> CheckResult:
    """Check the prediction of how much of the novels the 100 most frequent words make up. Introduced in 07."""

    def body(predict_coverage: Callable) -> str:
        got = _call(predict_coverage)
        if not isinstance(got, str) or got.strip() not in COVERAGE_CHOICES:
            raise _Fail(f"returned {got!r}: return one of {', '.join(repr(c) for c in COVERAGE_CHOICES)}")
        truth = _choice_of(TOP_100_SHARE)
        if got.strip() != truth:
            direction = "more" if COVERAGE_CHOICES.index(truth) > COVERAGE_CHOICES.index(got.strip()) else "less"
            raise _Fail(f"not {got.strip()!r}: the {TOP_WORDS} most frequent words make up {direction} of the text; "
                        "think of how many of a sentence's words are the, of, and, to, a, in, he, it, was …")
        return (f"right: the {TOP_WORDS} most frequent words are {TOP_100_SHARE:.0%} of all the words in the novels; "
                "Zipf's law puts most of a text in a short list of words")

    return _run("check_predict_coverage", body, predict_coverage)
