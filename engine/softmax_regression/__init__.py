"""Softmax regression (d2l §4.1–4.5): ``Settings``, ``run``, the book's functions, figures and strings."""
from engine.softmax_regression.core import (BASE_LOGITS, GRID_SIZE, MAX_UNITS, STEP_COST, Result, Settings,
                                            SoftmaxScratch, StabilitySettings, accuracy, concise_net,
                                            cross_entropy, epochs_frame, evaluate_accuracy, log_softmax,
                                            overflow_scale, predict_ch3, run, sgd, softmax, softmax_stable,
                                            stability_table, step_concise, step_scratch, train_epoch_ch3)
from engine.softmax_regression.figures import (fig_confusion, fig_curves, fig_predictions, fig_stability, fig_weights,
                                               stability_display)
from engine.softmax_regression.strings import STRINGS

__all__ = ["BASE_LOGITS", "GRID_SIZE", "MAX_UNITS", "STEP_COST", "Result", "Settings", "SoftmaxScratch",
           "StabilitySettings", "accuracy", "concise_net", "cross_entropy", "epochs_frame", "evaluate_accuracy",
           "log_softmax", "overflow_scale", "predict_ch3", "run", "sgd", "softmax", "softmax_stable",
           "stability_table", "step_concise", "step_scratch", "train_epoch_ch3",
           "fig_confusion", "fig_curves", "fig_predictions", "fig_stability", "fig_weights", "stability_display",
           "STRINGS"]
