"""Every plot helper, given long titles, labels and class names, draws text that overlaps nothing.

Each case draws a figure with the Agg backend and the course's plot defaults, then checks that
no two visible texts (titles, axis labels, tick labels, offset texts, suptitle, legend texts,
annotations) overlap by more than 1 pixel, and that no text of one panel lies on another panel.
"""
from __future__ import annotations

import inspect
from itertools import combinations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import FASHION_MNIST_CLASSES, config, plots, widgets

TOUCH = 1.0   # pixels two boxes may share
LONG_CLASSES = ["T-shirt/top", "Trouser", "Pullover with a very long and descriptive name", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot (a rather long class name)"]
LONG_TITLE = "A deliberately long title that describes the experiment, its data set and its settings in detail"
LONG_XLABEL = "a long x-axis label with its unit in parentheses (arbitrary units)"
LONG_YLABEL = "a long y-axis label (log scale, nats)"


@pytest.fixture(autouse=True)
def course_style():
    with mpl.rc_context():
        getattr(config, "_plot_defaults", lambda: None)()   # the rcParams setup() gives every notebook
        yield
        plt.close("all")


# ---------------------------------------------------------------- geometry

def _outline(text, renderer) -> np.ndarray:
    """The four corners (pixels) of a text's rotated rectangle, not just its axis-aligned box."""
    box = text.get_window_extent(renderer)
    angle = text.get_rotation() % 180
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    if min(angle, abs(angle - 90), 180 - angle) < 1e-6:
        return corners
    rotation = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    width, height = flat.width, flat.height
    if angle > 90:                      # the same rectangle as (angle - 90) with its sides swapped
        angle, width, height = angle - 90, height, width
    sin = np.sin(np.deg2rad(angle))
    return np.array([[box.x0 + height * sin, box.y0], [box.x1, box.y0 + width * sin],
                     [box.x1 - height * sin, box.y1], [box.x0, box.y1 - width * sin]])


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two convex polygons overlap by more than TOUCH pixels (separating-axis test)."""
    for polygon in (a, b):
        edges = np.roll(polygon, -1, axis=0) - polygon
        for edge in edges:
            length = np.hypot(*edge)
            if length < 1e-9:
                continue
            normal = np.array([-edge[1], edge[0]]) / length
            pa, pb = a @ normal, b @ normal
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= TOUCH:
                return False
    return True


def _drawn_ticks(axis):
    # Axis._update_ticks returns exactly the ticks Axis.draw draws (those inside the view).
    return axis._update_ticks()


def _panels(fig):
    """Every visible axes of the figure, inset axes (e.g. a colorbar) included."""
    found, todo = [], list(fig.axes)
    while todo:
        ax = todo.pop(0)
        if ax.get_visible() and ax not in found:
            found.append(ax)
            todo += list(ax.child_axes)
    return found


def _texts(fig):
    """(owner, description, Text) for every visible non-empty text; owner is an Axes or None (the figure)."""
    found = [(None, f"figure text {t.get_text()!r}", t) for t in fig.texts]
    for legend in fig.legends:
        found += [(None, f"figure legend {t.get_text()!r}", t) for t in [*legend.get_texts(), legend.get_title()]]
    for number, ax in enumerate(_panels(fig)):
        name = f"axes {number} ({ax.get_title()!r})"
        found += [(ax, f"{name} title", t) for t in (ax.title, ax._left_title, ax._right_title)]
        found += [(ax, f"{name} text {t.get_text()!r}", t) for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            found += [(ax, f"{name} legend {t.get_text()!r}", t) for t in [*legend.get_texts(), legend.get_title()]]
        if not ax.axison:
            continue
        for letter, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_visible():
                continue
            found += [(ax, f"{name} {letter}label", axis.label), (ax, f"{name} {letter} offset text", axis.offsetText)]
            for tick in _drawn_ticks(axis):
                if tick.get_visible():
                    found += [(ax, f"{name} {letter} tick {t.get_text()!r}", t) for t in (tick.label1, tick.label2)]
    return [(owner, what, text) for owner, what, text in found
            if text.get_visible() and text.get_text().strip()]


def layout_problems(fig) -> list[str]:
    """Every pair of overlapping texts, and every text lying on another panel, after a full draw."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [(owner, what, _outline(text, renderer)) for owner, what, text in _texts(fig)]
    problems = [f"{what_a} overlaps {what_b}" for (_, what_a, a), (_, what_b, b) in combinations(texts, 2)
                if _overlap(a, b)]
    panels = list(enumerate(_panels(fig)))
    for owner, what, outline in texts:
        for number, ax in panels:
            box = ax.get_window_extent(renderer)
            area = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
            if ax is not owner and _overlap(outline, area):
                problems.append(f"{what} lies on the area of axes {number} ({ax.get_title()!r})")
    return problems


# ---------------------------------------------------------------- the figures

def _rng():
    return np.random.default_rng(0)


def images_with_predictions():
    labels = np.arange(16) % 10
    predictions = (labels + np.array([0, 2, 0, 8, 0, 7, 0, 1] * 2)) % 10
    return plots.plot_images(_rng().random((16, 28, 28)), labels, predictions=predictions, class_names=LONG_CLASSES,
                             title=LONG_TITLE)


def images_as_in_notebook_00():
    labels = [9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1]
    predictions = [7, 2, 1, 1, 0, 1, 2, 6, 5, 7, 4, 5, 9, 3, 2, 1]
    return plots.plot_images(_rng().random((16, 28, 28)), labels, predictions=predictions,
                             class_names=FASHION_MNIST_CLASSES, title="Predictions on the first 16 test images")


def images_with_labels():
    return plots.plot_images(_rng().random((12, 28, 28, 3)), np.arange(12) % 10, class_names=LONG_CLASSES, ncols=6,
                             title="pred: Sneaker\ntrue: Ankle boot")


def history():
    logs = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7],
            "sparse_categorical_accuracy_with_a_long_name": [0.5, 0.7, 0.8],
            "val_sparse_categorical_accuracy_with_a_long_name": [0.4, 0.6, 0.7]}
    return plots.plot_history(logs, title=LONG_TITLE)


