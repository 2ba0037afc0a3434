"""Tabular classifier in Flax NNX: He init before every ReLU, BatchNorm and Dropout in between."""
import jax
import jax.numpy as jnp
import optax
from flax import nnx


class TabularMLP(nnx.Module):
    def __init__(self, num_features: int, hidden: int, num_classes: int, *, rngs: nnx.Rngs):
        he = nnx.initializers.he_normal()
        self.fc1 = nnx.Linear(num_features, hidden, kernel_init=he, rngs=rngs)
        self.bn1 = nnx.BatchNorm(hidden, rngs=rngs)
        self.fc2 = nnx.Linear(hidden, hidden, kernel_init=he, rngs=rngs)
        self.bn2 = nnx.BatchNorm(hidden, rngs=rngs)
        self.dropout = nnx.Dropout(0.2, rngs=rngs)
        self.head = nnx.Linear(hidden, num_classes, rngs=rngs)

    def __call__(self, x):
        x = nnx.relu(self.bn1(self.fc1(x)))
        x = self.dropout(nnx.relu(self.bn2(self.fc2(x))))
        return self.head(x)


model = TabularMLP(54, 256, 7, rngs=nnx.Rngs(0))
optimizer = nnx.Optimizer(model, optax.adamw(1e-3), wrt=nnx.Param)


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        logits = model(x)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss
