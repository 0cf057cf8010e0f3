"""RNN, GRU and LSTM from scratch: the book's equations, one time step at a time (d2l §9.5, §10.2, §10.1, §10.3).

Every model of the lesson answers ``forward(X, state) -> (Y, state)``: ``X`` holds token
indices of shape (batch_size, num_steps), ``Y`` the logits of shape (num_steps * batch_size,
vocab_size) in time-major order (the book's layout), and ``state`` is a tuple of tensors of shape
(num_layers, batch_size, num_hiddens): ``(H,)`` for RNN and GRU, ``(H, C)`` for the LSTM.
Asked with ``return_internals=True`` the scratch model also returns what each gate did.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

# the gates of each cell, in the order the parameters are made (book order; torch's order differs)
GATES = {"rnn": ("h",), "gru": ("z", "r", "h"), "lstm": ("i", "f", "o", "c")}
INTERNALS = {"rnn": ("h",), "gru": ("z", "r", "h_tilde", "h"), "lstm": ("i", "f", "o", "g", "c", "h")}


def rnn_cell(X, state, p):
    """H_t = tanh(X_t W_xh + H_{t-1} W_hh + b_h)   (d2l §9.4.2, eq. 9.4.5)."""
    (H,) = state
    H = torch.tanh(X @ p["W_xh"] + H @ p["W_hh"] + p["b_h"])
    return (H,), {"h": H}


def gru_cell(X, state, p, reset_after=False):
    """The gated recurrent unit (d2l §10.2): reset gate R, update gate Z, candidate H̃.

    The book resets the state *before* the matrix product, H̃ = tanh(X W_xh + (R ⊙ H) W_hh + b_h)
    (Cho et al., 2014). ``nn.GRU`` (like cuDNN) resets it *after*: tanh(X W_xh + b_xh + R ⊙ (H W_hh + b_hh)).
    ``reset_after=True`` computes torch's variant, so the two can be compared weight for weight."""
    (H,) = state
    Z = torch.sigmoid(X @ p["W_xz"] + H @ p["W_hz"] + p["b_z"])
    R = torch.sigmoid(X @ p["W_xr"] + H @ p["W_hr"] + p["b_r"])
    if reset_after:
        H_tilde = torch.tanh(X @ p["W_xh"] + p["b_h"] + R * (H @ p["W_hh"] + p["b_hh"]))
    else:
        H_tilde = torch.tanh(X @ p["W_xh"] + (R * H) @ p["W_hh"] + p["b_h"])
    H = Z * H + (1 - Z) * H_tilde
    return (H,), {"z": Z, "r": R, "h_tilde": H_tilde, "h": H}


def lstm_cell(X, state, p):
    """Long short-term memory (d2l §10.1, DLFS2 §6.2): input gate I, forget gate F, output gate O,
    candidate C̃ (called g in DLFS2 and in torch), memory cell C, hidden state H."""
    H, C = state
    I = torch.sigmoid(X @ p["W_xi"] + H @ p["W_hi"] + p["b_i"])
    F_ = torch.sigmoid(X @ p["W_xf"] + H @ p["W_hf"] + p["b_f"])
    O = torch.sigmoid(X @ p["W_xo"] + H @ p["W_ho"] + p["b_o"])
    C_tilde = torch.tanh(X @ p["W_xc"] + H @ p["W_hc"] + p["b_c"])
    C = F_ * C + I * C_tilde
    H = O * torch.tanh(C)
    return (H, C), {"i": I, "f": F_, "o": O, "g": C_tilde, "c": C, "h": H}


CELLS = {"rnn": rnn_cell, "gru": gru_cell, "lstm": lstm_cell}


def get_params(cell: str, num_inputs: int, num_hiddens: int, generator: torch.Generator,
               reset_after: bool = False) -> nn.ParameterDict:
    """One layer's parameters, initialised as the book does: N(0, 0.01²) weights, zero biases."""
    def normal(shape):
        return nn.Parameter(torch.randn(shape, generator=generator) * 0.01)

    p = {}
    for g in GATES[cell]:
        p[f"W_x{g}"] = normal((num_inputs, num_hiddens))
        p[f"W_h{g}"] = normal((num_hiddens, num_hiddens))
        p[f"b_{g}"] = nn.Parameter(torch.zeros(num_hiddens))
    if cell == "gru" and reset_after:
        p["b_hh"] = nn.Parameter(torch.zeros(num_hiddens))
    return nn.ParameterDict(p)


