"""Attention (d2l §10.7, §11.1–11.4): masks, scoring against torch's built-in, the saturation
that motivates 1/√d, the dates task, seq2seq with and without attention, typed input."""
from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from engine import settings as S
from engine.attention import AdditiveAttention, DotProductAttention, attention_mask, masked_softmax
from engine.attention import dates as D
from engine.attention import playground as P
from engine.attention import translation as T
from engine.i18n import missing


def qkv(batch=2, n_q=4, n_k=6, d=8, d_v=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(batch, n_q, d, generator=g), torch.randn(batch, n_k, d, generator=g),
            torch.randn(batch, n_k, d_v, generator=g))


# ---- masked softmax ---------------------------------------------------------------------

def test_masked_softmax_rows_sum_to_one_and_padding_is_exactly_zero():
    X = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(1)) * 50     # large scores too
    W = masked_softmax(X, torch.tensor([2, 4]))
    torch.testing.assert_close(W.sum(-1), torch.ones(2, 3))
    assert (W[0, :, 2:] == 0).all() and (W[1, :, 4:] == 0).all()
    assert (W[0, :, :2] > 0).all()
    # the book's example: per-query valid lengths
    W = masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]]))
    assert (W[0, 0, 1:] == 0).all() and W[0, 0, 0] == 1 and (W[0, 1, 3:] == 0).all() and (W[1, 1] > 0).all()


def test_masked_softmax_without_mask_is_softmax():
    X = torch.randn(2, 3, 5)
    torch.testing.assert_close(masked_softmax(X, None), torch.softmax(X, -1))


def test_causal_mask_gives_zero_weight_to_the_future():
    W = masked_softmax(torch.randn(1, 5, 5), None, causal=True)[0]
    assert (torch.triu(W, diagonal=1) == 0).all()
    assert (W[torch.ones(5, 5, dtype=torch.bool).tril()] > 0).all()
    torch.testing.assert_close(W.sum(-1), torch.ones(5))
    assert W[0, 0] == 1


def test_fully_masked_row_is_zero_not_nan_and_has_finite_gradients():
    X = torch.randn(2, 3, 4, requires_grad=True)
    W = masked_softmax(X, torch.tensor([0, 2]))
    assert (W[0] == 0).all() and torch.isfinite(W).all()
    W.sum().backward()
    assert torch.isfinite(X.grad).all()


def test_attention_mask_matches_causal_and_padding():
    m = attention_mask(3, 4, torch.tensor([2]), causal=True)[0]
    assert m.tolist() == [[True, False, False, False], [True, True, False, False], [True, True, False, False]]
    assert attention_mask(3, 4) is None


# ---- scoring against torch ----------------------------------------------------------------

@pytest.mark.parametrize("valid_lens,causal", [
    (None, False), (torch.tensor([3, 6]), False), (None, True), (torch.tensor([[1, 2, 3, 4], [6, 5, 4, 3]]), True)])
def test_scaled_dot_product_equals_torch(valid_lens, causal):
    Q, K, V = qkv()
    out, weights = DotProductAttention()(Q, K, V, valid_lens, causal)
    ref = F.scaled_dot_product_attention(Q, K, V, attn_mask=attention_mask(4, 6, valid_lens, causal, 2))
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    if valid_lens is None and causal:
        torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, is_causal=True), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 4))


def test_unscaled_and_temperature_equal_torch_with_their_scale():
    Q, K, V = qkv(d=16)
    out, _ = DotProductAttention(scale=False)(Q, K, V)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, scale=1.0), atol=1e-5, rtol=1e-5)
    out, _ = DotProductAttention(scale=True, temperature=2.0)(Q, K, V)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(Q, K, V, scale=1 / (4 * 2.0)), atol=1e-5, rtol=1e-5)


def test_temperature_flattens_and_sharpens():
    Q, K, V = qkv()
    ent = lambda T: -(lambda w: (w * w.log()).sum(-1).mean())(DotProductAttention(temperature=T)(Q, K, V)[1])
    assert ent(0.2) < ent(1.0) < ent(5.0) <= math.log(6) + 1e-6


