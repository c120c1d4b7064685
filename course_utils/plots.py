"""Plot helpers: each draws one kind of figure, labels its axes and returns the Figure.

In a notebook end the call with ``;`` (``plots.plot_history(history);``) so the figure is shown
once. Figures a helper creates itself use matplotlib's constrained layout, so titles, labels and
tick labels get room whatever their length; when you pass ``ax=``, the layout of your figure is
yours (``layout="constrained"`` in ``plt.subplots`` or ``fig.tight_layout()``). Introduced in 00.
"""
from __future__ import annotations

import textwrap
from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

SMALL, WIDE, SQUARE = (5.0, 3.5), (10.0, 3.5), (5.5, 5.0)
INCHES_PER_POINT = 1 / 72


def _subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **kwargs):
    """plt.subplots with constrained layout: (figure, 2-D array of axes)."""
    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **kwargs)


def _figure_and_axes(ax, figsize: tuple[float, float]):
    """The given axes and its figure, or a new constrained-layout figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig, axes = _subplots(figsize=figsize)
    return fig, axes[0, 0]


def _text_inches(lines: Sequence[str], fontsize: float) -> float:
    """A generous estimate of the width of the longest line, in inches (DejaVu Sans averages ~0.55 em)."""
    return max((len(line) for line in lines), default=0) * 0.62 * fontsize * INCHES_PER_POINT


class _CompactFormatter(Formatter):
    """Tick labels like 0, 0.25, 2.5e-6, 1e5: no offset text above the axis, the fewest digits that differ."""

    def __call__(self, x, pos=None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values) -> list[str]:
        values = np.asarray(values, dtype=float)
        if not values.size:
            return []
        scale = np.abs(values).max()
        values = np.where(np.abs(values) <= 1e-9 * scale, 0.0, values)   # 1.4e-17 from float steps is 0
        for digits in range(2, 8):
            labels = [f"{value:.{digits}g}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
                      for value in values]
            if len(set(labels)) == len(labels):
                break
        return labels


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

    The figure grows with the number of title lines and the longest class name (wrapped at about
    20 characters), so titles never run into the neighbouring images.

    Parameters
    ----------
    images : array of shape (n, h, w), (n, h, w, 1) or (n, h, w, 3)
    labels, predictions : sequences of n class ids, optional
    class_names : names indexed by class id, optional
    """
    images = _as_images(images)
    count = len(images)
    if count == 0:
        raise ValueError("images is empty: pass at least one image.")
    ncols = max(1, min(ncols, count))
    nrows = int(np.ceil(count / ncols))
    name = (lambda c: class_names[int(c)]) if class_names is not None else (lambda c: str(int(c)))
    titles, colors = [], []
    for index in range(count):
        if labels is not None and predictions is not None:
            wrong = int(labels[index]) != int(predictions[index])
            text = f"{name(predictions[index])}\n(true: {name(labels[index])})" if wrong else name(labels[index])
            colors.append("crimson" if wrong else "black")
        else:
            text = name(labels[index]) if labels is not None else ""
            colors.append("black")
        titles.append("\n".join(textwrap.fill(line, 20, break_long_words=False) or line for line in text.split("\n")))
    fontsize = 8
    lines = [line for text in titles for line in text.split("\n")]
    line_count = max(text.count("\n") + 1 if text else 0 for text in titles)
    column = max(1.3, _text_inches(lines, fontsize) + 0.15)
    row = 1.15 + line_count * 1.25 * fontsize * INCHES_PER_POINT + 0.1
    fig, axes = _subplots(nrows, ncols, figsize=(column * ncols, row * nrows + (0.45 if title else 0.1)))
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            ax.set_visible(False)
            continue
        ax.imshow(images[index], cmap="gray" if images.ndim == 3 else None)
        if titles[index]:
            ax.set_title(titles[index], fontsize=fontsize, color=colors[index])
    if title:
        fig.suptitle(title)
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
    fig, axes = _subplots(1, len(names), figsize=(5.0 * len(names), 3.8))
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
    return fig


