"""Activation functions and the linear-collapse demo (d2l §5.1): maths, figures and strings."""
from engine.mlp.activations.core import (FUNCTIONS, LEAKY_SLOPE, NAMES, Collapse, Settings, activation_table,
                                         collapse_demo, collapse_to_affine, derivative_autograd,
                                         derivative_closed_form, gelu, leaky_relu, relu, sigmoid, tanh, values_at)
from engine.mlp.activations.figures import fig_activations, fig_collapse
from engine.mlp.activations.strings import STRINGS

__all__ = ["FUNCTIONS", "LEAKY_SLOPE", "NAMES", "Collapse", "Settings", "activation_table", "collapse_demo",
           "collapse_to_affine", "derivative_autograd", "derivative_closed_form", "gelu", "leaky_relu", "relu",
           "sigmoid", "tanh", "values_at", "fig_activations", "fig_collapse", "STRINGS"]
