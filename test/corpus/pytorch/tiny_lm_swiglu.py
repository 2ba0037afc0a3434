"""A tiny LLaMA-style language model: pre-norm blocks whose SwiGLU feed-forward is sized by the
block (hidden = 4 * dim), GPT-2 style N(0, 0.02) init applied to every module."""
import torch
import torch.nn as nn
import torch.nn.functional as F

DIM = 64


class SwiGLU(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, dim, mult=4):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.ffn = SwiGLU(dim, mult * dim)

    def forward(self, x):
        return x + self.ffn(self.norm(x))


class TinyLM(nn.Module):
    def __init__(self, vocab=1000, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, DIM)
        self.blocks = nn.ModuleList([Block(DIM) for _ in range(n_layers)])
        self.norm = nn.LayerNorm(DIM)
        self.lm_head = nn.Linear(DIM, vocab, bias=False)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx):
        x = self.embed(idx)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))
