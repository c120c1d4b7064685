"""Shipped checkpoints: each reproduces the metric its manifest records; damaged ones are refused in one line."""
import json
from pathlib import Path

import numpy as np
import pytest

import course_utils as cu
from course_utils import checkpoints, data
from tests.conftest import ROOT
from tools import build_checkpoints, build_data


def fashion_cnn_accuracy(model) -> float:
    """Test accuracy of a Fashion-MNIST classifier (probabilities or scores: the arg max is the same)."""
    _, (x_test, y_test) = cu.load_fashion_mnist()
    probabilities = model.predict((x_test[..., None] / 255.0).astype("float32"), batch_size=1_000, verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=1) == y_test))


def shakespeare_nats(model, window: int = 1_000) -> float:
    """Mean negative log-probability (nats per character) of the held-out Shakespeare text, in windows of 1,000
    characters as notebook 06 measures it (11: windows of 64)."""
    train_text, val_text = cu.text.shakespeare_split()
    index = {char: i for i, char in enumerate(sorted(set(train_text)))}   # built once, not once per character
    ids = np.array([index[char] for char in val_text])
    n = (len(ids) - 1) // window
    x, y = ids[:n * window].reshape(n, window), ids[1:n * window + 1].reshape(n, window)
    logits = model.predict(x, batch_size=max(32, 32_000 // window), verbose=0).astype(np.float64)
    top = logits.max(axis=-1, keepdims=True)
    log_probs = logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))
    return float(-np.mean(np.take_along_axis(log_probs, y[..., None], axis=-1)))


def analogy_accuracy(keyed_vectors) -> float:
    """Share of the report half of gensim's analogy questions answered right, among those whose four words have
    vectors, as notebook 07 measures it."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return float(keyed_vectors.evaluate_word_analogies(cu.text.analogy_file("report", folder))[0])


def membrane_dice(model, mirror: int = 32) -> float:
    """Membrane Dice on the held-out ISBI images 25-29, as notebook 09 measures it: each image whole with a mirrored
    border of ``mirror`` pixels, the probabilities of its 8 symmetries (rotations by 90°, each mirrored or not)
    averaged, thresholded at 0.5."""
    _, (images, masks) = cu.membrane_split()
    padded = np.pad(images.astype("float32") / 255.0, ((0, 0), (mirror, mirror), (mirror, mirror)), mode="reflect")
    total = np.zeros(padded.shape, np.float64)
    for t in range(8):
        view = np.rot90(padded, t % 4, axes=(1, 2))
        view = view[:, :, ::-1] if t >= 4 else view
        out = model.predict(np.ascontiguousarray(view)[..., None], batch_size=4, verbose=0)[..., 0]
        total += np.rot90(out[:, :, ::-1] if t >= 4 else out, -(t % 4), axes=(1, 2))
    predicted = total[:, mirror:-mirror, mirror:-mirror] / 8 > 0.5
    truth = masks.astype(bool)
    return float(2 * np.count_nonzero(predicted & truth) / (np.count_nonzero(predicted) + np.count_nonzero(truth)))


def mnist_test_digits() -> tuple[np.ndarray, np.ndarray]:
    """The MNIST test digits scaled to [-1, 1] with a channel axis, as notebook 08 feeds them, and their labels."""
    _, (x_test, y_test) = cu.load_mnist()
    return (x_test.astype("float32") / 127.5 - 1.0)[..., None], y_test


def judge_accuracy(model) -> float:
    """Test accuracy of 08's judge on the MNIST test digits."""
    x_test, y_test = mnist_test_digits()
    return float(np.mean(model.predict(x_test, batch_size=1_000, verbose=0).argmax(axis=1) == y_test))


def gan_confident_share(generator) -> float:
    """Share of 1,000 samples from 08's fixed noise that the shipped judge classifies with p >= 0.9, as notebook 08
    scores its generator."""
    noise = np.random.default_rng(1).standard_normal((1_000, 100)).astype("float32")
    images = generator.predict(noise, batch_size=500, verbose=0)
    judge = cu.load_checkpoint("mnist_judge", verbose=False)
    return float(np.mean(judge.predict(images, batch_size=500, verbose=0).max(axis=1) >= 0.9))


def shakespeare_nats_64(model) -> float:
    """Held-out nats per character in windows of 64 characters, as notebook 11 measures its language models."""
    return shakespeare_nats(model, window=64)