def curves():
    steps = np.arange(1, 200)
    named = {f"optimizer number {k} with a long descriptive name": 1e-5 * steps ** -0.5 * (k + 1) for k in range(4)}
    return plots.plot_curves(named, xlabel=LONG_XLABEL, ylabel=LONG_YLABEL, title=LONG_TITLE, logy=True,
                             xlim=(0, 250))


def curves_side_by_side():
    fig, axes = plt.subplots(1, 3, figsize=(15, 3.8), layout="constrained")
    for ax, scale in zip(axes, (1e-6, 1.0, 1e6)):
        plots.plot_curves({"SGD": scale * np.linspace(3, 1, 50), "Adam": scale * np.linspace(2.9, 0.1, 50)},
                          xlabel=LONG_XLABEL, ylabel=LONG_YLABEL, title="Per update, a title of some length",
                          xlim=(0, 60), ax=ax)
    fig.suptitle(LONG_TITLE)
    return fig


def decision_boundary():
    X = _rng().normal(size=(40, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return plots.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-(P[:, 0] + P[:, 1]))), X, y, title=LONG_TITLE,
                                        test_points=[[-1.5, 1.8], [1.5, -1.5]])


def confusion_matrix():
    y_true = np.repeat(np.arange(10), 120)
    y_pred = np.where(_rng().random(1200) < 0.8, y_true, _rng().integers(0, 10, 1200))
    return plots.plot_confusion_matrix(y_true, y_pred, class_names=LONG_CLASSES, title=LONG_TITLE)


def descent_1d():
    return plots.plot_descent_1d(lambda t: t ** 2 + 0.2, [1.0, -1.2, 1.44, -1.7], title=LONG_TITLE)


