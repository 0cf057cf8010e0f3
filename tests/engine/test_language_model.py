"""The language-model lesson's maths: scratch cells = torch's modules on the same weights, the book's
data iterators, clipping, warm-up, perplexity, determinism, budget, inside the LSTM, long-range memory."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import engine.language_model as L
from engine import settings as S
from engine.budget import Budget
from engine.language_model import core as C
from engine.language_model import lstm_internals as I
from engine.language_model.data import fit_batch, num_batches
from engine.text import Corpus, Vocab
from engine.i18n import Translator
from engine.language_model import figures as LF
from engine.numerics import LOG_FLOAT_MAX, exp_or_inf

TOL = 1e-5


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny matrices: one intra-op thread, as the lesson's own runs use (a busy 2-core machine)."""
    from engine.device import intra_op_threads
    with intra_op_threads(1):
        yield


def random_concise(cell, num_layers=1, embedding=False, vocab_size=11, num_hiddens=7, seed=0):
    torch.manual_seed(seed)
    net = L.RNNModel(vocab_size, num_hiddens, cell, num_layers=num_layers, embedding=embedding)
    with torch.no_grad():           # biases too, so that both of torch's biases matter
        for p in net.parameters():
            p.normal_(0, 0.5)
    return net.eval()


def random_state(net, batch_size, seed=1):
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.randn(s.shape, generator=g) for s in net.begin_state(batch_size))


# ---- scratch == torch ------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("num_layers", [1, 3])
@pytest.mark.parametrize("embedding", [False, True])
def test_scratch_equals_torch_modules(cell, num_layers, embedding):
    net = random_concise(cell, num_layers, embedding)
    scratch = net.to_scratch()
    X = torch.randint(0, 11, (4, 9), generator=torch.Generator().manual_seed(2))
    state = random_state(net, 4)
    Y1, s1 = net(X, state)
    Y2, s2 = scratch(X, state)
    assert Y1.shape == Y2.shape == (9 * 4, 11)
    torch.testing.assert_close(Y2, Y1, atol=TOL, rtol=TOL)
    assert len(s1) == len(s2) == (2 if cell == "lstm" else 1)
    for a, b in zip(s1, s2):
        torch.testing.assert_close(b, a, atol=TOL, rtol=TOL)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_scratch_gradients_equal_torch(cell):
    net = random_concise(cell, 2, embedding=True)
    scratch = net.to_scratch()
    X = torch.randint(0, 11, (3, 6), generator=torch.Generator().manual_seed(3))
    y = torch.randint(0, 11, (18,), generator=torch.Generator().manual_seed(4))
    for m in (net, scratch):
        nn.functional.cross_entropy(m(X, m.begin_state(3))[0], y).backward()
    torch.testing.assert_close(scratch.embedding.weight.grad, net.embedding.weight.grad, atol=TOL, rtol=1e-4)
    torch.testing.assert_close(scratch.b_q.grad, net.linear.bias.grad, atol=TOL, rtol=1e-4)


def test_lstm_cell_is_the_books_equations():
    """One step written with torch.nn.LSTMCell's weights, gate by gate (torch's order i, f, g, o)."""
    torch.manual_seed(5)
    h, d = 4, 3
    ref = nn.LSTMCell(d, h)
    X, H, Cc = torch.randn(2, d), torch.randn(2, h), torch.randn(2, h)
    gates = X @ ref.weight_ih.T + ref.bias_ih + H @ ref.weight_hh.T + ref.bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * Cc + torch.sigmoid(i) * torch.tanh(g)
    h_new = torch.sigmoid(o) * torch.tanh(c_new)
    h_ref, c_ref = ref(X, (H, Cc))
    torch.testing.assert_close(h_new, h_ref, atol=TOL, rtol=TOL)
    lstm = nn.LSTM(d, h)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(ref.weight_ih), lstm.weight_hh_l0.copy_(ref.weight_hh)
        lstm.bias_ih_l0.copy_(ref.bias_ih), lstm.bias_hh_l0.copy_(ref.bias_hh)
    m = L.RNNModelScratch(d, h, "lstm", embedding=False)
    L.load_torch_weights(m, lstm)
    (h2, c2), inside = L.lstm_cell(X, (H, Cc), m.layers[0])
    torch.testing.assert_close(h2, h_ref, atol=TOL, rtol=TOL)
    torch.testing.assert_close(c2, c_ref, atol=TOL, rtol=TOL)
    torch.testing.assert_close(inside["f"], torch.sigmoid(f), atol=TOL, rtol=TOL)
    torch.testing.assert_close(inside["g"], torch.tanh(g), atol=TOL, rtol=TOL)


