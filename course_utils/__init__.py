"""Helpers shared by the course notebooks: set-up, data and checkpoints, plots, widgets, text, explanations, checks.

Typical first cell of a notebook::

    import course_utils as cu
    cfg = cu.setup(seed=0)          # prints versions, device, quick mode
"""
from . import checks, explain, plots, text, widgets
from .checkpoints import load_checkpoint
from .config import Config, reseed, setup
from .data import (FASHION_MNIST_CLASSES, DataFileError, download, load_fashion_mnist, load_imdb, load_membranes,
                   load_mnist, load_novels, load_shakespeare, load_uci_sentences, load_udhr, membrane_split)
from .record import record
from .training import as_dataset, batches, compact_log, forget_traced_functions, restart

__version__ = "0.1.0"
__all__ = [
    "as_dataset", "batches", "checks", "compact_log", "Config", "DataFileError", "download", "explain", "FASHION_MNIST_CLASSES",
    "forget_traced_functions", "load_checkpoint", "load_fashion_mnist", "load_imdb", "load_membranes", "load_mnist",
    "load_novels", "load_shakespeare", "load_uci_sentences", "load_udhr", "membrane_split", "plots", "record",
    "reseed", "restart", "setup", "text", "widgets",
]
