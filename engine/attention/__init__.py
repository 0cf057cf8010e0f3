"""Attention (d2l §10.6–11.4): scoring functions (``scoring``), Nadaraya–Watson kernel regression
(``nadaraya_watson``), the attention playground (``playground``), the dates task (``dates``), seq2seq
models with and without attention (``seq2seq``), the seq2seq lesson's training run (``translation``), figures and strings.

Importing ``engine.attention.scoring`` alone stays light (torch only) for other lessons."""
from engine.attention.scoring import (AdditiveAttention, DotProductAttention, attention_mask,
                                      dot_product_scores, masked_softmax)
from engine.attention.strings import NW_STRINGS, PLAYGROUND_STRINGS, SEQ2SEQ_STRINGS
from engine.attention.figures import (fig_alignment, fig_curves, fig_matrix, fig_nw_fit, fig_nw_training,
                                      fig_nw_weights, fig_saturation, fig_scores, fig_weights)

__all__ = ["AdditiveAttention", "DotProductAttention", "attention_mask", "dot_product_scores", "masked_softmax",
           "NW_STRINGS", "PLAYGROUND_STRINGS", "SEQ2SEQ_STRINGS",
           "fig_alignment", "fig_curves", "fig_matrix", "fig_nw_fit", "fig_nw_training", "fig_nw_weights",
           "fig_saturation", "fig_scores", "fig_weights"]
