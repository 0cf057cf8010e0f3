"""Fast to the book's quality (issue 17): the lesson's optimizer choice (the book's SGD or Adam, d2l §12.10),
the Adam it uses is the optimization lessons' from-scratch rule and equals torch.optim.Adam on the same
gradients, SGD stays the default, and on the book's data Adam's preset gets to the book's perplexity sooner."""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
import torch
from torch import nn

import engine.language_model as L
from engine import settings as S
from engine.language_model import core as C
from engine.language_model import fit as F
from engine.language_model.data import seq_data_iter_sequential
from engine.optimization.rules import Scratch
from engine.text import generate, time_machine_corpus

TM_PATH = Path(__file__).resolve().parents[2] / "../shared/data/timemachine.txt"


@pytest.fixture(scope="module")
def time_machine():
    if not TM_PATH.exists():
        pytest.skip("../shared/data/timemachine.txt is not here")
    return time_machine_corpus(TM_PATH.read_text(encoding="utf-8"))


def test_sgd_stays_the_default_and_the_preset_changes_only_the_optimizer():
    assert L.Settings().optimizer == "sgd" and L.book_run().optimizer == "sgd"
    assert isinstance(L.make_updater([nn.Parameter(torch.zeros(2))], L.Settings().optimizer, 1.0), L.SGD)
    changed = {k for k in C.FAST_RUN if C.FAST_RUN[k] != C.BOOK_RUN.get(k)}
    assert changed == {"optimizer", "lr", "num_epochs"}
    assert (C.FAST_RUN["optimizer"], C.FAST_RUN["lr"]) == ("adam", 0.01)
    fast = L.fast_run("lstm")
    assert L.is_fast_run(fast) and not L.is_book_run(fast) and not L.is_fast_run(L.book_run())
    b = S.bounds(L.Settings)
    assert b["optimizer"].clamp("adam") == ("adam", False)
    with pytest.raises(ValueError):                   # an unknown optimizer in a link: the default is kept
        b["optimizer"].clamp("adamw")
    assert b["lr"].clamp(0.01) == (0.01, False) and b["lr"].clamp(1e-5)[0] == 0.001    # Adam's range is in bounds


def test_lessons_adam_equals_torch_adam_on_the_same_gradients():
    """The lesson trains with rules.Scratch('adam'); through train_epoch_ch8 (clipping included) it moves the
    weights as torch.optim.Adam with the book's ε does."""
    s = L.Settings(model="lstm", optimizer="adam", lr=0.01, num_hiddens=16, batch_size=4, num_steps=5)
    corpus = torch.randint(0, 10, (600,), generator=torch.Generator().manual_seed(0))
    ours = C.make_net(s, 10, torch.Generator().manual_seed(0))
    ref = copy.deepcopy(ours)
    upd = L.make_updater(ours.parameters(), s.optimizer, s.lr)
    assert isinstance(upd, Scratch) and upd.name == "adam" and upd.hyper["eps"] == 1e-6
    torch_adam = torch.optim.Adam(ref.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-6)
    loss = nn.CrossEntropyLoss()
    for net, u in ((ours, upd), (ref, torch_adam)):
        for _ in range(3):
            it = seq_data_iter_sequential(corpus, 4, 5, torch.Generator().manual_seed(1))
            L.train_epoch_ch8(net, it, loss, u, "cpu", False, 0.5)
    moved = False
    for (name, p), q, p0 in zip(ours.named_parameters(), ref.parameters(),
                                C.make_net(s, 10, torch.Generator().manual_seed(0)).parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6, msg=name)
        moved |= not torch.allclose(p, p0)
    assert moved and upd.t == 3 * 29            # (600 − offset − 1) // 4 // 5 = 29 minibatches per epoch


@pytest.mark.parametrize("impl", ["scratch", "concise"])
def test_adam_trains_both_models_and_sets_its_own_step_size(impl):
    """On the generated text, 3 epochs: Adam with η = 0.01 lowers the perplexity for both implementations,
    and SGD with the same η (a step of η·g, g small) hardly moves it."""
    base = L.Settings(impl=impl, num_hiddens=32, num_epochs=3, lr=0.01, text_corpus=generate("english", 0))
    adam = L.run(dataclasses.replace(base, optimizer="adam"), seed=0)
    sgd = L.run(base, seed=0)
    e0 = adam.epochs["heldout_ppl"].iloc[0]
    assert adam.final_train_ppl < 0.7 * sgd.final_train_ppl
    assert adam.final_heldout_ppl < 0.7 * e0 and sgd.final_heldout_ppl > 0.9 * e0


def test_on_the_books_data_adam_is_far_ahead_after_one_slice(time_machine):
    """One work budget (12.25 epochs of the book's 10,000 characters): the fast preset's training perplexity
    is well below the book's run's — the book needs several hundred epochs for ≤ 1.1, the preset ≈ 49."""
    fast = L.run(dataclasses.replace(L.fast_run("lstm"), text_corpus=time_machine), seed=0)
    book = L.run(dataclasses.replace(L.book_run("lstm"), text_corpus=time_machine), seed=0)
    assert fast.stop_reason == book.stop_reason == "units" and fast.epochs_done == book.epochs_done == 12.25
    assert fast.final_train_ppl < 0.75 * book.final_train_ppl
    assert L.first_epoch_at(fast.epochs) is None            # not yet: the page says to Continue


@pytest.mark.slow
def test_the_fast_preset_reaches_the_books_quality_in_four_slices(time_machine):
    s = dataclasses.replace(L.fast_run("lstm"), text_corpus=time_machine)
    r = None
    for k in range(1, 5):
        r = L.run(dataclasses.replace(s, slices=k), seed=0, resume=r)
    at = L.first_epoch_at(r.epochs)
    assert at is not None and at <= 49 and r.final_train_ppl <= C.FAST_TARGET
    assert F.slice_of(at, r.batches_per_epoch, r.work_per_batch, C.MAX_WORK) == 4
    assert r.final_heldout_ppl > 2 * r.final_train_ppl          # the text is memorised, as the page says


def test_first_epoch_at_and_slice_of():
    import pandas as pd
    e = pd.DataFrame({"epoch": [0, 1, 2, 2.5], "train_ppl": [float("nan"), 3.0, 1.1, 1.05]})
    assert L.first_epoch_at(e) == 2 and L.first_epoch_at(e, 1.0) is None
    assert F.slice_of(12.25, 8, 2.0375e9, 2e11) == 1 and F.slice_of(12.375, 8, 2.0375e9, 2e11) == 2
    assert F.slice_of(49, 8, 2.0375e9, 2e11) == 4