def test_books_gru_resets_before_the_product_torch_after():
    net = random_concise("gru")
    book = L.RNNModelScratch(11, 7, "gru", reset_after=False)
    with pytest.raises(ValueError):
        L.load_torch_weights(book, net.rnn)
    torch_like = net.to_scratch()
    p = {k: v.detach() for k, v in torch_like.layers[0].items()}
    X, H = torch.randn(2, 11), torch.randn(2, 7)
    (h_after,), _ = L.gru_cell(X, (H,), p, reset_after=True)
    (h_book,), inside = L.gru_cell(X, (H,), p)
    R, Z = inside["r"], inside["z"]
    expected = Z * H + (1 - Z) * torch.tanh(X @ p["W_xh"] + (R * H) @ p["W_hh"] + p["b_h"])
    torch.testing.assert_close(h_book, expected, atol=TOL, rtol=TOL)
    assert (h_book - h_after).abs().max() > 1e-3         # two different functions


def test_weight_tying_shares_one_matrix():
    tied = L.RNNModel(20, 16, "lstm", tie_weights=True)
    untied = L.RNNModel(20, 16, "lstm", embedding=True)
    assert tied.linear.weight is tied.embedding.weight
    assert L.num_params(untied) - L.num_params(tied) == 20 * 16
    scratch = L.RNNModelScratch(20, 16, "lstm", tie_weights=True)
    assert scratch.W_hq is None and scratch.output_weight().shape == (16, 20)


# ---- the book's data iterators (d2l §8.3.4) ---------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sequential_iterator(seed):
    corpus, B, T = list(range(1000)), 4, 7
    batches = list(L.seq_data_iter_sequential(corpus, B, T, torch.Generator().manual_seed(seed)))
    assert batches and all(X.shape == (B, T) and Y.shape == (B, T) for X, Y in batches)
    for X, Y in batches:
        assert torch.equal(Y, X + 1)                             # labels: the next token
    for (X0, _), (X1, _) in zip(batches, batches[1:]):
        assert torch.equal(X1[:, 0], X0[:, -1] + 1)              # row b continues across minibatches
    seen = torch.cat([X.flatten() for X, _ in batches])
    assert len(seen.unique()) == len(seen)                       # no token read twice
    # covered: all but the random offset (≤ T), each row's tail (< T) and the remainder (< B)
    assert len(corpus) - len(seen) <= T + B * T + B


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_iterator(seed):
    corpus, B, T = list(range(1000)), 4, 7
    batches = list(L.seq_data_iter_random(corpus, B, T, torch.Generator().manual_seed(seed)))
    for X, Y in batches:
        assert torch.equal(Y, X + 1)
        assert torch.equal(X[:, 1:], X[:, :-1] + 1)              # each row is a contiguous subsequence
    starts = torch.cat([X[:, 0] for X, _ in batches])
    offset = int(starts.min()) % T
    assert all(int(s) % T == offset for s in starts)             # one partition of the text
    seen = torch.cat([X.flatten() for X, _ in batches])
    assert len(seen.unique()) == len(seen)
    assert len(corpus) - len(seen) < T + B * T + T
    # not in text order (random sampling), yet reproducible from the generator
    assert not torch.equal(starts, starts.sort().values)
    again = list(L.seq_data_iter_random(corpus, B, T, torch.Generator().manual_seed(seed)))
    assert all(torch.equal(a[0], b[0]) for a, b in zip(batches, again))


