"""What every checker shares: one line, never raises, the stub reported as not attempted.

The helpers ``stub``, ``assert_fails`` and ``assert_passes`` are imported by the other test_checks_* files.
"""
import functools
import re
import types

import numpy as np
import pytest

import course_utils
from course_utils import checks
from course_utils.checks import fallback

CHECKERS = [name for name in checks.__all__ if name.startswith("check_")]
EXERCISE = {name: {"check_classifier": "make_classifier",
                   "check_two_input_model": "make_two_input_model",
                   "check_learning_rate": "choose_learning_rate", "check_l2_lambda": "choose_l2_lambda"}.get(name, name[len("check_"):]) for name in CHECKERS}


def stub(*args, **kwargs):
    raise NotImplementedError()


def assert_fails(result, fragment):
    assert isinstance(result, checks.CheckResult)
    assert not result, f"should fail: {result}"
    assert fragment in result.message, f"{fragment!r} not in {result.message!r}"
    assert "\n" not in repr(result) and repr(result).startswith("[FAIL] ")


def assert_passes(result):
    assert isinstance(result, checks.CheckResult)
    assert result, f"should pass: {result}"
    assert repr(result).startswith("[PASS] ") and "\n" not in repr(result)


def test_the_package_keeps_the_old_names():
    assert course_utils.checks is checks
    assert sorted(CHECKERS) == sorted(name for name in dir(checks) if name.startswith("check_"))
    assert len(CHECKERS) == 46 and all(callable(getattr(checks, name)) for name in CHECKERS)
    assert checks.CheckResult(True, "check_x", "fine").ok and "not attempted" in checks.NOT_ATTEMPTED


def test_check_result_is_one_line_and_truthy_when_passed():
    assert repr(checks.CheckResult(True, "check_x", "all good")) == "[PASS] check_x: all good"
    assert not checks.CheckResult(False, "check_x", "no")


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_reports_the_stub_as_not_attempted(name):
    result = getattr(checks, name)(stub)
    assert not result and result.message == checks.NOT_ATTEMPTED


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_reports_none_as_not_attempted(name):
    result = getattr(checks, name)(None)
    assert not result and result.message == checks.NOT_ATTEMPTED


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_checks_the_learner_behind_solved_or_reference(name, capsys):
    wrapped = checks.solved_or_reference(stub, EXERCISE[name])
    result = getattr(checks, name)(wrapped)
    assert not result and result.message == checks.NOT_ATTEMPTED
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", CHECKERS)
def test_every_reference_version_passes_its_checker(name):
    assert_passes(getattr(checks, name)(reference(name)))


@pytest.mark.parametrize("name", CHECKERS)
@pytest.mark.parametrize("nonsense", ["a string", object(), [1.0, 2.0], np.bool_(True)], ids=["str", "object", "list", "bool"])
def test_no_checker_raises_or_passes_on_nonsense(name, nonsense):
    result = getattr(checks, name)(lambda *args, **kwargs: nonsense)
    assert isinstance(result, checks.CheckResult) and not result
    assert "\n" not in repr(result) and len(result.message) <= 200


def test_a_crashing_answer_is_reported_in_one_line():
    assert_fails(checks.check_softmax(lambda z: z.nonexistent), "raised AttributeError")

    def long_error(z):
        raise ValueError("first line\n" + "x" * 500)

    result = checks.check_sigmoid(long_error)
    assert_fails(result, "raised ValueError")
    assert len(result.message) <= 200 and result.message.endswith("…")


# --- the one policy of course_utils/checks/core.py, tried on every checker --------------------------------

def as_learners(function):
    """A copy of a reference version that looks like the learner's own: same code, defined in the notebook."""
    copy = types.FunctionType(function.__code__, function.__globals__, function.__name__, function.__defaults__,
                              function.__closure__)
    copy.__kwdefaults__, copy.__module__ = function.__kwdefaults__, "__main__"
    return copy


def converting(function, convert):
    """``function`` with every array or NumPy number it returns passed through ``convert``."""

    def walk(value):
        if isinstance(value, (np.ndarray, np.floating)) and value.dtype != bool:
            return convert(np.asarray(value))
        if isinstance(value, tuple):
            return tuple(walk(item) for item in value)
        if isinstance(value, list) and all(isinstance(item, np.ndarray) for item in value):
            return [walk(item) for item in value]
        return value

    def answer(*args, **kwargs):
        return walk(function(*args, **kwargs))

    answer.__name__ = function.__name__
    return answer


def reference(name):
    return as_learners(fallback.REFERENCES[EXERCISE[name]])


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_refuses_the_course_s_own_version(name):
    result = getattr(checks, name)(fallback.REFERENCES[EXERCISE[name]])
    assert_fails(result, "that is the course's own")
    assert_fails(getattr(checks, name)(functools.partial(fallback.REFERENCES[EXERCISE[name]])), "course's own")


def tensor(array):
    import tensorflow as tf

    return tf.constant(array)


@pytest.mark.parametrize("convert", [tensor, lambda array: array.tolist() if array.ndim else array.item(),
                                     lambda array: array.astype(np.float32) if array.dtype == np.float64 else array],
                         ids=["tensorflow", "list", "float32"])
@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_accepts_a_right_answer_as_a_tensor_a_list_or_float32(name, convert):
    assert_passes(getattr(checks, name)(converting(reference(name), convert)))


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_counts_what_the_answer_prints_instead_of_showing_it(name, capsys):
    solved = reference(name)

    def chatty(*args, **kwargs):
        print("debugging", "x" * 1_000)
        return solved(*args, **kwargs)

    chatty.__name__ = solved.__name__
    result = getattr(checks, name)(chatty)
    assert_passes(result)
    assert capsys.readouterr().out == ""
    assert re.search(r"\(your code printed [\d,]+ lines? while it was checked; not shown\)$", result.message)
    assert len(result.message) <= 200


@pytest.mark.parametrize("name", CHECKERS)
def test_every_checker_refuses_a_change_to_an_argument_in_place(name):
    solved, changed = reference(name), []

    def in_place(*args, **kwargs):
        result = solved(*args, **kwargs)
        arrays = [a for a in list(args) + list(kwargs.values()) if isinstance(a, np.ndarray) and a.size
                  and a.flags.writeable and np.issubdtype(a.dtype, np.number)]
        if arrays:
            arrays[0] += 1
            changed.append(True)
        return result

    in_place.__name__ = solved.__name__
    result = getattr(checks, name)(in_place)
    if changed:
        assert_fails(result, "in place")
    else:   # the exercise takes no array: nothing to change
        assert_passes(result)