def plot_curves(curves: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str, title: str,
                x: Mapping[str, Sequence[float]] | None = None, logy: bool = False, logx: bool = False,
                ax=None, xlim: tuple[float, float] | None = None,
                ylim: tuple[float, float] | None = None) -> Figure:
    """Plot several named curves (e.g. loss per step for three optimizers) on one axis. Introduced in 01.

    Pass the same ``xlim=(low, high)`` (and ``ylim``) to panels that are compared side by side, so
    they share one range; ``None`` keeps matplotlib's automatic range for that side.
    """
    fig, ax = _figure_and_axes(ax, SMALL)
    for name, values in curves.items():
        xs = x[name] if x is not None else np.arange(len(values))
        ax.plot(xs, values, label=name, linewidth=1.5)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
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
    fig, ax = _figure_and_axes(ax, SQUARE)
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
    longest = _text_inches(names, plt.rcParams["font.size"])   # room for long class names on both axes
    fig, axes = _subplots(figsize=(6.5 + max(0.0, longest - 0.8), 5.5 + max(0.0, 0.75 * longest - 0.6)))
    ax = axes[0, 0]
    image = ax.imshow(counts, cmap="viridis")
    for (row, col), value in np.ndenumerate(counts):
        ax.text(col, row, str(value), ha="center", va="center", fontsize=7,
                color="black" if value > counts.max() / 2 else "white")
    ax.set_xticks(range(n_classes), names, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n_classes), names)
    ax.grid(False)
    ax.set(xlabel="predicted class", ylabel="true class",
           title=f"{title}: accuracy {np.trace(counts) / counts.sum():.1%}")
    # An inset colorbar follows the square image, so the title above the image stays clear of it.
    colorbar = fig.colorbar(image, cax=ax.inset_axes([1.04, 0.0, 0.045, 1.0]), label="number of examples")
    colorbar.ax.grid(False)
    return fig


def plot_descent_1d(loss: Callable[[np.ndarray], np.ndarray], thetas: Sequence[float], *, title: str,
                    span: tuple[float, float] = (-1.5, 1.5), ax=None) -> Figure:
    """Draw a 1-D loss curve and the path of gradient descent on it. Introduced in 01."""
    fig, ax = _figure_and_axes(ax, SMALL)
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
                          max_layers: int | None = None, bins: int = 50, ncols: int | None = None) -> Figure:
    """One histogram per layer, with each layer's std, in a grid of panels. Introduced in 03.

    Every layer is shown unless ``max_layers`` is given and smaller; then that many evenly spaced
    layers (always the first and the last) are shown and the figure's title names them.

    Parameters
    ----------
    activations : sequence of arrays, one per layer, any shape (flattened)
    max_layers : at most this many panels, default all layers
    ncols : panels per row, default at most 8 with the rows as even as possible
    """
    if not len(activations):
        raise ValueError("activations is empty: pass one array per layer.")
    total = len(activations)
    shown = total if max_layers is None else max(1, min(int(max_layers), total))
    chosen = np.unique(np.linspace(0, total - 1, shown).round().astype(int))
    count = len(chosen)
    if ncols is None:
        ncols = int(np.ceil(count / np.ceil(count / 8)))
    ncols = max(1, min(int(ncols), count))
    nrows = int(np.ceil(count / ncols))
    fig, axes = _subplots(nrows, ncols, figsize=(max(1.75 * ncols, 4.0), 1.85 * nrows + 0.8))
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    # Each panel keeps its own axes: layers can differ in scale by many orders of magnitude. The
    # compact tick labels replace matplotlib's offset text ("1e-5" above the axis), which has no
    # room between panels.
    for ax, index in zip(axes.flat, chosen):
        values = np.asarray(activations[index], dtype=float).ravel()
        finite = values[np.isfinite(values)]
        ax.hist(finite, bins=bins, color="tab:blue", density=True, histtype="stepfilled")   # one polygon: fast to draw
        ax.set_title(f"layer {index + 1}\nstd {finite.std() if finite.size else float('nan'):.2g}", fontsize=9)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(nbins=3, min_n_ticks=2))
            axis.set_major_formatter(_CompactFormatter())
        ax.tick_params(labelsize=7)
    fig.supxlabel(xlabel, fontsize=10)
    fig.supylabel("density (each panel its own scale)", fontsize=10)
    if count < total:
        listed = ", ".join(str(index + 1) for index in chosen)
        title = f"{title}\n(layers {listed} of {total})"
    fig.suptitle(title)
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
    fig, ax = _figure_and_axes(ax, (6.5, 5.0))
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


