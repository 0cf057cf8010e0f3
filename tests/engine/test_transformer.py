"""The Transformer lessons' maths: multi-head attention from scratch against torch's built-ins on
the same weights, masks, the positional encoding's formula, the toy tasks learnt within the budget,
determinism, the budget and Stop, and the inputs a student types."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import engine.transformer as TF
from engine.budget import Budget
from engine.i18n import missing
from engine.text import Corpus
from engine.transformer import char_lm as C
from engine.transformer import toy

DATA = Path(__file__).resolve().parents[2] / "../shared/data"
TOL = 1e-5


def copy_into_torch(mine: TF.MultiHeadAttention, theirs: nn.MultiheadAttention) -> None:
    """nn.MultiheadAttention keeps W_q, W_k, W_v stacked in in_proj_weight (3d × d), in that order,
    and W_o in out_proj; both compute x @ W.T + b, as nn.Linear does."""
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([mine.W_q.weight, mine.W_k.weight, mine.W_v.weight]))
        theirs.out_proj.weight.copy_(mine.W_o.weight)
        if mine.W_q.bias is not None:
            theirs.in_proj_bias.copy_(torch.cat([mine.W_q.bias, mine.W_k.bias, mine.W_v.bias]))
            theirs.out_proj.bias.copy_(mine.W_o.bias)


def pair(d=16, h=4, bias=True, seed=0):
    torch.manual_seed(seed)
    mine = TF.MultiHeadAttention(d, h, bias=bias).eval()
    theirs = nn.MultiheadAttention(d, h, bias=bias, batch_first=True).eval()
    copy_into_torch(mine, theirs)
    return mine, theirs


# ---- multi-head attention = nn.MultiheadAttention = F.scaled_dot_product_attention -----------

@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mask", ["none", "causal", "padding", "both"])
def test_multihead_equals_nn_multiheadattention(bias, mask):
    mine, theirs = pair(bias=bias)
    g = torch.Generator().manual_seed(1)
    X = torch.randn(3, 7, 16, generator=g)
    valid_lens = torch.tensor([7, 3, 5])
    use_pad, causal = mask in ("padding", "both"), mask in ("causal", "both")
    out, w = mine(X, X, X, valid_lens if use_pad else None, causal=causal)
    kw = {}
    if use_pad:      # torch: True = ignore this key
        kw["key_padding_mask"] = torch.arange(7)[None, :] >= valid_lens[:, None]
    if causal:       # torch: True = not allowed
        kw["attn_mask"] = ~TF.causal_mask(7)
    ref, ref_w = theirs(X, X, X, need_weights=True, average_attn_weights=False, **kw)
    assert w.shape == (3, 4, 7, 7)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)
    torch.testing.assert_close(w, ref_w, atol=TOL, rtol=0)


def test_cross_attention_with_other_lengths_equals_torch():
    """Queries and keys of different lengths (the encoder–decoder attention of d2l §11.7)."""
    mine, theirs = pair(d=12, h=3)
    g = torch.Generator().manual_seed(2)
    Q, KV = torch.randn(2, 4, 12, generator=g), torch.randn(2, 9, 12, generator=g)
    valid_lens = torch.tensor([9, 2])
    out, w = mine(Q, KV, KV, valid_lens)
    ref, ref_w = theirs(Q, KV, KV, key_padding_mask=torch.arange(9)[None] >= valid_lens[:, None],
                        average_attn_weights=False)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)
    torch.testing.assert_close(w, ref_w, atol=TOL, rtol=0)


@pytest.mark.parametrize("mask", ["none", "causal", "padding"])
def test_scaled_dot_product_equals_torch(mask):
    g = torch.Generator().manual_seed(3)
    Q, K, V = (torch.randn(2, 3, 6, 8, generator=g) for _ in range(3))
    keep = None
    if mask == "causal":
        keep = TF.causal_mask(6)
    elif mask == "padding":
        keep = TF.padding_mask(torch.tensor([6, 2]), 6, 6)[:, None]
    out, w = TF.scaled_dot_product_attention(Q, K, V, keep)
    ref = F.scaled_dot_product_attention(Q, K, V, attn_mask=keep, is_causal=False)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)
    if mask == "causal":
        torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, is_causal=True), atol=TOL, rtol=0)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3, 6), atol=1e-6, rtol=0)


def test_multihead_pipeline_equals_sdpa_on_the_projections():
    """Split into heads → F.scaled_dot_product_attention → concatenate → W_o gives our output."""
    mine, _ = pair(d=16, h=4)
    X = torch.randn(2, 5, 16, generator=torch.Generator().manual_seed(4))
    split = lambda Z: TF.transpose_qkv(Z, 4)
    heads = F.scaled_dot_product_attention(split(mine.W_q(X)), split(mine.W_k(X)), split(mine.W_v(X)), is_causal=True)
    ref = mine.W_o(TF.transpose_output(heads))
    out, _ = mine(X, X, X, causal=True)
    torch.testing.assert_close(out, ref, atol=TOL, rtol=0)


# ---- training's fused path (need_weights=False) = the explicit softmax(QKᵀ/√d)V the page draws ------

@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mask", ["none", "causal", "padding", "both", "empty_row"])
def test_fused_path_equals_the_explicit_one_with_its_gradients(bias, mask):
    """need_weights=False (torch's fused kernel, ``is_causal`` for the causal mask) gives the output and
    the gradients of the explicit path, which the page draws the weights of; it returns no weights.
    "empty_row": a sequence whose valid length is 0, every query with nothing kept → zeros in both."""
    mine, _ = pair(bias=bias)
    X = torch.randn(3, 7, 16, generator=torch.Generator().manual_seed(11))
    valid_lens = {"padding": torch.tensor([7, 3, 5]), "both": torch.tensor([7, 3, 5]),
                  "empty_row": torch.tensor([0, 3, 7])}.get(mask)
    causal = mask in ("causal", "both", "empty_row")
    outs, grads = [], []
    for need in (True, False):
        Xg = X.clone().requires_grad_()
        mine.zero_grad()
        out, w = mine(Xg, Xg, Xg, valid_lens, causal=causal, need_weights=need)
        assert (w is None) == (not need)
        (out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
        outs.append(out)
        grads.append([Xg.grad] + [p.grad.clone() for p in mine.parameters()])
    assert torch.isfinite(outs[1]).all()
    torch.testing.assert_close(outs[1], outs[0], atol=TOL, rtol=0)
    for g_fused, g_explicit in zip(grads[1], grads[0]):
        torch.testing.assert_close(g_fused, g_explicit, atol=1e-4, rtol=1e-4)


def test_fused_path_with_other_lengths_and_the_causal_mask():
    """More keys than queries (a prompt extended): the causal mask aligns the queries with the last keys,
    which ``is_causal`` would not; the fused path passes the explicit mask and agrees."""
    mine, _ = pair()
    g = torch.Generator().manual_seed(12)
    Q, KV = torch.randn(2, 3, 16, generator=g), torch.randn(2, 8, 16, generator=g)
    for valid_lens in (None, torch.tensor([8, 5])):
        ref, _ = mine(Q, KV, KV, valid_lens, causal=True)
        out, w = mine(Q, KV, KV, valid_lens, causal=True, need_weights=False)
        assert w is None
        torch.testing.assert_close(out, ref, atol=TOL, rtol=0)


@pytest.mark.parametrize("num_steps", [8, 128])
def test_decoder_only_model_fused_equals_explicit(num_steps):
    """The lesson's model trains on the fused path and draws its weights on the explicit one: the same
    logits (and loss gradients) at the page's shortest and longest context."""
    torch.manual_seed(0)
    net = TF.DecoderOnlyTransformer(30, 32, 2, 2, max_len=num_steps)
    X = torch.randint(0, 30, (4, num_steps), generator=torch.Generator().manual_seed(1))
    results = []
    for need in (True, False):
        net.zero_grad()
        logits, ws = net(X, need_weights=need)
        F.cross_entropy(logits.reshape(-1, 30), X.reshape(-1)).backward()
        results.append((logits, ws, [p.grad.clone() for p in net.parameters()]))
    (ref, ref_ws, ref_g), (out, ws, g) = results
    assert ws is None and len(ref_ws) == 2 and ref_ws[0].shape == (4, 2, num_steps, num_steps)
    torch.testing.assert_close(out, ref, atol=1e-4, rtol=0)
    for a, b in zip(g, ref_g):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_future_positions_get_exactly_zero_weight_and_rows_sum_to_one():
    mine, _ = pair()
    X = torch.randn(2, 9, 16, generator=torch.Generator().manual_seed(5)) * 30    # large scores too
    _, w = mine(X, X, X, causal=True)
    future = ~TF.causal_mask(9)
    assert (w[..., future] == 0).all()                 # exactly 0, not merely small
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 4, 9), atol=1e-6, rtol=0)
    X = X / 30                                         # moderate scores: no weight underflows to 0
    _, w = mine(X, X, X, valid_lens=torch.tensor([4, 9]))
    assert (w[0, :, :, 4:] == 0).all() and (w[1] > 0).all()


