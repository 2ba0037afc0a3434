import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagate, propagateLayers, normalExpectation, activationFn } from '../../src/core/math/index.js';
import type { PropagationLayer, KnownActivation } from '../../src/core/math/index.js';
import { mulberry32 } from '../../src/core/math/random.js';

function stack(n: number, layer: Omit<PropagationLayer, 'normalized' | 'residual'> & Partial<PropagationLayer>): PropagationLayer[] {
  return Array.from({ length: n }, () => ({ normalized: false, residual: false, ...layer }));
}

function rel(actual: number | null, expected: number, tol: number, what = ''): void {
  assert.ok(actual !== null, `${what}: got null`);
  assert.ok(Math.abs(actual / expected - 1) <= tol, `${what}: ${actual} vs ${expected}`);
}

test('10 ReLU layers with He keep the second moment at 1, forward and backward', () => {
  const steps = propagate(stack(10, { fanIn: 256, fanOut: 256, varW: 2 / 256, act: 'relu' }));
  assert.equal(steps.length, 10);
  for (const s of steps) {
    rel(s.forward, 1, 1e-12, 'forward');
    rel(s.backward, 1, 1e-12, 'backward');
    rel(s.factorForward, 1, 1e-12);
    rel(s.factorBackward, 1, 1e-12);
  }
});

test('10 ReLU layers with Glorot (fan_in = fan_out) shrink by 0.5 per layer', () => {
  const steps = propagate(stack(10, { fanIn: 256, fanOut: 256, varW: 2 / 512, act: 'relu' }));
  rel(steps[9]!.forward, 0.5 ** 10, 1e-12);
  steps.forEach((s, i) => {
    rel(s.forward, 0.5 ** (i + 1), 1e-12, `forward ${i}`);
    rel(s.backward, 0.5 ** (10 - i), 1e-12, `backward ${i}`);
  });
});

test('PyTorch default init with ReLU: (1/6)^depth', () => {
  const steps = propagate(stack(5, { fanIn: 100, fanOut: 100, varW: 1 / 300, act: 'relu' }));
  rel(steps[4]!.forward, (1 / 6) ** 5, 1e-12);
});

test('the recursion evaluates E[φ²] at the actual variance (tanh saturates)', () => {
  const fanIn = 100;
  const varW = 4 / fanIn; // large weights: tanh saturates
  const steps = propagate(stack(6, { fanIn, fanOut: fanIn, varW, act: 'tanh' }));
  let m = 1;
  steps.forEach((s, i) => {
    const q = fanIn * varW * m;
    m = normalExpectation((z) => Math.tanh(z) ** 2, q);
    rel(s.preActivation, q, 1e-12, `q ${i}`);
    rel(s.forward, m, 1e-10, `m ${i}`);
  });
  // a naive product of factors at q = 1 would give 4·E[tanh²](1) ≈ 1.58 per layer, i.e. explode;
  // the exact recursion converges to a fixed point below 1
  assert.ok(steps[5]!.forward! < 1);
  assert.ok(Math.abs(steps[5]!.forward! - steps[4]!.forward!) < 0.01);
});

test('normalization resets the pre-activation variance whatever Var(W) is', () => {
  for (const varW of [1e-6, 1, null]) {
    const steps = propagate(stack(4, { fanIn: 64, fanOut: 64, varW, act: 'relu', normalized: true }));
    for (const s of steps) {
      rel(s.preActivation, 1, 1e-15, `varW=${varW}`);
      rel(s.forward, 0.5, 1e-12, `varW=${varW}`);
    }
    // backward: the norm divides the gradient by the raw std, so Var(W) cancels:
    // fanOut·d/(fanIn·m_prev) = 1·0.5/0.5 = 1 after the first layer
    rel(steps[2]!.factorBackward, 1, 1e-12, `χ varW=${varW}`);
  }
});

test('residual blocks add the branch to the skip', () => {
  const steps = propagate(stack(5, { fanIn: 64, fanOut: 64, varW: 2 / 64, act: 'relu', residual: true }));
  steps.forEach((s, i) => {
    rel(s.forward, 2 ** (i + 1), 1e-12, `forward ${i}`); // m + m·1
    rel(s.factorBackward, 2, 1e-12);
  });
});

