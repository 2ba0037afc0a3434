# A plain PyTorch MLP encoder with an LSTM on top, initialized by PyTorch's
# defaults (no nn.init calls anywhere).
# InitLens:
#   - fc1 and fc2 feed F.relu in forward() but keep PyTorch's default
#     kaiming_uniform_(a=sqrt(5)), Var(W) = 1/(3*fan_in) -> IL001 on both
#     (fix: nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")).
#   - the LSTM's weight_hh is U(+-1/sqrt(hidden)), not orthogonal -> IL005.
#   - head is a linear readout: fine.
import torch
import torch.nn as nn
import torch.nn.functional as F


class SequenceClassifier(nn.Module):
    def __init__(self, in_features: int = 40, hidden: int = 256, num_classes: int = 12):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.lstm = nn.LSTM(hidden, 128, batch_first=True)
        self.head = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (batch, time, in_features)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


if __name__ == "__main__":
    model = SequenceClassifier()
    logits = model(torch.randn(8, 100, 40))
    print(logits.shape)
