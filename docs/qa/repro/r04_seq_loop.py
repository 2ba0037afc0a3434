import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, in_dim=784, hidden=(512, 256), out_dim=10):
        super().__init__()
        layers = []
        for h in hidden:
            layers += [nn.Linear(in_dim, h), nn.ReLU()]
            in_dim = h
        layers.append(nn.Linear(in_dim, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
