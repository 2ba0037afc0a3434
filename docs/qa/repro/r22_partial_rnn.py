import torch.nn as nn


class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(64, 128, num_layers=2)
        nn.init.orthogonal_(self.rnn.weight_hh_l0)
        self.rnn2 = nn.RNN(64, 128, nonlinearity="relu")
        for name, param in self.rnn2.named_parameters():
            if 'weight' in name:
                nn.init.orthogonal_(param)
