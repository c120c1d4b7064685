"""The shared text plumbing: review cleaning, the fixed sentence split, the bag-of-words baseline."""
import re

import numpy as np
import pytest

import course_utils as cu


def test_clean_review_removes_line_breaks_and_entities_only():
    raw = "Great film!<br /><br />The cast &amp; crew<BR>shine.  <br/>10/10"
    assert cu.text.clean_review(raw) == "Great film! The cast & crew shine. 10/10"
    assert cu.text.clean_review("Not bad, NOT good.") == "Not bad, NOT good."   # case and punctuation kept
    with pytest.raises(TypeError, match="takes a str"):
        cu.text.clean_review(None)


def test_sentence_split_is_fixed_disjoint_and_complete():
    (train, y_train), (test, y_test) = cu.text.sentence_split()
    assert len(train) == len(y_train) == 2400 and len(test) == len(y_test) == 600
    again = cu.text.sentence_split()
    assert again[0][0] == train and np.array_equal(again[1][1], y_test)     # the same split every time
    texts, labels, _ = cu.load_uci_sentences()
    cleaned = sorted(cu.text.clean_review(t) for t in texts)
    assert sorted(train + test) == cleaned and y_train.sum() + y_test.sum() == labels.sum()
    assert 0.4 < y_test.mean() < 0.6                                         # both classes in the test part


def test_bag_of_words_baseline_learns_sentiment():
    (train, y_train), (test, y_test) = cu.text.sentence_split()
    baseline = cu.text.bag_of_words_baseline(train, y_train)
    assert baseline.score(test, y_test) > 0.75
    assert baseline.predict(["great, I love it, excellent", "awful, the worst, waste of money"]).tolist() == [1, 0]


def test_bag_of_words_baseline_refuses_mismatched_input():
    with pytest.raises(ValueError, match="2 texts but 3 labels"):
        cu.text.bag_of_words_baseline(["a b", "c d"], [0, 1, 1])
    with pytest.raises(ValueError, match="labels 0"):
        cu.text.bag_of_words_baseline(["a b", "c d"], [0, 2])


def test_shakespeare_split_holds_out_the_last_tenth_from_a_line_start():
    train, held_out = cu.text.shakespeare_split()
    text = cu.load_shakespeare()
    assert train + held_out == text and train.endswith("\n")
    assert 0.099 < len(held_out) / len(text) < 0.101
    assert cu.text.shakespeare_split() == (train, held_out)


def test_novel_sentences_lower_case_keep_inner_apostrophes_and_split_at_sentence_ends():
    text = "It was Mr. Brown's DOG. Don't run!\n\nA\nB c 'tis"
    assert list(cu.text.novel_sentences(text)) == [["it", "was", "mr"], ["brown's", "dog"], ["don't", "run"],
                                                    ["a", "b", "c", "tis"]]


def test_the_analogy_halves_are_disjoint_cover_every_question_and_alternate_within_sections():
    everything = cu.text.analogy_questions()
    tuning, report = cu.text.analogy_questions("tuning"), cu.text.analogy_questions("report")
    assert len(everything) == 19_544 and len(tuning) + len(report) == len(everything)
    assert sorted(tuning + report) == sorted(everything)
    assert everything[0] == tuning[0] and everything[1] == report[0]          # alternating, from the first
    sections = {q[0] for q in everything}
    assert {q[0] for q in tuning} == sections == {q[0] for q in report}      # both halves have every section
    assert cu.text.analogy_questions("tuning") == tuning                      # fixed: the same every time
    with pytest.raises(ValueError, match="tuning"):
        cu.text.analogy_questions("test")


def test_the_analogy_file_is_read_by_gensim_as_the_same_half(tmp_path):
    from gensim.models import KeyedVectors

    report = cu.text.analogy_questions("report")
    words = sorted({w for q in report[:40] for w in q[1:]})
    vectors = KeyedVectors(vector_size=4)
    vectors.add_vectors(words, np.random.default_rng(0).normal(size=(len(words), 4)))
    _, sections = vectors.evaluate_word_analogies(cu.text.analogy_file("report", tmp_path))
    total = next(s for s in sections if s["section"] == "Total accuracy")
    asked = {tuple(q) for q in total["correct"] + total["incorrect"]}
    expected = {tuple(w.upper() for w in q[1:]) for q in report if all(w in words for w in q[1:])}
    assert asked == expected and len(asked) >= 40


def test_the_recorded_word2vec_tuning_chose_its_best_candidate_on_one_question_set():
    tuning = cu.text.word2vec_tuning()
    candidates = tuning["candidates"]
    assert len(candidates) >= 3 and tuning["chosen"] in candidates
    assert tuning["chosen"] == max(candidates, key=lambda name: candidates[name]["tuning_accuracy"])
    assert len({result["questions"] for result in candidates.values()}) == 1          # the same questions for all
    assert any(result["settings"]["sg"] == 1 for result in candidates.values())       # skip-gram was tried too


