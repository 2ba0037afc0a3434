import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, errorNodeCount, layerAt, spanText } from './helpers.js';

const DENSE = `model.add(tf.layers.dense({units: 8, inputShape: [4], activation: 'relu'}));`;

test('imports: every tfjs module and binding style resolves', () => {
  const cases: [string, string][] = [
    ['namespace alias', `import * as tfl from '@tensorflow/tfjs';\nconst model = tfl.sequential();\nmodel.add(tfl.layers.dense({units: 8, activation: 'relu'}));`],
    ['tfjs-node', `import * as tf from '@tensorflow/tfjs-node';\nconst model = tf.sequential();\n${DENSE}`],
    ['tfjs-node-gpu', `import * as tf from "@tensorflow/tfjs-node-gpu";\nconst model = tf.sequential();\n${DENSE}`],
    ['tfjs-layers', `import * as tf from '@tensorflow/tfjs-layers';\nconst model = tf.sequential();\n${DENSE}`],
    ['named imports', `import { layers, sequential } from '@tensorflow/tfjs';\nconst model = sequential();\nmodel.add(layers.dense({units: 8, activation: 'relu'}));`],
    ['renamed named import', `import { layers as L, sequential as seq } from '@tensorflow/tfjs';\nconst model = seq();\nmodel.add(L.dense({units: 8, activation: 'relu'}));`],
    ['require', `const tf = require('@tensorflow/tfjs');\nconst model = tf.sequential();\n${DENSE}`],
    ['destructured require', `const { layers, sequential } = require('@tensorflow/tfjs-node');\nconst model = sequential();\nmodel.add(layers.dense({units: 8, activation: 'relu'}));`],
    ['dynamic import', `async function f() {\n  const tf = await import('@tensorflow/tfjs');\n  const model = tf.sequential();\n  ${DENSE}\n}`],
    ['alias of a member', `import * as tf from '@tensorflow/tfjs';\nconst L = tf.layers;\nconst model = tf.sequential();\nmodel.add(L.dense({units: 8, activation: 'relu'}));`],
  ];
  for (const [label, src] of cases) {
    const a = analyze(src, true);
    assert.equal(a.layers.length, 1, label);
    const l = a.layers[0]!;
    assert.equal(l.layer, 'dense', label);
    assert.equal(l.framework, 'tfjs', label);
    assert.equal(l.activation.name, 'relu', label);
    assert.equal(l.init.name, 'glorot_normal', label);
    assert.equal(a.models.length, 1, label);
    assert.equal(a.models[0]!.kind, 'tf.sequential', label);
    assert.deepEqual(a.models[0]!.layers, [l.id], label);
  }
});

test('no tfjs import, or a look-alike from another library: nothing detected', () => {
  const noImport = `const model = tf.sequential();\nmodel.add(tf.layers.dense({units: 8, activation: 'relu'}));`;
  assert.equal(analyze(noImport).layers.length, 0);
  assert.equal(analyze(noImport).models.length, 0);
  const other = `import { layers } from 'my-nn-lib';\nimport * as tf from '@tensorflow/tfjs';\nconst d = layers.dense({units: 4});\nconst e = tf.layers.dense({units: 3});`;
  const a = analyze(other);
  assert.equal(a.layers.length, 1);
  assert.equal(spanText(a.text, a.layers[0]!.span), 'tf.layers.dense({units: 3})');
  const local = `import * as tf from '@tensorflow/tfjs';\nconst layers = { dense: (c: object) => c };\nlayers.dense({units: 4});`;
  assert.equal(analyze(local).layers.length, 0);
  const typeOnly = `import type * as tf from '@tensorflow/tfjs';\nconst x = tf.layers.dense({units: 4});`;
  assert.equal(analyze(typeOnly).layers.length, 0);
});

