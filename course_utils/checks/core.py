"""What every checker shares: the one-line result, the error handling, and the one policy. Introduced in 00.

The policy every ``check_*`` follows (each is tested in tests/test_checks_core.py):

- **Values.** An array answer may be anything ``np.asarray`` turns into numbers: a NumPy array, a list, a
  TensorFlow tensor or a Keras variable; a number may be a Python or NumPy scalar or a 0-d array or tensor.
  Booleans, strings and objects are refused with a one-line reason.
- **Precision.** Answers are compared to float64 precision, or to float32 precision (relative 1e-5) when an
  input or the answer is float32, as TensorFlow computes by default.
- **Arguments.** A checked function must leave its arguments unchanged (the lessons keep them, e.g. every
  θ of an optimizer's path): a change in place is refused, saying which argument and how to avoid it.
- **Own work.** The course's reference version (or any course_utils function) handed in as the answer is
  refused: the exercise is to write it.
- **Output.** What the learner's code prints while it is checked is captured, not shown; the one-line result
  says how much was printed.
- **Randomness.** A statistical check rejects a correct answer with probability below 1e-6, whichever way
  the answer uses its random generator; each such check states its bound in its docstring.
- **Choices.** In a diagnosis exercise a choice may be given as its text in any case, or as the number it names.
"""
from __future__ import annotations

import functools
import inspect
import io
import re
import warnings
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

NOT_ATTEMPTED = "not attempted yet: replace `raise NotImplementedError()` in the cell above with your code"
LEARNER_ATTRIBUTE = "_course_learner"   # set by solved_or_reference on its wrapper: the learner's own function


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check: ``ok``, the checker's ``name`` and a one-line ``message``. Introduced in 00."""

    ok: bool
    name: str
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"[{'PASS' if self.ok else 'FAIL'}] {self.name}: {self.message}"


class _Fail(Exception):
    """Raised inside a checker to stop at the first problem found."""


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())  # no colour codes, no line breaks
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _answer(answer: Any) -> Any:
    """The learner's own function, also when it comes wrapped by ``solved_or_reference``."""
    return getattr(answer, LEARNER_ATTRIBUTE, answer)


class _Counter(io.TextIOBase):
    """A stream that counts what is written to it, lines and characters, and keeps none of it."""

    def __init__(self) -> None:
        self.characters = self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.characters += len(text)
        self.lines += text.count("\n")
        return len(text)

    def summary(self) -> str:
        if not self.characters:
            return ""
        lines = max(self.lines, 1)
        return f" (your code printed {lines:,} line{'s' if lines != 1 else ''} while it was checked; not shown)"


def _course_function(answer: Any) -> bool:
    """True when ``answer`` is a function of course_utils itself (a reference version), not the learner's."""
    function = _unwrapped(answer)
    return inspect.isfunction(function) and str(getattr(function, "__module__", "")).startswith("course_utils")


def _unwrapped(answer: Any) -> Any:
    """The function behind ``functools.partial`` layers and bound methods."""
    while isinstance(answer, functools.partial):
        answer = answer.func
    return getattr(answer, "__func__", answer)


def _run(name: str, body: Callable[[Callable], str], answer: Any) -> CheckResult:
    """Run ``body(answer)``, which returns the PASS message or raises; never raise.

    What the learner's code prints meanwhile is counted, not shown (a print in a sampler called 6,000
    times would flood the notebook), and the result says how much was printed.
    """
    answer = _answer(answer)
    if answer is None:
        return CheckResult(False, name, NOT_ATTEMPTED)
    if _course_function(answer):
        function = _unwrapped(answer)
        return CheckResult(False, name, f"that is the course's own `{function.__name__}` (from {function.__module__}), "
                                        "not yours: write the function in the cell above")
    printed = _Counter()
    try:
        with redirect_stdout(printed), redirect_stderr(printed):
            message = body(answer)
        ok = True
    except _Fail as failure:
        ok, message = False, str(failure)
    except NotImplementedError:
        return CheckResult(False, name, NOT_ATTEMPTED)
    except Exception as error:  # the learner's code raised: report it in one line
        ok, message = False, f"your code raised {type(error).__name__}: {error}"
    suffix = printed.summary()
    return CheckResult(ok, name, _one_line(message, 200 - len(suffix)) + suffix)


