import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InitTarget } from '../../src/core/frameworks/adapter.js';
import { HE, analyze, applyEdits, errorNodeCount, fixAndReanalyze, layerAt, spanText } from './helpers.js';

const HEAD = `import * as tf from '@tensorflow/tfjs';\n`;

test('single-line config: inserts before the closing brace; trailing comma kept', () => {
  const src = HEAD + `const a = tf.layers.dense({units: 4, activation: 'relu'});\nconst b = tf.layers.dense({units: 4, activation: 'relu',});\n`;
  const r = analyze(src);
  const { text: t1 } = fixAndReanalyze(r, r.layers[0]!, HE);
  assert.ok(t1.includes(`tf.layers.dense({units: 4, activation: 'relu', kernelInitializer: 'heNormal'})`), t1);
  const { text: t2 } = fixAndReanalyze(r, r.layers[1]!, HE);
  assert.ok(t2.includes(`tf.layers.dense({units: 4, activation: 'relu', kernelInitializer: 'heNormal',})`), t2);
});

test('multi-line config: new line with the same indentation, trailing-comma style kept', () => {
  const src =
    HEAD +
    `const a = tf.layers.dense({
    units: 4,
    activation: 'relu',
});
const b = tf.layers.dense({
  units: 4,
  activation: 'relu' // hidden layer
});
const c = tf.layers.dense({units: 4,
                           activation: 'relu'});
`;
  const r = analyze(src);
  const fixed = r.layers.map((l) => {
    const { text, after } = fixAndReanalyze(r, l, HE);
    return spanText(text, after.layers[l.id]!.span);
  });
  assert.equal(fixed[0], `tf.layers.dense({\n    units: 4,\n    activation: 'relu',\n    kernelInitializer: 'heNormal',\n})`);
  assert.equal(fixed[1], `tf.layers.dense({\n  units: 4,\n  activation: 'relu', // hidden layer\n  kernelInitializer: 'heNormal'\n})`);
  assert.equal(fixed[2], `tf.layers.dense({units: 4,\n                           activation: 'relu',\n                           kernelInitializer: 'heNormal'})`);
});

test('an existing initializer is replaced, never duplicated', () => {
  const src =
    HEAD +
    `const a = tf.layers.dense({units: 4, kernelInitializer: 'glorotUniform', activation: 'relu'});
const b = tf.layers.dense({
  units: 4,
  kernelInitializer: tf.initializers.glorotNormal({seed: 3}),
  activation: 'relu',
});
const kernelInitializer = 'zeros';
const c = tf.layers.dense({units: 4, kernelInitializer, activation: 'relu'});
`;
  const r = analyze(src);
  for (const l of r.layers) {
    const edits = r.fix(l, HE)!;
    assert.equal(edits.length, 1);
    const text = applyEdits(src, edits);
    const after = analyze(text);
    const call = spanText(text, after.layers[l.id]!.span)!;
    assert.equal(call.split('kernelInitializer').length - 1, 1, call);
    assert.equal(after.layers[l.id]!.init.name, 'he_normal');
  }
  const first = r.fix(r.layers[0]!, HE)!;
  assert.equal(spanText(src, first[0]), `'glorotUniform'`);
  assert.equal(first[0]!.newText, `'heNormal'`);
  const shorthand = applyEdits(src, r.fix(r.layers[2]!, HE)!);
  assert.ok(shorthand.includes(`tf.layers.dense({units: 4, kernelInitializer: 'heNormal', activation: 'relu'})`));
});

test('quote style follows the file', () => {
  const dq = `import * as tf from "@tensorflow/tfjs";\nconst a = tf.layers.dense({units: 4});\nconst b = tf.layers.dense({units: 4, activation: "relu"});\n`;
  const r = analyze(dq);
  for (const l of r.layers) {
    const text = applyEdits(dq, r.fix(l, HE)!);
    assert.ok(text.includes(`kernelInitializer: "heNormal"`), text);
    assert.ok(!text.includes(`'heNormal'`));
  }
  const sq = HEAD + `const a = tf.layers.dense({units: 4});\n`;
  const r2 = analyze(sq);
  assert.ok(applyEdits(sq, r2.fix(r2.layers[0]!, HE)!).includes(`kernelInitializer: 'heNormal'`));
});

