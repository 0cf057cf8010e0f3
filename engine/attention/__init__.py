"""Attention (d2l §11.1–11.4): scoring functions, the playground and seq2seq with attention."""
from engine.attention.scoring import (AdditiveAttention, DotProductAttention, attention_mask,
                                      dot_product_scores, masked_softmax)

__all__ = ["AdditiveAttention", "DotProductAttention", "attention_mask", "dot_product_scores", "masked_softmax"]