test('weight layer factories: name, span = the constructor call, flags', () => {
  const calls = [
    `tf.layers.dense({units: 4})`,
    `tf.layers.conv1d({filters: 4, kernelSize: 3})`,
    `tf.layers.conv2d({filters: 4, kernelSize: 3})`,
    `tf.layers.conv3d({filters: 4, kernelSize: 3})`,
    `tf.layers.conv2dTranspose({filters: 4, kernelSize: 3})`,
    `tf.layers.conv3dTranspose({filters: 4, kernelSize: 3})`,
    `tf.layers.separableConv2d({filters: 4, kernelSize: 3})`,
    `tf.layers.depthwiseConv2d({kernelSize: 3})`,
    `tf.layers.simpleRNN({units: 4})`,
    `tf.layers.lstm({units: 4})`,
    `tf.layers.gru({units: 4})`,
    `tf.layers.lstmCell({units: 4})`,
    `tf.layers.embedding({inputDim: 10, outputDim: 4})`,
  ];
  const src = `import * as tf from '@tensorflow/tfjs';\n` + calls.map((c, i) => `const l${i} = ${c};`).join('\n');
  const a = analyze(src);
  assert.deepEqual(
    a.layers.map((l) => l.layer),
    ['dense', 'conv1d', 'conv2d', 'conv3d', 'conv2dTranspose', 'conv3dTranspose', 'separableConv2d', 'depthwiseConv2d', 'simpleRNN', 'lstm', 'gru', 'lstmCell', 'embedding'],
  );
  a.layers.forEach((l, i) => {
    assert.equal(spanText(a.text, l.span), calls[i]);
    assert.equal(l.id, i);
    assert.equal(l.name, `l${i}`);
    assert.equal(l.recurrent, ['simpleRNN', 'lstm', 'gru', 'lstmCell'].includes(l.layer), l.layer);
    assert.equal(l.embedding, l.layer === 'embedding');
    assert.equal(l.recurrentInit !== undefined, l.recurrent, l.layer);
    assert.equal(l.model, null);
  });
  // Non-weight layers are not reported.
  const b = analyze(`import * as tf from '@tensorflow/tfjs';\ntf.layers.dropout({rate: 0.5}); tf.layers.flatten(); tf.layers.batchNormalization(); tf.layers.reLU();`);
  assert.equal(b.layers.length, 0);
});

test('layer names: name in the config, else the variable or this.property', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const hidden = tf.layers.dense({units: 4});
const other = tf.layers.dense({units: 4, name: 'output_layer'});
class Net {
  head = tf.layers.dense({units: 2});
  constructor() {
    this.body = tf.layers.conv2d({filters: 3, kernelSize: 1});
  }
}
tf.sequential({layers: [tf.layers.dense({units: 1})]});
const parts = { encoder: tf.layers.dense({units: 8}) };`;
  const a = analyze(src);
  assert.deepEqual(a.layers.map((l) => l.name), ['hidden', 'output_layer', 'head', 'body', null, 'encoder']);
});

test('sequential({layers: [...]}) and model.add(...) in order, with ModelInfo spans', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const a = tf.sequential({
  layers: [
    tf.layers.dense({units: 32, inputShape: [16], activation: 'relu'}),
    tf.layers.dense({units: 8, activation: 'tanh'}),
  ],
});
const b = tf.sequential();
b.add(tf.layers.dense({units: 5, inputShape: [3]}));
b.add(tf.layers.reLU());
b.add(tf.layers.dense({units: 2}));
`;
  const r = analyze(src);
  assert.equal(r.models.length, 2);
  const [ma, mb] = r.models;
  assert.equal(ma!.kind, 'tf.sequential');
  assert.equal(ma!.name, 'a');
  assert.ok(spanText(src, ma!.span)!.startsWith('tf.sequential({'));
  assert.equal(mb!.name, 'b');
  assert.equal(spanText(src, mb!.span), 'tf.sequential()');
  assert.deepEqual(ma!.layers.map((id) => r.layers[id]!.fanOut), [32, 8]);
  assert.deepEqual(mb!.layers.map((id) => r.layers[id]!.fanOut), [5, 2]);
  for (const m of r.models) {
    m.layers.forEach((id, order) => {
      assert.equal(r.layers[id]!.model, m.id);
      assert.equal(r.layers[id]!.order, order);
    });
  }
  assert.deepEqual(mb!.layers.map((id) => r.layers[id]!.activation.name), ['relu', 'linear']);
  assert.equal(r.layers[mb!.layers[0]!]!.activation.via, 'sequential');
  assert.equal(spanText(src, r.layers[mb!.layers[0]!]!.activation.span), 'tf.layers.reLU()');
});

