"""``solved_or_reference``: lesson cells keep running when an exercise is not solved yet. Introduced in 00."""
from __future__ import annotations

import inspect
from typing import Any, Callable

from . import (attention, cnn, explainability, gan, initialization, keras_basics, language_model, logistic, mlp,
               regularization, segmentation, word_vectors)
from .core import LEARNER_ATTRIBUTE

TOPICS = (keras_basics, logistic, mlp, initialization, regularization, cnn, language_model, word_vectors, gan,
          segmentation, explainability, attention)
REFERENCES: dict[str, Callable] = {function.__name__: function for topic in TOPICS for function in topic.REFERENCES}


def solved_or_reference(fn: Callable | None, name: str | None = None) -> Callable:
    """The learner's function if it is solved, else the course's reference version of that exercise. Introduced in 00.

    The returned callable calls ``fn``. If ``fn`` is None or raises ``NotImplementedError`` (the
    stub of a student copy), it prints one line, once, and from then on calls the reference
    version, which has the exercise's signature. Any other error from ``fn`` is raised as usual.

    Parameters
    ----------
    fn : callable or None
        The learner's function, e.g. ``sigmoid``; None when it was never defined.
    name : str or None, default None
        The exercise's name; None means ``fn.__name__``.

    Returns
    -------
    callable
        Takes the same arguments as the exercise's function. Checkers given it check ``fn``.

    Raises
    ------
    ValueError
        When ``name`` is not an exercise of the course, or both ``fn`` and ``name`` are None.
    TypeError
        When ``fn`` is neither callable nor None.

    Examples
    --------
    The cell after an exercise's check: ``sigmoid = checks.solved_or_reference(sigmoid)``.
    """
    fn = getattr(fn, LEARNER_ATTRIBUTE, fn)   # wrapping twice wraps the learner's function once
    if fn is not None and not callable(fn):
        raise TypeError(f"fn must be a function or None, not a {type(fn).__name__}")
    if name is None:
        if fn is None:
            raise ValueError("solved_or_reference(None) needs the exercise's name, e.g. "
                             "solved_or_reference(None, 'sigmoid')")
        name = getattr(fn, "__name__", "")
    if name not in REFERENCES:
        raise ValueError(f"no reference version for {name!r}: the exercises are {', '.join(REFERENCES)}")
    reference = REFERENCES[name]
    use_reference, announced = fn is None, False

    def solved_or_reference_call(*args: Any, **kwargs: Any) -> Any:
        nonlocal use_reference, announced
        if not use_reference:
            try:
                return fn(*args, **kwargs)
            except NotImplementedError:
                use_reference = True
        if not announced:
            announced = True
            print(f"{name} is not solved yet: the cells below use the course's reference version "
                  "(solve it above and re-run to use yours).")
        return reference(*args, **kwargs)

    solved_or_reference_call.__name__ = solved_or_reference_call.__qualname__ = name
    solved_or_reference_call.__doc__ = f"Your {name} if it is solved, else the course's reference version."
    solved_or_reference_call.__signature__ = inspect.signature(reference)
    setattr(solved_or_reference_call, LEARNER_ATTRIBUTE, fn)
    return solved_or_reference_call