# --- calling the learner's code ------------------------------------------------------------------

def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(item) for item in value)
    return value


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and after.shape == before.shape and after.dtype == before.dtype
                and np.array_equal(after, before, equal_nan=True))
    if isinstance(before, (list, tuple)):
        return len(after) == len(before) and all(_unchanged(b, a) for b, a in zip(before, after))
    return True


def _parameter_name(function: Callable, position: int) -> str:
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    return names[position] if position < len(names) else f"number {position + 1}"


def _call(function: Callable, *args: Any, context: str = "", hint: str = "", **kwargs: Any) -> Any:
    """Call the learner's function on copies of the arguments; fail if it changed one of them in place.

    An error raised by the learner's code becomes a failure that says where (``context``) and what
    to do (``hint``). NotImplementedError and NumPy's floating-point errors pass through.
    """
    given_args, given_kwargs = [_copy(a) for a in args], {k: _copy(v) for k, v in kwargs.items()}
    try:
        result = function(*given_args, **given_kwargs)
    except (NotImplementedError, FloatingPointError, RuntimeWarning, _Fail):
        raise
    except Exception as error:
        where = f" {context}" if context else ""
        raise _Fail(f"your code raised {type(error).__name__}{where}: {error}{': ' + hint if hint else ''}") from None
    for position, (before, after) in enumerate(zip(args, given_args)):
        if not _unchanged(before, after):
            name = _parameter_name(function, position)
            raise _Fail(f"your function changed its argument `{name}` in place: compute new arrays "
                        f"(x = x - m) rather than changing the caller's (x -= m, x[...] = ...)")
    for key in kwargs:
        if not _unchanged(kwargs[key], given_kwargs[key]):
            raise _Fail(f"your function changed its argument `{key}` in place: compute new arrays instead")
    return result


def _call_quietly(function: Callable, *args: Any, context: str, hint: str) -> Any:
    """``_call`` with NumPy's floating-point warnings silenced (an inf or NaN result is diagnosed, not printed), and
    an error of the learner's code reported with the ``hint`` before its text (TensorFlow's errors are long)."""

    @functools.wraps(function)          # the in-place message names the learner's own parameters
    def hinted(*args: Any) -> Any:
        try:
            return function(*args)
        except (NotImplementedError, _Fail):
            raise
        except Exception as error:
            raise _Fail(f"your code raised {type(error).__name__} {context}: "
                        f"{hint + ' (' + str(error) + ')' if hint else error}") from None

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            return _call(hinted, *args, context=context)


def _expect_refusal(function: Callable, *args: Any, where: str, why: str) -> None:
    """Fail unless ``function(*args)`` raises ValueError, the exercises' one way of refusing an impossible input;
    ``where`` names the input in the message ("size 573"), ``why`` says what makes it impossible."""
    try:
        value = function(*args)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        raise _Fail(f"{where} raised {type(error).__name__}: raise ValueError (the exercise's choice), as {why}") from None
    if value is None:
        raise _Fail(f"{where} returned None: raise ValueError instead (the exercise's choice), as {why}")
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape):
        shown = f"an array of shape {tuple(shape)}"
    else:
        try:
            shown = _g(value)
        except (TypeError, ValueError):
            shown = repr(value)
    raise _Fail(f"{where} gives {shown}: raise ValueError, as {why}")


