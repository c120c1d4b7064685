"""Choose notebook 07's word2vec settings on one half of the analogy questions; the notebook reports on the other.

    python tools/tune_word2vec.py          # about 10 minutes on 2 cores; writes tools/word2vec_tuning.json

One gensim run on the 47 novels takes a few minutes, too long for a grid inside the notebook. This script trains
each candidate setting on the same corpus as notebook 07 (cu.text.novel_sentences), keeps the vectors of the
VOCAB_LIMIT most frequent words as the notebook does, and scores every candidate on the *tuning* half of the
analogy questions only (cu.text.analogy_questions("tuning")). Notebook 07 prints the recorded table, trains the
chosen setting, and measures it on the *report* half, which no choice has seen.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "tools" / "word2vec_tuning.json"
VOCAB_LIMIT = 10_000          # as notebook 07: the 10,000 most frequent words
CANDIDATES = {
    "gensim's defaults (CBOW)": dict(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, sg=0, epochs=5),
    "CBOW, 300 numbers, window 10, 15 passes": dict(vector_size=300, window=10, negative=10, sample=1e-4, min_count=5,
                                                    sg=0, epochs=15),
    "CBOW, 300 numbers, window 5, 15 passes": dict(vector_size=300, window=5, negative=10, sample=1e-4, min_count=5,
                                                   sg=0, epochs=15),
    "skip-gram, 300 numbers, window 10, 5 passes": dict(vector_size=300, window=10, negative=10, sample=1e-4,
                                                        min_count=5, sg=1, epochs=5),
}


def main() -> None:
    from gensim.models import Word2Vec

    import course_utils as cu

    corpus = [s for text in cu.load_novels(full=True).values() for s in cu.text.novel_sentences(text)]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        questions = cu.text.analogy_file("tuning", folder)
        for name, settings in CANDIDATES.items():
            start = time.perf_counter()
            vectors = Word2Vec(corpus, workers=2, seed=0, **settings).wv
            accuracy, sections = vectors.evaluate_word_analogies(questions, restrict_vocab=VOCAB_LIMIT)
            total = next(s for s in sections if s["section"] == "Total accuracy")
            results[name] = dict(settings=settings, tuning_accuracy=round(accuracy, 4),
                                 questions=len(total["correct"]) + len(total["incorrect"]),
                                 seconds=round(time.perf_counter() - start))
            print(f"{name:45s} tuning-half accuracy {accuracy:.1%} on {results[name]['questions']:,} questions "
                  f"({results[name]['seconds']} s)", flush=True)
    chosen = max(results, key=lambda name: results[name]["tuning_accuracy"])
    RESULTS.write_text(json.dumps({"chosen": chosen, "vocab_limit": VOCAB_LIMIT, "candidates": results}, indent=1,
                                  ensure_ascii=False) + "\n")
    print(f"chosen: {chosen}; written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
