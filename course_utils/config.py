"""``setup()``: the one call at the top of every notebook. Introduced in 00."""
from __future__ import annotations

import os
import random
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

# Must be set before TensorFlow is imported anywhere, or its C++ start-up chatter lands in
# the output of the first cell that imports it. Level 3 also hides C++ ERROR lines that are no
# error of the learner's: e.g. TensorFlow's graph rewriter reporting that it could not fuse a
# convolution with the LeakyReLU after it (08's discriminator); the graph then runs unfused. A real
# failure still raises a Python exception with its message.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

QUICK_ENV = "COURSE_QUICK"
BINDER_ENV = "BINDER_SERVICE_HOST"   # set in every Binder session (mybinder.org and BinderHub)


@dataclass(frozen=True)
class Config:
    """What ``setup()`` found. Introduced in 00.

    Attributes
    ----------
    quick : bool
        Quick mode: smaller data and fewer epochs so a notebook runs in about a minute.
    gpu : bool
        True when TensorFlow sees at least one GPU.
    device : str
        Human-readable device, e.g. ``"CPU, 2 threads"`` or ``"GPU: NVIDIA A100"``.
    seed : int
        The seed given to Python, NumPy and TensorFlow.
    tf_version, keras_version : str
    binder_default : bool
        True when quick mode is on only because this is a Binder session (the line then says how to turn it off).
    """

    quick: bool
    gpu: bool
    device: str
    seed: int
    tf_version: str
    keras_version: str
    binder_default: bool = False

    def line(self) -> str:
        """The one-line summary that ``setup()`` prints."""
        mode = "quick mode" if self.quick else "full mode"
        if self.binder_default:
            mode += " (Binder's default; cu.setup(quick=False) for full mode)"
        return (f"TensorFlow {self.tf_version} · Keras {self.keras_version} · {self.device} · "
                f"{mode} · seed {self.seed}")


_QUICK_WORDS = {"": False, "0": False, "false": False, "no": False, "off": False,
                "1": True, "true": True, "yes": True, "on": True}


def _quick_word(text: str) -> bool | None:
    """True/False for a recognised on/off word (case and surrounding spaces ignored), else None."""
    return _QUICK_WORDS.get(text.strip().lower())


def on_binder() -> bool:
    """True in a Binder session, where quick mode is the default: its machines are small and short-lived."""
    return bool(os.environ.get(BINDER_ENV))


def _binder_default(quick: object) -> bool:
    """True when quick mode comes from Binder's default: on Binder, with neither ``quick`` nor ``COURSE_QUICK`` set."""
    return quick is None and on_binder() and not os.environ.get(QUICK_ENV, "").strip()


def quick_from_env(value: str | None = None) -> bool:
    """Read quick mode from ``COURSE_QUICK`` (``1``/``0``; unset means full mode, or quick mode on Binder).
    Introduced in 00.

    Raises
    ------
    ValueError
        For anything other than 1/0/true/false/yes/no/on/off (case-insensitive) or empty.
    """
    raw = os.environ.get(QUICK_ENV, "") if value is None else value
    if value is None and not raw.strip() and on_binder():
        return True
    parsed = _quick_word(raw)
    if parsed is None:
        raise ValueError(f"{QUICK_ENV}={raw!r} is not understood: use {QUICK_ENV}=1 for quick mode "
                         f"or {QUICK_ENV}=0 (or leave it unset) for full mode.")
    return parsed


def _quick_argument(quick: object) -> bool:
    """The ``quick`` argument of ``setup()`` as a bool: True/False/None, or an on/off word."""
    if quick is None:
        return quick_from_env()
    if isinstance(quick, bool):
        return quick
    if isinstance(quick, str):
        parsed = _quick_word(quick)
        if parsed is not None:
            return parsed
    raise ValueError(f"quick={quick!r} is not understood: use quick=True for quick mode, quick=False for "
                     f"full mode, or leave it out to follow {QUICK_ENV}.")


@contextmanager
def _quiet_stderr_fd() -> Iterator[None]:
    """Silence C-level writes to file descriptor 2 (TensorFlow's absl start-up lines)."""
    try:
        saved = os.dup(2)
    except OSError:  # no real fd 2 (some embedded consoles): nothing to silence
        yield
        return
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _import_tensorflow():
    with _quiet_stderr_fd():
        import tensorflow as tf
    return tf


def _plot_defaults() -> None:
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.figsize": (6.0, 4.0),
        "figure.dpi": 80,            # small stored notebooks; zoom in the browser if needed
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "viridis",
        "legend.frameon": False,
    })


def reseed(seed: int = 0) -> None:
    """Seed Python, NumPy and TensorFlow again, e.g. at the start of a model section. Introduced in 00."""
    import keras

    random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds NumPy and the TensorFlow backend


def setup(seed: int = 0, quick: bool | str | None = None, verbose: bool = True) -> Config:
    """Prepare a notebook: seeds, device, quick mode, plot style. Introduced in 00.

    Parameters
    ----------
    seed : int, default 0
        Seeds Python's ``random``, NumPy and TensorFlow, so a re-run gives the same numbers on
        the same machine (GPU kernels may still differ slightly).
    quick : bool, str or None, default None
        Quick mode. None reads the environment variable ``COURSE_QUICK`` (``1`` = quick).
        A string is read like ``COURSE_QUICK``: ``"1"``, ``"true"``, ``"yes"``, ``"on"`` mean quick
        mode and ``"0"``, ``"false"``, ``"no"``, ``"off"`` or ``""`` mean full mode (any case), so
        a value copied from the shell or a config file means what it says (``quick="no"`` is
        full mode). Anything else, such as ``"maybe"`` or ``1``, is refused.
    verbose : bool, default True
        Print the one-line summary (versions, device, mode, seed).

    Returns
    -------
    Config
        ``cfg.quick``, ``cfg.gpu``, ``cfg.device``, ``cfg.seed`` and the versions.

    Raises
    ------
    ValueError
        A negative or non-integer ``seed``, a ``quick`` that is not True/False/None or one of the
        words above, or (with ``quick=None``) an unclear ``COURSE_QUICK``.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
    is_quick = _quick_argument(quick)
    tf = _import_tensorflow()
    import keras

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)  # share the GPU with other kernels
        except RuntimeError:  # already initialised by an earlier cell: growth was set then, or cannot be
            pass
    if gpus:
        names = []
        for gpu in gpus:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        device = "GPU: " + ", ".join(names)
    else:
        threads = os.cpu_count() or 1
        device = f"CPU, {threads} thread{'s' if threads != 1 else ''} (no GPU found)"
    reseed(seed)
    from .training import build_before_first_step
    build_before_first_step()          # each model's first training step traced once, not twice
    _plot_defaults()
    cfg = Config(quick=is_quick, gpu=bool(gpus), device=device, seed=seed,
                 tf_version=tf.__version__, keras_version=keras.__version__, binder_default=_binder_default(quick))
    if verbose:
        print(cfg.line())
    return cfg
