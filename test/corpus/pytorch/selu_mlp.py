import torch
import torch.nn as nn


class SNN(nn.Module):
    """Self-normalizing MLP. Only the first layer got the LeCun init."""

    def __init__(self, in_features=256, width=512, n_classes=4):
        super().__init__()
        self.fc1 = nn.Linear(in_features, width)
        self.fc2 = nn.Linear(width, width)
        self.fc3 = nn.Linear(width, n_classes)
        self.act = nn.SELU()
        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="linear")

    def forward(self, x):
        x = self.act(self.fc1(x))
        x = self.act(self.fc2(x))
        return self.fc3(x)
