import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, fixAndCheck } from './helpers.js';
import { analyze } from '../../src/core/index.js';

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

test('PyTorch forward(): F.relu, activation modules stored as attributes, flatten in between, logits head', () => {
  const src = HEAD + `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.act = nn.GELU()
        self.fc1 = nn.Linear(16 * 8 * 8, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.act(self.conv1(x))
        x = torch.flatten(x, 1)
        x = F.leaky_relu(self.fc1(x), 0.2)
        return self.fc2(x)
`;
  const res = check(src, {
    layers: [
      { line: 8, layer: 'Conv2d', name: 'conv1', act: 'gelu', init: 'pytorch_default', fanIn: 27, fanOut: 144 },
      { line: 10, layer: 'Linear', name: 'fc1', act: 'leaky_relu', fanIn: 1024, fanOut: 128 },
      { line: 11, layer: 'Linear', name: 'fc2', act: 'linear' },
    ],
    findings: ['IL001@8', 'IL001@10'],
  });
  assert.equal(res.layers[1].activation.param, 0.2);
  assert.match(res.findings[0].message, /Exact for GELU \(E\[φ\(z\)²\] = 0\.4252\): Var\(W\) = 2\.35\/fan_in/);
  assert.match(res.findings[0].message, /≈0\.14/, 'PyTorch default before GELU: 1/3 · 0.425');
  assert.equal(res.models.length, 1);
  assert.equal(res.models[0].name, 'Net');
  // the option turns PyTorch's default off as a finding
  assert.equal(analyze(src, 'python', { pytorchDefaultIsFinding: false }).findings.length, 0);
});

test('PyTorch fix: kaiming_normal_ inserted after construction, with bias; re-analysis sees it; idempotent', () => {
  const src = HEAD + `class MLP(nn.Module):
    def __init__(self, d_in=784, hidden=256):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))
`;
  const out = fixAndCheck(src);
  assert.ok(
    out.includes(`        self.fc1 = nn.Linear(d_in, hidden)
        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")
        nn.init.zeros_(self.fc1.bias)
        self.fc2 = nn.Linear(hidden, 10)`),
    out,
  );
  const after = analyze(out, 'python');
  assert.equal(after.layers[0].init.name, 'he_normal');
  assert.equal(after.layers[0].fanIn, 784);
});

test('PyTorch nn.Sequential (positional and OrderedDict): activations and fixes by index and by name', () => {
  const src = `import torch.nn as nn
from collections import OrderedDict

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(32, 64), nn.Dropout(0.1), nn.Tanh(), nn.Linear(64, 64), nn.ReLU())
        self.head = nn.Sequential(OrderedDict([
            ("proj", nn.Linear(64, 64)),
            ("act", nn.SiLU()),
            ("out", nn.Linear(64, 2)),
        ]))

    def forward(self, x):
        return self.head(self.body(x))
`;
  check(src, {
    layers: [
      { line: 7, act: 'tanh', fanIn: 32 },
      { line: 7, act: 'relu', fanIn: 64 },
      { line: 9, name: 'proj', act: 'silu' },
      { line: 11, name: 'out', act: 'linear' },
    ],
    findings: ['IL001@7', 'IL001@7', 'IL001@9'],
  });
  const out = fixAndCheck(src);
  assert.match(out, /nn\.init\.xavier_normal_\(self\.body\[0\]\.weight\)\n/);
  assert.match(out, /nn\.init\.kaiming_normal_\(self\.body\[3\]\.weight, nonlinearity="relu"\)/);
  assert.match(out, /nn\.init\.kaiming_normal_\(self\.head\.proj\.weight, nonlinearity="relu"\)/);
});

test('PyTorch init loop over self.modules() with isinstance decides the init; fan_out mode judged on gradients', () => {
  const src = HEAD + `class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3)
        self.bn = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return self.fc(x.mean((2, 3)))
`;
  const res = check(src, {
    layers: [
      { line: 8, act: 'relu', norm: 'batchnorm', init: 'he_normal' },
      { line: 10, act: 'linear', init: 'random_normal' },
    ],
    findings: [],
  });
  assert.equal(res.layers[0].init.mode, 'fan_out');
  assert.equal(res.layers[0].init.source, 'init-loop');
});

test('PyTorch self.apply(self._init_weights) and a named_parameters loop (GPT style) are understood and not flagged', () => {
  const src = HEAD + `import math

class Block(nn.Module):
    def __init__(self, d=256, n_layer=4):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.c_proj = nn.Linear(4 * d, d)
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, x):
        return x + self.c_proj(F.gelu(self.fc(self.ln(x))))
`;
  const res = check(src, {
    layers: [
      { line: 11, name: 'fc', act: 'gelu', init: 'random_normal' },
      { line: 12, name: 'c_proj', act: 'linear', init: 'random_normal', residual: true },
    ],
    findings: [],
  });
  assert.equal(res.layers[0].init.std, 0.02);
  assert.ok(Math.abs((res.layers[1].init.std ?? 0) - 0.02 / Math.sqrt(8)) < 1e-12);
  assert.equal(res.layers[0].transformerStyle, true);
});

test('PyTorch ModuleList built by a comprehension, used in a loop: one template layer, loop-form fix', () => {
  const src = HEAD + `class Deep(nn.Module):
    def __init__(self, width=128, depth=4):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return x
`;
  check(src, { layers: [{ line: 8, act: 'relu', fanIn: 128 }], findings: ['IL001@8'] });
  const out = fixAndCheck(src);
  assert.ok(out.includes(`        for m in self.layers:
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)`), out);
});

test('PyTorch recurrent: default weight_hh is IL005; the fix orthogonalizes weight_hh and is recognized', () => {
  const src = `import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, vocab, dim=64, hidden=128):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 5)

    def forward(self, x):
        h, _ = self.lstm(self.emb(x))
        return self.out(h)
`;
  const res = check(src, { layers: [{ line: 6, layer: 'Embedding' }, { line: 7, layer: 'LSTM', recInit: 'pytorch_default' }, { line: 8 }], findings: ['IL005@7'] });
  assert.match(res.findings[0].message, /U\(±0\.088\)/);
  const out = fixAndCheck(src);
  assert.ok(out.includes(`        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        for param_name, param in self.lstm.named_parameters():
            if "weight_hh" in param_name:
                nn.init.orthogonal_(param)`), out);
  assert.equal(analyze(out, 'python').layers[1].recurrentInit?.name, 'orthogonal');
});

