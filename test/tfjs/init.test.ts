import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, layerAt, spanText } from './helpers.js';

const HEAD = `import * as tf from '@tensorflow/tfjs';\n`;

test('string identifiers (camelCase and class-name spellings) map to snake_case', () => {
  const table: [string, string][] = [
    ['heNormal', 'he_normal'],
    ['HeNormal', 'he_normal'],
    ['heUniform', 'he_uniform'],
    ['glorotUniform', 'glorot_uniform'],
    ['GlorotNormal', 'glorot_normal'],
    ['leCunNormal', 'lecun_normal'],
    ['LeCunUniform', 'lecun_uniform'],
    ['lecunNormal', 'unknown'], // lowercase c: not a tfjs identifier
    ['he_normal', 'unknown'], // Keras spelling: not a tfjs identifier
    ['orthogonal', 'orthogonal'],
    ['zeros', 'zeros'],
    ['Ones', 'ones'],
    ['constant', 'constant'],
    ['randomNormal', 'random_normal'],
    ['randomUniform', 'random_uniform'],
    ['truncatedNormal', 'truncated_normal'],
    ['varianceScaling', 'variance_scaling'],
    ['identity', 'unknown'],
  ];
  const src = HEAD + table.map(([s], i) => `const d${i} = tf.layers.dense({units: 4, kernelInitializer: '${s}'});`).join('\n');
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => l.init.name),
    table.map(([, n]) => n),
  );
  r.layers.forEach((l, i) => {
    assert.equal(l.init.explicit, true);
    assert.equal(l.init.source, 'argument');
    assert.equal(spanText(src, l.init.span), `'${table[i]![0]}'`);
  });
  const he = r.layers[0]!.init;
  assert.equal(he.distribution, 'truncated_normal');
  assert.equal(he.uncorrectedTruncation, true);
  assert.equal(he.scale, 2);
  assert.equal(he.mode, 'fan_in');
  assert.equal(r.layers[1]!.init.distribution, 'truncated_normal');
  assert.equal(r.layers[2]!.init.distribution, 'uniform');
});

test('tf.initializers factories with their parameters and tfjs defaults', () => {
  const src =
    HEAD +
    `const a = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.heNormal({})});
const b = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.varianceScaling({scale: 1.5, mode: 'fanAvg', distribution: 'uniform'})});
const c = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.varianceScaling({})});
const d = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.randomNormal({mean: 0.1, stddev: 0.02})});
const e = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.randomNormal({stddev: 0})});
const f = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.randomUniform({minval: 0, maxval: 0.2})});
const g = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.constant({value: 0.5})});
const h = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.zeros()});
const i = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.ones()});
const j = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.orthogonal({gain: 1.2})});
const k = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.varianceScaling({scale: 2, distribution: 'truncatedNormal'})});
const l = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.varianceScaling({scale: someScale})});
const m = tf.layers.dense({units: 4, kernelInitializer: 'randomUniform'});
const n = tf.layers.dense({units: 4, kernelInitializer: tf.initializers.leCunNormal({seed: 42})});`;
  const r = analyze(src);
  const by = (name: string) => r.layers.find((x) => x.name === name)!.init;
  assert.equal(by('a').name, 'he_normal');
  assert.equal(spanText(src, by('a').span), 'tf.initializers.heNormal({})');
  assert.deepEqual(
    [by('b').name, by('b').scale, by('b').mode, by('b').distribution],
    ['variance_scaling', 1.5, 'fan_avg', 'uniform'],
  );
  // varianceScaling defaults: scale 1, fanIn, 'normal' (a truncated normal without correction).
  assert.deepEqual(
    [by('c').name, by('c').scale, by('c').mode, by('c').distribution, by('c').uncorrectedTruncation],
    ['variance_scaling', 1, 'fan_in', 'normal', true],
  );
  assert.deepEqual([by('d').name, by('d').mean, by('d').std], ['random_normal', 0.1, 0.02]);
  assert.equal(by('e').std, 0.05, 'stddev || 0.05: an explicit 0 becomes the default');
  assert.deepEqual([by('f').minval, by('f').maxval], [-0.05, 0.2], 'minval || -0.05');
  assert.deepEqual([by('g').name, by('g').value], ['constant', 0.5]);
  assert.deepEqual([by('h').name, by('h').value], ['zeros', 0]);
  assert.deepEqual([by('i').name, by('i').value], ['ones', 1]);
  assert.deepEqual([by('j').name, by('j').gain], ['orthogonal', 1.2]);
  assert.equal(by('k').distribution, 'uniform', "tfjs quirk: 'truncatedNormal' draws uniform");
  assert.equal(by('l').name, 'unknown', 'a scale we cannot read');
  assert.deepEqual([by('m').name, by('m').minval, by('m').maxval], ['random_uniform', -0.05, 0.05]);
  assert.equal(by('n').name, 'lecun_normal');
});

