"""LeNet's training forward with two of its layer pairs computed together (what a student trains is the
book's network, layer for layer; only the arithmetic is arranged for a CPU):

- an activation and the 2×2, stride-2 pooling after it, as one autograd function: sigmoid and average
  pooling keep the sigmoid's output once and spread the gradient back without ``avg_pool2d_backward``;
  ReLU and max pooling find the maxima with elementwise ``maximum`` instead of torch's CPU
  ``max_pool2d`` forward. At LeNet's 6 and 16 channels, those two torch kernels cost as much as the
  convolution before them (the max pooling five times as much);
- a convolution whose weight gradient is itself computed as a forward convolution (the input's channels
  as the batch, the output gradient as the kernel), which oneDNN runs faster than its backward-weights
  kernel at LeNet's second layer (6→16 channels, 5×5, on 14×14).

Same sums in another order: the numbers agree with ``net(X)`` and its gradients to float32 rounding
(max pooling bit for bit; ``tests/engine/test_vision_fused.py``), and the same settings and seed give the
same numbers every time. Together 1.2–1.3× a training step; ``python -m benchmarks vision`` measures it
against the book's loop."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

_conv_backward = torch.ops.aten.convolution_backward


class _ConvWeightByConv(torch.autograd.Function):
    """``F.conv2d(x, w, b, padding=p)`` (stride 1, no dilation, one group)."""

    @staticmethod
    def forward(ctx, x, w, b, padding):
        ctx.save_for_backward(x, w)
        ctx.padding = padding
        return F.conv2d(x, w, b, padding=padding)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        p = ctx.padding
        gx = None
        if ctx.needs_input_grad[0]:
            gx = _conv_backward(g, x, w, None, [1, 1], [p, p], [1, 1], False, [0, 0], 1, [True, False, False])[0]
        # dL/dw[o, c] = Σ_n x[n, c] ⋆ g[n, o]: a convolution of x's channels by g's, the batch summed as channels
        gw = F.conv2d(x.transpose(0, 1), g.transpose(0, 1), padding=p).transpose(0, 1)
        gb = g.sum((0, 2, 3)) if ctx.needs_input_grad[2] else None
        return gx, gw, gb, None


def _blocks(s: torch.Tensor) -> torch.Tensor:
    n, c, h, w = s.shape
    return s.view(n, c, h // 2, 2, w // 2, 2)


class _SigmoidAvgPool(torch.autograd.Function):
    """``avg_pool2d(sigmoid(x), 2)`` for even heights and widths."""

    @staticmethod
    def forward(ctx, x):
        s = torch.sigmoid(x)
        ctx.save_for_backward(s)
        v = _blocks(s)
        rows = v[:, :, :, 0] + v[:, :, :, 1]
        return (rows[..., 0] + rows[..., 1]).mul_(0.25)

    @staticmethod
    def backward(ctx, g):
        s, = ctx.saved_tensors
        n, c, h, w = s.shape
        # each window's gradient ÷ 4 to its four pixels, by a product with a 0/¼ matrix: a row of windows
        # gives the two image rows under it, which lie next to each other in memory (a strided expand-and-copy
        # costs twice as much here). (An infinite gradient would turn the zeros into NaN: it only comes after a
        # non-finite loss, where training stops anyway.)
        spread = g.reshape(-1, w // 2) @ _quarter_pairs(w, g)
        return torch.ops.aten.sigmoid_backward(spread.view(n, c, h, w), s)


def _quarter_pairs(w: int, like: torch.Tensor) -> torch.Tensor:
    """The (w/2)×2w matrix that sends column j to columns 2j and 2j+1 of two rows of width w, times ¼."""
    E = torch.zeros(w // 2, 2, w, dtype=like.dtype, device=like.device)
    j = torch.arange(w // 2, device=like.device)
    E[j, :, 2 * j] = E[j, :, 2 * j + 1] = 0.25
    return E.view(w // 2, 2 * w)


class _ReluMaxPool(torch.autograd.Function):
    """``max_pool2d(relu(x), 2)`` for even heights and widths. torch's CPU ``max_pool2d`` forward spends
    about 20 ns an output on LeNet's maps (more than the convolution before it); elementwise maxima of
    the windows' columns, then rows, find the same maxima and the index of the first one in
    ``max_pool2d``'s order (row by row, left to right), which its own backward then uses. The ReLU
    passes the gradient where the maximum is positive."""

    @staticmethod
    def forward(ctx, x):
        n, c, h, w = x.shape
        v = _blocks(x)
        left, right = v[..., 0], v[..., 1]
        q = torch.maximum(left, right)                    # each row's pair: (n, c, h/2, 2, w/2)
        top, bottom = q[:, :, :, 0], q[:, :, :, 1]
        m = torch.maximum(top, bottom)                    # the window's maximum
        right_wins = left < right
        down = top < bottom
        col = right_wins[:, :, :, 0] ^ (down & (right_wins[:, :, :, 0] ^ right_wins[:, :, :, 1]))  # the row's
        corner = (torch.arange(0, h, 2).view(-1, 1) * w + torch.arange(0, w, 2)).to(x.device)
        index = (down.to(torch.int64) * w).add_(corner).add_(col)
        ctx.save_for_backward(x, index, m > 0)
        return m.clamp_min(0)

    @staticmethod
    def backward(ctx, g):
        x, index, positive = ctx.saved_tensors
        return torch.ops.aten.max_pool2d_with_indices_backward(g * positive, x, [2, 2], [2, 2], [0, 0], [1, 1],
                                                               False, index)


def _pair(act: nn.Module, pool: nn.Module):
    """The fused function for an activation followed by a 2×2, stride-2 pooling, or None."""
    if getattr(pool, "kernel_size", None) not in (2, (2, 2)) or getattr(pool, "stride", None) not in (2, (2, 2)) \
            or getattr(pool, "padding", 1) not in (0, (0, 0)):
        return None
    if isinstance(act, nn.Sigmoid) and isinstance(pool, nn.AvgPool2d) and not pool.ceil_mode \
            and pool.divisor_override is None:
        return _SigmoidAvgPool.apply
    if isinstance(act, nn.ReLU) and isinstance(pool, nn.MaxPool2d) and not pool.ceil_mode and pool.dilation in (1, (1, 1)):
        return _ReluMaxPool.apply
    return None


def _conv_fn(conv: nn.Conv2d, weight_by_conv: bool):
    plain = conv.stride == (1, 1) and conv.dilation == (1, 1) and conv.groups == 1 and \
        conv.padding_mode == "zeros" and isinstance(conv.padding, tuple) and conv.padding[0] == conv.padding[1]
    if plain and weight_by_conv:
        return lambda x: _ConvWeightByConv.apply(x, conv.weight, conv.bias, conv.padding[0])
    return conv


def lenet_forward(net: nn.Sequential):
    """A function computing ``net(X)`` for d2l's LeNet (either variant) with the fused pairs above, or
    ``net`` itself when the network is not laid out as LeNet (conv, act, pool, conv, act, pool, …).
    A map of odd size (not LeNet's 28 and 10) goes through the layers themselves."""
    layers = list(net)
    if len(layers) < 7 or not all(isinstance(layers[i], nn.Conv2d) for i in (0, 3)):
        return net
    pairs = [_pair(layers[1], layers[2]), _pair(layers[4], layers[5])]
    if None in pairs:
        return net
    # the first convolution reads the images (no input gradient); the second's weight gradient by forward convolution
    convs = [_conv_fn(layers[0], False), _conv_fn(layers[3], True)]
    rest = nn.Sequential(*layers[6:])

    def forward(X: torch.Tensor) -> torch.Tensor:
        h = X
        for i, (conv, pair) in enumerate(zip(convs, pairs)):
            h = conv(h)
            h = layers[3 * i + 2](layers[3 * i + 1](h)) if h.shape[-1] % 2 or h.shape[-2] % 2 else pair(h)
        return rest(h)
    return forward
