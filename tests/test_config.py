import numpy as np
import pytest

import course_utils as cu


def test_setup_prints_one_line_with_versions_device_and_mode(capsys):
    cfg = cu.setup(seed=0, quick=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("TensorFlow 2.") and "Keras 3." in line and "quick mode" in line and "seed 0" in line
    assert cfg.quick is True and cfg.seed == 0
    if not cfg.gpu:  # this machine and CI have no GPU
        assert "CPU" in line and "no GPU found" in line


def test_setup_full_mode_and_silent(capsys):
    cfg = cu.setup(quick=False, verbose=False)
    assert capsys.readouterr().out == ""
    assert cfg.quick is False and "full mode" in cfg.line()


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False), ("off", False)])
def test_quick_mode_from_environment(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_QUICK", value)
    assert cu.setup(verbose=False).quick is expected


def test_quick_mode_rejects_unclear_values(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="COURSE_QUICK=1"):
        cu.setup(verbose=False)


def test_explicit_quick_overrides_environment(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "1")
    assert cu.setup(quick=False, verbose=False).quick is False


def test_seed_makes_numpy_and_tensorflow_repeatable():
    import tensorflow as tf

    cu.setup(seed=7, verbose=False)
    first = np.random.rand(3), tf.random.uniform((3,)).numpy()
    cu.setup(seed=7, verbose=False)
    second = np.random.rand(3), tf.random.uniform((3,)).numpy()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="seed"):
        cu.setup(seed=seed, verbose=False)


@pytest.mark.parametrize("value, expected", [("no", False), ("No", False), ("0", False), ("off", False),
                                             ("false", False), ("", False), ("yes", True), ("1", True),
                                             (" ON ", True), ("True", True)])
def test_quick_as_string_is_read_like_the_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_QUICK", "1" if not expected else "0")  # the argument wins either way
    assert cu.setup(quick=value, verbose=False).quick is expected


@pytest.mark.parametrize("value", ["maybe", "2", "quick", 1, 0, 1.0, [], "no way"])
def test_unclear_quick_argument_is_refused_in_one_line(value):
    with pytest.raises(ValueError, match=r"quick=.* is not understood: use quick=True") as caught:
        cu.setup(quick=value, verbose=False)
    assert "\n" not in str(caught.value)


def test_quick_true_false_none(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "yes")
    assert cu.setup(quick=None, verbose=False).quick is True
    assert cu.setup(quick=False, verbose=False).quick is False
    monkeypatch.delenv("COURSE_QUICK")
    assert cu.setup(quick=True, verbose=False).quick is True
    assert cu.setup(verbose=False).quick is False


@pytest.mark.parametrize("course_quick, quick, expected, says_binder", [
    (None, None, True, True),        # Binder, nothing chosen: quick mode, and the line says why and how to leave it
    ("", None, True, True),
    ("0", None, False, False),       # the learner's own choice wins
    ("1", None, True, False),
    (None, False, False, False),
    (None, True, True, False),
])
def test_binder_defaults_to_quick_mode_and_says_so(monkeypatch, capsys, course_quick, quick, expected, says_binder):
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")
    if course_quick is None:
        monkeypatch.delenv("COURSE_QUICK", raising=False)
    else:
        monkeypatch.setenv("COURSE_QUICK", course_quick)
    cfg = cu.setup(quick=quick)
    line = capsys.readouterr().out.strip()
    assert cfg.quick is expected and ("Binder's default; cu.setup(quick=False) for full mode" in line) is says_binder


def test_off_binder_an_unset_course_quick_means_full_mode(monkeypatch):
    monkeypatch.delenv("BINDER_SERVICE_HOST", raising=False)
    monkeypatch.delenv("COURSE_QUICK", raising=False)
    cfg = cu.setup(verbose=False)
    assert cfg.quick is False and "Binder" not in cfg.line()
