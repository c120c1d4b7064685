"""ipywidgets explorers: sliders that redraw a figure. Introduced in 01.

The controls need a live kernel. So that a stored notebook reads well anyway (on GitHub, in nbviewer, in
JupyterLab before the cell is run), each explorer also carries a static picture of its default view and a
one-line text instead of the widget's raw description. Sliders are wide, show their whole label, and
redraw once when released (not at every step of a drag).

Every control works from the keyboard inside JupyterLab, which takes the arrow keys for its own command mode
unless the focused element handles them itself: a slider's handle moves with the arrow keys, and a choice among
names is a row of toggle buttons (Tab to a button, Space to press it), not a dropdown, whose arrow keys move
JupyterLab's selected cell instead of its value (`make test-browser` checks both in Chromium).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .plots import plot_descent_1d

SLIDER_WIDTH = "460px"
STORED_TEXT = "Explorer: run this cell to move its controls (the picture shows the default setting)."


def _static_view(draw: Callable[..., None], defaults: dict) -> str:
    """The figure ``draw(**defaults)`` makes, as base64 PNG (draw ends with plt.show(), which is held back)."""
    import base64
    import io
    from unittest import mock

    with mock.patch.object(plt, "show"):
        draw(**defaults)
    fig = plt.gcf()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _explorer(draw: Callable[..., None], **controls):
    """``ipywidgets.interactive(draw, **controls)`` whose stored output is a picture, not a raw widget repr."""
    import ipywidgets as widgets

    class Explorer(widgets.interactive):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs) or {}
            defaults = {name: control.value for name, control in controls.items()}
            bundle["text/plain"] = STORED_TEXT
            bundle["image/png"] = _static_view(draw, defaults)
            return bundle

    return Explorer(draw, **controls)


def _control_options() -> dict:
    """Layout and style for every control: wide enough to move precisely, the whole label visible."""
    import ipywidgets as widgets

    return dict(layout=widgets.Layout(width=SLIDER_WIDTH), style={"description_width": "initial"})


def _choice(options: Sequence[str], description: str):
    """A choice among names: one toggle button per name, each as wide as its name, every name in view.

    Not a Dropdown: inside JupyterLab the arrow keys on a focused dropdown move the notebook's selected cell, not
    the dropdown's value. Toggle buttons are reached with Tab and pressed with Space, or clicked.
    """
    import ipywidgets as widgets

    controls = _control_options()
    controls["style"] = dict(controls["style"], button_width="auto")
    return widgets.ToggleButtons(options=list(options), description=description, **controls)


def explore_learning_rate(loss: Callable[[np.ndarray], np.ndarray],
                          descend: Callable[[float], Sequence[float]], *,
                          rates: tuple[float, float] = (0.01, 1.5), initial: float = 0.2):
    """A learning-rate slider showing gradient descent's path on ``loss`` and the loss per step.

    Parameters
    ----------
    loss : maps θ (array) to F(θ)
    descend : maps a learning rate to the list of θ visited by gradient descent (your own code)
    rates : smallest and largest learning rate on the (logarithmic) slider
    initial : the learning rate shown first

    Returns
    -------
    ipywidgets.interactive
        Displaying it (last line of a cell) shows the slider and the figure.
    """
    import ipywidgets as widgets

    if not 0 < rates[0] < rates[1]:
        raise ValueError(f"rates must be two increasing positive numbers, got {rates}.")

    def draw(learning_rate: float) -> None:
        thetas = np.asarray(descend(learning_rate), dtype=float)
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
        plot_descent_1d(loss, thetas, title=f"Path of θ, learning rate α = {learning_rate:.3g}", ax=left)
        with np.errstate(over="ignore", invalid="ignore"):
            right.plot(np.arange(len(thetas)), loss(thetas), "o-", markersize=3)
        right.set_yscale("log")
        right.set(xlabel="iteration", ylabel="F(θ) (log scale)", title="Loss per iteration")
        plt.show()

    slider = widgets.FloatLogSlider(value=initial, base=10, min=np.log10(rates[0]), max=np.log10(rates[1]),
                                    step=0.02, description="learning rate α", continuous_update=False,
                                    readout_format=".3f", **_control_options())
    return _explorer(draw, learning_rate=slider)


def explore_activations(activations: Mapping[str, tuple[Callable[[np.ndarray], np.ndarray],
                                                        Callable[[np.ndarray], np.ndarray]]], *,
                        span: tuple[float, float] = (-5.0, 5.0)):
    """A button per activation function: plots the chosen one and its derivative. Introduced in 02.

    Parameters
    ----------
    activations : name -> (function, derivative), both element-wise on NumPy arrays (your own code)
    span : range of the pre-activation z shown
    """
    if not activations:
        raise ValueError("activations is empty: pass {'name': (function, derivative), ...}.")
    z = np.linspace(*span, 401)

    def draw(name: str) -> None:
        function, derivative = activations[name]
        fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
        ax.plot(z, function(z), label=f"{name}(z)")
        ax.plot(z, derivative(z), "--", label=f"{name}'(z)")
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set(xlabel="pre-activation z", ylabel="value", title=f"{name} and its derivative")
        ax.legend()
        plt.show()

    return _explorer(draw, name=_choice(list(activations), "activation"))


def explore_initialization(simulate: Callable[[int, str, str], Sequence[np.ndarray]], *,
                           activations: Sequence[str] = ("tanh", "relu"),
                           schemes: Sequence[str] = ("too small", "too large", "Glorot", "He"),
                           depth: tuple[int, int, int] = (2, 30, 10)):
    """A depth slider and buttons for activation and initialization; shows every layer's activation histogram.
    Introduced in 03.

    Parameters
    ----------
    simulate : (depth, activation, scheme) -> one array of activations per layer (your own code)
    depth : (smallest, largest, initial) number of layers
    """
    import ipywidgets as widgets

    from .plots import plot_layer_histograms

    def draw(layers: int, activation: str, scheme: str) -> None:
        plot_layer_histograms(simulate(layers, activation, scheme),
                              title=f"{layers} {activation} layers, {scheme} initialization")
        plt.show()

    return _explorer(
        draw,
        layers=widgets.IntSlider(value=depth[2], min=depth[0], max=depth[1], description="depth (layers)",
                                 continuous_update=False, **_control_options()),
        activation=_choice(activations, "activation"),
        scheme=_choice(schemes, "initialization"),
    )


def explore_feature_maps(images: np.ndarray, feature_maps: Callable[[int], Mapping[str, np.ndarray]], *,
                         channels: int = 8, class_names: Sequence[str] | None = None, labels: Sequence[int] | None = None):
    """A slider for the image and buttons for the layer; shows the image and its first feature maps. Introduced in 05.

    Parameters
    ----------
    images : array of shape (n, h, w) or (n, h, w, 1), the images to choose from
    feature_maps : maps an image index to {layer name: array of shape (h', w', channels)} (your own code)
    channels : how many channels of the chosen layer to show
    class_names, labels : optional, to title the image with its class
    """
    import ipywidgets as widgets

    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, 1) with n ≥ 1, got {images.shape}.")
    layer_names = list(feature_maps(0))
    if not layer_names:
        raise ValueError("feature_maps(0) returned no layers: return {'layer name': (h, w, channels) array, ...}.")

    def draw(index: int, layer: str) -> None:
        maps = np.asarray(feature_maps(index)[layer])
        shown = min(channels, maps.shape[-1])
        fig, axes = plt.subplots(1, shown + 1, figsize=(1.6 * (shown + 1) + 0.6, 2.2), layout="constrained")
        axes[0].imshow(images[index].squeeze(), cmap="gray")
        title = f"image {index}"
        if labels is not None:
            label = int(labels[index])
            title += f"\n{class_names[label] if class_names is not None else label}"
        axes[0].set_title(title, fontsize=8)
        low, high = float(maps[..., :shown].min()), float(maps[..., :shown].max())
        for k, ax in enumerate(axes[1:]):   # one colour scale for the layer, so channels can be compared
            shown_map = ax.imshow(maps[..., k], cmap="viridis", vmin=low, vmax=high if high > low else low + 1)
            ax.set_title(f"channel {k}", fontsize=8)
        for ax in axes:
            ax.axis("off")
        fig.colorbar(shown_map, ax=axes[1:], shrink=0.8, label="activation")
        fig.suptitle(f"{layer}: {maps.shape[0]}×{maps.shape[1]}, first {shown} of {maps.shape[-1]} channels, "
                     f"on one colour scale", fontsize=9)
        plt.show()

    return _explorer(
        draw,
        index=widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image",
                                continuous_update=False, **_control_options()),
        layer=_choice(layer_names, "layer"),
    )


def _visible(character: str) -> str:
    """A tick label that shows a character, whitespace included: ␣ for a space, ↵ for a line break."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(character, repr(character)[1:-1])