test('PyTorch SELU: IL006 and the fix uses nonlinearity="linear" (PyTorch docs), not "selu"', () => {
  const src = HEAD + `class SNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(100, 100)
        self.act = nn.SELU()

    def forward(self, x):
        return self.act(self.fc(x))
`;
  check(src, { findings: ['IL006@8'] });
  const out = fixAndCheck(src);
  assert.match(out, /nn\.init\.kaiming_normal_\(self\.fc\.weight, nonlinearity="linear"\)/);
});

test('PyTorch: an existing wrong nn.init call is replaced, not duplicated; zeros weight is IL002', () => {
  const src = `import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(10, 10)
        nn.init.xavier_uniform_(self.a.weight)
        self.b = nn.Linear(10, 10)
        self.b.weight.data.zero_()

    def forward(self, x):
        return torch.relu(self.b(torch.relu(self.a(x))))
`;
  // IL002 is shown on the zero_() call that makes the weights constant (the code to change).
  check(src, { findings: ['IL001@7', 'IL002@10'] });
  const out = fixAndCheck(src);
  assert.ok(out.includes('        nn.init.kaiming_normal_(self.a.weight, nonlinearity="relu")\n        self.b'), out);
  assert.ok(!out.includes('xavier_uniform_'), 'the xavier call was replaced');
  assert.ok(out.includes('nn.init.kaiming_normal_(self.b.weight, nonlinearity="relu")'), out);
  assert.ok(!out.includes('zero_()'), out);
});

test('PyTorch: import of torch.nn added when missing', () => {
  const src = `import torch

model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
`;
  check(src, { findings: ['IL001@3'] });
  const out = fixAndCheck(src);
  assert.ok(out.includes('torch.nn.init.kaiming_normal_(model[0].weight, nonlinearity="relu")'), out);
});

test('torchvision style: conv3x3 helpers, _make_layer, downsample passed to the block, init loop in the root model', () => {
  const src = `import torch.nn as nn

def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)

class BasicBlock(nn.Module):
    expansion = 1
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)

class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10):
        super().__init__()
        self.inplanes = 64
        self.layer1 = self._make_layer(block, 128, layers[0], stride=2)
        self.fc = nn.Linear(128, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))
        layers = [block(self.inplanes, planes, stride, downsample)]
        return nn.Sequential(*layers)

    def forward(self, x):
        return self.fc(self.layer1(x).mean((2, 3)))

def resnet10():
    return ResNet(BasicBlock, [1])
`;
  check(src, {
    layers: [
      { line: 4, layer: 'Conv2d', act: 'relu', norm: 'batchnorm', init: 'he_normal' },
      { line: 28, layer: 'Linear', act: 'linear' },
      { line: 34, layer: 'Conv2d', act: 'relu', norm: 'batchnorm', init: 'he_normal', residual: true },
    ],
    findings: [],
  });
});

test('DCGAN weights_init through model.apply with classname.find filters', () => {
  const src = `import torch.nn as nn

def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(nn.ConvTranspose2d(100, 512, 4, 1, 0, bias=False), nn.BatchNorm2d(512), nn.ReLU(True), nn.ConvTranspose2d(512, 3, 4, 2, 1, bias=False), nn.Tanh())
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        return self.fc(self.main(x))

netG = G()
netG.apply(weights_init)
`;
  const res = check(src, {
    layers: [
      { line: 13, layer: 'ConvTranspose2d', act: 'relu', init: 'random_normal' },
      { line: 13, layer: 'ConvTranspose2d', act: 'tanh', init: 'random_normal' },
      { line: 14, layer: 'Linear', init: 'pytorch_default' },
    ],
  });
  assert.equal(res.layers[0].init.std, 0.02);
  assert.equal(res.layers[0].fanIn, 8192, 'ConvTranspose2d fan_in = out_channels·k·k');
});

test('half-typed code: a broken statement in the middle does not hide the layers around it', () => {
  const src = HEAD + `class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 20)

    def forward(self, x):
        return F.relu(self.fc(x))

x = nn.Linear(3,   # typing...
y = [1, 2

class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(20, 30)

    def forward(self, x):
        return torch.tanh(self.fc(x))
`;
  const res = analyze(src, 'python');
  assert.ok(res.errors.length > 0, 'syntax errors are reported');
  const names = res.layers.map((l) => `${l.name}:${l.activation.name}`);
  assert.ok(names.includes('fc:relu'), names.join());
  assert.ok(names.includes('fc:tanh'), names.join());
});

test('a class derived from nn.Sequential (torchvision ConvBNReLU) and a module-level nn.init call on an instance', () => {
  const src = `import torch.nn as nn

class ConvBNReLU(nn.Sequential):
    def __init__(self, cin, cout, k=3):
        super().__init__(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = ConvBNReLU(3, 32)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        return self.head(self.stem(x).mean((2, 3)))

net = Net()
nn.init.xavier_uniform_(net.head.weight)
`;
  check(src, {
    layers: [
      { line: 5, layer: 'Conv2d', act: 'relu', norm: 'batchnorm', init: 'pytorch_default' },
      { line: 11, layer: 'Linear', act: 'linear', init: 'glorot_uniform' },
    ],
    findings: ['IL001@5'],
  });
  const out = fixAndCheck(src);
  assert.ok(out.includes('nn.init.kaiming_normal_(self[0].weight, nonlinearity="relu")'), out);
});

test('QA regressions: unreadable scales, minus signs, `2.` floats, `;`, named_modules loops, timm trunc_normal_, **kwargs, CRLF', () => {
  // a std InitLens cannot evaluate is not replaced by a default (no IL003 "explodes")
  check(HEAD + `class M(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.fc = nn.Linear(768, 768)
        nn.init.normal_(self.fc.weight, std=config.initializer_range)

    def forward(self, x):
        return F.gelu(self.fc(x))
`, { layers: [{ line: 8, init: 'random_normal' }], findings: [] });
  // minus signs and `2.`-style floats are numbers
  const r = check(HEAD + `class N(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(256, 256); self.b = nn.Linear(256, 256)
        nn.init.normal_(self.a.weight, 0., (2. / 256) ** .5)
        nn.init.uniform_(self.b.weight, -(6 / 256) ** 0.5, (6 / 256) ** 0.5)

    def forward(self, x):
        return F.relu(self.b(F.relu(self.a(x))))
`, { findings: [] });
  assert.ok(Math.abs((r.layers[0].init.std ?? 0) - Math.sqrt(2 / 256)) < 1e-12);
  assert.ok(Math.abs((r.layers[1].init.minval ?? 0) + Math.sqrt(6 / 256)) < 1e-12);
  // named_modules() loops and timm's trunc_normal_
  check(`import torch.nn as nn
from timm.models.layers import trunc_normal_

class V(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        for name, m in self.named_modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        self.head = nn.Linear(64, 64)
        trunc_normal_(self.head.weight, std=0.02)

    def forward(self, x):
        return self.head(self.fc(x).relu())
`, { layers: [{ line: 7, init: 'he_normal' }, { line: 11, init: 'truncated_normal' }], findings: [] });
  // CRLF files get CRLF lines
  const crlf = HEAD.replace(/\n/g, '\r\n') + 'class C(nn.Module):\r\n    def __init__(self):\r\n        super().__init__()\r\n        self.fc = nn.Linear(8, 8)\r\n\r\n    def forward(self, x):\r\n        return F.relu(self.fc(x))\r\n';
  const out = fixAndCheck(crlf);
  assert.ok(!/[^\r]\n/.test(out), 'no bare LF introduced');
});

