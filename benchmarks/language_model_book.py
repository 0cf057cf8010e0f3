"""The book's language-model runs, in full, on the book's data: d2l §8.6 (concise RNN), §9.1 (GRU) and
§9.2 (LSTM) train on ``load_data_time_machine(32, 35)``, which keeps the **first 10,000 characters** of
The Time Machine (``max_tokens=10000``; 28 tokens with ``<unk>`` and the space), 256 hidden units, SGD
lr 1, clipping θ = 1, sequential partitioning, **500 epochs**. The book prints a training perplexity of
≈ 1.0 for the GRU and the LSTM and ≈ 1.3 for the RNN (§8.5's RNN from scratch has 512 units and reaches
≈ 1.0: ``rnn512`` here).

For each model, the lesson's pieces (``engine.language_model``: ``RNNModel``, ``train_epoch_ch8``,
``grad_clipping``, ``SGD``, ``seq_data_iter_sequential`` on a seeded generator, the corpus as the lesson
reads it: ``corpus_ids`` + ``split_ids``) and the book's own loop (``benchmarks/_book_rnn.py``) train side
by side, epoch by epoch in alternation so both meet the same machine load, one torch thread each. Records:
the perplexity every 25 epochs and at the end, the seconds each loop took, the text each writes after
"time traveller"; then how far the lesson's own ``run`` gets with the book's settings under the app's work
budget (what the page's preset shows).

``LM_BOOK_MODELS`` (default ``rnn,gru,lstm``; also ``rnn512``) and ``LM_BOOK_EPOCHS`` (default 500) change
what runs. ≈ 1–2 min per model on one core.
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
from engine.language_model import core as C
from engine.language_model.data import seq_data_iter_sequential
from engine.text import corpus_ids, time_machine_corpus

TM = Path(__file__).resolve().parents[1] / "../shared/data/timemachine.txt"
# model key → (cell, hidden units, the book's section, the perplexity the book prints after 500 epochs)
MODELS = {"rnn": ("rnn", 256, "8.6", 1.3), "rnn512": ("rnn", 512, "8.5", 1.0),
          "gru": ("gru", 256, "9.1", 1.0), "lstm": ("lstm", 256, "9.2", 1.0)}


def run():
    if not TM.exists():
        yield {"name": "language_model_book", "skipped": f"{TM} not found"}
        return
    models = [m for m in os.environ.get("LM_BOOK_MODELS", "rnn,gru,lstm").split(",") if m]
    epochs = int(os.environ.get("LM_BOOK_EPOCHS", 500))
    setting = {k: C.BOOK_RUN[k] for k in ("batch_size", "num_steps", "lr", "theta", "max_tokens")}
    book_iter, book_vocab = B.load_data_time_machine(str(TM), setting["batch_size"], setting["num_steps"],
                                                     max_tokens=setting["max_tokens"])
    corpus = time_machine_corpus(TM.read_text(encoding="utf-8"))
    ids, vocab = corpus_ids(corpus, "char", 0, setting["max_tokens"] + C.MAX_HELDOUT_TOKENS)
    train_ids = torch.tensor(C.split_ids(ids, setting["max_tokens"])[0])
    assert train_ids.tolist() == book_iter.corpus and vocab.idx_to_token == book_vocab.idx_to_token
    with intra_op_threads(1):
        for key in models:
            kind, hiddens, section, book_ppl = MODELS[key]
            torch.manual_seed(0)
            ours = L.RNNModel(len(vocab), hiddens, kind)
            ours_updater, loss = L.SGD(ours.parameters(), setting["lr"]), nn.CrossEntropyLoss()
            gen = torch.Generator().manual_seed(0)
            random.seed(0)
            torch.manual_seed(0)
            book = B.book_model(kind, len(book_vocab), hiddens)
            book_updater = torch.optim.SGD(book.parameters(), setting["lr"])
            by_epoch, seconds, bad = [], [0.0, 0.0], None
            for e in range(1, epochs + 1):
                t = time.perf_counter()
                it = seq_data_iter_sequential(train_ids, setting["batch_size"], setting["num_steps"], gen)
                ppl, _, _, bad, _ = L.train_epoch_ch8(ours, it, loss, ours_updater, "cpu", False, setting["theta"])
                seconds[0] += time.perf_counter() - t
                t = time.perf_counter()
                book_ppl_now, _ = B.train_epoch_ch8(book, book_iter, loss, book_updater, "cpu", False)
                seconds[1] += time.perf_counter() - t
                if e % 25 == 0 or e == epochs or bad is not None:
                    by_epoch.append((e, round(ppl, 3), round(book_ppl_now, 3)))
                    print(f"# {key} epoch {e}: perplexity {ppl:.3f} (book's loop {book_ppl_now:.3f}), "
                          f"{seconds[0]:.0f} s / {seconds[1]:.0f} s", flush=True)
                if bad is not None:
                    break
            yield {"name": f"language_model_book.{key}", "section": section, "num_hiddens": hiddens, "epochs": e,
                   "perplexity": round(ppl, 3), "reference_perplexity": round(book_ppl_now, 3),
                   "book_perplexity": book_ppl, "seconds": round(seconds[0], 1),
                   "reference_seconds": round(seconds[1], 1),
                   "perplexity_every_25_epochs_ours_book": by_epoch,
                   "sample": _predict("time traveller", 50, ours, vocab),
                   "reference_sample": _predict("time traveller", 50, book, book_vocab),
                   "book_setting": {**setting, "num_hiddens": hiddens, "num_epochs": epochs},
                   "num_train_tokens": len(train_ids), "vocab_size": len(vocab), "torch_threads": 1}
    # the lesson's own run with the book's settings (the page's preset), under the app's work budget
    for key in models:
        kind, hiddens, _, book_ppl = MODELS[key]
        if hiddens != C.BOOK_RUN["num_hiddens"]:
            continue
        t = time.perf_counter()
        r = L.run(L.Settings(**{**C.BOOK_RUN, "model": kind, "text_corpus": corpus}), seed=0)
        yield {"name": f"language_model_book.{key}.lesson_run_in_budget", "seconds": round(time.perf_counter() - t, 2),
               "stop_reason": r.stop_reason, "epochs": round(float(r.epochs["epoch"].iloc[-1]), 2),
               "minibatches": len(r.batches), "train_perplexity": round(r.final_train_ppl, 3),
               "heldout_perplexity": round(r.final_heldout_ppl, 3), "book_perplexity": book_ppl,
               "num_train_tokens": r.num_train_tokens, "num_heldout_tokens": r.num_heldout_tokens}


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