test('sequential add() on this.model and on a layers array variable', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const stack = [tf.layers.dense({units: 6, inputShape: [2]}), tf.layers.leakyReLU(), tf.layers.dense({units: 1})];
const m1 = tf.sequential({layers: stack});
class Agent {
  build() {
    this.model = tf.sequential();
    this.model.add(tf.layers.dense({units: 4, inputShape: [2]}));
    this.model.add(tf.layers.elu({alpha: 0.5}));
  }
}`;
  const r = analyze(src);
  assert.equal(r.models.length, 2);
  assert.equal(r.models[1]!.name, 'model');
  const first = layerAt(r, 'tf.layers.dense({units: 6');
  assert.equal(first.model, 0);
  assert.equal(first.activation.name, 'leaky_relu');
  assert.equal(first.activation.param, 0.3, 'tfjs leakyReLU default alpha');
  const agent = layerAt(r, 'tf.layers.dense({units: 4');
  assert.equal(agent.model, 1);
  assert.equal(agent.activation.name, 'elu');
  assert.equal(agent.activation.param, 0.5);
});

test('functional apply chains: activation, normalization, residual, tf.model order', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [64]});
const dense1 = tf.layers.dense({units: 64});
let x = dense1.apply(input) as tf.SymbolicTensor;
x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
x = tf.layers.dropout({rate: 0.1}).apply(x) as tf.SymbolicTensor;
x = tf.layers.activation({activation: 'relu'}).apply(x) as tf.SymbolicTensor;
const h = tf.layers.dense({units: 64}).apply(x) as tf.SymbolicTensor;
const s = tf.layers.add().apply([h, x]) as tf.SymbolicTensor;
const a = tf.layers.reLU().apply(s) as tf.SymbolicTensor;
const out = tf.layers.dense({units: 10, activation: 'softmax'}).apply(a) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: out});`;
  const r = analyze(src);
  assert.equal(r.layers.length, 3);
  const [d1, d2, d3] = r.layers;
  assert.equal(d1!.name, 'dense1');
  assert.equal(d1!.activation.name, 'relu');
  assert.equal(d1!.activation.via, 'dataflow');
  assert.equal(spanText(src, d1!.activation.span), `tf.layers.activation({activation: 'relu'})`);
  assert.equal(d1!.normalization, 'batchnorm');
  // x (relu output of dense1) is also added to h: dense1's activated output feeds a residual add.
  assert.equal(d1!.residual, true);
  assert.equal(d2!.activation.name, 'relu');
  assert.equal(d2!.normalization, null);
  assert.equal(d2!.residual, true);
  assert.equal(d3!.activation.name, 'softmax');
  assert.equal(d3!.activation.via, 'argument');
  assert.equal(d3!.residual, false);
  assert.equal(r.models.length, 1);
  const m = r.models[0]!;
  assert.equal(m.kind, 'tf.model');
  assert.equal(m.name, 'model');
  assert.equal(spanText(src, m.span), 'tf.model({inputs: input, outputs: out})');
  assert.deepEqual(m.layers, [d1!.id, d2!.id, d3!.id]);
  assert.deepEqual([d1!.fanIn, d2!.fanIn, d3!.fanIn], [64, 64, 64]);
});

