"""Plot helpers: each draws one kind of figure, labels its axes and returns the Figure.

In a notebook end the call with ``;`` (``plots.plot_history(history);``) so the figure is shown
once. Introduced in 00.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

SMALL, WIDE, SQUARE = (5.0, 3.5), (10.0, 3.5), (5.5, 5.0)


def _as_images(images: np.ndarray) -> np.ndarray:
    """(n, h, w) or (n, h, w, 1) grey, or (n, h, w, 3) colour -> something imshow accepts."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, height, width[, channels]), got {images.shape}.")
    return images


def plot_images(images: np.ndarray, labels: Sequence | None = None, *, class_names: Sequence[str] | None = None,
                predictions: Sequence | None = None, ncols: int = 8, title: str | None = None) -> Figure:
    """Show images in a grid, each titled with its label (and prediction, red when wrong). Introduced in 00.

    Parameters
    ----------
    images : array of shape (n, h, w), (n, h, w, 1) or (n, h, w, 3)
    labels, predictions : sequences of n class ids, optional
    class_names : names indexed by class id, optional
    """
    images = _as_images(images)
    count = len(images)
    ncols = min(ncols, count)
    nrows = int(np.ceil(count / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.5 * nrows + 0.3), squeeze=False)
    name = (lambda c: class_names[int(c)]) if class_names is not None else (lambda c: str(int(c)))
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(images[index], cmap="gray" if images.ndim == 3 else None)
        if labels is not None and predictions is not None:
            wrong = int(labels[index]) != int(predictions[index])
            ax.set_title(f"{name(predictions[index])}\n(true: {name(labels[index])})" if wrong
                         else name(labels[index]), fontsize=8, color="crimson" if wrong else "black")
        elif labels is not None:
            ax.set_title(name(labels[index]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, *, metrics: Sequence[str] | None = None, title: str = "Training curves") -> Figure:
    """Plot loss and metrics per epoch for training and validation data. Introduced in 00.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit()`` returns (or its ``.history`` dict).
    metrics : names to plot, default every key without a ``val_`` prefix.
    """
    logs: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    if not logs:
        raise ValueError("history is empty: pass what model.fit() returned after at least one epoch.")
    names = list(metrics) if metrics else [key for key in logs if not key.startswith("val_") and key != "learning_rate"]
    fig, axes = plt.subplots(1, len(names), figsize=(5.0 * len(names), 3.5), squeeze=False)
    for ax, name in zip(axes.flat, names):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "o-", label="training", markersize=3)
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "s--", label="validation", markersize=3)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name.replace("_", " "))
        ax.set_title(name.replace("_", " "))
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(curves: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str, title: str,
                x: Mapping[str, Sequence[float]] | None = None, logy: bool = False, logx: bool = False,
                ax=None) -> Figure:
    """Plot several named curves (e.g. loss per step for three optimizers) on one axis. Introduced in 01."""
    fig, ax = (plt.subplots(figsize=SMALL) if ax is None else (ax.figure, ax))
    for name, values in curves.items():
        xs = x[name] if x is not None else np.arange(len(values))
        ax.plot(xs, values, label=name, linewidth=1.5)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if len(curves) > 1:
        ax.legend()
    return fig


def plot_decision_boundary(predict_proba: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, *,
                           title: str = "Decision boundary", test_points: np.ndarray | None = None,
                           padding: float = 0.5, ax=None) -> Figure:
    """Shade p(y=1|x) over the plane, draw the p = 0.5 boundary and the points. Introduced in 01.

    Parameters
    ----------
    predict_proba : maps an (m, 2) array of points to m probabilities of class 1
    X : (n, 2) points; y : (n,) labels 0/1
    test_points : (k, 2) points to mark with a star and their predicted probability
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) to draw a 2-D boundary, got {X.shape}.")
    fig, ax = (plt.subplots(figsize=SQUARE) if ax is None else (ax.figure, ax))
    low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
    grid_x1, grid_x2 = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 200))
    grid = np.c_[grid_x1.ravel(), grid_x2.ravel()]
    proba = np.asarray(predict_proba(grid), dtype=float).reshape(grid_x1.shape)
    shading = ax.contourf(grid_x1, grid_x2, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(grid_x1, grid_x2, proba, levels=[0.5], colors="k", linewidths=1.5)
    y = np.asarray(y).astype(int)
    for label, marker, color in ((0, "o", "tab:blue"), (1, "^", "tab:red")):
        ax.scatter(*X[y == label].T, marker=marker, c=color, edgecolors="k", s=50, label=f"y = {label}")
    if test_points is not None:
        test_points = np.asarray(test_points, dtype=float).reshape(-1, 2)
        probs = np.asarray(predict_proba(test_points), dtype=float).ravel()
        ax.scatter(*test_points.T, marker="*", c="gold", edgecolors="k", s=250, label="test point", zorder=3)
        for point, prob in zip(test_points, probs):
            ax.annotate(f"p = {prob:.2f}", point, xytext=(8, 8), textcoords="offset points")
    fig.colorbar(shading, ax=ax, label="p(y = 1 | x)")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)   # below the axes, clear of the points
    return fig


def plot_confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], *, class_names: Sequence[str] | None = None,
                          title: str = "Confusion matrix (test set)") -> Figure:
    """Heatmap of counts: rows are true classes, columns predicted classes. Introduced in 01."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}.")
    n_classes = int(max(y_true.max(), y_pred.max()) + 1) if class_names is None else len(class_names)
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    names = list(class_names) if class_names is not None else [str(c) for c in range(n_classes)]
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(counts, cmap="viridis")
    for (row, col), value in np.ndenumerate(counts):
        ax.text(col, row, str(value), ha="center", va="center", fontsize=7,
                color="black" if value > counts.max() / 2 else "white")
    ax.set_xticks(range(n_classes), names, rotation=45, ha="right")
    ax.set_yticks(range(n_classes), names)
    ax.grid(False)
    ax.set(xlabel="predicted class", ylabel="true class",
           title=f"{title}: accuracy {np.trace(counts) / counts.sum():.1%}")
    fig.colorbar(image, ax=ax, label="number of examples")
    fig.tight_layout()
    return fig