test('QA regressions: Keras positional activation, **kwargs, leaky_relu string slope, Flatten loses the channel count', () => {
  check(`from keras import layers
kw = dict(kernel_initializer="he_normal")
a = layers.Dense(64, "relu")
b = layers.Dense(64, activation="relu", **kw)
c = layers.Dense(64, activation="leaky_relu")
`, { layers: [{ line: 3, act: 'relu' }, { line: 4, act: 'relu', init: 'unknown' }, { line: 5, act: 'leaky_relu' }], findings: ['IL001@3', 'IL001@5'] });
  const r = check(`import keras
from keras import layers
m = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(64, 3, activation="relu", kernel_initializer="he_normal"), layers.Flatten(), layers.Dense(10)])
`, {});
  assert.equal(r.layers[1].fanIn, null, 'fan_in after Flatten is unknown, not the channel count');
});

test('a model built under `if __name__ == "__main__":` gets its fix inside that block', () => {
  const src = `import torch
from torch import nn

if __name__ == "__main__":
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    print(model(torch.randn(3, 10)))
`;
  const out = fixAndCheck(src);
  assert.ok(out.includes(`    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
    nn.init.kaiming_normal_(model[0].weight, nonlinearity="relu")
    nn.init.zeros_(model[0].bias)
    print(model(torch.randn(3, 10)))`), out);
});

test('stacked RNN: orthogonalizing only weight_hh_l0 leaves IL005, and the fix covers every layer after it', () => {
  const src = `import torch.nn as nn

class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(32, 64, num_layers=2, batch_first=True)
        nn.init.orthogonal_(self.rnn.weight_hh_l0)

    def forward(self, x):
        return self.rnn(x)[0]
`;
  const r = check(src, { findings: ['IL005@6'] });
  assert.match(r.findings[0].message, /weight_hh_l1/);
  const out = fixAndCheck(src);
  assert.ok(out.includes(`        nn.init.orthogonal_(self.rnn.weight_hh_l0)
        for param_name, param in self.rnn.named_parameters():`), out);
  // one layer: weight_hh_l0 is all there is
  check(src.replace('num_layers=2, ', ''), { findings: [] });
});

test('layers built in a loop into nn.Sequential(*layers): findings, but no fix on an unstable index', () => {
  const src = `import torch.nn as nn

class MLP(nn.Module):
    def __init__(self, in_dim=784, hidden=(512, 256), out_dim=10):
        super().__init__()
        layers = []
        for h in hidden:
            layers += [nn.Linear(in_dim, h), nn.ReLU()]
            in_dim = h
        layers.append(nn.Linear(in_dim, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
`;
  const r = check(src, { findings: ['IL001@8'] });
  assert.equal(r.layers[0].template, true);
  // not `self.net[0]` (the first copy only): an init loop over every copy, the head (built once, last) left out
  const out = fixAndCheck(src);
  assert.match(
    out,
    /        self\.net = nn\.Sequential\(\*layers\)\n        for m in self\.net\[:-1\]\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n                nn\.init\.zeros_\(m\.bias\)\n\n/,
  );
  check(out, { layers: [{ line: 8, init: 'he_normal' }, { line: 10, init: 'pytorch_default', act: 'linear' }], findings: [] });
});

test('add_module / register_module / setattr with a literal name are attributes; computed names still build layers', () => {
  const src = HEAD + `class Net(nn.Module):
    def __init__(self, d=64, depth=3):
        super().__init__()
        self.add_module('fc1', nn.Linear(d, 128))
        self.register_module("fc2", nn.Linear(128, 128))
        setattr(self, 'head', nn.Linear(128, 10))
        for i in range(depth):
            self.add_module(f'block{i}', nn.Linear(128, 128))
        self.depth = depth

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        for i in range(self.depth):
            x = F.relu(getattr(self, f'block{i}')(x))
        return self.head(x)


seq = nn.Sequential()
seq.add_module('fc', nn.Linear(10, 20))
seq.add_module('act', nn.ReLU())
seq.add_module('out', nn.Linear(20, 1))
`;
  const r = check(src, {
    layers: [
      { line: 8, name: 'fc1', act: 'relu', fanIn: 64 },
      { line: 9, name: 'fc2', act: 'tanh' },
      { line: 10, name: 'head', act: 'linear' },
      { line: 12, act: 'relu' },
      { line: 24, name: 'fc', act: 'relu' },
      { line: 26, name: 'out', act: 'linear' },
    ],
    findings: ['IL001@8', 'IL001@9', 'IL001@12', 'IL001@24'],
  });
  assert.equal(r.layers[3].template, true);
  assert.equal(r.findings[2].fixes.length, 0, 'a layer registered under a computed name in a loop has no safe place for a fix');
  const out = fixAndCheck(src);
  assert.match(out, /self\.add_module\('fc1', nn\.Linear\(d, 128\)\)\n        nn\.init\.kaiming_normal_\(self\.fc1\.weight, nonlinearity='relu'\)\n        nn\.init\.zeros_\(self\.fc1\.bias\)\n/);
  assert.match(out, /self\.register_module\("fc2", nn\.Linear\(128, 128\)\)\n        nn\.init\.xavier_normal_\(self\.fc2\.weight\)\n/);
  assert.match(out, /seq\.add_module\('fc', nn\.Linear\(10, 20\)\)\nnn\.init\.kaiming_normal_\(seq\.fc\.weight, nonlinearity='relu'\)\n/);
  check(out, { findings: ['IL001@16'] });
});

