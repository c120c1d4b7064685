"""Checkers and reference versions for 08 · Generative adversarial networks. Introduced in 08."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .core import CheckResult, _call, _call_quietly, _check_labels, _close, _Fail, _g, _number, _run, _single, _two_numbers, _worst


# --- reference versions (the worked solutions) ---------------------------------------------------

def gan_losses(real_logits: Any, fake_logits: Any) -> tuple[Any, Any]:
    """The discriminator's and the generator's losses from the discriminator's logits. Introduced in 08.

    ``real_logits`` are the discriminator's logits on a batch of real images, ``fake_logits`` on a batch of generated
    ones: arrays or tensors of any shapes, e.g. (n, 1) and (m, 1), the batches may differ in size. Returns
    (discriminator_loss, generator_loss), two 0-d tensors:

    - discriminator_loss = BCE(real labelled 1) + BCE(fake labelled 0) = −mean log D(x) − mean log(1 − D(G(z))),
      the mean over each batch, the two means added (not averaged), as in TensorFlow's DCGAN tutorial;
    - generator_loss = BCE(fake labelled 1) = −mean log D(G(z)), the non-saturating loss of Goodfellow et al. (2014),
      whose gradient stays large while the discriminator rejects the fakes.

    Computed from the logits, finite for any logit: −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x), as
    ``keras.losses.BinaryCrossentropy(from_logits=True)`` computes them. Differentiable: use it under tf.GradientTape.
    """
    import tensorflow as tf

    real, fake = tf.convert_to_tensor(real_logits), tf.convert_to_tensor(fake_logits)
    discriminator_loss = tf.reduce_mean(tf.math.softplus(-real)) + tf.reduce_mean(tf.math.softplus(fake))
    generator_loss = tf.reduce_mean(tf.math.softplus(-fake))
    return discriminator_loss, generator_loss


def discriminator_step(generator: Any, discriminator: Any, optimizer: Any, real_images: Any, noise: Any) -> Any:
    """One training step of the discriminator; returns its loss, computed before the update. Introduced in 08.

    The generator turns ``noise`` into fakes; the discriminator's loss (``gan_losses``) on ``real_images`` and those
    fakes is differentiated under tf.GradientTape with respect to ``discriminator.trainable_weights`` only, and
    ``optimizer`` applies the gradients to those weights: the generator does not move.
    """
    import tensorflow as tf

    with tf.GradientTape() as tape:
        fake_images = generator(noise, training=True)
        discriminator_loss, _ = gan_losses(discriminator(real_images, training=True),
                                           discriminator(fake_images, training=True))
    weights = discriminator.trainable_weights
    optimizer.apply_gradients(zip(tape.gradient(discriminator_loss, weights), weights))
    return discriminator_loss


def generator_step(generator: Any, discriminator: Any, optimizer: Any, noise: Any) -> Any:
    """One training step of the generator; returns its loss, computed before the update. Introduced in 08.

    The discriminator scores the fakes made from ``noise``; the generator's non-saturating loss (``gan_losses``) is
    differentiated under tf.GradientTape with respect to ``generator.trainable_weights`` only, and ``optimizer``
    applies the gradients to those weights: the discriminator does not move.
    """
    import tensorflow as tf

    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(noise, training=True), training=True)
        _, generator_loss = gan_losses(fake_logits, fake_logits)     # only the fake logits enter the generator's loss
    weights = generator.trainable_weights
    optimizer.apply_gradients(zip(tape.gradient(generator_loss, weights), weights))
    return generator_loss


REFERENCES = (gan_losses, discriminator_step, generator_step)


# --- check_gan_losses ----------------------------------------------------------------------------

_CONVENTION = "discriminator_loss = BCE(real labelled 1) + BCE(fake labelled 0), the two means added"
_STABLE_HINT = "use softplus: −log σ(x) = softplus(−x), −log(1 − σ(x)) = softplus(x)"
_SCALAR_HINT = "take the mean over the batch (tf.reduce_mean): one number for each loss"
_TENSOR_HINT = "the logits may be TensorFlow tensors: use tf.reduce_mean and tf.math.softplus, or np.mean(...)"
_SATURATING = ("that is the saturating mean log(1 − D(G(z))), whose gradient vanishes while D rejects the fakes: use "
               "−mean log D(G(z)) = BCE(fake labelled 1)")
_FAKE_AS_FAKE = ("that is BCE(fake labelled 0), the discriminator's fake term: the generator wants its fakes called "
                 "real, BCE(fake labelled 1)")


@lru_cache(maxsize=None)
def _keras_bce(from_logits: bool, dtype: str) -> Any:
    """keras.losses.BinaryCrossentropy, the mean over the batch, computed in ``dtype``."""
    import keras

    return keras.losses.BinaryCrossentropy(from_logits=from_logits, dtype=dtype)


def _bce(label: float, logits: Any, from_logits: bool = True, dtype: str = "float64") -> float:
    """Keras' binary cross-entropy of ``logits`` all labelled ``label``, as a Python float."""
    values = np.asarray(logits, dtype=dtype)
    return float(_keras_bce(from_logits, dtype)(np.full(values.shape, label, dtype=dtype), values))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=np.float64) / 2.0))


