/**
 * Seeds and mutations for the fuzz test: the example files of every
 * language, generated ML code, and fast-check arbitraries that damage them
 * the way editing (and bad copy-paste) does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import fc from 'fast-check';
import type { Language } from '../../src/core/types.js';
import { generatePython } from '../../bench/generate.js';

export interface Seed {
  name: string;
  language: Language;
  text: string;
}

const EXT: Record<string, Language> = {
  '.py': 'python',
  '.pyi': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.tsx': 'typescript',
};

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (EXT[extname(p)] && st.size <= 200_000) out.push(p);
  }
}

/** A TF.js snippet so JS/TS parsing is fuzzed even before the examples exist. */
const TFJS_SEED = `import * as tf from '@tensorflow/tfjs';

// A small classifier.
export function buildModel(inputDim: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [inputDim], units: 64, activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: 32, activation: 'tanh', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

const input = tf.input({ shape: [28, 28, 1] });
const conv = tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
const flat = tf.layers.flatten().apply(conv);
const out = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'heNormal' }).apply(flat);
export const functional = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
`;

/**
 * All seeds: examples/** and test/corpus/** (every language), a TF.js
 * snippet in both JS and TS, and three short generated Python files.
 */
export function loadSeeds(root: string): Seed[] {
  const files: string[] = [];
  for (const dir of ['examples', join('test', 'corpus')]) {
    const p = join(root, dir);
    if (existsSync(p)) walk(p, files);
  }
  files.sort();
  const seeds: Seed[] = files.map((f) => ({ name: relative(root, f), language: EXT[extname(f)], text: readFileSync(f, 'utf8') }));
  seeds.push({ name: '<tfjs snippet>.ts', language: 'typescript', text: TFJS_SEED });
  seeds.push({ name: '<tfjs snippet>.js', language: 'javascript', text: TFJS_SEED.replace(/: tf\.Sequential|: number| as tf\.SymbolicTensor/g, '') });
  for (const seed of [1, 2, 3]) seeds.push({ name: `<generated python seed ${seed}>.py`, language: 'python', text: generatePython({ lines: 160, seed }).text });
  return seeds;
}

/** Tokens inserted by mutations: code fragments, framework names, and awkward characters. */
export const TOKENS: readonly string[] = [
  // Python / frameworks
  'nn.Linear(', 'nn.Conv2d(', 'nn.LSTM(', 'nn.Embedding(', 'nn.Sequential(', 'nn.ReLU()', 'nn.GELU()', 'nn.Tanh()', 'nn.LeakyReLU(0.2)',
  'nn.init.kaiming_normal_(', 'nn.init.xavier_uniform_(', 'nn.init.orthogonal_(', '.weight', 'm.weight', 'self.', 'self.fc1', 'F.relu(',
  'for m in self.modules():', 'if isinstance(m, nn.Linear):', 'self.apply(', 'def forward(self, x):', 'def __init__(self):', 'super().__init__()',
  'layers.Dense(', 'Dense(', 'Conv2D(', 'keras.Sequential([', 'keras.Model(', 'layers.Activation(', 'layers.Add()', 'model.add(',
  'activation=', 'kernel_initializer=', 'recurrent_initializer=', 'kernel_init=', '"he_normal"', "'relu'", '"selu"', '"tanh"', 'None',
  'keras.initializers.VarianceScaling(scale=2.0, mode="fan_in")', 'nn.initializers.he_normal()', 'nn.initializers.lecun_normal',
  '@nn.compact', 'def __call__(self, x):', 'linen.Dense(', 'jax.nn.relu', 'nonlinearity="relu"', 'a=math.sqrt(5)', 'gain=', 'mode="fan_out"',
  'inplace=True', 'import torch.nn as nn\n', 'from tensorflow import keras\n', 'from tensorflow.keras import layers\n', 'import flax.linen as nn\n',
  'class M(nn.Module):', 'def ', 'class ', 'return ', 'lambda x: ', 'x = ', '*args', '**kwargs', 'async ', 'await ', 'yield ', 'global ',
  '# initlens: ignore[IL001]', '# initlens: ignore', '# initlens: ignore-file[IL002]', '# initlens: ignore-file',
  // JS / TS / tfjs
  'tf.layers.dense({', 'tf.sequential(', 'tf.model({', 'kernelInitializer:', "'heNormal'", 'tf.initializers.glorotUniform({})', 'units: 64,',
  'activation: ', '.apply(', '=>', 'function ', 'const ', 'let ', 'export ', 'import ', 'as ', '<T>', '?.', '??', '...', '// initlens: ignore[IL001]',
  '/*', '*/', '`', '${', '}', '{', '</', '/>',
  // punctuation and layout
  ')', '(', ']', '[', ':', ',', '=', '.', ';', '\\', '#', '//', '@', '0', '64', '-1', '1e-3', '0x', '1_000', 'j',
  '\n', '\n    ', '\n        ', '\t', '\r\n', '\r', '    ', '"""', "'''", '"', "'", 'f"', 'b"', 'r"',
  // unicode and control characters
  '\u0000', '\u00e9', 'λ', '\u{1F600}', '\uD800', '\uDC00', '\u2028', '\u2029', '\uFEFF', '\u200B', '\u00A0', '\u000B', '\u000C', '\u0085',
];

export type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'replace'; at: number; len: number; token: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'shuffleLines'; at: number; count: number; seed: number }
  /** The same token many times over: deep nesting (`((((`, `[[[[`), long chains. */
  | { kind: 'repeat'; at: number; token: string; times: number };