test('if/else: disagreeing activations are unknown unless the condition is known (default not overridden, module constant)', () => {
  const src = HEAD + `USE_TANH = True


class A(nn.Module):
    def __init__(self, d=64, act="relu"):
        super().__init__()
        self.fc = nn.Linear(d, d)
        if act == "relu":
            self.act = nn.ReLU()
        else:
            self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))


class B(nn.Module):
    def __init__(self, d=64, act="relu"):
        super().__init__()
        self.fc = nn.Linear(d, d)
        if act == "relu":
            self.act = nn.ReLU()
        else:
            self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))


class C(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.fc = nn.Linear(d, d)
        if not USE_TANH:
            self.act = nn.ReLU()
        else:
            self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))


class D(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 64)
        if cfg.act == "gelu":
            self.act = nn.GELU()
        elif cfg.act == "relu":
            self.act = nn.ReLU()
        else:
            self.act = nn.ReLU6()
        if cfg.wide:
            self.act2 = nn.ReLU()
        else:
            self.act2 = nn.ReLU6(inplace=True)

    def forward(self, x):
        return self.act2(self.fc2(self.act(self.fc(x))))


class E(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.act == "relu":
            self.fc = nn.Linear(64, 64)
            nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
            self.act = nn.ReLU()
        else:
            self.fc = nn.Linear(64, 64)
            nn.init.xavier_normal_(self.fc.weight)
            self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))


m = B(act="tanh")
`;
  check(src, {
    layers: [
      { line: 11, act: 'relu' }, // A: act="relu" by default, no caller passes act
      { line: 24, act: 'unknown' }, // B: B(act="tanh") below
      { line: 37, act: 'tanh' }, // C: module constant
      { line: 50, name: 'fc', act: 'unknown' }, // D: GELU or ReLU
      { line: 51, name: 'fc2', act: 'relu' }, // ReLU and ReLU6 agree
      { line: 71, act: 'unknown', init: 'he_normal' }, // E: a layer per branch, each with its own activation
      { line: 75, act: 'unknown', init: 'glorot_normal' },
    ],
    // (C's tanh layer is the model's output: a tanh readout is not judged)
    findings: ['IL001@11', 'IL001@51'],
  });
});

test('if/else: optional layers (None / nn.Identity() in the other branch) keep their forward activation and get a fix inside the branch', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, use_proj=False, d=64):
        super().__init__()
        self.fc = nn.Linear(d, d)
        if use_proj:
            self.proj = nn.Linear(d, d)
        else:
            self.proj = None
        self.out = nn.Linear(d, 1)

    def forward(self, x):
        x = F.relu(self.fc(x))
        if self.proj is not None:
            x = F.relu(self.proj(x))
        return self.out(x)


class Net2(nn.Module):
    def __init__(self, hidden=None):
        super().__init__()
        if hidden:
            self.fc = nn.Linear(32, hidden)
        else:
            self.fc = nn.Identity()
        self.out = nn.Linear(hidden or 32, 1)

    def forward(self, x):
        return self.out(F.relu(self.fc(x)))