test('unknown quantities propagate as null', () => {
  const layers = stack(4, { fanIn: 32, fanOut: 32, varW: 2 / 32, act: 'relu' });
  layers[1] = { ...layers[1]!, act: 'unknown' };
  const steps = propagate(layers);
  assert.notEqual(steps[0]!.forward, null);
  assert.equal(steps[1]!.forward, null);
  assert.equal(steps[3]!.forward, null);
  assert.equal(steps[0]!.backward, null);
  assert.equal(propagate([]).length, 0);
  const noFan = propagate(stack(2, { fanIn: null, fanOut: 8, varW: 0.1, act: 'relu' }));
  assert.equal(noFan[0]!.forward, null);
});

// ---------------------------------------------------------------------------
// Monte Carlo: a real random network agrees with the mean-field prediction.


function simulate(act: KnownActivation, width: number, depth: number, varW: number, batch: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const f = activationFn(act);
  let x = Array.from({ length: batch }, () => Float64Array.from({ length: width }, gauss));
  const out: number[] = [];
  const sd = Math.sqrt(varW);
  for (let l = 0; l < depth; l++) {
    const W = Float64Array.from({ length: width * width }, () => gauss() * sd);
    let sum = 0;
    x = x.map((v) => {
      const y = new Float64Array(width);
      for (let j = 0; j < width; j++) {
        let h = 0;
        const row = j * width;
        for (let i = 0; i < width; i++) h += W[row + i]! * v[i]!;
        y[j] = f(h);
        sum += y[j]! * y[j]!;
      }
      return y;
    });
    out.push(sum / (batch * width));
  }
  return out;
}

test('Monte Carlo: sampled networks match the predicted second moments within 10%', () => {
  // Finite width adds O(1/√width) fluctuations per layer that the weights share
  // across a batch, so average several independent networks.
  const width = 256;
  const nets = 8;
  for (const [act, gain2] of [['relu', 2], ['tanh', 4], ['gelu', 1]] as const) {
    const varW = gain2 / width;
    const mean = [0, 0, 0, 0];
    for (let k = 0; k < nets; k++) {
      simulate(act, width, 4, varW, 32, 1000 + k).forEach((v, i) => (mean[i]! += v / nets));
    }
    const pred = propagate(stack(4, { fanIn: width, fanOut: width, varW, act }));
    mean.forEach((v, i) => rel(v, pred[i]!.forward!, 0.1, `${act} layer ${i}`));
  }
});

test('an embedding lookup starts the signal at Var(W) and blocks the gradient to the ids', () => {
  const layers: PropagationLayer[] = [
    { fanIn: 1000, fanOut: 64, varW: 1 / 64, act: 'linear', normalized: false, residual: false, lookup: true },
    { fanIn: 64, fanOut: 64, varW: 2 / 64, act: 'relu', normalized: false, residual: false },
  ];
  const steps = propagate(layers, { inputSecondMoment: 123 });
  rel(steps[0]!.forward, 1 / 64, 1e-15, 'lookup');
  rel(steps[1]!.forward, 1 / 64, 1e-12, 'He after it');
  assert.equal(steps[0]!.backward, null);
  rel(steps[1]!.backward, 1, 1e-12);
});

test('propagateLayers reads detected layers (framework Var(W), activation, flags)', () => {
  const base = {
    framework: 'pytorch' as const, layer: 'Linear', name: null, span: { from: 0, to: 1 },
    normalization: null, residual: false, recurrent: false, embedding: false, model: 0, order: 0,
    fanIn: 128, fanOut: 128,
  };
  const layer = (id: number) => ({
    ...base, id,
    activation: { name: 'relu' as const, via: 'sequential' as const },
    init: { name: 'pytorch_default' as const, explicit: false, source: 'default' as const },
  });
  // PyTorch default + ReLU without bias (bias=False): 1/6 per layer
  const steps = propagateLayers([0, 1, 2].map((i) => ({ ...layer(i), bias: false as const })));
  rel(steps[2]!.forward, (1 / 6) ** 3, 1e-12);
  // With PyTorch's default bias U(±1/√128): q_l = m_{l−1}/3 + 1/384, m_l = q_l/2.
  const biased = propagateLayers([layer(0), layer(1), layer(2)]);
  let m = 1;
  for (let i = 0; i < 3; i++) m = (m / 3 + 1 / 384) / 2;
  rel(biased[2]!.forward, m, 1e-12);
  const withBn = propagateLayers([{ ...layer(0), normalization: 'batchnorm' as const }]);
  rel(withBn[0]!.forward, 0.5, 1e-12);
});
