import math
import torch
import torch.nn as nn


def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class NewGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class MLP(nn.Module):
    def __init__(self, d=256):
        super().__init__()
        self.c_fc = nn.Linear(d, 4 * d)
        self.c_fc2 = nn.Linear(4 * d, 4 * d)
        self.act = NewGELU()
        self.c_proj = nn.Linear(4 * d, d)
        nn.init.kaiming_normal_(self.c_fc.weight, nonlinearity="relu")
        nn.init.kaiming_normal_(self.c_fc2.weight, nonlinearity="relu")

    def forward(self, x):
        x = self.act(self.c_fc(x))
        x = gelu(self.c_fc2(x))
        return self.c_proj(x)
