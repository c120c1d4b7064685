"""Checkers of 02 · Multilayer perceptrons: right answers pass, the stub and wrong answers fail."""
import ast
import json
from pathlib import Path

import numpy as np

from course_utils import checks
from test_checks_core import assert_fails, assert_passes, stub


def good_dense_backward(upstream, x, W):
    return upstream @ W.T, x.T @ upstream, upstream.sum(axis=0)


def test_dense_backward():
    assert_passes(checks.check_dense_backward(good_dense_backward))
    assert_fails(checks.check_dense_backward(stub), "not attempted")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, (x.T @ u).T, u.sum(axis=0))), "transposed")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, u.mean(axis=0))), "sum (axis=0)")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, u.sum(axis=1))), "db has shape")
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u)), "triple")


def test_dense_backward_for_one_shape_only_fails():
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, u.sum(axis=0).reshape(3))),
                 "W: (4, 1)")
    # np.squeeze turns 02's db of shape (1,) into a number
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, x.T @ u, np.squeeze(u.sum(axis=0)))),
                 "expected (1,)")


def test_dense_backward_as_lists_passes_and_changing_x_fails():
    assert_passes(checks.check_dense_backward(lambda u, x, W: (u @ W.T, (x.T @ u).tolist(), u.sum(axis=0))))
    assert_fails(checks.check_dense_backward(lambda u, x, W: (u @ W.T, (x.T @ u) > 0, u.sum(axis=0))), "dW holds booleans")

    def overwrites_x(u, x, W):
        dW = x.T @ u
        x[...] = 0.0
        return u @ W.T, dW, u.sum(axis=0)

    assert_fails(checks.check_dense_backward(overwrites_x), "changed its argument `x` in place")


def good_momentum(theta, velocity, grad, lr, beta):
    velocity = beta * velocity - lr * grad
    return theta + velocity, velocity


def test_momentum_step():
    assert_passes(checks.check_momentum_step(good_momentum))
    assert_fails(checks.check_momentum_step(stub), "not attempted")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t + b * v + lr * g, b * v + lr * g)), "uphill")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t - lr * g, -lr * g)), "forgotten")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: (t + v, b * v - lr * g)), "new velocity")


def test_momentum_step_with_hard_coded_hyperparameters_fails():
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: good_momentum(t, v, g, lr, 0.9)),
                 "use the `beta` argument")
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: good_momentum(t, v, g, 0.1, b)),
                 "use the `learning_rate` argument")


def test_momentum_step_for_one_shape_only_fails():
    assert_fails(checks.check_momentum_step(lambda t, v, g, lr, b: good_momentum(t, v.reshape(4), g.reshape(4), lr, b)),
                 "shape (2,)")


def test_momentum_step_as_a_list_passes_and_updating_in_place_fails():
    assert_passes(checks.check_momentum_step(lambda *args: (list(good_momentum(*args)[0]), good_momentum(*args)[1])))

    def in_place(theta, velocity, grad, lr, beta):   # 02's run_optimizer keeps every theta: in place, all are one
        velocity *= beta
        velocity -= lr * grad
        theta += velocity
        return theta, velocity

    assert_fails(checks.check_momentum_step(in_place), "changed its argument `theta` in place")


