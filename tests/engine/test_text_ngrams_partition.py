"""The long tail of n-grams, Laplace smoothing (d2l-en §9.3.1.3, d2l-zh 8.3.1) and reading a long text
in minibatches (d2l-en §9.3.3, d2l-zh 8.3.4) on the text-and-vocabulary page."""
import collections
import random
import shutil
from pathlib import Path

import pytest
import torch

import engine.text as T
from engine import settings as S

TM_PATH = Path(__file__).resolve().parents[2] / "../shared/data/timemachine.txt"


# ---- the book's iterators, verbatim (d2l-zh 8.3.4, PyTorch tab), for comparison ----
def book_seq_data_iter_random(corpus, batch_size, num_steps):
    corpus = corpus[random.randint(0, num_steps - 1):]
    num_subseqs = (len(corpus) - 1) // num_steps
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(initial_indices)

    def data(pos):
        return corpus[pos: pos + num_steps]
    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        initial_indices_per_batch = initial_indices[i: i + batch_size]
        X = [data(j) for j in initial_indices_per_batch]
        Y = [data(j + 1) for j in initial_indices_per_batch]
        yield torch.tensor(X), torch.tensor(Y)


def book_seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


def offset_of(batches) -> int:
    return min(int(X.min()) for X, _ in batches)


def seeds_by_offset(strategy, n=35, b=2, t=5):
    """A seed of ours for every offset the iterator can start from (found by trying seeds)."""
    found = {}
    for seed in range(300):
        batches = T.minibatches(strategy, n, b, t, seed)
        if strategy == "sequential":
            found.setdefault(offset_of(batches), seed)
        else:
            found.setdefault(offset_of(batches) % t, seed)      # random: the smallest start is offset + k·t
    return found


def test_sequential_matches_the_book_on_its_example_for_every_offset(monkeypatch):
    """my_seq = list(range(35)), batch_size=2, num_steps=5 (the book's example)."""
    my_seq = list(range(35))
    seeds = seeds_by_offset("sequential")
    assert set(seeds) == set(range(6))                              # random.randint(0, num_steps): 0…5
    for offset, seed in seeds.items():
        monkeypatch.setattr(random, "randint", lambda lo, hi, o=offset: o)
        book = list(book_seq_data_iter_sequential(my_seq, batch_size=2, num_steps=5))
        ours = T.minibatches("sequential", 35, 2, 5, seed)
        assert len(ours) == len(book)
        assert all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) for a, b in zip(ours, book))
    # offset 0, by hand: the two rows start at 0 and 17 (the 34 usable tokens in 2 rows of 17)
    ours = T.minibatches("sequential", 35, 2, 5, seeds[0])
    assert [X.tolist() for X, _ in ours] == [[[0, 1, 2, 3, 4], [17, 18, 19, 20, 21]],
                                             [[5, 6, 7, 8, 9], [22, 23, 24, 25, 26]],
                                             [[10, 11, 12, 13, 14], [27, 28, 29, 30, 31]]]
    assert [Y.tolist()[0] for _, Y in ours] == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15]]


def test_random_sampling_matches_the_book_up_to_its_shuffle(monkeypatch):
    """Same offset → the same ⌊(35 − 1)/5⌋ = 6 subsequences (one dropped by the offset when it is > 0)
    in 3 minibatches of 2; only the order (the shuffle's random numbers) differs."""
    my_seq = list(range(35))
    seeds = seeds_by_offset("random")
    assert set(seeds) == set(range(5))                              # random.randint(0, num_steps - 1)
    for offset, seed in seeds.items():
        monkeypatch.setattr(random, "randint", lambda lo, hi, o=offset: o)
        book = list(book_seq_data_iter_random(my_seq, batch_size=2, num_steps=5))
        ours = T.minibatches("random", 35, 2, 5, seed)
        rows = lambda bs: sorted((tuple(x), tuple(y)) for X, Y in bs for x, y in zip(X.tolist(), Y.tolist()))
        assert rows(ours) == rows(book)
        assert len(ours) == len(book) == 3 and all(X.shape == (2, 5) for X, _ in ours)
    assert len(rows(T.minibatches("random", 35, 2, 5, seeds[0]))) == 6


@pytest.mark.parametrize("b,t,n", [(2, 5, 35), (3, 4, 100), (1, 7, 60), (8, 12, 200)])
def test_sequential_minibatches_are_contiguous_across_batches(b, t, n):
    for seed in range(5):
        batches = T.minibatches("sequential", n, b, t, seed)
        assert len(batches) >= 1 and T.sequential_is_contiguous(batches)
        random_batches = T.minibatches("random", n, b, t, seed)
        assert all(torch.equal(Y, X + 1) for X, Y in random_batches)
    # the check can fail: random sampling's rows are not continued by the next minibatch
    assert not all(T.sequential_is_contiguous(T.minibatches("random", 100, 3, 4, s)) for s in range(5))