def plot_descent_1d(loss: Callable[[np.ndarray], np.ndarray], thetas: Sequence[float], *, title: str,
                    span: tuple[float, float] = (-1.5, 1.5), ax=None) -> Figure:
    """Draw a 1-D loss curve and the path of gradient descent on it. Introduced in 01."""
    fig, ax = (plt.subplots(figsize=SMALL) if ax is None else (ax.figure, ax))
    thetas = np.asarray(thetas, dtype=float)
    shown = thetas[np.isfinite(thetas) & (np.abs(thetas) < 1e6)]
    low = min(span[0], shown.min(initial=span[0]))
    high = max(span[1], shown.max(initial=span[1]))
    grid = np.linspace(low, high, 300)
    ax.plot(grid, loss(grid), color="0.4", label="F(θ)")
    ax.plot(shown, loss(shown), "o-", color="tab:red", markersize=4, linewidth=1, label="steps")
    ax.plot(shown[:1], loss(shown[:1]), "s", color="k", label="start")
    ax.set(xlabel="θ", ylabel="F(θ)", title=title)
    ax.legend()
    return fig


def plot_layer_histograms(activations: Sequence[np.ndarray], *, title: str, xlabel: str = "activation value",
                          max_layers: int = 10, bins: int = 50) -> Figure:
    """One histogram per layer (evenly chosen if there are more than ``max_layers``), with each std. Introduced in 03.

    Parameters
    ----------
    activations : sequence of arrays, one per layer, any shape (flattened)
    """
    if not len(activations):
        raise ValueError("activations is empty: pass one array per layer.")
    chosen = np.unique(np.linspace(0, len(activations) - 1, min(max_layers, len(activations))).round().astype(int))
    # Each panel keeps its own y-axis: layers can differ in scale by many orders of magnitude.
    fig, axes = plt.subplots(1, len(chosen), figsize=(1.9 * len(chosen), 2.6), squeeze=False)
    for ax, index in zip(axes.flat, chosen):
        values = np.asarray(activations[index], dtype=float).ravel()
        finite = values[np.isfinite(values)]
        ax.hist(finite, bins=bins, color="tab:blue", density=True)
        ax.set_title(f"layer {index + 1}\nstd {finite.std() if finite.size else float('nan'):.2g}", fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=7)
    axes.flat[0].set_ylabel("density")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_trajectories_2d(loss: Callable[[np.ndarray, np.ndarray], np.ndarray], paths: Mapping[str, np.ndarray], *,
                         title: str, xlim: tuple[float, float] = (-2, 2), ylim: tuple[float, float] = (-2, 2),
                         levels: int = 30, ax=None) -> Figure:
    """Contours of a 2-D loss and the paths of optimizers on it. Introduced in 02.

    Parameters
    ----------
    loss : maps two arrays (θ1, θ2) of the same shape to the loss, element-wise
    paths : name -> array of shape (steps, 2), the points each optimizer visited
    """
    fig, ax = (plt.subplots(figsize=(6.5, 5.0)) if ax is None else (ax.figure, ax))
    grid1, grid2 = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    values = loss(grid1, grid2)
    contour_levels = np.quantile(values, np.linspace(0, 1, levels) ** 2)   # denser near the minimum
    ax.contour(grid1, grid2, values, levels=np.unique(contour_levels), cmap="viridis", linewidths=0.7)
    for name, path in paths.items():
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"path {name!r} must have shape (steps, 2), got {path.shape}.")
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=2, linewidth=1.2, label=name)
    ax.set(xlim=xlim, ylim=ylim, xlabel="θ₁", ylabel="θ₂", title=title)
    ax.legend(fontsize=8)
    return fig
