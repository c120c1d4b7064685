import re

import numpy as np
import pytest

import course_utils as cu


def _fit(epochs, callbacks, capsys):
    import keras

    cu.reseed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, validation_data=(x, y), epochs=epochs, verbose=0, callbacks=callbacks)
    return capsys.readouterr().out.splitlines()


def test_compact_log_prints_first_every_nth_and_last_epoch(capsys):
    lines = _fit(7, [cu.compact_log(every=3)], capsys)
    assert [re.match(r"epoch (\d+)/7 ", line).group(1) for line in lines] == ["1", "3", "6", "7"]
    assert all("loss" in line and "val_loss" in line and line.endswith(" s)") for line in lines)


def test_compact_log_prints_the_epoch_where_early_stopping_stopped(capsys):
    import keras

    # min_delta so large that nothing counts as an improvement: training stops after 1 + patience epochs
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=1e9)
    lines = _fit(50, [cu.compact_log(every=10), stop], capsys)
    assert [line.split()[1] for line in lines] == ["1/50", "2/50"]


@pytest.mark.parametrize("every", [0, -2, 1.5, True, "10"])
def test_compact_log_refuses_a_bad_interval(every):
    with pytest.raises(ValueError, match="positive whole number"):
        cu.compact_log(every=every)


def _model(width=4):
    import keras

    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(width, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    return model


def test_restart_gives_the_fresh_start_and_a_new_optimizer_state_without_tracing_again():
    x, y = np.random.default_rng(0).normal(size=(16, 3)).astype("float32"), np.ones((16, 1), "float32")
    cu.reseed(0)
    model = _model()
    model.fit(x, y, epochs=2, verbose=0)
    traced = model.train_function
    cu.reseed(1)
    fresh = _model()
    start = fresh.get_weights()
    cu.restart(model, fresh)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), start))
    state = {v.path.split("/")[-1]: v.numpy() for v in model.optimizer.variables}
    assert state["iteration"] == 0 and np.isclose(state["learning_rate"], 0.05)
    assert all(not np.any(value) for name, value in state.items() if name.endswith("momentum"))
    # training the restarted model is training the fresh start: the same first step as `fresh` itself takes
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    fresh.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(model.get_weights(), fresh.get_weights()))
    assert model.train_function is traced


def test_restart_refuses_another_architecture_and_an_uncompiled_model():
    import keras

    with pytest.raises(ValueError, match="one architecture"):
        cu.restart(_model(4), _model(5))
    bare = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not compiled"):
        cu.restart(bare, _model(4))


def test_restart_of_a_model_that_never_stepped_builds_its_optimizer_state():
    model, fresh = _model(), _model()
    assert not model.optimizer.built
    cu.restart(model, fresh)
    assert model.optimizer.built and all(not np.any(v.numpy()) for v in model.optimizer.variables
                                         if v.path.endswith("momentum"))


def test_forget_traced_functions_frees_the_traced_graphs_and_keeps_the_weights():
    import weakref

    x, y = np.random.default_rng(0).normal(size=(16, 3)).astype("float32"), np.ones((16, 1), "float32")
    cu.reseed(0)
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    loss = model.evaluate(x, y, verbose=0)
    traced = [weakref.ref(model.train_function), weakref.ref(model.test_function)]
    weights = model.get_weights()
    cu.forget_traced_functions(model)
    assert model.train_function is None and model.test_function is None and model.predict_function is None
    assert all(ref() is None for ref in traced), "a traced function outlived forget_traced_functions"
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights))
    assert np.isclose(model.evaluate(x, y, verbose=0), loss)   # traced again on demand


def test_time_budget_stops_training_once_the_seconds_are_spent_and_counts_the_steps():
    import time

    import keras

    class Slow(keras.callbacks.Callback):                # each batch takes at least 20 ms
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.02)

    cu.reseed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    budget = cu.training.time_budget(0.3)
    history = model.fit(np.ones((64, 3), "float32"), np.zeros((64, 1), "float32"), batch_size=8, epochs=1_000,
                        verbose=0, callbacks=[Slow(), budget])
    assert 0.3 <= budget.seconds < 5 and 1 <= budget.steps < 0.3 / 0.02 + 2
    assert len(history.history["loss"]) == len(budget.epoch_seconds) < 1_000
    assert budget.epoch_seconds == sorted(budget.epoch_seconds) and budget.epoch_seconds[-1] <= budget.seconds + 0.1


@pytest.mark.parametrize("seconds", [0, -1, "10", True, None])
def test_time_budget_refuses_a_bad_budget(seconds):
    with pytest.raises(ValueError, match="positive number of seconds"):
        cu.training.time_budget(seconds)


def test_release_memory_hands_freed_memory_back_on_linux():
    import sys

    big = [bytes(100) + bytes([i % 256]) for i in range(200_000)]     # many small objects, then freed
    del big
    assert cu.training.release_memory() is (True if sys.platform.startswith("linux") else False)


def test_batches_gives_every_example_once_per_epoch_in_a_new_order_repeatable_from_the_seed():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    y = np.arange(10) * 10

    def epochs(seed, shuffle=True):
        cu.reseed(seed)
        data = cu.batches(x, y, 4, shuffle=shuffle)
        return [np.concatenate([xb.numpy()[:, 0] for xb, _ in data]) for _ in range(3)], data

    (first, second, third), data = epochs(0)
    assert [len(b[0]) for b in data] == [4, 4, 2]                        # batches of 4, the last one smaller
    for order in (first, second, third):
        assert sorted(order) == list(range(10))                         # each example once per epoch
    assert not (np.array_equal(first, second) and np.array_equal(second, third))   # a new order each epoch
    for xb, yb in data:
        np.testing.assert_array_equal(yb.numpy(), 10 * xb.numpy()[:, 0])   # labels stay with their examples
    np.testing.assert_array_equal(epochs(0)[0][0], first)                # the same seed, the same order
    assert epochs(0, shuffle=False)[0][0].tolist() == list(range(10))   # validation data keeps its order


