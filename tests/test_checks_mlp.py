"""Checkers of 02 · Multilayer perceptrons: right answers pass, the stub and wrong answers fail."""
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
    from course_utils.checks.mlp import mystery_loss_curves

    curves = mystery_loss_curves()
    assert sorted(curves) == ["A", "B", "C", "D"] and all(len(c) == 41 for c in curves.values())
    assert curves["C"][-1] > 100 * curves["C"][0]                          # too large: diverges
    assert np.sum(np.diff(curves["A"]) > 0) >= 5                           # momentum: bumps
    assert np.all(np.diff(curves["B"]) < 0) and np.all(np.diff(curves["D"]) < 0)   # plain SGD, stable: always down
    assert curves["D"][10] < 0.1 * curves["B"][10]                          # the larger stable step falls faster
