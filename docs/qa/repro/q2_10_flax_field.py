import flax.linen as nn


class MLP(nn.Module):
    hidden: int = 256
    act: str = "relu"

    @nn.compact
    def __call__(self, x):
        act_fn = nn.relu if self.act == "relu" else nn.tanh
        x = act_fn(nn.Dense(self.hidden, kernel_init=nn.initializers.xavier_uniform())(x))
        return nn.Dense(1)(x)


model = MLP(act="tanh")
