"""Checkers and reference versions for 00 · Keras in ten minutes. Introduced in 00."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import CheckResult, _Fail, _activation_name, _dense_forward, _dense_layers, _expect_shape, _run


# --- reference versions (the worked solutions) ---------------------------------------------------

def dense_param_count(n_inputs: int, n_units: int) -> int:
    """Trainable numbers in a ``Dense(n_units)`` layer on ``n_inputs`` features. Introduced in 00."""
    return n_inputs * n_units + n_units


def make_classifier() -> Any:
    """Functional model: (28, 28) -> Flatten -> Dense(128, relu) -> Dense(10, softmax). Introduced in 00."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28))
    features = layers.Flatten()(inputs)
    hidden = layers.Dense(128, activation="relu")(features)
    outputs = layers.Dense(10, activation="softmax")(hidden)
    return keras.Model(inputs, outputs)


def make_two_input_model() -> Any:
    """Functional model with an image input (28, 28) and an input of two numbers; 10 softmax outputs. Introduced in 00."""
    import keras
    from keras import layers

    image = keras.Input(shape=(28, 28))
    extra = keras.Input(shape=(2,))
    features = layers.Dense(64, activation="relu")(layers.Flatten()(image))
    merged = layers.Concatenate()([features, extra])
    outputs = layers.Dense(10, activation="softmax")(merged)
    return keras.Model([image, extra], outputs)


REFERENCES = (dense_param_count, make_classifier, make_two_input_model)


# --- checkers ------------------------------------------------------------------------------------

def check_dense_param_count(dense_param_count: Callable[[int, int], int]) -> CheckResult:
    """Check ``dense_param_count(n_inputs, n_units)`` against Keras' own count. Introduced in 00."""

    def body(dense_param_count: Callable[[int, int], int]) -> str:
        import keras

        cases = [(784, 128), (3, 1), (128, 10), (1, 1), (50, 7)]
        for n_inputs, n_units in cases:
            layer = keras.layers.Dense(n_units)
            layer.build((None, n_inputs))
            expected = layer.count_params()
            got = dense_param_count(n_inputs, n_units)
            if got is None:
                raise _Fail("returned None: did you forget `return`?")
            if isinstance(got, (list, tuple, np.ndarray)):
                raise _Fail(f"({n_inputs}, {n_units}) -> a {type(got).__name__}, expected one whole number")
            if got == n_inputs * n_units:
                raise _Fail(f"({n_inputs}, {n_units}) -> {got}: you counted the weights but not the biases")
            if got != expected:
                raise _Fail(f"({n_inputs}, {n_units}) -> {got}, expected {expected}: one weight per "
                            "input per unit, plus one bias per unit")
        return f"all {len(cases)} layer sizes match Keras' count_params()"

    return _run("check_dense_param_count", body, dense_param_count)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def check_classifier(make_classifier: Callable[[], Any]) -> CheckResult:
    """Check a model for 28x28 images: one hidden Dense(128, relu), softmax over 10 classes. Introduced in 00."""

    def body(make_classifier: Callable[[], Any]) -> str:
        import keras

        model = make_classifier()
        if not isinstance(model, keras.Model):
            raise _Fail(f"returned a {type(model).__name__}, expected a keras.Model (e.g. keras.Sequential([...]))")
        rng = np.random.default_rng(1)
        for batch in (1, 4):
            images = rng.random((batch, 28, 28)).astype("float32")
            try:
                out = np.asarray(model(images))
            except Exception:
                raise _Fail(f"the model cannot take a batch of shape {images.shape}: start with "
                            "keras.Input(shape=(28, 28)) and a Flatten layer") from None
            _expect_shape(out, (batch, 10), f"the output for {batch} image(s)", "end with a Dense layer of 10 units")
        if not np.allclose(out.sum(axis=1), 1.0, atol=1e-4) or np.any(out < 0):
            raise _Fail("outputs are not probabilities (rows should sum to 1): use activation='softmax' at the end")
        dense = _dense_layers(model)
        if [layer.units for layer in dense] != [128, 10]:
            raise _Fail(f"Dense layers of sizes {[layer.units for layer in dense]}, expected [128, 10]")
        if _activation_name(dense[0]) not in ("relu", "linear"):
            raise _Fail(f"the hidden layer uses '{_activation_name(dense[0])}', expected 'relu'")
        if model.count_params() != 101_770:
            raise _Fail(f"{model.count_params():,} parameters, expected 101,770")
        expected = _softmax(_dense_forward(dense[1], np.maximum(_dense_forward(dense[0], images.reshape(-1, 784)), 0)))
        if not np.allclose(out, expected, rtol=1e-4, atol=1e-6):
            raise _Fail("the output is not softmax(Dense2(relu(Dense1(flattened image)))): apply ReLU to the hidden "
                        "layer (activation='relu' or a ReLU layer) and nothing else")
        return "28x28 -> Dense(128, relu) -> Dense(10, softmax), 101,770 parameters"

    return _run("check_classifier", body, make_classifier)


_MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot")   # joins that are not concatenation


def _made_by(tensor: Any) -> tuple[Any, list]:
    """The operation of a Functional model that made ``tensor`` and the tensors it took; (None, []) if unknown."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, []
    operation = history.operation
    return operation, list(operation._inbound_nodes[history.node_index].input_tensors)


def _contains_dense(operation: Any) -> bool:
    import keras

    if isinstance(operation, keras.layers.Dense):
        return True
    return isinstance(operation, keras.Model) and bool(_dense_layers(operation))    # a nested branch


def _joins(model: Any) -> list[tuple[str, dict[int, bool]]]:
    """Every operation between the model's inputs and its outputs that takes several tensors, as (class name, routes):
    routes maps each model input that reaches it to whether a Dense layer lies on every way from that input to it."""
    inputs = {id(tensor._keras_history.operation): position for position, tensor in enumerate(model.inputs)}
    routes: dict[int, dict[int, bool]] = {}
    joins = []

    def reach(tensor: Any) -> dict[int, bool]:          # model input -> a Dense layer on every way from it
        if id(tensor) in routes:
            return routes[id(tensor)]
        operation, parents = _made_by(tensor)
        found: dict[int, bool] = {}
        if id(operation) in inputs:
            found = {inputs[id(operation)]: False}
        dense = _contains_dense(operation)
        arriving = [reach(parent) for parent in parents]
        for arrived in arriving:
            for position, through in arrived.items():
                found[position] = found.get(position, True) and (through or dense)
        if len(parents) > 1:
            joined: dict[int, bool] = {}
            for arrived in arriving:
                for position, through in arrived.items():
                    joined[position] = joined.get(position, True) and through
            joins.append((type(operation).__name__, joined))
        routes[id(tensor)] = found
        return found

    for output in model.outputs:
        reach(output)
    return joins


def _graph_problem(model: Any, image_position: int) -> str:
    """What the model's layers do differently from the exercise (empty when nothing): the image through a Dense
    layer, then concatenated with the two numbers."""
    joins = [(kind, joined) for kind, joined in _joins(model) if len(joined) == len(model.inputs)]   # joins both
    concatenations = [joined for kind, joined in joins if kind == "Concatenate"]
    if not concatenations:
        merges = [kind for kind, _ in joins if kind in _MERGES]
        if merges:
            return (f"the two branches are joined with {merges[0]}, which mixes their numbers: concatenate them, "
                    "layers.Concatenate()([features, extra]), so they stay side by side")
        return ("no Concatenate layer joins the two inputs: put the image's Dense features and the two numbers side "
                "by side with layers.Concatenate()([features, extra])")
    if not any(joined[image_position] for joined in concatenations):
        return ("the flattened image goes into Concatenate without a Dense layer: pass it through one first, "
                "layers.Dense(64, activation='relu')(layers.Flatten()(image)), then concatenate")
    return ""


def check_two_input_model(make_two_input_model: Callable[[], Any]) -> CheckResult:
    """Check a Functional model with inputs (28, 28) and (2,) and 10 softmax outputs, in which the image passes
    through a Dense layer and is then concatenated with the two numbers (read from the model's graph). Introduced
    in 00."""

    def body(make_two_input_model: Callable[[], Any]) -> str:
        import keras

        model = make_two_input_model()
        if not isinstance(model, keras.Model):
            raise _Fail(f"returned a {type(model).__name__}, expected a keras.Model")
        if len(model.inputs) != 2:
            raise _Fail(f"the model has {len(model.inputs)} input(s), expected 2: keras.Model(inputs=[a, b], ...)")
        shapes = sorted(tuple(t.shape[1:]) for t in model.inputs)
        if shapes != [(2,), (28, 28)]:
            raise _Fail(f"input shapes {shapes}, expected (28, 28) and (2,)")
        rng = np.random.default_rng(2)

        def predict(img: np.ndarray, ext: np.ndarray) -> np.ndarray:
            feeds = [img if tuple(t.shape[1:]) == (28, 28) else ext for t in model.inputs]
            try:
                return np.asarray(model(feeds))
            except Exception:
                raise _Fail(f"the model cannot take a batch of {len(img)} examples: start from "
                            "keras.Input(shape=(28, 28)) and keras.Input(shape=(2,))") from None

        for batch in (1, 3):
            images = rng.random((batch, 28, 28)).astype("float32")
            extra = rng.random((batch, 2)).astype("float32")
            out = predict(images, extra)
            _expect_shape(out, (batch, 10), f"the output for {batch} example(s)",
                          "end with Dense(10, activation='softmax')")
        if not np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
            raise _Fail("outputs do not sum to 1: use activation='softmax' at the end")
        if np.allclose(predict(images, extra + 5.0), out, atol=1e-6):
            raise _Fail("changing the (2,) input does not change the output: concatenate it with the image features")
        if np.allclose(predict(np.zeros_like(images), extra), out, atol=1e-6):
            raise _Fail("the image does not change the output: feed the flattened image into the model")
        image_position = next(i for i, t in enumerate(model.inputs) if tuple(t.shape[1:]) == (28, 28))
        try:
            problem = _graph_problem(model, image_position)
        except (AttributeError, IndexError, KeyError, TypeError):   # a graph this reading does not know: not
            problem = ""                                             # the learner's fault; the outputs were checked
        if problem:
            raise _Fail(problem)
        return "two inputs, (28, 28) and (2,), both used; the image's Dense features concatenated with the two numbers"

    return _run("check_two_input_model", body, make_two_input_model)


# --- predict before you run: the output shapes of 00's two-output model ---------------------------

PREDICTED_LAYERS = ("pixels", "shared", "item", "shared_and_item", "group")   # the layers 00's exercise asks about
_FASHION_GROUPS = 3                                                            # tops, shoes, other


def _two_output_model() -> Any:
    """00's two-output model, layer for layer: item (10 classes) and coarse group (3) from one image."""
    import keras
    from keras import layers

    image = keras.Input(shape=(28, 28), name="image")
    pixels = layers.Flatten(name="pixels")(image)
    shared = layers.Dense(128, activation="relu", name="shared")(pixels)
    item = layers.Dense(10, activation="softmax", name="item")(shared)
    shared_and_item = layers.Concatenate(name="shared_and_item")([shared, item])
    group = layers.Dense(_FASHION_GROUPS, activation="softmax", name="group")(shared_and_item)
    return keras.Model(image, {"item": item, "group": group}, name="two_outputs")


def predicted_output_shapes() -> dict[str, tuple]:
    """The answer of 00's prediction exercise: layer name -> output shape, batch axis first. Introduced in 00."""
    return {"pixels": (None, 784), "shared": (None, 128), "item": (None, 10),
            "shared_and_item": (None, 138), "group": (None, 3)}


REFERENCES = REFERENCES + (predicted_output_shapes,)

_SHAPE_RULES = {
    "pixels": "Flatten turns each 28×28 image into one row of numbers: how many?",
    "shared": "a Dense layer outputs one number per unit",
    "item": "a Dense layer outputs one number per unit",
    "shared_and_item": "Concatenate puts its inputs side by side along the last axis, so their widths add up",
    "group": "a Dense layer outputs one number per unit",
}


def _as_shape(value: Any, name: str) -> tuple:
    """``value`` as a shape tuple of whole numbers and None; fail with a hint otherwise."""
    if isinstance(value, (tuple, list)) and all(
            v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool)) for v in value):
        return tuple(None if v is None else int(v) for v in value)
    raise _Fail(f"{name!r}: {value!r} is not a shape: write a tuple like (None, 5), the batch axis first")