def test_num_batches_is_a_lower_bound_and_fit_batch_shrinks():
    for n in (50, 333, 1000):
        for B, T in ((4, 7), (16, 20), (1, 5)):
            for seed in range(5):
                for it in (L.seq_data_iter_random, L.seq_data_iter_sequential):
                    got = len(list(it(list(range(n)), B, T, torch.Generator().manual_seed(seed))))
                    assert got >= num_batches(n, B, T)
    B, T = fit_batch(60, 64, 100)
    assert num_batches(60, B, T) >= 1 and (B, T) != (64, 100)


# ---- clipping, prediction, perplexity --------------------------------------------------------

@pytest.mark.parametrize("theta", [0.01, 1.0, 1e6])
def test_grad_clipping_equals_clip_grad_norm(theta):
    a, b = random_concise("lstm", 2), random_concise("lstm", 2)
    g = torch.Generator().manual_seed(0)
    for p, q in zip(a.parameters(), b.parameters()):
        p.grad = torch.randn(p.shape, generator=g)
        q.grad = p.grad.clone()
    norm = L.grad_clipping(a, theta)
    ref = torch.nn.utils.clip_grad_norm_(b.parameters(), theta)
    assert float(norm) == pytest.approx(float(ref), rel=1e-5)
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-5, atol=1e-8)
    total = math.sqrt(sum(float((p.grad ** 2).sum()) for p in a.parameters()))
    assert total == pytest.approx(min(theta, float(ref)), rel=1e-4)


def small_vocab():
    return Vocab(list("abcdefghij "))


def test_predict_warm_up_uses_the_state_of_the_prefix():
    vocab = small_vocab()
    net = random_concise("lstm", 2, vocab_size=len(vocab))
    prefix = list("abc defg")
    ids = torch.tensor([vocab[prefix]])
    Y, _ = net(ids, net.begin_state(1))
    expected = vocab.to_tokens(int(Y[-1].argmax()))
    out = L.predict_ch8(prefix, 1, net, vocab, "cpu")
    assert out[:-1] == prefix and out[-1] == expected
    assert L.predict_ch8(prefix, 0, net, vocab, "cpu") == prefix
    greedy = L.predict_ch8(prefix, 20, net, vocab, "cpu")
    assert greedy == L.predict_ch8(prefix, 20, net, vocab, "cpu", temperature=0.0)
    draw = lambda s, t: L.predict_ch8(prefix, 30, net, vocab, "cpu", t, torch.Generator().manual_seed(s))
    assert draw(0, 1.0) == draw(0, 1.0)                          # seeded sampling reproduces
    assert draw(0, 5.0) != draw(1, 5.0)
    assert draw(0, 1e-4) == L.predict_ch8(prefix, 30, net, vocab, "cpu")      # T → 0 is the argmax


def test_uniform_model_has_perplexity_vocab_size():
    vocab = small_vocab()
    net = L.RNNModel(len(vocab), 8, "gru")
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()                                            # every logit 0: softmax is uniform
    corpus = torch.randint(0, len(vocab), (500,), generator=torch.Generator().manual_seed(0))
    assert L.evaluate_perplexity(net, corpus, 4, 10, "cpu") == pytest.approx(len(vocab), rel=1e-5)
    r = L.run(L.Settings(impl="scratch", num_epochs=1), seed=0)     # the book's init: 0.01·N(0, 1)
    assert r.epochs["heldout_ppl"].iloc[0] == pytest.approx(r.vocab_size, rel=0.02)


def test_flops_per_token():
    # LSTM: 4 gates × 2·h·(d + h) per layer, + 2·h·|V| for the output layer
    assert L.flops_per_token("lstm", 256, 1, 28, False) == 4 * 2 * 256 * (28 + 256) + 2 * 256 * 28
    assert L.flops_per_token("gru", 8, 2, 10, True) == 3 * 2 * 8 * 16 * 2 + 2 * 8 * 10
    assert L.flops_per_token("rnn", 8, 1, 10, False) == 2 * 8 * 18 + 2 * 8 * 10


# ---- whole runs ------------------------------------------------------------------------------

