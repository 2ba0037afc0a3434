import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, in_features=512, hidden=512, num_classes=10):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x):
        return self.layers(x)


if __name__ == "__main__":
    model = Net()
    print(model(torch.randn(4, 512)).shape)
