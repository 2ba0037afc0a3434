/** `initlens simulate` with the simulator: JSON version 1, CSV, text, determinism, bad input (exit 2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, tempTree } from '../cli/helpers.js';

const MLP = `import torch.nn as nn
net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 10))
`;

const FIELDS = ['index', 'line', 'layer', 'activation', 'fanIn', 'fanOut', 'preMean', 'preVar', 'forwardMean', 'forwardVar', 'forwardSecondMoment', 'deadFraction', 'backwardVar', 'weightGradVar', 'analyticForwardSecondMoment', 'analyticBackwardVar', 'spread'];

interface Out {
  version: number;
  backend: string | null;
  method: string;
  assumptions: { key: string; message: string }[];
  timings: { analyticMs: number; firstCurveMs: number | null; totalMs: number };
  inits: { init: string; seeds: number; layers: Record<string, unknown>[]; initNames: string[] }[];
}

test('simulate --format json: version 1, per init and layer the documented fields, backend, seeds, timings; the same seed gives the same numbers', async () => {
  const { dir, cleanup } = tempTree({ 'mlp.py': MLP });
  try {
    const args = ['simulate', 'mlp.py', '--format', 'json', '--seeds', '2', '--batch', '16', '--seed', '5', '--workers', '1'];
    const r = await cli(args, dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Out;
    assert.equal(out.version, 1);
    assert.equal(out.backend, 'wasm');
    assert.equal(out.method, 'both');
    assert.deepEqual(out.inits.map((s) => s.init), ['current', 'recommended', 'orthogonal', 'lsuv']);
    for (const s of out.inits) {
      assert.equal(s.seeds, 2);
      assert.equal(s.layers.length, 3);
      for (const l of s.layers) for (const f of FIELDS) assert.ok(f in l, `${s.init}: ${f} missing`);
    }
    const cur = out.inits[0]!;
    assert.deepEqual(cur.initNames, ['pytorch_default', 'pytorch_default', 'pytorch_default']);
    assert.deepEqual(out.inits[1]!.initNames, ['he_normal', 'glorot_normal', 'glorot_normal']);
    assert.equal(cur.layers[0]!.line, 2);
    assert.ok(out.assumptions.some((a) => a.key === 'bias'));
    assert.ok(out.timings.firstCurveMs !== null && out.timings.totalMs >= out.timings.firstCurveMs);
    const again = JSON.parse((await cli(args, dir)).stdout) as Out;
    assert.deepEqual(again.inits, out.inits);

    const csv = await cli(['simulate', 'mlp.py', '--format', 'csv', '--seeds', '2', '--batch', '16', '--init', 'current', '--workers', '1'], dir);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^init,index,line,layer,activation,fanIn,fanOut,preMean,preVar,/);
    assert.match(lines[1]!, /^current,0,2,Linear,relu,64,64,/);

    const text = await cli(['simulate', 'mlp.py', '--seeds', '2', '--batch', '16', '--init', 'lsuv', '--workers', '1'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Monte Carlo \(TensorFlow\.js, wasm backend, batch 16/);
    assert.match(text.stdout, /lsuv: 2 seeds/);
    assert.match(text.stdout, /LSUV: iterations per layer/);
    assert.equal(text.stderr, '', 'no progress line when stderr is not a terminal');

    // The default is both methods; `--method mc` is Monte Carlo alone (no analytic numbers beside it).
    const mc = JSON.parse((await cli(['simulate', 'mlp.py', '--format', 'json', '--method', 'mc', '--seeds', '1', '--batch', '8', '--init', 'current', '--workers', '1'], dir)).stdout) as Out;
    assert.equal(mc.method, 'montecarlo');
    assert.equal(mc.inits[0]!.seeds, 1);
    assert.ok(mc.inits[0]!.layers.every((l) => l.analyticForwardSecondMoment === null && typeof l.forwardSecondMoment === 'number'));
    // and its text has no analytic columns or heading clause; the default has both
    const mcText = (await cli(['simulate', 'mlp.py', '--method', 'mc', '--seeds', '1', '--batch', '8', '--init', 'current', '--workers', '1'], dir)).stdout;
    assert.ok(mcText.includes('Monte Carlo ('), mcText);
    const mcPart = mcText.slice(mcText.indexOf('Monte Carlo ('));
    assert.match(mcPart, /forward E\[x²\]\s+95%\s+Var\(grad out\)/);
    assert.doesNotMatch(mcPart, /analytic/);
    assert.match(text.stdout.slice(text.stdout.indexOf('Monte Carlo (')), /analytic beside it[\s\S]*forward E\[x²\]\s+95%\s+analytic/);
  } finally {
    cleanup();
  }
});

test('simulate: bad input gets a clear message and exit code 2', async () => {
  const { dir, cleanup } = tempTree({ 'mlp.py': MLP, 'empty.py': 'x = 1\n' });
  try {
    const cases: [string[], RegExp][] = [
      [['simulate', 'mlp.py', '--batch', '0'], /--batch: expected an integer from 1 to 65536, got '0'/],
      [['simulate', 'mlp.py', '--batch', '1e12'], /--batch: expected an integer/],
      [['simulate', 'mlp.py', '--init', 'kaiming'], /--init: expected current, recommended, orthogonal, lsuv or all/],
      [['simulate', 'mlp.py', '--method', 'exact'], /--method: expected montecarlo \(mc\), analytic or both, got 'exact'/],
      [['simulate', 'mlp.py', '--backend', 'cuda'], /--backend: expected wasm or cpu/],
      [['simulate', 'mlp.py', '--model', 'nope'], /--model nope matches no model/],
      [['simulate', 'empty.py'], /no layers found/],
      [['check', 'mlp.py', '--seeds', '3'], /--seeds applies to simulate only/],
      [['check', 'mlp.py', '--format', 'csv'], /--format csv applies to simulate only/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, dir);
      assert.equal(r.code, 2, `${argv.join(' ')}: exit ${r.code}`);
      assert.match(r.stderr, message, argv.join(' '));
      assert.equal(r.stdout, '');
    }
  } finally {
    cleanup();
  }
});

test('simulate --method analytic is instant and has no backend', async () => {
  const { dir, cleanup } = tempTree({ 'mlp.py': MLP });
  try {
    const r = await cli(['simulate', 'mlp.py', '--format', 'json', '--method', 'analytic'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Out;
    assert.equal(out.backend, null);
    assert.equal(out.inits[0]!.seeds, 0);
    assert.equal(out.inits[0]!.layers[0]!.forwardSecondMoment, out.inits[0]!.layers[0]!.analyticForwardSecondMoment);
  } finally {
    cleanup();
  }
});

/** "±12%" → 0.12, "×/÷3.1" → 2.1. */
const c0 = (s: string) => (s.startsWith('±') ? Number(s.slice(1, -1)) / 100 : Number(s.slice(3)) - 1);

