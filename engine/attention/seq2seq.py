"""Sequence to sequence with and without attention (d2l §10.6–10.7, §11.4).

Both models share the encoder (a GRU over the source words) and differ in the decoder:
``Seq2SeqDecoder`` feeds the encoder's last state, one fixed context vector, at every step;
``Seq2SeqAttentionDecoder`` asks additive attention (d2l §11.3.4) at every step which source
words to read, using its own previous hidden state as the query. Every decoder answers
``forward(X, state) -> (Y, state)``; the attention decoder also keeps ``attention_weights``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from engine.attention.scoring import AdditiveAttention
from engine.text import Vocab

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"


class Seq2SeqEncoder(nn.Module):
    """GRU encoder (d2l §10.7.2). Padding is packed away, so the last state is the state after
    the last real word (what the no-attention decoder gets as its context)."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout, batch_first=True)

    def forward(self, X, valid_lens):
        embs = self.embedding(X)                                   # (batch, num_steps, embed_size)
        packed = pack_padded_sequence(embs, valid_lens.cpu(), batch_first=True, enforce_sorted=False)
        outputs, state = self.rnn(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=X.shape[1])
        return outputs, state               # (batch, num_steps, num_hiddens), (num_layers, batch, num_hiddens)


class Seq2SeqDecoder(nn.Module):
    """The RNN decoder without attention (d2l §10.7.3): the context is the encoder's final
    top-layer state, concatenated to every input embedding."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout, batch_first=True)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_all_outputs, enc_valid_lens):
        enc_outputs, hidden_state = enc_all_outputs
        return hidden_state[-1], hidden_state                 # (context, hidden_state)

    def forward(self, X, state):
        context, hidden_state = state
        embs = self.embedding(X)                                   # (batch, num_steps, embed_size)
        context = context.unsqueeze(1).expand(-1, embs.shape[1], -1)
        outputs, hidden_state = self.rnn(torch.cat((embs, context), -1), hidden_state)
        return self.dense(outputs), (state[0], hidden_state)


class Seq2SeqAttentionDecoder(nn.Module):
    """The RNN decoder with Bahdanau attention (d2l §11.4.2). At step t the query is the
    decoder's hidden state s_{t−1}, keys and values are the encoder outputs h_1…h_T, and the
    context c_t = Σ α(s_{t−1}, h_i) h_i is concatenated to the input embedding."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0.0):
        super().__init__()
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout, batch_first=True)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_all_outputs, enc_valid_lens):
        enc_outputs, hidden_state = enc_all_outputs
        return enc_outputs, hidden_state, enc_valid_lens

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        embs = self.embedding(X)                                   # (batch, num_steps, embed_size)
        outputs, self._attention_weights = [], []
        for x in embs.unbind(1):
            query = hidden_state[-1].unsqueeze(1)                  # (batch, 1, num_hiddens)
            context, weights = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            out, hidden_state = self.rnn(torch.cat((x.unsqueeze(1), context), -1), hidden_state)
            outputs.append(out)
            self._attention_weights.append(weights)
        return self.dense(torch.cat(outputs, 1)), (enc_outputs, hidden_state, enc_valid_lens)

    @property
    def attention_weights(self):
        """(batch, decoder steps, source steps) of the last forward."""
        return torch.cat(self._attention_weights, 1)


class EncoderDecoder(nn.Module):
    """The encoder–decoder architecture (d2l §10.6)."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, enc_X, dec_X, enc_valid_lens):
        enc_all_outputs = self.encoder(enc_X, enc_valid_lens)
        dec_state = self.decoder.init_state(enc_all_outputs, enc_valid_lens)
        return self.decoder(dec_X, dec_state)[0]


def make_net(attention: bool, src_vocab_size: int, tgt_vocab_size: int, embed_size: int,
             num_hiddens: int, num_layers: int, generator: torch.Generator) -> EncoderDecoder:
    """The same encoder and decoder sizes, with or without attention, initialised from
    ``generator`` (Xavier for weight matrices, as d2l's ``init_seq2seq``)."""
    Decoder = Seq2SeqAttentionDecoder if attention else Seq2SeqDecoder
    net = EncoderDecoder(Seq2SeqEncoder(src_vocab_size, embed_size, num_hiddens, num_layers),
                         Decoder(tgt_vocab_size, embed_size, num_hiddens, num_layers))
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.dim() >= 2:
                a = (6.0 / sum(p.shape[:2])) ** 0.5
                p.copy_(torch.rand(p.shape, generator=generator) * 2 * a - a)
            else:
                p.zero_()
    return net


def masked_ce_loss(Y_hat, Y, pad: int) -> torch.Tensor:
    """Cross-entropy averaged over the real (non-padding) target tokens (d2l §10.7.5)."""
    return nn.functional.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1), ignore_index=pad)


def grad_clipping(net: nn.Module, theta: float) -> None:
    """Rescale the gradient to norm ≤ θ (d2l §9.5.3)."""
    params = [p for p in net.parameters() if p.requires_grad and p.grad is not None]
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm


def train_step(net, X, X_valid_len, Y, tgt_vocab: Vocab, trainer, theta: float = 1.0) -> float:
    """One minibatch with teacher forcing: the decoder reads <bos> + the true target shifted by one."""
    bos = torch.full((Y.shape[0], 1), tgt_vocab[BOS], dtype=Y.dtype, device=Y.device)
    dec_input = torch.cat([bos, Y[:, :-1]], 1)
    Y_hat = net(X, dec_input, X_valid_len)
    l = masked_ce_loss(Y_hat, Y, tgt_vocab[PAD])
    trainer.zero_grad()
    l.backward()
    grad_clipping(net, theta)
    trainer.step()
    return l.item()


@torch.no_grad()
def predict_seq2seq(net, X, X_valid_len, tgt_vocab: Vocab, num_steps: int):
    """Greedy decoding (d2l §10.7.7), batched: feed back the most likely token each step.
    Returns (token ids (batch, num_steps), attention (batch, num_steps, source steps) or None)."""
    was_training = net.training
    net.eval()
    enc_all_outputs = net.encoder(X, X_valid_len)
    state = net.decoder.init_state(enc_all_outputs, X_valid_len)
    dec_X = torch.full((X.shape[0], 1), tgt_vocab[BOS], dtype=torch.long, device=X.device)
    outputs, weights = [], []
    for _ in range(num_steps):
        Y, state = net.decoder(dec_X, state)
        dec_X = Y.argmax(dim=2)
        outputs.append(dec_X)
        if isinstance(net.decoder, Seq2SeqAttentionDecoder):
            weights.append(net.decoder.attention_weights)
    net.train(was_training)
    return torch.cat(outputs, 1), (torch.cat(weights, 1) if weights else None)


def strip_eos(ids, tgt_vocab: Vocab) -> list[str]:
    """Tokens up to (not including) the first <eos>."""
    out = []
    for i in ids:
        tok = tgt_vocab.to_tokens(int(i))
        if tok == EOS:
            break
        out.append(tok)
    return out