const pos = fc.nat({ max: 1_000_000 });
const shortLen = fc.nat({ max: 60 });
const token = fc.constantFrom(...TOKENS);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, len: fc.oneof(shortLen, fc.nat({ max: 2000 })) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: pos, len: fc.nat({ max: 400 }), to: pos }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: pos, token }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: pos, len: shortLen, token }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: pos }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('swapLines' as const), a: pos, b: pos }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('shuffleLines' as const), at: pos, count: fc.integer({ min: 2, max: 30 }), seed: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      at: pos,
      token: fc.constantFrom('(', '[', '{', 'nn.Sequential(', 'f(', '-', 'not ', 'lambda: ', '"', '\\\n', ' if x else ', '.a', '    '),
      times: fc.integer({ min: 2, max: 4000 }),
    }),
    weight: 1,
  },
);

/** Offsets are taken modulo the current length, so any mutation applies to any text. */
export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  const at = (x: number) => (n === 0 ? 0 : x % (n + 1));
  switch (m.kind) {
    case 'delete': {
      const from = at(m.at);
      return text.slice(0, from) + text.slice(Math.min(n, from + m.len));
    }
    case 'duplicate': {
      const from = at(m.at);
      const piece = text.slice(from, Math.min(n, from + m.len));
      const to = at(m.to);
      return text.slice(0, to) + piece + text.slice(to);
    }
    case 'insert': {
      const p = at(m.at);
      return text.slice(0, p) + m.token + text.slice(p);
    }
    case 'replace': {
      const from = at(m.at);
      return text.slice(0, from) + m.token + text.slice(Math.min(n, from + m.len));
    }
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'swapLines': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
    case 'repeat': {
      const p = at(m.at);
      return text.slice(0, p) + m.token.repeat(m.times) + text.slice(p);
    }
    case 'shuffleLines': {
      const lines = text.split('\n');
      const start = m.at % lines.length;
      const end = Math.min(lines.length, start + m.count);
      let s = m.seed >>> 0;
      for (let i = end - 1; i > start; i--) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const j = start + (s % (i - start + 1));
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      return lines.join('\n');
    }
  }
}

export interface MutantCase {
  seed: number;
  /** Analyse with this language instead of the seed's (rare: any text in any parser). */
  language: Language | null;
  mutations: Mutation[];
  /** Preferred distribution for fixes, and whether fixAll may apply unsafe fixes. */
  options: { distribution: 'normal' | 'uniform'; unsafe: boolean };
}

export function mutantArb(seedCount: number): fc.Arbitrary<MutantCase> {
  return fc.record({
    seed: fc.nat({ max: seedCount - 1 }),
    language: fc.option(fc.constantFrom<Language>('python', 'javascript', 'typescript'), { freq: 8 }),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 8 }),
    options: fc.record({ distribution: fc.constantFrom<'normal' | 'uniform'>('normal', 'uniform'), unsafe: fc.boolean() }),
  });
}

export function buildMutant(seeds: readonly Seed[], c: MutantCase): { text: string; language: Language; name: string } {
  const seed = seeds[c.seed];
  let text = seed.text;
  for (const m of c.mutations) text = applyMutation(text, m);
  return { text, language: c.language ?? seed.language, name: seed.name };
}

/** A single text change, expressed in offsets of the text before it. */
export interface Change {
  from: number;
  to: number;
  insert: string;
}

export interface EditStep {
  at: number;
  len: number;
  /** null: pure deletion. */
  insert: string | null;
  /** A second, simultaneous change (multi-cursor), in the same old-text coordinates. */
  also: { at: number; len: number; insert: string | null } | null;
  /** Call update(text) without the change list (a full-text sync). */
  fullSync: boolean;
}

const insertArb = fc.option(fc.oneof({ arbitrary: token, weight: 3 }, { arbitrary: fc.string({ maxLength: 3 }), weight: 1 }), { freq: 4 });
const lenArb = fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.nat({ max: 3 }), weight: 3 }, { arbitrary: fc.nat({ max: 200 }), weight: 1 });

export const editStepArb: fc.Arbitrary<EditStep> = fc.record({
  at: pos,
  len: lenArb,
  insert: insertArb,
  also: fc.option(fc.record({ at: pos, len: fc.nat({ max: 3 }), insert: insertArb }), { freq: 6 }),
  fullSync: fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 }),
});

function oneChange(n: number, at: number, len: number, insert: string | null): Change {
  const from = n === 0 ? 0 : at % (n + 1);
  return { from, to: Math.min(n, from + len), insert: insert ?? '' };
}

/**
 * Turns an abstract step into concrete changes of `text`: one, or two that do
 * not touch each other, both in the coordinates of `text` (as the
 * IncrementalAnalyzer and Lezer's changed ranges expect them).
 */
export function stepToChanges(text: string, s: EditStep): Change[] {
  const first = oneChange(text.length, s.at, s.len, s.insert);
  if (!s.also) return [first];
  const second = oneChange(text.length, s.also.at, s.also.len, s.also.insert);
  const apart = second.to < first.from || second.from > first.to;
  return apart ? [first, second] : [first];
}

/** Applies simultaneous, non-overlapping changes given in the coordinates of `text`. */
export function applyChanges(text: string, changes: readonly Change[]): string {
  let out = text;
  for (const c of [...changes].sort((a, b) => b.from - a.from)) out = applyChange(out, c);
  return out;
}

export function applyChange(text: string, c: Change): string {
  return text.slice(0, c.from) + c.insert + text.slice(c.to);
}