def test_the_recorded_label_curve_used_the_notebooks_settings_and_every_draw():
    from tools import label_curve, nbtools

    curve = cu.text.label_curve()
    assert curve["label_counts"] == list(label_curve.LABEL_COUNTS) and curve["draws"] == label_curve.DRAWS
    assert sorted(curve["reviews"], key=int) == [str(n) for n in label_curve.REVIEWS]
    for recorded in curve["reviews"].values():
        assert set(recorded["accuracy"]) == {"novels' vectors", "reviews' vectors", "TF-IDF bag of words"}
        for per_count in recorded["accuracy"].values():
            assert len(per_count) == len(curve["label_counts"])
            assert all(len(draws) == curve["draws"] and all(0.4 < a <= 1 for a in draws) for draws in per_count)
    config = next(cell.source for cell in nbtools.read(nbtools.ROOT / "notebooks" / "07_word2vec.ipynb").cells
                  if cell.source.startswith("# Configuration"))
    settings = re.search(r"REVIEW_W2V = (dict\([^)]*\))", config).group(1)
    assert eval(settings, {"__builtins__": {}, "dict": dict}) == curve["review_w2v"]      # noqa: S307 (our notebook)
    assert re.search(r"REVIEWS_TRAIN = (\d[\d_]*) if cfg.quick else (\d[\d_]*)", config).groups() == \
        tuple(f"{n:_}" for n in label_curve.REVIEWS)


def test_imdb_split_is_the_course_draw_a_smaller_one_its_start():
    (train, y_train), (test, y_test) = cu.text.imdb_split(300)
    (big_train, big_y_train), (big_test, _) = cu.text.imdb_split(1_000)
    assert len(train) == len(test) == len(y_train) == len(y_test) == 300
    assert train == big_train[:300] and test == big_test[:300] and (y_train == big_y_train[:300]).all()
    (raw_train, raw_y), _ = cu.load_imdb()
    rows = np.random.default_rng(0).permutation(len(raw_train))[:300]
    assert train == [cu.text.clean_review(raw_train[i]) for i in rows] and (y_train == raw_y[rows]).all()
    assert not any("<br" in t for t in train) and set(np.unique(y_train)) == {0, 1}


@pytest.mark.parametrize("reviews", [0, 25_001, 2.5, "100"])
def test_imdb_split_refuses_an_impossible_size(reviews):
    with pytest.raises(ValueError, match="whole number from 1 to 25,000"):
        cu.text.imdb_split(reviews)


def test_interpolated_ngram_nats_by_hand():
    # "abab…", bigram only: "b" after "a" 50 times of 50, "a" after "b" 49 times of 50 (the last "b" ends the text)
    assert cu.text.interpolated_ngram_nats("ab" * 50, "abababab", (0.0, 1.0)) == pytest.approx(-np.log(0.98) / 2)
    # unigram only: Laplace (count + 1) / (N + V) with V = 2 letters, counts 50 each of N = 100
    assert cu.text.interpolated_ngram_nats("ab" * 50, "abab", (1.0,)) == pytest.approx(-np.log(51 / 102))
    # a context never seen drops out and the other weights are renormalized: after the unseen "x" the unigram alone
    # (N = 101 characters, V = 3), while "x" after "b" gets half the unigram's (0 + 1) / 104 and a bigram of 0
    mixed = cu.text.interpolated_ngram_nats("ab" * 50 + "c", "abxa", (0.5, 0.5))
    assert mixed == pytest.approx(-(np.log(0.5 * 1 / 104) + np.log(51 / 104)) / 2)


def test_word_vocabulary_is_the_vocabulary_adapt_learns():
    import keras
    # ties ("beta", "alpha", "gamma" twice each) broken like adapt, punctuation stripped, only ASCII lowered
    # ("Été" stays "Été", "ÉTÉ" becomes "ÉtÉ"), words past max_tokens - 2 dropped
    texts = ["Alpha, beta! GAMMA.", "gamma beta alpha", "Été été ÉTÉ", "it's a-b (c) delta", "Delta DELTA zeta"]
    layer = keras.layers.TextVectorization(8)
    layer.adapt(texts)
    vocabulary = cu.text.word_vocabulary(texts, 8)
    assert layer.get_vocabulary() == ["", "[UNK]"] + vocabulary and len(vocabulary) == 6
    assert vocabulary[0] == "delta" and {"Été", "été", "ÉtÉ"} <= set(cu.text.word_vocabulary(texts, 30))
    same = keras.layers.TextVectorization(8, vocabulary=vocabulary)
    assert (same(texts).numpy() == layer(texts).numpy()).all()


@pytest.mark.parametrize("max_tokens", [2, 0, 2.5, "20"])
def test_word_vocabulary_refuses_no_room_for_words(max_tokens):
    with pytest.raises(ValueError, match="at least 3"):
        cu.text.word_vocabulary(["a b"], max_tokens)
