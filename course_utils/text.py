"""Shared text plumbing: the same texts, split and measured the same way in every notebook. Introduced in 05.

One cleaning routine, one fixed split of the UCI sentences and one bag-of-words baseline for the notebooks
that classify reviews (05, 07, 10, 11), one split of Tiny Shakespeare for the language models (06, 11), and the
novels' sentences and the two halves of the analogy questions for the word vectors of 07 (and tools/tune_word2vec.py).
"""
from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .data import load_shakespeare, load_uci_sentences

SPLIT_SEED = 0            # the fixed permutation behind sentence_split(); never change it, numbers depend on it
TEST_FRACTION = 0.2
HELD_OUT_FRACTION = 0.1   # the last tenth of Tiny Shakespeare, never trained on
_BREAK = re.compile(r"<br\s*/?>", flags=re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_review(text: str) -> str:
    """A review as plain text: the HTML line breaks ``<br />`` of IMDB become spaces, entities are decoded
    (``&amp;`` → ``&``) and runs of white space become one space. Case and punctuation are kept."""
    if not isinstance(text, str):
        raise TypeError(f"clean_review() takes a str, got {type(text).__name__}.")
    return _SPACE.sub(" ", html.unescape(_BREAK.sub(" ", text))).strip()


def sentence_split() -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """The course's one split of the 3,000 UCI sentiment sentences: 2,400 for training, 600 for testing.

    Returns
    -------
    (texts_train, y_train), (texts_test, y_test)
        cleaned sentences and int64 labels (1 = positive), in the order of one fixed permutation (seed 0).
    """
    texts, labels, _ = load_uci_sentences()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(texts))
    cut = len(texts) - int(round(TEST_FRACTION * len(texts)))
    cleaned = [clean_review(t) for t in texts]
    train, test = order[:cut], order[cut:]
    return ([cleaned[i] for i in train], labels[train]), ([cleaned[i] for i in test], labels[test])