@contextmanager
def _strict(hint: str, context: str = "") -> Iterator[None]:
    """Turn NumPy's overflow, invalid-value and divide-by-zero warnings into a failure with a hint."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            try:
                yield
            except (FloatingPointError, RuntimeWarning) as error:
                where = f" {context}" if context else ""
                raise _Fail(f"NumPy: {error}{where}: {hint}") from None


# --- what the learner returned -------------------------------------------------------------------

def _numeric(value: Any, what: str, booleans: bool = False) -> np.ndarray:
    """``value`` through ``np.asarray``: arrays, lists, tensors and variables; refused unless it gives numbers
    (or booleans, when ``booleans``: a mask)."""
    if value is None:
        raise _Fail(f"{what} is None: did you forget `return`?")
    if isinstance(value, (str, bytes, dict, set)):
        raise _Fail(f"{what} is a {type(value).__name__}, expected numbers")
    try:
        array = np.asarray(value)
    except Exception:   # ragged lists, objects NumPy cannot convert
        raise _Fail(f"{what} is a {type(value).__name__} that np.asarray cannot turn into an array of numbers "
                    "(rows of different lengths?)") from None
    if (array.dtype == bool and not booleans) or (array.dtype != bool and not np.issubdtype(array.dtype, np.number)):
        kind = "booleans" if array.dtype == bool else f"{type(value).__name__} values"
        raise _Fail(f"{what} holds {kind} (dtype {array.dtype}), expected {'booleans or ' * booleans}numbers")
    return array


def _ndarray(value: Any, what: str, shape: tuple | None = None) -> np.ndarray:
    """``value`` as a NumPy array of numbers: anything ``np.asarray`` converts (arrays, lists, tensors).

    With ``shape`` given, a single number where an array of that shape is expected is refused here, with
    the expected shape in the message.
    """
    array = _numeric(value, what)
    if shape is not None and shape != () and array.shape == ():
        raise _Fail(f"{what} is a single number, expected an array of shape {shape}: work on the whole array")
    return array


def _number(value: Any, what: str, hint: str = "return one number") -> float:
    """``value`` as a float: a Python or NumPy scalar, or a 0-d array or tensor."""
    if isinstance(value, (bool, np.bool_)):
        raise _Fail(f"{what} is {value}, expected a number")
    if isinstance(value, (list, tuple)):
        raise _Fail(f"{what} is a {type(value).__name__}, expected one number: {hint}")
    array = _numeric(value, what)
    if array.shape != ():
        raise _Fail(f"{what} has shape {array.shape}, expected one number: {hint}")
    return float(array)


def _expect_shape(out: np.ndarray, shape: tuple, what: str, hint: str = "") -> None:
    if out.shape != shape:
        raise _Fail(f"{what} has shape {out.shape}, expected {shape}{': ' + hint if hint else ''}")


def _expect_finite(out: np.ndarray, what: str, hint: str) -> None:
    if not np.all(np.isfinite(out)):
        raise _Fail(f"{what} contains NaN or inf: {hint}")


# --- comparing numbers ---------------------------------------------------------------------------

def _two_numbers(value: Any, setting: str, names: tuple[str, str], hint: str) -> tuple[float, float, bool]:
    """The learner's pair of numbers (``names``, e.g. ("dice", "iou")) as floats, and whether either came as float32.
    A tuple, a list or an array of two numbers is accepted; ``hint`` says what each number must be."""
    if value is None:
        raise _Fail("returned None: did you forget `return`?")
    pair = f"return two numbers, ({names[0]}, {names[1]})"
    if isinstance(value, (str, bytes, dict, set)):
        raise _Fail(f"returned a {type(value).__name__} {setting}: {pair}")
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise _Fail(f"returned {len(value)} values {setting}: {pair}")
        items = tuple(value)
    else:
        array = _numeric(value, "the result")
        if array.shape != (2,):
            what = "one number" if array.shape == () else f"an array of shape {array.shape}"
            raise _Fail(f"returned {what} {setting}: {pair}")
        items = (array[0], array[1])
    first = _number(items[0], f"{names[0]} (the first value) {setting}", hint)
    second = _number(items[1], f"{names[1]} (the second value) {setting}", hint)
    return first, second, _single(*items)


def _single(*values: Any) -> bool:
    """True when any of the values is float32 (or float16): compare to float32 precision."""
    return any(np.asarray(v).dtype in (np.float32, np.float16) for v in values)


def _close(got: Any, expected: Any, single: bool = False) -> bool:
    """Equal to float64 precision, or to float32 precision (relative 1e-5) when ``single`` or when ``got``
    itself is float32 (or float16)."""
    single = single or _single(got)
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    rtol, atol = (1e-5, 1e-5 * scale) if single else (1e-7, 1e-9 * scale)
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def _g(value: Any) -> str:
    """A number with 8 significant digits: enough to see float32-sized differences."""
    return f"{float(value):.8g}"


def _worst_index(got: np.ndarray, expected: np.ndarray) -> tuple:
    """The index where ``got`` is relatively furthest from ``expected`` (NaN counts as furthest)."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    with np.errstate(all="ignore"):
        distance = np.abs(got - expected) / (np.abs(expected) + 1e-12)
    distance = np.where(np.isnan(distance), np.inf, distance)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(distance)), got.shape))


