"""Shared text plumbing: the same texts, split and measured the same way in every notebook. Introduced in 05.

One cleaning routine, one fixed split of the UCI sentences and one bag-of-words baseline for the notebooks
that classify reviews (05, 07, 10, 11), and one split of Tiny Shakespeare for the language models (06, 11).
"""
from __future__ import annotations

import html
import re
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


def shakespeare_split() -> tuple[str, str]:
    """The course's one split of Tiny Shakespeare: (training text, held-out text).

    The held-out text is the last tenth of the characters, starting at the beginning of a line, so that
    validation losses of notebooks 06 and 11 are measured on the same text.
    """
    text = load_shakespeare()
    cut = text.rfind("\n", 0, len(text) - int(HELD_OUT_FRACTION * len(text))) + 1
    return text[:cut], text[cut:]