def bag_of_words_baseline(texts: list[str], labels: np.ndarray) -> Any:
    """The course's bag-of-words baseline, fitted: TF-IDF of words and word pairs seen at least twice, then
    logistic regression. Returns the fitted scikit-learn pipeline (``.score(texts, labels)``, ``.predict``).

    Raises
    ------
    ValueError
        ``texts`` and ``labels`` differ in length, or the labels are not all 0 or 1.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    labels = np.asarray(labels)
    if len(texts) != len(labels):
        raise ValueError(f"bag_of_words_baseline() got {len(texts)} texts but {len(labels)} labels.")
    if not set(np.unique(labels)) <= {0, 1}:
        raise ValueError("bag_of_words_baseline() needs labels 0 (negative) and 1 (positive).")
    pipeline = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                             LogisticRegression(max_iter=1_000))
    return pipeline.fit(texts, labels)


def imdb_split(reviews: int = 25_000) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """The course's one draw of IMDB reviews (07, 11): ``reviews`` training and as many test reviews, cleaned.

    The training reviews are the first ``reviews`` of one fixed permutation of the 25,000 training reviews (seed 0),
    the test reviews the first ``reviews`` of the next permutation of the 25,000 test reviews, so a smaller draw is
    the start of a larger one. Returns ``(texts_train, y_train), (texts_test, y_test)``: cleaned texts
    (:func:`clean_review`) and int64 labels (1 = positive). Introduced in 07.

    Raises
    ------
    ValueError
        When ``reviews`` is not between 1 and 25,000.
    """
    from .data import load_imdb

    (train, y_train), (test, y_test) = load_imdb()
    if not isinstance(reviews, (int, np.integer)) or not 1 <= reviews <= len(train):
        raise ValueError(f"imdb_split(reviews={reviews!r}): choose a whole number from 1 to {len(train):,}.")
    pick = np.random.default_rng(SPLIT_SEED)
    train_rows = pick.permutation(len(train))[:reviews]
    test_rows = pick.permutation(len(test))[:reviews]
    return (([clean_review(train[i]) for i in train_rows], y_train[train_rows]),
            ([clean_review(test[i]) for i in test_rows], y_test[test_rows]))


_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')   # Keras' "strip_punctuation"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def word_vocabulary(texts: list[str], max_tokens: int) -> list[str]:
    """The vocabulary ``keras.layers.TextVectorization(max_tokens).adapt(texts)`` learns, counted in Python.

    The same words in the same order (ASCII lower case, Keras' punctuation stripped, split at white space; most
    frequent first, ties broken by the word, the later one first), without the padding ``""`` and ``"[UNK]"``
    that the layer adds itself: pass it as ``TextVectorization(max_tokens, vocabulary=...)``. ``adapt`` on the
    25,000 IMDB training reviews needs about 0.5 GB more memory than this; notebook 11 needs that room.
    Introduced in 11.

    Raises
    ------
    ValueError
        When ``max_tokens`` leaves no room for a word beside the padding and ``[UNK]`` (it must be at least 3).
    """
    from collections import Counter

    if not isinstance(max_tokens, (int, np.integer)) or max_tokens < 3:
        raise ValueError(f"word_vocabulary(max_tokens={max_tokens!r}): TextVectorization keeps 2 of the "
                         "max_tokens for the padding and [UNK]; choose a whole number of at least 3.")
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_PUNCTUATION.sub("", text.translate(_ASCII_LOWER)).split())
    ranked = sorted(counts.items(), key=lambda item: (item[1], item[0].encode()), reverse=True)
    return [word for word, _ in ranked[:max_tokens - 2]]


def interpolated_ngram_nats(train_text: str, eval_text: str, lambdas: tuple[float, ...]) -> float:
    """Held-out nats per character of 06's interpolated character n-gram model, for comparison in 11.

    Orders 1 … ``len(lambdas)`` are counted on ``train_text``; P(c | history) = Σ λ_n P_n(c | last n − 1 characters)
    over the orders whose context was seen, the weights renormalized to sum to 1, the unigram Laplace-smoothed (so no
    probability is 0). The mean −log P is taken over ``eval_text`` from position ``len(lambdas)`` on. Introduced in 11.
    """
    from collections import Counter

    order = len(lambdas)
    counts = {n: Counter(train_text[i:i + n] for i in range(len(train_text) - n + 1)) for n in range(1, order + 1)}
    counts[0] = Counter({"": len(train_text)})
    vocabulary = len(counts[1])
    total = 0.0
    for t in range(order, len(eval_text)):
        history, ch = eval_text[t - order + 1:t], eval_text[t]
        mass = weight = 0.0
        for n, lam in enumerate(lambdas, start=1):
            context = history[len(history) - (n - 1):] if n > 1 else ""
            if lam <= 0 or (n > 1 and counts[n - 1][context] == 0):
                continue
            if n == 1:
                p = (counts[1][ch] + 1) / (counts[0][""] + vocabulary)
            else:
                p = counts[n][context + ch] / counts[n - 1][context]
            mass, weight = mass + lam * p, weight + lam
        total -= np.log(mass / weight)
    return float(total / (len(eval_text) - order))


def shakespeare_split() -> tuple[str, str]:
    """The course's one split of Tiny Shakespeare: (training text, held-out text).

    The held-out text is the last tenth of the characters, starting at the beginning of a line, so that
    validation losses of notebooks 06 and 11 are measured on the same text.
    """
    text = load_shakespeare()
    cut = text.rfind("\n", 0, len(text) - int(HELD_OUT_FRACTION * len(text))) + 1
    return text[:cut], text[cut:]


WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")   # a word of lower-case text: letters, an apostrophe inside ("don't")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
ANALOGY_PARTS = ("tuning", "report")


def novel_sentences(text: str) -> Iterator[list[str]]:
    """The sentences of a novel as lists of words: lower case, runs of letters with an apostrophe inside a word kept
    ("don't"), split at . ! ? and at blank lines; sentences of one word are left out. Introduced in 07."""
    for sentence in _SENTENCE_END.split(text):
        words = [sys.intern(w) for w in WORD.findall(sentence.lower())]   # one copy of each word in memory
        if len(words) > 1:
            yield words


def analogy_questions(part: str | None = None) -> list[tuple[str, str, str, str, str]]:
    """The analogy questions of the word2vec paper (gensim's ``questions-words.txt``) as (section, a, b, c, d) in
    lower case: "a is to b as c is to d". Introduced in 07.

    ``part="tuning"`` keeps the first, third, fifth ... question of each section and ``part="report"`` the others,
    so that settings chosen on one half are reported on the other; ``None`` keeps all 19,544.
    """
    if part not in (None, *ANALOGY_PARTS):
        raise ValueError(f"analogy_questions(part={part!r}): use None, 'tuning' or 'report'.")
    from gensim.test.utils import datapath

    questions, section, position = [], None, 0
    for line in Path(datapath("questions-words.txt")).read_text().splitlines():
        if line.startswith(":"):
            section, position = line[1:].strip(), 0
        elif line.strip():
            if part is None or ANALOGY_PARTS[position % 2] == part:
                questions.append((section, *line.lower().split()))
            position += 1
    return questions


def analogy_file(part: str, folder: str | Path) -> str:
    """Write one half of the analogy questions in gensim's format (``: section`` lines) to ``folder`` and return the
    file's path, for ``KeyedVectors.evaluate_word_analogies``. Introduced in 07."""
    lines, section = [], None
    for question in analogy_questions(part):
        if question[0] != section:
            section = question[0]
            lines.append(f": {section}")
        lines.append(" ".join(question[1:]))
    path = Path(folder) / f"questions-words-{part}.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def word2vec_tuning() -> dict:
    """What tools/tune_word2vec.py recorded for notebook 07: each candidate's settings, its accuracy on the tuning
    half of the analogy questions, and the chosen one. Introduced in 07."""
    return _recorded("word2vec_tuning", "tune_word2vec", "about 10 minutes")


def label_curve() -> dict:
    """What tools/label_curve.py recorded for notebook 07: test accuracy of averaged word vectors and of TF-IDF
    against the number of labelled reviews, per draw, with 3,000 and with 10,000 reviews of text. Introduced in 07."""
    return _recorded("label_curve", "label_curve", "about 6 minutes")


def _recorded(name: str, tool: str, duration: str) -> dict:
    """tools/<name>.json, written by tools/<tool>.py."""
    path = Path(__file__).resolve().parent.parent / "tools" / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python tools/{tool}.py` ({duration}) to make it.")
    return json.loads(path.read_text())