def test_additive_attention_shapes_weights_and_formula():
    Q, K, V = qkv(n_q=2, n_k=10, d=20, d_v=4)
    Q = Q[:, :, :7]                                           # queries and keys of different sizes
    torch.manual_seed(0)
    att = AdditiveAttention(key_size=20, query_size=7, num_hiddens=8)
    out, weights = att(Q, K, V, torch.tensor([2, 6]))
    assert out.shape == (2, 2, 4) and weights.shape == (2, 2, 10)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2))
    assert (weights[0, :, 2:] == 0).all() and (weights[1, :, 6:] == 0).all()
    # w_vᵀ tanh(W_q q + W_k k) for one pair, by hand
    s = att.w_v.weight @ torch.tanh(att.W_q.weight @ Q[1, 1] + att.W_k.weight @ K[1, 3])
    torch.testing.assert_close(att.scores[1, 1, 3], s[0])
    torch.testing.assert_close(out, torch.bmm(weights, V))


def test_additive_attention_with_equal_keys_is_uniform():
    """The book's check (d2l §11.3.2): identical keys give identical scores, so uniform weights."""
    att = AdditiveAttention(2, 20, 8)
    q = torch.normal(0, 1, (2, 1, 20))
    out, w = att(q, torch.ones(2, 10, 2), torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1),
                 torch.tensor([2, 6]))
    torch.testing.assert_close(w[0, 0, :2], torch.full((2,), 0.5))
    torch.testing.assert_close(w[1, 0, :6], torch.full((6,), 1 / 6))


# ---- playground ---------------------------------------------------------------------------

def test_playground_rows_sum_to_one_and_masks():
    s = P.Settings(n_queries=4, n_keys=6, valid_len=4, causal=True)
    p = P.attend(s, seed=3)
    np.testing.assert_allclose(p.row_sums, 1, atol=1e-6)
    np.testing.assert_allclose(p.additive_weights.sum(1), 1, atol=1e-6)
    assert (p.weights[:, 4:] == 0).all() and (p.weights[0, 1:] == 0).all() and p.weights[0, 0] == 1
    np.testing.assert_allclose(p.output, p.weights @ p.V, atol=1e-5)
    assert np.allclose(p.entropy[0], 0)


def test_playground_is_deterministic_and_uses_given_matrices():
    s = P.Settings()
    a, b = P.attend(s, 7), P.attend(s, 7)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.additive_weights, b.additive_weights)
    assert not np.array_equal(a.Q, P.attend(s, 8).Q)
    Q = np.zeros(s.shapes["Q"], np.float32)
    p = P.attend(s, 7, Q=Q)
    np.testing.assert_allclose(p.weights, 1 / s.n_keys, atol=1e-6)       # q = 0: every score is 0


def test_edited_values_reproduce_scores_by_hand():
    s = P.Settings(n_queries=1, n_keys=2, d=2, d_v=1, scale=True, temperature=2.0, valid_len=2)
    p = P.attend(s, 0, Q=[[1.0, 2.0]], K=[[3.0, 0.0], [0.0, 1.0]], V=[[10.0], [20.0]])
    np.testing.assert_allclose(p.scores, [[3 / math.sqrt(2) / 2, 2 / math.sqrt(2) / 2]], atol=1e-6)
    w = np.exp(p.scores[0]) / np.exp(p.scores[0]).sum()
    np.testing.assert_allclose(p.weights[0], w, atol=1e-6)
    np.testing.assert_allclose(p.output[0, 0], w @ [10, 20], atol=1e-4)


def test_saturation_without_scaling_grows_with_d():
    c = P.saturation_curve(n_keys=10, seed=0)
    on = c[c["scaled"]].set_index("d")
    off = c[~c["scaled"]].set_index("d")
    # unscaled: entropy falls steadily with d and the max weight heads for 1 (one-hot)
    assert off["entropy"].is_monotonic_decreasing
    assert off.loc[1024, "entropy"] < 0.2 * off.loc[1, "entropy"] and off.loc[1024, "max_weight"] > 0.9
    # scaled: about the same softmax whatever d is
    assert on["entropy"].max() - on["entropy"].min() < 0.15
    assert (on.loc[[64, 256, 1024], "entropy"].to_numpy() > 3 * off.loc[[64, 256, 1024], "entropy"].to_numpy()).all()
    pd.testing.assert_frame_equal(c, P.saturation_curve(n_keys=10, seed=0))