@lru_cache(maxsize=1)
def _loss_cases() -> tuple[tuple[str, np.ndarray, np.ndarray, bool, bool], ...]:
    """(what the case is, real logits, fake logits, passed as tensors, with large logits): random logits of a
    discriminator that half knows its job (real around +1, fake around −1), then logits of ±50 and ±200."""
    rng = np.random.default_rng(8)

    def logits(shape: tuple, centre: float, dtype: Any) -> np.ndarray:
        return rng.normal(centre, 2.0, shape).astype(dtype)

    large_real = np.array([[50.0], [-50.0], [200.0], [-200.0], [2.0]])
    large_fake = np.array([[-50.0], [50.0], [-200.0], [200.0], [-1.0], [0.5]])
    cases = [
        ("for 8 real and 8 fake logits, float32",
         logits((8, 1), 1.0, np.float32), logits((8, 1), -1.0, np.float32), False, False),
        ("for 5 real and 12 fake logits, float64", logits((5, 1), 1.0, np.float64), logits((12, 1), -1.0, np.float64),
         False, False),
        ("for 1 real and 3 fake logits, float32", logits((1, 1), 1.0, np.float32), logits((3, 1), -1.0, np.float32),
         False, False),
        ("for 16 real and 10 fake logits of shape (n,), float64", logits(16, 1.0, np.float64),
         logits(10, -1.0, np.float64), False, False),
        ("for 6 real and 4 fake logits as tf tensors, float32", logits((6, 1), 1.0, np.float32),
         logits((4, 1), -1.0, np.float32), True, False),
        ("for logits of ±50 and ±200, float32", large_real.astype(np.float32), large_fake.astype(np.float32), False,
         True),
        ("for logits of ±50 and ±200, float64", large_real, large_fake, False, True),
    ]
    for _, real, fake, _, _ in cases:
        real.flags.writeable = fake.flags.writeable = False          # the checker hands out copies only
    return tuple(cases)


def _expected_losses(real: np.ndarray, fake: np.ndarray) -> tuple[float, float]:
    """(discriminator_loss, generator_loss) from Keras' BinaryCrossentropy(from_logits=True), in float64."""
    return _bce(1.0, real) + _bce(0.0, fake), _bce(1.0, fake)


