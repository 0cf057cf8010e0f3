"""engine.device.threads: the caller's thread count reaches the engine, per OS thread, and a
training's numbers do not depend on it beyond float summation order."""
import threading

import pytest
import torch

from engine import device as dev
from engine.budget import Budget


@pytest.fixture(autouse=True)
def two_threads_before():
    """tests/conftest.py sets one thread for the test session; here the count before a grant is 2 (torch's
    default on a 2-core machine), so that every grant below changes the count and its restoring can fail."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def test_a_grant_overrides_the_lessons_own_count_and_is_restored():
    before = torch.get_num_threads()
    with dev.threads(3):
        assert dev.granted_threads() == 3 and torch.get_num_threads() == 3
        with dev.intra_op_threads(1):               # what every lesson's run says
            assert torch.get_num_threads() == 3     # the caller decides
    assert dev.granted_threads() is None and torch.get_num_threads() == before
    with dev.intra_op_threads(1):                   # no grant: the lesson's own count
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_the_count_is_per_thread_in_this_torch():
    """Two trainings in two threads keep their own counts (torch 2.13, OpenMP backend)."""
    torch.zeros(1) + 1                               # this thread has run an op
    seen, inside, leave = {}, threading.Event(), threading.Event()

    def other():
        torch.zeros(1) + 1
        with dev.threads(2):
            inside.set()
            leave.wait(10)
            seen["other"] = torch.get_num_threads()

    with dev.intra_op_threads(1):
        t = threading.Thread(target=other)
        t.start()
        assert inside.wait(10)
        seen["main"] = torch.get_num_threads()       # the other thread's grant did not reach this one
        leave.set()
        t.join()
    assert seen == {"main": 1, "other": 2}


def _lm(threads: int):
    import engine.language_model as L
    s = L.Settings(num_epochs=2, num_hiddens=32, batch_size=8, max_tokens=4_000)
    seen = set()
    with dev.threads(threads):
        r = L.run(s, seed=0, budget=Budget(max_seconds=1e9), on_step=lambda e: seen.add(torch.get_num_threads()))
    assert seen == {threads}                         # the training ran with the granted count
    return r


def test_language_model_numbers_do_not_depend_on_the_thread_count():
    a, b, c = _lm(1), _lm(2), _lm(2)
    cols = ["train_ppl", "heldout_ppl"]
    assert a.epochs[cols].equals(b.epochs[cols]) and b.epochs[cols].equals(c.epochs[cols])
    assert all(torch.equal(p, q) for p, q in zip(a.net.parameters(), b.net.parameters()))


def test_transformer_same_thread_count_same_numbers_and_close_across_counts():
    """Same seed and thread count: the same numbers. Across counts nn.LayerNorm's weight gradient
    sums per thread, so the numbers may differ in the last bits (the app keys its cache by the
    count, pages/_ui/_run.key_of) — close, not necessarily equal."""
    from engine.transformer import char_lm
    s = char_lm.Settings(num_epochs=1, max_tokens=4_000)
    runs = {}
    for n in (1, 2, 2):
        with dev.threads(n):
            runs.setdefault(n, []).append(char_lm.run(s, seed=0, budget=Budget(max_seconds=1e9)))
    two = runs[2]
    assert two[0].epochs["perplexity"].equals(two[1].epochs["perplexity"])
    p1, p2 = runs[1][0].final_perplexity, two[0].final_perplexity
    assert abs(p1 - p2) / p1 < 0.02


def test_a_lesson_states_the_threads_it_can_use():
    """engine.device.threads_for: one thread per MACS_PER_THREAD of an average op, at most the free ones;
    a training that states nothing gets one."""
    import functools

    import engine.language_model as LM
    from engine.transformer import char_lm
    from engine.vision import lenet, modern
    assert dev.threads_for(lambda s: s, None, 8) == 1                       # states nothing
    assert dev.threads_worth(dev.MACS_PER_THREAD - 1, 8) == 1
    assert dev.threads_worth(3 * dev.MACS_PER_THREAD, 8) == 3
    assert dev.threads_worth(1e12, 2) == 2                                 # never more than the free threads
    assert dev.mean_macs((10, 3), (30, 1)) == 15
    sized = dev.sized_by(lambda s: 3 * dev.MACS_PER_THREAD)(lambda s: s)
    try:
        assert dev.threads_for(sized, None, 8) == 3 and dev.threads_for(functools.partial(sized), None, 2) == 2
    finally:
        dev.SIZED.remove(sized)
    # the book's LSTM: each time step's gates are 32 × (vocabulary + 256) × 4·256 multiply-adds (one-hot input)
    book = LM.book_run("lstm")
    gates = 32 * (len(set(LM.core.default_corpus().text)) + 1 + 256) * 4 * 256
    assert LM.train.macs_per_op(book) == pytest.approx(gates, rel=0.2)
    for fn, s in ((LM.run, book), (char_lm.run, char_lm.Settings()), (lenet.run, lenet.Settings())):
        assert dev.threads_for(fn, s, 2) == 2, fn.__module__                 # big enough for a second thread
    assert dev.threads_for(LM.run, LM.Settings(), 2) == 1                  # the page's 64-unit LSTM: too small
    assert dev.threads_for(modern.run, modern.Settings(), 2) == 1          # the scaled AlexNet/NiN


SPEED_COLUMNS = {"tokens_per_s", "seconds", "images_per_s"}


def _numbers(result):
    """A training's numbers: its curve (without speeds, which vary) and its networks' parameters."""
    df = getattr(result, "epochs", None)
    df = result.history if df is None else df
    df = df[[c for c in df.columns if c not in SPEED_COLUMNS]]
    nets = [result.net] if hasattr(result, "net") else list((getattr(result, "nets", None) or {}).values())
    return df, [p.detach().clone() for n in nets for p in n.parameters()]


def test_a_sized_lesson_gives_the_same_numbers_at_the_same_thread_count():
    """A link must show the same numbers whoever trains its run again: the app keeps a session's thread
    count in its link (pages/_ui/_threads.run_threads), so every training that may take more than one thread
    (engine.device.SIZED) must give the same numbers, to the last bit, at the same count. Each is trained
    twice at 2 threads (and once at 1: it runs there too), in settings where the rule gives it two."""
    import engine.generalization.dropout as D
    import engine.language_model as LM
    import engine.mlp as M
    from engine.transformer import char_lm
    from engine.vision import lenet, modern
    cases = {
        LM.run: [LM.Settings(model="gru", num_hiddens=256, num_epochs=2, max_tokens=4_000),
                 LM.Settings(model="lstm", num_hiddens=256, batch_size=1, num_epochs=1, max_tokens=1_000)],
        char_lm.run: [char_lm.Settings(num_epochs=1, max_tokens=4_000)],
        lenet.run: [lenet.Settings(num_epochs=1)],
        modern.run: [modern.Settings(num_epochs=1)],
        M.run: [M.Settings(num_epochs=2)],
        D.run: [D.Settings(num_epochs=2)],
    }
    assert set(dev.SIZED) == set(cases), "a new sized_by training needs its cases here"
    for fn, settings in cases.items():
        for s in settings:
            runs = []
            for n in (2, 2, 1):
                with dev.threads(n):
                    runs.append(_numbers(fn(s, seed=0, budget=Budget(max_seconds=1e9))))
            (a, pa), (b, pb), (c, _) = runs
            assert len(a) and a.equals(b), (fn.__module__, s)
            assert len(pa) == len(pb) and all(torch.equal(p, q) for p, q in zip(pa, pb)), (fn.__module__, s)
            assert list(c.columns) == list(a.columns) and len(c) == len(a)
