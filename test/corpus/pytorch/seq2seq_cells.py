import math

import torch
import torch.nn as nn


class AttnDecoderStep(nn.Module):
    """One decoder step of a Bahdanau-style seq2seq model, written with RNN cells."""

    def __init__(self, vocab_size=8000, emb_dim=256, hidden=256):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.cell = nn.GRUCell(emb_dim + hidden, hidden)
        self.attn_W = nn.Linear(hidden * 2, hidden)
        self.attn_v = nn.Linear(hidden, 1, bias=False)
        self.out = nn.Linear(hidden, vocab_size)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_uniform_(self.attn_W.weight)
        nn.init.xavier_uniform_(self.attn_v.weight)

    def forward(self, token, hidden, encoder_outputs):
        emb = self.embedding(token)
        T = encoder_outputs.size(1)
        h = hidden.unsqueeze(1).expand(-1, T, -1)
        energy = torch.tanh(self.attn_W(torch.cat([h, encoder_outputs], dim=-1)))
        weights = torch.softmax(self.attn_v(energy).squeeze(-1), dim=-1)
        context = (weights.unsqueeze(-1) * encoder_outputs).sum(1)
        hidden = self.cell(torch.cat([emb, context], dim=-1), hidden)
        return self.out(hidden), hidden


class Highway(nn.Module):
    def __init__(self, dim=256):
        super().__init__()
        self.proj = nn.Linear(dim, dim)
        self.gate = nn.Linear(dim, dim)
        nn.init.kaiming_uniform_(self.proj.weight, a=math.sqrt(5))

    def forward(self, x):
        t = torch.sigmoid(self.gate(x))
        return t * torch.relu(self.proj(x)) + (1 - t) * x