def _discriminator_mistakes(real: np.ndarray, fake: np.ndarray) -> list[tuple[float, str]]:
    """What the usual wrong discriminator losses give, each with its hint."""
    n, m = real.size, fake.size
    real_term, fake_term = _bce(1.0, real), _bce(0.0, fake)
    return [
        (_bce(0.0, real) + _bce(1.0, fake), "the labels are swapped: real images are labelled 1, fakes 0, "
                                            "BCE(real labelled 1) + BCE(fake labelled 0)"),
        ((real_term + fake_term) / 2, "the two terms are averaged (or one mean taken over both batches): this "
                                      "exercise adds the two batches' means, BCE(real, 1) + BCE(fake, 0)"),
        ((n * real_term + m * fake_term) / (n + m), "that is one mean over the real and fake batches together: "
                                                    "this exercise adds the two batches' means"),
        (real_term, "the fake term is missing: " + _CONVENTION),
        (fake_term, "the real term is missing: " + _CONVENTION),
        (n * real_term + m * fake_term, "those are sums over the batches: take each batch's mean"),
        (_bce(1.0, _sigmoid(real)) + _bce(0.0, _sigmoid(fake)),
         "a sigmoid was applied to the logits before a loss that expects logits (sigmoid applied twice): "
         "pass the logits themselves"),
        (_bce(1.0, real, False, "float32") + _bce(0.0, fake, False, "float32"),
         "logits taken as probabilities (BinaryCrossentropy() defaults to from_logits=False): pass from_logits=True"),
    ]


def _generator_mistakes(real: np.ndarray, fake: np.ndarray) -> list[tuple[float, str]]:
    """What the usual wrong generator losses give, each with its hint."""
    fake_as_fake = _bce(0.0, fake)      # −mean log(1 − D(G(z)))
    return [
        (-fake_as_fake, _SATURATING),
        (fake_as_fake, _FAKE_AS_FAKE),
        (-(_bce(1.0, real) + fake_as_fake), "that is minus the discriminator's loss (the minimax game): use the "
                                            "non-saturating −mean log D(G(z)) = BCE(fake labelled 1)"),
        (_bce(1.0, real), "that uses the real logits: the generator's loss depends only on D(G(z)), "
                          "BCE(fake labelled 1)"),
        (fake.size * _bce(1.0, fake), "that is a sum over the batch: take the mean"),
        (_bce(1.0, _sigmoid(fake)), "a sigmoid was applied to the logits before a loss that expects logits "
                                    "(sigmoid applied twice): pass the logits themselves"),
        (_bce(1.0, fake, False, "float32"), "logits taken as probabilities (BinaryCrossentropy() defaults to "
                                            "from_logits=False): pass from_logits=True"),
    ]


def _loss_problem(which: str, got: float, expected: float, mistakes: list[tuple[float, str]], single: bool,
                  setting: str, large: bool) -> str:
    """Why one of the two losses is wrong, in one line: a known mistake's hint, else where it differs."""
    for wrong, hint in mistakes:
        if not _close(wrong, expected, True) and _close(got, wrong, True):
            return f"{which} {setting}: {hint}"
    if large:
        return (f"{which} = {_g(got)}, expected {_g(expected)} {setting} (right for moderate logits): a clip or an "
                "ε caps the loss; use softplus: −log σ(x) = softplus(−x)")
    off = abs(got - expected) / max(abs(expected), 1e-12)
    if off < 1e-3:
        return f"{which} = {_g(got)}, expected {_g(expected)} {setting}: close, not exact; {_STABLE_HINT}"
    formula = _CONVENTION if which == "discriminator_loss" else "generator_loss = BCE(fake labelled 1)"
    return f"{which} = {_g(got)}, expected {_g(expected)} {setting} (Keras' BinaryCrossentropy): {formula}"