class RNNModelScratch(nn.Module):
    """A recurrent language model written with the book's equations (d2l §9.5, deep: §10.3).

    Input: one-hot vectors (the book) or an embedding; ``tie_weights`` shares the embedding
    matrix with the output layer (Press & Wolf, 2017; needs embedding size = num_hiddens).
    Dropout is applied between recurrent layers, as ``nn.LSTM(dropout=…)`` does."""

    def __init__(self, vocab_size: int, num_hiddens: int, cell: str = "lstm", num_layers: int = 1,
                 dropout: float = 0.0, embedding: bool = False, tie_weights: bool = False,
                 generator: torch.Generator | None = None, reset_after: bool = False):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"unknown cell {cell!r}")
        generator = generator or torch.Generator().manual_seed(0)
        self.vocab_size, self.num_hiddens, self.cell, self.num_layers = vocab_size, num_hiddens, cell, num_layers
        self.dropout, self.reset_after = dropout, reset_after
        embedding = embedding or tie_weights
        self.embedding = nn.Embedding(vocab_size, num_hiddens) if embedding else None
        if self.embedding is not None:
            with torch.no_grad():
                self.embedding.weight.copy_(torch.randn(vocab_size, num_hiddens, generator=generator) * 0.01)
        num_inputs = num_hiddens if embedding else vocab_size
        self.layers = nn.ModuleList(
            get_params(cell, num_inputs if l == 0 else num_hiddens, num_hiddens, generator, reset_after)
            for l in range(num_layers))
        self.tie_weights = tie_weights
        self.W_hq = None if tie_weights else nn.Parameter(torch.randn(num_hiddens, vocab_size, generator=generator) * 0.01)
        self.b_q = nn.Parameter(torch.zeros(vocab_size))

    def begin_state(self, batch_size: int, device=None) -> tuple[torch.Tensor, ...]:
        """Zero state(s) of shape (num_layers, batch_size, num_hiddens) (d2l ``init_rnn_state``)."""
        n = 2 if self.cell == "lstm" else 1
        return tuple(torch.zeros(self.num_layers, batch_size, self.num_hiddens, device=device) for _ in range(n))

    def inputs(self, X: torch.Tensor) -> torch.Tensor:
        """Token indices (batch_size, num_steps) → time-major inputs (num_steps, batch_size, d)."""
        if self.embedding is not None:
            return self.embedding(X.T)
        return F.one_hot(X.T.long(), self.vocab_size).float()

    def output_weight(self) -> torch.Tensor:
        return self.embedding.weight.T if self.tie_weights else self.W_hq

    def forward(self, X, state, return_internals: bool = False):
        layer_input = self.inputs(X)
        cell = CELLS[self.cell]
        kw = {"reset_after": True} if self.cell == "gru" and self.reset_after else {}
        new_state, internals = [], []
        for l, p in enumerate(self.layers):
            s = tuple(t[l] for t in state)
            outputs, record = [], {k: [] for k in INTERNALS[self.cell]}
            for X_t in layer_input:                 # one time step at a time
                s, inside = cell(X_t, s, p, **kw)
                outputs.append(s[0])
                if return_internals:
                    for k, v in inside.items():
                        record[k].append(v)
            new_state.append(s)
            layer_input = torch.stack(outputs)
            if return_internals:
                internals.append({k: torch.stack(v) for k, v in record.items()})
            if self.dropout > 0 and l < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, self.training)
        Y = layer_input.reshape(-1, self.num_hiddens) @ self.output_weight() + self.b_q
        state = tuple(torch.stack([s[k] for s in new_state]) for k in range(len(new_state[0])))
        return (Y, state, internals) if return_internals else (Y, state)


# ---- weights from torch's modules ------------------------------------------------------------------

# torch stacks the gates in weight_ih_l{k} / weight_hh_l{k} in this order
TORCH_ORDER = {"rnn": ("h",), "gru": ("r", "z", "h"), "lstm": ("i", "f", "c", "o")}


@torch.no_grad()
def load_torch_weights(model: RNNModelScratch, rnn: nn.RNNBase, embedding: nn.Embedding | None = None,
                       linear: nn.Linear | None = None) -> RNNModelScratch:
    """Copy the weights of ``nn.RNN``/``nn.GRU``/``nn.LSTM`` (and the embedding and output layer)
    into the scratch model. torch keeps two biases per gate (b_ih + b_hh); the book keeps one,
    their sum — except GRU's candidate, whose b_hh sits inside R ⊙ (·) (``reset_after``)."""
    h = model.num_hiddens
    for l, p in enumerate(model.layers):
        w_ih, w_hh = getattr(rnn, f"weight_ih_l{l}"), getattr(rnn, f"weight_hh_l{l}")
        b_ih = getattr(rnn, f"bias_ih_l{l}", torch.zeros(w_ih.shape[0]))
        b_hh = getattr(rnn, f"bias_hh_l{l}", torch.zeros(w_ih.shape[0]))
        for k, g in enumerate(TORCH_ORDER[model.cell]):
            rows = slice(k * h, (k + 1) * h)
            p[f"W_x{g}"].copy_(w_ih[rows].T)
            p[f"W_h{g}"].copy_(w_hh[rows].T)
            if model.cell == "gru" and g == "h":
                if not model.reset_after:
                    raise ValueError("nn.GRU resets after the product: build the scratch GRU with reset_after=True")
                p["b_h"].copy_(b_ih[rows])
                p["b_hh"].copy_(b_hh[rows])
            else:
                p[f"b_{g}"].copy_(b_ih[rows] + b_hh[rows])
    if embedding is not None:
        model.embedding.weight.copy_(embedding.weight)
    if linear is not None:
        if not model.tie_weights:
            model.W_hq.copy_(linear.weight.T)
        model.b_q.copy_(linear.bias)
    return model