def review_accuracy(model) -> float:
    """Test accuracy on the 25,000 IMDB test reviews, as notebook 11 measures its classifier: words of a
    TextVectorization of 20,000 adapted on the training reviews, the last 256 of each review, padded with 0."""
    import keras

    (texts_train, _), (texts_test, y_test) = cu.text.imdb_split(25_000)
    vectorizer = keras.layers.TextVectorization(20_000)
    vectorizer.adapt(texts_train, batch_size=1_000)
    ids = np.zeros((len(texts_test), 256), np.int32)
    for start in range(0, len(texts_test), 2_000):
        for i, row in enumerate(vectorizer(texts_test[start:start + 2_000]).numpy(), start=start):
            words = row[row > 0][-256:]
            ids[i, :len(words)] = words
    return float(np.mean((model.predict(ids, batch_size=500, verbose=0)[:, 0] > 0) == y_test))


def collapse_variety(runs) -> float:
    """Variety of run A's samples at its last step, as notebook 08 measures it: the standard deviation of each pixel
    across the samples, averaged over pixels."""
    (images,) = runs["A"]["snapshots"].values()
    return float(images.std(axis=0).mean())


EVALUATE = {"fashion_cnn": fashion_cnn_accuracy, "gap_cnn": fashion_cnn_accuracy,   # each metric measured again
            "char_rnn": shakespeare_nats, "novel_vectors": analogy_accuracy, "membrane_unet": membrane_dice,
            "mnist_judge": judge_accuracy, "mnist_gan": gan_confident_share, "char_transformer": shakespeare_nats_64,
            "char_gru": shakespeare_nats_64, "review_transformer": review_accuracy, "gan_short_runs": collapse_variety}
TOLERANCE = {"novel_vectors": 0.005,   # shipped as float16: a few of thousands of answers may change
             "membrane_unet": 0.001,   # likewise: a few of the 1.3 million pixels may change side
             "mnist_gan": 0.01,        # float16 weights, scored by the shipped judge: 10 of 1,000 samples may change
             "char_transformer": 0.002, "char_gru": 0.002,    # float16 weights: the nats move in the third decimal
             "review_transformer": 0.002,                      # float16 weights: 50 of 25,000 reviews may change
             "gan_short_runs": 0.002}  # samples stored as bytes: each pixel moves by at most 1/255 of the range


def test_every_checkpoint_the_builder_makes_is_shipped_and_can_be_evaluated():
    shipped = data.manifest().get("checkpoints", {})
    assert set(build_checkpoints.CHECKPOINTS) == set(shipped) == set(EVALUATE)


@pytest.mark.parametrize("name", sorted(EVALUATE))
def test_shipped_checkpoint_reproduces_its_recorded_metric(name, capsys):
    info = checkpoints.checkpoint_info(name)
    model = cu.load_checkpoint(name)
    assert f"{info['metric']} = {info['value']:.4f}" in capsys.readouterr().out
    assert EVALUATE[name](model) == pytest.approx(info["value"], abs=TOLERANCE.get(name, 2e-4))   # never retrained
    assert info["license"].startswith("trained on ") and info["training_seconds"] > 0


def test_data_folder_stays_under_110_mb():
    on_disk = sum(path.stat().st_size for path in (ROOT / "data").rglob("*") if path.is_file())
    assert on_disk < 110e6


def ship(folder, rel, name, dataset, notebook, monkeypatch):
    """Make ``folder`` the data folder, with a manifest that lists the checkpoint file ``rel`` as ``name``."""
    manifest = {"files": {rel: {"dataset": dataset, "sha256": data.sha256_file(folder / rel),
                                "bytes": (folder / rel).stat().st_size}},
                "checkpoints": {name: {"file": rel, "notebook": notebook, "metric": "accuracy", "value": 0.5,
                                       "evaluated_on": "nothing", "training_seconds": 60, "trained_with": "a CPU"}}}
    (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("COURSE_DATA", str(folder))


@pytest.fixture
def tiny_checkpoint(tmp_path, monkeypatch):
    """A private data folder with one small shipped checkpoint called "tiny"."""
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, name="dense")], name="tiny")
    rel = "checkpoints/tiny.keras"
    (tmp_path / "checkpoints").mkdir()
    model.save(tmp_path / rel)
    ship(tmp_path, rel, "tiny", "mnist", "05_cnn", monkeypatch)
    return tmp_path / rel, model