def plot_comparison(means: Mapping[str, float], *, errors: Mapping[str, float] | None = None,
                    xlabel: str | None = None, ylabel: str | None = None, title: str = "Comparison",
                    baseline: str | None = None, horizontal: bool = True, fmt: str | None = None,
                    ax=None) -> Figure:
    """Bar chart comparing models (e.g. test accuracy per remedy), value axis from 0. Introduced in 04.

    Each bar is labelled with its value (``mean ± error`` when ``errors`` are given, drawn as error
    bars, e.g. the std over seeds). The value axis always starts at 0, so a 2-point difference looks
    like one. The ``baseline`` bar is grey and its value is drawn as a dashed line across the chart.

    Parameters
    ----------
    means : name -> value, drawn in this order (top to bottom, or left to right)
    errors : name -> half-length of the error bar (same names as ``means``), optional
    xlabel, ylabel : axis labels, as in matplotlib (with ``horizontal=True`` the values run along x)
    baseline : the name in ``means`` to compare the others with, optional
    horizontal : horizontal bars (room for long names) or vertical ones
    fmt : format of the values written on the bars, e.g. ``"{:.1%}"`` for fractions; default three
        significant digits for the largest value (``80.3``, ``0.803``), the same decimals for all
    """
    names = list(means)
    if not names:
        raise ValueError("means is empty: pass {'name': value, ...}.")
    values = np.array([float(means[name]) for name in names])
    if not np.isfinite(values).all():
        raise ValueError(f"means must be finite numbers, got {dict(zip(names, values))}.")
    if errors is not None:
        missing = [name for name in names if name not in errors]
        if missing:
            raise ValueError(f"errors lacks {missing}: give one error per name in means.")
        spread = np.array([float(errors[name]) for name in names])
        if not (np.isfinite(spread).all() and (spread >= 0).all()):
            raise ValueError(f"errors must be finite and >= 0, got {dict(zip(names, spread))}.")
    else:
        spread = np.zeros(len(names))
    if baseline is not None and baseline not in means:
        raise ValueError(f"baseline {baseline!r} is not one of the names in means: {names}.")
    if fmt is None:
        largest = np.abs(values).max()
        fmt = f"{{:.{max(0, 2 - int(np.floor(np.log10(largest)))) if largest > 0 else 2}f}}"

    size = (7.5, 0.45 * len(names) + 1.6) if horizontal else (max(5.0, 1.0 * len(names) + 1.5), 4.5)
    fig, ax = _figure_and_axes(ax, size)
    positions = np.arange(len(names))
    colors = ["0.6" if name == baseline else "tab:blue" for name in names]
    bar_kwargs = dict(color=colors, error_kw=dict(ecolor="0.2", elinewidth=1.2, capsize=4))
    ends = values + np.sign(values + (values == 0)) * spread
    low, high = min(0.0, ends.min()), max(0.0, ends.max())
    span = (high - low) or 1.0
    limits = (low - 0.3 * span if low < 0 else 0.0, high + 0.3 * span if high > 0 else 0.0)   # room for the labels
    if horizontal:
        ax.barh(positions, values, height=0.6, xerr=spread if errors is not None else None, **bar_kwargs)
        ax.set_yticks(positions, names)
        ax.set_xlim(*limits)
        ax.set_ylim(len(names) - 0.5, -1.2 if baseline is not None else -0.5)   # top to bottom, a free slot on top
        ax.grid(False, axis="y")
    else:
        ax.bar(positions, values, width=0.6, yerr=spread if errors is not None else None, **bar_kwargs)
        long_names = max(len(name) for name in names) > 8
        ax.set_xticks(positions, names, rotation=30 if long_names else 0, ha="right" if long_names else "center",
                      rotation_mode="anchor")
        ax.set_ylim(*limits)
        ax.set_xlim(-0.5, len(names) - 0.5 + (0.9 if baseline is not None else 0.0))   # a free slot on the right
        ax.grid(False, axis="x")
    for position, value, end, error in zip(positions, values, ends, spread):
        text = fmt.format(value) + (f" ± {fmt.format(error)}" if errors is not None else "")
        outward = 1 if value >= 0 else -1
        if horizontal:
            ax.annotate(text, (end, position), xytext=(4 * outward, 0), textcoords="offset points",
                        ha="left" if outward > 0 else "right", va="center", fontsize=9)
        else:
            ax.annotate(text, (position, end), xytext=(0, 3 * outward), textcoords="offset points",
                        ha="center", va="bottom" if outward > 0 else "top", fontsize=9)
    if baseline is not None:
        level = float(means[baseline])
        if horizontal:
            ax.axvline(level, color="0.35", linestyle="--", linewidth=1.2)
            right_half = level > sum(limits) / 2
            ax.annotate("baseline", (level, -0.85), xytext=(-4 if right_half else 4, 0), textcoords="offset points",
                        ha="right" if right_half else "left", va="center", fontsize=9, color="0.3")
        else:
            ax.axhline(level, color="0.35", linestyle="--", linewidth=1.2)
            ax.annotate("baseline", (len(names) - 0.5 + 0.45, level), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=9, color="0.3")
        tick_labels = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
        tick_labels[names.index(baseline)].set_fontweight("bold")
    ax.set(xlabel=xlabel or "", ylabel=ylabel or "", title=title)
    return fig


