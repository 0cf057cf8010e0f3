"""Figures of the Transformer lessons, in the shared template: attention heatmaps per layer and
head, the positional-encoding matrix, the block structure, and the training curves."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from engine.i18n import Translator
from engine.plotting import PALETTE, SEQUENTIAL, DIVERGING, finite_or_none, mark_divergence, style


def show_char(token: str) -> str:
    """A character made visible as a tick label."""
    return {" ": "␣", "\n": "↵", "\t": "⇥", "": "∅"}.get(token, token)


def fig_attention(weights: np.ndarray, key_labels: list[str], query_labels: list[str], tr: Translator,
                  title: str, max_panels: int = 16) -> go.Figure:
    """One heatmap per (layer, head): rows are queries, columns keys, each row sums to 1.
    ``weights`` has shape (layers, heads, queries, keys). Positions, not labels, place the
    cells (a repeated character would otherwise merge two columns); labels are the ticks."""
    L, H, q, k = weights.shape
    panels = weights.reshape(L * H, q, k)[:max_panels]
    names = [tr("panel", layer=i // H + 1, head=i % H + 1) for i in range(len(panels))]
    rows = -(-len(panels) // H)
    height = 120 + rows * max(200, min(26 * q + 60, 420))
    fig = px.imshow(panels, facet_col=0, facet_col_wrap=H, facet_col_spacing=0.04,
                    facet_row_spacing=min(0.25, 70 / height),        # ≈70 px: a panel's title clears the row above
                    zmin=0.0, zmax=1.0, color_continuous_scale=SEQUENTIAL, aspect="auto",
                    x=list(range(k)), y=list(range(q)),
                    labels=dict(x=tr("keys_axis"), y=tr("queries_axis"), color=tr("weight_axis")))
    fig.for_each_annotation(lambda a: a.update(text=names[int(a.text.split("=")[-1])]))
    fig.update_xaxes(tickmode="array", tickvals=list(range(k)), ticktext=[show_char(t) for t in key_labels],
                     tickangle=0, showgrid=False)
    fig.update_yaxes(tickmode="array", tickvals=list(range(q)), ticktext=[show_char(t) for t in query_labels],
                     showgrid=False, autorange="reversed")
    hover = tr("attention_hover")
    fig.update_traces(hovertemplate=hover)
    style(fig, title, height=height)
    fig.update_layout(margin=dict(l=110))          # room for "read → written" row labels
    if rows > 1:   # one title for the whole left side: one per row of panels would overlap its neighbours
        fig.update_yaxes(title_text=None)
        fig.add_annotation(text=tr("queries_axis"), textangle=-90, xref="paper", yref="paper", x=0, y=0.5,
                           xanchor="right", yanchor="middle", xshift=-80, showarrow=False,
                           font=dict(size=14))
    return fig


def fig_positional_encoding(P: np.ndarray, tr: Translator, used: int | None = None) -> go.Figure:
    """P[i, j] of d2l §11.6.3: position i down, encoding dimension j across; a line under the
    ``used`` positions the model actually sees."""
    fig = px.imshow(P, color_continuous_scale=DIVERGING, zmin=-1, zmax=1, aspect="auto",
                    labels=dict(x=tr("pe_dim_axis"), y=tr("pe_pos_axis"), color="P"))
    if used is not None and used < len(P):
        fig.add_hline(y=used - 0.5, line=dict(color=PALETTE[7], width=2, dash="dash"),
                      annotation_text=tr("pe_used", last=used - 1), annotation_position="bottom right",
                      annotation_bgcolor="rgba(255,255,255,0.9)", annotation_font_color=PALETTE[7])
    return style(fig, tr("pe_title"), tr("pe_dim_axis"), tr("pe_pos_axis"), height=380)


def fig_positional_columns(P: np.ndarray, tr: Translator, columns=(0, 1, 4, 6)) -> go.Figure:
    """A few columns of P against the position: lower columns oscillate faster (d2l Fig. 11.6.1)."""
    fig = go.Figure()
    for n, j in enumerate(c for c in columns if c < P.shape[1]):
        fig.add_trace(go.Scatter(y=P[:, j], mode="lines+markers", name=tr("pe_col", j=j),
                                 line=dict(color=PALETTE[n % len(PALETTE)], width=2), marker=dict(size=4)))
    style(fig, tr("pe_cols_title"), tr("pe_pos_axis"), "P", height=380)
    return fig


def _box(fig, x0, y0, x1, y1, text, colour):
    fig.add_shape(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, line=dict(color="#444", width=1.5),
                  fillcolor=colour, opacity=0.9, layer="below")
    fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=text, showarrow=False, font=dict(size=12))


def _arrow(fig, x0, y0, x1, y1):
    fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                       showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.5, arrowcolor="#444")


def fig_block_diagram(tr: Translator, num_layers: int, num_heads: int, causal: bool = True) -> go.Figure:
    """The decoder-only Transformer drawn bottom to top (d2l Fig. 11.7.1, the decoder without
    the encoder–decoder attention): embedding + positional encoding, then num_layers × [masked
    multi-head attention → add & norm → position-wise FFN → add & norm], then a dense layer."""
    fig = go.Figure()
    light = {"emb": "#d9ecf7", "att": "#fde8c4", "norm": "#e8e8e8", "ffn": "#cdeee3", "out": "#f3d9e8"}
    W0, W1 = 0.9, 5.1
    _box(fig, W0, 0.0, W1, 0.7, tr("diag_embedding"), light["emb"])
    _box(fig, W0, 1.2, W1, 1.9, tr("diag_pe"), light["emb"])
    _arrow(fig, 3, 0.7, 3, 1.2)
    # one block, framed, with "× N"
    att = tr("diag_masked_attention" if causal else "diag_attention", h=num_heads)
    layers = [(2.6, 3.3, att, light["att"]), (3.8, 4.4, tr("diag_addnorm"), light["norm"]),
              (4.9, 5.6, tr("diag_ffn"), light["ffn"]), (6.1, 6.7, tr("diag_addnorm"), light["norm"])]
    _arrow(fig, 3, 1.9, 3, 2.6)
    for (y0, y1, text, colour), nxt in zip(layers, layers[1:] + [None]):
        _box(fig, W0 + 0.3, y0, W1 - 0.3, y1, text, colour)
        if nxt is not None:
            _arrow(fig, 3, y1, 3, nxt[0])
    # residual connections: around the attention and around the FFN
    for (start, end) in ((2.3, 4.1), (4.65, 6.4)):
        fig.add_shape(type="path", path=f"M 3 {start} L 0.55 {start} L 0.55 {end} L {W0 + 0.3} {end}",
                      line=dict(color=PALETTE[0], width=2, dash="dot"))
    for y in (3.2, 5.5):
        fig.add_annotation(x=0.35, y=y, text=tr("diag_residual"), textangle=-90, showarrow=False,
                           font=dict(color=PALETTE[0], size=11), xanchor="right")
    fig.add_shape(type="rect", x0=0.4, y0=2.2, x1=W1 + 0.1, y1=7.0, line=dict(color="#888", width=1, dash="dash"))
    fig.add_annotation(x=W1 + 0.35, y=4.6, text=f"× {num_layers}", showarrow=False, font=dict(size=18), xanchor="left")
    _arrow(fig, 3, 6.7, 3, 7.5)
    _box(fig, W0, 7.5, W1, 8.2, tr("diag_dense"), light["out"])
    _arrow(fig, 3, 8.2, 3, 8.7)
    fig.add_annotation(x=3, y=9.0, text=tr("diag_output"), showarrow=False, font=dict(size=13))
    fig.add_annotation(x=3, y=-0.35, text=tr("diag_input"), showarrow=False, font=dict(size=13))
    fig.update_xaxes(visible=False, range=[-0.2, 6.4])
    fig.update_yaxes(visible=False, range=[-0.7, 9.3])
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    return style(fig, tr("diag_title"), height=560)


def fig_encoder_decoder_diagram(tr, num_layers: int, num_heads: int) -> go.Figure:
    """The book's Transformer (d2l Fig. 11.7.1), bottom to top: on the left the encoder, num_layers ×
    [multi-head self-attention → add & norm → FFN → add & norm]; on the right the decoder, num_layers ×
    [masked multi-head self-attention → add & norm → encoder–decoder attention → add & norm → FFN →
    add & norm], then a dense layer; the encoder's outputs are the keys and values of every decoder
    block's encoder–decoder attention."""
    fig = go.Figure()
    light = {"emb": "#d9ecf7", "att": "#fde8c4", "cross": "#f3d9e8", "ffn": "#cdeee3", "out": "#f3d9e8"}
    L, R = (0.3, 4.1), (5.3, 9.1)
    for (x0, x1), inp in ((L, tr("diag_src_input")), (R, tr("diag_tgt_input"))):
        mid = (x0 + x1) / 2
        fig.add_annotation(x=mid, y=-0.4, text=inp, showarrow=False, font=dict(size=12))
        _box(fig, x0, 0.0, x1, 0.6, tr("diag_embedding"), light["emb"])
        _box(fig, x0, 1.0, x1, 1.6, tr("diag_pe"), light["emb"])
        _arrow(fig, mid, 0.6, mid, 1.0)
        _arrow(fig, mid, 1.6, mid, 2.3)
    enc_top, _ = _stack_boxes(fig, *L, 2.5, [(tr("diag_attention", h=num_heads), light["att"]),
                                            (tr("diag_ffn"), light["ffn"])], tr, "left")
    dec_top, dec_boxes = _stack_boxes(fig, *R, 2.5, [(tr("diag_masked_attention", h=num_heads), light["att"]),
                                                    (tr("diag_cross_attention", h=num_heads), light["cross"]),
                                                    (tr("diag_ffn"), light["ffn"])], tr, "right")
    for (x0, x1), top in ((L, enc_top), (R, dec_top)):
        fig.add_shape(type="rect", x0=x0 - 0.15, y0=2.3, x1=x1 + 0.15, y1=top + 0.15,
                      line=dict(color="#888", width=1, dash="dash"))
        fig.add_annotation(x=x0 - 0.2 if x0 < 5 else x1 + 0.2, y=(2.3 + top) / 2, text=f"× {num_layers}",
                           showarrow=False, font=dict(size=16), xanchor="right" if x0 < 5 else "left")
    for (x0, _), top, key in ((L, enc_top, "diag_enc_title"), (R, dec_top, "diag_dec_title")):
        fig.add_annotation(x=x0 - 0.1, y=top + 0.38, text=f"<b>{tr(key)}</b>", showarrow=False, font=dict(size=13),
                           xanchor="left")
    # the encoder's outputs → keys and values of the decoder's encoder–decoder attention
    y_cross = (dec_boxes[1][0] + dec_boxes[1][1]) / 2
    fig.add_shape(type="path", path=f"M {sum(L) / 2} {enc_top + 0.15} L {sum(L) / 2} {enc_top + 0.8} "
                                    f"L 4.75 {enc_top + 0.8} L 4.75 {y_cross} L {R[0] + 0.25} {y_cross}",
                  line=dict(color=PALETTE[3], width=2))
    fig.add_annotation(x=R[0] + 0.25, y=y_cross, ax=4.75, ay=y_cross, xref="x", yref="y", axref="x", ayref="y",
                       text="", showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2, arrowcolor=PALETTE[3])
    fig.add_annotation(x=4.85, y=y_cross + 0.3, text=tr("diag_kv"), showarrow=False, font=dict(size=11, color=PALETTE[3]),
                       xanchor="left")
    mid = sum(R) / 2
    _arrow(fig, mid, dec_top + 0.15, mid, dec_top + 0.55)
    _box(fig, R[0], dec_top + 0.55, R[1], dec_top + 1.15, tr("diag_dense"), light["out"])
    fig.add_annotation(x=mid, y=dec_top + 1.5, text=tr("diag_output"), showarrow=False, font=dict(size=12))
    fig.update_xaxes(visible=False, range=[-0.6, 9.9])
    fig.update_yaxes(visible=False, range=[-0.8, dec_top + 1.8])
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=50, b=10))
    return style(fig, tr("diag_ed_title"), height=640)