def test_loads_the_same_weights(tiny_checkpoint, capsys):
    _, model = tiny_checkpoint
    loaded = cu.load_checkpoint("tiny")
    x = np.ones((4, 3), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert capsys.readouterr().out.strip() == ("Loaded the shipped tiny: trained by notebook 05_cnn in full mode "
                                               "(1 min on a CPU); accuracy = 0.5000 on nothing.")


def test_corrupted_checkpoint_is_refused_in_one_line(tiny_checkpoint):
    path, _ = tiny_checkpoint
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF   # same size, one byte changed
    path.write_bytes(bytes(raw))
    with pytest.raises(cu.DataFileError, match=r"^data/checkpoints/tiny.keras is altered.*`make checkpoints`\.$") as error:
        cu.load_checkpoint("tiny")
    assert "\n" not in str(error.value)


def test_truncated_and_missing_checkpoints_say_how_to_restore(tiny_checkpoint):
    path, _ = tiny_checkpoint
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(cu.DataFileError, match=r"tiny.keras is truncated.*make checkpoints"):
        cu.load_checkpoint("tiny")
    path.unlink()
    with pytest.raises(FileNotFoundError, match=r"tiny.keras is missing.*git checkout.*make checkpoints"):
        cu.load_checkpoint("tiny")


def make_unreadable(path, edit_manifest):
    """Replace a shipped file by bytes no reader understands, with a matching hash: only reading can fail."""
    path.write_bytes(b"not a zip file at all")
    edit_manifest(path.parent.parent, lambda m: m["files"][f"checkpoints/{path.name}"].update(
        sha256=data.sha256_file(path), bytes=path.stat().st_size))


def test_file_keras_cannot_read_is_refused(tiny_checkpoint, edit_manifest):
    path, _ = tiny_checkpoint
    make_unreadable(path, edit_manifest)
    with pytest.raises(cu.DataFileError, match=r"tiny.keras cannot be read by Keras .*make checkpoints"):
        cu.load_checkpoint("tiny")


def test_unknown_checkpoint_lists_the_shipped_ones(tiny_checkpoint):
    with pytest.raises(KeyError, match=r"No shipped checkpoint is called 'fashion'.*shipped: tiny"):
        cu.load_checkpoint("fashion")


def test_make_data_keeps_the_checkpoints(tiny_checkpoint):
    path, _ = tiny_checkpoint
    files, kept = build_data.kept_checkpoints(path.parent.parent)
    assert set(kept) == {"tiny"} and set(files) == {"checkpoints/tiny.keras"}
    path.write_bytes(path.read_bytes()[:-1] + b"x")
    with pytest.raises(SystemExit, match=r"tiny.keras is missing or differs.*make checkpoints"):
        build_data.kept_checkpoints(path.parent.parent)


def test_builder_trains_with_the_switch_off_and_saves_the_model(tmp_path):
    spec = build_checkpoints.CHECKPOINTS["gap_cnn"]                      # one without overrides
    nb = build_checkpoints.training_run(spec, tmp_path / "x.keras")
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    switch_cell = next(i for i, source in enumerate(sources) if f"{spec['switch']} =" in source
                       and source != f"{spec['switch']} = False")
    assert sources[switch_cell + 1] == f"{spec['switch']} = False"
    assert f'cu.record("{spec["metric"]}"' in sources[-2]                  # the run stops after the training
    assert f"{spec['model']}.get_weights()" in sources[-1] and str(tmp_path / "x.keras") in sources[-1]


def test_builder_refuses_a_run_that_did_not_record_its_metric(tmp_path):
    spec = build_checkpoints.CHECKPOINTS["fashion_cnn"]
    (tmp_path / "x.keras").write_bytes(b"weights")
    with pytest.raises(SystemExit, match="did not record 'cnn_test_accuracy'"):
        build_checkpoints.manifest_entries("fashion_cnn", spec, tmp_path / "x.keras", {"cnn_training_seconds": 1.0})
    files, info = build_checkpoints.manifest_entries("fashion_cnn", spec, tmp_path / "x.keras",
                                                     {"cnn_test_accuracy": 0.9234567, "cnn_training_seconds": 451.6})
    assert files["bytes"] == 7 and info["value"] == 0.923457 and info["training_seconds"] == 452
    assert info["license"] == "trained on Fashion-MNIST: MIT (c) 2017 Zalando SE"


def test_builder_sets_a_checkpoints_overrides_right_after_the_switch(tmp_path):
    spec = build_checkpoints.CHECKPOINTS["char_rnn"]
    nb = build_checkpoints.training_run(spec, tmp_path / "x.keras")
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    settings = "\n".join([f"{spec['switch']} = False"] + [f"{k} = {v!r}" for k, v in spec["overrides"].items()])
    switch_cell = sources.index(settings)
    assert f"{spec['switch']} =" in sources[switch_cell - 1] and "RNN_EPOCHS" in sources[switch_cell - 1]
    assert f'cu.record("{spec["metric"]}"' in sources[-2]


def test_builder_keeps_the_training_history_and_refuses_a_run_without_one(tmp_path):
    spec = build_checkpoints.CHECKPOINTS["char_rnn"]
    out = tmp_path / "x.keras"
    save_cell = build_checkpoints.training_run(spec, out).cells[-1].source

    class Model:                                                   # what the save cell needs of a Keras model
        from_config = classmethod(lambda cls, config: cls())
        get_config, get_weights = (lambda self: {}), (lambda self: [])
        set_weights = lambda self, weights: None                   # noqa: E731
        save = lambda self, path: Path(path).write_bytes(b"weights")   # noqa: E731

    class History:
        history = {"loss": [np.float32(2.51234), 1.25], "val_loss": [2.0, 1.5], "learning_rate": [1e-3, 1e-4]}

    records = {"rnn_val_nats": 1.5, "rnn_training_seconds": 60.0}
    exec(save_cell, {spec["model"]: Model(), spec["history"]: History()})
    _, info = build_checkpoints.manifest_entries("char_rnn", spec, out, records)
    assert info["history"] == {"loss": [2.5123, 1.25], "val_loss": [2.0, 1.5]}     # rounded, no learning rate
    build_checkpoints.history_path(out).unlink()
    with pytest.raises(SystemExit, match="left no training history for char_rnn"):
        build_checkpoints.manifest_entries("char_rnn", spec, out, records)


def test_recorded_runs_are_saved_as_bytes_and_load_back_within_a_byte(tmp_path, monkeypatch, edit_manifest):
    spec = dict(build_checkpoints.CHECKPOINTS["gan_short_runs"])
    rng = np.random.default_rng(0)
    runs = {label: {"d_loss": [1.3, 1.2, 1.4], "g_loss": [0.7, 0.8, 0.6],
                    "snapshots": {3: np.tanh(rng.standard_normal((5, 28, 28, 1))).astype("float32")}} for label in "AB"}
    rel = "checkpoints/runs.npz"
    (tmp_path / "checkpoints").mkdir()
    exec(build_checkpoints.save_source(spec, tmp_path / rel), {"short_logs": runs})
    ship(tmp_path, rel, "runs", "mnist", "08_gan", monkeypatch)
    loaded = cu.load_checkpoint("runs", verbose=False)
    assert sorted(loaded) == ["A", "B"] and loaded["A"]["d_loss"] == pytest.approx([1.3, 1.2, 1.4])
    assert loaded["B"]["g_loss"] == pytest.approx([0.7, 0.8, 0.6]) and list(loaded["A"]["snapshots"]) == [3]
    for label in "AB":
        stored = loaded[label]["snapshots"][3]
        assert stored.dtype == np.float32 and stored.shape == (5, 28, 28, 1)
        assert np.abs(stored - runs[label]["snapshots"][3]).max() <= 1 / 127.5   # within a byte of [-1, 1]
    with np.load(tmp_path / rel) as saved:
        assert saved["A_samples"].dtype == np.uint8
    make_unreadable(tmp_path / rel, edit_manifest)
    with pytest.raises(cu.DataFileError, match=r"runs.npz cannot be read by NumPy .*make checkpoints"):
        cu.load_checkpoint("runs")


@pytest.fixture
def tiny_word_vectors(tmp_path, monkeypatch):
    """A private data folder with one shipped word-vector checkpoint called "words" (.npz, float16)."""
    rel = "checkpoints/words.npz"
    (tmp_path / "checkpoints").mkdir()
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float16)
    np.savez_compressed(tmp_path / rel, words=np.array(["king", "queen", "apple"]), vectors=vectors)
    ship(tmp_path, rel, "words", "english-novels", "07_word2vec", monkeypatch)
    return tmp_path / rel


