import torch
import torch.nn as nn


class WaveEncoder(nn.Module):
    """1-D conv front end for raw audio, tanh squashing, sigmoid gate."""

    def __init__(self, channels: int = 64):
        super().__init__()
        self.conv1 = nn.Conv1d(1, channels, kernel_size=9, stride=2, padding=4)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size=9, stride=2, padding=4)
        self.gate = nn.Linear(channels, channels)
        nn.init.kaiming_normal_(self.conv1.weight, nonlinearity="relu")
        nn.init.kaiming_normal_(self.conv2.weight, nonlinearity="relu")
        nn.init.xavier_uniform_(self.gate.weight)

    def forward(self, wav):
        h = torch.tanh(self.conv1(wav))
        h = torch.tanh(self.conv2(h))
        h = h.mean(dim=-1)
        return h * torch.sigmoid(self.gate(h))