`;
  check(src, {
    layers: [
      { line: 8, name: 'fc', act: 'relu' },
      { line: 10, name: 'proj', act: 'relu' },
      { line: 13, name: 'out', act: 'linear' },
      { line: 26, name: 'fc', act: 'relu' },
      { line: 29, name: 'out', act: 'linear' },
    ],
    findings: ['IL001@8', 'IL001@10', 'IL001@26'],
  });
  const out = fixAndCheck(src);
  assert.match(out, /            self\.proj = nn\.Linear\(d, d\)\n            nn\.init\.kaiming_normal_\(self\.proj\.weight, nonlinearity="relu"\)\n            nn\.init\.zeros_\(self\.proj\.bias\)\n        else:\n/);
  assert.match(out, /            self\.fc = nn\.Linear\(32, hidden\)\n            nn\.init\.kaiming_normal_\(self\.fc\.weight, nonlinearity="relu"\)\n/);
});

test('if/else in forward: an activation applied in one branch only is unknown; a returning branch is not merged', () => {
  const src = HEAD + `class Net(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.a = nn.Linear(d, d)
        self.b = nn.Linear(d, d)
        self.c = nn.Linear(d, d)

    def forward(self, x, use_act=True):
        x = self.a(x)
        if use_act:
            x = F.relu(x)
        h = self.b(x)
        if self.training:
            return torch.tanh(h)
        h = torch.tanh(h)
        return self.c(h)
`;
  check(src, {
    layers: [
      { line: 8, name: 'a', act: 'unknown' },
      { line: 9, name: 'b', act: 'tanh' },
      { line: 10, name: 'c', act: 'linear' },
    ],
    findings: ['IL001@9'],
  });
});

test('loop-built nn.Sequential(*layers) and factory functions: one init loop after the container (or before `return`), only when every layer it touches wants that init', () => {
  const src = `import torch
import torch.nn as nn

cfg = [64, 64, "M", 128, 128, "M"]


class VGG(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        layers = []
        in_ch = 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(in_ch, v, 3, padding=1, bias=False), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                in_ch = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.features(x)
        return self.classifier(torch.flatten(x, 1))


def make_mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers.append(nn.Linear(a, b))
        layers.append(nn.GELU())
    return nn.Sequential(*layers)


def make_mixed(sizes):
    # a ReLU layer first, tanh after the loop-built ones: no single init fits every Linear
    blocks = [nn.Linear(8, 8), nn.ReLU()]
    for a, b in zip(sizes[:-1], sizes[1:]):
        blocks += [nn.Linear(a, b), nn.Tanh()]
    blocks.append(nn.Linear(8, 1))
    return nn.Sequential(*blocks)


class Odd(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        for _ in range(3):
            layers += [nn.Linear(16, 16), nn.ReLU()]
        layers.append(nn.TransformerEncoderLayer(16, 2))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


trunk = make_mlp([32, 64, 64])
mixed = make_mixed([8, 8, 8])
`;
  const r = check(src, { findings: ['IL001@16', 'IL001@29', 'IL001@36', 'IL001@38', 'IL001@48'] });
  const fixes = (line: number) => r.findings.find((f) => lineOfSpan(src, f.span.from) === line)?.fixes ?? [];
  assert.equal(fixes(16).length, 2, 'he_normal and he_uniform');
  assert.equal(fixes(36).length, 2, 'the first Linear has a stable index: mixed[0]');
  assert.equal(fixes(38).length, 0, 'ReLU and tanh layers in one container: no common init');
  assert.equal(fixes(48).length, 0, 'a container holding a module the engine does not model (its Linear layers would be touched too)');
  const out = fixAndCheck(src);
  assert.match(
    out,
    /        self\.features = nn\.Sequential\(\*layers\)\n        for m in self\.features\.modules\(\):\n            if isinstance\(m, nn\.Conv2d\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n        self\.classifier/,
    'bias=False: no zeros_(m.bias)',
  );
  assert.match(
    out,
    /    net = nn\.Sequential\(\*layers\)\n    for m in net\.modules\(\):\n        if isinstance\(m, nn\.Linear\):\n            nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n            nn\.init\.zeros_\(m\.bias\)\n    return net\n/,
  );
  assert.match(out, /    return nn\.Sequential\(\*blocks\)\n/, 'make_mixed: no init loop');
  assert.match(out, /\nnn\.init\.kaiming_normal_\(mixed\[0\]\.weight, nonlinearity="relu"\)\n/);
});

function lineOfSpan(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

test('GLU: nn.GLU, F.glu and a·sigmoid(b) over chunks of one layer are not judged as sigmoid (no finding on a guess)', () => {
  const src = HEAD + `class GatedFFN(nn.Module):
    def __init__(self, d=256):
        super().__init__()
        self.proj = nn.Linear(d, 2 * d)
        nn.init.kaiming_normal_(self.proj.weight, nonlinearity="relu")
        self.glu = nn.GLU()
        self.gate = nn.Linear(d, 2 * d)
        nn.init.kaiming_normal_(self.gate.weight, nonlinearity="relu")
        self.fc = nn.Linear(d, 2 * d)
        nn.init.kaiming_normal_(self.fc.weight, nonlinearity="relu")
        self.pair = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, d)

    def forward(self, x):
        h = self.glu(self.proj(x))
        h = F.glu(self.gate(h), dim=-1)
        a, b = self.fc(h).chunk(2, dim=-1)
        h = a * torch.sigmoid(b)
        u, v = self.pair(h).chunk(2, dim=-1)
        h = F.relu(u) + F.relu(v)
        return self.out(h)
`;
  check(src, {
    layers: [
      { name: 'proj', act: 'unknown' },
      { name: 'gate', act: 'unknown' },
      { name: 'fc', act: 'unknown' },
      { name: 'pair', act: 'relu' },
      { name: 'out', act: 'linear' },
    ],
    findings: ['IL001@15'],
  });
});

test('conditional expressions: `a if c else b` is merged like an if/else', () => {
  const src = HEAD + `class A(nn.Module):
    def __init__(self, d=64, use_gelu=False, proj=True):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.act = nn.GELU() if use_gelu else nn.ReLU()
        self.proj = nn.Linear(d, d) if proj else nn.Identity()
        self.out = nn.Linear(d, 1)

    def forward(self, x):
        x = self.act(self.fc(x))
        x = F.relu(self.proj(x))
        return self.out(x)


class B(nn.Module):
    def __init__(self, d=64, act="relu"):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.act = nn.ReLU() if act == "relu" else nn.Tanh()
        self.g = nn.Linear(d, d)
        self.h = nn.Linear(d, d)

    def forward(self, x, gate=False):
        x = self.act(self.fc(x))
        y = self.g(x)
        y = torch.sigmoid(y) if gate else y
        return self.h(y)


b = B(act="tanh")
`;
  check(src, {
    layers: [
      { line: 8, name: 'fc', act: 'relu' }, // use_gelu=False and no caller passes it
      { line: 10, name: 'proj', act: 'relu' },
      { line: 11, name: 'out', act: 'linear' },
      { line: 22, name: 'fc', act: 'unknown' }, // B(act="tanh") below
      { line: 24, name: 'g', act: 'unknown' }, // sigmoid or nothing before h
      { line: 25, name: 'h', act: 'linear' },
    ],
    findings: ['IL001@8', 'IL001@10'],
  });
});

test('parser: `is not`, `not in` and slices keep their meaning', () => {
  const src = HEAD + `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 8)
        self.b = nn.Linear(8, 8)
        self.net = nn.Sequential(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU())
        for name, p in self.named_parameters():
            if "bias" not in name:
                nn.init.xavier_uniform_(p)
        nn.init.kaiming_normal_(self.net[2:][0].weight, nonlinearity="relu")

    def forward(self, x):
        return self.net(torch.tanh(self.b(torch.tanh(self.a(x)))))
`;
  check(src, {
    layers: [
      { name: 'a', init: 'glorot_uniform', act: 'tanh' },
      { name: 'b', init: 'glorot_uniform', act: 'tanh' },
      { line: 10, init: 'glorot_uniform', act: 'tanh' },
      { line: 10, init: 'he_normal', act: 'relu' }, // net[2:][0] is net[2], not net[0]
    ],
  });
});

test('a helper returning different activations from its branches: the known branch, or unknown', () => {
  const src = `import torch.nn as nn


def get_act(name):
    if name == "relu":
        return nn.ReLU()
    elif name == "gelu":
        return nn.GELU()
    return nn.Tanh()


class A(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc = nn.Linear(64, 64)
        self.act = get_act(cfg.act)
        self.fc2 = nn.Linear(64, 64)
        self.act2 = get_act("gelu")
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        return self.out(self.act2(self.fc2(self.act(self.fc(x)))))
`;
  check(src, {
    layers: [
      { name: 'fc', act: 'unknown' },
      { name: 'fc2', act: 'gelu' },
      { name: 'out', act: 'linear' },
    ],
    findings: ['IL001@17'],
  });
});

test('getattr(self, name) in a loop over literal names reaches every one of them', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.fc2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)
        for name in ("fc1", "fc2"):
            nn.init.kaiming_normal_(getattr(self, name).weight, nonlinearity="relu")

    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))
`;
  check(src, {
    layers: [
      { name: 'fc1', act: 'relu', init: 'he_normal' },
      { name: 'fc2', act: 'relu', init: 'he_normal' },
      { name: 'out', act: 'linear' },
    ],
    findings: [],
  });
});

