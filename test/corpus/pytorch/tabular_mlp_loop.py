"""Tabular regression and a small actor network, both built as lists of layers."""
import torch
import torch.nn as nn


class TabularMLP(nn.Module):
    def __init__(self, n_features=64, hidden=(256, 256, 128), dropout=0.1):
        super().__init__()
        layers = []
        d = n_features
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU(), nn.Dropout(dropout)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(-1)


class Actor(nn.Module):
    """Hidden layers He-initialized by a loop over the container, the action head Xavier."""

    def __init__(self, obs_dim=24, act_dim=4, width=256, depth=3):
        super().__init__()
        layers = []
        d = obs_dim
        for _ in range(depth):
            layers += [nn.Linear(d, width), nn.LeakyReLU(0.01)]
            d = width
        layers.append(nn.Linear(d, act_dim))
        self.body = nn.Sequential(*layers)
        for m in self.body.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, a=0.01, nonlinearity="leaky_relu")
                nn.init.zeros_(m.bias)
        nn.init.xavier_uniform_(self.body[-1].weight)

    def forward(self, obs):
        return torch.tanh(self.body(obs))
