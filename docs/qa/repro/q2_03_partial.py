from functools import partial
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, dim, act="relu"):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.act = nn.ReLU() if act == "relu" else nn.Tanh()
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        return self.act(self.fc(x))


class Net(nn.Module):
    def __init__(self, dim=64, depth=3, block_fn=partial(Block, act="tanh")):
        super().__init__()
        self.blocks = nn.Sequential(*[block_fn(dim) for _ in range(depth)])
        self.head = nn.Linear(dim, 1)

    def forward(self, x):
        return self.head(self.blocks(x))
