"""Residual MLP for tabular data: block options fixed at construction, He init written out."""
import torch
import torch.nn as nn
import torch.nn.functional as F

USE_BATCHNORM = False


class ResidualBlock(nn.Module):
    def __init__(self, dim, dropout=0.1, activation="relu"):
        super().__init__()
        if USE_BATCHNORM:
            self.norm = nn.BatchNorm1d(dim)
        else:
            self.norm = nn.LayerNorm(dim)
        self.add_module("fc", nn.Linear(dim, dim))
        self.act = nn.ReLU() if activation == "relu" else nn.GELU()
        self.drop = nn.Dropout(dropout)
        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        return x + self.drop(self.act(self.fc(self.norm(x))))


class ResMLP(nn.Module):
    def __init__(self, n_features=32, dim=128, depth=4, n_out=1):
        super().__init__()
        self.stem = nn.Linear(n_features, dim)
        blocks = []
        for _ in range(depth):
            blocks.append(ResidualBlock(dim, dropout=0.1))
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(dim, n_out)
        nn.init.xavier_uniform_(self.stem.weight)
        nn.init.xavier_uniform_(self.head.weight)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))