def _stack_boxes(fig, x0, x1, y0, sublayers, tr, residual_side: str):
    """Sub-layers bottom to top, each followed by add & norm, with a dotted residual path around
    each pair. Returns (the top y, [(y0, y1) of each sub-layer's box])."""
    y, boxes, mid = y0, [], (x0 + x1) / 2
    side = x0 + 0.05 if residual_side == "left" else x1 - 0.05
    inner = (x0 + 0.3, x1 - 0.3)
    edge = inner[0] if residual_side == "left" else inner[1]
    for i, (text, colour) in enumerate(sublayers):
        _box(fig, inner[0], y, inner[1], y + 0.6, text, colour)
        _arrow(fig, mid, y + 0.6, mid, y + 0.9)
        _box(fig, inner[0], y + 0.9, inner[1], y + 1.35, tr("diag_addnorm"), "#e8e8e8")
        boxes.append((y, y + 0.6))
        fig.add_shape(type="path", path=f"M {mid} {y - 0.15} L {side} {y - 0.15} L {side} {y + 1.12} L {edge} {y + 1.12}",
                      line=dict(color=PALETTE[0], width=1.5, dash="dot"))
        y += 1.35
        if i < len(sublayers) - 1:
            _arrow(fig, mid, y, mid, y + 0.35)
            y += 0.35
    return y, boxes


