"""Training helpers: ``compact_log()`` prints a few lines instead of one per epoch (introduced in 04);
``time_budget()`` stops training after a number of seconds and ``release_memory()`` hands freed memory back
(both introduced in 11);
``restart()`` trains a compiled model again from a new random start without tracing it again and
``forget_traced_functions()`` frees a trained model's traced graphs (both introduced in 03); ``batches()`` feeds
small arrays to ``fit`` at less cost per epoch (introduced in 04); ``as_dataset()`` feeds a ``PyDataset`` to
``fit`` at a steady pace (introduced in 09); ``build_before_first_step()``, which
``setup()`` calls, has each model's first training step traced once instead of twice."""
from __future__ import annotations

import gc
import time
from typing import Any


def compact_log(every: int = 10) -> Any:
    """Return a Keras callback printing one line every ``every`` epochs, plus the first and the last.

    Use it with ``verbose=0`` for long runs (``model.fit(..., verbose=0, callbacks=[cu.compact_log(10)])``):
    80 epochs give 9 lines instead of 80. Each line shows every logged metric and the seconds since the
    start of training. When training stops early (``EarlyStopping``) the last epoch is still printed.

    Raises
    ------
    ValueError
        When ``every`` is not a positive integer.
    """
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ValueError(f"compact_log(every=...) needs a positive whole number of epochs, got {every!r}.")
    import keras

    class CompactLog(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._start, self._last_printed, self._last = time.perf_counter(), None, None

        def on_epoch_end(self, epoch, logs=None):
            self._last = (epoch + 1, dict(logs or {}))
            total = self.params.get("epochs")
            if epoch == 0 or (epoch + 1) % every == 0 or epoch + 1 == total:
                self._print(*self._last)

        def on_train_end(self, logs=None):
            if self._last is not None and self._last_printed != self._last[0]:
                self._print(*self._last)

        def _print(self, epoch, logs):
            self._last_printed = epoch
            width = len(str(self.params.get("epochs") or epoch))
            metrics = "  ".join(f"{name} {float(value):.4f}" for name, value in logs.items()
                                if name != "learning_rate")
            print(f"epoch {epoch:>{width}}/{self.params.get('epochs')}  {metrics}  "
                  f"({time.perf_counter() - self._start:.0f} s)", flush=True)

    return CompactLog()


def time_budget(seconds: float) -> Any:
    """Return a Keras callback that stops ``fit`` once ``seconds`` of wall-clock time have passed. Introduced in 11.

    The clock starts when training starts, so tracing counts too, and is read after every batch: training stops at
    the end of the first batch past the budget. After training, the callback's ``steps`` and ``seconds`` say how many
    batches ran and how long they took, and ``epoch_seconds`` when each epoch ended, for comparing two models at the
    same budget (``model.fit(..., epochs=1_000, callbacks=[budget])``).

    Raises
    ------
    ValueError
        When ``seconds`` is not a positive number.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"time_budget(seconds=...) needs a positive number of seconds, got {seconds!r}.")
    import keras

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._start, self.steps, self.seconds, self.epoch_seconds = time.perf_counter(), 0, 0.0, []

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            self.seconds = time.perf_counter() - self._start
            if self.seconds >= seconds:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            self.epoch_seconds.append(time.perf_counter() - self._start)

    return TimeBudget()


def batches(x: Any, y: Any, batch_size: int, shuffle: bool = False) -> Any:
    """The arrays ``x`` and ``y`` as a ``tf.data.Dataset`` of batches, kept in memory. Introduced in 04.

    ``model.fit(batches(x, y, 64, shuffle=True), ...)`` trains as ``model.fit(x, y, batch_size=64)`` does: every
    epoch sees every example once, in a new random order (drawn from the seed that ``cu.reseed`` set). Given
    arrays, Keras prepares them again at the start of every epoch; for small models on a few thousand examples
    that costs about as much as the training steps themselves, and a dataset prepared once takes about 40 % off
    a 25-epoch run on a CPU (measured on 1,000 images: 3.6 s against 2.1 s). On tens of thousands of examples
    plain arrays are faster (shuffling every example costs more than Keras' preparation) and use less memory.
    Use ``shuffle=False`` (the default) for validation data.

    Raises
    ------
    ValueError
        When ``x`` and ``y`` hold different numbers of examples, or ``batch_size`` is not a positive integer.
    """
    import warnings

    import tensorflow as tf

    # fit's default shuffle=True does not apply to a dataset (this one shuffles itself): no warning about it
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored", category=UserWarning)
    if len(x) != len(y):
        raise ValueError(f"batches(x, y, ...): x has {len(x):,} examples and y {len(y):,}; pass the images and the "
                         "labels of one set.")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batches(..., batch_size={batch_size!r}): the batch size must be a positive integer.")
    data = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:
        data = data.shuffle(len(x), reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(1)


def restart(model: Any, fresh: Any) -> None:
    """Give the compiled ``model`` the initial weights of ``fresh`` and a new optimizer state. Introduced in 03.

    ``fresh`` is a newly built, untrained model of the same architecture (built after ``cu.reseed(seed)``
    for a new random start). Training ``model`` afterwards is training that new start, but ``fit`` and
    ``evaluate`` reuse the functions Keras traced for ``model``: building and compiling a fresh copy of a
    100-layer network costs about 10 s of tracing on a CPU before its first step. The optimizer's step
    counter and moment estimates return to zero; its learning rate is kept. An optimizer that has not
    stepped yet gets its state here rather than inside the first traced step, where the variables'
    initialization would keep the traced graph in memory after the model is gone.

    Raises
    ------
    ValueError
        When the two models' weights differ in number or shape, or ``model`` is not compiled.
    """
    import numpy as np

    ours, theirs = model.weights, fresh.weights
    shapes = [tuple(w.shape) for w in ours], [tuple(w.shape) for w in theirs]
    if shapes[0] != shapes[1]:
        raise ValueError(f"restart(model, fresh) needs two models of one architecture: {model.name!r} has "
                         f"{len(ours)} weights, {fresh.name!r} {len(theirs)}, or their shapes differ; build "
                         "`fresh` with the function that built `model`.")
    if getattr(model, "optimizer", None) is None:
        raise ValueError(f"restart(model, fresh): {model.name!r} is not compiled; compile it first.")
    model.set_weights(fresh.get_weights())
    if not model.optimizer.built:   # its state made now, not inside the first traced step (where it stays in memory)
        model.optimizer.build(model.trainable_variables)
    for variable in model.optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))


def as_dataset(source: Any) -> Any:
    """The ``keras.utils.PyDataset`` ``source`` as a ``tf.data.Dataset`` that ``fit`` reads at a steady pace.
    Introduced in 09.

    ``model.fit(as_dataset(crops), epochs=10)`` takes one step per batch: every epoch reads ``crops[0]``, ...,
    ``crops[len(crops) - 1]`` in order, then calls ``crops.on_epoch_end()`` (``fit(crops)`` itself shuffles the
    order of the batches, which changes nothing for batches drawn at random). Keras feeds a PyDataset through
    tf.data with its autotuning on, and on a 2-core CPU the tuner's threads compete with the training step: in
    about half of the epochs of 09's U-Net a step took 0.40 s instead of 0.23 s, its two compute threads idle half
    the time (measured). This dataset prepares one batch ahead, with autotuning off.
    Every batch must have the shapes and dtypes of ``source[0]``, which fixes them for the traced step.

    Raises
    ------
    ValueError
        When ``source`` holds no batch.
    """
    import warnings

    import tensorflow as tf

    # fit's default shuffle=True does not apply to a dataset (the PyDataset draws its own batches): no warning
    warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored", category=UserWarning)
    count = len(source)
    if count < 1:
        raise ValueError(f"as_dataset(source): {type(source).__name__} has length {count}; it must hold at least "
                         "one batch (check its __len__).")
    signature = tf.nest.map_structure(lambda a: tf.TensorSpec(tuple(a.shape), tf.as_dtype(a.dtype)), source[0])

    def epoch() -> Any:
        for index in range(count):
            yield source[index]
        source.on_epoch_end()

    options = tf.data.Options()
    options.autotune.enabled = False
    options.threading.private_threadpool_size = 1
    data = tf.data.Dataset.from_generator(epoch, output_signature=signature)
    data = data.apply(tf.data.experimental.assert_cardinality(count))   # fit knows where an epoch ends
    return data.prefetch(1).with_options(options)


def build_before_first_step() -> None:
    """Make Keras create a model's optimizer and metric variables before its first traced step. Introduced in 00
    (``cu.setup`` calls it).

    With TensorFlow and no distribution strategy, Keras 3 creates them inside the first traced training step, and
    a traced function that creates variables is traced twice. Built first, the step is traced once: the first step of
    notebook 11's Transformer takes 1.8 s instead of 3.5 s on a CPU. An optimizer is built directly; metrics (and the
    loss trackers of a model with several outputs) need one symbolic pass through the model, from the shapes of the
    data (no batch is read), which is done only when they exist. The variables start at the same values either way,
    so the training is the same. A model that cannot be built from shapes alone is left to Keras, as before. Calling
    it again changes nothing.
    """
    from keras.src.backend.tensorflow import trainer as tf_trainer

    keras_build = tf_trainer.TensorFlowTrainer._maybe_symbolic_build
    if getattr(keras_build, "builds_first", False):
        return

    def maybe_symbolic_build(self: Any, iterator: Any = None, data_batch: Any = None) -> None:
        if self._distribute_strategy is not None:      # Keras builds first itself then
            return keras_build(self, iterator=iterator, data_batch=data_batch)
        import keras
        import tensorflow as tf

        optimizer_unbuilt = self.optimizer is not None and not self.optimizer.built
        metrics_unbuilt = self._compile_metrics is not None and not self._compile_metrics.built
        losses_unbuilt = (self._compile_loss is not None and not self._compile_loss.built
                          and len(getattr(self, "outputs", None) or ()) > 1)   # a loss tracker per output
        model_unbuilt = not all(layer.built for layer in self._flatten_layers())
        try:
            if metrics_unbuilt or losses_unbuilt or model_unbuilt:   # their variables need the data's shapes
                if data_batch is None:
                    data_batch = tf.nest.map_structure(
                        lambda spec: keras.KerasTensor(tuple(spec.shape), spec.dtype.name),
                        iterator._get_iterator().element_spec)
                self._symbolic_build(data_batch=data_batch)   # one symbolic pass; builds the optimizer too
            elif optimizer_unbuilt:                          # the optimizer alone needs no pass through the model
                self.optimizer.build(self.trainable_variables)
        except Exception:   # noqa: BLE001 (what cannot be built from shapes is built in the traced step, as before)
            pass

    maybe_symbolic_build.builds_first = True   # type: ignore[attr-defined]
    maybe_symbolic_build.keras_build = keras_build   # type: ignore[attr-defined]
    tf_trainer.TensorFlowTrainer._maybe_symbolic_build = maybe_symbolic_build


def release_memory() -> bool:
    """Collect garbage and hand the memory that freed objects leave behind back to the operating system.
    Introduced in 11.

    Python and TensorFlow keep freed memory for reuse, so a notebook's resident memory only grows; after freeing
    something large (a fitted bag-of-words model's vocabulary, a traced graph) this lowers it, which matters on
    Binder's 2 GB. Returns True when memory was handed back (glibc's ``malloc_trim``, on Linux), False elsewhere.
    """
    import ctypes
    import ctypes.util

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):   # no glibc (macOS, Windows): nothing to hand back this way
        return False


def forget_traced_functions(model: Any) -> None:
    """Drop the training, evaluation and prediction functions Keras traced for ``model``. Introduced in 03.

    A traced function keeps its TensorFlow graph in memory as long as the model lives: for a 100-layer
    network that is over 100 MB, and a notebook that trains several such networks outgrows Binder's 2 GB.
    Call it once a model is trained and measured; its weights stay, and a later ``fit``, ``evaluate`` or
    ``predict`` traces again.
    """
    model.train_function = model.test_function = model.predict_function = None
    release_memory()