test('simulate: a deep narrow ReLU net does not converge within the seed cap, and the output says so with the numbers', async () => {
  // 12 layers of width 16: the seed-to-seed sd of log m is about √(5·12/16) ≈ 1.9, so ±5% needs ~5,000 seeds.
  const layers = Array.from({ length: 12 }, () => 'nn.Linear(16, 16), nn.ReLU()').join(', ');
  const { dir, cleanup } = tempTree({ 'deep.py': `import torch.nn as nn\nnet = nn.Sequential(${layers})\n` });
  try {
    const base = ['simulate', 'deep.py', '--init', 'recommended', '--batch', '16', '--workers', '1'];
    const text = await cli(base, dir);
    assert.equal(text.code, 0, text.stderr);
    const m = /recommended: 32 seeds, not converged: the seed cap \(32\) came first, widest 95% interval (±\d+%|×\/÷[\d.e+]+) at layer (\d+) \(the rule: ±5%, which a seed-to-seed sd of ([\d.]+) in log m needs ≈(\d+) seeds for; --seeds N for more\)/.exec(text.stdout);
    assert.ok(m, text.stdout);
    assert.ok(c0(m[1]!) > 0.05 && Number(m[4]) > 32, m[0]);
    const out = JSON.parse((await cli([...base, '--format', 'json'], dir)).stdout) as { inits: { seeds: number; converged: boolean; convergence: { halfWidth: number; layer: number; sd: number; seedsFor5: number } }[] };
    const c = out.inits[0]!.convergence;
    assert.equal(out.inits[0]!.converged, false);
    assert.equal(c.layer, Number(m[2]));
    assert.ok(c.sd > 0.8 && c.sd < 3, `sd ${c.sd}`);
    assert.equal(c.seedsFor5, Math.ceil(((1.96 * c.sd) / Math.log(1.05)) ** 2));
    // An explicit seed count: the interval it reached, no verdict.
    const two = await cli([...base, '--seeds', '3'], dir);
    assert.match(two.stdout, /recommended: 3 seeds \(widest 95% interval (±\d+%|×\/÷[\d.e+]+), layer \d+\)[;\n]/);
  } finally {
    cleanup();
  }
});