def good_adam(theta, m, v, grad, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_adam_step():
    assert_passes(checks.check_adam_step(good_adam))
    assert_fails(checks.check_adam_step(stub), "not attempted")

    def no_bias_correction(theta, m, v, grad, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        return theta - lr * m / (np.sqrt(v) + eps), m, v

    def uphill(*args):
        theta, m, v = good_adam(*args)
        return 2 * args[0] - theta, m, v

    assert_fails(checks.check_adam_step(no_bias_correction), "bias correction")
    assert_fails(checks.check_adam_step(uphill), "uphill")
    assert_fails(checks.check_adam_step(lambda *a: good_adam(*a)[:2]), "triple")


def test_adam_step_in_the_papers_efficient_form_passes():
    def efficient(theta, m, v, grad, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        step = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        return theta - step * m / (np.sqrt(v) + eps), m, v

    assert_passes(checks.check_adam_step(efficient))


def test_adam_step_with_hard_coded_hyperparameters_fails():
    def fixed(**values):
        def adam(theta, m, v, grad, t, lr, beta1, beta2, eps):
            settings = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps) | values
            return good_adam(theta, m, v, grad, t, settings["lr"], settings["beta1"], settings["beta2"], settings["eps"])
        return adam

    assert_fails(checks.check_adam_step(fixed(beta1=0.9)), "m_new differs")
    assert_fails(checks.check_adam_step(fixed(beta2=0.999)), "v_new differs")
    assert_fails(checks.check_adam_step(fixed(eps=1e-7)), "use the `eps` argument")
    assert_fails(checks.check_adam_step(fixed(eps=1e-8)), "use the `eps` argument")
    assert_fails(checks.check_adam_step(fixed(lr=0.01)), "learning_rate = 0.2")


def test_adam_step_for_one_shape_only_fails():
    flat = lambda theta, m, v, grad, *rest: good_adam(theta, m.reshape(5), v.reshape(5), grad.reshape(5), *rest)
    assert_fails(checks.check_adam_step(flat), "cannot reshape")


def test_adam_step_with_eps_inside_the_root_fails():
    def inside(theta, m, v, grad, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        return theta - lr * m / (1 - beta1 ** t) / np.sqrt(v / (1 - beta2 ** t) + eps), m, v

    assert_fails(checks.check_adam_step(inside), "inside the square root")


def test_adam_step_as_lists_passes_and_updating_in_place_fails():
    assert_passes(checks.check_adam_step(lambda *args: tuple(list(a) for a in good_adam(*args))))

    def in_place(theta, m, v, grad, t, lr, beta1, beta2, eps):
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * grad ** 2
        return theta - lr * m / (1 - beta1 ** t) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v

    assert_fails(checks.check_adam_step(in_place), "changed its argument `m` in place")


RIGHT_RUNS = {"A": "momentum", "B": "small step", "C": "too large step", "D": "large step"}


def test_match_loss_curves():
    assert_passes(checks.check_match_loss_curves(lambda: dict(RIGHT_RUNS)))
    assert_passes(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"A": " Momentum"}))
    assert_fails(checks.check_match_loss_curves(stub), "not attempted")
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"B": "large step", "D": "small step"}),
                 "the faster smooth curve")
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"A": "large step", "D": "momentum"}),
                 "goes up again")
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"A": "too large step", "C": "momentum"}),
                 "its loss grows")
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"C": "large step", "D": "too large step"}),
                 "grows from")


def test_match_loss_curves_with_unknown_or_repeated_runs_fails():
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"C": "too big"}), "is not one of")
    assert_fails(checks.check_match_loss_curves(lambda: RIGHT_RUNS | {"B": "momentum"}), "given to A and B")
    assert_fails(checks.check_match_loss_curves(lambda: {k: v for k, v in RIGHT_RUNS.items() if k != "D"}),
                 "one run for each of")
    assert_fails(checks.check_match_loss_curves(lambda: list(RIGHT_RUNS.values())), "returned a list")


def test_the_mystery_curves_show_what_the_messages_say():
    from course_utils.checks.mlp import RUNS, mystery_loss_curves

    curves = mystery_loss_curves()
    assert sorted(curves) == ["A", "B", "C", "D"] and all(len(c) == 41 for c in curves.values())
    assert np.all(np.diff(curves["C"]) > 0) and curves["C"][-1] > 100 * curves["C"][0]   # too large: grows every step
    rises = np.flatnonzero(np.diff(curves["A"]) > 0)
    assert len(rises) >= 5 and rises.min() < 10 and rises.max() >= 30     # momentum: bumps from start to end
    assert curves["A"][-1] < 0.01 * curves["A"][0]                          # ... but it converges
    assert np.all(np.diff(curves["B"]) < 0) and np.all(np.diff(curves["D"]) < 0)   # plain SGD, stable: always down
    assert curves["D"][10] < 0.1 * curves["B"][10]                          # the larger stable step falls faster
    assert curves["B"][-1] > 0.01 * curves["B"][0]                          # the small step is still far from 0
    # stable along θ₂ (curvature 2) iff α < 2 / 2 = 1: what the reasons and the worked solution say
    assert RUNS["small step"][0] < RUNS["large step"][0] < 1 < RUNS["too large step"][0]


