"""The multilayer perceptron itself (d2l §5.1–5.2, §3.7, §5.6), shared by the image lesson and
the 2-D playground: activations as modules, the book's dropout with its own random generator,
the model builder, and SGD with weight decay on the weights only (§3.7.3)."""
from __future__ import annotations

import torch
from torch import nn

ACTIVATION_MODULES = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "linear": nn.Identity,          # no nonlinearity: the whole stack collapses to one affine map
}


def dropout_layer(X: torch.Tensor, dropout: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """d2l §5.6.2 (d2l-zh 4.6.4) ``dropout_layer``: zero each element with probability ``dropout`` and
    scale the kept ones by 1/(1 − p), so E[dropout_layer(X)] = X. The book draws from torch's global
    generator; here ``generator`` can be given, so that runs in parallel threads reproduce."""
    assert 0 <= dropout <= 1
    if dropout == 1:                # every element dropped
        return torch.zeros_like(X)
    if dropout == 0:                # every element kept
        return X
    mask = (torch.rand(X.shape, generator=generator, device=X.device) > dropout).float()
    return mask * X / (1.0 - dropout)


class Dropout(nn.Module):
    """d2l §5.6's ``dropout_layer`` as a module: keep each unit with probability 1 − p and
    scale it by 1/(1 − p), so the expectation is unchanged. In ``eval()`` it is the identity.
    It draws from its own generator (not the global one), so concurrent runs reproduce."""

    def __init__(self, dropout: float, generator: torch.Generator | None = None):
        super().__init__()
        assert 0 <= dropout <= 1
        self.dropout, self.generator = dropout, generator

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return X
        return dropout_layer(X, self.dropout, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.dropout}"


def mlp(num_inputs: int, num_outputs: int, num_layers: int, num_hiddens: int,
        activation: str = "relu", dropout: float | tuple[float, ...] = 0.0,
        generator: torch.Generator | None = None) -> nn.Sequential:
    """Flatten → [Linear → activation → Dropout] × num_layers → Linear. ``dropout``: one p for every hidden
    layer, or one per layer (the book's 0.2 then 0.5, d2l §5.6); a layer with p = 0 has no Dropout.
    ``num_layers = 0`` is softmax (or logistic) regression: one ``nn.Linear``.
    Weights start Xavier-uniform (d2l §5.4.2), biases at zero, drawn from ``generator``."""
    layers: list[nn.Module] = [nn.Flatten()]
    d = num_inputs
    drops = tuple(dropout) if isinstance(dropout, (tuple, list)) else (dropout,) * num_layers
    for p in drops[:num_layers]:
        layers += [nn.Linear(d, num_hiddens), ACTIVATION_MODULES[activation]()]
        if p > 0:
            layers.append(Dropout(p, generator))
        d = num_hiddens
    layers.append(nn.Linear(d, num_outputs))
    net = nn.Sequential(*layers)
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight, generator=generator)
                m.bias.zero_()
    return net


def num_params(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def sgd_with_weight_decay(net: nn.Module, lr: float, weight_decay: float) -> torch.optim.SGD:
    """d2l §3.7.3: decay the weights, not the biases. ``weight_decay = λ`` adds λ·w to each
    weight's gradient, the gradient of the penalty (λ/2)‖w‖²."""
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if not n.endswith("weight")]
    return torch.optim.SGD([{"params": weights, "weight_decay": weight_decay},
                            {"params": biases, "weight_decay": 0.0}], lr=lr)


def l2_penalty(net: nn.Module) -> torch.Tensor:
    """d2l §3.7.3: ½‖w‖² summed over every weight matrix (biases excluded)."""
    return sum((p ** 2).sum() / 2 for n, p in net.named_parameters() if n.endswith("weight"))


