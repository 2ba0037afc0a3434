# initlens: ignore-file[IL001]
# This legacy model keeps PyTorch's default init on purpose (results must match
# the paper's released checkpoints), so IL001 is turned off for the whole file.
import torch
import torch.nn as nn


class PairScorer(nn.Module):
    def __init__(self, dim=128, hidden=256):
        super().__init__()
        self.encoder = nn.LSTM(dim, hidden, batch_first=True)
        self.interact = nn.Bilinear(hidden, hidden, hidden)
        self.mlp = nn.Sequential(
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, a, b):
        _, (ha, _) = self.encoder(a)
        _, (hb, _) = self.encoder(b)
        h = torch.relu(self.interact(ha[-1], hb[-1]))
        return self.mlp(h)