test('initializer held in a variable or a named import of initializers', () => {
  const src = `import { layers, initializers } from '@tensorflow/tfjs';
const INIT = initializers.heUniform({seed: 1});
const KIND = 'glorotUniform';
const a = layers.dense({units: 4, kernelInitializer: INIT});
const b = layers.dense({units: 4, kernelInitializer: KIND});
const kernelInitializer = 'heNormal';
const c = layers.dense({units: 4, kernelInitializer});
const d = layers.dense({units: 4, kernelInitializer: makeInit()});`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => l.init.name),
    ['he_uniform', 'glorot_uniform', 'he_normal', 'unknown'],
  );
  assert.equal(spanText(src, r.layers[0]!.init.span), 'INIT');
  assert.equal(r.layers[3]!.init.explicit, true);
});

test('defaults per layer: glorotNormal (uncorrected), separableConv2d glorotUniform, RNN orthogonal recurrent, embedding ±0.05', () => {
  const src =
    HEAD +
    `const dense = tf.layers.dense({units: 4});
const conv = tf.layers.conv2d({filters: 4, kernelSize: 3});
const tconv = tf.layers.conv2dTranspose({filters: 4, kernelSize: 3});
const dw = tf.layers.depthwiseConv2d({kernelSize: 3});
const sep = tf.layers.separableConv2d({filters: 4, kernelSize: 3});
const rnn = tf.layers.lstm({units: 4});
const emb = tf.layers.embedding({inputDim: 100, outputDim: 8});`;
  const r = analyze(src);
  for (const name of ['dense', 'conv', 'tconv', 'dw', 'rnn']) {
    const init = r.layers.find((l) => l.name === name)!.init;
    assert.equal(init.name, 'glorot_normal', name);
    assert.equal(init.explicit, false, name);
    assert.equal(init.source, 'default', name);
    assert.equal(init.distribution, 'truncated_normal', name);
    assert.equal(init.uncorrectedTruncation, true, name);
    assert.equal(init.span, undefined, name);
  }
  const sep = r.layers.find((l) => l.name === 'sep')!.init;
  assert.deepEqual([sep.name, sep.distribution], ['glorot_uniform', 'uniform']);
  const rnn = r.layers.find((l) => l.name === 'rnn')!;
  assert.deepEqual([rnn.recurrentInit!.name, rnn.recurrentInit!.explicit, rnn.recurrentInit!.gain], ['orthogonal', false, 1]);
  const emb = r.layers.find((l) => l.name === 'emb')!.init;
  assert.deepEqual([emb.name, emb.minval, emb.maxval, emb.explicit], ['random_uniform', -0.05, 0.05, false]);
});

test('per-layer initializer properties: recurrent, depthwise, pointwise, embeddings', () => {
  const src =
    HEAD +
    `const g = tf.layers.gru({units: 4, kernelInitializer: 'heUniform', recurrentInitializer: 'glorotUniform'});
const dw = tf.layers.depthwiseConv2d({kernelSize: 3, depthwiseInitializer: 'heNormal', kernelInitializer: 'zeros'});
const sep = tf.layers.separableConv2d({filters: 4, kernelSize: 3, depthwiseInitializer: 'zeros', pointwiseInitializer: 'leCunUniform'});
const emb = tf.layers.embedding({inputDim: 10, outputDim: 4, embeddingsInitializer: 'randomNormal'});
const cfg = {units: 3, kernelInitializer: 'heNormal'};
const fromVar = tf.layers.dense(cfg);
const opaque = tf.layers.dense(makeConfig());
const spread = tf.layers.dense({...base, units: 4});`;
  const r = analyze(src);
  const by = (name: string) => r.layers.find((l) => l.name === name)!;
  assert.equal(by('g').init.name, 'he_uniform');
  assert.equal(by('g').recurrentInit!.name, 'glorot_uniform');
  assert.equal(spanText(src, by('g').recurrentInit!.span), `'glorotUniform'`);
  assert.equal(by('dw').init.name, 'he_normal');
  assert.equal(by('sep').init.name, 'lecun_uniform');
  assert.equal(by('emb').init.name, 'random_normal');
  assert.equal(by('fromVar').init.name, 'he_normal');
  assert.equal(by('opaque').init.name, 'unknown');
  assert.equal(by('spread').init.name, 'unknown');
});

test('fans: dense from inputShape / inputDim / batchInputShape / previous units, constants resolved', () => {
  const src =
    HEAD +
    `const HIDDEN = 128;
const IN = 784;
const m = tf.sequential();
m.add(tf.layers.dense({units: HIDDEN, inputShape: [IN]}));
m.add(tf.layers.dropout({rate: 0.5}));
m.add(tf.layers.dense({units: HIDDEN * 2}));
m.add(tf.layers.dense({units: 10}));
const a = tf.layers.dense({units: 4, inputDim: 7});
const b = tf.layers.dense({units: 4, batchInputShape: [null, 9]});
const c = tf.layers.dense({units: 4});
const d = tf.layers.dense({units: unknownUnits, inputShape: [3]});`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => [l.fanIn, l.fanOut]),
    [
      [784, 128],
      [128, 256],
      [256, 10],
      [7, 4],
      [9, 4],
      [null, 4],
      [3, null],
    ],
  );
});

