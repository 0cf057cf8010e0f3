"""The book's encoder–decoder Transformer (d2l §11.7.4–11.7.5) on the dates task: padding masks from
valid_lens, the causal decoder, cross-attention, shapes, and training to a high exact match."""
import math

import pytest
import torch

import engine.attention.translation as S2S
from engine import settings as S
from engine.budget import Budget
from engine.transformer import encdec
from engine.transformer.blocks import EncoderDecoderTransformer, TransformerDecoderBlock, TransformerEncoder


def tiny_net(seed=0):
    torch.manual_seed(seed)
    return EncoderDecoderTransformer(src_vocab_size=20, tgt_vocab_size=12, num_hiddens=16, num_heads=2,
                                     num_layers=2).eval()


def batch():
    g = torch.Generator().manual_seed(1)
    enc_X = torch.randint(3, 20, (3, 7), generator=g)
    dec_X = torch.randint(3, 12, (3, 5), generator=g)
    return enc_X, dec_X, torch.tensor([7, 4, 2])


def test_shapes_and_rows_sum_to_one():
    net = tiny_net()
    enc_X, dec_X, valid = batch()
    logits, att = net(enc_X, dec_X, valid)
    assert logits.shape == (3, 5, 12)
    assert [w.shape for w in att["encoder"]] == [(3, 2, 7, 7)] * 2
    assert [w.shape for w in att["decoder"]] == [(3, 2, 5, 5)] * 2
    assert [w.shape for w in att["cross"]] == [(3, 2, 5, 7)] * 2
    for kind in ("encoder", "decoder", "cross"):
        for w in att[kind]:
            assert torch.allclose(w.sum(-1), torch.ones(w.shape[:-1]), atol=1e-6), kind


def test_padding_mask_zeroes_attention_to_padded_keys():
    net = tiny_net()
    enc_X, dec_X, valid = batch()
    _, att = net(enc_X, dec_X, valid)
    for b, v in enumerate(valid.tolist()):
        for kind in ("encoder", "cross"):
            for w in att[kind]:
                assert torch.all(w[b, :, :, v:] == 0), (kind, b)
                assert torch.all(w[b, :, :, :v].sum(-1) > 0.999)


def test_padding_content_cannot_change_the_real_positions():
    """Whatever the padded tokens are, the encoder's outputs at real positions and the decoder's logits
    stay the same: the masks really cut them off."""
    net = tiny_net()
    enc_X, dec_X, valid = batch()
    other = enc_X.clone()
    for b, v in enumerate(valid.tolist()):
        other[b, v:] = torch.randint(3, 20, (7 - v,))
    with torch.no_grad():
        H1, _ = net.encoder(enc_X, valid)
        H2, _ = net.encoder(other, valid)
        for b, v in enumerate(valid.tolist()):
            assert torch.allclose(H1[b, :v], H2[b, :v], atol=1e-6)
        assert torch.allclose(net(enc_X, dec_X, valid)[0], net(other, dec_X, valid)[0], atol=1e-5)
        # without the mask the padding would leak in: the check can fail
        H3, _ = net.encoder(other, None)
        assert not torch.allclose(H1[1, :4], H3[1, :4], atol=1e-4)


def test_decoder_self_attention_is_causal():
    net = tiny_net()
    enc_X, dec_X, valid = batch()
    with torch.no_grad():
        logits, att = net(enc_X, dec_X, valid)
        for w in att["decoder"]:
            assert torch.all(torch.triu(w, diagonal=1) == 0)
        later = dec_X.clone()
        later[:, 3:] = (later[:, 3:] + 1) % 12
        logits2, _ = net(enc_X, later, valid)
    assert torch.allclose(logits[:, :3], logits2[:, :3], atol=1e-6)       # the future cannot reach the past
    assert not torch.allclose(logits[:, 3:], logits2[:, 3:], atol=1e-4)


def test_decoder_block_is_the_books_three_sublayers():
    blk = TransformerDecoderBlock(16, 32, 2).eval()
    X, enc = torch.randn(2, 4, 16), torch.randn(2, 6, 16)
    Y, w_self, w_cross = blk(X, enc, torch.tensor([6, 3]))
    with torch.no_grad():                                  # by hand: the book's forward
        X2, _ = blk.attention1(X, X, X, causal=True)
        Y1 = blk.addnorm1(X, X2)
        Y2, _ = blk.attention2(Y1, enc, enc, torch.tensor([6, 3]))
        Z = blk.addnorm2(Y1, Y2)
        assert torch.allclose(Y, blk.addnorm3(Z, blk.ffn(Z)), atol=1e-6)
    assert w_self.shape == (2, 2, 4, 4) and w_cross.shape == (2, 2, 4, 6)
    assert isinstance(tiny_net().encoder, TransformerEncoder)


def test_teacher_forcing_input():
    tgt_vocab = S2S.make_vocabs()[1]
    Y = torch.tensor([[5, 6, 7], [8, 9, 10]])
    dec = encdec.decoder_input(Y, tgt_vocab)
    assert dec[:, 0].tolist() == [tgt_vocab["<bos>"]] * 2 and dec[:, 1:].tolist() == [[5, 6], [8, 9]]


def test_default_run_reaches_a_high_exact_match():
    """The page's default run (≈ 3–4 s of one core): held-out dates translated exactly."""
    r = encdec.run(encdec.Settings(), seed=0)
    assert r.stop_reason is None and r.divergence is None
    assert r.final_accuracy >= 0.85, r.epochs
    assert r.epochs["loss"].iloc[-1] < r.epochs["loss"].iloc[1]
    view = encdec.attention_for(r, S2S.parse_input("the twenty-first of march nineteen ninety-nine", r.src_vocab))
    assert view.expected == "1999-03-21" and view.output == "1999-03-21"
    n, q = len(view.source_tokens), len(view.output_tokens)
    assert view.encoder.shape == (2, 2, n, n) and view.decoder.shape == (2, 2, q, q) and view.cross.shape == (2, 2, q, n)
    assert view.output_tokens[-1] == "<eos>" and view.decoder_inputs[0] == "<bos>"
    assert abs(view.cross.sum(-1) - 1).max() < 1e-5 and (view.cross[..., view.valid_len:] == 0).all()


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before:UserWarning")   # the stub below never steps
def test_budget_divergence_and_bounds(monkeypatch):
    small = encdec.Settings(num_train=200, num_epochs=2)
    r = encdec.run(small, seed=0, budget=Budget(max_units=1e9))
    assert r.stop_reason == "units"
    calls = []

    def nan_step(*a, **k):
        calls.append(1)
        return math.nan if len(calls) == 3 else 1.0
    monkeypatch.setattr(encdec, "train_step", nan_step)
    r = encdec.run(small, seed=0)
    assert r.divergence is not None and r.divergence.step == 3
    with pytest.raises(ValueError):
        encdec.Settings(num_layers=9)
    assert S.bounds(encdec.Architecture)["architecture"].options == ("decoder_only", "encoder_decoder")
