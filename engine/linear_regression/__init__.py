"""Linear regression (d2l §3.4–3.5): ``Settings``, ``run``, the book's functions, figures and strings."""
from engine.linear_regression.core import (MAX_STEPS, batches_frame, HalfMSELoss, Result, Settings, closed_form, critical_lr,
                                           every_batch_lr,
                                           data_iter, linreg, loss_surface, run, sgd, squared_loss,
                                           step_concise, step_scratch, synthetic_data)
from engine.linear_regression.figures import fig_contour, fig_fit, fig_loss, fig_params, params_table
from engine.linear_regression.strings import STRINGS

__all__ = ["MAX_STEPS", "batches_frame", "HalfMSELoss", "Result", "Settings", "closed_form", "critical_lr", "every_batch_lr", "data_iter", "linreg",
           "loss_surface", "run", "sgd", "squared_loss", "step_concise", "step_scratch", "synthetic_data",
           "fig_contour", "fig_fit", "fig_loss", "fig_params", "params_table", "STRINGS"]
