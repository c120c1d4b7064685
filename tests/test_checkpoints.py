"""Shipped checkpoints: each reproduces the metric its manifest records; damaged ones are refused in one line."""
import json

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


EVALUATE = {"fashion_cnn": fashion_cnn_accuracy, "gap_cnn": fashion_cnn_accuracy}   # each metric measured again


def test_every_checkpoint_the_builder_makes_is_shipped_and_can_be_evaluated():
    shipped = data.manifest().get("checkpoints", {})
    assert set(build_checkpoints.CHECKPOINTS) == set(shipped) == set(EVALUATE)


@pytest.mark.parametrize("name", sorted(EVALUATE))
def test_shipped_checkpoint_reproduces_its_recorded_metric(name, capsys):
    info = checkpoints.checkpoint_info(name)
    model = cu.load_checkpoint(name)
    assert f"{info['metric']} = {info['value']:.4f}" in capsys.readouterr().out
    assert EVALUATE[name](model) == pytest.approx(info["value"], abs=2e-4)   # evaluated, never retrained
    assert info["license"].startswith("trained on ") and info["training_seconds"] > 0


def test_data_folder_stays_under_100_mb():
    on_disk = sum(path.stat().st_size for path in (ROOT / "data").rglob("*") if path.is_file())
    assert on_disk < 100e6


@pytest.fixture
def tiny_checkpoint(tmp_path, monkeypatch):
    """A private data folder with one small shipped checkpoint called "tiny"."""
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, name="dense")], name="tiny")
    rel = "checkpoints/tiny.keras"
    (tmp_path / "checkpoints").mkdir()
    model.save(tmp_path / rel)
    manifest = {"files": {rel: {"dataset": "mnist", "sha256": data.sha256_file(tmp_path / rel),
                                "bytes": (tmp_path / rel).stat().st_size}},
                "checkpoints": {"tiny": {"file": rel, "notebook": "05_cnn", "metric": "accuracy", "value": 0.5,
                                         "evaluated_on": "nothing", "training_seconds": 60, "trained_with": "a CPU"}}}
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
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


def test_file_keras_cannot_read_is_refused(tiny_checkpoint, edit_manifest):
    path, _ = tiny_checkpoint
    path.write_bytes(b"not a zip file at all")
    edit_manifest(path.parent.parent, lambda m: m["files"]["checkpoints/tiny.keras"].update(
        sha256=data.sha256_file(path), bytes=path.stat().st_size))
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
    spec = build_checkpoints.CHECKPOINTS["fashion_cnn"]
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
