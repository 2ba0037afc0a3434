import torch
import torch.nn as nn


class GRUForecaster(nn.Module):
    """Sequence-to-one forecaster with the usual careful RNN init."""

    def __init__(self, n_features: int = 8, hidden_size: int = 128, num_layers: int = 2):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden_size, num_layers=num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, 1)
        self._init_weights()

    def _init_weights(self):
        for name, param in self.gru.named_parameters():
            if "weight_ih" in name:
                nn.init.xavier_uniform_(param)
            elif "weight_hh" in name:
                nn.init.orthogonal_(param)
            elif "bias" in name:
                nn.init.zeros_(param)

    def forward(self, x):
        output, h_n = self.gru(x)
        return self.out(output[:, -1])
