import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, use_proj=False, d=64):
        super().__init__()
        self.fc = nn.Linear(d, d)
        if use_proj:
            self.proj = nn.Linear(d, d)
        else:
            self.proj = None
        self.out = nn.Linear(d, 1)

    def forward(self, x):
        x = F.relu(self.fc(x))
        if self.proj is not None:
            x = F.relu(self.proj(x))
        return self.out(x)


class Net2(nn.Module):
    def __init__(self, hidden=None):
        super().__init__()
        if hidden:
            self.fc = nn.Linear(32, hidden)
            self.out = nn.Linear(hidden, 1)
        else:
            self.fc = nn.Identity()
            self.out = nn.Linear(32, 1)

    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
