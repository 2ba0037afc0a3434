/**
 * The panel's CSV export: the layer table and every series, quoted per RFC
 * 4180, with the gains and numbers the panel shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { panelModel } from '../../src/vscode/logic/panel.js';
import { exportCsv, gains, seriesCsv, tableCsv } from '../../webview/variance/csv.js';

const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu", name="hidden, first"),
    layers.Dense(32, activation="relu", kernel_initializer="he_normal"),
    layers.Dense(10, activation="softmax"),
])
`;

function built() {
  const result = analyze(MODEL, 'python');
  const b = panelModel(result, result.models[0]!.id, DEFAULT_SIM_OPTIONS, 'model.py', () => 6);
  if ('error' in b) throw new Error(b.error);
  return b;
}

/** A minimal RFC 4180 reader, to check the file reads back to the same cells. */
function parse(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      (row = []), (cell = ''), i++;
    } else cell += c;
  }
  return rows;
}

test('the table CSV has one row per layer with the gains shown in the panel, and quotes a name with a comma', () => {
  const { spec, analytic } = built();
  const rows = parse(tableCsv(spec, analytic));
  assert.deepEqual(rows[0]!.slice(0, 10), ['index', 'line', 'layer', 'name', 'activation', 'normalization', 'fan_in', 'fan_out', 'init_now', 'init_recommended']);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[1]!.slice(0, 10), ['1', '6', 'Dense', 'hidden, first', 'relu', '', '64', '64', 'glorot_uniform', 'he_normal']);
  const col = rows[0]!.indexOf('gain_recommended');
  // He + ReLU keeps the second moment: gain 1 (analytic).
  assert.ok(Math.abs(Number(rows[1]![col]) - 1) < 1e-9, rows[1]![col]);
  const cur = rows[0]!.indexOf('gain_current');
  // glorot_uniform + ReLU, 64 → 64: 64·(2/128)·½ = 0.5.
  assert.ok(Math.abs(Number(rows[1]![cur]) - 0.5) < 1e-9, rows[1]![cur]);
  assert.deepEqual(gains(analytic, 'recommended').slice(0, 2).map((g) => Math.round(g! * 1e6) / 1e6), [1, 1]);
});

test('the series CSV lists every init × layer, forward and backward, Monte Carlo and analytic', () => {
  const { analytic } = built();
  const rows = parse(seriesCsv(analytic));
  assert.equal(rows.length, 1 + 4 * 3);
  assert.deepEqual(
    rows.slice(1).map((r) => r[0]),
    ['current', 'current', 'current', 'recommended', 'recommended', 'recommended', 'orthogonal', 'orthogonal', 'orthogonal', 'lsuv', 'lsuv', 'lsuv'],
  );
  const h = rows[0]!;
  for (const r of rows.slice(1)) {
    assert.ok(Number(r[h.indexOf('forward_second_moment')]) > 0);
    assert.equal(r[h.indexOf('forward_analytic')], r[h.indexOf('forward_second_moment')]);
  }
  const both = exportCsv(built().spec, analytic);
  assert.ok(both.includes('\r\n\r\ninit,layer,'), 'the two tables are separated by a blank line');
});

test('unknown numbers are empty cells, never NaN or Infinity', () => {
  const { spec, analytic } = built();
  const text = exportCsv(spec, analytic);
  assert.doesNotMatch(text, /NaN|Infinity|undefined|null/);
});