FAST = L.Settings(num_epochs=2, num_hiddens=32)


def test_training_lowers_perplexity_and_writes_text():
    r = L.run(L.Settings(num_epochs=4), seed=0)
    e = r.epochs
    assert r.stop_reason is None and r.divergence is None
    assert list(e["epoch"]) == [0, 1, 2, 3, 4]
    assert e["heldout_ppl"].iloc[-1] < 0.3 * e["heldout_ppl"].iloc[0]
    assert (r.samples["text"].str.len() > 20).all()
    assert r.tokens_per_s > 0 and L.num_params(r.net) > 0


@pytest.mark.parametrize("kw", [dict(), dict(impl="scratch", model="gru", partition="random"),
                                dict(model="rnn", num_layers=2, dropout=0.3, tie_weights=True)])
def test_same_seed_same_numbers(kw):
    s = dataclasses.replace(FAST, **kw)
    a, b, c = L.run(s, seed=3), L.run(s, seed=3), L.run(s, seed=4)
    cols = ["epoch", "train_ppl", "heldout_ppl"]
    assert a.epochs[cols].equals(b.epochs[cols]) and a.samples.equals(b.samples)
    assert not a.epochs[cols].equals(c.epochs[cols])


def test_notes_for_settings_that_do_nothing():
    r = L.run(dataclasses.replace(FAST, dropout=0.2, tie_weights=True, num_epochs=1), seed=0)
    assert "no_dropout_effect" in r.notes and "tie_needs_embedding" in r.notes
    tiny = Corpus("tiny", "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc")
    r = L.run(dataclasses.replace(FAST, text_corpus=tiny, batch_size=64, num_steps=100), seed=0)
    assert "batch_shrunk" in r.notes and len(r.batches) > 0


def test_budget_stops_and_the_result_is_valid():
    s = L.Settings(num_epochs=100)
    work = L.work_per_batch(s, 30, s.batch_size, s.num_steps)
    r = L.run(s, seed=0, budget=Budget(max_units=work * 25.5))
    assert r.stop_reason == "units" and len(r.batches) == 25
    assert r.epochs["epoch"].iloc[-1] < 100 and math.isfinite(r.final_heldout_ppl)
    assert L.generate(r, "the ", L.Sampling(), seed=0).text.startswith("the ")
    stopped = L.run(s, seed=0, budget=Budget(stop=lambda: True))
    assert stopped.stop_reason == "stopped" and len(stopped.batches) == 0
    assert math.isfinite(stopped.final_heldout_ppl)                 # the untrained model's, still valid


def test_heaviest_setting_is_capped_by_the_budget():
    b = S.bounds(L.Settings)
    heaviest = L.Settings(impl="scratch", num_layers=int(b["num_layers"].hi), num_hiddens=int(b["num_hiddens"].hi),
                          num_epochs=int(b["num_epochs"].hi), batch_size=int(b["batch_size"].hi),
                          num_steps=int(b["num_steps"].hi))
    work = L.work_per_batch(heaviest, 30, heaviest.batch_size, heaviest.num_steps)
    assert 2 <= L.MAX_WORK / work <= 50           # a few minibatches, not thousands


def test_a_perplexity_beyond_float64_is_a_divergence_with_its_step():
    # issue 13: RNN, 256 units, η = 10, θ = 100 reached a finite minibatch loss above ≈ 709.78 nats, and
    # math.exp(loss) raised OverflowError under a frozen chart; its perplexity is +inf: a divergence
    s = L.Settings(model="rnn", impl="concise", num_hiddens=256, lr=10.0, theta=100.0, num_epochs=2)
    r = L.run(s, seed=0)
    d = r.divergence
    assert d is not None and d.kind == "+inf" and math.isinf(d.value)
    losses = r.batches.set_index("step")["loss"]
    assert r.batches["step"].iloc[-1] == d.step                 # training stopped at that minibatch
    assert math.isfinite(losses[d.step]) and losses[d.step] > LOG_FLOAT_MAX
    assert (losses.drop(d.step) <= LOG_FLOAT_MAX).all()
    assert d.last_finite == pytest.approx(math.exp(losses[d.step - 1]))
    assert math.isinf(r.final_heldout_ppl) and len(r.epochs) == 2 and r.stop_reason is None
    fig = LF.fig_perplexity(r.batches, r.epochs, Translator("en", L.STRINGS), r.vocab_size, r.divergence)
    assert any(f"+inf at minibatch {d.step}" in a.text for a in fig.layout.annotations)


