# A Flax linen CNN written in setup() style.
# InitLens: conv2 passes the initializer factory nn.initializers.he_normal
# without calling it, so Flax would call he_normal(key, shape, dtype) and fail
# at model.init -> IL007 (fix: add the missing "()").
# conv1 and dense use he_normal() correctly before nn.relu; head is a readout.
import flax.linen as nn


class CNN(nn.Module):
    num_classes: int = 10

    def setup(self):
        self.conv1 = nn.Conv(features=32, kernel_size=(3, 3),
                             kernel_init=nn.initializers.he_normal())
        self.conv2 = nn.Conv(features=64, kernel_size=(3, 3),
                             kernel_init=nn.initializers.he_normal)
        self.dense = nn.Dense(features=256, kernel_init=nn.initializers.he_normal())
        self.head = nn.Dense(features=self.num_classes)

    def __call__(self, x):
        x = nn.relu(self.conv1(x))
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = nn.relu(self.conv2(x))
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = x.reshape((x.shape[0], -1))
        x = nn.relu(self.dense(x))
        return self.head(x)
