"""The Transformer (d2l §11.5–11.9): multi-head attention from scratch, the blocks, a tiny model
trained live on copy/reverse/sort (``toy``), the book's encoder–decoder on dates (``encdec``) and a
character-level language model (``char_lm``)."""
from engine.transformer import char_lm, encdec, toy
from engine.transformer.attention import (MultiHeadAttention, causal_mask, masked_softmax, padding_mask,
                                          scaled_dot_product_attention, transpose_output, transpose_qkv)
from engine.transformer.blocks import (AddNorm, DecoderBlock, DecoderOnlyTransformer, EncoderBlock,
                                       EncoderDecoderTransformer, PositionalEncoding, PositionWiseFFN,
                                       TransformerDecoder, TransformerDecoderBlock, TransformerEncoder, num_params,
                                       positional_encoding)
from engine.transformer.figures import (fig_attention, fig_block_diagram, fig_encoder_decoder_diagram, fig_lm_curves,
                                        fig_positional_columns, fig_positional_encoding, fig_toy_curves, show_char)
from engine.transformer.strings import CHAR_LM_STRINGS, ED_STRINGS, STRINGS

__all__ = ["char_lm", "encdec", "toy", "EncoderDecoderTransformer", "TransformerDecoder", "TransformerDecoderBlock",
           "TransformerEncoder", "fig_encoder_decoder_diagram", "ED_STRINGS",
           "MultiHeadAttention", "causal_mask", "masked_softmax", "padding_mask", "scaled_dot_product_attention",
           "transpose_output", "transpose_qkv",
           "AddNorm", "DecoderBlock", "DecoderOnlyTransformer", "EncoderBlock", "PositionalEncoding",
           "PositionWiseFFN", "num_params", "positional_encoding",
           "fig_attention", "fig_block_diagram", "fig_lm_curves", "fig_positional_columns", "fig_positional_encoding",
           "fig_toy_curves", "show_char", "CHAR_LM_STRINGS", "STRINGS"]
