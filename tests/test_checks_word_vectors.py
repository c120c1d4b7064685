"""Checkers of 07 · Word vectors: right answers pass, the stub and wrong answers fail."""
import re
from collections import Counter

import numpy as np
import pytest

import course_utils as cu
from course_utils import checks
from course_utils.checks import word_vectors
from test_checks_core import assert_fails, assert_passes, stub


# --- cosine similarity ---------------------------------------------------------------------------

def test_cosine_similarity_right_answers_pass():
    assert_passes(checks.check_cosine_similarity(word_vectors.cosine_similarity))
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
    assert_passes(checks.check_noise_distribution(word_vectors.noise_distribution))

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

def test_solve_analogy_right_answer_passes():
    assert_passes(checks.check_solve_analogy(word_vectors.solve_analogy))


def without_exclusion(a, b, c, vectors, words):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    i = {w: k for k, w in enumerate(words)}
    return words[int(np.argmax(unit @ (unit[i[b]] - unit[i[a]] + unit[i[c]])))]


def without_normalising(a, b, c, vectors, words):
    i = {w: k for k, w in enumerate(words)}
    scores = vectors @ (vectors[i[b]] - vectors[i[a]] + vectors[i[c]])
    scores[[i[a], i[b], i[c]]] = -np.inf
    return words[int(np.argmax(scores))]


@pytest.mark.parametrize("wrong, message", [
    (without_exclusion, "leave the question's three words out"),
    (without_normalising, "normalise every vector"),
    (lambda a, b, c, vectors, words: "queen", "expected"),                               # hard-coded
    (lambda a, b, c, vectors, words: words.index("queen") if "queen" in words else 0, "return the word"),
])
def test_solve_analogy_wrong_answers_fail(wrong, message):
    assert_fails(checks.check_solve_analogy(wrong), message)


def test_solve_analogy_normalising_in_place_fails():
    def in_place(a, b, c, vectors, words):
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return word_vectors.solve_analogy(a, b, c, vectors, words)
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
