"""Train the course's shipped checkpoints by running their own notebooks, and store them in ``data/``.

Usage::

    python tools/build_checkpoints.py [NAME ...]        # make checkpoints (all of them by default)

Each checkpoint is trained by its notebook, executed top to bottom in full mode with the notebook's
switch for loading shipped weights set to False, so the weights come from the same code and seeds as the
lesson. A checkpoint may set a few configuration values after that switch (``overrides``, e.g. more epochs):
the shipped language model of 06 trains for 12 epochs, the notebook's own run for 10. The run stops after the
cell that records the checkpoint's metric, with one more cell that saves the trained model without its
optimizer state. The file goes to
``data/checkpoints/<name>.keras``; ``data/MANIFEST.json`` gets its sha256 and size, the metric the notebook
recorded for it, the training time, the license of the data it was trained on, and, for a checkpoint whose
notebook keeps what ``fit`` returned (``history``), the losses per epoch, so that quick mode can plot the
training curves of the model it loads.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course_utils.data import sha256_file  # noqa: E402
from tools.build_data import DATASETS  # noqa: E402
from tools.execute import execute  # noqa: E402

CHECKPOINTS = {
    "fashion_cnn": {
        "notebook": "05_cnn",
        "model": "cnn",                        # the notebook's variable holding the trained model
        "switch": "LOAD_SHIPPED_CNN",          # the notebook's variable that loads the checkpoint instead
        "metric": "cnn_test_accuracy",         # recorded by the notebook right after training
        "seconds": "cnn_training_seconds",     # likewise
        "dataset": "fashion-mnist",
        "describes": "the four-convolution CNN of notebook 05, section 4, trained on 55,000 Fashion-MNIST images",
        "evaluated_on": "the 10,000 Fashion-MNIST test images",
    },
    "gap_cnn": {
        "notebook": "10_explainability",
        "model": "gap_model",
        "switch": "LOAD_SHIPPED_GAP",
        "metric": "gap_test_accuracy",
        "seconds": "gap_training_seconds",
        "dataset": "fashion-mnist",
        "describes": "the global-average-pooling CNN of notebook 10, section 4 (for CAM), trained on 55,000 "
                     "Fashion-MNIST images",
        "evaluated_on": "the 10,000 Fashion-MNIST test images",
    },
    "char_rnn": {
        "notebook": "06_rnn_language_model",
        "model": "lm",
        "switch": "LOAD_SHIPPED_RNN",
        "overrides": {"RNN_EPOCHS": 12},       # the same code for 12 epochs (the notebook: 10); 30 overfit
        "metric": "rnn_val_nats",
        "seconds": "rnn_training_seconds",
        "history": "history",                  # what fit returned: its per-epoch losses go into the manifest
        "dataset": "tinyshakespeare",
        "describes": "the GRU-384 character language model of notebook 06, section 7, trained for 12 epochs on the "
                     "first nine tenths of Tiny Shakespeare",
        "evaluated_on": "the held-out last tenth of Tiny Shakespeare (cu.text.shakespeare_split), in nats per character",
    },
    "mnist_judge": {
        "notebook": "08_gan",
        "model": "judge",
        "switch": "LOAD_SHIPPED_JUDGE",
        "metric": "judge_test_accuracy",
        "seconds": "judge_training_seconds",
        "dataset": "mnist",
        "describes": "the judge of notebook 08, section 1: a small CNN digit classifier trained for 2 epochs on the "
                     "60,000 MNIST training digits scaled to [-1, 1], which scores generated digits",
        "evaluated_on": "the 10,000 MNIST test digits",
    },
    "mnist_gan": {
        "notebook": "08_gan",
        "model": "average_generator",
        "switch": "LOAD_SHIPPED_GAN",
        "float16": True,                       # weights stored in float16; the judge's scores survive it (tested)
        "metric": "gan_confident_share",
        "seconds": "gan_training_seconds",
        "dataset": "mnist",
        "describes": "the averaged DCGAN generator of notebook 08, section 4 (the exponential moving average of the "
                     "generator's weights), trained on the 60,000 MNIST training digits",
        "evaluated_on": "1,000 samples from fixed noise, scored by the notebook's judge: the share it classifies "
                        "with p >= 0.9",
    },
    "gan_short_runs": {
        "notebook": "08_gan",
        "model": "short_logs",                 # not a model: the three recorded runs of section 6 (losses, samples)
        "runs": True,
        "switch": "LOAD_SHIPPED_SHORT_RUNS",
        "metric": "collapse_variety",
        "seconds": "short_runs_seconds",
        "dataset": "mnist",
        "describes": "the three short DCGAN runs of notebook 08, section 6 (A: the discriminator frozen halfway, "
                     "B: the discriminator at 10x the learning rate, C: the healthy main run), 600 steps each on "
                     "the 60,000 MNIST training digits: their losses per step and their 1,000 samples of the fixed "
                     "noise at the last step (as bytes)",
        "evaluated_on": "run A's 1,000 samples: the standard deviation of each pixel across them, averaged over "
                        "pixels (variety)",
    },
    "membrane_unet": {
        "notebook": "09_unet_segmentation",
        "model": "unet",
        "switch": "LOAD_SHIPPED_UNET",
        "float16": True,                       # weights stored in float16 (4 MB instead of 8); the Dice survives it
        "metric": "unet_membrane_dice",
        "seconds": "unet_training_seconds",
        "history": "history",
        "dataset": "isbi2012-membrane",
        "describes": "the U-Net of notebook 09, section 6 (depth 4, 16 filters at the first level, cross-entropy), "
                     "trained for 2,000 steps on random 128×128 crops of ISBI 2012 images 0-24, flipped and rotated "
                     "(the setting section 5 chose on validation)",
        "evaluated_on": "the held-out ISBI 2012 images 25-29 (cu.membrane_split), whole, with a mirrored border and the "
                        "8 symmetries averaged: membrane Dice",
    },
    "novel_vectors": {
        "notebook": "07_word2vec",
        "model": "wv",
        "keep": 10_000,                        # word vectors: the 10,000 most frequent words, float16 (6 MB)
        "switch": "LOAD_SHIPPED_W2V",
        "metric": "w2v_analogy_accuracy",
        "seconds": "w2v_training_seconds",
        "dataset": "english-novels",
        "describes": "word2vec vectors (gensim CBOW, 300 numbers per word) of the 10,000 most frequent words of the "
                     "47 English novels, notebook 07, section 5",
        "evaluated_on": "the report half of gensim's questions-words.txt (cu.text.analogy_questions('report')), the "
                        "questions whose four words are among the 10,000 (share answered right)",
    },
    "char_transformer": {
        "notebook": "11_transformer",
        "model": "transformer_lm",
        "switch": "LOAD_SHIPPED_LMS",
        "float16": True,                       # weights stored in float16; the held-out nats survive it (tested)
        "metric": "transformer_val_nats",
        "seconds": "transformer_training_seconds",
        "dataset": "tinyshakespeare",
        "describes": "the decoder-only character Transformer of notebook 11, section 3 (2 blocks, 4 heads, 64 numbers "
                     "per position, a context of 64 characters), trained for 120 s on the first nine tenths of Tiny "
                     "Shakespeare",
        "evaluated_on": "the held-out last tenth of Tiny Shakespeare (cu.text.shakespeare_split) in windows of 64 "
                        "characters, in nats per character",
    },
    "char_gru": {
        "notebook": "11_transformer",
        "model": "gru_model",
        "switch": "LOAD_SHIPPED_LMS",
        "float16": True,
        "metric": "gru_same_budget_val_nats",
        "seconds": "gru_training_seconds",
        "dataset": "tinyshakespeare",
        "describes": "the GRU-384 character language model of notebook 06, trained by notebook 11, section 3 for the "
                     "Transformer's budget of 120 s on the first nine tenths of Tiny Shakespeare",
        "evaluated_on": "the held-out last tenth of Tiny Shakespeare (cu.text.shakespeare_split) in windows of 64 "
                        "characters, in nats per character",
    },
    "review_transformer": {
        "notebook": "11_transformer",
        "model": "classifier",
        "switch": "LOAD_SHIPPED_CLASSIFIER",
        "float16": True,
        "metric": "imdb_transformer_accuracy",
        "seconds": "classifier_training_seconds",
        "dataset": "imdb",
        "describes": "the encoder Transformer of notebook 11, section 4 (one block, 4 heads, the last 256 of each "
                     "review's words), trained for one epoch on the 25,000 IMDB training reviews",
        "evaluated_on": "the 25,000 IMDB test reviews (cu.text.imdb_split), share classified right",
    },
}


def training_run(spec: dict, out: Path, also: tuple[tuple[dict, Path], ...] = ()) -> object:
    """The notebook of ``spec`` up to the cell that records its metric, with the load switch forced off and a
    final cell that saves the trained model to ``out`` (later cells are not needed for the checkpoint). ``also``
    holds more (spec, out) pairs of the same notebook: one run trains them all, up to the last of their metric cells,
    and saves each."""
    import nbformat

    runs = [(spec, out), *also]
    if len({s["notebook"] for s, _ in runs}) != 1:
        sys.exit("training_run: checkpoints trained together must come from one notebook.")
    nb = nbformat.read(ROOT / "notebooks" / f"{spec['notebook']}.ipynb", as_version=4)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    switches, last = {}, 0
    for one, _ in runs:
        switch, metric = f"{one['switch']} =", f'cu.record("{one["metric"]}"'
        where = [i for i in code if switch in nb.cells[i].source]
        trained = [i for i in code if metric in nb.cells[i].source]
        if len(where) != 1 or len(trained) != 1:
            sys.exit(f"{one['notebook']}.ipynb must set {one['switch']} in one code cell and record {one['metric']!r} "
                     f"in one (found {len(where)} and {len(trained)}).")
        settings = [f"{one['switch']} = False"] + [f"{name} = {value!r}"
                                                    for name, value in one.get("overrides", {}).items()]
        switches.setdefault(where[0], []).extend(line for line in settings if line not in switches.get(where[0], []))
        last = max(last, trained[0])
    nb.cells = nb.cells[:last + 1] + [nbformat.v4.new_code_cell(save_source(one, path)) for one, path in runs]
    for where in sorted(switches, reverse=True):
        nb.cells.insert(where + 1, nbformat.v4.new_code_cell("\n".join(switches[where])))
    return nb


def save_source(spec: dict, out: Path) -> str:
    """The cell that saves the model of ``spec`` (and its training history, when it has one) to ``out``."""
    model = spec["model"]
    if spec.get("runs"):   # recorded runs: label -> {"d_loss", "g_loss", "snapshots": {step: images in [-1, 1]}}
        save = (f"import numpy as _np\n_arrays = {{}}\n"
                f"for _label, _logs in {model}.items():\n"
                f"    (_step, _images), = _logs['snapshots'].items()\n"
                f"    _arrays.update({{f'{{_label}}_d_loss': _np.float32(_logs['d_loss']), "
                f"f'{{_label}}_g_loss': _np.float32(_logs['g_loss']), f'{{_label}}_step': _np.int64(_step), "
                f"f'{{_label}}_samples': _np.round((_np.clip(_images, -1, 1) + 1) * 127.5).astype(_np.uint8)}})\n"
                f"_np.savez_compressed({str(out)!r}, **_arrays)")
    elif "keep" in spec:   # word vectors: the most frequent words, as float16, with numpy
        save = (f"import numpy as _np\n_np.savez_compressed({str(out)!r}, words=_np.array({model}.index_to_key"
                f"[:{spec['keep']}]), vectors={model}.vectors[:{spec['keep']}].astype('float16'))")
    elif spec.get("float16"):   # the same layers in float16 (half the bytes); cu.load_checkpoint computes in float32
        save = (f"import json as _json\n"
                f"_config = _json.loads(_json.dumps({model}.get_config()).replace('\"float32\"', '\"float16\"'))\n"
                f"_copy = {model}.__class__.from_config(_config)\n"
                f"_copy.set_weights([_w.astype('float16') for _w in {model}.get_weights()])\n"
                f"_copy.save({str(out)!r})")
    else:
        save = (f"_copy = {model}.__class__.from_config({model}.get_config())   # the same layers, no optimizer state\n"
                f"_copy.set_weights({model}.get_weights())\n"
                f"_copy.save({str(out)!r})")
    if "history" in spec:   # the per-epoch logs, beside the weights
        save += (f"\nimport json as _json\nwith open({str(history_path(out))!r}, 'w') as _f:\n"
                 f"    _json.dump({{k: [float(v) for v in vs] for k, vs in {spec['history']}.history.items()}}, _f)")
    return save


def history_path(out: Path) -> Path:
    """Where the training run writes the per-epoch logs of the checkpoint saved to ``out``."""
    return out.with_name(out.name + ".history.json")


def manifest_entries(name: str, spec: dict, path: Path, records: dict[str, float]) -> tuple[dict, dict]:
    """The ``files`` and ``checkpoints`` entries of a freshly built checkpoint."""
    import keras
    import tensorflow as tf

    if "keep" in spec:
        import gensim
        software = f"gensim {gensim.__version__}"
    elif spec.get("runs"):
        software = f"TensorFlow {tf.__version__}, Keras {keras.__version__}, samples stored as bytes"
    else:
        software = f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
    for key in ("metric", "seconds"):
        if spec[key] not in records:
            sys.exit(f"{spec['notebook']}.ipynb did not record {spec[key]!r}: it must, right after the training.")
    dataset = DATASETS[spec["dataset"]]
    file_entry = {"dataset": spec["dataset"], "sha256": sha256_file(path), "bytes": path.stat().st_size}
    info = {"file": f"checkpoints/{name}{path.suffix}", "notebook": spec["notebook"], "describes": spec["describes"],
            "metric": spec["metric"], "value": round(records[spec["metric"]], 6), "evaluated_on": spec["evaluated_on"],
            "training_seconds": round(records[spec["seconds"]]),
            "trained_with": f"a 2-core CPU, {software}",
            "trained_on": dataset["title"], "license": f"trained on {dataset['title']}: {dataset['license']}",
            "built_by": "make checkpoints (tools/build_checkpoints.py)"}
    if "history" in spec:
        if not history_path(path).exists():
            sys.exit(f"{spec['notebook']}.ipynb left no training history for {name}: it must keep what fit returned "
                     f"in {spec['history']!r}.")
        logs = json.loads(history_path(path).read_text(encoding="utf-8"))
        info["history"] = {key: [round(value, 4) for value in values] for key, values in logs.items()
                           if key != "learning_rate"}
    return file_entry, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"checkpoints to build (default: all of {', '.join(CHECKPOINTS)})")
    parser.add_argument("--dest", type=Path, default=ROOT / "data")
    parser.add_argument("--timeout", type=int, default=7200, help="seconds allowed per cell")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(CHECKPOINTS))
    if unknown:
        sys.exit(f"Unknown checkpoint(s) {', '.join(unknown)}: choose from {', '.join(CHECKPOINTS)}.")
    manifest_path = args.dest / "MANIFEST.json"
    groups: dict[str, list[str]] = {}                  # one training run per notebook
    for name in args.names or list(CHECKPOINTS):
        groups.setdefault(CHECKPOINTS[name]["notebook"], []).append(name)
    for names in groups.values():
        with tempfile.TemporaryDirectory() as tmp:
            saved = {name: Path(tmp) / f"{name}.{'npz' if {'keep', 'runs'} & set(CHECKPOINTS[name]) else 'keras'}"
                     for name in names}
            runs = [(CHECKPOINTS[name], saved[name]) for name in names]
            seconds, records = execute(training_run(*runs[0], also=tuple(runs[1:])), ROOT / "notebooks", quick=False,
                                       timeout=args.timeout)
            for name in names:
                file_entry, info = manifest_entries(name, CHECKPOINTS[name], saved[name], records)
                target = args.dest / info["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(saved[name].read_bytes())
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                manifest["files"][info["file"]] = file_entry
                manifest["files"] = dict(sorted(manifest["files"].items()))
                manifest.setdefault("checkpoints", {})[name] = info
                manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
                print(f"{info['file']}: {file_entry['bytes'] / 1e6:.1f} MB, {info['metric']} = {info['value']:.4f}, "
                      f"trained in {info['training_seconds']} s (notebook run {seconds:.0f} s)")


if __name__ == "__main__":
    main()
