"""The book's full run (d2l §9.2): an LSTM on The Time Machine, 256 hidden units, 35 steps, batch 32,
SGD lr 1, clip 1, sequential partitioning, **500 epochs**, trained with the lesson's own pieces
(``engine.language_model``: ``RNNModel``, ``train_epoch_ch8``, ``grad_clipping``, ``SGD``), one torch
thread. The book prints "perplexity 1.1" for the GRU and LSTM after those 500 epochs (1.0–1.1 across
its editions); this records our perplexity every 25 epochs and at the end, and the text the model
writes after "time traveller".

It takes ≈ 50 min per model on one core here, so it is opt-in: ``LM_BOOK_MODELS=lstm`` (or
``lstm,gru,rnn``) ``python -m benchmarks language_model_book``; ``LM_BOOK_EPOCHS`` changes the count.
``LM_BOOK_LOOP=book`` trains with the book's own loop instead (``benchmarks/_book_rnn.py``: its
``RNNModel`` with one-hot inputs, ``SeqDataLoader`` on Python's ``random``, ``torch.optim.SGD``), to
tell what the lesson's code does from what this machine and seed do.
Without ``LM_BOOK_MODELS`` it yields one record saying how to run it.
"""
from __future__ import annotations

import os
import random
import time
from pathlib import Path

import torch
from torch import nn

import engine.language_model as L
from benchmarks import _book_rnn as B
from engine.device import intra_op_threads
from engine.language_model.data import seq_data_iter_sequential

TM = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"
BOOK = dict(num_hiddens=256, num_steps=35, batch_size=32, lr=1.0, theta=1.0)
BOOK_PERPLEXITY = {"rnn": 1.3, "gru": 1.1, "lstm": 1.1}     # d2l §8.6 (concise RNN), §9.1, §9.2 after 500 epochs


def run():
    models = [m for m in os.environ.get("LM_BOOK_MODELS", "").split(",") if m]
    if not models:
        yield {"name": "language_model_book", "skipped": "opt-in (≈ 50 min per model): LM_BOOK_MODELS=lstm python -m benchmarks language_model_book"}
        return
    if not TM.exists():
        yield {"name": "language_model_book", "skipped": f"{TM} not found"}
        return
    epochs = int(os.environ.get("LM_BOOK_EPOCHS", 500))
    corpus, vocab = B.load_corpus_time_machine(str(TM))
    corpus_t = torch.tensor(corpus)
    with intra_op_threads(1):
        book_loop = os.environ.get("LM_BOOK_LOOP", "ours") == "book"
        for kind in models:
            torch.manual_seed(0)
            if book_loop:
                random.seed(0)
                net = B.book_model(kind, len(vocab), BOOK["num_hiddens"])
                train_iter = B.SeqDataLoader(corpus, BOOK["batch_size"], BOOK["num_steps"])
                updater, loss = torch.optim.SGD(net.parameters(), BOOK["lr"]), nn.CrossEntropyLoss()
            else:
                net = L.RNNModel(len(vocab), BOOK["num_hiddens"], kind)
                updater, loss = L.SGD(net.parameters(), BOOK["lr"]), nn.CrossEntropyLoss()
                gen = torch.Generator().manual_seed(0)
            by_epoch, t0 = [], time.perf_counter()
            for e in range(1, epochs + 1):
                if book_loop:
                    (ppl, speed), bad = B.train_epoch_ch8(net, train_iter, loss, updater, "cpu", False), None
                    bad = None if ppl == ppl and ppl != float("inf") else ppl
                else:
                    it = seq_data_iter_sequential(corpus_t, BOOK["batch_size"], BOOK["num_steps"], gen)
                    ppl, speed, _, bad = L.train_epoch_ch8(net, it, loss, updater, "cpu", False, BOOK["theta"])
                if e % 25 == 0 or e == epochs or bad is not None:
                    by_epoch.append((e, round(ppl, 3), round(speed)))
                    print(f"# {kind} epoch {e}: perplexity {ppl:.3f}, {speed:.0f} tokens/s", flush=True)
                if bad is not None:
                    break
            sample = _predict("time traveller", 50, net, vocab)
            yield {"name": f"language_model_book.{kind}" + (".book_loop" if book_loop else ""), "epochs": e, "perplexity": round(ppl, 3),
                   "book_perplexity": BOOK_PERPLEXITY[kind], "seconds": round(time.perf_counter() - t0, 1),
                   "perplexity_every_25_epochs": by_epoch, "sample": sample, "book_setting": BOOK, "torch_threads": 1}


@torch.no_grad()
def _predict(prefix: str, num_preds: int, net, vocab) -> str:
    """The book's ``predict_ch8``: warm up on the prefix, then take the most likely character."""
    state = net.begin_state(batch_size=1, device="cpu")
    outputs = [vocab[prefix[0]]]
    for y in prefix[1:]:
        _, state = net(torch.tensor([[outputs[-1]]]), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net(torch.tensor([[outputs[-1]]]), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return "".join(vocab.idx_to_token[i] for i in outputs)
