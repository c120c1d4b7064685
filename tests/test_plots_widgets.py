import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plots, widgets


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def test_plot_images_accepts_channel_last_images_and_marks_mistakes():
    images = np.random.default_rng(0).random((5, 28, 28, 1))
    fig = plots.plot_images(images, labels=[0, 1, 2, 3, 4], predictions=[0, 1, 2, 3, 9],
                            class_names=[str(i) for i in range(10)])
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[-1] == "9\n(true: 4)"


def test_plot_images_refuses_a_single_image():
    with pytest.raises(ValueError, match="shape"):
        plots.plot_images(np.zeros((28, 28)))


def test_plot_history_from_dict_and_labels():
    fig = plots.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert fig.axes[0].get_xlabel() == "epoch" and fig.axes[0].get_legend() is not None
    with pytest.raises(ValueError, match="empty"):
        plots.plot_history({})


def test_plot_curves_and_descent():
    fig = plots.plot_curves({"a": [3, 2, 1], "b": [3, 1, 0.5]}, xlabel="epoch", ylabel="loss", title="t", logy=True,
                            logx=True, x={"a": [1, 2, 3], "b": [1, 10, 100]})
    assert isinstance(fig, Figure) and fig.axes[0].get_yscale() == "log" and fig.axes[0].get_xscale() == "log"
    fig = plots.plot_descent_1d(lambda t: t ** 2 + 0.2, [1.0, 0.6, 0.36], title="GD")
    assert isinstance(fig, Figure) and fig.axes[0].get_xlabel() == "θ"


def test_plot_decision_boundary():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    fig = plots.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-(P[:, 0] - 0.5))), X, [0, 1, 1],
                                       test_points=[[-0.4, 0.5]])
    assert isinstance(fig, Figure)
    assert any("p = " in text.get_text() for text in fig.axes[0].texts)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.plot_decision_boundary(lambda P: P[:, 0], np.zeros((3, 3)), [0, 1, 0])


def test_plot_confusion_matrix_counts():
    fig = plots.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["a", "b", "c"])
    assert isinstance(fig, Figure) and "accuracy 75.0%" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="same shape"):
        plots.plot_confusion_matrix([0, 1], [0])


def test_learning_rate_explorer_draws_with_the_learners_descent():
    import ipywidgets

    calls = []

    def descend(lr):
        calls.append(lr)
        return [1.0 * (1 - 2 * lr) ** k for k in range(10)]

    explorer = widgets.explore_learning_rate(lambda t: t ** 2 + 0.2, descend, initial=0.2)
    assert isinstance(explorer, ipywidgets.interactive)
    explorer.children[0].value = 1.2   # a diverging rate still draws
    assert calls[-1] == pytest.approx(1.2)
    with pytest.raises(ValueError, match="increasing"):
        widgets.explore_learning_rate(lambda t: t, descend, rates=(1.0, 0.1))


def test_plot_layer_histograms_picks_at_most_max_layers():
    layers_out = [np.random.default_rng(i).normal(0, 1 / (i + 1), 500) for i in range(25)]
    fig = plots.plot_layer_histograms(layers_out, title="deep", max_layers=10)
    assert isinstance(fig, Figure) and len(fig.axes) == 10
    assert fig.axes[0].get_title().startswith("layer 1") and fig.axes[-1].get_title().startswith("layer 25")
    with pytest.raises(ValueError, match="empty"):
        plots.plot_layer_histograms([], title="x")


def test_plot_trajectories_2d():
    loss = lambda a, b: a ** 2 + 10 * b ** 2
    fig = plots.plot_trajectories_2d(loss, {"GD": np.array([[1.5, 1.0], [1.0, 0.2], [0.5, 0.0]])}, title="valley")
    assert isinstance(fig, Figure) and fig.axes[0].get_legend() is not None
    with pytest.raises(ValueError, match=r"\(steps, 2\)"):
        plots.plot_trajectories_2d(loss, {"bad": np.zeros((3, 3))}, title="x")


def test_activation_and_initialization_explorers():
    import ipywidgets

    explorer = widgets.explore_activations({"relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
                                            "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2)})
    assert isinstance(explorer, ipywidgets.interactive)
    explorer.children[0].value = "tanh"
    with pytest.raises(ValueError, match="empty"):
        widgets.explore_activations({})
    seen = []

    def simulate(depth, activation, scheme):
        seen.append((depth, activation, scheme))
        return [np.random.default_rng(k).normal(size=100) for k in range(depth)]

    explorer = widgets.explore_initialization(simulate)
    assert isinstance(explorer, ipywidgets.interactive)
    explorer.children[0].value = 12
    assert seen[-1][0] == 12
