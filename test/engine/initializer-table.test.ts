/**
 * The initializer table (src/core/frameworks/shared/initializers.ts) against the engine: every
 * spelling the table gives a framework, written in a layer the way a user writes it, is read back
 * as that row's initializer; and what the TF.js fix writes for a target is read back as the target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { INITIALIZERS } from '../../src/core/frameworks/shared/initializers.js';
import type { InitName, Language } from '../../src/core/types.js';

function initOf(text: string, lang: Language = 'python'): string {
  const res = analyze(text, lang, {});
  assert.equal(res.layers.length, 1, `one layer in:\n${text}\n${JSON.stringify(res.layers.map((l) => l.layer))}`);
  return res.layers[0]!.init.name;
}

/** Arguments a factory needs to be read as itself (a constant's value, variance_scaling's law). */
const ARGS: Partial<Record<InitName, { keras: string; flax: string; torch: string; tfjs: string }>> = {
  constant: { keras: 'value=0.5', flax: '0.5', torch: ', 0.5', tfjs: '{value: 0.5}' },
  variance_scaling: { keras: 'scale=2.0', flax: '2.0, "fan_in", "normal"', torch: '', tfjs: "{scale: 2, mode: 'fanIn', distribution: 'uniform'}" },
};

test('every Keras string and class name of the table is read as its initializer', () => {
  for (const e of INITIALIZERS) {
    if (!e.keras) continue;
    // A bare "constant" is Keras' Constant(value=0).
    const fromString = e.name === 'constant' ? 'zeros' : e.name;
    for (const s of [e.keras.string, ...e.keras.aliases]) {
      assert.equal(initOf(`from keras import layers\nlayers.Dense(8, kernel_initializer="${s}")\n`), fromString, `"${s}"`);
    }
    const args = ARGS[e.name]?.keras ?? '';
    const cls = `from keras import layers, initializers\nlayers.Dense(8, kernel_initializer=initializers.${e.keras.class}(${args}))\n`;
    assert.equal(initOf(cls), e.name, e.keras.class);
  }
});

test('every Flax name of the table is read as its initializer', () => {
  for (const e of INITIALIZERS) {
    for (const n of e.flax) {
      // zeros and ones are initializers already; the others are factories.
      const call = n === 'zeros' || n === 'ones' ? '' : `(${ARGS[e.name]?.flax ?? ''})`;
      const text = `import flax.linen as nn\n\nclass M(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        return nn.Dense(8, kernel_init=nn.initializers.${n}${call})(x)\n`;
      assert.equal(initOf(text), e.name, n);
    }
  }
});

test('every torch.nn.init function of the table is read as its initializer', () => {
  for (const e of INITIALIZERS) {
    if (!e.torch) continue;
    const text = `import torch.nn as nn\n\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 8)\n        nn.init.${e.torch}(self.fc.weight${ARGS[e.name]?.torch ?? ''})\n\n    def forward(self, x):\n        return self.fc(x)\n`;
    assert.equal(initOf(text), e.name, e.torch);
  }
});

test('every TF.js identifier and class name of the table is read as its initializer', () => {
  for (const e of INITIALIZERS) {
    if (!e.tfjs) continue;
    const layer = (init: string): string => `import * as tf from '@tensorflow/tfjs';\ntf.layers.dense({units: 8, inputShape: [4], kernelInitializer: ${init}});\n`;
    const args = ARGS[e.name]?.tfjs ?? '';
    if (!args) assert.equal(initOf(layer(`'${e.tfjs}'`), 'typescript'), e.name, `'${e.tfjs}'`);
    assert.equal(initOf(layer(`tf.initializers.${e.tfjs}(${args})`), 'typescript'), e.name, `tf.initializers.${e.tfjs}()`);
  }
});

test('the TF.js spellings and laws of the table are those of @tensorflow/tfjs itself', async () => {
  const tf = await import('@tensorflow/tfjs');
  const modes = { fan_in: 'fanIn', fan_avg: 'fanAvg' } as const;
  for (const e of INITIALIZERS) {
    if (!e.tfjs) continue;
    assert.equal(typeof (tf.initializers as unknown as Record<string, unknown>)[e.tfjs], 'function', `tf.initializers.${e.tfjs}`);
    if (!e.law) continue;
    // The string identifier builds the initializer, and it draws the table's law.
    const layer = tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: e.tfjs as never });
    const config = (layer as unknown as { kernelInitializer: { getConfig(): Record<string, unknown> } }).kernelInitializer.getConfig();
    assert.deepEqual(
      { scale: config.scale, mode: config.mode, distribution: config.distribution },
      { scale: e.law.scale, mode: modes[e.law.mode], distribution: e.law.uniform ? 'uniform' : 'normal' },
      e.tfjs,
    );
  }
});
