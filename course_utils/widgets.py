"""ipywidgets explorers: sliders that redraw a figure. Introduced in 01.

They need a live kernel; in a stored notebook they show nothing until the cell is run.
"""
from __future__ import annotations

from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .plots import plot_descent_1d


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
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        plot_descent_1d(loss, thetas, title=f"Path of θ, learning rate α = {learning_rate:.3g}", ax=left)
        with np.errstate(over="ignore", invalid="ignore"):
            right.plot(np.arange(len(thetas)), loss(thetas), "o-", markersize=3)
        right.set_yscale("log")
        right.set(xlabel="iteration", ylabel="F(θ) (log scale)", title="Loss per iteration")
        plt.show()

    slider = widgets.FloatLogSlider(value=initial, base=10, min=np.log10(rates[0]), max=np.log10(rates[1]),
                                    step=0.02, description="α", continuous_update=False, readout_format=".3f")
    return widgets.interactive(draw, learning_rate=slider)