test('blocks built in a loop as nn.Sequential(conv, bn, relu), then nn.Sequential(*blocks): the init loop goes after the outer container', () => {
  const src = `import torch.nn as nn


class Net(nn.Module):
    def __init__(self, widths=(32, 64, 128), num_classes=10):
        super().__init__()
        blocks = []
        c = 3
        for w in widths:
            blocks.append(nn.Sequential(nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True)))
            c = w
        blocks.append(nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()))
        blocks.append(nn.Linear(c, num_classes))
        self.body = nn.Sequential(*blocks)

    def forward(self, x):
        return self.body(x)
`;
  check(src, { findings: ['IL001@10'] });
  const out = fixAndCheck(src);
  assert.match(
    out,
    /        self\.body = nn\.Sequential\(\*blocks\)\n        for m in self\.body\.modules\(\):\n            if isinstance\(m, nn\.Conv2d\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n\n/,
  );
});

test('nn.ModuleList filled by .append/.extend in a loop: one init loop over its modules after the loop, a head appended after it left out with [:-1]', () => {
  const src = `import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, d=64, n=3):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(n):
            self.layers.append(nn.Linear(d, d))
        self.head = nn.Linear(d, 1)

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.head(x)


class Extended(nn.Module):
    def __init__(self, d=32, n=2):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.blocks.extend([nn.Linear(d, d) for _ in range(n)])

    def forward(self, x):
        for b in self.blocks:
            x = torch.relu(b(x))
        return x


class Tower(nn.Module):
    def __init__(self, dims=(32, 64, 64), n_out=3):
        super().__init__()
        self.layers = nn.ModuleList()
        for a, b in zip(dims[:-1], dims[1:]):
            self.layers.append(nn.Sequential(nn.Linear(a, b), nn.ReLU()))
        self.layers.append(nn.Linear(dims[-1], n_out))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Odd(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(2):
            self.layers.append(nn.Linear(d, d))
            self.layers.append(nn.TransformerEncoderLayer(d, 2))

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return x
`;
  const r = check(src, {
    layers: [
      { line: 10, act: 'relu', init: 'pytorch_default', fanIn: 64 },
      { line: 11, name: 'head', act: 'linear' },
      { line: 23, act: 'relu', fanIn: 32 },
      { line: 36, act: 'relu', fanIn: null, fanOut: 64 },
      { line: 37, act: 'linear', init: 'pytorch_default', fanIn: 64 },
      { line: 50, act: 'relu' },
    ],
    findings: ['IL001@10', 'IL001@23', 'IL001@36', 'IL001@50'],
  });
  const fixes = (line: number) => r.findings.find((f) => lineOfSpan(src, f.span.from) === line)?.fixes ?? [];
  assert.equal(fixes(10).length, 2, 'he_normal and he_uniform');
  assert.equal(fixes(50).length, 0, 'the list also holds a module the engine does not model');
  const out = fixAndCheck(src);
  assert.match(
    out,
    /            self\.layers\.append\(nn\.Linear\(d, d\)\)\n        for m in self\.layers\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n                nn\.init\.zeros_\(m\.bias\)\n        self\.head = nn\.Linear\(d, 1\)\n/,
  );
  assert.match(
    out,
    /        self\.blocks\.extend\(\[nn\.Linear\(d, d\) for _ in range\(n\)\]\)\n        for m in self\.blocks\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n/,
  );
  assert.match(
    out,
    /        self\.layers\.append\(nn\.Linear\(dims\[-1\], n_out\)\)\n        for m in self\.layers\[:-1\]\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n                nn\.init\.zeros_\(m\.bias\)\n\n/,
  );
  check(out, {
    layers: [
      { line: 10, act: 'relu', init: 'he_normal' },
      { line: 15, name: 'head', act: 'linear', init: 'pytorch_default' },
      { line: 27, act: 'relu', init: 'he_normal' },
      { line: 44, act: 'relu', init: 'he_normal' },
      { line: 45, act: 'linear', init: 'pytorch_default' },
      { line: 62, act: 'relu', init: 'pytorch_default' },
    ],
    findings: ['IL001@62'],
  });
});

test('PyTorch layers built in a loop over known widths: fans unknown when the iterations differ, the layer after the loop gets the last width', () => {
  const src = `import torch
import torch.nn as nn

HIDDEN = [256, 128, 64]


class Net(nn.Module):
    def __init__(self, d_in=784, out=10):
        super().__init__()
        layers = []
        prev = d_in
        for h in HIDDEN:
            layers.append(nn.Linear(prev, h))
            layers.append(nn.ReLU())
            prev = h
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(prev, out)

    def forward(self, x):
        return self.head(self.body(x))


class Deep(nn.Module):
    def __init__(self, d_in=20, width=64, depth=3):
        super().__init__()
        layers = []
        d = d_in
        for _ in range(depth):
            layers += [nn.Linear(d, width), nn.ReLU()]
            d = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(d, 1)

    def forward(self, x):
        return self.head(self.body(x))


class Pairs(nn.Module):
    def __init__(self, sizes=(32, 32, 32)):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        blocks = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            blocks.append(nn.Linear(a, b))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for layer in self.layers:
            x = torch.tanh(layer(x))
        for b in self.blocks:
            x = torch.tanh(b(x))
        return x
`;
  check(src, {
    layers: [
      { line: 13, act: 'relu', fanIn: null, fanOut: null },
      { line: 17, name: 'head', act: 'linear', fanIn: 64, fanOut: 10 },
      // 20 → 64, then 64 → 64
      { line: 29, act: 'relu', fanIn: null, fanOut: 64 },
      { line: 32, name: 'head', act: 'linear', fanIn: 64, fanOut: 1 },
      // every pair is 32 → 32
      { line: 41, act: 'tanh', fanIn: 32, fanOut: 32 },
      { line: 44, act: 'tanh', fanIn: 32, fanOut: 32 },
    ],
  });
  const out = fixAndCheck(src);
  assert.match(
    out,
    /        self\.body = nn\.Sequential\(\*layers\)\n        for m in self\.body\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n                nn\.init\.zeros_\(m\.bias\)\n        self\.head = nn\.Linear\(prev, out\)\n/,
  );
  const after = analyze(out, 'python');
  assert.deepEqual(
    after.layers.slice(0, 2).map((l) => [l.init.name, l.activation.name, l.fanIn]),
    [
      ['he_normal', 'relu', null],
      ['pytorch_default', 'linear', 64],
    ],
  );
});

test('user modules constructed with sizes: fans from the construction site (positional, keyword, expressions, module constants, defaults); sites that disagree leave them unknown', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F

CFG_DIM = 256


class SwiGLU(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(dim, hidden, bias=False)
        self.w3 = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.w3(F.silu(self.w1(x)) * self.w2(x))


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.mlp = SwiGLU(dim, 4 * dim)

    def forward(self, x):
        return x + self.mlp(self.norm(x))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(dim=512)

    def forward(self, x):
        return self.block(x)


class Head(nn.Module):
    def __init__(self, d_model, n_out=10):
        super().__init__()
        self.proj = nn.Linear(d_model, n_out)

    def forward(self, x):
        return self.proj(x)


class Proj(nn.Module):
    def __init__(self, d_in, d_out=64):
        super().__init__()
        self.fc = nn.Linear(d_in, d_out)

    def forward(self, x):
        return F.relu(self.fc(x))


class TwoProj(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Proj(128)
        self.b = Proj(d_in=256)

    def forward(self, x):
        return self.a(x) + self.b(x)


head = Head(d_model=CFG_DIM)
`;
  check(src, {
    layers: [
      // Model() builds Block(dim=512), which builds SwiGLU(512, 4 * 512)
      { line: 10, name: 'w1', act: 'silu', fanIn: 512, fanOut: 2048 },
      { line: 11, name: 'w2', fanIn: 512, fanOut: 2048 },
      { line: 12, name: 'w3', act: 'linear', fanIn: 2048, fanOut: 512 },
      // head = Head(d_model=CFG_DIM) and the default n_out
      { line: 40, name: 'proj', act: 'linear', fanIn: 256, fanOut: 10 },
      // Proj(128) and Proj(d_in=256): fan_in differs between the sites, fan_out is 64 in both
      { line: 49, name: 'fc', act: 'relu', fanIn: null, fanOut: 64 },
    ],
  });
  const r = analyze(src, 'python');
  const w1 = r.findings.find((f) => f.layer !== null && r.layers[f.layer]?.name === 'w1');
  assert.ok(w1);
  assert.match(w1.message, /fan_in=512, fan_out=2048/);
  const fc = r.findings.find((f) => /fan_in = fan_out|assuming/.test(f.message));
  assert.ok(fc, 'the disagreeing Proj sites: the message assumes fan_in = fan_out');
});

test('nn.ModuleList built by a comprehension of nn.Sequential blocks, then a head appended: one init loop over [:-1]; the head stays linear', () => {
  const src = `import torch
import torch.nn as nn


class Blocks(nn.Module):
    def __init__(self, d=32, n=3):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(d, d), nn.ReLU()) for _ in range(n)])
        self.blocks.append(nn.Linear(d, 2))

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x


class Heads(nn.Module):
    def __init__(self, d=32, n=3):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(n)])
        self.layers.append(nn.Linear(d, 2))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)
