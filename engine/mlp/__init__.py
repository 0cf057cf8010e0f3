"""The multilayer perceptron (d2l §5.1–5.2, §3.7, §5.6).

This package is the MLP-on-images lesson (``core``, ``figures``, ``strings``); the
sub-packages ``activations`` and ``playground`` are the two companion lessons, and ``net``
holds the model builder they share."""
from engine.mlp.core import (MAX_UNITS, MODELS, STEP_COST, WEIGHT_COST, WEIGHT_DECAYS, ModelRun, Result, Settings, baseline,
                             build_net, evaluate, forward_macs, history_frame, run, train_epoch)
from engine.mlp.net import Dropout, dropout_layer, l2_penalty, mlp, num_params, sgd_with_weight_decay
from engine.mlp.figures import fig_compare
from engine.mlp.strings import STRINGS

__all__ = ["MAX_UNITS", "MODELS", "STEP_COST", "WEIGHT_COST", "WEIGHT_DECAYS", "ModelRun", "Result", "Settings",
           "baseline", "build_net", "evaluate", "forward_macs", "history_frame", "run", "train_epoch",
           "Dropout", "dropout_layer", "l2_penalty", "mlp", "num_params", "sgd_with_weight_decay", "fig_compare", "STRINGS"]