def test_word_vectors_load_as_keyed_vectors_and_a_damaged_file_is_refused(tiny_word_vectors, edit_manifest):
    keyed = cu.load_checkpoint("words", verbose=False)
    assert keyed.index_to_key == ["king", "queen", "apple"] and keyed.vectors.dtype == np.float32
    assert keyed.most_similar("king", topn=1)[0][0] == "queen"
    make_unreadable(tiny_word_vectors, edit_manifest)
    with pytest.raises(cu.DataFileError, match=r"words.npz cannot be read by NumPy .*make checkpoints"):
        cu.load_checkpoint("words")


def test_builder_saves_word_vectors_as_float16_npz(tmp_path):
    spec = {"notebook": "05_cnn", "model": "wv", "switch": "LOAD_SHIPPED_CNN", "metric": "cnn_test_accuracy",
            "keep": 1234}
    nb = build_checkpoints.training_run(spec, tmp_path / "v.npz")
    last = nb.cells[-1].source
    assert "savez_compressed" in last and "index_to_key[:1234]" in last and "float16" in last


def test_a_float16_checkpoint_is_half_the_size_and_loads_computing_in_float32(tmp_path, monkeypatch):
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None, None, 1), name="image")
    hidden = keras.layers.Conv2D(64, 3, padding="same", activation="relu", name="conv1")(inputs)
    hidden = keras.layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2")(hidden)   # 37,000 weights
    model = keras.Model(inputs, keras.layers.Conv2D(1, 1, activation="sigmoid", name="out")(hidden), name="small")
    (tmp_path / "checkpoints").mkdir()
    spec = dict(build_checkpoints.CHECKPOINTS["membrane_unet"], model="model")
    out = tmp_path / "checkpoints" / "half.keras"
    exec(build_checkpoints.training_run(spec, out).cells[-1].source.split("\nimport json as _json\nwith")[0],
         {"model": model})
    model.save(tmp_path / "full.keras")
    assert out.stat().st_size < 0.75 * (tmp_path / "full.keras").stat().st_size
    ship(tmp_path, "checkpoints/half.keras", "half", "isbi2012-membrane", "09_unet_segmentation", monkeypatch)
    loaded = cu.load_checkpoint("half", verbose=False)
    assert {str(weight.dtype) for weight in loaded.weights} == {"float32"}
    x = np.random.default_rng(0).random((2, 32, 32, 1)).astype("float32")
    got, expected = loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    assert got.dtype == np.float32 and np.abs(got - expected).max() < 1e-3