`;
  check(src, {
    layers: [
      { line: 8, act: 'relu', fanIn: 32 },
      { line: 9, act: 'linear', fanOut: 2 },
      { line: 20, act: 'relu', fanIn: 32 },
      { line: 21, act: 'linear', fanOut: 2 },
    ],
    findings: ['IL001@8', 'IL001@20'],
  });
  const out = fixAndCheck(src);
  assert.match(
    out,
    /        self\.blocks\.append\(nn\.Linear\(d, 2\)\)\n        for m in self\.blocks\[:-1\]\.modules\(\):\n            if isinstance\(m, nn\.Linear\):\n                nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n                nn\.init\.zeros_\(m\.bias\)\n\n/,
  );
  assert.match(out, /        self\.layers\.append\(nn\.Linear\(d, 2\)\)\n        for m in self\.layers\[:-1\]\.modules\(\):\n/);
  check(out, {
    layers: [
      { line: 8, act: 'relu', init: 'he_normal' },
      { line: 9, act: 'linear', init: 'pytorch_default' },
      { line: 24, act: 'relu', init: 'he_normal' },
      { line: 25, act: 'linear', init: 'pytorch_default' },
    ],
    findings: [],
  });
});

test('a user module constructed once with a size the engine cannot read and once with a number: that fan is unknown, not the readable site’s', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F


class Proj(nn.Module):
    def __init__(self, d_in, d_out=64):
        super().__init__()
        self.fc = nn.Linear(d_in, d_out)

    def forward(self, x):
        return F.relu(self.fc(x))


class Two(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.a = Proj(128)
        self.b = Proj(cfg.dim)

    def forward(self, x):
        return self.a(x) + self.b(x)
`;
  check(src, { layers: [{ line: 8, name: 'fc', act: 'relu', fanIn: null, fanOut: 64 }], findings: ['IL001@8'] });
});

test('an init loop over several containers (for seq in [self.encoder, self.decoder]: for m in seq.modules(), or for m in seq) sets their init (QA 2026-11-28 #2, #14)', () => {
  // over each container's modules, or iterating each container directly
  for (const members of ['seq.modules()', 'seq']) {
    const src = `import torch.nn as nn


class AE(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 3))
        self.decoder = nn.Sequential(nn.Linear(3, hidden), nn.ReLU(), nn.Linear(hidden, 784))
        for seq in (self.encoder, self.decoder):
            for m in ${members}:
                if isinstance(m, nn.Linear):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.decoder(self.encoder(x))
`;
    check(src, {
      layers: [
        { line: 7, act: 'relu', init: 'he_normal' },
        { line: 7, act: 'linear', init: 'he_normal' },
        { line: 8, act: 'relu', init: 'he_normal' },
        { line: 8, act: 'linear', init: 'he_normal' },
      ],
      findings: [],
    });
  }
});

test('model = Net().to(device); model.apply(init_weights): the init reaches the model (PyTorch quickstart, QA 2026-11-28 #3)', () => {
  const src = `import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


model = NeuralNetwork().to(device).train()


def init_weights(m):
    if type(m) == nn.Linear:
        torch.nn.init.kaiming_uniform_(m.weight, nonlinearity='relu')
        m.bias.data.fill_(0.01)


model.apply(init_weights)
net = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1)).cuda()
nn.init.kaiming_normal_(net[0].weight, nonlinearity="relu")
`;
  check(src, {
    layers: [
      { line: 12, act: 'relu', init: 'he_uniform' },
      { line: 14, act: 'linear', init: 'he_uniform' },
      { line: 31, act: 'relu', init: 'he_normal' },
      { line: 31, act: 'linear', init: 'pytorch_default' },
    ],
    findings: [],
  });
});

test('a class passed as a value (functools.partial(Block, act="tanh"), block=BasicBlock) does not have its constructor defaults read as fixed (QA 2026-11-28 #5)', () => {
  const src = `from functools import partial
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, dim, act="relu"):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.act = nn.ReLU() if act == "relu" else nn.Tanh()
        nn.init.xavier_uniform_(self.fc.weight)

    def forward(self, x):
        return self.act(self.fc(x))


class Net(nn.Module):
    def __init__(self, dim=64, depth=3, block_fn=partial(Block, act="tanh")):
        super().__init__()
        self.blocks = nn.Sequential(*[block_fn(dim) for _ in range(depth)])
        self.head = nn.Linear(dim, 1)

    def forward(self, x):
        return self.head(self.blocks(x))
`;
  check(src, { layers: [{ line: 8, act: 'unknown' }, { line: 20, act: 'linear' }], findings: [] });
});

