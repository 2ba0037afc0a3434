import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, fixAndCheck } from './helpers.js';
import { analyze } from '../../src/core/index.js';

test('Flax compact: nn.relu after nn.Dense, lecun_normal default is IL001, fans from the chain', () => {
  const src = `import flax.linen as nn

class MLP(nn.Module):
    features: tuple = (256, 128, 10)

    @nn.compact
    def __call__(self, x):
        x = nn.Dense(256)(x)
        x = nn.relu(x)
        x = nn.Dense(128, kernel_init=nn.initializers.he_normal())(x)
        x = nn.gelu(x)
        x = nn.Dense(10)(x)
        return x
`;
  const res = check(src, {
    layers: [
      { line: 8, layer: 'Dense', act: 'relu', init: 'lecun_normal', fanIn: null, fanOut: 256 },
      { line: 10, act: 'gelu', init: 'he_normal', fanIn: 256, fanOut: 128 },
      { line: 12, act: 'linear', init: 'lecun_normal', fanIn: 128 },
    ],
    findings: ['IL001@8'],
  });
  assert.match(res.findings[0].message, /lecun_normal \(the Flax default\)/);
  const out = fixAndCheck(src);
  assert.ok(out.includes('x = nn.Dense(256, kernel_init=nn.initializers.he_normal())(x)'), out);
});

test('Flax setup() style, factory passed without () is IL007 with a fix adding ()', () => {
  const src = `from flax import linen as nn
import jax

class Net(nn.Module):
    def setup(self):
        self.dense1 = nn.Dense(64, kernel_init=nn.initializers.he_normal)
        self.dense2 = nn.Dense(64, kernel_init=jax.nn.initializers.zeros)
        self.out = nn.Dense(1)

    def __call__(self, x):
        x = nn.relu(self.dense1(x))
        x = jax.nn.tanh(self.dense2(x))
        return self.out(x)
`;
  const res = check(src, {
    layers: [
      { line: 6, name: 'dense1', act: 'relu', init: 'he_normal' },
      { line: 7, name: 'dense2', act: 'tanh', init: 'zeros' },
      { line: 8, name: 'out', act: 'linear' },
    ],
    findings: ['IL007@6', 'IL002@7'],
  });
  const f = res.findings[0];
  assert.equal(src.slice(f.span.from, f.span.to), 'nn.initializers.he_normal', 'the finding points at the factory expression');
  const out = fixAndCheck(src);
  assert.ok(out.includes('kernel_init=nn.initializers.he_normal()'), out);
  assert.ok(out.includes('self.dense2 = nn.Dense(64, kernel_init=nn.initializers.glorot_normal())'), out);
});

test('Flax with only `from flax.linen import Dense`: the fix imports jax and uses jax.nn.initializers', () => {
  const src = `from flax.linen import Dense, Module, compact, relu

class M(Module):
    @compact
    def __call__(self, x):
        return relu(Dense(32)(x))
`;
  check(src, { findings: ['IL001@6'] });
  const out = fixAndCheck(src);
  assert.ok(out.startsWith('from flax.linen import Dense, Module, compact, relu\nimport jax\n'), out);
  assert.ok(out.includes('Dense(32, kernel_init=jax.nn.initializers.he_normal())'), out);
});

test('Flax recurrent cells keep the orthogonal default; an explicit non-orthogonal recurrent init is IL005', () => {
  const src = `import flax.linen as nn

class Enc(nn.Module):
    @nn.compact
    def __call__(self, x):
        a = nn.RNN(nn.LSTMCell(64))(x)
        b = nn.RNN(nn.GRUCell(64, recurrent_kernel_init=nn.initializers.lecun_normal()))(a)
        return b
`;
  check(src, { layers: [{ line: 6, recInit: 'orthogonal' }, { line: 7, recInit: 'lecun_normal' }], findings: ['IL005@7'] });
  const out = fixAndCheck(src);
  assert.ok(out.includes('recurrent_kernel_init=nn.initializers.orthogonal()'), out);
});

test('fix-all chains: calling the factory (IL007) reveals IL001, fixed in the same run', () => {
  const src = `import flax.linen as nn

class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        return nn.relu(nn.Dense(32, kernel_init=nn.initializers.glorot_normal)(x))
`;
  const out = fixAndCheck(src);
  assert.ok(out.includes('nn.Dense(32, kernel_init=nn.initializers.he_normal())'), out);
});

