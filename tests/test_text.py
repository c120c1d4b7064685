"""The shared text plumbing: review cleaning, the fixed sentence split, the bag-of-words baseline."""
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