ERROR_COLOURS = {"both": (1.0, 0.85, 0.0), "predicted only": (0.9, 0.1, 0.1), "missed": (0.1, 0.45, 1.0)}


def error_map(image: np.ndarray, prediction: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """An RGB picture of a binary segmentation against the truth, on the dimmed grey image. Introduced in 09.

    Pixels both masks mark are yellow, those only the prediction marks (false positives) red, those only the
    truth marks (missed, false negatives) blue; elsewhere the image shows through. ``image`` is (h, w) grey,
    any range (scaled to [0, 1]); ``prediction`` and ``truth`` are (h, w) masks (booleans or 0/1 numbers).
    """
    image, prediction, truth = np.asarray(image, float), np.asarray(prediction), np.asarray(truth)
    if not (image.ndim == 2 and image.shape == prediction.shape == truth.shape):
        raise ValueError(f"image, prediction and truth must be (h, w) arrays of one shape, got {image.shape}, "
                         f"{prediction.shape} and {truth.shape}.")
    low, high = image.min(), image.max()
    grey = (image - low) / (high - low) if high > low else np.zeros_like(image)
    rgb = np.repeat(0.15 + 0.6 * grey[..., None], 3, axis=-1)
    p, t = prediction.astype(bool), truth.astype(bool)
    for where, colour in zip((p & t, p & ~t, ~p & t), ERROR_COLOURS.values()):
        rgb[where] = colour
    return rgb


def plot_segmentations(image: np.ndarray, truth: np.ndarray, predictions: Mapping[str, np.ndarray], *,
                       title: str = "Segmentations against the truth", scores: Mapping[str, float] | None = None
                       ) -> Figure:
    """The image, then one error map (:func:`error_map`) per prediction, with a legend of the colours. Introduced
    in 09.

    ``scores`` (name -> e.g. Dice) is written under each prediction's name when given.
    """
    if not predictions:
        raise ValueError("predictions is empty: pass {'name': mask, ...}.")
    fig, axes = _subplots(1, 1 + len(predictions), figsize=(3.2 * (1 + len(predictions)), 3.8))
    axes = axes[0]
    axes[0].imshow(image, cmap="gray")
    axes[0].set_title("image", fontsize=9)
    for ax, (name, mask) in zip(axes[1:], predictions.items()):
        ax.imshow(error_map(image, mask, truth))
        ax.set_title(name + (f"\nDice {scores[name]:.3f}" if scores and name in scores else ""), fontsize=9)
    for ax in axes:
        ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour) for colour in ERROR_COLOURS.values()]
    fig.legend(handles, ["membrane in both", "predicted, not true", "true, missed"], loc="outside lower center",
               ncols=3, fontsize=8, frameon=False)
    fig.suptitle(title)
    return fig


