/**
 * The sentences under the panel's charts: the body's per-layer factor is taken
 * without the output head, and the head is named with its own target (the
 * scale of its outputs), never judged by the unit-gain rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { STRING_KEYS, type WebviewStrings } from '../../src/shared/protocol.js';
import { panelModel } from '../../src/vscode/logic/panel.js';
import { meaning } from '../../webview/variance/meaning.js';

/** Every string is its key followed by its three arguments: what the page filled in is visible. */
const strings = Object.fromEntries(STRING_KEYS.map((k) => [k, `${k}|{0}|{1}|{2}`])) as WebviewStrings;

function sentences(text: string) {
  const result = analyze(text, 'python');
  const b = panelModel(result, result.models[0]!.id, DEFAULT_SIM_OPTIONS, 'model.py', () => 1);
  if ('error' in b) throw new Error(b.error);
  return { ...meaning(b.spec, b.analytic, strings), built: b };
}

const RELU_SOFTMAX = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(128,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

test('a glorot ReLU stack: the decay is said over the 3 hidden layers, the softmax head apart with its output scale', () => {
  const { forward, built } = sentences(RELU_SOFTMAX);
  assert.equal(built.spec.layers[3]!.head, true);
  const decay = forward.find((f) => f.startsWith('meaningDecay|'));
  assert.ok(decay, forward.join('\n'));
  const [, factor, depth] = decay.split('|');
  assert.equal(depth, '3', 'the head is not counted in the body');
  assert.ok(Math.abs(Number(factor) - 0.5) < 0.03, `factor ${factor}`);
  const head = forward.find((f) => f.startsWith('meaningHead|'));
  assert.ok(head, forward.join('\n'));
  const [, name, layer, target] = head.split('|');
  assert.equal(name, 'Dense, softmax');
  assert.equal(layer, '4');
  const out = built.analytic.series.find((s) => s.init === 'current')!.layers[3]!.forwardSecondMoment;
  assert.match(target!, /^E\[x²\] = /);
  assert.ok(Math.abs(Number(target!.slice('E[x²] = '.length)) - out) <= Math.abs(out) * 0.01, `${target} vs ${out}`);
});

test('one head sentence per output head of the spec', () => {
  const { forward, built } = sentences(`import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
])
`);
  const heads = built.spec.layers.filter((l) => l.head).length;
  assert.equal(forward.filter((f) => f.startsWith('meaningHead|')).length, heads);
});

function tanhStack(init: string): string {
  const layers = Array.from({ length: 12 }, () => `    layers.Dense(256, activation="tanh", kernel_initializer="${init}"),`).join('\n');
  return `import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    keras.Input(shape=(256,)),\n${layers}\n])\n`;
}

test('tanh: Glorot is said to sit at the edge of chaos, He to make tanh chaotic (on the gradients’ chart)', () => {
  const glorot = sentences(tanhStack('glorot_normal'));
  assert.ok(glorot.forward.includes('meaningTanhEdge|{0}|{1}|{2}'), glorot.forward.join('\n'));
  assert.ok(!glorot.backward.some((b) => b.startsWith('meaningTanhChaos')), glorot.backward.join('\n'));
  const he = sentences(tanhStack('he_normal'));
  assert.ok(he.backward.includes('meaningTanhChaos|{0}|{1}|{2}'), he.backward.join('\n'));
  assert.ok(!he.forward.some((f) => f.startsWith('meaningTanhEdge')), he.forward.join('\n'));
});
