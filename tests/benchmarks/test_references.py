"""The benchmarks' reference loops must see what the lessons see, or their speed ratios mean nothing."""
import torch

from benchmarks.softmax_regression import BookImages, book_loaders
from engine.datasets.images import ImageData, load_image_data


def _eight_bit(n: int, seed: int = 0) -> ImageData:
    g = torch.Generator().manual_seed(seed)
    X = torch.randint(0, 256, (n, 1, 28, 28), generator=g).float() / 255
    y = torch.randint(0, 10, (n,), generator=g)
    return ImageData("synthetic", X, y, X[:8], y[:8], tuple(map(str, range(10))), (28, 28), None)


def test_book_images_are_the_lessons_inputs():
    """PIL + ToTensor per access gives back exactly the 8-bit pictures the lesson trains on."""
    data = _eight_bit(20)
    ds = BookImages(data, data.X_train, data.y_train)
    assert len(ds) == 20
    for i in (0, 7, 19):
        x, y = ds[i]
        assert x.shape == (1, 28, 28) and x.dtype == torch.float32
        assert torch.equal(x.reshape(-1), data.inputs(data.X_train)[i])
        assert y == int(data.y_train[i])


def test_book_images_standardise_the_digits_like_the_lesson():
    data = load_image_data("digits")
    ds = BookImages(data, data.X_test, data.y_test)
    x, _ = ds[3]
    # the digits have 17 grey levels; 8 bits keep them to within half a level of 255
    assert torch.allclose(x.reshape(-1), data.inputs(data.X_test)[3], atol=0.5 / 255 / float(data._pixel_stats[1].min()))


def test_book_loaders_batch_both_ways():
    data = _eight_bit(600)
    for pipeline in ("book", "in_memory"):
        train, test = book_loaders(data, 256, pipeline, workers=0)
        X, y = next(iter(train))
        assert X.shape[0] == 256 and y.shape == (256,)
        assert sum(len(y) for _, y in test) == 8


def test_the_lenet_reference_reads_the_lessons_28x28_images():
    """benchmarks.vision's book data path gives back the images LeNet trains on (the digits resized into
    28×28), to within the 8-bit rounding of a PIL image."""
    from benchmarks.vision import as_28
    from engine.vision.training import images_at
    data = load_image_data("digits")
    d28 = as_28(data)
    ds = BookImages(d28, d28.X_train, d28.y_train)
    X, _ = images_at(data, 28)
    for i in (0, 5, 100):
        x, y = ds[i]
        assert x.shape == (1, 28, 28) and torch.allclose(x, X[i], atol=0.5 / 255 + 1e-6)
        assert y == int(data.y_train[i])


def test_language_model_contenders_train_the_same_minibatches():
    """The lesson's loop as the benchmark times it (budget, Stop poll, records, progress events) gives the
    numbers of the bare ``train_epoch_ch8``; the bare-step floor trains (finite loss) on the same shapes."""
    import math

    from torch import nn

    import engine.language_model as L
    from benchmarks.language_model import BOOK, bare_step, ours
    from engine.language_model.data import seq_data_iter_sequential

    corpus = torch.randint(0, 28, (3 * 32 * 35 + 40,), generator=torch.Generator().manual_seed(1))
    hooked = ours("lstm", corpus, 28, seed=0)
    torch.manual_seed(0)
    net = L.RNNModel(28, BOOK["num_hiddens"], "lstm")
    updater, gen = L.SGD(net.parameters(), BOOK["lr"]), torch.Generator().manual_seed(0)
    for _ in range(2):
        ppl, speed = hooked()
        it = seq_data_iter_sequential(corpus, BOOK["batch_size"], BOOK["num_steps"], gen)
        plain = L.train_epoch_ch8(net, it, nn.CrossEntropyLoss(), updater, "cpu", False, BOOK["theta"])
        assert ppl == plain[0] and speed > 0 and plain[2] == 3
    loss, speed = bare_step("lstm", corpus, 28, seed=0)()
    assert math.isfinite(loss) and speed > 0
