# A self-normalizing network (Klambauer et al. 2017) for tabular data.
# InitLens: every hidden Linear is followed by nn.SELU but keeps PyTorch's
# default init (fan_in*Var(W) = 1/3), so SELU cannot self-normalize -> IL006
# on the three hidden layers (fix: nn.init.kaiming_normal_(w, nonlinearity="linear"),
# which is LeCun normal). The output Linear is a readout: fine.
import torch.nn as nn


class SNN(nn.Module):
    def __init__(self, n_features=64, width=256, n_out=1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_features, width),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(width, width),
            nn.SELU(),
            nn.AlphaDropout(0.05),
            nn.Linear(width, width),
            nn.SELU(),
            nn.Linear(width, n_out),
        )

    def forward(self, x):
        return self.net(x)
