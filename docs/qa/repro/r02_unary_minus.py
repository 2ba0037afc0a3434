import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, d=512):
        super().__init__()
        self.a = nn.Linear(d, d)
        self.b = nn.Linear(d, d)
        self.out = nn.Linear(d, 1)
        nn.init.uniform_(self.a.weight, -0.1083, 0.1083)   # U(±sqrt(6/512)) = He uniform: fan_in*Var = 2
        nn.init.normal_(self.b.weight, std=2 ** 0.5 * d ** -0.5)  # He normal: fan_in*Var = 2

    def forward(self, x):
        return self.out(F.relu(self.b(F.relu(self.a(x)))))