def label_points(ax, points: np.ndarray, labels: Sequence[str], *, colors: Sequence | None = None,
                 fontsize: float = 7) -> list:
    """Write each label beside its point, trying eight places round the point so that labels overlap neither
    each other nor other points and stay inside the axes where there is room (a crowded spot gets the least
    overlapping place).
    Draw the points and set the axis limits first. Introduced in 07.

    Parameters
    ----------
    points : array of shape (n, 2), in data coordinates
    labels : n strings
    colors : n colours, optional (default black)

    Returns the n matplotlib Text objects.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(f"points must have shape (n, 2) for n = {len(labels)} labels, got {points.shape}.")
    colors = list(colors) if colors is not None else ["black"] * len(labels)
    fig = ax.figure
    fig.draw_without_rendering()                        # settle the layout, so display coordinates are final
    renderer = fig.canvas.get_renderer()
    centres = ax.transData.transform(points)
    dot = 3.0 * fig.dpi / 72                           # half the side of the box kept free round each point
    obstacles = [np.array([x - dot, y - dot, x + dot, y + dot]) for x, y in centres]
    places = [(4, 2, "left", "bottom"), (4, -2, "left", "top"), (-4, 2, "right", "bottom"),
              (-4, -2, "right", "top"), (0, 5, "center", "bottom"), (0, -5, "center", "top"),
              (6, 0, "left", "center"), (-6, 0, "right", "center")]

    def overlap(box: np.ndarray, others: list[np.ndarray]) -> float:
        if not others:
            return 0.0
        others_arr = np.array(others)
        width = np.clip(np.minimum(box[2], others_arr[:, 2]) - np.maximum(box[0], others_arr[:, 0]), 0, None)
        height = np.clip(np.minimum(box[3], others_arr[:, 3]) - np.maximum(box[1], others_arr[:, 1]), 0, None)
        return float((width * height).sum())

    frame = ax.get_window_extent(renderer)

    def outside(box: np.ndarray) -> float:             # the part of a label that sticks out of the axes
        inner = (min(box[2], frame.x1) - max(box[0], frame.x0)) * (min(box[3], frame.y1) - max(box[1], frame.y0))
        return float((box[2] - box[0]) * (box[3] - box[1]) - max(inner, 0.0))

    texts, boxes = [], []
    for index, ((x, y), label, color) in enumerate(zip(points, labels, colors)):
        others = boxes + obstacles[:index] + obstacles[index + 1:]
        best = None
        for dx, dy, ha, va in places:
            text = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=fontsize, color=color, annotation_clip=False)
            text.set_in_layout(False)                   # labels must not move the axes they were placed on
            extent = text.get_window_extent(renderer)
            box = np.array([extent.x0, extent.y0, extent.x1, extent.y1])
            cost = overlap(box, others) + outside(box)
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, text, box)
            else:
                text.remove()
            if cost == 0:
                break
        texts.append(best[1])
        boxes.append(best[2])
    return texts
