import torch.nn as nn


class Net(nn.Module):
    def __init__(self, init="kaiming"):
        super().__init__()
        self.fc1 = nn.Linear(128, 128)
        self.fc2 = nn.Linear(128, 10)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                if init == "kaiming":
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                elif init == "xavier":
                    nn.init.xavier_uniform_(m.weight)
                else:
                    nn.init.normal_(m.weight, std=0.02)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())


a = Net()
b = Net(init="xavier")