test('functional: a layer whose output goes straight to the model output is linear; helper functions are followed', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
function block(x: tf.SymbolicTensor, units: number): tf.SymbolicTensor {
  const y = tf.layers.dense({units}).apply(x) as tf.SymbolicTensor;
  return tf.layers.layerNormalization().apply(tf.layers.elu().apply(y)) as tf.SymbolicTensor;
}
const inp = tf.input({shape: [12]});
const b = block(inp, 24);
const out = tf.layers.dense({units: 3}).apply(b) as tf.SymbolicTensor;
const model = tf.model({inputs: inp, outputs: out});`;
  const r = analyze(src);
  const inner = layerAt(r, 'tf.layers.dense({units})');
  const head = layerAt(r, 'tf.layers.dense({units: 3})');
  assert.equal(inner.activation.name, 'elu');
  assert.equal(inner.fanIn, 12, 'parameter bound to the call argument');
  assert.equal(inner.fanOut, 24);
  assert.equal(head.activation.name, 'linear');
  assert.equal(head.activation.via, 'default');
  assert.equal(head.fanIn, 24);
  assert.deepEqual(r.models[0]!.layers, [inner.id, head.id]);
});

test('activation strings map to canonical names', () => {
  const table: [string, string][] = [
    ['relu', 'relu'],
    ['relu6', 'relu'],
    ['elu', 'elu'],
    ['selu', 'selu'],
    ['tanh', 'tanh'],
    ['sigmoid', 'sigmoid'],
    ['hardSigmoid', 'sigmoid'],
    ['softmax', 'softmax'],
    ['softplus', 'softplus'],
    ['softsign', 'tanh'],
    ['linear', 'linear'],
    ['swish', 'silu'],
    ['mish', 'mish'],
    ['gelu', 'gelu'],
    ['gelu_new', 'gelu'],
    ['leaky_relu', 'unknown'],
  ];
  const src =
    `import * as tf from '@tensorflow/tfjs';\n` +
    table.map(([s], i) => `const d${i} = tf.layers.dense({units: 4, activation: '${s}'});`).join('\n');
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => l.activation.name),
    table.map(([, n]) => n),
  );
  for (const l of r.layers) {
    assert.equal(l.activation.via, 'argument');
    assert.match(spanText(src, l.activation.span)!, /^'.*'$/);
  }
});

test('activation: constants resolved, non-literal is unknown, default linear, RNN default tanh, prelu', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const ACT = 'tanh';
function make(act: string) {
  return tf.layers.dense({units: 4, activation: act as any});
}
const m = tf.sequential();
m.add(tf.layers.dense({units: 4, inputShape: [4], activation: ACT}));
m.add(tf.layers.dense({units: 4}));
m.add(tf.layers.prelu());
m.add(tf.layers.dense({units: 4, activation: 'linear'}));
m.add(tf.layers.softmax());
m.add(tf.layers.lstm({units: 4}));
m.add(tf.layers.gru({units: 4, activation: 'relu'}));
m.add(tf.layers.dense({units: 1}));`;
  const r = analyze(src);
  const acts = r.layers.map((l) => [l.activation.name, l.activation.via]);
  assert.deepEqual(acts, [
    ['unknown', 'argument'],
    ['tanh', 'argument'],
    ['leaky_relu', 'sequential'],
    ['softmax', 'sequential'],
    ['tanh', 'default'],
    ['relu', 'argument'],
    ['linear', 'default'],
  ]);
  const prelu = r.layers[2]!.activation;
  assert.equal(prelu.param, 0, 'tfjs PReLU alphaInitializer defaults to zeros');
  assert.match(prelu.text!, /learned slope/);
});

