"""Dense autoencoder for tabular anomaly scores. Sub-layers are registered by name."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, n_features=30, latent=8):
        super().__init__()
        self.add_module("fc1", nn.Linear(n_features, 64))
        self.add_module("fc2", nn.Linear(64, 32))
        self.register_module("code", nn.Linear(32, latent))

    def forward(self, x):
        h = F.relu(self.fc1(x))
        h = F.relu(self.fc2(h))
        return self.code(h)


class Decoder(nn.Module):
    def __init__(self, n_features=30, latent=8):
        super().__init__()
        setattr(self, "up1", nn.Linear(latent, 32))
        setattr(self, "up2", nn.Linear(32, 64))
        setattr(self, "recon", nn.Linear(64, n_features))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        nn.init.xavier_uniform_(self.recon.weight)

    def forward(self, z):
        h = F.relu(self.up1(z))
        h = F.relu(self.up2(h))
        return self.recon(h)


class AutoEncoder(nn.Module):
    def __init__(self, n_features=30, latent=8):
        super().__init__()
        self.encoder = Encoder(n_features, latent)
        self.decoder = Decoder(n_features, latent)

    def forward(self, x):
        return self.decoder(self.encoder(x))
