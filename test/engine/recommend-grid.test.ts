/**
 * Every framework's every recommended initializer, end to end: for each activation, a layer
 * written with the framework's default init gets the preferred fix (fix-all), and the engine's
 * numbers of what the fixed code really draws (a TF.js `heNormal` is truncated without
 * correction: 0.77 of its variance) keep the signal as well as the recommendation does in Keras:
 * ≈1 per layer for the families that preserve it exactly (ReLU, leaky ReLU, SELU), and the same
 * factor as Keras's for the others (the closest named initializer), in both distributions, each
 * written in the preferred law (Keras, PyTorch and Flax; TF.js writes the law that is exact).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAll, type AnalysisOptions, type Framework, type Language } from '../../src/core/index.js';
import { layerNumbers } from '../../src/core/analysis/numbers.js';

type Act = 'relu' | 'leaky_relu' | 'selu' | 'elu' | 'gelu' | 'tanh' | 'sigmoid' | 'softplus';
const ACTS: Act[] = ['relu', 'leaky_relu', 'selu', 'elu', 'gelu', 'tanh', 'sigmoid', 'softplus'];
const EXACT = new Set<Act>(['relu', 'leaky_relu', 'selu']);

const SOURCES: Record<Framework, { lang: Language; src: (a: Act) => string | null }> = {
  keras: {
    lang: 'python',
    src: (a) => {
      const act = a === 'leaky_relu' ? 'layers.LeakyReLU(negative_slope=0.2)' : null;
      const dense = act ? 'layers.Dense(256)' : `layers.Dense(256, activation="${a}")`;
      return `import keras\nfrom keras import layers\n\nm = keras.Sequential([\n    keras.Input(shape=(256,)),\n    ${dense},\n${act ? `    ${act},\n` : ''}    layers.Dense(10),\n])\n`;
    },
  },
  tfjs: {
    lang: 'typescript',
    src: (a) => {
      const name = { relu: 'relu', selu: 'selu', elu: 'elu', gelu: 'gelu', tanh: 'tanh', sigmoid: 'sigmoid', softplus: 'softplus', leaky_relu: null }[a];
      const first = name
        ? `tf.layers.dense({units: 256, inputShape: [256], activation: '${name}'})`
        : `tf.layers.dense({units: 256, inputShape: [256]}), tf.layers.leakyReLU({alpha: 0.2})`;
      return `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential({layers: [${first}, tf.layers.dense({units: 10})]});\n`;
    },
  },
  pytorch: {
    lang: 'python',
    src: (a) => {
      const mod = { relu: 'nn.ReLU()', leaky_relu: 'nn.LeakyReLU(0.2)', selu: 'nn.SELU()', elu: 'nn.ELU()', gelu: 'nn.GELU()', tanh: 'nn.Tanh()', sigmoid: 'nn.Sigmoid()', softplus: 'nn.Softplus()' }[a];
      return `import torch.nn as nn\n\nm = nn.Sequential(nn.Linear(256, 256), ${mod}, nn.Linear(256, 10))\n`;
    },
  },
  flax: {
    lang: 'python',
    src: (a) => {
      const fn = { relu: 'nn.relu(x)', leaky_relu: 'nn.leaky_relu(x, negative_slope=0.2)', selu: 'nn.selu(x)', elu: 'nn.elu(x)', gelu: 'nn.gelu(x)', tanh: 'nn.tanh(x)', sigmoid: 'nn.sigmoid(x)', softplus: 'nn.softplus(x)' }[a];
      return `import flax.linen as nn\n\nclass M(nn.Module):\n    @nn.compact\n    def __call__(self, x):\n        x = nn.Dense(256)(x)\n        x = ${fn}\n        x = nn.Dense(256)(x)\n        x = ${fn}\n        return nn.Dense(10)(x)\n`;
    },
  },
};

/** The per-layer factor the rules judge (tanh, sigmoid: the linear-regime fan_in·Var(W)) of the fixed layer. */
function fixedFactor(framework: Framework, act: Act, distribution: AnalysisOptions['distribution']): { factor: number; before: number; init: string; law?: string } | null {
  const { lang, src } = SOURCES[framework];
  const text = src(act)!;
  const options = { distribution };
  const pick = (t: string) => analyze(t, lang, options).layers.filter((l) => l.activation.name === act && l.fanIn !== null).at(-1);
  const before = pick(text);
  assert.ok(before, `${framework} ${act}: a layer with known fans followed by ${act}\n${text}`);
  const fixed = fixAll(text, lang, options).text;
  const after = pick(fixed);
  assert.ok(after, `${framework} ${act}: the layer after the fix\n${fixed}`);
  if (!after.init.explicit) return null; // nothing to fix: the default already suits the activation
  const judged = (n: ReturnType<typeof layerNumbers>) => (act === 'tanh' || act === 'sigmoid' ? n.coeff : n.forward);
  const f = judged(layerNumbers(after, after.init));
  const b = judged(layerNumbers(before, before.init));
  assert.ok(f !== null && b !== null, `${framework} ${act}: numbers known`);
  return { factor: f, before: b, init: after.init.text ?? after.init.name, law: after.init.distribution };
}

for (const distribution of ['normal', 'uniform'] as const) {
  test(`every framework's recommended init (${distribution}) keeps the signal as Keras's does, and ≈1 where the family is exact`, () => {
    const rows: string[] = [];
    if (process.env.GRID_PRINT) process.on("exit", () => console.log(rows.join("\n")));
    for (const act of ACTS) {
      const keras = fixedFactor('keras', act, distribution);
      for (const fw of ['keras', 'tfjs', 'pytorch', 'flax'] as const) {
        const got = fixedFactor(fw, act, distribution);
        if (!got) {
          rows.push(`${fw} ${act}: default kept`);
          continue;
        }
        rows.push(`${fw} ${act}: ${got.init} → ${got.factor.toFixed(3)} (was ${got.before.toFixed(3)})`);
        if (EXACT.has(act)) assert.ok(Math.abs(got.factor - 1) < 0.03, `${fw} ${act} (${distribution}): ${got.init} gives ${got.factor}, not ≈1\n${rows.join('\n')}`);
        // every framework recommends the same law as Keras (PyTorch's tanh too: xavier with gain 1)
        else if (keras) {
          assert.ok(Math.abs(got.factor / keras.factor - 1) < 0.03, `${fw} ${act} (${distribution}): ${got.init} gives ${got.factor}, Keras's recommendation ${keras.factor}\n${rows.join('\n')}`);
        }
        // The preferred law is written (TF.js: uniform is exact, its normal laws lose variance;
        // SELU's self-normalization needs LeCun normal, IL006).
        if (fw !== 'tfjs' && act !== 'selu') assert.equal(got.law === 'uniform' ? 'uniform' : 'normal', distribution, `${fw} ${act}: ${got.init} is ${got.law}, the preference is ${distribution}`);
        // The fix moves the factor towards 1 (or leaves it there).
        assert.ok(Math.abs(Math.log(got.factor)) <= Math.abs(Math.log(got.before)) + 1e-9, `${fw} ${act}: the fix moves away from 1\n${rows.join('\n')}`);
      }
    }
  });
}