def layer_histograms():
    scales = np.logspace(-6, 4, 16)
    layers = [scale * _rng().normal(size=2000) + (scale if k % 3 == 0 else 0) for k, scale in enumerate(scales)]
    layers[3] = np.tanh(1e3 * _rng().normal(size=2000))          # saturated: two spikes at ±1
    layers[4] = 1 + 1e-7 * _rng().normal(size=2000)              # a narrow range far from 0
    return plots.plot_layer_histograms(layers, title=LONG_TITLE, xlabel=LONG_XLABEL)


def layer_histograms_capped():
    layers = [_rng().normal(0, 10.0 ** -k, 500) for k in range(25)]
    return plots.plot_layer_histograms(layers, title=LONG_TITLE, max_layers=7)


def trajectories_2d():
    path = np.array([[1.5, 1.0], [1.0, -0.8], [0.5, 0.5], [0.1, -0.1]])
    return plots.plot_trajectories_2d(lambda a, b: a ** 2 + 10 * b ** 2,
                                      {"gradient descent with momentum 0.9": path, "Adam, default settings": path / 2},
                                      title=LONG_TITLE)


REMEDIES = {"baseline (no regularization)": 76.4, "L2 weight decay, λ = 1e-4": 78.1, "dropout 0.3": 79.0,
            "early stopping on validation loss": 77.2, "data augmentation (shifts and flips)": 80.3,
            "batch normalization": 78.8}
SPREAD = {name: 0.2 + 0.1 * k for k, name in enumerate(REMEDIES)}


def comparison():
    return plots.plot_comparison(REMEDIES, errors=SPREAD, xlabel="test accuracy (%), mean ± std over 3 seeds",
                                 title=LONG_TITLE, baseline="baseline (no regularization)")


def comparison_vertical():
    return plots.plot_comparison(REMEDIES, errors=SPREAD, ylabel="test accuracy (%)", title=LONG_TITLE,
                                 baseline="baseline (no regularization)", horizontal=False)


def comparison_beside_curves():
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [3, 2]})
    epochs = np.arange(1, 31)
    plots.plot_curves({name: mean - 10 / epochs for name, mean in REMEDIES.items()},
                      x={name: epochs for name in REMEDIES}, xlabel="epoch", ylabel="validation accuracy (%)", title="Validation accuracy per epoch", ax=left)
    plots.plot_comparison(REMEDIES, errors=SPREAD, baseline="baseline (no regularization)",
                          xlabel="test accuracy (%), mean ± std over 3 seeds", title="Test accuracy", ax=right)
    fig.tight_layout()
    return fig


def labelled_points():
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    points = _rng().normal(size=(20, 2))
    ax.scatter(points[:, 0], points[:, 1], s=12)
    ax.set(title="Twenty word vectors in two dimensions, each labelled", xticks=[], yticks=[])
    plots.label_points(ax, points, [f"word number {k}" for k in range(20)])
    return fig