test('every target identifier, recurrent target, separableConv2d, depthwise, embedding', () => {
  const src =
    HEAD +
    `const d = tf.layers.dense({units: 4});
const l = tf.layers.lstm({units: 4});
const s = tf.layers.separableConv2d({filters: 4, kernelSize: 3, depthwiseInitializer: 'zeros'});
const w = tf.layers.depthwiseConv2d({kernelSize: 3});
const e = tf.layers.embedding({inputDim: 10, outputDim: 4});
`;
  const r = analyze(src);
  const d = layerAt(r, 'tf.layers.dense');
  const idents: [InitTarget['init'], string, string][] = [
    ['he_normal', 'heNormal', 'he_normal'],
    ['he_uniform', 'heUniform', 'he_uniform'],
    ['glorot_uniform', 'glorotUniform', 'glorot_uniform'],
    ['glorot_normal', 'glorotNormal', 'glorot_normal'],
    ['lecun_normal', 'leCunNormal', 'lecun_normal'],
    ['lecun_uniform', 'leCunUniform', 'lecun_uniform'],
    ['orthogonal', 'orthogonal', 'orthogonal'],
  ];
  for (const [init, ident, back] of idents) {
    const edits = r.fix(d, { init, which: 'kernel', activation: 'relu' })!;
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, `, kernelInitializer: '${ident}'`);
    assert.equal(analyze(applyEdits(src, edits)).layers[d.id]!.init.name, back);
  }
  assert.equal(r.fix(d, { init: 'zeros', which: 'kernel', activation: 'relu' }), null);
  assert.equal(r.fix(d, { init: 'orthogonal', which: 'recurrent', activation: 'tanh' }), null, 'dense has no recurrent kernel');

  const lstm = layerAt(r, 'tf.layers.lstm');
  const { text: lt, after: la } = fixAndReanalyze(r, lstm, { init: 'orthogonal', which: 'recurrent', activation: 'tanh' });
  assert.ok(lt.includes(`tf.layers.lstm({units: 4, recurrentInitializer: 'orthogonal'})`));
  assert.equal(la.layers[lstm.id]!.recurrentInit!.explicit, true);

  const sep = layerAt(r, 'tf.layers.separableConv2d');
  const { text: st, after: sa } = fixAndReanalyze(r, sep, HE);
  assert.ok(
    st.includes(`tf.layers.separableConv2d({filters: 4, kernelSize: 3, depthwiseInitializer: 'heNormal', pointwiseInitializer: 'heNormal'})`),
    st,
  );
  assert.equal(sa.layers[sep.id]!.init.name, 'he_normal');

  const dw = layerAt(r, 'tf.layers.depthwiseConv2d');
  assert.ok(fixAndReanalyze(r, dw, HE).text.includes(`tf.layers.depthwiseConv2d({kernelSize: 3, depthwiseInitializer: 'heNormal'})`));
  const emb = layerAt(r, 'tf.layers.embedding');
  assert.ok(
    fixAndReanalyze(r, emb, { init: 'glorot_uniform', which: 'kernel', activation: 'linear' }).text.includes(
      `embeddingsInitializer: 'glorotUniform'`,
    ),
  );
});

test('variance_scaling uses the file\'s own tfjs alias and adds nothing else', () => {
  const target: InitTarget = { init: 'variance_scaling', which: 'kernel', activation: 'leaky_relu', slope: 0.1, scale: 2 / 1.01 };
  const src = `import * as tfl from '@tensorflow/tfjs-node';\nconst d = tfl.layers.dense({units: 4});\n`;
  const r = analyze(src);
  const edits = r.fix(r.layers[0]!, target)!;
  assert.equal(edits.length, 1);
  const text = applyEdits(src, edits);
  assert.equal(
    text,
    `import * as tfl from '@tensorflow/tfjs-node';\nconst d = tfl.layers.dense({units: 4, kernelInitializer: tfl.initializers.varianceScaling({scale: 1.98, mode: 'fanIn', distribution: 'normal'})});\n`,
  );
  const after = analyze(text).layers[0]!.init;
  assert.deepEqual([after.name, after.scale, after.mode], ['variance_scaling', 1.98, 'fan_in']);
  // The preferred distribution option is respected.
  const u = analyze(src, true, 'uniform');
  assert.ok(applyEdits(src, u.fix(u.layers[0]!, target)!).includes(`distribution: 'uniform'`));
  // Named `initializers` import, no namespace.
  const named = `import { layers, initializers } from '@tensorflow/tfjs';\nconst d = layers.dense({units: 4});\n`;
  const rn = analyze(named);
  assert.ok(applyEdits(named, rn.fix(rn.layers[0]!, target)!).includes(`kernelInitializer: initializers.varianceScaling({scale: 1.98,`));
  // Neither: no edit (we never add imports).
  const bare = `import { layers } from '@tensorflow/tfjs';\nconst d = layers.dense({units: 4});\n`;
  const rb = analyze(bare);
  assert.equal(rb.fix(rb.layers[0]!, target), null);
});

