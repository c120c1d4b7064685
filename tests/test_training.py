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
