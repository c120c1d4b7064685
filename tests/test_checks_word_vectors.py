"""Checkers of 07 · Word vectors: right answers pass, the stub and wrong answers fail."""
import re
from collections import Counter

import numpy as np
import pytest

import course_utils as cu
from course_utils import checks
from course_utils.checks import word_vectors
from test_checks_core import as_learners, assert_fails, assert_passes, stub


# --- cosine similarity ---------------------------------------------------------------------------

def test_cosine_similarity_right_answers_pass():
    assert_passes(checks.check_cosine_similarity(as_learners(word_vectors.cosine_similarity)))
    unit = lambda v: v / np.linalg.norm(v, axis=-1, keepdims=True)
    assert_passes(checks.check_cosine_similarity(lambda a, B: unit(B) @ unit(a)))


@pytest.mark.parametrize("wrong, message", [
    (lambda a, B: B @ a, "plain dot product"),
    (lambda a, B: (B @ a) / np.linalg.norm(B, axis=1), "a's length is missing"),
    (lambda a, B: (B @ a) / np.linalg.norm(a), "rows are missing"),
    (lambda a, B: (B @ a) / (np.linalg.norm(B) * np.linalg.norm(a)), "axis=1"),
    (lambda a, B: np.ones(len(B)), "similarity"),                                     # hard-coded
])
def test_cosine_similarity_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_cosine_similarity(wrong), message)


def test_cosine_similarity_normalising_in_place_fails():
    def in_place(a, B):
        B /= np.linalg.norm(B, axis=1, keepdims=True)
        return B @ (a / np.linalg.norm(a))
    assert_fails(checks.check_cosine_similarity(in_place), "in place")
    assert_fails(checks.check_cosine_similarity(stub), "not attempted")


# --- noise distribution --------------------------------------------------------------------------

def test_noise_distribution_right_answers_pass():
    assert_passes(checks.check_noise_distribution(as_learners(word_vectors.noise_distribution)))

    def from_frequencies(counts, power=0.75):
        f = counts / counts.sum()
        return f ** power / np.sum(f ** power)
    assert_passes(checks.check_noise_distribution(from_frequencies))


@pytest.mark.parametrize("wrong, message", [
    (lambda counts, power=0.75: counts / counts.sum(), "power is missing"),
    (lambda counts, power=0.75: (counts / counts.sum()) ** power, "normalise again"),
    (lambda counts, power=0.75: counts.astype(float) ** power, "divide by the sum"),
    (lambda counts, power=0.75: counts ** (1 / power) / np.sum(counts ** (1 / power)), "inverted"),
    (lambda counts, power=0.75: np.full(len(counts), 1 / len(counts)), "P["),
    (lambda counts, power=0.75: np.array([9 ** 0.75, 1]) / (9 ** 0.75 + 1), "shape"),  # hard-coded: right once
])
def test_noise_distribution_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_noise_distribution(wrong), message)


def test_noise_distribution_with_a_fixed_power_fails():
    assert_fails(checks.check_noise_distribution(lambda counts, power=0.75: counts ** 0.75 / np.sum(counts ** 0.75)),
                 "power 0.5")


def test_noise_distribution_changing_the_counts_in_place_fails():
    def in_place(counts, power=0.75):
        counts = np.asarray(counts)
        counts **= 1
        counts[...] = counts[::-1] if len(counts) > 1 else counts
        w = counts ** power
        return w / w.sum()
    assert_fails(checks.check_noise_distribution(in_place), "in place")


# --- analogies -----------------------------------------------------------------------------------

def unit_rows(vectors):
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def best_but_question(scores, a, b, c, words, excluded=-np.inf):
    scores = np.array(scores, dtype=np.float64)
    scores[[words.index(a), words.index(b), words.index(c)]] = excluded
    return words[int(np.argmax(scores))]


def by_euclid_on_unit_vectors(a, b, c, vectors, words):     # the same ranking as the cosine: right
    unit, i = unit_rows(vectors), {w: k for k, w in enumerate(words)}
    target = unit[i[b]] - unit[i[a]] + unit[i[c]]
    return best_but_question(-np.linalg.norm(unit - target, axis=1), a, b, c, words)


def by_unit_target_and_loop(a, b, c, vectors, words):       # plain Python over the candidates, float32 kept
    unit = unit_rows(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    target = target / np.linalg.norm(target)
    best, best_score = None, -np.inf
    for word, row in zip(words, unit):
        if word not in (a, b, c) and row @ target > best_score:
            best, best_score = word, row @ target
    return best


def by_sorting(a, b, c, vectors, words):
    unit = unit_rows(vectors.astype(np.float32))
    scores = unit @ (unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)])
    return next(words[k] for k in np.argsort(-scores) if words[k] not in (a, b, c))


def test_solve_analogy_right_answers_pass():
    assert_passes(checks.check_solve_analogy(as_learners(word_vectors.solve_analogy)))
    for right in (by_euclid_on_unit_vectors, by_unit_target_and_loop, by_sorting):
        assert_passes(checks.check_solve_analogy(right))


def without_exclusion(a, b, c, vectors, words):
    unit = unit_rows(vectors)
    i = {w: k for k, w in enumerate(words)}
    return words[int(np.argmax(unit @ (unit[i[b]] - unit[i[a]] + unit[i[c]])))]


