"""Claims the lessons' text makes, against the maths: the RNN step's Jacobian, the softmax's
Jacobian and the causal mask's uniform entropy, what a saturated or overflowing softmax does, the
activations' gradient factors, and the numbers the character-level Transformer's text reports."""
import math

import numpy as np
import torch

from engine.i18n import Translator


def test_rnn_step_jacobian_is_diag_then_whh_transposed():
    """Row layout (the book's): H_t = tanh(X W_xh + H_{t−1} W_hh + b). The gradient, a row like
    H_t, goes back as dH_{t−1} = dH_t · diag(1 − H_t²) · W_hhᵀ (not W_hhᵀ · diag(…))."""
    from engine.language_model.strings_inside import STRINGS
    g = torch.Generator().manual_seed(0)
    n = 5
    W_xh, W_hh, b = (torch.randn(s, generator=g, dtype=torch.float64) for s in ((3, n), (n, n), (n,)))
    x, h_prev, dh = (torch.randn(s, generator=g, dtype=torch.float64) for s in ((1, 3), (1, n), (1, n)))
    step = lambda h: torch.tanh(x @ W_xh + h @ W_hh + b)
    h = step(h_prev)
    J = torch.autograd.functional.jacobian(step, h_prev).reshape(n, n)      # J[i, j] = ∂h_i/∂h_prev_j
    D = torch.diag((1 - h ** 2).flatten())
    assert torch.allclose(dh @ J, dh @ D @ W_hh.T)
    assert not torch.allclose(dh @ J, dh @ W_hh.T @ D)
    for lang in ("en", "zh"):
        text = STRINGS["explain_md"][lang]
        assert r"\mathrm{{diag}}(1-\mathbf H_t^2)\,\mathbf W_{{hh}}^\top" in text
        assert r"\mathbf W_{{hh}}^\top \mathrm{{diag}}" not in text


def test_playground_uniform_entropy_respects_the_causal_mask():
    import engine.attention.playground as P
    s = P.Settings(n_queries=6, n_keys=6, causal=True)
    p = P.attend(s, seed=0)
    assert np.allclose(p.uniform_entropy, np.log(np.arange(1, 7)))          # query i sees i keys
    assert p.uniform_entropy.mean() < math.log(6)
    padded = P.attend(P.Settings(n_queries=3, n_keys=6, valid_len=4), seed=0)
    assert np.allclose(padded.uniform_entropy, math.log(4))
    both = P.attend(P.Settings(n_queries=6, n_keys=6, valid_len=3, causal=True), seed=0)
    assert np.allclose(both.uniform_entropy, np.log([1, 2, 3, 3, 3, 3]))
    assert np.all(both.entropy <= both.uniform_entropy + 1e-9)               # uniform is the maximum


def test_saturated_softmax_passes_almost_no_gradient_to_any_score():
    import engine.attention.playground as P
    p = P.attend(P.Settings(n_queries=4, n_keys=5, d=64, scale=False), seed=0)
    for i in range(4):                                                      # the norm is the Jacobian's
        a = torch.tensor(p.scores[i], dtype=torch.float64)
        J = torch.autograd.functional.jacobian(lambda z: torch.softmax(z, 0), a)
        assert math.isclose(float(torch.linalg.matrix_norm(J)), p.softmax_jacobian_norm[i], rel_tol=1e-3)   # weights in float32
    scaled = P.attend(P.Settings(n_queries=4, n_keys=5, d=64, scale=True), seed=0)
    assert np.median(p.softmax_jacobian_norm) < 0.01 < 0.1 < np.median(scaled.softmax_jacobian_norm)
    assert p.softmax_jacobian_norm.mean() < scaled.softmax_jacobian_norm.mean()
    assert np.allclose(p.uniform_jacobian_norm, math.sqrt(4) / 5)
    text = Translator("en", P.STRINGS)("saturated", d=64, max="0.99", jac="0.01", jac_uniform="0.4")
    assert "goes to one key" not in text and "diag(α) − ααᵀ" in text and "winning key's included" in text


def test_transformer_divergence_does_not_blame_a_softmax_overflow():
    from engine.transformer.strings import SHARED
    big = torch.tensor([1e4, 0.0, -1e4])
    assert torch.isfinite(torch.softmax(big, 0)).all()                      # torch subtracts the maximum
    for lang, saturate in (("en", "saturate"), ("zh", "饱和")):
        text = SHARED["diverged"][lang]
        assert saturate in text and "until the softmax overflows" not in text and "直到 softmax 溢出" not in text


def test_activation_text_counts_the_weights():
    from engine.mlp.activations.strings import STRINGS
    en, zh = STRINGS["explain_act_md"]["en"], STRINGS["explain_act_md"]["zh"]
    assert "Half the units" not in en and "一半的单元" not in zh
    assert r"(\mathbf g \odot \sigma')\,\mathbf W" in en and r"(\mathbf g \odot \sigma')\,\mathbf W" in zh
    assert "multiplies the gradient by at most" not in en


def test_char_transformer_reports_all_its_characters():
    from engine.text import generate
    from engine.transformer import char_lm as C
    r = C.run(C.Settings(corpus=generate("english", 0), max_tokens=3000, num_epochs=1, num_steps=16), seed=0)
    assert r.num_heldout_tokens > 0 and r.num_tokens == r.num_train_tokens + r.num_heldout_tokens == 3000
    tr = Translator("en", C.STRINGS)
    text = tr("explain_md", tokens=r.num_tokens, train=r.num_train_tokens, heldout=r.num_heldout_tokens, vocab=len(r.vocab),
              batch=4, steps=16, ppl="1", vppl="1", d=8, params="1", tps="1")
    assert f"first {r.num_tokens:,} characters" in text and f"trains on {r.num_train_tokens:,}" in text
    assert f"last {r.num_heldout_tokens:,} are held out" in text
