import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, d_in=256, d_hidden=256, d_latent=32):
        super().__init__()
        self.proj = nn.Linear(d_in, d_hidden)
        self.act1 = nn.SiLU()
        self.mid = nn.Linear(d_hidden, d_hidden)
        self.act2 = nn.Mish()
        self.gate = nn.Linear(d_hidden, d_hidden)
        self.act3 = nn.GELU()
        self.legacy = nn.Linear(d_hidden, d_hidden)  # initlens: ignore[IL001]
        self.to_latent = nn.Linear(d_hidden, d_latent)

        nn.init.kaiming_uniform_(self.mid.weight, nonlinearity="relu")
        nn.init.xavier_uniform_(self.gate.weight)

    def forward(self, x):
        x = self.act1(self.proj(x))
        x = self.act2(self.mid(x))
        x = self.act3(self.gate(x))
        x = torch.relu(self.legacy(x))
        return self.to_latent(x)
