"""engine.vision.fused: LeNet's training forward with its activation–pooling pairs fused and the second
convolution's weight gradient taken by a forward convolution. It must be the book's network: the same
outputs and gradients as ``net(X)`` (to float32 rounding; bit for bit where only maxima are taken), the
same routing of max-pooling's gradient when a window holds equal values, and no change to anything
that is not laid out as LeNet."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from engine.vision import fused as Fu
from engine.vision.nets import alexnet, init_ch6, lenet, nin


def _net(variant, seed=0):
    return init_ch6(lenet(variant), torch.Generator().manual_seed(seed))


def _grads(fn, params, X, g):
    return torch.autograd.grad((fn(X) * g).sum(), params)


@pytest.mark.parametrize("variant", ["book", "modern"])
def test_the_fused_forward_is_lenet_with_its_gradients(variant):
    net = _net(variant)
    forward = Fu.lenet_forward(net)
    assert forward is not net
    X = torch.rand(37, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    g = torch.randn(37, 10, generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(forward(X), net(X), rtol=1e-6, atol=1e-6)
    params = list(net.parameters())
    for ours, ref in zip(_grads(forward, params, X, g), _grads(net, params, X, g)):
        torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-6)


def test_relu_max_pool_matches_torch_bit_for_bit_with_ties_and_negative_windows():
    # small integers: many windows hold their maximum twice or more, many are all ≤ 0
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(-2, 3, (8, 3, 6, 10), generator=gen).float()
    g = torch.randn(8, 3, 3, 5, generator=gen)
    a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
    ref = F.max_pool2d(torch.relu(a), 2)
    ours = Fu._ReluMaxPool.apply(b)
    assert torch.equal(ours, ref)
    ref.backward(g)
    ours.backward(g)
    assert torch.equal(b.grad, a.grad)
    assert (a.grad != 0).sum() < x.numel() / 4       # each window sends its gradient to one pixel at most


def test_relu_max_pool_sends_the_gradient_to_the_first_maximum_in_row_order():
    x = torch.tensor([[[[5., 5.], [5., 5.]], [[1., 7.], [7., 7.]]]]).view(1, 2, 2, 2).requires_grad_()
    Fu._ReluMaxPool.apply(x).sum().backward()
    assert x.grad.tolist() == [[[[1., 0.], [0., 0.]], [[0., 1.], [0., 0.]]]]


def test_sigmoid_average_pool_and_its_gradient():
    gen = torch.Generator().manual_seed(3)
    x = (4 * torch.randn(5, 4, 8, 12, generator=gen)).requires_grad_()
    y = x.detach().clone().requires_grad_()
    g = torch.randn(5, 4, 4, 6, generator=gen)
    ref = F.avg_pool2d(torch.sigmoid(x), 2)
    ours = Fu._SigmoidAvgPool.apply(y)
    torch.testing.assert_close(ours, ref, rtol=0, atol=1e-7)
    ref.backward(g)
    ours.backward(g)
    torch.testing.assert_close(y.grad, x.grad, rtol=0, atol=1e-8)


@pytest.mark.parametrize("padding,needs_input", [(0, True), (2, False)])
def test_the_weight_gradient_by_forward_convolution(padding, needs_input):
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(9, 6, 14, 14, generator=gen)
    w = torch.randn(16, 6, 5, 5, generator=gen)
    b = torch.randn(16, generator=gen)
    leaves = [t.clone().requires_grad_() for t in (x, w, b)]
    mine = [t.clone().requires_grad_() for t in (x, w, b)]
    if not needs_input:
        leaves[0].requires_grad_(False)
        mine[0].requires_grad_(False)
    ref = F.conv2d(*leaves, padding=padding)
    ours = Fu._ConvWeightByConv.apply(*mine, padding)
    torch.testing.assert_close(ours, ref)
    g = torch.randn(ref.shape, generator=gen)
    ref.backward(g)
    ours.backward(g)
    for a, r in zip(mine, leaves):
        if r.requires_grad:
            torch.testing.assert_close(a.grad, r.grad, rtol=1e-5, atol=1e-4)
        else:
            assert a.grad is None


def test_other_networks_and_odd_sizes_are_left_as_they_are():
    for net in (alexnet(channels=(8, 8, 8, 8, 8), dense=16, input_size=67), nin(channels=(8, 8, 8)),
                nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sigmoid(), nn.AvgPool2d(3), nn.Conv2d(2, 2, 3), nn.Sigmoid(),
                              nn.AvgPool2d(2), nn.Flatten(), nn.Linear(2, 2))):
        assert Fu.lenet_forward(net) is net
    net = _net("book")                      # a 29×29 input: odd maps go through the layers themselves
    X = torch.rand(3, 1, 29, 29)
    net[7] = nn.Linear(16 * 5 * 5, 120)     # 29 → 29 → 14 → 10 → 5: the same flattened size
    torch.testing.assert_close(Fu.lenet_forward(net)(X), net(X))