def fig_toy_curves(epochs: pd.DataFrame, tr: Translator, divergence=None) -> go.Figure:
    """Loss (left axis, log) and exact-match accuracy on training and fresh sequences (right axis)."""
    fig = go.Figure()
    trained = epochs[epochs["epoch"] > 0]
    fig.add_trace(go.Scatter(x=trained["epoch"], y=finite_or_none(trained["loss"]), mode="lines+markers",
                             name=tr("loss_series"), line=dict(color=PALETTE[3], width=2)))
    for col, name, colour, dash in (("train_acc", "train_acc_series", PALETTE[0], "dot"),
                                    ("valid_acc", "valid_acc_series", PALETTE[2], "solid")):
        fig.add_trace(go.Scatter(x=epochs["epoch"], y=epochs[col], mode="lines+markers", name=tr(name), yaxis="y2",
                                 line=dict(color=colour, width=2, dash=dash)))
    if divergence is not None:
        mark_divergence(fig, divergence.epoch, tr("diverged_at", kind=divergence.kind, step=divergence.step))
    style(fig, tr("curves_title"), tr("epoch_axis"), height=420)
    fig.update_layout(yaxis=dict(title=tr("loss_axis"), type="log", exponentformat="power"),
                      yaxis2=dict(title=tr("acc_axis"), overlaying="y", side="right", range=[0, 1.02],
                                  tickmode="array", tickvals=[0, 0.25, 0.5, 0.75, 1.0], tickformat=".0%",
                                  showgrid=False, zeroline=False),
                      margin=dict(r=70))
    return fig


def fig_lm_curves(epochs: pd.DataFrame, tr: Translator, divergence=None) -> go.Figure:
    """Perplexity on the training text and on the held-out end of the corpus, per epoch (log y)."""
    fig = go.Figure()
    for col, name, colour, dash in (("perplexity", "ppl_train_series", PALETTE[0], "dot"),
                                    ("valid_perplexity", "ppl_valid_series", PALETTE[2], "solid")):
        fig.add_trace(go.Scatter(x=epochs["epoch"], y=finite_or_none(epochs[col]), mode="lines+markers",
                                 name=tr(name), line=dict(color=colour, width=2, dash=dash)))
    fig.update_yaxes(type="log")
    if divergence is not None:
        mark_divergence(fig, divergence.epoch, tr("diverged_at", kind=divergence.kind, step=divergence.step))
    style(fig, tr("ppl_title"), tr("epoch_axis"), tr("ppl_axis"), height=400)
    return fig