test('PyTorch fix after `stmt; more` goes between the two, and none is offered for a one-line `if x: self.proj = ...` (QA 2026-11-28 #6)', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, proj=True):
        super().__init__()
        self.fc = nn.Linear(64, 64); self.out = nn.Linear(64, 1)
        if proj: self.proj = nn.Linear(64, 64)

    def forward(self, x):
        x = F.relu(self.fc(x))
        x = F.relu(self.proj(x))
        return self.out(x)


def mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers.extend([nn.Linear(a, b), nn.ReLU()])
    model = nn.Sequential(*layers); return model
`;
  const res = check(src, { findings: ['IL001@8', 'IL001@9', 'IL001@20'] });
  assert.equal(res.findings[1].fixes.length, 0, 'a fix after a one-line if would run when the layer was not built');
  const out = fixAndCheck(src);
  assert.match(out, /        self\.fc = nn\.Linear\(64, 64\)\n        nn\.init\.kaiming_normal_\(self\.fc\.weight, nonlinearity="relu"\)\n        nn\.init\.zeros_\(self\.fc\.bias\)\n        self\.out = nn\.Linear\(64, 1\)\n        if proj: self\.proj = nn\.Linear\(64, 64\)\n/);
  assert.match(out, /    model = nn\.Sequential\(\*layers\)\n    for m in model\.modules\(\):\n        if isinstance\(m, nn\.Linear\):\n            nn\.init\.kaiming_normal_\(m\.weight, nonlinearity="relu"\)\n            nn\.init\.zeros_\(m\.bias\)\n    return model\n/);
});

test('init chosen by if/elif on a config string: a known default picks its arm, an unknown one leaves the init unknown (QA 2026-11-28 #7)', () => {
  const net = (calls: string) => `import torch.nn as nn


class Net(nn.Module):
    def __init__(self, init="kaiming"):
        super().__init__()
        self.fc1 = nn.Linear(128, 128)
        self.fc2 = nn.Linear(128, 10)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                if init == "kaiming":
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                elif init == "xavier":
                    nn.init.xavier_uniform_(m.weight)
                else:
                    nn.init.normal_(m.weight, std=0.02)

    def forward(self, x):
        return self.fc2(self.fc1(x).relu())

${calls}
`;
  check(net('a = Net()'), { layers: [{ line: 7, act: 'relu', init: 'he_normal' }, { line: 8, init: 'he_normal' }], findings: [] });
  check(net('a = Net()\nb = Net(init="xavier")'), { layers: [{ line: 7, act: 'relu', init: 'unknown' }, { line: 8, init: 'unknown' }], findings: [] });
});

test('`act is True` with a known default decides a conditional expression (YOLO Conv: default_act if act is True else ...) (QA 2026-11-28 #8)', () => {
  const src = `import torch.nn as nn


class Conv(nn.Module):
    default_act = nn.SiLU()

    def __init__(self, c1, c2, k=1, s=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = self.default_act if act is True else act if isinstance(act, nn.Module) else nn.Identity()
        nn.init.kaiming_normal_(self.conv.weight, nonlinearity="relu")

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))
`;
  check(src, { layers: [{ line: 9, act: 'silu', init: 'he_normal', norm: 'batchnorm' }], findings: [] });
});

test('an undecided `if self.downsample is not None: identity = self.downsample(x)` keeps the residual (QA 2026-11-28 #5b)', () => {
  const src = `import torch.nn as nn


class BasicBlock(nn.Module):
    def __init__(self, planes, downsample=None):
        super().__init__()
        self.conv = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.bn(self.conv(x))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block=BasicBlock):
        super().__init__()
        self.layer1 = nn.Sequential(block(64), block(64))
`;
  check(src, { layers: [{ line: 7, act: 'relu', norm: 'batchnorm', residual: true }] });
});

test('a conditional bias (bias=not norm, nn.Linear(a, b, use_bias)) is zeroed only if it exists; bias=False positional gets none (QA 2026-11-28 #9)', () => {
  const src = `import torch.nn as nn


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, norm=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=not norm)
        self.norm = nn.BatchNorm2d(cout) if norm else nn.Identity()
        self.act = nn.ReLU(inplace=True)
        self.fc = nn.Linear(cout, cout, False)

    def forward(self, x):
        return self.fc(self.act(self.norm(self.conv(x))).mean((2, 3))).relu()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.b1 = ConvBlock(3, 32, norm=False)
        self.b2 = ConvBlock(32, 64)
`;
  const out = fixAndCheck(src);
  assert.match(out, /        nn\.init\.kaiming_normal_\(self\.conv\.weight, nonlinearity="relu"\)\n        if self\.conv\.bias is not None:\n            nn\.init\.zeros_\(self\.conv\.bias\)\n/);
  assert.match(out, /        nn\.init\.kaiming_normal_\(self\.fc\.weight, nonlinearity="relu"\)\n\n/);
  assert.doesNotMatch(out, /zeros_\(self\.fc\.bias\)/);
});

test('a layer built in a branch the condition rules out (cell="lstm": nn.GRU in the else) is still reached by the init code after the if (QA 2026-11-28 #11)', () => {
  const src = `import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab, emb=128, hid=256, cell="lstm"):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        if cell == "lstm":
            self.rnn = nn.LSTM(emb, hid, batch_first=True)
        else:
            self.rnn = nn.GRU(emb, hid, batch_first=True)
        self.fc = nn.Linear(hid, hid)
        for name, p in self.rnn.named_parameters():
            if "weight_hh" in name:
                nn.init.orthogonal_(p)

    def forward(self, x):
        out, _ = self.rnn(self.embed(x))
        return torch.tanh(self.fc(out[:, -1]))
`;
  check(src, {
    layers: [
      { line: 8, layer: 'Embedding' },
      { line: 10, layer: 'LSTM', recInit: 'orthogonal' },
      { line: 12, layer: 'GRU', recInit: 'orthogonal' },
      { line: 13, layer: 'Linear', act: 'tanh' },
    ],
    findings: [],
  });
});

test('module constants bound by tuple unpacking (DCGAN: nz, ngf, nc = 100, 64, 3) give the fans', () => {
  const src = `import torch.nn as nn

nz, ngf, nc = 100, 64, 3


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, x):
        return self.main(x)
`;
  // PyTorch counts a transposed convolution's fans from weight (in, out, k, k): fan_in = out·k², fan_out = in·k²
  check(src, { layers: [{ line: 10, act: 'relu', fanIn: 512 * 16, fanOut: 100 * 16 }, { line: 13, act: 'tanh', fanIn: 3 * 16, fanOut: 512 * 16 }] });
});