def test_builder_trains_checkpoints_of_one_notebook_in_one_run_and_saves_each(tmp_path):
    specs = [build_checkpoints.CHECKPOINTS[name] for name in ("char_transformer", "char_gru", "review_transformer")]
    outs = [tmp_path / f"{i}.keras" for i in range(3)]
    nb = build_checkpoints.training_run(specs[0], outs[0], also=tuple(zip(specs[1:], outs[1:])))
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    settings = sources.index("LOAD_SHIPPED_LMS = False\nLOAD_SHIPPED_CLASSIFIER = False")   # each switch once, right
    assert "LOAD_SHIPPED_LMS =" in sources[settings - 1] and "LOAD_SHIPPED_CLASSIFIER =" in sources[settings - 1]   # after
    assert any(f'cu.record("{specs[2]["metric"]}"' in source for source in sources[-4:-3])   # the last metric
    for spec, out, source in zip(specs, outs, sources[-3:]):
        assert f"{spec['model']}.get_weights()" in source and str(out) in source and "float16" in source
    with pytest.raises(SystemExit, match="from one notebook"):
        build_checkpoints.training_run(specs[0], outs[0], also=((build_checkpoints.CHECKPOINTS["char_rnn"], outs[1]),))


def test_a_checkpoint_with_the_course_s_own_layer_loads_in_a_fresh_process():
    # char_transformer holds a TokenAndPosition layer; a learner's kernel may load it before anything imports
    # course_utils.layers, so load_checkpoint must register the course's layers itself
    import subprocess
    import sys
    code = ("import course_utils as cu, sys; m = cu.load_checkpoint('char_transformer'); "
            "sys.exit('course_utils.layers' not in sys.modules or m.get_layer('embedding').__class__.__name__ != "
            "'TokenAndPosition')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