def test_fully_masked_row_is_zeros_not_nan():
    w = TF.masked_softmax(torch.randn(1, 2, 3), torch.tensor([[[False] * 3, [True, False, True]]]))
    assert torch.isfinite(w).all()
    assert (w[0, 0] == 0).all() and w[0, 1, 1] == 0 and math.isclose(w[0, 1].sum().item(), 1, abs_tol=1e-6)


def test_causal_mask_with_more_keys_than_queries():
    keep = TF.causal_mask(2, 5)       # the last two of five positions
    assert keep.tolist() == [[True, True, True, True, False], [True] * 5]


def test_heads_must_divide_the_width():
    with pytest.raises(ValueError):
        TF.MultiHeadAttention(10, 4)


# ---- the blocks ---------------------------------------------------------------------------

def test_positional_encoding_matches_the_formula():
    max_len, d = 50, 16
    P = TF.positional_encoding(max_len, d)
    for i in (0, 1, 7, 49):
        for j in range(d // 2):
            angle = i / 10000 ** (2 * j / d)
            assert math.isclose(P[i, 2 * j].item(), math.sin(angle), abs_tol=TOL)
            assert math.isclose(P[i, 2 * j + 1].item(), math.cos(angle), abs_tol=TOL)
    assert P[0, 0::2].abs().max() == 0 and (P[0, 1::2] == 1).all()          # position 0: sin 0, cos 0
    enc = TF.PositionalEncoding(d, max_len)
    X = torch.zeros(2, 10, d)
    torch.testing.assert_close(enc(X)[1], P[:10])


def test_block_shapes_as_in_the_book():
    """d2l §11.7: an encoder block keeps the shape (2, 100, 24); the weights are per head."""
    X = torch.ones(2, 100, 24)
    blk = TF.EncoderBlock(24, 48, 8).eval()
    Y, w = blk(X, torch.tensor([3, 2]))
    assert Y.shape == (2, 100, 24) and w.shape == (2, 8, 100, 100)
    assert (w[0, :, :, 3:] == 0).all()
    ffn = TF.PositionWiseFFN(4, 8)
    assert ffn(torch.ones(2, 3, 4)).shape == (2, 3, 4)
    ln = TF.AddNorm(4)
    out = ln(torch.ones(2, 3, 4), torch.randn(2, 3, 4))
    torch.testing.assert_close(out.mean(-1), torch.zeros(2, 3), atol=1e-6, rtol=0)


def test_decoder_only_model_cannot_see_the_future():
    """Changing token t changes no output before t: the causal mask works end to end."""
    torch.manual_seed(0)
    net = TF.DecoderOnlyTransformer(10, 16, 2, 2, max_len=12).eval()
    X = torch.randint(0, 10, (1, 12))
    X2 = X.clone()
    X2[0, 8] = (X[0, 8] + 1) % 10
    Y, ws = net(X)
    Y2, _ = net(X2)
    torch.testing.assert_close(Y[0, :8], Y2[0, :8], atol=1e-6, rtol=0)
    assert not torch.allclose(Y[0, 8:], Y2[0, 8:])
    assert len(ws) == 2 and ws[0].shape == (1, 2, 12, 12)


# ---- the toy tasks ------------------------------------------------------------------------

def test_toy_data_is_right():
    gen = torch.Generator().manual_seed(0)
    for task in ("copy", "reverse", "sort"):
        x, y = toy.make_examples(task, 4, 6, 50, gen)
        v = toy.ToyVocab("abcd")
        for xi, yi in zip(x, y):
            xs, ys = ("".join(v.idx_to_token[int(i)] for i in t) for t in (xi, yi))
            assert set(xs) <= set("abcd") and ys == toy.target_of(task, xs)
    X, Y, mask = toy.sequences(x, y)
    assert X.shape == (50, 12) and (X[:, 6] == 1).all()            # the separator after the input
    torch.testing.assert_close(Y[:, mask], y)                        # the loss sees the outputs only


def test_toy_default_learns_reverse():
    """The page's default (reverse, 10 epochs) reaches ≥ 90 % exact match on fresh sequences."""
    r = toy.run(toy.Settings(), seed=0, budget=Budget(max_seconds=float("inf")))
    assert r.stop_reason is None
    assert r.final_accuracy >= 0.9, r.epochs
    assert r.epochs["valid_acc"].iloc[0] < 0.1                      # it was learnt, not given


@pytest.mark.slow
@pytest.mark.parametrize("task,settings,threshold", [
    ("copy", dict(num_epochs=20), 0.9),
    ("sort", dict(), 0.9),
])
def test_toy_learns_copy_and_sort_within_the_budget(task, settings, threshold):
    s = toy.Settings(task=task, **settings)
    r = toy.run(s, seed=0, budget=Budget(max_seconds=float("inf")))     # no wall-clock cap: a busy CI still passes
    assert r.stop_reason is None and r.final_accuracy >= threshold, r.epochs


@pytest.mark.slow
def test_without_positional_encoding_reverse_fails():
    r = toy.run(toy.Settings(pos_encoding=False), seed=0, budget=Budget(max_seconds=float("inf")))
    assert r.final_accuracy < 0.5, r.epochs


def test_toy_is_deterministic():
    s = toy.Settings(num_examples=400, num_epochs=2)
    a, b = toy.run(s, seed=3), toy.run(s, seed=3)
    assert a.epochs.equals(b.epochs) and a.example == b.example
    for p, q in zip(a.net.parameters(), b.net.parameters()):
        assert torch.equal(p, q)
    c = toy.run(s, seed=4)
    assert not c.epochs["loss"].equals(a.epochs["loss"])


def test_toy_run_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    toy.run(toy.Settings(num_examples=200, num_epochs=1), seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_heaviest_toy_setting_is_capped_and_stop_keeps_the_model():
    heavy = toy.Settings(**{n: b.hi if b.kind in ("int", "float") else (b.options[-1] if b.kind == "choice" else True)
                            for n, b in toy.S.bounds(toy.Settings).items() if n not in ("lr", "task")})
    net = toy.build_net(heavy, heavy.alphabet_size + 2)
    planned = heavy.num_epochs * heavy.num_examples * 2 * heavy.seq_len * TF.num_params(net)
    assert planned > 10 * toy.MAX_UNITS            # the cap is what ends it
    r = toy.run(heavy, seed=0, budget=Budget(max_units=5e8))
    assert r.stop_reason == "units" and len(r.epochs) >= 1
    calls = []
    r = toy.run(toy.Settings(), seed=0, budget=Budget(stop=lambda: len(calls) > 3),
                on_step=lambda ev: calls.append(ev["done"]))
    assert r.stop_reason == "stopped" and r.epochs["step"].iloc[-1] == 4
    view = toy.attention_for(r, r.example)                          # still usable
    assert view.weights.shape == (2, 2, 5, 10)


@pytest.mark.filterwarnings("ignore:Detected call of")
def test_toy_divergence_is_recorded(monkeypatch):
    monkeypatch.setattr(toy, "train_step", lambda *a: float("nan"))
    r = toy.run(toy.Settings(num_examples=200, num_epochs=3), seed=0)
    assert r.divergence is not None and r.divergence.step == 1 and r.divergence.kind == "NaN"


@pytest.mark.parametrize("text,problem", [
    ("cabed", None), (" C a B e D ", None), ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("abc", "length"), ("abcdea", "length"), ("abcdz", "chars"), ("ab<b>", "chars"), ("注意力机制", "chars"),
    ("a" * 10_000, "length"),
])
def test_toy_input_validation(text, problem):
    check = toy.check_input(text, toy.Settings())
    assert check.problem == problem
    if problem == "chars":
        assert check.bad_chars and all(ch not in "abcde" for ch in check.bad_chars)


def test_attention_for_a_typed_input():
    r = toy.run(toy.Settings(num_examples=400, num_epochs=2), seed=0)
    view = toy.attention_for(r, "edcba")
    assert view.target == "abcde" and len(view.prediction) == 5
    assert view.tokens[:6] == list("edcba>") and len(view.tokens) == 10
    W = torch.tensor(view.weights)
    assert W.shape == (2, 2, 5, 10)
    torch.testing.assert_close(W.sum(-1), torch.ones(2, 2, 5), atol=1e-5, rtol=0)
    for row in range(5):                       # output row i sits at position 5 + i: later keys are 0
        assert (W[..., row, 6 + row:] == 0).all()


# ---- the character-level language model ----------------------------------------------------

SMALL = C.Settings(max_tokens=3000, num_epochs=2, num_steps=16, num_hiddens=32)


def test_char_lm_trains_and_is_deterministic():
    a, b = C.run(SMALL, seed=0), C.run(SMALL, seed=0)
    cols = ["epoch", "step", "loss", "perplexity", "valid_perplexity"]
    assert a.epochs[cols].equals(b.epochs[cols])                     # tokens/s is a measurement
    assert a.epochs["perplexity"].iloc[-1] < a.epochs["perplexity"].iloc[0] < len(a.vocab)
    assert (a.epochs["tokens_per_s"] > 0).all()
    assert a.num_train_tokens == 3000 - 300
    p = C.read_prompt(a, "the ")
    g1, g2 = C.generate(a, p.ids, 40, 0.8, seed=1), C.generate(a, p.ids, 40, 0.8, seed=1)
    assert g1 == g2 and len(g1) == 40
    greedy = C.generate(a, p.ids, 1, 0.0, seed=0)
    logits = a.net(torch.tensor([p.ids]))[0][0, -1]
    logits[a.vocab.unk] = -float("inf")
    assert greedy == a.vocab.to_tokens(int(logits.argmax()))
    assert "<unk>" not in C.generate(a, p.ids, 300, 2.0, seed=2)


def test_char_lm_prompt_validation():
    r = C.run(dataclasses.replace(SMALL, num_epochs=1), seed=0)
    p = C.read_prompt(r, "the cat ☃ sat €")
    assert p.unknown == "☃€" and p.ids[p.tokens.index("☃")] == r.vocab.unk and not p.truncated
    long = C.read_prompt(r, "x" * 1000)
    assert long.truncated and len(long.tokens) == 16
    assert C.read_prompt(r, "").empty and C.read_prompt(r, None).empty
    W = C.prompt_attention(r, p)
    n = len(p.tokens)
    assert W.shape == (2, 2, n, n)
    assert (torch.tensor(W)[..., ~TF.causal_mask(n)] == 0).all()
    assert isinstance(C.generate(r, [], 5, 1.0, seed=0), str)     # an empty prompt still generates


def test_char_lm_on_chinese_and_tiny_texts():
    from engine.text import generate
    zh = generate("chinese", seed=0)
    r = C.run(dataclasses.replace(SMALL, corpus=zh, num_epochs=1), seed=0)
    assert r.lang == "zh" and len(r.epochs) == 1
    assert " " not in C.read_prompt(r, "我 们").tokens                  # tokenized like the corpus
    for text in ("", "ab", "hello world"):
        r = C.run(dataclasses.replace(SMALL, corpus=Corpus("tiny", text)), seed=0)
        assert len(r.epochs) <= 2 and r.divergence is None


def test_char_lm_budget_and_stop():
    heavy = C.Settings(num_steps=128, num_hiddens=128, num_heads=4, num_layers=4, batch_size=256,
                       max_tokens=200_000, num_epochs=50)
    r = C.run(dataclasses.replace(heavy, max_tokens=20_000), seed=0, budget=Budget(max_units=2e9))
    assert r.stop_reason == "units" and r.divergence is None
    r = C.run(SMALL, seed=0, budget=Budget(stop=lambda: True))
    assert r.stop_reason == "stopped" and r.epochs.empty


@pytest.mark.slow
def test_char_lm_on_the_time_machine_beats_a_unigram_model():
    path = DATA / "timemachine.txt"
    if not path.exists():
        pytest.skip("shared/data/timemachine.txt is absent")
    from engine.text import corpus_ids, time_machine_corpus
    corpus = time_machine_corpus(path.read_text(encoding="utf-8"))
    s = C.Settings(corpus=corpus)
    ids, _ = corpus_ids(corpus, "char", 0, s.max_tokens)
    freqs = torch.bincount(torch.tensor(ids)).float()
    freqs = freqs[freqs > 0] / len(ids)
    unigram = math.exp(-(freqs * freqs.log()).sum().item())        # perplexity of letter frequencies alone
    r = C.run(s, seed=0, budget=Budget(max_seconds=float("inf")))
    assert unigram > 15                  # 27 symbols, far from uniform
    # 144 steps of the default settings get below a character bigram's ≈10.2 (measured), well below 17
    assert r.epochs["valid_perplexity"].iloc[-1] < 0.65 * unigram, (unigram, r.epochs)


def test_strings_complete():
    assert missing(TF.STRINGS) == [] and missing(TF.CHAR_LM_STRINGS) == []
    assert {"title", "summary"} <= TF.STRINGS.keys() and {"title", "summary"} <= C.STRINGS.keys()


def test_attention_grid_with_a_short_prompt_keeps_titles_apart():
    """Two rows of panels over a 3-character prompt: one shared query-axis title (one per row overlapped
    the other), and at least ≈60 px between rows so a panel's title clears the row above."""
    from engine.i18n import Translator
    from engine.transformer import STRINGS, fig_attention

    tr = Translator("en", STRINGS)
    import numpy as np

    w = np.full((2, 2, 3, 3), 1 / 3)
    fig = fig_attention(w, list("abc"), list("abc"), tr, "t")
    y_titles = [fig.layout[a].title.text for a in fig.layout if a.startswith("yaxis") and fig.layout[a].title.text]
    assert y_titles == []
    assert [a.text for a in fig.layout.annotations].count(tr("queries_axis")) == 1
    domains = sorted({tuple(fig.layout[a].domain) for a in fig.layout if a.startswith("yaxis")})
    m = fig.layout.margin
    plot_px = fig.layout.height - (m.t or 0) - (m.b or 0)
    gap = (domains[1][0] - domains[0][1]) * plot_px
    assert gap >= 55, gap
    one_row = fig_attention(w[:1, :2], list("abc"), list("abc"), tr, "t")       # a single row keeps its own
    assert [one_row.layout[a].title.text for a in one_row.layout if a.startswith("yaxis")].count(tr("queries_axis")) == 1