def test_validate_matrix_never_raises():
    M, problems = P.validate_matrix([["1", "abc", None], [float("inf"), 1e9, " 2.5 "]], (3, 3))
    assert M.dtype == np.float32 and np.isfinite(M).all()
    assert M.tolist() == [[1, 0, 0], [1000, 1000, 2.5], [0, 0, 0]]
    assert [(p.row, p.col, p.kind) for p in problems] == [(1, 2, "not_number"), (1, 3, "empty"),
                                                          (2, 1, "clipped"), (2, 2, "clipped")]
    M, problems = P.validate_matrix(pd.DataFrame([[np.nan, "<b>x</b>"]]), (1, 2))
    assert M.tolist() == [[0, 0]] and [p.kind for p in problems] == ["empty", "not_number"]
    assert P.validate_matrix(None, (2, 2))[0].shape == (2, 2)


def test_resize_keeps_overlap():
    fill = np.full((3, 2), 9.0)
    np.testing.assert_array_equal(P.resize(np.ones((2, 4)), (3, 2), fill), [[1, 1], [1, 1], [9, 9]])


# ---- the dates task -----------------------------------------------------------------------

def test_words_of_known_dates():
    assert D.date_to_words(dt.date(1999, 3, 21)) == "twenty-first of march nineteen ninety-nine"
    assert D.date_to_words(dt.date(2005, 7, 4), 1) == "the fourth of july two thousand and five"
    assert D.date_to_words(dt.date(1900, 12, 30), 2) == "december thirtieth nineteen hundred"
    assert D.year_words(1907) == "nineteen oh seven" and D.year_words(2000) == "two thousand"
    assert D.year_words(2024) == "twenty twenty-four"


def test_dates_parse_back_in_every_format():
    """Every day of 1900 (not leap), 2000 (leap) and 2009–2010 (the 'two thousand and' → 'twenty' switch),
    and every 11th day of the whole range."""
    n = (D.LAST_DAY - D.FIRST_DAY).days + 1
    days = {D.FIRST_DAY + dt.timedelta(days=i) for i in range(0, n, 11)}
    for start, count in ((dt.date(1900, 1, 1), 365), (dt.date(2000, 1, 1), 366), (dt.date(2009, 1, 1), 730)):
        days |= {start + dt.timedelta(days=i) for i in range(count)}
    for d in sorted(days):
        for fmt in range(len(D.FORMATS)):
            assert D.words_to_date(D.date_to_words(d, fmt)) == d
    assert D.words_to_date("the thirtieth of february nineteen ninety") is None      # no such date
    assert D.words_to_date("hello world") is None


def test_dataset_is_deterministic_disjoint_and_right():
    train, test = D.make_dataset(500, 200, seed=4)
    assert (train, test) == D.make_dataset(500, 200, seed=4)
    assert train != D.make_dataset(500, 200, seed=5)[0]
    assert not {e.source for e in train} & {e.source for e in test}
    for e in train + test:
        assert D.words_to_date(e.source).isoformat() == e.target
        assert set(D.source_tokens(e.source)) <= set(D.WORDS)


# ---- seq2seq --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained():
    return T.run(T.Settings(), seed=0)


def test_attention_learns_the_task_and_beats_no_attention(trained):
    """Defaults (3 epochs of 1000 pairs, ≈3 s): attention ≥ 90 % exact match on unseen dates,
    at least 50 points above the same model without attention."""
    r = trained
    assert r.stop_reason is None
    assert r.accuracy("attention") >= 0.9
    assert r.accuracy("attention") - r.accuracy("no_attention") >= 0.5
    assert r.loss("attention") < r.loss("no_attention")
    h = r.history
    assert list(h.columns) == ["epoch", "model", "train_loss", "test_accuracy"]
    assert set(h["model"]) == set(T.MODELS) and h["epoch"].max() == 3


def test_run_is_deterministic(trained):
    s = dataclasses.replace(T.Settings(), num_train=200, num_test=100, num_epochs=1)
    a, b = T.run(s, seed=1), T.run(s, seed=1)
    pd.testing.assert_frame_equal(a.history, b.history)
    assert a.test_predictions == b.test_predictions


