"""Small configurable CNN: the block's activation and normalization are constructor options."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNormAct(nn.Module):
    def __init__(self, cin, cout, kernel_size=3, stride=1, act="relu", norm=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, stride, padding=kernel_size // 2, bias=not norm)
        if norm:
            self.norm = nn.BatchNorm2d(cout)
        else:
            self.norm = nn.Identity()
        if act == "relu":
            self.act = nn.ReLU(inplace=True)
        elif act == "silu":
            self.act = nn.SiLU(inplace=True)
        else:
            self.act = nn.Identity()
        nn.init.kaiming_normal_(self.conv.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class Classifier(nn.Module):
    def __init__(self, dim, num_classes, hidden=None, dropout=0.0):
        super().__init__()
        if hidden:
            self.pre = nn.Linear(dim, hidden)
            dim = hidden
        else:
            self.pre = None
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(dim, num_classes)

    def forward(self, x):
        if self.pre is not None:
            x = F.gelu(self.pre(x))
        return self.fc(self.drop(x))


class ConvNet(nn.Module):
    def __init__(self, num_classes=10, act="silu"):
        super().__init__()
        self.stem = ConvNormAct(3, 32, stride=2, act=act)
        self.stage1 = ConvNormAct(32, 64, stride=2, act=act)
        self.stage2 = ConvNormAct(64, 128, stride=2, act=act)
        self.head = Classifier(128, num_classes, hidden=256, dropout=0.2)

    def forward(self, x):
        x = self.stage2(self.stage1(self.stem(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.head(x)
