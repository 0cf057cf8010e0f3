"""The book's convolutional networks and what the pages read off them: LeNet (d2l §7.6), AlexNet
(§8.1) and NiN (§8.3) as ``nn.Sequential`` with the book's layers, each layer's output shape,
parameters and multiply-adds (the book's printed shape tables), every layer's feature maps for one
image, and the window of the input that a unit reads (its receptive field, d2l §7.2.6)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from engine.mlp.net import Dropout


def lenet(variant: str = "book") -> nn.Sequential:
    """d2l §7.6.1's LeNet-5: ``book`` as printed (sigmoid, average pooling); ``modern`` swaps in
    ReLU and max pooling (the book's exercise), nothing else."""
    act, pool = (nn.Sigmoid, nn.AvgPool2d) if variant == "book" else (nn.ReLU, nn.MaxPool2d)
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), act(),
        pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), act(),
        pool(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), act(),
        nn.Linear(120, 84), act(),
        nn.Linear(84, 10))


def _after(n: int, k: int, s: int, p: int) -> int:
    return (n - k + 2 * p + s) // s


def alexnet_features_size(input_size: int) -> int:
    """The height (= width) of AlexNet's last pooling output for a square input."""
    n = _after(input_size, 11, 4, 1)
    n = _after(n, 3, 2, 0)
    n = _after(n, 3, 2, 0)          # the 5×5 convolution with padding 2 keeps the size
    return _after(n, 3, 2, 0)       # the three 3×3 convolutions with padding 1 keep it


