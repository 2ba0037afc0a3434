"""A feature tower whose hidden layers are appended to an nn.ModuleList in a loop, and a critic
that fills its list with extend() and initializes it itself."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FeatureTower(nn.Module):
    def __init__(self, in_dim=32, hidden=(128, 128, 64), n_out=8):
        super().__init__()
        self.hidden = nn.ModuleList()
        d = in_dim
        for h in hidden:
            self.hidden.append(nn.Linear(d, h))
            d = h
        self.readout = nn.Linear(d, n_out)

    def forward(self, x):
        for layer in self.hidden:
            x = F.relu(layer(x))
        return self.readout(x)


class Critic(nn.Module):
    def __init__(self, obs_dim=16, width=64, depth=2):
        super().__init__()
        self.trunk = nn.ModuleList([nn.Linear(obs_dim, width)])
        self.trunk.extend([nn.Linear(width, width) for _ in range(depth)])
        for m in self.trunk.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        self.value = nn.Linear(width, 1)

    def forward(self, obs):
        h = obs
        for layer in self.trunk:
            h = F.relu(layer(h))
        return self.value(h)
