/**
 * One set of assumptions for every number a user reads (issue 11): the lint
 * messages' model compound (analysis/numbers.ts modelCompound), the variance
 * table / `initlens simulate` text (sim/analytic.ts layerTable) and the
 * simulator's analytic curve (buildNetwork → analyticResult) give the same
 * second moment layer by layer: PyTorch's default bias counted where the code
 * has one (not after bias=False), the recommended side with the bias the fix
 * zeros, and an unknown fan equal to the other one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/index.js';
import type { AnalysisResult, Layer } from '../../src/core/types.js';
import { modelCompound } from '../../src/core/analysis/numbers.js';
import { analyticResult, layerTable } from '../../src/core/sim/analytic.js';
import { buildNetwork } from '../../src/core/sim/network.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';

const close = (a: number | null | undefined, b: number | null | undefined) =>
  a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-30);

function modelLayers(result: AnalysisResult, modelId: number): Layer[] {
  const byId = new Map(result.layers.map((l) => [l.id, l] as const));
  return result.models.find((m) => m.id === modelId)!.layers.map((id) => byId.get(id)).filter((l): l is Layer => !!l);
}

/** Current and recommended second moments per layer: table vs simulator analytic; and the compound. */
function disagreements(result: AnalysisResult, modelId: number, where: string): string[] {
  const out: string[] = [];
  const layers = modelLayers(result, modelId);
  const table = layerTable(layers, 'normal');
  const built = buildNetwork(result, modelId, DEFAULT_SIM_OPTIONS);
  if ('error' in built) return [`${where}: ${built.error}`];
  // Very wide layers are simulated narrower (their Var(W) rescaled): the table keeps the real fans.
  if (built.spec.assumptions.some((a) => a.key.startsWith('reduced:'))) return [];
  const sim = analyticResult(built.spec, { ...DEFAULT_SIM_OPTIONS, which: ['current', 'recommended'] });
  const cur = sim.series.find((s) => s.init === 'current')!.layers;
  const rec = sim.series.find((s) => s.init === 'recommended')!.layers;
  if (cur.length !== table.length) return [`${where}: ${cur.length} simulated layers, ${table.length} in the table`];
  // Where the table says "unknown" (an activation or init the engine cannot name), the simulator
  // must run something and says what (an assumption): compare the layers before the first one.
  const assumedAt = built.spec.assumptions
    .map((a) => /^layer:(\d+):(activation|init)$/.exec(a.key))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  const upTo = Math.min(table.length, ...assumedAt);
  table.slice(0, upTo).forEach((row, i) => {
    if (!close(row.current.forward, cur[i]!.analyticForwardSecondMoment)) out.push(`${where} layer ${i} current: table ${row.current.forward}, simulator ${cur[i]!.analyticForwardSecondMoment}`);
    if (row.recommended.forward !== null && !close(row.recommended.forward, rec[i]!.analyticForwardSecondMoment)) {
      out.push(`${where} layer ${i} recommended: table ${row.recommended.forward}, simulator ${rec[i]!.analyticForwardSecondMoment}`);
    }
  });
  const c = modelCompound(layers[0]!, result.layers, result.models);
  if (c !== null && upTo === table.length && !close(c.factor, table[table.length - 1]!.current.forward)) out.push(`${where}: compound ${c.factor}, table ${table[table.length - 1]!.current.forward}`);
  return out;
}

const MLP = (bias: string) => `import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(100, 200${bias})
        self.fc2 = nn.Linear(200, 200${bias})
        self.fc3 = nn.Linear(200, 10${bias})

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
`;

test("PyTorch's default bias is in the compound, the table and the simulator alike; bias=False takes it out; the fix's zeroed bias on the recommended side", () => {
  const withBias = analyze(MLP(''), 'python');
  const noBias = analyze(MLP(', bias=False'), 'python');
  assert.deepEqual(disagreements(withBias, withBias.models[0]!.id, 'bias'), []);
  assert.deepEqual(disagreements(noBias, noBias.models[0]!.id, 'no bias'), []);
  // By hand: U(±1/√fan_in) weights and bias, ReLU: q1 = 1/3 + 1/300, m1 = q1/2; q2 = m1/3 + 1/600, m2 = q2/2; q3 = m2/3 + 1/600.
  const q1 = 1 / 3 + 1 / 300;
  const q2 = q1 / 2 / 3 + 1 / 600;
  const q3 = q2 / 2 / 3 + 1 / 600;
  const c = modelCompound(withBias.layers[0]!, withBias.layers, withBias.models)!;
  assert.ok(close(c.factor, q3), `compound ${c.factor} vs ${q3}`);
  const c0 = modelCompound(noBias.layers[0]!, noBias.layers, noBias.models)!;
  assert.ok(close(c0.factor, 1 / 3 / 2 / 3 / 2 / 3), `compound without bias ${c0.factor}`);
  const built = buildNetwork(noBias, noBias.models[0]!.id, DEFAULT_SIM_OPTIONS);
  assert.ok(!('error' in built) && built.spec.layers.every((l) => l.bias === null));
  // The recommended (He normal, bias zeroed by the fix) keeps the ReLU layers at 1 exactly.
  const t = layerTable(modelLayers(withBias, withBias.models[0]!.id), 'normal');
  assert.ok(close(t[1]!.recommended.forward, 1));
});

test('every model of the examples and the corpus: the compound, the table and the simulator analytic agree layer by layer', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (/\.(py|ts|js)$/.test(n.name) && !n.name.endsWith('.d.ts')) files.push(p);
    }
  };
  ['examples', 'test/corpus'].forEach(walk);
  const problems: string[] = [];
  let models = 0;
  for (const path of files.sort()) {
    const language = path.endsWith('.py') ? 'python' : path.endsWith('.ts') ? 'typescript' : 'javascript';
    const result = analyze(readFileSync(path, 'utf8'), language);
    for (const m of result.models) {
      if (m.layers.length < 3) continue;
      problems.push(...disagreements(result, m.id, `${path} model ${m.id}`));
      models++;
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(models >= 30, `models checked: ${models}`);
});

test('strided (transposed) convolutions: the table, the compound and the simulator see the same signal fans', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.c2 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.c3 = nn.Conv2d(16, 8, 3, stride=2, padding=1)

    def forward(self, x):
        return self.c3(F.relu(self.c2(F.relu(self.c1(x)))))
`;
  const result = analyze(src, 'python');
  assert.deepEqual(disagreements(result, result.models[0]!.id, 'strided'), []);
  const t = layerTable(modelLayers(result, result.models[0]!.id), 'normal');
  // c1: PyTorch's fan_in of a transposed kernel counts its output channels (32·16 = 512): Var(W) = 1/1536;
  // each output sums 64 input channels × 16/4 taps = 256 terms, plus the bias U(±1/√512).
  const q1 = 256 / 1536 + 1 / 1536;
  assert.ok(close(t[0]!.current.forward, q1 / 2), `c1: ${t[0]!.current.forward} vs ${q1 / 2}`);
});
