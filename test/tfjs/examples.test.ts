import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze, errorNodeCount, fixAndReanalyze, HE } from './helpers.js';

const read = (name: string) => readFileSync(fileURLToPath(new URL(`../../examples/tfjs/${name}`, import.meta.url)), 'utf8');

test('examples/tfjs/mnist-mlp.ts: ReLU dense stack on the default glorotNormal init', () => {
  const r = analyze(read('mnist-mlp.ts'));
  assert.equal(errorNodeCount(r.tree), 0);
  assert.equal(r.models.length, 1);
  const hidden = r.layers.filter((l) => l.activation.name === 'relu');
  assert.equal(hidden.length, 3);
  for (const l of hidden) {
    assert.equal(l.init.name, 'glorot_normal');
    assert.equal(l.init.explicit, false);
  }
  assert.deepEqual(
    r.layers.map((l) => [l.fanIn, l.fanOut]),
    [
      [784, 512],
      [512, 512],
      [512, 256],
      [256, 10],
    ],
  );
  // Fixing every hidden layer gives He init and a clean file.
  let text = r.text;
  for (const l of hidden) {
    const cur = analyze(text);
    text = fixAndReanalyze(cur, cur.layers[l.id]!, HE).text;
  }
  const after = analyze(text);
  assert.equal(errorNodeCount(after.tree), 0);
  assert.deepEqual(
    after.layers.map((l) => l.init.name),
    ['he_normal', 'he_normal', 'he_normal', 'glorot_normal'],
  );
});

test('examples/tfjs/cnn-functional.ts: apply chain with He init already', () => {
  const r = analyze(read('cnn-functional.ts'));
  assert.equal(errorNodeCount(r.tree), 0);
  assert.equal(r.models.length, 1);
  assert.equal(r.models[0]!.kind, 'tf.model');
  const convs = r.layers.filter((l) => l.layer === 'conv2d');
  assert.equal(convs.length, 3);
  for (const c of convs) {
    assert.equal(c.activation.name, 'relu');
    assert.equal(c.init.name, 'he_normal');
    assert.equal(c.init.explicit, true);
    assert.equal(c.model, 0);
  }
  assert.ok(convs.some((c) => c.normalization === 'batchnorm'));
  assert.ok(convs.some((c) => c.residual));
  const head = r.layers.find((l) => l.layer === 'dense')!;
  assert.equal(head.activation.name, 'softmax');
  assert.equal(head.fanIn, 32);
  assert.equal(r.models[0]!.layers[r.models[0]!.layers.length - 1], head.id);
});

test('examples/tfjs/lstm.js: CommonJS require, embedding + LSTMs', () => {
  const r = analyze(read('lstm.js'), false);
  assert.equal(errorNodeCount(r.tree), 0);
  assert.deepEqual(
    r.layers.map((l) => l.layer),
    ['embedding', 'lstm', 'lstm', 'dense', 'dense'],
  );
  const [emb, l1, l2, d1] = r.layers;
  assert.equal(emb!.embedding, true);
  assert.equal(l1!.recurrentInit!.name, 'orthogonal');
  assert.equal(l1!.recurrentInit!.explicit, false);
  assert.equal(l2!.recurrentInit!.explicit, true);
  assert.deepEqual([l1!.fanIn, l1!.fanOut], [64, 512]);
  assert.equal(d1!.activation.name, 'elu');
  assert.equal(d1!.init.name, 'glorot_uniform');
});