def explore_temperature(distribution: Callable[[float], tuple[Sequence[str], np.ndarray]],
                        sample: Callable[[float], str], *, context: str = "the prompt",
                        temperatures: tuple[float, float, float] = (0.1, 2.5, 1.0), top: int = 15):
    """A temperature slider: the next-character distribution at that temperature, and a sample. Introduced in 06.

    Parameters
    ----------
    distribution : maps a temperature to (characters, probabilities of each as the next one) (your own code)
    sample : maps a temperature to a generated text (your own code)
    context : what the distribution follows, for the title
    temperatures : (smallest, largest, initial) temperature on the slider
    top : how many of the likeliest characters the bar chart shows
    """
    import ipywidgets as widgets

    low, high, initial = temperatures
    if not 0 < low <= initial <= high:
        raise ValueError(f"temperatures must be (smallest, largest, initial) with 0 < smallest ≤ initial ≤ largest, "
                         f"got {temperatures}.")

    def draw(temperature: float) -> None:
        characters, probs = distribution(temperature)
        probs = np.asarray(probs, dtype=float)
        order = np.argsort(probs)[::-1][:top]
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained", width_ratios=(1, 1.6))
        left.bar(range(len(order)), probs[order], color="tab:blue")
        left.set_xticks(range(len(order)), [_visible(characters[i]) for i in order])
        left.set(xlabel=f"the {len(order)} likeliest next characters", ylabel="probability", ylim=(0, 1),
                 title=f"After {context}, temperature {temperature:.2f}")
        right.text(0, 1, sample(temperature), va="top", ha="left", family="monospace", fontsize=8, wrap=True,
                   transform=right.transAxes)
        right.set_title(f"A sample at temperature {temperature:.2f}")
        right.axis("off")
        plt.show()

    slider = widgets.FloatSlider(value=initial, min=low, max=high, step=0.05, description="temperature T",
                                 continuous_update=False, **_control_options())
    return _explorer(draw, temperature=slider)