def _worst(got: np.ndarray, expected: np.ndarray, what: str) -> str:
    """Where ``got`` and ``expected`` differ most, e.g. ``w_new[2] = 0.51234567, expected 0.51234912``."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape == ():
        return f"{what} = {_g(got)}, expected {_g(expected)}"
    index = _worst_index(got, expected)
    return f"{what}[{', '.join(map(str, index))}] = {_g(got[index])}, expected {_g(expected[index])}"


# --- Keras models --------------------------------------------------------------------------------

def _dense_layers(model: Any) -> list:
    """The Dense layers of a model in the order they are listed, looking inside nested models."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif hasattr(layer, "layers"):
            found.extend(_dense_layers(layer))
    return found


def _activation_name(layer: Any) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation))


def _dense_forward(layer: Any, x: np.ndarray) -> np.ndarray:
    """``x @ kernel + bias`` of a Dense layer, in float64, without its activation."""
    weights = layer.get_weights()
    out = x.astype(np.float64) @ weights[0].astype(np.float64)
    return out + weights[1] if len(weights) > 1 else out


def _choice(value: Any, choices: tuple[str, ...]) -> Any:
    """The choice ``value`` names: its text in any case and spacing, or a number equal to a numeric choice
    (``np.float32(1.6)`` names "1.6"); anything else is returned unchanged, to be refused by the caller."""
    if isinstance(value, str):
        folded = {choice.lower(): choice for choice in choices}
        return folded.get(value.strip().lower(), value.strip())
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        for choice in choices:
            try:
                number = float(choice)
            except ValueError:
                continue
            if np.isclose(float(value), number, rtol=1e-6, atol=0.0):
                return choice
    return value


def _labelled_answer(answer: Any, labels: list[str], choices: tuple[str, ...], what: str) -> dict[str, str]:
    """Validate a learner's ``{label: choice}`` dict (one of ``choices`` per label, each used once); normalised."""
    if not isinstance(answer, dict):
        raise _Fail(f"returned a {type(answer).__name__}: return a dict from each of "
                    f"{', '.join(repr(label) for label in labels)} to the name of {what}")
    if sorted(map(str, answer)) != sorted(labels):
        raise _Fail(f"the keys are {sorted(map(str, answer))}: name one {what} for each of "
                    f"{', '.join(repr(label) for label in labels)}")
    given = {str(label): _choice(value, choices) for label, value in answer.items()}
    unknown = [value for value in given.values() if value not in choices]
    if unknown:
        raise _Fail(f"{unknown[0]!r} is not one of {', '.join(repr(choice) for choice in choices)}")
    for choice in choices:
        twice = [label for label in sorted(given) if given[label] == choice]
        if len(twice) > 1:
            raise _Fail(f"{choice!r} is given to {' and '.join(twice)}: each {what} goes with exactly one label")
    return given


def _grade_labels(given: dict[str, str], truth: dict[str, str], explain: Callable[[str], str]) -> None:
    """Fail on the first wrong label of a diagnosis answer, saying how many are wrong and what to look for."""
    wrong = [label for label in sorted(truth) if given[label] != truth[label]]
    if wrong:
        label = wrong[0]
        raise _Fail(f"{len(wrong)} of {len(truth)} wrong; {label} is not {given[label]!r}: {explain(label)}")


def _check_labels(name: str, answer: Any, truth: dict[str, str], choices: tuple[str, ...], what: str,
                  look_for: dict[str, str], praise: str) -> CheckResult:
    """The whole check of a diagnosis exercise: the learner's ``{label: choice}`` against ``truth``; a wrong label
    gets the hint ``look_for[true choice]``, all right gets ``praise``."""

    def body(answer: Callable[[], dict]) -> str:
        given = _labelled_answer(_call(answer), sorted(truth), choices, what)
        _grade_labels(given, truth, lambda label: look_for[truth[label]])
        return praise

    return _run(name, body, answer)