def test_translation_alignment_rows_sum_to_one_and_follow_the_words(trained):
    parsed = T.parse_input("the twenty-first of march nineteen ninety-nine", trained.src_vocab)
    tr = T.translate(trained, "attention", parsed)
    assert tr.expected == "1999-03-21" and tr.output == "1999-03-21"
    assert tr.alignment.shape == (len(tr.output_tokens), len(parsed.tokens))
    np.testing.assert_allclose(tr.alignment.sum(1), 1, atol=1e-5)
    words = list(parsed.tokens)
    # the month digits look at "march", the year's first digits at "nineteen"
    assert words[int(tr.alignment[6].argmax())] == "march"
    assert words[int(tr.alignment[1].argmax())] in ("nineteen", "ninety")
    assert T.translate(trained, "no_attention", parsed).alignment is None


def test_work_budget_caps_the_heaviest_settings():
    s = T.Settings(num_train=5000, num_hiddens=128, num_layers=2, batch_size=256, num_epochs=30)
    used = sum(T.step_units(s, s.batch_size, m == "attention") for m in T.MODELS) * math.ceil(5000 / 256) * 30
    assert used > T.MAX_UNITS          # so this run must stop on the cap, at the same step every time
    from engine.budget import Budget
    b = Budget().capped(5.0)
    r = T.run(dataclasses.replace(s, num_epochs=1), seed=0, budget=b)
    assert r.stop_reason == "units" and r.steps < math.ceil(5000 / 256)


@pytest.mark.parametrize("text,check", [
    ("the twenty-first of march nineteen ninety-nine", lambda p: not (p.unknown or p.bad_chars or p.truncated)),
    ("the 21st of Marchh!", lambda p: p.bad_chars == ("!", "1", "2") and p.unknown == ("st", "marchh")),
    ("", lambda p: p.empty and p.ids == ()),
    ("<b>x</b>", lambda p: set(p.bad_chars) == {"<", ">", "/"} and "x" in p.unknown),
    ("nine " * 100, lambda p: p.truncated and len(p.tokens) <= T.MAX_INPUT_TOKENS),
    ("9" * 400, lambda p: p.empty and p.bad_chars == ("9",)),
    ("MARCH-First, 2 thousand", lambda p: p.tokens == ("march", "first", "thousand") and p.bad_chars == ("2",)),
])
def test_typed_input_is_validated(trained, text, check):
    p = T.parse_input(text, trained.src_vocab)
    assert check(p), p
    assert all(i == trained.src_vocab.unk for t, i in zip(p.tokens, p.ids) if t in p.unknown)
    if not p.empty:
        tr = T.translate(trained, "attention", p)                 # any input decodes without error
        assert len(tr.output_tokens) <= T.NUM_STEPS_TGT


def test_settings_bounds_and_strings():
    for cls in (P.Settings, T.Settings):
        S.check(cls())
        for b in S.bounds(cls).values():
            assert b.kind in ("int", "float", "bool", "choice")
    assert not missing(P.STRINGS) and not missing(T.STRINGS)
    with pytest.raises(ValueError):
        T.Settings(num_epochs=1000)


def test_playground_heatmaps_are_readable():
    """issue 15: the Q and K heatmaps (a third of the page each) had unreadably small numbers and a
    squashed colour bar. One decimal (two for weights), a fixed cell font, a thin colour bar, and a
    height that grows with the rows; a matrix too wide for its numbers shows them on hover only."""
    from engine.attention import figures as AF
    from engine.i18n import Translator
    tr = Translator("en", P.STRINGS)
    Q = np.array([[-0.534, 1.25, 0.0], [2.0, -1.0, 0.333]])
    fig = AF.fig_matrix(Q, "Q", "q", "d", tr).to_plotly_json()
    (trace,) = fig["data"]
    assert [list(r) for r in trace["text"]] == [["−0.5", "1.2", "0.0"], ["2.0", "−1.0", "0.3"]]
    assert trace["textfont"]["size"] >= 12
    bar = fig["layout"]["coloraxis"]["colorbar"]
    assert bar["thickness"] <= 14 and bar["len"] == 1.0
    tall = AF.fig_matrix(np.zeros((8, 3)), "Q", "q", "d", tr).layout.height
    assert tall > fig["layout"]["height"] >= 260 and tall >= 8 * AF.ROW_PX
    wide = AF.fig_matrix(np.ones((3, 64)), "Q", "q", "d", tr).to_plotly_json()["data"][0]
    assert all(t == "" for row in wide["text"] for t in row) and "%{z:.4g}" in wide["hovertemplate"]
    w = AF.fig_weights(np.array([[0.25, 0.75]]), "W", tr).to_plotly_json()["data"][0]
    assert list(w["text"][0]) == ["0.25", "0.75"]