test('sequential activation search skips dropout/flatten/reshape and records normalization', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const m = tf.sequential();
m.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 8, kernelSize: 3}));
m.add(tf.layers.batchNormalization());
m.add(tf.layers.dropout({rate: 0.2}));
m.add(tf.layers.activation({activation: 'relu'}));
m.add(tf.layers.dense({units: 4}));
m.add(tf.layers.flatten());
m.add(tf.layers.reshape({targetShape: [2, 2]}));
m.add(tf.layers.layerNormalization());
m.add(tf.layers.activation({activation: 'gelu'}));
m.add(tf.layers.dense({units: 4}));
m.add(tf.layers.dense({units: 2}));
m.add(tf.layers.reLU());`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => [l.activation.name, l.normalization]),
    [
      ['relu', 'batchnorm'],
      ['gelu', 'layernorm'],
      ['linear', null],
      ['relu', null],
    ],
  );
});

test('a model.add of something unknown makes the activation unknown, not linear', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
import { MyActivation } from './custom';
const m = tf.sequential();
m.add(tf.layers.dense({units: 4, inputShape: [3]}));
m.add(new MyActivation());`;
  const l = analyze(src).layers[0]!;
  assert.equal(l.activation.name, 'unknown');
});

test('half-typed code: an unclosed object literal mid-file still yields the other layers', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({units: 64, inputShape: [10], activation: 'relu'}));
model.add(tf.layers.dense({units: 32,
model.add(tf.layers.dense({units: 16, activation: 'tanh'}));
model.add(tf.layers.dense({units: 1}));
`;
  const r = analyze(src);
  assert.ok(errorNodeCount(r.tree) > 0, 'the fixture really is broken');
  const first = layerAt(r, 'tf.layers.dense({units: 64');
  assert.equal(first.activation.name, 'relu');
  assert.equal(first.fanIn, 10);
  const third = layerAt(r, 'tf.layers.dense({units: 16');
  assert.equal(third.activation.name, 'tanh');
  const last = layerAt(r, 'tf.layers.dense({units: 1})');
  assert.equal(last.init.name, 'glorot_normal');
  // Arbitrary truncations never throw and keep spans inside the text.
  for (let cut = 0; cut <= src.length; cut += 7) {
    const part = src.slice(0, cut);
    const a = analyze(part);
    for (const l of a.layers) assert.ok(l.span.from >= 0 && l.span.to <= part.length);
  }
});

test('JavaScript dialect: plain require file', () => {
  const src = `const tf = require('@tensorflow/tfjs');
const model = tf.sequential();
model.add(tf.layers.dense({units: 10, inputShape: [5], activation: 'sigmoid'}));
module.exports = { model };`;
  const r = analyze(src, false);
  assert.equal(errorNodeCount(r.tree), 0);
  assert.equal(r.layers.length, 1);
  assert.equal(r.layers[0]!.activation.name, 'sigmoid');
  assert.equal(r.layers[0]!.fanIn, 5);
});

test('custom layer: tensor-op activations (tf.leakyRelu, .sigmoid()) after this.layer.apply, destructured factories', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const { dense } = tf.layers;
const { layers: L } = tf;
class Head extends tf.layers.Layer {
  constructor() {
    super({});
    this.proj = dense({units: 16, inputDim: 8});
    this.out = L.dense({units: 4});
    this.plain = L.dense({units: 2});
  }
  call(inputs) {
    return tf.tidy(() => {
      const h = tf.leakyRelu(this.proj.apply(inputs[0]), 0.1);
      const g = tf.relu6(this.plain.apply(h));
      return this.out.apply(h).sigmoid();
    });
  }
}
const m = tf.sequential();
m.add(tf.layers.inputLayer({inputShape: [30]}));
m.add(tf.layers.dense({units: 3}));`;
  const r = analyze(src, false);
  const proj = layerAt(r, 'dense({units: 16');
  assert.equal(proj.name, 'proj');
  assert.deepEqual([proj.activation.name, proj.activation.param, proj.activation.via], ['leaky_relu', 0.1, 'dataflow']);
  assert.equal(spanText(src, proj.activation.span), 'tf.leakyRelu(this.proj.apply(inputs[0]), 0.1)');
  assert.deepEqual([proj.fanIn, proj.fanOut], [8, 16]);
  const out = layerAt(r, 'L.dense({units: 4})');
  assert.equal(out.activation.name, 'sigmoid');
  assert.equal(out.fanIn, 16);
  assert.equal(layerAt(r, 'L.dense({units: 2})').activation.name, 'relu');
  const seq = layerAt(r, 'tf.layers.dense({units: 3})');
  assert.equal(seq.fanIn, 30, 'inputLayer gives the input dimension');
  assert.equal(seq.activation.name, 'linear');
  // Math.tanh on numbers is not a tensor op on a layer output.
  const math = analyze(`import * as tf from '@tensorflow/tfjs';\nconst d = tf.layers.dense({units: 2});\nconst v = Math.tanh(0.5);`);
  assert.equal(math.layers[0]!.activation.name, 'linear');
});

test('wrappers: bidirectional / timeDistributed hold the weight layer', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const m = tf.sequential();
m.add(tf.layers.embedding({inputDim: 100, outputDim: 16}));
m.add(tf.layers.bidirectional({layer: tf.layers.lstm({units: 8, returnSequences: true})}));
m.add(tf.layers.timeDistributed({layer: tf.layers.dense({units: 4})}));
m.add(tf.layers.activation({activation: 'selu'}));`;
  const r = analyze(src);
  assert.deepEqual(r.layers.map((l) => l.layer), ['embedding', 'lstm', 'dense']);
  assert.deepEqual(r.layers.map((l) => l.name), [null, null, null]);
  assert.deepEqual(r.models[0]!.layers, [0, 1, 2]);
  const lstm = r.layers[1]!;
  assert.deepEqual([lstm.fanIn, lstm.fanOut, lstm.activation.name], [16, 32, 'tanh']);
  const td = r.layers[2]!;
  assert.deepEqual([td.fanIn, td.activation.name], [16, 'selu'], 'bidirectional concat doubles the units');
});

test('template layers: built in a loop, an array callback or a helper called twice', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const m = tf.sequential();
m.add(tf.layers.dense({units: 8, inputShape: [4], activation: 'relu'}));
for (let i = 0; i < 3; i++) {
  m.add(tf.layers.dense({units: 8, activation: 'relu'}));
}
const extra = [16, 16].map((u) => tf.layers.dense({units: u, activation: 'tanh'}));
function block(x: tf.SymbolicTensor) {
  return tf.layers.dense({units: 4, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
}
function once(x: tf.SymbolicTensor) {
  return tf.layers.dense({units: 2}).apply(x) as tf.SymbolicTensor;
}
const inp = tf.input({shape: [4]});
const y = once(block(block(inp)));`;
  const r = analyze(src);
  const template = (prefix: string) => layerAt(r, prefix).template === true;
  assert.equal(template(`tf.layers.dense({units: 8, inputShape`), false);
  assert.equal(template(`tf.layers.dense({units: 8, activation`), true);
  assert.equal(template(`tf.layers.dense({units: u`), true);
  assert.equal(template(`tf.layers.dense({units: 4`), true);
  assert.equal(template(`tf.layers.dense({units: 2`), false);
});

test('branching output: the activation consumer wins over another branch', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const inp = tf.input({shape: [8]});
const h = tf.layers.dense({units: 8}).apply(inp) as tf.SymbolicTensor;
const side = tf.layers.dense({units: 2}).apply(h) as tf.SymbolicTensor;
const act = tf.layers.activation({activation: 'tanh'}).apply(h) as tf.SymbolicTensor;`;
  const r = analyze(src);
  assert.equal(layerAt(r, 'tf.layers.dense({units: 8})').activation.name, 'tanh');
  assert.equal(layerAt(r, 'tf.layers.dense({units: 2})').activation.name, 'linear');
});