test('fans: conv kernel size (number or array) × channels, through pooling; shapes carried through flatten', () => {
  const src =
    HEAD +
    `const m = tf.sequential();
m.add(tf.layers.conv2d({inputShape: [28, 28, 3], kernelSize: 5, filters: 16, activation: 'relu'}));
m.add(tf.layers.maxPooling2d({poolSize: 2}));
m.add(tf.layers.conv2d({kernelSize: [3, 2], filters: 32, activation: 'relu'}));
m.add(tf.layers.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2}));
m.add(tf.layers.separableConv2d({kernelSize: 3, filters: 8}));
m.add(tf.layers.conv2dTranspose({kernelSize: 2, filters: 4}));
m.add(tf.layers.flatten());
m.add(tf.layers.dense({units: 10}));
const c1 = tf.layers.conv1d({inputShape: [100, 12], kernelSize: 4, filters: 6});
const c3 = tf.layers.conv3d({inputShape: [8, 8, 8, 2], kernelSize: 3, filters: 5});
const cf = tf.layers.conv2d({inputShape: [3, 32, 32], dataFormat: 'channelsFirst', kernelSize: 3, filters: 4});
const lstm = tf.layers.lstm({units: 20, inputShape: [10, 6]});
const emb = tf.layers.embedding({inputDim: 5000, outputDim: 64});`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => [l.layer, l.fanIn, l.fanOut]),
    [
      ['conv2d', 5 * 5 * 3, 5 * 5 * 16],
      ['conv2d', 3 * 2 * 16, 3 * 2 * 32],
      ['depthwiseConv2d', 9 * 32, 9 * 2],
      ['separableConv2d', 64 * 1, 8], // pointwise kernel [1, 1, 32·2, 8]
      ['conv2dTranspose', 4 * 4, 4 * 8], // tfjs kernel [k, k, filters, inChannels]
      ['dense', 7 * 8 * 4, 10], // [28,28,3] → conv5 [24,24,16] → pool [12,12,16] → conv3×2 [10,11,32] → dw3 [8,9,64] → sep3 [6,7,8] → tconv2 [7,8,4]
      ['conv1d', 4 * 12, 4 * 6],
      ['conv3d', 27 * 2, 27 * 5],
      ['conv2d', 9 * 3, 9 * 4],
      ['lstm', 6, 80],
      ['embedding', 5000, 64],
    ],
  );
});

test('fans: functional chain from tf.input through concatenate', () => {
  const src =
    HEAD +
    `const inp = tf.input({shape: [32]});
const a = tf.layers.dense({units: 16}).apply(inp) as tf.SymbolicTensor;
const b = tf.layers.dense({units: 8}).apply(inp) as tf.SymbolicTensor;
const cat = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
const out = tf.layers.dense({units: 2}).apply(cat) as tf.SymbolicTensor;`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => [l.fanIn, l.fanOut]),
    [
      [32, 16],
      [32, 8],
      [24, 2],
    ],
  );
  assert.equal(layerAt(r, 'tf.layers.dense({units: 16})').activation.name, 'linear');
});

test('fans: spatial shapes follow padding, strides, pooling, reshape, global pooling and RNN returnSequences', () => {
  const src =
    HEAD +
    `const m = tf.sequential();
m.add(tf.layers.conv2d({inputShape: [28, 28, 1], kernelSize: 5, filters: 8, activation: 'relu'}));
m.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}));
m.add(tf.layers.conv2d({kernelSize: 5, filters: 16, activation: 'relu'}));
m.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}));
m.add(tf.layers.flatten());
m.add(tf.layers.dense({units: 10, activation: 'softmax'}));
const s = tf.sequential();
s.add(tf.layers.conv2d({inputShape: [32, 32, 3], kernelSize: 3, filters: 4, strides: 2, padding: 'same'}));
s.add(tf.layers.reshape({targetShape: [-1, 16]}));
s.add(tf.layers.lstm({units: 6, returnSequences: true}));
s.add(tf.layers.timeDistributed({layer: tf.layers.dense({units: 5})}));
s.add(tf.layers.gru({units: 7}));
s.add(tf.layers.dense({units: 2}));
const g = tf.sequential();
g.add(tf.layers.conv1d({inputShape: [50, 3], kernelSize: 4, filters: 12, dilationRate: 2}));
g.add(tf.layers.globalAveragePooling1d({}));
g.add(tf.layers.dense({units: 1}));`;
  const r = analyze(src);
  assert.deepEqual(
    r.layers.map((l) => [l.layer, l.fanIn, l.fanOut]),
    [
      ['conv2d', 25, 200],
      ['conv2d', 25 * 8, 25 * 16],
      ['dense', 4 * 4 * 16, 10], // 28 → 24 → 12 → 8 → 4
      ['conv2d', 27, 36],
      ['lstm', 16, 24], // [16,16,4] (same, stride 2) reshaped to [64,16]
      ['dense', 6, 5],
      ['gru', 5, 21],
      ['dense', 7, 2],
      ['conv1d', 4 * 3, 4 * 12],
      ['dense', 12, 1],
    ],
  );
});
