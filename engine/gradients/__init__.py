"""Vanishing and exploding gradients, clipping and gradient checking (d2l §5.4, §5.3, §9.5.3, §9.7;
DLFS2 §6.1; Ng, course 2 week 1). One module per job, each with its own frozen ``Settings`` and
``run(settings, seed, device, on_step, budget) -> Result``:

- ``scalar_chain``: w^T, exactly and in float32/float64;
- ``deep_nets``: activations and gradients through L layers, four initialisers from their formulas;
- ``bptt``: ‖dh‖ through T multiplications by Whᵀ (σ_max set by SVD), with tanh′, and an LSTM's cell;
- ``clipping``: a one-unit RNN with a loss cliff, trained with and without ``grad_clipping``;
- ``grad_check``: two-sided differences against a hand-written backward pass with plantable bugs;
- ``figures``; ``strings`` (shared) and ``strings_exploding`` / ``strings_clipping`` /
  ``strings_checking``, the tables of the three pages.
"""
from engine.gradients import bptt, clipping, deep_nets, figures, grad_check, scalar_chain

__all__ = ["bptt", "clipping", "deep_nets", "figures", "grad_check", "scalar_chain"]