def test_partition_frame():
    p = T.Partition()
    df = T.partition_frame(p, seed=0)
    for strategy, part in df.groupby("strategy"):
        assert part["position"].is_unique and part["position"].between(0, 33).all()
        assert (part.groupby("batch").size() == p.batch_size * p.num_steps).all()
    assert set(df["strategy"]) == {"random", "sequential"}
    assert T.partition_frame(T.Partition(batch_size=8, num_steps=12), 0, 20).empty      # too short: no minibatch
    for name, bound in S.bounds(T.Partition).items():
        assert bound.lo <= getattr(p, name) <= bound.hi
    out = T.book_printout(T.minibatches("sequential", 35, 2, 5, 0), list("abcdefghijklmnopqrstuvwxyz0123456789"))
    assert out.startswith("X: [[") and "→" in out


def test_singletons():
    counts = collections.Counter("abracadabra").most_common()        # a5 b2 r2 c1 d1
    assert T.singletons([((k,), c) for k, c in counts]) == (2 / 5, 2 / 11)
    assert T.singletons([]) == (0.0, 0.0)


@pytest.mark.skipif(not TM_PATH.exists(), reason="../shared/data/timemachine.txt is not here")
def test_the_time_machine_has_the_books_long_tail():
    """Words of The Time Machine: most bigrams and trigrams occur once, more so than unigrams."""
    a = T.analyse(T.load_time_machine(path=TM_PATH), T.Settings(token="word"))
    s1, s2, s3 = (T.singletons(a.ngram_counts[n])[0] for n in (1, 2, 3))
    assert 0.4 < s1 < s2 < s3 and s3 > 0.9
    assert len(a.ngram_counts[2]) / len(a.ngram_counts[1]) ** 2 < 0.01


def tiny():
    tokens = list("abacabad")          # bigrams ab ba ac ca ab ba ad
    return collections.Counter(tokens), collections.Counter(zip(tokens[:-1], tokens[1:]))


def test_laplace_unigram_is_the_books_formula():
    uni, _ = tiny()                    # n = 8, m = 4
    for eps in (0.0, 1.0, 7.5):
        p = T.laplace_unigram(uni, eps)
        assert p["a"] == pytest.approx((4 + eps / 4) / (8 + eps)) and sum(p.values()) == pytest.approx(1)
    assert T.laplace_unigram(uni, 1e9)["d"] == pytest.approx(1 / 4)          # ε → ∞: uniform 1/m


def test_laplace_bigram_zero_count_and_smoothing():
    uni, bi = tiny()
    plain = T.laplace_bigram(bi, uni, "a", 0.0)
    # 'a' is followed by b, c, b, d: n(a) = 4 with ab 2, ac 1, ad 1, and "aa" never
    assert plain == pytest.approx({"a": 0.0, "b": 2 / 4, "c": 1 / 4, "d": 1 / 4})
    assert plain["a"] == 0                                                # "aa" never seen: probability 0
    eps = 2.0
    p1 = T.laplace_unigram(uni, eps)
    smooth = T.laplace_bigram(bi, uni, "a", eps)
    assert smooth["a"] == pytest.approx(eps * p1["a"] / (4 + eps)) and smooth["a"] > 0
    assert smooth["b"] == pytest.approx((2 + eps * p1["b"]) / (4 + eps))
    assert sum(smooth.values()) == pytest.approx(1) and sum(plain.values()) == pytest.approx(1)
    far = T.laplace_bigram(bi, uni, "a", 1e9)
    assert far == pytest.approx(T.laplace_unigram(uni, 1e9), rel=1e-6)      # ε → ∞: the context stops mattering
    with pytest.raises(ValueError):
        T.laplace_bigram(bi, uni, "d", 0.0)                                  # 'd' ends the text: 0/0


def test_smoothed_bigram_table():
    a = T.analyse(T.Corpus("t", "abacabad"), T.Settings())
    ctx = T.pick_context(a.ngram_counts[1], 1)
    assert ctx == "a"
    sb = T.smoothed_bigram(a.ngram_counts[1], a.ngram_counts[2], ctx, 1.0)
    assert (sb.n_context, sb.vocab_size, sb.num_seen, sb.example_unseen) == (4, 4, 3, "a")
    assert sb.table["p_smoothed"].sum() == pytest.approx(1) and sb.table["p_count"].sum() == pytest.approx(1)
    assert sb.unseen_mass == pytest.approx(T.laplace_bigram(dict(a.ngram_counts[2]), {t: c for (t,), c in a.ngram_counts[1]}, "a", 1.0)["a"])
    assert T.smoothed_bigram(a.ngram_counts[1], a.ngram_counts[2], ctx, 0.0).unseen_mass == 0
    assert T.pick_context([((" ",), 9), (("x",), 3)], 1) == "x"                  # white space skipped
    assert T.pick_context([((" ",), 9), (("x",), 3)], 50) == "x"                 # capped at the last one
    with pytest.raises(ValueError):
        T.Smoothing(eps=-1.0)


def test_time_machine_cached(tmp_path):
    assert not T.time_machine_cached(tmp_path)
    (tmp_path / "timemachine.txt").write_text("not the book")
    assert not T.time_machine_cached(tmp_path)                              # wrong checksum
    if TM_PATH.exists():
        shutil.copy(TM_PATH, tmp_path / "timemachine.txt")                  # a temporary cache, not the repo
        assert T.time_machine_cached(tmp_path)
