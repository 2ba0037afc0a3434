import torch
import torch.nn as nn
import torch.nn.functional as F


class ResidualMLP(nn.Module):
    """Pre-norm residual MLP with blocks built in a list comprehension."""

    def __init__(self, dim: int = 256, depth: int = 6, n_out: int = 3):
        super().__init__()
        self.norms = nn.ModuleList([nn.LayerNorm(dim) for _ in range(depth)])
        self.blocks = nn.ModuleList([nn.Linear(dim, dim) for _ in range(depth)])
        self.head = nn.Linear(dim, n_out)
        for block in self.blocks:
            nn.init.kaiming_normal_(block.weight, nonlinearity="relu")
            nn.init.zeros_(block.bias)

    def forward(self, x):
        for norm, block in zip(self.norms, self.blocks):
            x = x + F.relu(block(norm(x)))
        return self.head(x)
