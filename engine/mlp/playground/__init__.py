"""The 2-D playground (d2l §5.1–5.2, after TensorFlow Playground): data, training, figures, strings."""
from engine.mlp.net import mlp
from engine.mlp.playground.core import (MAX_STEPS, NUM_FRAMES, Result, Settings, evaluate, grid_axes, run, sgd,
                                        train_step)
from engine.mlp.playground.datasets import DATASETS, make_data, train_test_split
from engine.mlp.playground.figures import fig_accuracy, fig_boundary, fig_boundary_live, fig_losses
from engine.mlp.playground.strings import ACT_SYMBOLS, STRINGS

__all__ = ["mlp", "MAX_STEPS", "NUM_FRAMES", "Result", "Settings", "evaluate", "grid_axes", "run", "sgd", "train_step",
           "DATASETS", "make_data", "train_test_split", "fig_accuracy", "fig_boundary", "fig_boundary_live",
           "fig_losses", "ACT_SYMBOLS", "STRINGS"]
