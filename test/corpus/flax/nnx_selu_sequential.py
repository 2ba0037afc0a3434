"""Self-normalizing network in Flax NNX: SELU keeps the LeCun-normal default, as it should."""
from flax import nnx

rngs = nnx.Rngs(0)

snn = nnx.Sequential(
    nnx.Linear(512, 256, rngs=rngs),
    nnx.selu,
    nnx.Linear(256, 256, rngs=rngs),
    nnx.selu,
    nnx.Linear(256, 128, rngs=rngs),
    nnx.selu,
    nnx.Linear(128, 1, rngs=rngs),
)
