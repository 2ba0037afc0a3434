import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab, emb=128, hid=256, cell="lstm", bidirectional=True):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        if cell == "lstm":
            self.rnn = nn.LSTM(emb, hid, batch_first=True, bidirectional=bidirectional)
        else:
            self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hid * (2 if bidirectional else 1), hid)
        for name, p in self.rnn.named_parameters():
            if "weight_hh" in name:
                nn.init.orthogonal_(p)

    def forward(self, x):
        out, _ = self.rnn(self.embed(x))
        return torch.tanh(self.fc(out[:, -1]))