def alexnet(channels=(96, 256, 384, 384, 256), dense: int = 4096, dropout: float = 0.5, input_size: int = 224,
            num_classes: int = 10, generator: torch.Generator | None = None) -> nn.Sequential:
    """d2l §8.1.2's AlexNet for one input channel (Fashion-MNIST); ``channels``, ``dense`` and
    ``input_size`` scale it down (the book's: 96-256-384-384-256, 4096, 224). Dropout is
    ``engine.mlp``'s, with its own generator (runs reproduce)."""
    c1, c2, c3, c4, c5 = channels
    n = alexnet_features_size(input_size)
    if n < 1:
        raise ValueError(f"AlexNet needs an input of at least 67×67 pixels, not {input_size}")
    return nn.Sequential(
        nn.Conv2d(1, c1, kernel_size=11, stride=4, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(c1, c2, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(c2, c3, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(c3, c4, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(c4, c5, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.Linear(c5 * n * n, dense), nn.ReLU(),
        Dropout(dropout, generator),
        nn.Linear(dense, dense), nn.ReLU(),
        Dropout(dropout, generator),
        nn.Linear(dense, num_classes))


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    """d2l §8.3.1: one ordinary convolution, then two 1×1 convolutions (a per-pixel MLP)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(channels=(96, 256, 384), dropout: float = 0.5, num_classes: int = 10,
        generator: torch.Generator | None = None) -> nn.Sequential:
    """d2l §8.3.2's NiN: no dense layer; the last block has one channel per class and global
    average pooling turns each channel into that class's score."""
    c1, c2, c3 = channels
    return nn.Sequential(
        nin_block(1, c1, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(c1, c2, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(c2, c3, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        Dropout(dropout, generator),
        nin_block(c3, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())


def init_ch6(net: nn.Module, generator: torch.Generator) -> nn.Module:
    """d2l §7.6.2 ``train_ch6``'s ``init_weights``: Xavier-uniform weights for every Linear and
    Conv2d. The biases keep torch's default, U(−1/√fan_in, 1/√fan_in), drawn here from the same
    seeded generator (torch draws them from the global one)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(m.weight, generator=generator)
                if m.bias is not None:
                    fan_in = m.weight[0].numel()
                    bound = 1 / math.sqrt(fan_in)
                    m.bias.uniform_(-bound, bound, generator=generator)
    return net


def init_kaiming(net: nn.Module, generator: torch.Generator) -> nn.Module:
    """He et al. (2015)'s initialisation for ReLU networks: Kaiming-uniform weights, U(±√(6/fan_in)),
    and zero biases. Xavier's U(±√(6/(fan_in + fan_out))) keeps a layer's variance for a linear (or
    sigmoid-like) unit; a ReLU halves it, so in the scaled AlexNet (channels ÷ 8, 72×72) the last hidden
    layer's outputs start ≈ 10× smaller under Xavier (std ≈ 0.05 against ≈ 0.5–0.9 on the digits) and
    so do the gradients of the layers before; torch's default biases, U(±1/√fan_in), then outweigh the
    signal, and units of NiN's last 10-channel block can start at 0 for every image (9 of the 10 class
    scores with seed 0), so their classes get no gradient."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu", generator=generator)
                if m.bias is not None:
                    m.bias.zero_()
    return net


INITS = {"xavier": init_ch6, "kaiming": init_kaiming}


# ---- what the pages read off a network ------------------------------------------------------------

def leaves(net: nn.Module) -> list[tuple[str, nn.Module]]:
    """The layers in order, NiN's blocks opened: ('3.0', Conv2d), …"""
    return [(n, m) for n, m in net.named_modules() if not list(m.children())]


def layer_table(net: nn.Module, input_shape: tuple[int, int, int]) -> pd.DataFrame:
    """d2l's shape printout (``for layer in net: X = layer(X); print(...)``) with the parameters and
    multiply-adds of each layer, for one example. Run on the 'meta' device: no memory, no arithmetic,
    so the book's 46-million-parameter AlexNet costs nothing to describe."""
    rows = []
    with torch.device("meta"):
        X = torch.empty((1, *input_shape))
    for name, layer in leaves(net):
        params = sum(p.numel() for p in layer.parameters())
        meta = _meta_copy(layer)
        X = meta(X)
        out = tuple(X.shape[1:])
        if isinstance(layer, nn.Conv2d):
            macs = math.prod(out) * layer.in_channels // layer.groups * math.prod(layer.kernel_size)
        elif isinstance(layer, nn.Linear):
            macs = layer.in_features * layer.out_features
        else:
            macs = 0
        rows.append((name, type(layer).__name__, "×".join(map(str, out)), params, macs))
    return pd.DataFrame(rows, columns=["layer", "type", "output", "params", "macs"])


def _meta_copy(layer: nn.Module) -> nn.Module:
    """A layer of the same kind and sizes on the meta device (weights not copied)."""
    if isinstance(layer, nn.Conv2d):
        with torch.device("meta"):
            return nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                             groups=layer.groups, bias=layer.bias is not None)
    if isinstance(layer, nn.Linear):
        with torch.device("meta"):
            return nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None)
    if isinstance(layer, Dropout):
        return nn.Identity()
    return layer


def forward_macs(net: nn.Module, input_shape) -> int:
    return int(layer_table(net, input_shape)["macs"].sum())


@dataclass(frozen=True)
class Geometry:
    """How a layer maps positions: kernel, stride, padding (1, 1, 0 for layers that keep them)."""
    k: int = 1
    s: int = 1
    p: int = 0


def geometry(layer: nn.Module) -> Geometry | None:
    """None for layers after which positions are gone (Flatten, Linear, global pooling)."""
    pair = lambda v: v[0] if isinstance(v, tuple) else v
    if isinstance(layer, nn.Conv2d):
        return Geometry(pair(layer.kernel_size), pair(layer.stride), pair(layer.padding))
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        return Geometry(pair(layer.kernel_size), pair(layer.stride or layer.kernel_size), pair(layer.padding))
    if isinstance(layer, (nn.Flatten, nn.Linear, nn.AdaptiveAvgPool2d)):
        return None
    return Geometry()


def receptive_field(net: nn.Module, index: int, i: int, j: int) -> list[tuple[int, int, int, int]] | None:
    """For unit (i, j) of the output of layer ``index`` (in ``leaves`` order): the rows r0..r1 and
    columns c0..c1 it reads in the output of each earlier layer, from ``index − 1`` back to the input
    (the last entry). Positions may lie in the padding (outside 0..n−1). None after Flatten/Linear."""
    layers = [m for _, m in leaves(net)][:index + 1]
    r0 = r1 = i
    c0 = c1 = j
    out = []
    for layer in reversed(layers):
        g = geometry(layer)
        if g is None:
            return None
        r0, r1 = r0 * g.s - g.p, r1 * g.s - g.p + g.k - 1
        c0, c1 = c0 * g.s - g.p, c1 * g.s - g.p + g.k - 1
        out.append((r0, r1, c0, c1))
    return out


def feature_maps(net: nn.Module, x: torch.Tensor) -> list[tuple[str, str, torch.Tensor]]:
    """(name, type, output of one example) for every layer, in eval mode (dropout off)."""
    was = net.training
    net.eval()
    out = []
    with torch.no_grad():
        X = x[None]
        for name, layer in leaves(net):
            X = layer(X)
            out.append((name, type(layer).__name__, X[0].clone()))
    net.train(was)
    return out


def upsample_to(X: torch.Tensor, size: int, box: int | None = None) -> torch.Tensor:
    """Images (N, 1, h, w) to size×size: bilinear resizing to ``box``×``box`` and zero padding around
    it (MNIST centres its digits in a 20×20 box of a 28×28 image); without ``box``, resized to the
    whole size (the book's ``transforms.Resize`` for AlexNet)."""
    box = box or size
    Y = F.interpolate(X, size=(box, box), mode="bilinear", align_corners=False).clamp(0, 1)
    pad = size - box
    return F.pad(Y, (pad // 2, pad - pad // 2, pad // 2, pad - pad // 2)) if pad else Y