def check_gan_losses(gan_losses: Callable[[Any, Any], tuple[Any, Any]]) -> CheckResult:
    """Check the discriminator's and the non-saturating generator's losses from logits. Introduced in 08.

    Compared with ``keras.losses.BinaryCrossentropy(from_logits=True)`` on 7 cases: random logits of batches of 1 to
    16, real and fake batches of different sizes, shapes (n, 1) and (n,), float32 and float64 arrays and tf tensors,
    and logits of ±50 and ±200, where a naive log(sigmoid(x)) gives inf or NaN. The convention checked:
    discriminator_loss = BCE(real labelled 1) + BCE(fake labelled 0), the two batches' means added (not averaged);
    generator_loss = BCE(fake labelled 1) = −mean log D(G(z)). The two losses may be Python or NumPy scalars, 0-d
    arrays or tensors, compared to float32 precision when the logits or the answer are float32."""

    def body(gan_losses: Callable[[Any, Any], tuple[Any, Any]]) -> str:
        for setting, real, fake, as_tensors, large in _loss_cases():
            if as_tensors:
                import tensorflow as tf

                given = (tf.constant(real), tf.constant(fake))
            else:
                given = (real, fake)
            raw = _call_quietly(gan_losses, *given, context=setting, hint=_TENSOR_HINT if as_tensors else "")
            d, g, single = _two_numbers(raw, setting, ("discriminator_loss", "generator_loss"), _SCALAR_HINT)
            single = single or _single(real, fake)
            expected = _expected_losses(real, fake)
            if not (np.isfinite(d) and np.isfinite(g)):
                if large:
                    raise _Fail(f"got ({_g(d)}, {_g(g)}) {setting}: a naive log(sigmoid(x)) is log(0) once σ(x) "
                                f"rounds to 0 or 1; {_STABLE_HINT}")
                raise _Fail(f"got ({_g(d)}, {_g(g)}) {setting}, NaN or inf: {_STABLE_HINT}")
            if _close((d, g), expected, single):
                continue
            if _close((d, g), expected[::-1], single):
                raise _Fail("the two losses are swapped: return (discriminator_loss, generator_loss)")
            if not _close(d, expected[0], single):
                raise _Fail(_loss_problem("discriminator_loss", d, expected[0], _discriminator_mistakes(real, fake),
                                          single, setting, large))
            raise _Fail(_loss_problem("generator_loss", g, expected[1], _generator_mistakes(real, fake), single,
                                      setting, large))
        return ("matches Keras' BinaryCrossentropy(from_logits=True) on 7 cases: batches of 1-16, float32, float64, "
                "tensors, logits of ±200; discriminator_loss adds the two means")

    return _run("check_gan_losses", body, gan_losses)


# --- check_discriminator_step and check_generator_step ------------------------------------------

_LEARNING_RATE = 0.5
_REAL_SHAPE, _NOISE_SHAPE = (5, 2), (7, 3)       # 5 real "images" of 2 pixels, noise for 7 fakes
_STEP_HINTS = {
    "ascent": "gradient ascent: the weights moved up the loss; apply the gradients of the loss itself "
              "(apply_gradients subtracts learning_rate × gradient)",
    "averaged": "the discriminator's two terms are averaged: this exercise adds the two batches' means",
    "swapped": "the labels are swapped: real images are labelled 1 and fakes 0",
    "saturating": _SATURATING,
    "fake labelled 0": _FAKE_AS_FAKE,
}


def _step_losses(which: str) -> dict[str, Callable[[Any, Any, Any], Any]]:
    """name -> the loss (Keras' BinaryCrossentropy of the real and fake logits) that a version of the step minimises:
    "right" first, then the usual wrong ones."""
    def ones(x: Any) -> np.ndarray:
        return np.ones(tuple(x.shape), "float32")

    def zeros(x: Any) -> np.ndarray:
        return np.zeros(tuple(x.shape), "float32")

    if which == "discriminator":
        return {"right": lambda bce, r, f: bce(ones(r), r) + bce(zeros(f), f),
                "averaged": lambda bce, r, f: (bce(ones(r), r) + bce(zeros(f), f)) / 2,
                "swapped": lambda bce, r, f: bce(zeros(r), r) + bce(ones(f), f)}
    return {"right": lambda bce, r, f: bce(ones(f), f),
            "saturating": lambda bce, r, f: -bce(zeros(f), f),        # mean log(1 − D(G(z)))
            "fake labelled 0": lambda bce, r, f: bce(zeros(f), f)}