def _widget_figure(build, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    before = set(plt.get_fignums())
    build()
    new = sorted(set(plt.get_fignums()) - before)
    assert new, "the widget drew no figure"
    return plt.figure(new[-1])


def learning_rate_widget(monkeypatch):
    return _widget_figure(lambda: widgets.explore_learning_rate(
        lambda t: t ** 2 + 0.2, lambda rate: [(1 - 2 * rate) ** k for k in range(30)]), monkeypatch)


def activation_widget(monkeypatch):
    return _widget_figure(lambda: widgets.explore_activations(
        {"a long activation name": (np.tanh, lambda z: 1 - np.tanh(z) ** 2)}), monkeypatch)


def initialization_widget(monkeypatch):
    def simulate(depth, activation, scheme):
        return [_rng().normal(0, 0.3 ** k, 500) for k in range(depth)]

    return _widget_figure(lambda: widgets.explore_initialization(simulate, depth=(2, 30, 15)), monkeypatch)


def segmentations():
    rng = _rng()
    image, truth = rng.random((256, 256)), rng.random((256, 256)) < 0.2
    predictions = {name: rng.random((256, 256)) < 0.2 for name in ("U-Net", "no skips", "U-Net, Dice loss",
                                                                    "U-Net, elastic")}
    return plots.plot_segmentations(image, truth, predictions, scores={name: 0.7 for name in predictions},
                                    title="Seed 0's networks on validation image 20, top-left quarter")


def error_maps_in_a_figure_of_ones_own():
    rng = _rng()
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
    for k, ax in enumerate(axes):
        ax.imshow(plots.error_map(rng.random((64, 64)), rng.random((64, 64)) < 0.3, rng.random((64, 64)) < 0.3))
        ax.set_title(f"failure {'ABC'[k]}: membrane Dice 0.{k}57")
        ax.axis("off")
    fig.suptitle("Three failures on held-out image 25 (centre): which change fixes which?")
    return fig


FIGURES = [images_with_predictions, images_as_in_notebook_00, images_with_labels, history, curves, curves_side_by_side,
           decision_boundary, confusion_matrix, descent_1d, layer_histograms, layer_histograms_capped, trajectories_2d,
           comparison, comparison_vertical, comparison_beside_curves, labelled_points, segmentations,
           error_maps_in_a_figure_of_ones_own]
def feature_map_widget(monkeypatch):
    images = _rng().random((3, 28, 28))
    return _widget_figure(lambda: widgets.explore_feature_maps(
        images, lambda index: {"block1a_relu": _rng().random((28, 28, 32))}, labels=[9, 0, 1],
        class_names=LONG_CLASSES), monkeypatch)


def temperature_widget(monkeypatch):
    def distribution(temperature):
        p = np.exp(np.linspace(3, 0, 20) / temperature)
        return list(" etaoinshrdlu\n,.;:!?"), p / p.sum()

    return _widget_figure(lambda: widgets.explore_temperature(distribution, lambda t: "a sample\nof text " * 20,
                                                              context="'ROMEO:'"), monkeypatch)


WIDGET_FIGURES = [learning_rate_widget, activation_widget, initialization_widget, feature_map_widget,
                  temperature_widget]


@pytest.mark.parametrize("make", FIGURES, ids=[make.__name__ for make in FIGURES])
def test_no_text_overlaps_in_plot_helpers(make):
    assert layout_problems(make()) == []


@pytest.mark.parametrize("make", WIDGET_FIGURES, ids=[make.__name__ for make in WIDGET_FIGURES])
def test_no_text_overlaps_in_widget_figures(make, monkeypatch):
    pytest.importorskip("ipywidgets")
    assert layout_problems(make(monkeypatch)) == []


def test_every_public_plot_helper_has_a_layout_case():
    public = {name for name, obj in vars(plots).items()
              if inspect.isfunction(obj) and obj.__module__ == plots.__name__ and not name.startswith("_")}
    sources = "\n".join(inspect.getsource(make) for make in FIGURES)
    assert {name for name in public if f"plots.{name}(" not in sources} == set()


def test_the_checker_sees_overlapping_titles_and_offset_texts():
    fig, (left, right) = plt.subplots(1, 2, figsize=(4, 2))
    left.set_title("a title far too long for its panel, running over the next one")
    right.set_title("the next one")
    problems = layout_problems(fig)
    assert any("overlaps" in p for p in problems) and any("lies on the area" in p for p in problems)
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.plot([0, 1e-5], [0, 1e-5])
    fig.canvas.draw()
    assert any("offset text" in what for _, what, _ in _texts(fig))


def test_rotated_texts_are_compared_as_rotated_rectangles():
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.set_xticks(range(4), ["a long rotated label"] * 4, rotation=45, ha="right", rotation_mode="anchor")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    first, second = (tick.label1 for tick in ax.xaxis.get_major_ticks()[:2])
    a, b = _outline(first, renderer), _outline(second, renderer)
    boxes = [t.get_window_extent(renderer) for t in (first, second)]
    assert boxes[0].overlaps(boxes[1]) and not _overlap(a, b)   # the boxes overlap, the letters do not
    assert _overlap(a, a + [3, 0]) and not _overlap(a, a + [1000, 0])