def raw_offset_by_cosine(a, b, c, vectors, words):          # the offset of raw vectors, then cosines
    i = {w: k for k, w in enumerate(words)}
    target = vectors[i[b]] - vectors[i[a]] + vectors[i[c]]
    cosines = vectors @ target / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(target))
    return best_but_question(cosines, a, b, c, words)


def raw_offset_by_dot_product(a, b, c, vectors, words):     # nothing normalized
    i = {w: k for k, w in enumerate(words)}
    return best_but_question(vectors @ (vectors[i[b]] - vectors[i[a]] + vectors[i[c]]), a, b, c, words)


def unit_offset_raw_rows(a, b, c, vectors, words):          # the offset of unit vectors, but raw candidates
    unit, i = unit_rows(vectors), {w: k for k, w in enumerate(words)}
    return best_but_question(vectors @ (unit[i[b]] - unit[i[a]] + unit[i[c]]), a, b, c, words)


def euclidean_nearest(a, b, c, vectors, words):            # the nearest raw vector to the raw b − a + c
    i = {w: k for k, w in enumerate(words)}
    target = vectors[i[b]] - vectors[i[a]] + vectors[i[c]]
    return best_but_question(-np.linalg.norm(vectors - target, axis=1), a, b, c, words)


def three_cos_mul(a, b, c, vectors, words, shift=True, eps=1e-3):   # Levy & Goldberg (2014)
    unit, i = unit_rows(vectors), {w: k for k, w in enumerate(words)}
    cos_a, cos_b, cos_c = (unit @ unit[i[w]] for w in (a, b, c))
    if shift:                                                # cosines moved to [0, 1], as in the paper
        cos_a, cos_b, cos_c = (cos_a + 1) / 2, (cos_b + 1) / 2, (cos_c + 1) / 2
    return best_but_question(cos_b * cos_c / (cos_a + eps), a, b, c, words)


def excluded_with(value, normalize_target=False):          # a, b, c given a score of `value`, not −inf
    def solve(a, b, c, vectors, words):
        unit, i = unit_rows(vectors), {w: k for k, w in enumerate(words)}
        target = unit[i[b]] - unit[i[a]] + unit[i[c]]
        if normalize_target:
            target = target / np.linalg.norm(target)
        return best_but_question(unit @ target, a, b, c, words, excluded=value)
    return solve


@pytest.mark.parametrize("wrong, message", [
    (without_exclusion, "leave the question's three words out"),
    (raw_offset_by_cosine, "a long question word dominated b − a + c: normalize each vector to length 1 before"),
    (raw_offset_by_dot_product, "a long vector won: normalize every row to length 1"),
    (unit_offset_raw_rows, "a long vector won: normalize every row"),
    (euclidean_nearest, "that is the nearest by Euclidean distance"),
    (three_cos_mul, "that is 3CosMul"),
    (lambda *args: three_cos_mul(*args, shift=False), "that is 3CosMul"),
    (excluded_with(0.0), "give a, b and c the score -np.inf, not 0"),
    (excluded_with(-1.0), "give a, b and c the score -np.inf"),
    (lambda a, b, c, vectors, words: "queen", "expected"),                               # hard-coded
    (lambda a, b, c, vectors, words: words.index("queen") if "queen" in words else 0, "return the word"),
])
def test_solve_analogy_wrong_answers_fail(wrong, message):
    result = checks.check_solve_analogy(wrong)
    assert_fails(result, message)
    assert len(result.message) <= 200 and not result.message.endswith("…")


def test_solve_analogy_excluding_with_minus_one_passes_when_the_scores_are_cosines():
    # With b − a + c normalized the scores are cosines, never below −1: a score of −1 then excludes a, b and c.
    assert_passes(checks.check_solve_analogy(excluded_with(-1.0, normalize_target=True)))


def test_solve_analogy_hidden_answers_hold_in_float32_too():
    for a, b, c, vectors, words, answer, what, traps in word_vectors._analogy_cases():
        for dtype in (np.float64, np.float32):
            assert by_unit_target_and_loop(a, b, c, vectors.astype(dtype), list(words)) == answer, what


def test_solve_analogy_normalising_in_place_fails():
    def in_place(a, b, c, vectors, words):
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return by_sorting(a, b, c, vectors, words)
    assert_fails(checks.check_solve_analogy(in_place), "in place")


# --- coverage prediction -------------------------------------------------------------------------

def test_the_coverage_truth_is_the_shipped_novels():
    counts = Counter(w for text in cu.load_novels(full=True).values()
                     for w in re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower()))
    share = sum(n for _, n in counts.most_common(word_vectors.TOP_WORDS)) / sum(counts.values())
    assert share == pytest.approx(word_vectors.TOP_100_SHARE, abs=1e-4)


def test_predict_coverage_right_and_wrong_answers():
    truth = word_vectors._choice_of(word_vectors.TOP_100_SHARE)
    assert_passes(checks.check_predict_coverage(lambda: truth))
    for wrong in set(word_vectors.COVERAGE_CHOICES) - {truth}:
        assert_fails(checks.check_predict_coverage(lambda wrong=wrong: wrong), "not ")
    assert_fails(checks.check_predict_coverage(lambda: 0.54), "return one of")
    assert_fails(checks.check_predict_coverage(stub), "not attempted")