def _gan_models() -> tuple[Any, Any]:
    """A tiny generator (noise of 3 → Dense 4 tanh → 2 "pixels") and discriminator (2 → Dense 4 tanh → 1 logit)
    with fixed weights. Every layer is named and zero-initialised, then given weights from a seeded NumPy generator:
    building them neither takes a default name (dense_1, ...) from the learner's layers nor draws a Keras seed."""
    import keras
    from keras import layers

    def dense(units: int, activation: str | None, name: str) -> Any:
        return layers.Dense(units, activation=activation, kernel_initializer="zeros", bias_initializer="zeros",
                            name=name)

    generator = keras.Sequential([keras.Input(_NOISE_SHAPE[1:], name="noise"), dense(4, "tanh", "hidden"),
                                  dense(_REAL_SHAPE[1], None, "out")], name="generator")
    discriminator = keras.Sequential([keras.Input(_REAL_SHAPE[1:], name="image"), dense(4, "tanh", "hidden"),
                                      dense(1, None, "out")], name="discriminator")
    rng = np.random.default_rng(8)
    for model in (generator, discriminator):
        model.set_weights([rng.normal(0.0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    return generator, discriminator


@lru_cache(maxsize=1)
def _step_inputs() -> tuple[np.ndarray, np.ndarray]:
    """(real_images, noise), float32 and read-only: the checker hands out copies."""
    rng = np.random.default_rng(80)
    real = rng.normal([1.5, -1.0], 0.5, _REAL_SHAPE).astype(np.float32)
    noise = rng.normal(0.0, 1.0, _NOISE_SHAPE).astype(np.float32)
    real.flags.writeable = noise.flags.writeable = False
    return real, noise


def _logits(generator: Any, discriminator: Any) -> tuple[Any, Any]:
    real, noise = _step_inputs()
    return discriminator(real, training=True), discriminator(generator(noise, training=True), training=True)


def _loss_now(which: str, generator: Any, discriminator: Any) -> float:
    """The right loss of ``which`` for the models' current weights, in float64 from their float32 logits."""
    real_logits, fake_logits = (np.asarray(x) for x in _logits(generator, discriminator))
    return _expected_losses(real_logits, fake_logits)[0 if which == "discriminator" else 1]


@lru_cache(maxsize=2)
def _expected_step(which: str) -> dict[str, Any]:
    """What one step of ``which`` ("discriminator" or "generator") does to fresh hidden models, computed on copies of
    them: the loss before the update, each candidate loss's value, and the trained model's weights after one SGD step
    on each candidate loss (w − learning_rate × ∂loss/∂w), "ascent" being w + learning_rate × ∂loss/∂w."""
    import tensorflow as tf

    generator, discriminator = _gan_models()
    variables = (discriminator if which == "discriminator" else generator).trainable_weights
    start = [v.numpy() for v in variables]
    bce = _keras_bce(True, "float32")
    values, updates, gradient = {}, {}, []
    for name, loss in _step_losses(which).items():
        with tf.GradientTape() as tape:
            value = loss(bce, *_logits(generator, discriminator))
        gradients = [g.numpy() for g in tape.gradient(value, variables)]
        values[name] = float(value)
        updates[name] = [w - np.float32(_LEARNING_RATE) * g for w, g in zip(start, gradients)]
        if name == "right":
            gradient = gradients
            updates["ascent"] = [w + np.float32(_LEARNING_RATE) * g for w, g in zip(start, gradients)]
    return {"loss": _loss_now(which, generator, discriminator), "values": values, "updates": updates,
            "start": start, "gradient": gradient}


def _moved(model: Any, before: list[np.ndarray]) -> list[tuple[str, bool]]:
    """(path, whether it changed) for each trainable weight of ``model``."""
    return [(v.path, not np.array_equal(v.numpy(), w)) for v, w in zip(model.trainable_weights, before)]


def _update_problem(which: str, got: list[np.ndarray], expected: dict[str, Any], paths: list[str]) -> str | None:
    """Why the trained model's weights are not one SGD step on the right gradients; None when they are."""
    right = expected["updates"]["right"]
    if all(_close(g, e, True) for g, e in zip(got, right)):
        return None
    for name, update in expected["updates"].items():
        if name == "ascent" and all(_close(g, u, True) for g, u in zip(got, update)):
            return f"the {which}'s update is {_STEP_HINTS[name]}"
        if name != "right" and all(_close(g, u, True) for g, u in zip(got, update)):
            return f"the {which}'s update follows the wrong loss: {_STEP_HINTS[name]}"
    step = np.concatenate([(g - w).ravel() for g, w in zip(got, expected["start"])]).astype(np.float64)
    descent = -np.concatenate([g.ravel() for g in expected["gradient"]]).astype(np.float64)
    scale = float(step @ descent) / float(descent @ descent)
    if scale > 0 and np.linalg.norm(step - scale * descent) < 1e-4 * np.linalg.norm(step):
        return (f"the {which}'s weights moved by {scale:.3g} × gradient, not learning_rate × gradient = "
                f"{_LEARNING_RATE} × gradient: apply the gradients with the `optimizer` passed in, once")
    index = next(i for i, (g, e) in enumerate(zip(got, right)) if not _close(g, e, True))
    return (f"{_worst(got[index], right[index], paths[index])} after the step: one SGD step moves each weight by "
            f"−learning_rate × ∂loss/∂w of the {which}'s loss (gan_losses)")


def _check_step(which: str, step: Callable[..., Any]) -> str:
    """The body of check_discriminator_step and check_generator_step: ``which`` names the network that must move."""
    import keras

    other = "generator" if which == "discriminator" else "discriminator"
    generator, discriminator = _gan_models()
    models = {"generator": generator, "discriminator": discriminator}
    before = {name: [v.numpy() for v in model.trainable_weights] for name, model in models.items()}
    real, noise = _step_inputs()
    optimizer = keras.optimizers.SGD(learning_rate=_LEARNING_RATE)     # a new one: no state from an earlier call
    if which == "discriminator":
        args, shown = (generator, discriminator, optimizer, real, noise), "real_images of shape (5, 2), noise (7, 3)"
    else:
        args, shown = (generator, discriminator, optimizer, noise), "noise of shape (7, 3)"
    context = f"for tiny Dense models, SGD(learning_rate={_LEARNING_RATE}), {shown}"
    loss = _call(step, *args, context=context)
    own, others = _moved(models[which], before[which]), _moved(models[other], before[other])
    weights = f"{which}.trainable_weights"
    if not any(flag for _, flag in own + others):
        raise _Fail(f"no weight moved: apply the gradients, optimizer.apply_gradients(zip(gradients, {weights}))")
    moved_other = [path for path, flag in others if flag]
    if moved_other and not any(flag for _, flag in own):
        raise _Fail(f"the {which} step moved the {other}'s weights instead of the {which}'s: differentiate with "
                    f"respect to {weights} and apply the gradients to those")
    if moved_other:
        raise _Fail(f"the {which} step also moved the {other}'s `{moved_other[0]}`: differentiate and apply the "
                    f"gradients for {weights} only, not both networks' weights")
    still = [path for path, flag in own if not flag]
    if still:
        raise _Fail(f"`{still[0]}` did not move: apply the gradients to every weight of {weights}")
    got = _number(loss, "the returned loss", "return the loss, one number (a 0-d tensor is fine)")
    expected = _expected_step(which)
    if not _close(got, expected["loss"], True):
        after = _loss_now(which, generator, discriminator)
        if _close(got, after, True):
            raise _Fail(f"the returned loss, {_g(got)}, is the loss after the update: return the loss computed under "
                        f"the tape, before apply_gradients ({_g(expected['loss'])})")
        for name, value in expected["values"].items():
            if name != "right" and _close(got, value, True):
                raise _Fail(f"the returned loss is {_g(got)}: {_STEP_HINTS[name]}")
        if _close(-got, expected["loss"], True):
            raise _Fail(f"the returned loss is {_g(got)}, minus the {which}'s loss: minimise the loss itself, "
                        "a cross-entropy ≥ 0")
        raise _Fail(f"the returned loss = {_g(got)}, expected {_g(expected['loss'])}: the {which}'s loss (gan_losses) "
                    "computed before the update")
    paths = [path for path, _ in own]
    problem = _update_problem(which, [v.numpy() for v in models[which].trainable_weights], expected, paths)
    if problem:
        raise _Fail(problem)
    return (f"moves every {which} weight and no {other} weight, returns the loss before the update, and the update is "
            f"one SGD step (learning_rate {_LEARNING_RATE}) on the {which}'s loss")


def check_discriminator_step(discriminator_step: Callable[..., Any]) -> CheckResult:
    """Check one training step of the discriminator on a tiny hidden generator and discriminator. Introduced in 08.

    The check calls ``discriminator_step(generator, discriminator, optimizer, real_images, noise)`` once with a plain
    ``keras.optimizers.SGD(learning_rate=0.5)``, a new one for each check (no momentum, no state), on Dense models
    with fixed weights (noise of 3 → 4 tanh → 2 for the generator, 2 → 4 tanh → 1 logit for the discriminator), and
    compares with one SGD step computed on copies: every discriminator weight moves and no generator weight, the
    returned loss is the discriminator's loss before the update (a number or a 0-d tensor), and each weight becomes
    w − 0.5 × ∂loss/∂w."""

    def body(discriminator_step: Callable[..., Any]) -> str:
        return _check_step("discriminator", discriminator_step)

    return _run("check_discriminator_step", body, discriminator_step)


def check_generator_step(generator_step: Callable[..., Any]) -> CheckResult:
    """Check one training step of the generator on a tiny hidden generator and discriminator. Introduced in 08.

    The check calls ``generator_step(generator, discriminator, optimizer, noise)`` once with a plain
    ``keras.optimizers.SGD(learning_rate=0.5)``, a new one for each check (no momentum, no state), on the Dense models
    of :func:`check_discriminator_step`, and compares with one SGD step computed on copies: every generator weight
    moves and no discriminator weight, the returned loss is the non-saturating generator loss before the update (a
    number or a 0-d tensor), and each weight becomes w − 0.5 × ∂loss/∂w."""

    def body(generator_step: Callable[..., Any]) -> str:
        return _check_step("generator", generator_step)

    return _run("check_generator_step", body, generator_step)


# --- diagnosis: which run is healthy, which collapsed, which diverged? ----------------------------

RUN_KINDS = ("healthy", "collapsed", "diverged")
_RUNS = {"A": "collapsed", "B": "diverged", "C": "healthy"}     # the answer of 08's diagnosis exercise
_LOOK_FOR_RUN = {
    "healthy": "look for samples that are varied (many different digits) and losses that stay near the stable "
               "point's values, 2 log 2 for the discriminator and log 2 for the generator, without settling",
    "collapsed": "look for samples that are nearly the same image for every noise vector, while the generator's "
                 "loss sinks and the discriminator's climbs: the generator found one output the discriminator accepts "
                 "and sends every z there",
    "diverged": "look for a discriminator loss falling towards 0 while the generator's climbs: the discriminator "
                "wins every round, the generator does not catch up, and the samples stay noise or blobs",
}


def name_the_runs() -> dict[str, str]:
    """The answer of 08's diagnosis exercise: run label -> what happened to it. Introduced in 08."""
    return dict(_RUNS)


REFERENCES = REFERENCES + (name_the_runs,)


def check_name_the_runs(name_the_runs: Callable[[], dict]) -> CheckResult:
    """Check the learner's diagnosis of 08's three runs A–C (label -> one of ``RUN_KINDS``). Introduced in 08."""
    return _check_labels("check_name_the_runs", name_the_runs, _RUNS, RUN_KINDS, "diagnosis", _LOOK_FOR_RUN,
                         "all three right: variety and losses near the stable point, one image for every z, and a "
                         "discriminator that won")