def _notebook_02_cells():
    return json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "02_mlp.ipynb").read_text())["cells"]


def _labelled_valley_curves(steps):
    """The loss curves notebook 02 plots with their names before the diagnosis exercise.

    Code cell "6878ae38" plots the loss of the six runs of cells "6f686fc0" (SGD), "428288c7" (momentum,
    Nesterov), "4d8fcee4" (AdaGrad, RMSProp) and "183fb2d9" (Adam); their learning rates, β and start are
    read from the notebook's configuration and valley cells, the update rules are those cells' code.
    """
    cells = _notebook_02_cells()
    sources = ["".join(cell["source"]) for cell in cells]
    plotted = next(i for i, src in enumerate(sources) if "plots.plot_curves" in src and "paths.items()" in src)
    exercise = next(i for i, src in enumerate(sources) if "mystery_loss_curves()" in src)
    assert plotted < exercise, "the labelled loss curves are no longer shown before the exercise: update this test"
    settings = {}
    for cell, src in zip(cells[:plotted], sources):
        if cell["cell_type"] != "code":
            continue
        for node in ast.parse(src).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if name in ("VALLEY_LEARNING_RATES", "BETA"):
                    settings[name] = ast.literal_eval(node.value)
                elif name == "VALLEY_START":                               # np.array([-1.8, 1.0])
                    settings[name] = ast.literal_eval(node.value.args[0])
    rates, beta, start = settings["VALLEY_LEARNING_RATES"], settings["BETA"], np.array(settings["VALLEY_START"])
    assert sorted(rates) == sorted(["SGD", "momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"])

    def grad(theta):
        return np.array([0.04 * theta[0], 2.0 * theta[1]])

    curves = {}
    for name, alpha in rates.items():
        theta, v, s, m = start.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
        losses = []
        for t in range(1, steps + 2):
            losses.append(0.5 * (0.04 * theta[0] ** 2 + 2.0 * theta[1] ** 2))
            if name == "SGD":
                theta = theta - alpha * grad(theta)
            elif name in ("momentum", "Nesterov"):
                v = beta * v - alpha * grad(theta + beta * v if name == "Nesterov" else theta)
                theta = theta + v
            elif name in ("AdaGrad", "RMSProp"):
                g = grad(theta)
                s = s + g ** 2 if name == "AdaGrad" else 0.9 * s + 0.1 * g ** 2
                theta = theta - alpha * g / (np.sqrt(s) + 1e-7)
            else:                                                          # Adam
                g = grad(theta)
                m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g ** 2
                theta = theta - alpha * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-7)
        curves[name] = np.array(losses)
    return curves


def test_no_mystery_curve_repeats_a_curve_shown_with_its_name_before_the_exercise():
    # otherwise the exercise is solved by matching pictures: the old runs "large step" (α = 0.9) and "momentum"
    # (α = 0.3, β = 0.9) from (-1.8, 1) were 02's labelled "SGD" and "momentum" curves
    from course_utils.checks.mlp import mystery_loss_curves

    mystery = mystery_loss_curves()
    labelled = _labelled_valley_curves(len(mystery["A"]) - 1)
    assert labelled["SGD"][1] < labelled["SGD"][0]                          # the reproduction runs
    for label, curve in mystery.items():
        for name, shown in labelled.items():
            ratio = np.abs(np.log(curve / shown))
            shape = np.abs(np.log(curve / curve[0] / (shown / shown[0])))     # the same curve shifted up or down
            assert ratio.max() > np.log(1.5) and shape.max() > np.log(1.5), \
                f"curve {label} is within a factor 1.5 of 02's labelled {name!r} curve at every step"


def test_the_exercise_text_names_the_mystery_runs_settings():
    from course_utils.checks.mlp import RUNS, _CURVE_START

    text = next(src for src in ("".join(c["source"]) for c in _notebook_02_cells() if c["cell_type"] == "markdown")
                if "Diagnose four runs" in src)
    assert f"start $({_CURVE_START[0]:g}, {_CURVE_START[1]:g})$" in text
    for name, (alpha, beta) in RUNS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `\"{name}\"`"))
        assert f"$\\alpha = {alpha:g}$" in row and (not beta or f"$\\beta = {beta:g}$" in row), row