test('config that is not an inline object literal: no fix', () => {
  const src = HEAD + `const cfg = {units: 4};\nconst a = tf.layers.dense(cfg);\nconst b = tf.layers.dense();\n`;
  const r = analyze(src);
  assert.equal(r.layers.length, 2);
  for (const l of r.layers) assert.equal(r.fix(l, HE), null);
});

test('fix-all is idempotent and keeps the file error-free (TS and JS)', () => {
  const cases: [string, boolean][] = [
    [
      HEAD +
        `const m = tf.sequential();
m.add(tf.layers.dense({units: 64, inputShape: [10], activation: 'relu'}));
m.add(tf.layers.conv2d({
  filters: 8,
  kernelSize: 3,
  activation: 'relu',
  kernelInitializer: 'glorotUniform',
}));
m.add(tf.layers.dense({units: 4}));
m.add(tf.layers.reLU());
m.add(tf.layers.gru({units: 4}));
`,
      true,
    ],
    [
      `const tf = require('@tensorflow/tfjs');\nconst m = tf.sequential({layers: [tf.layers.dense({units: 3, activation: 'elu'}), tf.layers.dense({units: 1})]});\n`,
      false,
    ],
  ];
  for (const [src, ts] of cases) {
    let text = src;
    let r = analyze(text, ts);
    assert.equal(errorNodeCount(r.tree), 0);
    const targets = (a: typeof r) =>
      a.layers.flatMap((l) => (l.activation.name === 'relu' || l.activation.name === 'elu' || l.recurrent ? [l] : []));
    for (let round = 0; round < 2; round++) {
      const edits = targets(r).flatMap((l) => {
        const already = l.recurrent ? l.recurrentInit!.name === 'orthogonal' && l.recurrentInit!.explicit : l.init.name === 'he_normal';
        if (already) return [];
        const t: InitTarget = l.recurrent ? { init: 'orthogonal', which: 'recurrent', activation: 'tanh' } : HE;
        return r.fix(l, t) ?? [];
      });
      if (round === 1) {
        assert.deepEqual(edits, [], 'second fix-all is a no-op');
        break;
      }
      assert.ok(edits.length > 0);
      text = applyEdits(text, edits);
      r = analyze(text, ts);
      assert.equal(errorNodeCount(r.tree), 0, text);
    }
    for (const l of targets(r)) {
      if (l.recurrent) assert.deepEqual([l.recurrentInit!.name, l.recurrentInit!.explicit], ['orthogonal', true]);
      else assert.deepEqual([l.init.name, l.init.explicit], ['he_normal', true]);
    }
  }
});

test('fix on a broken (unclosed) config returns null instead of a bad edit', () => {
  const src = HEAD + `const m = tf.sequential();\nm.add(tf.layers.dense({units: 32,\nm.add(tf.layers.dense({units: 16, activation: 'tanh'}));\n`;
  const r = analyze(src);
  for (const l of r.layers) {
    const edits = r.fix(l, HE);
    if (edits === null) continue;
    // Whatever is offered must not add syntax errors.
    const before = errorNodeCount(r.tree);
    assert.ok(errorNodeCount(analyze(applyEdits(src, edits)).tree) <= before);
  }
  const broken = layerAt(r, 'tf.layers.dense({units: 32');
  assert.equal(r.fix(broken, HE), null);
});

test('CRLF files and tab indentation are kept', () => {
  const src = HEAD.replace('\n', '\r\n') + `const a = tf.layers.dense({\r\n\tunits: 4,\r\n\tactivation: 'relu'\r\n});\r\nconst b = tf.layers.dense({\r\n});\r\n`;
  const r = analyze(src);
  assert.equal(errorNodeCount(r.tree), 0);
  const ta = applyEdits(src, r.fix(r.layers[0]!, HE)!);
  assert.ok(ta.includes(`\tactivation: 'relu',\r\n\tkernelInitializer: 'heNormal'\r\n});`), JSON.stringify(ta));
  const tb = applyEdits(src, r.fix(r.layers[1]!, HE)!);
  assert.ok(tb.includes(`tf.layers.dense({\r\n  kernelInitializer: 'heNormal'\r\n});`), JSON.stringify(tb));
  assert.ok(!/[^\r]\n/.test(ta) && !/[^\r]\n/.test(tb), 'no bare LF introduced');
});
