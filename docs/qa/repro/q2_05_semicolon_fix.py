import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, proj=True):
        super().__init__()
        self.fc = nn.Linear(64, 64); self.out = nn.Linear(64, 1)
        if proj: self.proj = nn.Linear(64, 64)

    def forward(self, x):
        x = F.relu(self.fc(x))
        x = F.relu(self.proj(x))
        return self.out(x)


def make():
    net = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1)); return net
