"""Word vectors against TF-IDF when labels are scarce, for notebook 07; the notebook plots what this records.

    python tools/label_curve.py            # about 6 minutes on 2 cores; writes tools/label_curve.json

Labels cost a person's time; text without labels is cheap. Both sides get all the training reviews as unlabelled
text: word2vec learns the reviews' own vectors from it (notebook 07's REVIEW_W2V settings), and TF-IDF its
vocabulary and idf weights. Only n of the reviews' labels are used, for n in LABEL_COUNTS, with DRAWS random
labelled subsets each. Each classifier (logistic regression on averaged vectors, or on TF-IDF of words and word
pairs) chooses its C by 5-fold cross-validation on its n labelled reviews alone, on the log loss (accuracy ties
on a few dozen reviews), and is scored on the test reviews. The novels' vectors are the shipped ones
(cu.load_checkpoint("novel_vectors")). It is done twice: with the 3,000 reviews of the notebook's quick mode and
the 10,000 of its full mode (the reviews and test reviews the notebook draws), because how much text the reviews'
vectors learn from is what decides the outcome. Too slow for the notebook itself (about 100 s in quick mode).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "tools" / "label_curve.json"
REVIEWS = (3_000, 10_000)                    # notebook 07's REVIEWS_TRAIN in quick and in full mode
REVIEW_W2V = dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=3, sg=0, epochs=10)   # as 07
LABEL_COUNTS = (50, 100, 200, 500, 1_000)
DRAWS = 5
C_GRID = (0.1, 1.0, 10.0, 100.0)


def main() -> None:
    import numpy as np
    from gensim.models import Word2Vec
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    import course_utils as cu

    (imdb_train, imdb_y_train), (imdb_test, imdb_y_test) = cu.load_imdb()
    novels = cu.load_checkpoint("novel_vectors", verbose=False)

    def average_vectors(token_lists, keyed_vectors):
        out = np.zeros((len(token_lists), keyed_vectors.vector_size), dtype="float32")
        for row, tokens in enumerate(token_lists):
            known = [t for t in tokens if t in keyed_vectors.key_to_index]
            if known:
                out[row] = keyed_vectors[known].mean(axis=0)
        return out

    results = {}
    for reviews in REVIEWS:
        start = time.perf_counter()
        pick = np.random.default_rng(0)                                  # the notebook's draw of reviews
        train_rows = pick.permutation(len(imdb_train))[:reviews]
        test_rows = pick.permutation(len(imdb_test))[:reviews]
        texts_train = [cu.text.clean_review(imdb_train[i]) for i in train_rows]
        texts_test = [cu.text.clean_review(imdb_test[i]) for i in test_rows]
        y_train, y_test = imdb_y_train[train_rows], imdb_y_test[test_rows]
        tokens_train = [cu.text.WORD.findall(t.lower()) for t in texts_train]
        tokens_test = [cu.text.WORD.findall(t.lower()) for t in texts_test]
        own = Word2Vec(tokens_train, workers=2, seed=0, **REVIEW_W2V).wv
        tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts_train)   # no labels
        features = {"novels' vectors": (average_vectors(tokens_train, novels), average_vectors(tokens_test, novels)),
                    "reviews' vectors": (average_vectors(tokens_train, own), average_vectors(tokens_test, own)),
                    "TF-IDF bag of words": (tfidf.transform(texts_train), tfidf.transform(texts_test))}
        accuracy = {name: [] for name in features}
        for n in LABEL_COUNTS:
            for name in features:
                accuracy[name].append([])
            for draw in range(DRAWS):
                labelled = np.random.default_rng(draw).permutation(reviews)[:n]
                for name, (train, test) in features.items():
                    search = GridSearchCV(LogisticRegression(max_iter=2_000), {"C": list(C_GRID)}, cv=5,
                                          scoring="neg_log_loss").fit(train[labelled], y_train[labelled])
                    accuracy[name][-1].append(round(float(search.best_estimator_.score(test, y_test)), 4))
            print(f"{reviews:,} reviews, {n:5,} labels: " + "   ".join(
                f"{name} {100 * np.mean(accuracy[name][-1]):.1f} %" for name in features), flush=True)
        results[str(reviews)] = {"test_reviews": reviews, "accuracy": accuracy,
                                 "seconds": round(time.perf_counter() - start)}
    RESULTS.write_text(json.dumps({"label_counts": list(LABEL_COUNTS), "draws": DRAWS, "c_grid": list(C_GRID),
                                   "review_w2v": REVIEW_W2V, "reviews": results}, indent=1) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
