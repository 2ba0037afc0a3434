import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { IncrementalAnalyzer } from '../../src/core/analysis/incremental.js';
import { check, fixAndCheck, lineOf } from './helpers.js';

test('NNX: nnx.Module built in __init__, used in __call__; sizes from MLP(784, 256, 10); BatchNorm and Dropout are transparent', () => {
  const src = `import jax
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din: int, dmid: int, dout: int, *, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(din, dmid, rngs=rngs)
        self.dropout = nnx.Dropout(rate=0.1, rngs=rngs)
        self.bn = nnx.BatchNorm(dmid, rngs=rngs)
        self.linear2 = nnx.Linear(dmid, dmid, kernel_init=nnx.initializers.he_normal(), rngs=rngs)
        self.linear3 = nnx.Linear(dmid, dout, rngs=rngs)

    def __call__(self, x):
        x = nnx.relu(self.dropout(self.bn(self.linear1(x))))
        x = jax.nn.gelu(self.linear2(x))
        return self.linear3(x)


model = MLP(784, 256, 10, rngs=nnx.Rngs(0))
`;
  const res = check(src, {
    layers: [
      { line: 7, layer: 'Linear', name: 'linear1', act: 'relu', init: 'lecun_normal', norm: 'batchnorm', fanIn: 784, fanOut: 256 },
      { line: 10, name: 'linear2', act: 'gelu', init: 'he_normal', norm: null, fanIn: 256, fanOut: 256 },
      { line: 11, name: 'linear3', act: 'linear', init: 'lecun_normal', fanIn: 256, fanOut: 10 },
    ],
    findings: ['IL001@7'],
  });
  assert.ok(res.layers.every((l) => l.framework === 'flax'));
  assert.deepEqual(
    res.models.map((m) => [m.kind, m.name, m.layers.length]),
    [['flax.nnx.Module', 'MLP', 3]],
  );
  const f = res.findings[0];
  assert.equal(f.severity, 'info', 'a BatchNorm follows: one level milder');
  assert.equal(f.recommended, 'he_normal');
  assert.match(f.message, /^ReLU after lecun_normal \(the Flax default\)/);
  assert.match(f.message, /fan_in=784, fan_out=256/);
  assert.match(f.message, /BatchNorm follows/);
  const out = fixAndCheck(src);
  assert.ok(out.includes('self.linear1 = nnx.Linear(din, dmid, kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
  assert.equal(out.split('\n').length, src.split('\n').length, 'no import added: nnx is imported');
});

test('NNX `import flax.nnx as nnx`: Conv fans from (in, out, kernel_size), factory without () is IL007, jax.nn.initializers.zeros is IL002', () => {
  const src = `import jax
import flax.nnx as nnx


class CNN(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(1, 32, kernel_size=(3, 3), rngs=rngs)
        self.conv2 = nnx.Conv(32, 64, kernel_size=(3, 3), kernel_init=nnx.initializers.kaiming_normal, rngs=rngs)
        self.linear1 = nnx.Linear(3136, 256, kernel_init=jax.nn.initializers.zeros, rngs=rngs)
        self.linear2 = nnx.Linear(256, 10, rngs=rngs)

    def __call__(self, x):
        x = nnx.avg_pool(nnx.relu(self.conv1(x)), window_shape=(2, 2), strides=(2, 2))
        x = nnx.avg_pool(nnx.relu(self.conv2(x)), window_shape=(2, 2), strides=(2, 2))
        x = x.reshape(x.shape[0], -1)
        x = nnx.relu(self.linear1(x))
        return self.linear2(x)
`;
  const res = check(src, {
    layers: [
      { line: 7, layer: 'Conv', act: 'relu', init: 'lecun_normal', fanIn: 9, fanOut: 288 },
      { line: 8, layer: 'Conv', act: 'relu', init: 'he_normal', fanIn: 288, fanOut: 576 },
      { line: 9, layer: 'Linear', act: 'relu', init: 'zeros', fanIn: 3136, fanOut: 256 },
      { line: 10, layer: 'Linear', act: 'linear', init: 'lecun_normal', fanIn: 256, fanOut: 10 },
    ],
    findings: ['IL001@7', 'IL007@8', 'IL002@9'],
  });
  const il007 = res.findings.find((f) => f.code === 'IL007')!;
  assert.equal(src.slice(il007.span.from, il007.span.to), 'nnx.initializers.kaiming_normal');
  assert.match(il007.message, /call it: `nnx\.initializers\.kaiming_normal\(\)`/);
  const il002 = res.findings.find((f) => f.code === 'IL002')!;
  assert.equal(il002.recommended, 'he_normal');
  const out = fixAndCheck(src);
  assert.ok(out.includes('nnx.Conv(1, 32, kernel_size=(3, 3), kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
  assert.ok(out.includes('kernel_init=nnx.initializers.kaiming_normal(), rngs=rngs)'), out);
  assert.ok(out.includes('nnx.Linear(3136, 256, kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
});

test('NNX with bare names (`from flax.nnx import Linear`): the fix imports nnx once and keeps a multi-line call’s layout, rngs= last', () => {
  const src = `"""Bare names."""
import numpy as np
from flax.nnx import Linear, Module, Rngs, relu


def load(path):
    return np.load(path)


HIDDEN = 64


class Net(Module):
    def __init__(self, rngs):
        self.fc1 = Linear(10, HIDDEN, rngs=rngs)
        self.fc2 = Linear(
            HIDDEN,
            HIDDEN,
            rngs=rngs,
        )
        self.out = Linear(HIDDEN, 1, rngs=rngs)

    def __call__(self, x):
        x = relu(self.fc1(x))
        x = relu(self.fc2(x))
        return self.out(x)
`;
  check(src, {
    layers: [
      { line: 15, name: 'fc1', act: 'relu', fanIn: 10, fanOut: 64 },
      { line: 16, name: 'fc2', act: 'relu', fanIn: 64, fanOut: 64 },
      { line: 21, name: 'out', act: 'linear', fanIn: 64, fanOut: 1 },
    ],
    findings: ['IL001@15', 'IL001@16'],
  });
  const out = fixAndCheck(src);
  assert.ok(out.includes('from flax.nnx import Linear, Module, Rngs, relu\nfrom flax import nnx\n'), out);
  assert.equal(out.split('from flax import nnx').length, 2, 'one import');
  assert.ok(out.includes('self.fc1 = Linear(10, HIDDEN, kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
  assert.ok(out.includes('            HIDDEN,\n            kernel_init=nnx.initializers.he_normal(),\n            rngs=rngs,\n        )'), out);
});

test('NNX alias and a sub-package import: the fix writes the file’s own spelling', () => {
  const src = `from flax import nnx as fnn
from flax.nnx import initializers as init


class M(fnn.Module):
    def __init__(self, rngs):
        self.a = fnn.Linear(32, 32, rngs=rngs)
        self.b = fnn.Linear(32, 32, kernel_init=init.glorot_uniform(), rngs=rngs)

    def __call__(self, x):
        return fnn.silu(self.b(fnn.relu(self.a(x))))
`;
  check(src, { layers: [{ line: 7, act: 'relu', init: 'lecun_normal' }, { line: 8, act: 'silu', init: 'glorot_uniform' }], findings: ['IL001@7', 'IL001@8'] });
  const out = fixAndCheck(src);
  // added on `a`, replaced on `b`: both through the file's `init` alias, no import added
  assert.equal(out.split('fnn.Linear(32, 32, kernel_init=init.he_normal(), rngs=rngs)').length, 3, out);
  assert.equal(out.split('\n').length, src.split('\n').length, out);
});

test('NNX containers: nnx.Sequential items (nnx.relu as an item), a list comprehension of layers, nnx.List', () => {
  const src = `from flax import nnx


class Stack(nnx.Module):
    def __init__(self, dim, depth, rngs):
        self.blocks = [nnx.Linear(dim, dim, rngs=rngs) for _ in range(depth)]
        self.extra = nnx.List([nnx.Linear(dim, dim, kernel_init=nnx.initializers.he_uniform(), rngs=rngs)])
        self.head = nnx.Linear(dim, 1, rngs=rngs)

    def __call__(self, x):
        for layer in self.blocks:
            x = nnx.tanh(layer(x))
        for layer in self.extra:
            x = nnx.relu(layer(x))
        return self.head(x)


stack = Stack(128, 12, nnx.Rngs(1))

seq = nnx.Sequential(
    nnx.Linear(2, 16, rngs=nnx.Rngs(0)),
    nnx.relu,
    nnx.Linear(16, 16, rngs=nnx.Rngs(0)),
    nnx.gelu,
    nnx.Linear(16, 1, rngs=nnx.Rngs(0)),
)
`;
  const res = check(src, {
    layers: [
      { line: 6, act: 'tanh', init: 'lecun_normal', fanIn: 128, fanOut: 128 },
      { line: 7, act: 'relu', init: 'he_uniform', fanIn: 128, fanOut: 128 },
      { line: 8, name: 'head', act: 'linear', fanIn: 128, fanOut: 1 },
      { line: 21, act: 'relu', fanIn: 2, fanOut: 16 },
      { line: 23, act: 'gelu', fanIn: 16, fanOut: 16 },
      { line: 25, act: 'linear', fanIn: 16, fanOut: 1 },
    ],
    findings: ['IL001@21', 'IL001@23'],
  });
  assert.equal(res.layers[0].template, true, 'built in a comprehension');
  assert.deepEqual(
    res.models.map((m) => [m.kind, m.layers.length]),
    [['flax.nnx.Module', 3], ['Sequential', 3]],
  );
  const out = fixAndCheck(src);
  assert.ok(out.includes('    nnx.Linear(2, 16, kernel_init=nnx.initializers.he_normal(), rngs=nnx.Rngs(0)),\n    nnx.relu,'), out);
});

test('NNX recurrent: Embed and LSTMCell fans, cells in nnx.RNN named by the attribute, a non-orthogonal recurrent kernel is IL005', () => {
  const src = `from flax import nnx


class TextRNN(nnx.Module):
    def __init__(self, vocab, dim, hidden, rngs: nnx.Rngs):
        self.embed = nnx.Embed(vocab, dim, rngs=rngs)
        self.rnn = nnx.RNN(nnx.LSTMCell(dim, hidden, rngs=rngs))
        self.gru = nnx.RNN(nnx.GRUCell(hidden, hidden, recurrent_kernel_init=nnx.initializers.lecun_normal(), rngs=rngs))
        self.cell = nnx.SimpleCell(hidden, hidden, activation_fn=nnx.relu, rngs=rngs)
        self.out = nnx.Linear(hidden, 2, rngs=rngs)

    def __call__(self, tokens):
        x = self.gru(self.rnn(self.embed(tokens)))
        return self.out(x[:, -1])


model = TextRNN(10000, 128, 256, rngs=nnx.Rngs(0))
`;
  const res = check(src, {
    layers: [
      { line: 6, layer: 'Embed', name: 'embed', init: 'variance_scaling', fanIn: 10000, fanOut: 128 },
      { line: 7, layer: 'LSTMCell', name: 'rnn', act: 'tanh', init: 'lecun_normal', recInit: 'orthogonal', fanIn: 128, fanOut: 256 },
      { line: 8, layer: 'GRUCell', name: 'gru', act: 'tanh', recInit: 'lecun_normal', fanIn: 256, fanOut: 256 },
      { line: 9, layer: 'SimpleCell', name: 'cell', recInit: 'orthogonal' },
      { line: 10, name: 'out', act: 'linear', fanIn: 256, fanOut: 2 },
    ],
  });
  assert.ok(res.layers.every((l, i) => l.recurrent === (i >= 1 && i <= 3)));
  const il005 = res.findings.filter((f) => f.code === 'IL005').map((f) => lineOf(src, f.span.from));
  assert.deepEqual(il005, [8]);
  assert.equal(res.findings.find((f) => f.code === 'IL005')!.recommended, 'orthogonal');
  const out = fixAndCheck(src);
  assert.ok(out.includes('nnx.GRUCell(hidden, hidden, recurrent_kernel_init=nnx.initializers.orthogonal(), rngs=rngs)'), out);
});

test('NNX SimpleCell activation_fn= is the activation its kernel feeds', () => {
  const src = `from flax import nnx


class R(nnx.Module):
    def __init__(self, rngs):
        self.cell = nnx.SimpleCell(64, 64, activation_fn=nnx.relu, rngs=rngs)
        self.rnn = nnx.RNN(self.cell)

    def __call__(self, x):
        return self.rnn(x)
`;
  const res = check(src, { layers: [{ line: 6, layer: 'SimpleCell', act: 'relu', fanIn: 64, fanOut: 64 }] });
  assert.equal(res.layers[0].activation.via, 'argument');
});

test('NNX variance_scaling: a scale far from the activation’s is IL003 (unsafe fix), scale 1 with "normal" before ReLU is IL001', () => {
  const src = `from flax import nnx


class M(nnx.Module):
    def __init__(self, rngs):
        self.a = nnx.Linear(512, 512, kernel_init=nnx.initializers.variance_scaling(10.0, "fan_in", "truncated_normal"), rngs=rngs)
        self.b = nnx.Linear(512, 512, kernel_init=nnx.initializers.variance_scaling(1.0, "fan_in", "normal"), rngs=rngs)
        self.c = nnx.Linear(512, 512, kernel_init=nnx.initializers.variance_scaling(2.0 / (1 + 0.2 ** 2), "fan_in", "truncated_normal"), rngs=rngs)
        self.d = nnx.Linear(512, 10, rngs=rngs)

    def __call__(self, x):
        x = nnx.relu(self.a(x))
        x = nnx.relu(self.b(x))
        x = nnx.leaky_relu(self.c(x), negative_slope=0.2)
        return self.d(x)
`;
  const res = check(src, {
    layers: [
      { line: 6, init: 'variance_scaling', act: 'relu' },
      { line: 7, init: 'variance_scaling', act: 'relu' },
      { line: 8, init: 'variance_scaling', act: 'leaky_relu' },
      { line: 9, init: 'lecun_normal', act: 'linear' },
    ],
    findings: ['IL003@6', 'IL001@7'],
  });
  const il003 = res.findings[0];
  assert.match(il003.message, /explodes/);
  assert.equal(il003.fixes[0].safety, 'unsafe');
  assert.equal(res.layers[2].activation.param, 0.2);
  const out = fixAndCheck(src);
  assert.ok(out.includes('self.a = nnx.Linear(512, 512, kernel_init=nnx.initializers.variance_scaling(10.0'), 'the unsafe IL003 fix is not applied by fix-all');
  assert.ok(out.includes('self.b = nnx.Linear(512, 512, kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
});

test('NNX: with_partitioning keeps its sharding when the wrapped initializer is fixed; a bias_init factory without () is IL007', () => {
  const src = `from flax import nnx


class FF(nnx.Module):
    def __init__(self, dim, rngs):
        self.up = nnx.Linear(
            dim,
            4 * dim,
            kernel_init=nnx.with_partitioning(nnx.initializers.lecun_normal(), ("embed", "mlp")),
            rngs=rngs,
        )
        self.down = nnx.Linear(4 * dim, dim, bias_init=nnx.initializers.zeros_init, rngs=rngs)

    def __call__(self, x):
        return self.down(nnx.relu(self.up(x)))


ff = FF(512, nnx.Rngs(0))
`;
  const res = check(src, {
    layers: [
      { line: 6, name: 'up', act: 'relu', init: 'lecun_normal', fanIn: 512, fanOut: 2048 },
      { line: 12, name: 'down', act: 'linear', init: 'lecun_normal', fanIn: 2048, fanOut: 512 },
    ],
    findings: ['IL001@6', 'IL007@12'],
  });
  assert.match(res.findings[1].message, /Flax calls bias_init\(key, shape, dtype\)/);
  assert.match(res.findings[0].message, /^ReLU after lecun_normal:/, 'written explicitly: not "the Flax default"');
  const out = fixAndCheck(src);
  assert.ok(out.includes('kernel_init=nnx.with_partitioning(nnx.initializers.he_normal(), ("embed", "mlp")),'), out);
  assert.ok(out.includes('bias_init=nnx.initializers.zeros_init(), rngs=rngs)'), out);
});

test('NNX files pass the relevance pre-filter (nnx anchors), whatever the import spelling', () => {
  for (const imp of ['from flax import nnx', 'import flax.nnx as nnx', 'from flax import nnx as nnx']) {
    const src = `import os\n${imp}\n\nDATA = os.environ.get("DATA")\n\n\ndef unrelated(path):\n    return open(path).read()\n\n\nclass M(nnx.Module):\n    def __init__(self, rngs):\n        self.fc = nnx.Linear(8, 8, rngs=rngs)\n\n    def __call__(self, x):\n        return nnx.relu(self.fc(x))\n`;
    const res = analyze(src, 'python');
    assert.equal(res.layers.length, 1, imp);
    assert.equal(res.findings[0]?.code, 'IL001', imp);
  }
  const bare = `from flax.nnx import Linear as L, Module\nimport flax\n\n\nclass M(Module):\n    def __init__(self, rngs):\n        self.fc = L(8, 8, rngs=rngs)\n        self.g = flax.nnx.Linear(8, 8, rngs=rngs)\n\n    def __call__(self, x):\n        return flax.nnx.gelu(self.g(flax.nnx.relu(self.fc(x))))\n`;
  check(bare, { layers: [{ line: 7, act: 'relu' }, { line: 8, act: 'gelu' }], findings: ['IL001@7', 'IL001@8'] });
  const out = fixAndCheck(bare);
  assert.ok(out.includes('L(8, 8, kernel_init=flax.nnx.initializers.he_normal(), rngs=rngs)'), out);
});

test('NNX ConvTranspose, LinearGeneral and Einsum fans follow the kernel layout', () => {
  const src = `from flax import nnx


class D(nnx.Module):
    def __init__(self, rngs):
        self.up = nnx.ConvTranspose(64, 32, (4, 4), strides=(2, 2), rngs=rngs)
        self.up_t = nnx.ConvTranspose(64, 32, (4, 4), transpose_kernel=True, rngs=rngs)
        self.grouped = nnx.Conv(64, 64, (3, 3), feature_group_count=4, rngs=rngs)
        self.conv1d = nnx.Conv(16, 32, 5, rngs=rngs)
        self.proj = nnx.LinearGeneral((8, 64), 256, axis=(-2, -1), rngs=rngs)
        self.ein = nnx.Einsum("nta,hab->nthb", (8, 2, 4), (8, 4), rngs=rngs)

    def __call__(self, x):
        return self.ein(self.proj(self.conv1d(self.grouped(self.up_t(self.up(x))))))
`;
  check(src, {
    layers: [
      { line: 6, layer: 'ConvTranspose', fanIn: 1024, fanOut: 512 },
      { line: 7, layer: 'ConvTranspose', fanIn: 512, fanOut: 1024 },
      { line: 8, layer: 'Conv', fanIn: 144, fanOut: 576 },
      { line: 9, layer: 'Conv', fanIn: 80, fanOut: 160 },
      { line: 10, layer: 'LinearGeneral', fanIn: 512, fanOut: 256 },
      { line: 11, layer: 'Einsum', fanIn: 16, fanOut: 32 },
    ],
  });
});

test('NNX LoRALinear is a Linear (same kernel default and fans); LSTMCell activation_fn= does not replace its tanh summary', () => {
  const src = `from flax import nnx


class M(nnx.Module):
    def __init__(self, rngs):
        self.lora = nnx.LoRALinear(64, 64, lora_rank=4, rngs=rngs)
        self.lstm = nnx.RNN(nnx.LSTMCell(64, 64, activation_fn=nnx.relu, rngs=rngs))

    def __call__(self, x):
        return self.lstm(nnx.relu(self.lora(x)))
`;
  check(src, {
    layers: [
      { line: 6, layer: 'LoRALinear', act: 'relu', init: 'lecun_normal', fanIn: 64, fanOut: 64 },
      { line: 7, layer: 'LSTMCell', act: 'tanh', recInit: 'orthogonal' },
    ],
    findings: ['IL001@6'],
  });
  const out = fixAndCheck(src);
  assert.ok(out.includes('nnx.LoRALinear(64, 64, lora_rank=4, kernel_init=nnx.initializers.he_normal(), rngs=rngs)'), out);
});

test('NNX incremental: editing the sizes passed to the module, or its activation, matches a fresh analysis', () => {
  const src = `from flax import nnx


def helper(path):
    return open(path).read()


class MLP(nnx.Module):
    def __init__(self, din, dout, *, rngs):
        self.fc = nnx.Linear(din, dout, rngs=rngs)
        self.out = nnx.Linear(dout, 1, rngs=rngs)

    def __call__(self, x):
        return self.out(nnx.relu(self.fc(x)))


model = MLP(784, 256, rngs=nnx.Rngs(0))
`;
  const view = (r: ReturnType<typeof analyze>) =>
    JSON.stringify({
      layers: r.layers.map((l) => [l.span, l.activation.name, l.init.name, l.fanIn, l.fanOut, l.model]),
      findings: r.findings.map((f) => [f.code, f.span, f.message, f.fixes.map((x) => x.edits)]),
    });
  const inc = new IncrementalAnalyzer('python');
  let text = src;
  assert.equal(view(inc.update(text)), view(analyze(text, 'python')));
  for (const [a, b] of [
    ['MLP(784, 256', 'MLP(32, 256'],
    ['nnx.relu(', 'nnx.tanh('],
    ['open(path)', 'open(path, "rb")'],
  ]) {
    const at = text.indexOf(a);
    const next = text.slice(0, at) + b + text.slice(at + a.length);
    const r = inc.update(next, [{ from: at, to: at + a.length, insert: b }]);
    text = next;
    assert.equal(view(r), view(analyze(text, 'python')), `after ${a} → ${b}`);
  }
  assert.equal(inc.update(text).layers[0].fanIn, 32);
});

test('NNX: IL006 (SELU after he_normal), IL002 on nnx.initializers.constant(0.1), IL004 on a deep plain nnx.Sequential', () => {
  const src = `from flax import nnx


class SNN(nnx.Module):
    def __init__(self, rngs):
        self.a = nnx.Linear(128, 128, kernel_init=nnx.initializers.he_normal(), rngs=rngs)
        self.b = nnx.Linear(128, 128, kernel_init=nnx.initializers.constant(0.1), rngs=rngs)
        self.c = nnx.Linear(128, 1, rngs=rngs)

    def __call__(self, x):
        return self.c(nnx.selu(self.b(nnx.selu(self.a(x)))))


r = nnx.Rngs(0)
he = nnx.initializers.he_normal()
deep = nnx.Sequential(
${Array.from({ length: 10 }, () => '    nnx.Linear(64, 64, kernel_init=he, rngs=r), nnx.relu,').join('\n')}
    nnx.Linear(64, 1, rngs=r),
)
`;
  const res = check(src, { findings: ['IL006@6', 'IL002@7', 'IL004@16'] });
  assert.equal(res.findings[0].recommended, 'lecun_normal');
  assert.match(res.findings[1].message, /start at the constant 0\.1/);
  assert.match(res.findings[2].message, /^11 weight layers in a plain stack/);
  const out = fixAndCheck(src);
  assert.ok(out.includes('self.a = nnx.Linear(128, 128, kernel_init=nnx.initializers.lecun_normal(), rngs=rngs)'), out);
  assert.ok(out.includes('self.b = nnx.Linear(128, 128, kernel_init=nnx.initializers.lecun_normal(), rngs=rngs)'), out);
});

test('NNX: partial(nnx.leaky_relu, negative_slope=0.2) is the activation (with its slope), a lambda in nnx.Sequential runs its body (here a ReLU), partial(nnx.avg_pool) is shape only', () => {
  const src = `from functools import partial

from flax import nnx

r = nnx.Rngs(0)
he = nnx.initializers.he_normal()
net = nnx.Sequential(
    nnx.Linear(64, 64, kernel_init=he, rngs=r),
    lambda x: nnx.relu(x),
    nnx.Linear(64, 64, kernel_init=he, rngs=r),
    partial(nnx.leaky_relu, negative_slope=0.2),
    nnx.Linear(64, 1, rngs=r),
)


class C(nnx.Module):
    def __init__(self, rngs):
        self.conv = nnx.Conv(3, 16, (3, 3), rngs=rngs)
        self.pool = partial(nnx.max_pool, window_shape=(2, 2), strides=(2, 2))
        self.act = partial(nnx.leaky_relu, negative_slope=0.1)

    def __call__(self, x):
        return self.act(self.pool(self.conv(x)))
`;
  const res = check(src, {
    layers: [
      { line: 8, act: 'relu', init: 'he_normal' },
      { line: 10, act: 'leaky_relu', init: 'he_normal' },
      { line: 12, act: 'linear' },
      { line: 18, layer: 'Conv', act: 'leaky_relu', fanIn: 27, fanOut: 144 },
    ],
    findings: ['IL001@18'],
  });
  assert.equal(res.layers[1].activation.param, 0.2);
  assert.equal(res.layers[3].activation.param, 0.1);
  assert.equal(res.layers[0].activation.text, 'nnx.relu', 'the activation the lambda applies');
});
