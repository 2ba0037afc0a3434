import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.fc = nn.Linear(768, 3072)
        self.proj = nn.Linear(3072, 768)
        self.fc.weight.data.normal_(mean=0.0, std=config.initializer_range)
        nn.init.normal_(self.proj.weight, std=self.config.initializer_range)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))
