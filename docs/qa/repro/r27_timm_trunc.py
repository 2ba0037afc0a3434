import torch.nn as nn
from timm.models.layers import trunc_normal_


class Mlp(nn.Module):
    def __init__(self, dim=96):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(4 * dim, dim)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)
            nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return x + self.fc2(self.act(self.fc1(self.norm(x))))