test('linen: an initializer inside nn.with_partitioning is read, and the fix replaces only the wrapped initializer', () => {
  const src = `import flax.linen as nn

class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(1024, kernel_init=nn.with_partitioning(nn.initializers.lecun_normal(), ("embed", "mlp")))(x)
        x = nn.relu(x)
        return nn.Dense(10, kernel_init=nn.with_logical_partitioning(nn.initializers.zeros, ("mlp", "vocab")))(x)
`;
  check(src, { layers: [{ line: 6, act: 'relu', init: 'lecun_normal' }, { line: 8, act: 'linear', init: 'zeros' }], findings: ['IL001@6'] });
  const out = fixAndCheck(src);
  assert.ok(out.includes('nn.Dense(1024, kernel_init=nn.with_partitioning(nn.initializers.he_normal(), ("embed", "mlp")))(x)'), out);
});

test('IL007 also covers bias_init factories passed without () (zeros_init gets the safe fix, constant needs arguments)', () => {
  const src = `import flax.linen as nn


class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(128, kernel_init=nn.initializers.he_normal(), bias_init=nn.initializers.zeros_init)(x)
        x = nn.relu(x)
        x = nn.Dense(64, kernel_init=nn.initializers.he_normal(), bias_init=nn.initializers.constant)(x)
        x = nn.relu(x)
        return nn.Dense(10, bias_init=nn.initializers.zeros)(x)
`;
  const r = check(src, { findings: ['IL007@7', 'IL007@9'] });
  assert.match(r.findings[0].message, /bias_init\(key, shape, dtype\)/);
  assert.equal(r.findings[0].fixes.length, 1);
  assert.equal(r.findings[1].fixes.length, 0, 'constant(value) needs its argument');
  const out = fixAndCheck(src);
  assert.match(out, /bias_init=nn\.initializers\.zeros_init\(\)\)\(x\)/);
});

test('Flax nn.Bidirectional concatenates the two directions by default: the next Dense sees both widths', () => {
  const src = `import flax.linen as nn


class Tagger(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(64)(x)
        x = nn.relu(x)
        x = nn.Bidirectional(nn.RNN(nn.LSTMCell(32)), nn.RNN(nn.LSTMCell(24)))(x)
        x = nn.Dense(16, kernel_init=nn.initializers.he_normal())(x)
        x = nn.relu(x)
        return nn.Dense(5)(x)
`;
  check(src, {
    layers: [{ line: 7 }, { line: 9, fanOut: 32 }, { line: 9, fanOut: 24 }, { line: 10, fanIn: 56 }, { line: 12, fanIn: 16 }],
  });
});

test('layers reached through enumerate() never show the interpreter placeholder "__elem" as their name (QA 2026-11-28 #4)', () => {
  const src = `from typing import Sequence
import flax.linen as nn


class MLP(nn.Module):
    features: Sequence[int]

    def setup(self):
        self.layers = [nn.Dense(feat) for feat in self.features]

    def __call__(self, inputs):
        x = inputs
        for i, lyr in enumerate(self.layers):
            x = lyr(x)
            if i != len(self.layers) - 1:
                x = nn.relu(x)
        return x
`;
  const res = analyze(src, 'python');
  assert.equal(res.layers.length, 1);
  assert.notEqual(res.layers[0].name, '__elem');
  for (const f of res.findings) assert.ok(!f.message.includes('__elem'), f.message);
});

test('a Flax dataclass field set at construction (MLP(act="tanh")) is not read as its default in an `if` (QA 2026-11-28 #13)', () => {
  const src = `import flax.linen as nn


class MLP(nn.Module):
    hidden: int = 256
    act: str = "relu"

    @nn.compact
    def __call__(self, x):
        act_fn = nn.relu if self.act == "relu" else nn.tanh
        x = act_fn(nn.Dense(self.hidden, kernel_init=nn.initializers.xavier_uniform())(x))
        return nn.Dense(1)(x)


model = MLP(act="tanh")
`;
  const res = analyze(src, 'python');
  assert.notEqual(res.layers[0].activation.name, 'relu');
  assert.deepEqual(res.findings.map((f) => f.code), []);
});