def test_exp_or_inf():
    assert exp_or_inf(709.0) == math.exp(709.0) and exp_or_inf(-1e308) == 0.0
    assert exp_or_inf(710.0) == math.inf and exp_or_inf(math.inf) == math.inf
    assert math.isnan(exp_or_inf(math.nan)) and LOG_FLOAT_MAX == pytest.approx(709.782712893384)


def test_divergence_is_recorded_not_raised(monkeypatch):
    make = C.make_net

    def broken(s, vocab_size, generator):
        net = make(s, vocab_size, generator)
        with torch.no_grad():
            net.linear.bias[0] = float("nan")
        return net
    monkeypatch.setattr(C, "make_net", broken)
    r = L.run(FAST, seed=0)
    assert r.divergence is not None and r.divergence.step == 1 and r.divergence.kind == "NaN"
    assert len(r.epochs) == 2 and r.stop_reason is None


# ---- the book's run (d2l §8.6, §9.1, §9.2: load_data_time_machine keeps 10,000 tokens) -------------

TM_PATH = Path(__file__).resolve().parents[2] / "../shared/data/timemachine.txt"


@pytest.fixture(scope="module")
def time_machine():
    if not TM_PATH.exists():
        pytest.skip("../shared/data/timemachine.txt is not here")
    from engine.text import time_machine_corpus
    return time_machine_corpus(TM_PATH.read_text(encoding="utf-8"))


def test_the_book_run_trains_on_the_books_10000_characters(time_machine):
    from benchmarks import _book_rnn as B           # the book's load_corpus_time_machine, as printed
    book_corpus, book_vocab = B.load_corpus_time_machine(str(TM_PATH), max_tokens=10_000)
    s = L.book_run("lstm")
    from engine.text import corpus_ids
    ids, vocab = corpus_ids(time_machine, s.token, 0, s.max_tokens + C.MAX_HELDOUT_TOKENS)
    train, held = C.split_ids(ids, s.max_tokens)
    assert train == book_corpus and len(train) == 10_000
    assert len(vocab) == len(book_vocab) == 28 and vocab.idx_to_token[:3] == ["<unk>", " ", "e"]
    assert vocab.idx_to_token == book_vocab.idx_to_token
    # lines are joined without a separator, as the book does: "…wells" then "i" of the next line
    assert "".join(vocab.to_tokens(train[:40])) == "the time machine by h g wellsithe time t"
    assert held == ids[10_000:11_000]                # held out: the 1,000 characters that follow
    assert (s.batch_size, s.num_steps, s.lr, s.theta, s.num_hiddens, s.num_epochs) == (32, 35, 1.0, 1.0, 256, 500)


def test_a_short_book_run_lowers_perplexity(time_machine):
    s = dataclasses.replace(L.book_run("lstm"), num_epochs=3, text_corpus=time_machine)
    r = L.run(s, seed=0)
    assert (r.num_train_tokens, r.num_heldout_tokens, r.vocab_size) == (10_000, 1_000, 28)
    assert r.stop_reason is None and len(r.batches) == 3 * 8          # (10,000 − 35 − 1) // 35 // 32 = 8 per epoch
    e = r.epochs
    assert e["train_ppl"].iloc[3] < e["train_ppl"].iloc[1] < 28
    assert e["heldout_ppl"].iloc[3] < 0.7 * e["heldout_ppl"].iloc[0]


def test_max_tokens_split():
    ids = list(range(1000))
    assert C.split_ids(ids, 200) == (ids[:200], ids[200:220])          # the text after, 10 % as long
    assert C.split_ids(ids, 1000) == (ids[:900], ids[900:])            # shorter corpus: its own last 10 %
    assert C.split_ids(list(range(200_000)), 100_000)[1] == list(range(100_000, 105_000))   # at most 5,000


