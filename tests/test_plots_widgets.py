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


def test_plot_curves_shares_ranges_through_xlim_and_ylim():
    fig = plots.plot_curves({"a": [3, 2, 1]}, xlabel="update", ylabel="loss", title="t", xlim=(0, 10), ylim=(0, 4))
    assert fig.axes[0].get_xlim() == (0, 10) and fig.axes[0].get_ylim() == (0, 4)
    fig = plots.plot_curves({"a": [3, 2, 1]}, xlabel="update", ylabel="loss", title="t", xlim=(1, 100), logx=True)
    assert fig.axes[0].get_xlim() == pytest.approx((1, 100)) and fig.axes[0].get_xscale() == "log"


def test_plot_images_hides_unused_panels_and_wraps_long_names():
    fig = plots.plot_images(np.zeros((5, 8, 8)), [0, 1, 2, 0, 1], ncols=4,
                            class_names=["a", "a class name far longer than twenty characters", "c"])
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 5 and len(fig.axes) == 8
    assert all(len(line) <= 20 for line in shown[1].get_title().split("\n"))
    with pytest.raises(ValueError, match="empty"):
        plots.plot_images(np.zeros((0, 8, 8)))


def test_plot_layer_histograms_shows_every_layer_without_offset_text():
    layers_out = [np.random.default_rng(i).normal(0, 10.0 ** -i, 500) for i in range(15)]
    fig = plots.plot_layer_histograms(layers_out, title="deep")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split("\n")[0] for ax in panels] == [f"layer {k}" for k in range(1, 16)]
    assert "of 15" not in fig.get_suptitle()
    fig.canvas.draw()
    assert not any(axis.offsetText.get_text() for ax in panels for axis in (ax.xaxis, ax.yaxis))
    fig = plots.plot_layer_histograms(layers_out, title="deep", max_layers=3)
    assert fig.get_suptitle() == "deep\n(layers 1, 8, 15 of 15)"


def test_plot_comparison_starts_at_zero_with_errors_values_and_baseline():
    means = {"baseline": 76.4, "dropout": 79.0, "L2": 78.12}
    fig = plots.plot_comparison(means, errors={"baseline": 0.2, "dropout": 0.4, "L2": 0.31}, baseline="baseline",
                                xlabel="test accuracy (%)", title="Remedies")
    ax = fig.axes[0]
    assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] > 79.4 and ax.get_xlabel() == "test accuracy (%)"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(means)
    texts = [t.get_text() for t in ax.texts]
    assert "79.0 ± 0.4" in texts and "78.1 ± 0.3" in texts and "baseline" in texts
    assert any(line.get_xdata()[0] == pytest.approx(76.4) for line in ax.lines)   # the dashed baseline
    fig.canvas.draw()
    inside = ax.get_window_extent()
    assert all(inside.x0 <= t.get_window_extent().x0 and t.get_window_extent().x1 <= inside.x1 for t in ax.texts)
    fig = plots.plot_comparison({"a": 0.81, "b": 0.8}, horizontal=False, fmt="{:.1%}", ylabel="accuracy")
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0 and [t.get_text() for t in ax.texts] == ["81.0%", "80.0%"]
    assert [t.get_text() for t in plots.plot_comparison({"a": 0.813, "b": 0.8}).axes[0].texts] == ["0.813", "0.800"]


def test_plot_comparison_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="empty"):
        plots.plot_comparison({})
    with pytest.raises(ValueError, match="lacks"):
        plots.plot_comparison({"a": 1.0, "b": 2.0}, errors={"a": 0.1})
    with pytest.raises(ValueError, match=">= 0"):
        plots.plot_comparison({"a": 1.0}, errors={"a": -0.1})
    with pytest.raises(ValueError, match="baseline"):
        plots.plot_comparison({"a": 1.0}, baseline="b")