def check_predicted_output_shapes(predicted_output_shapes: Callable[[], dict]) -> CheckResult:
    """Check the learner's predicted output shape of each layer of 00's two-output model. Introduced in 00."""

    def body(predicted_output_shapes: Callable[[], dict]) -> str:
        answer = predicted_output_shapes()
        if not isinstance(answer, dict):
            raise _Fail(f"returned a {type(answer).__name__}: return a dict from layer name to shape, "
                        "{'pixels': (None, …), 'shared': (None, …), …}")
        missing = [name for name in PREDICTED_LAYERS if name not in answer]
        if missing:
            raise _Fail(f"no prediction for {missing[0]!r}: give a shape for each of "
                        f"{', '.join(repr(name) for name in PREDICTED_LAYERS)}")
        model = _two_output_model()
        truth = {name: tuple(model.get_layer(name).output.shape) for name in PREDICTED_LAYERS}
        wrong = []
        for name in PREDICTED_LAYERS:
            predicted = _as_shape(answer[name], name)
            if predicted != truth[name]:
                wrong.append((name, predicted))
        if wrong:
            name, predicted = wrong[0]
            if predicted == truth[name][1:]:
                hint = "shapes start with the batch axis, which the model leaves open: None"
            elif len(predicted) == len(truth[name]) and predicted[0] is not None and predicted[1:] == truth[name][1:]:
                hint = "the first axis is the batch size, which the model leaves open: write None"
            else:
                hint = _SHAPE_RULES[name]
            raise _Fail(f"{len(wrong)} of {len(PREDICTED_LAYERS)} wrong; {name!r} does not output {predicted}: {hint}")
        return f"all {len(PREDICTED_LAYERS)} shapes right: compare them with model.summary() below"

    return _run("check_predicted_output_shapes", body, predicted_output_shapes)