# ---- typed text, inside the LSTM ---------------------------------------------------------------

def test_prepare_text_never_raises():
    vocab = small_vocab()
    p = L.prepare_text("abc XYZ\nab", vocab)
    assert p.unknown == ("X", "Y", "Z") and p.ids[4] == vocab.unk and " " in p.tokens
    assert L.prepare_text("", vocab).too_short and L.prepare_text(None, vocab).too_short
    long = L.prepare_text("a" * 10_000, vocab)
    assert long.truncated and len(long.tokens) == L.MAX_TEXT_TOKENS
    assert L.prepare_text("<b>x</b>", vocab).unknown == ("<", ">", "x", "/")


def test_gate_traces_follow_the_lstm_equations():
    vocab = small_vocab()
    net = random_concise("lstm", 2, vocab_size=len(vocab))
    p = L.prepare_text("abc def gij", vocab)
    t = I.gate_traces(net, p.ids, p.tokens)
    assert set(t["quantity"]) == {"i", "f", "o", "g", "c", "h"} and set(t["layer"]) == {0, 1}
    m = {q: I.gate_matrix(t, q, layer=1) for q in ("i", "f", "o", "g", "c", "h")}
    assert m["c"].shape == (7, len(p.tokens))
    for q in ("i", "f", "o"):
        assert (m[q] > 0).all() and (m[q] < 1).all()
    c_prev = np.concatenate([np.zeros((7, 1)), m["c"][:, :-1]], axis=1)
    np.testing.assert_allclose(m["c"], m["f"] * c_prev + m["i"] * m["g"], atol=1e-5)
    np.testing.assert_allclose(m["h"], m["o"] * np.tanh(m["c"]), atol=1e-5)
    # the top layer's h is what the model's output layer reads
    Y, _ = net(torch.tensor([p.ids]), net.begin_state(1))
    top_h = torch.tensor(m["h"][:, -1], dtype=torch.float32)
    torch.testing.assert_close(net.linear(top_h), Y[-1], atol=1e-5, rtol=1e-5)


def test_gradient_flow_at_initialisation_rnn_fades_fastest():
    r = I.run_long_range(I.LongRangeSettings(recall_distance=30), seed=0)
    flow = r.grad_flow.pivot_table(index="steps_back", columns="model", values="grad_norm")
    assert len(flow) == 32 and (r.grad_flow["stage"] == "init").all()
    far = flow.loc[25] / flow.loc[0]
    assert far["rnn"] < 1e-5 * far["lstm"]          # the product of 25 Jacobians vanishes for the RNN
    assert (np.diff(flow["rnn"].to_numpy()) < 0).all()
    assert far["lstm"] > far["gru"]                  # the forget bias of 1 keeps more of the cell
    assert r.accuracy.empty


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_input_grad_norms_match_autograd_on_nn_modules(cell):
    net = I.recall_net(cell, 20, 8, torch.Generator().manual_seed(0))
    X = torch.randint(0, 20, (5, 12), generator=torch.Generator().manual_seed(1))
    y = torch.randint(0, 20, (5,), generator=torch.Generator().manual_seed(2))
    norms = I.input_grad_norms(net, X, y)
    E = net.embedding(X.T).detach().requires_grad_(True)            # (T, batch, d), read by nn.RNN/GRU/LSTM
    H, _ = net.rnn(E)
    (g,) = torch.autograd.grad(nn.functional.cross_entropy(net.linear(H[-1]), y), E)
    np.testing.assert_allclose(norms, g.flatten(1).norm(dim=1).numpy(), rtol=1e-4, atol=1e-9)


def test_lstm_remembers_where_the_rnn_cannot():
    """Theory (d2l §9.2, Hochreiter 1991): the RNN's gradient fades as a product of Jacobians, the
    LSTM's cell carries it additively. Trained on distances up to 10, at distance 14 (past what the
    RNN learned to bridge) the LSTM still answers, the RNN is near chance."""
    s = I.LongRangeSettings(recall_train=True, recall_distance=10, recall_updates=300)
    r = I.run_long_range(s, seed=0, models=("rnn", "lstm"))
    acc = r.accuracy.pivot(index="distance", columns="model", values="accuracy")
    assert acc.loc[5, "lstm"] >= 0.95 and acc.loc[14, "lstm"] >= 0.9
    assert acc.loc[14, "rnn"] <= 0.5 and acc.loc[5, "rnn"] > 0.3      # the RNN did learn short distances
    # the trained LSTM's answer depends on the token that held the value (T − t = distance − 1 = 9)
    trained = r.grad_flow[r.grad_flow["stage"] == "trained"].pivot_table(index="steps_back", columns="model", values="relative")
    assert trained.loc[9, "lstm"] > 0.1


def test_settings_bounds_and_defaults():
    for cls in (L.Settings, L.Sampling, I.LongRangeSettings):
        cls()                                           # defaults are valid
    with pytest.raises(ValueError):
        L.Settings(num_hiddens=10_000)
    names = set(S.bounds(L.Settings)) & set(S.bounds(I.LongRangeSettings))
    assert not names                                    # both on one page: no clash in the URL


def test_strings_complete_in_both_languages():
    import re

    from engine.i18n import missing
    from engine.language_model.strings_inside import STRINGS as INSIDE
    for table in (L.STRINGS, INSIDE):
        assert missing(table) == []
        for key, v in table.items():           # the same placeholders in both languages
            fields = [set(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", v[lang])) for lang in ("en", "zh")]
            assert fields[0] == fields[1], key


def test_a_capped_long_range_comparison_still_trains_every_model():
    """The work budget is shared out: the RNN, trained first, cannot spend it all."""
    from engine.budget import Budget
    from engine.language_model import lstm_internals as I
    s = I.LongRangeSettings(recall_train=True, recall_hiddens=64, recall_distance=20, recall_updates=1500)
    r = I.run_long_range(s, seed=0, budget=Budget(max_units=3e9))
    assert r.stop_reason == "units"
    updates = r.losses.groupby("model")["update"].max()
    assert set(updates.index) == set(I.MODELS) and (updates >= 5).all() and (updates < 1500).all()
    assert set(r.accuracy["model"]) == set(I.MODELS)


def test_token_axis_fits_words_and_characters():
    import plotly.graph_objects as go
    from engine.language_model.figures import _token_axis
    fig = go.Figure()
    _token_axis(fig, list("the time traveller for so it will be convenient to speak of him"[:60]))
    assert len(fig.layout.xaxis.ticktext) == 60 and fig.layout.xaxis.tickangle == 0
    fig = go.Figure()
    _token_axis(fig, ["traveller", "convenient", "expounding"] * 40)
    assert len(fig.layout.xaxis.ticktext) <= 15 and fig.layout.xaxis.tickangle == -45


def test_unit_text_rows_get_their_height():
    """The text coloured by one unit: each row of tokens gets ~34 px, not the few pixels the template's
    legend margin would leave (a new user could not read it)."""
    import pandas as pd

    from engine.i18n import Translator
    from engine.language_model.figures import fig_unit_text
    from engine.language_model.strings_inside import STRINGS

    tokens = list("the time traveller was expounding a recondite matter to us")
    traces = pd.DataFrame({"unit": 5, "layer": 0, "quantity": "C", "step": range(len(tokens)),
                           "value": np.linspace(-1, 1, len(tokens))})
    fig = fig_unit_text(traces, 5, "C", tokens, Translator("zh", STRINGS, L.STRINGS), width=40)
    rows = 2
    m = fig.layout.margin
    assert fig.layout.height - m.t - m.b >= 30 * rows
    z, text = np.asarray(fig.data[0].z), np.asarray(fig.data[0].text)
    assert z.shape == text.shape == (rows, 40)
    assert text[0, 0] == "t" and np.isnan(z[1, -1])                      # padding after the text
    assert "单元 5" in fig.layout.title.text