def test_batches_refuses_mismatched_arrays_and_a_bad_batch_size():
    with pytest.raises(ValueError, match="x has 3 examples and y 2"):
        cu.batches(np.zeros((3, 1)), np.zeros(2), 2)
    for size in (0, 2.5):
        with pytest.raises(ValueError, match="positive integer"):
            cu.batches(np.zeros((3, 1)), np.zeros(3), size)


def _traced_steps_and_weights(feed, build_first, monkeypatch, metrics=("mae",)):
    """Train a small compiled model for two epochs; return how often its step was traced, and its weights."""
    import keras
    import tensorflow as tf
    from keras.src.backend.tensorflow import trainer

    keras_build = trainer.TensorFlowTrainer._maybe_symbolic_build
    monkeypatch.setattr(trainer.TensorFlowTrainer, "_maybe_symbolic_build",
                        getattr(keras_build, "keras_build", keras_build))
    if build_first:
        cu.training.build_before_first_step()
    cu.reseed(0)
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dropout(0.5)(inputs)))
    model.compile(optimizer="adam", loss="mse", metrics=list(metrics))
    traces, step = [], model.train_step
    model.train_step = lambda data: traces.append(1) or step(data)
    x, y = np.random.default_rng(0).normal(size=(2, 32, 3)).astype("float32")
    if feed == "dataset":
        model.fit(tf.data.Dataset.from_tensor_slices((x, y[:, :2])).batch(8), epochs=2, shuffle=False, verbose=0)
    elif feed == "arrays":
        model.fit(x, y[:, :2], batch_size=8, epochs=2, verbose=0)
    else:
        model.train_on_batch(x, y[:, :2])
        model.train_on_batch(x, y[:, :2])
    return len(traces), model.get_weights()


@pytest.mark.parametrize("metrics", [("mae",), ()])
@pytest.mark.parametrize("feed", ["arrays", "dataset", "train_on_batch"])
def test_build_before_first_step_traces_the_step_once_and_trains_the_same(feed, metrics, monkeypatch):
    # with metrics: one symbolic pass builds them and the optimizer; without: the optimizer is built directly
    keras_traces, keras_weights = _traced_steps_and_weights(feed, False, monkeypatch, metrics)
    traces, weights = _traced_steps_and_weights(feed, True, monkeypatch, metrics)
    assert (keras_traces, traces) == (2, 1)
    assert all(np.array_equal(a, b) for a, b in zip(keras_weights, weights))
    cu.training.build_before_first_step()          # a second call changes nothing
    assert _traced_steps_and_weights(feed, True, monkeypatch, metrics)[0] == 1


def test_build_before_first_step_leaves_a_model_it_cannot_build_to_keras(monkeypatch):
    from keras.src.trainers.trainer import Trainer

    _, keras_weights = _traced_steps_and_weights("dataset", False, monkeypatch)

    def cannot_build(self, iterator=None, data_batch=None):
        raise ValueError("no shapes")

    monkeypatch.setattr(Trainer, "_symbolic_build", cannot_build)
    traces, weights = _traced_steps_and_weights("dataset", True, monkeypatch)
    assert traces == 2 and all(np.array_equal(a, b) for a, b in zip(keras_weights, weights))


def _counting_batches(count=3):
    import keras

    class Counting(keras.utils.PyDataset):
        # batch i of epoch e holds the number 10 * e + i, so the order can be read back
        def __init__(self):
            super().__init__()
            self.epoch, self.ends = 0, 0

        def __len__(self):
            return count

        def __getitem__(self, index):
            value = np.full((2, 3), 10 * self.epoch + index, "float32")
            return value, value[:, :1]

        def on_epoch_end(self):
            self.epoch += 1
            self.ends += 1

    return Counting()


def test_as_dataset_reads_every_batch_in_order_and_ends_each_epoch():
    source = _counting_batches()
    data = cu.as_dataset(source)
    assert [tuple(spec.shape) for spec in data.element_spec] == [(2, 3), (2, 1)]   # static: one traced step
    for epoch in range(2):
        seen = [int(x[0, 0]) for x, _ in data]
        assert seen == [10 * epoch, 10 * epoch + 1, 10 * epoch + 2]
        assert source.ends == epoch + 1


def test_fit_on_as_dataset_takes_one_step_per_batch_as_train_on_batch_does():
    import keras

    weights = []
    for by_hand in (False, True):
        cu.reseed(0)
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(1e-3), loss="mse")
        source = _counting_batches()
        if by_hand:                    # epoch 0's batches 0, 1, 2, then epoch 1's
            for _ in range(2):
                for index in range(len(source)):
                    model.train_on_batch(*source[index])
                source.on_epoch_end()
        else:
            model.fit(cu.as_dataset(source), epochs=2, verbose=0)
        assert source.ends == 2
        weights.append(model.get_weights())
    assert all(np.allclose(a, b, rtol=1e-6) for a, b in zip(*weights))


def test_as_dataset_refuses_an_empty_py_dataset():
    with pytest.raises(ValueError, match="length 0"):
        cu.as_dataset(_counting_batches(count=0))
