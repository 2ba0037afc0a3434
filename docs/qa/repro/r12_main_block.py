import torch
from torch import nn


def build():
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))


if __name__ == "__main__":
    rnn = nn.LSTM(10, 20, num_layers=2)
    model = nn.Sequential(
        nn.Linear(10, 32),
        nn.Tanh(),
        nn.Linear(32, 1),
    )
    print(model(torch.randn(3, 10)))