def test_widget_controls_are_wide_labelled_and_redraw_on_release():
    explorers = [
        widgets.explore_learning_rate(lambda t: t ** 2 + 0.2, lambda lr: [1.0, 0.5]),
        widgets.explore_activations({"relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0)}),
        widgets.explore_initialization(lambda depth, a, s: [np.ones(10)] * depth),
    ]
    controls = [c for explorer in explorers for c in explorer.children[:-1]]
    assert len(controls) == 5
    for control in controls:
        assert control.layout.width == widgets.SLIDER_WIDTH and control.style.description_width == "initial"
        if hasattr(control, "continuous_update"):
            assert control.continuous_update is False


def test_every_explorer_control_is_one_the_keyboard_drives_inside_jupyterlab():
    # JupyterLab's command mode takes the arrow keys from a focused Dropdown (they move the selected cell; seen in
    # Chromium by tests_browser/); a slider's handle keeps them, and toggle buttons are reached with Tab and
    # pressed with Space. So every choice among names is a row of toggle buttons, every name in view.
    import ipywidgets

    images = np.random.default_rng(0).random((3, 8, 8))
    explorers = [
        widgets.explore_learning_rate(lambda t: t ** 2 + 0.2, lambda lr: [1.0, 0.5]),
        widgets.explore_activations({"relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
                                     "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2)}),
        widgets.explore_initialization(lambda depth, a, s: [np.ones(10)] * depth),
        widgets.explore_feature_maps(images, lambda index: {"conv1": np.ones((8, 8, 2)), "conv2": np.ones((4, 4, 2))}),
        widgets.explore_temperature(lambda t: (["a", "b"], np.array([0.5, 0.5])), str),
    ]
    controls = [c for explorer in explorers for c in explorer.children[:-1]]
    assert len(controls) == 8
    for control in controls:
        assert not isinstance(control, ipywidgets.Dropdown), f"{control.description}: a Dropdown"
        assert isinstance(control, (ipywidgets.ToggleButtons, ipywidgets.IntSlider, ipywidgets.FloatSlider,
                                    ipywidgets.FloatLogSlider, ipywidgets.SelectionSlider)), type(control).__name__
    choices = [c for c in controls if isinstance(c, ipywidgets.ToggleButtons)]
    assert [c.description for c in choices] == ["activation", "activation", "initialization", "layer"]
    assert [list(c.options) for c in choices[1:]] == [["tanh", "relu"], ["too small", "too large", "Glorot", "He"],
                                                      ["conv1", "conv2"]]
    for control in choices:
        assert control.value == control.options[0] and control.style.button_width == "auto"
        assert control.layout.width == widgets.SLIDER_WIDTH and control.style.description_width == "initial"


def test_pressing_a_button_redraws_the_initialization_explorer_with_that_choice(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    seen = []

    def simulate(depth, activation, scheme):
        seen.append((depth, activation, scheme))
        return [np.ones(10)] * depth

    explorer = widgets.explore_initialization(simulate)
    layers, activation, scheme = explorer.children[:3]
    activation.value = "relu"
    scheme.value = "He"
    assert seen[-2:] == [(10, "relu", "too small"), (10, "relu", "He")]
    with pytest.raises(Exception):     # a name that is not one of the buttons
        scheme.value = "Xavier"


def test_initialization_explorer_shows_every_layer(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    widgets.explore_initialization(lambda depth, a, s: [np.random.default_rng(k).normal(size=50) for k in range(depth)],
                                   depth=(2, 30, 15))
    fig = plt.gcf()
    assert sum(ax.get_visible() for ax in fig.axes) == 15


def test_a_stored_explorer_shows_a_picture_and_one_line_not_the_raw_widget():
    import base64

    explorer = widgets.explore_learning_rate(lambda t: t ** 2 + 0.2, lambda lr: [1.0 * (1 - 2 * lr) ** k for k in range(5)])
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == widgets.STORED_TEXT and "interactive(" not in bundle["text/plain"]
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "application/vnd.jupyter.widget-view+json" in bundle      # a live kernel still gets the controls


def test_feature_map_explorer_shows_the_chosen_layer_and_refuses_bad_input(monkeypatch):
    import ipywidgets
    import matplotlib.pyplot as plt

    images = np.random.default_rng(0).random((3, 28, 28))
    maps = lambda index: {"conv1": np.random.default_rng(index).random((28, 28, 16)),
                          "conv2": np.random.default_rng(index).random((14, 14, 4))}
    explorer = widgets.explore_feature_maps(images, maps, labels=[0, 1, 2], class_names=["a", "b", "c"])
    assert isinstance(explorer, ipywidgets.interactive)
    assert [c.description for c in explorer.children[:2]] == ["image", "layer"]
    assert explorer._repr_mimebundle_()["text/plain"] == widgets.STORED_TEXT
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    explorer.children[1].value = "conv2"
    fig = plt.gcf()
    shown = [im for ax in fig.axes for im in ax.get_images()][1:]              # the maps, not the image
    assert [ax.get_title() for ax in fig.axes[1:5]] == [f"channel {k}" for k in range(4)]
    expected = maps(0)["conv2"]
    assert len(shown) == 4 and {im.get_clim() for im in shown} == {(expected.min(), expected.max())}   # one scale
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
    with pytest.raises(ValueError, match="shape"):
        widgets.explore_feature_maps(np.zeros(5), maps)
    with pytest.raises(ValueError, match="no layers"):
        widgets.explore_feature_maps(images, lambda index: {})


def test_temperature_explorer_shows_the_distribution_and_a_sample_at_the_chosen_temperature(monkeypatch):
    import ipywidgets
    import matplotlib.pyplot as plt

    logits = np.array([2.0, 1.0, 0.0, -1.0])
    seen = []

    def distribution(temperature):
        seen.append(temperature)
        p = np.exp(logits / temperature)
        return ["a", "b", "\n", " "], p / p.sum()

    explorer = widgets.explore_temperature(distribution, lambda t: f"sample at {t:.2f}", context="'x'", top=4)
    assert isinstance(explorer, ipywidgets.interactive) and explorer.children[0].description == "temperature T"
    assert explorer.children[0].continuous_update is False
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    explorer.children[0].value = 0.5
    fig = plt.gcf()
    bars = fig.axes[0].patches
    assert seen[-1] == 0.5 and len(bars) == 4
    assert bars[0].get_height() == pytest.approx(np.exp(4) / np.exp([4, 2, 0, -2]).sum())
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b", "↵", "␣"]    # whitespace is visible
    assert "sample at 0.50" in [t.get_text() for t in fig.axes[1].texts]
    assert explorer._repr_mimebundle_()["text/plain"] == widgets.STORED_TEXT
    with pytest.raises(ValueError, match="smallest"):
        widgets.explore_temperature(distribution, str, temperatures=(1.0, 0.5, 0.7))


def _label_overlaps(texts) -> int:
    boxes = [t.get_window_extent() for t in texts]
    return sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_label_points_keeps_labels_of_crowded_points_apart_and_refuses_a_count_mismatch():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 2))
    labels = [f"word{k}" for k in range(40)]
    fig, (naive, placed) = plt.subplots(1, 2, figsize=(8, 4), layout="constrained")
    for ax in (naive, placed):
        ax.scatter(points[:, 0], points[:, 1], s=10)
    naive_texts = [naive.annotate(w, p, xytext=(2, 2), textcoords="offset points", fontsize=7)
                   for w, p in zip(labels, points)]
    texts = plots.label_points(placed, points, labels, colors=["tab:red"] * 40)
    fig.draw_without_rendering()
    assert [t.get_text() for t in texts] == labels and texts[0].get_color() == "tab:red"
    assert _label_overlaps(naive_texts) >= 10                     # labels all up and right: 13 pairs overlap
    assert _label_overlaps(texts) <= _label_overlaps(naive_texts) / 4
    corners = plt.subplots(figsize=(3, 3))[1]
    corners.scatter([0, 100], [0, 100])
    far = plots.label_points(corners, np.array([[0.0, 0.0], [100.0, 100.0]]), ["a label", "b label"])
    frame = corners.get_window_extent()
    assert _label_overlaps(far) == 0
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
               for box in (t.get_window_extent() for t in far))          # the top-right one turned inwards
    with pytest.raises(ValueError, match="shape"):
        plots.label_points(placed, points[:3], labels)
    plt.close("all")


def test_error_map_colours_each_kind_of_pixel_and_refuses_mismatched_shapes():
    image = np.linspace(0, 255, 16).reshape(4, 4)
    truth = np.zeros((4, 4), np.uint8)
    truth[0] = 1
    prediction = np.zeros((4, 4), bool)
    prediction[0, :2] = prediction[1, 0] = True
    rgb = plots.error_map(image, prediction, truth)
    assert rgb.shape == (4, 4, 3)
    colours = plots.ERROR_COLOURS
    assert tuple(rgb[0, 0]) == colours["both"] and tuple(rgb[1, 0]) == colours["predicted only"]
    assert tuple(rgb[0, 3]) == colours["missed"]
    grey = rgb[2:, :]                                            # neither mask: the dimmed image, grey
    assert np.allclose(grey[..., 0], grey[..., 1]) and grey[1, 3, 0] > grey[0, 0, 0]
    assert np.isfinite(plots.error_map(np.zeros((4, 4)), prediction, truth)).all()   # a flat image
    with pytest.raises(ValueError, match="one shape"):
        plots.error_map(image, prediction[:3], truth)


def test_plot_segmentations_one_panel_per_prediction_with_scores_and_a_legend():
    image, truth = np.random.default_rng(0).random((8, 8)), np.eye(8)
    fig = plots.plot_segmentations(image, truth, {"a": truth, "b": 1 - truth}, scores={"a": 1.0, "b": 0.0})
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["image", "a\nDice 1.000", "b\nDice 0.000"]
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 3
    with pytest.raises(ValueError, match="empty"):
        plots.plot_segmentations(image, truth, {})
