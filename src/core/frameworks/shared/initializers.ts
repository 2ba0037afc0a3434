/**
 * The initializer table: every initializer InitLens names, its law, and how each framework spells
 * it. Reading code (Python semantics/initializers.ts, tfjs/initializers.ts), the fixes, the
 * messages and `math/variance.ts` all read this one table; a new initializer is one row here
 * (then its argument reading in each framework that has it).
 *
 * The law: the He / Glorot / LeCun family draws Var(W) = scale / fan(mode) from a normal
 * (truncated at 2σ) or a uniform law. The other initializers' laws depend on their arguments and
 * each framework's defaults for them, which the readers and `weightVariance` hold
 * (`random_normal` is N(0, 0.05²) in Keras, N(0, 1) in PyTorch, N(0, 0.01²) in Flax).
 * How each framework draws a truncated normal (Keras and JAX correct the variance, TF.js does
 * not) is also `weightVariance`'s.
 *
 * Leaf module: it imports only types, so `math/` may read it too.
 */
import type { Framework, InitName } from '../../types.js';

/** Var(W) = scale / fan(mode), from a normal truncated at 2σ (`uniform: false`) or a uniform law. */
export interface VarianceScalingLaw {
  scale: number;
  mode: 'fan_in' | 'fan_avg';
  uniform: boolean;
}

export interface InitializerEntry {
  name: InitName;
  /** The He / Glorot / LeCun family's law; null for the others (their law is read from their arguments). */
  law: VarianceScalingLaw | null;
  /**
   * Keras: the string identifier (also a function of `keras.initializers`) and the class.
   * `aliases`: other strings and class names Keras resolves to it.
   */
  keras: { string: string; class: string; aliases: readonly string[] } | null;
  /** PyTorch: the in-place `torch.nn.init` function. */
  torch: string | null;
  /** JAX / Flax: its names in `jax.nn.initializers`, `flax.linen.initializers` and `flax.nnx.initializers`. */
  flax: readonly string[];
  /** TensorFlow.js: the string identifier (also the `tf.initializers` function; the class is it capitalized). */
  tfjs: string | null;
}

const he = (uniform: boolean): VarianceScalingLaw => ({ scale: 2, mode: 'fan_in', uniform });
const glorot = (uniform: boolean): VarianceScalingLaw => ({ scale: 1, mode: 'fan_avg', uniform });
const lecun = (uniform: boolean): VarianceScalingLaw => ({ scale: 1, mode: 'fan_in', uniform });

export const INITIALIZERS: readonly InitializerEntry[] = [
  { name: 'he_normal', law: he(false), keras: { string: 'he_normal', class: 'HeNormal', aliases: [] }, torch: 'kaiming_normal_', flax: ['he_normal', 'kaiming_normal'], tfjs: 'heNormal' },
  { name: 'he_uniform', law: he(true), keras: { string: 'he_uniform', class: 'HeUniform', aliases: [] }, torch: 'kaiming_uniform_', flax: ['he_uniform', 'kaiming_uniform'], tfjs: 'heUniform' },
  { name: 'glorot_normal', law: glorot(false), keras: { string: 'glorot_normal', class: 'GlorotNormal', aliases: [] }, torch: 'xavier_normal_', flax: ['glorot_normal', 'xavier_normal'], tfjs: 'glorotNormal' },
  { name: 'glorot_uniform', law: glorot(true), keras: { string: 'glorot_uniform', class: 'GlorotUniform', aliases: [] }, torch: 'xavier_uniform_', flax: ['glorot_uniform', 'xavier_uniform'], tfjs: 'glorotUniform' },
  { name: 'lecun_normal', law: lecun(false), keras: { string: 'lecun_normal', class: 'LecunNormal', aliases: [] }, torch: null, flax: ['lecun_normal'], tfjs: 'leCunNormal' },
  { name: 'lecun_uniform', law: lecun(true), keras: { string: 'lecun_uniform', class: 'LecunUniform', aliases: [] }, torch: null, flax: ['lecun_uniform'], tfjs: 'leCunUniform' },
  {
    name: 'orthogonal',
    law: null,
    // Keras' identity initializer is read as orthogonal (an identity matrix is orthogonal).
    keras: { string: 'orthogonal', class: 'Orthogonal', aliases: ['OrthogonalInitializer', 'identity', 'Identity', 'IdentityInitializer'] },
    torch: 'orthogonal_',
    // JAX's delta_orthogonal (a conv kernel orthogonal at its centre tap) is read as orthogonal.
    flax: ['orthogonal', 'delta_orthogonal'],
    tfjs: 'orthogonal',
  },
  { name: 'zeros', law: null, keras: { string: 'zeros', class: 'Zeros', aliases: ['zero'] }, torch: 'zeros_', flax: ['zeros', 'zeros_init'], tfjs: 'zeros' },
  { name: 'ones', law: null, keras: { string: 'ones', class: 'Ones', aliases: ['one'] }, torch: 'ones_', flax: ['ones', 'ones_init'], tfjs: 'ones' },
  { name: 'constant', law: null, keras: { string: 'constant', class: 'Constant', aliases: [] }, torch: 'constant_', flax: ['constant'], tfjs: 'constant' },
  { name: 'random_normal', law: null, keras: { string: 'random_normal', class: 'RandomNormal', aliases: ['normal'] }, torch: 'normal_', flax: ['normal'], tfjs: 'randomNormal' },
  { name: 'random_uniform', law: null, keras: { string: 'random_uniform', class: 'RandomUniform', aliases: ['uniform'] }, torch: 'uniform_', flax: ['uniform'], tfjs: 'randomUniform' },
  { name: 'truncated_normal', law: null, keras: { string: 'truncated_normal', class: 'TruncatedNormal', aliases: [] }, torch: 'trunc_normal_', flax: ['truncated_normal'], tfjs: 'truncatedNormal' },
  { name: 'variance_scaling', law: null, keras: { string: 'variance_scaling', class: 'VarianceScaling', aliases: [] }, torch: null, flax: ['variance_scaling'], tfjs: 'varianceScaling' },
];

const byName = new Map<InitName, InitializerEntry>(INITIALIZERS.map((e) => [e.name, e]));

/** The table's row for an init name (undefined for `pytorch_default` and `unknown`). */
export function initializerEntry(name: InitName): InitializerEntry | undefined {
  return byName.get(name);
}

/** The He / Glorot / LeCun law of a name, or undefined. */
export function varianceScalingLaw(name: InitName): VarianceScalingLaw | undefined {
  return byName.get(name)?.law ?? undefined;
}

/** The family member with the same scale and mode drawn from the other law (he_normal ↔ he_uniform), or null. */
export function otherDistribution(name: InitName): InitName | null {
  const law = varianceScalingLaw(name);
  if (!law) return null;
  return INITIALIZERS.find((e) => e.law && e.law.scale === law.scale && e.law.mode === law.mode && e.law.uniform !== law.uniform)?.name ?? null;
}

/**
 * How a framework spells an initializer, as the fixes write it: the Keras string, the first Flax
 * name, the `torch.nn.init` function, the TF.js identifier; null when the framework has none.
 */
export function spelling(framework: Framework, name: InitName): string | null {
  const e = byName.get(name);
  if (!e) return null;
  switch (framework) {
    case 'keras':
      return e.keras?.string ?? null;
    case 'flax':
      return e.flax[0] ?? null;
    case 'pytorch':
      return e.torch;
    case 'tfjs':
      return e.tfjs;
  }
}

// Keras

/**
 * Keras initializer strings and class names → init name. A bare `"constant"` / `Constant` is
 * Keras' `Constant(value=0)`: zeros.
 */
export const KERAS_INIT_STRINGS: Readonly<Record<string, InitName>> = (() => {
  const out: Record<string, InitName> = {};
  for (const e of INITIALIZERS) {
    if (!e.keras) continue;
    const name = e.name === 'constant' ? 'zeros' : e.name;
    for (const s of [e.keras.string, e.keras.class, ...e.keras.aliases]) out[s] = name;
  }
  return out;
})();

// TensorFlow.js

/** TF.js identifiers and class names (`'heNormal'`, `HeNormal`) → the identifier. `identity` is read but not modelled. */
export const TFJS_INIT_IDENTIFIERS: Readonly<Record<string, string>> = (() => {
  const out: Record<string, string> = {};
  for (const id of [...INITIALIZERS.flatMap((e) => (e.tfjs ? [e.tfjs] : [])), 'identity']) {
    out[id] = id;
    out[id[0]!.toUpperCase() + id.slice(1)] = id;
  }
  return out;
})();

/** The TensorFlow.js spelling of an init name (heNormal for he_normal; the name itself when TF.js has none). */
export function tfjsName(init: InitName): string {
  return spelling('tfjs', init) ?? init;
}

/** TF.js identifier → init name (`heNormal` → he_normal). */
export function initNameOfTfjs(id: string): InitName | undefined {
  return INITIALIZERS.find((e) => e.tfjs === id)?.name;
}

/**
 * The TF.js identifier a fix writes for a target: the He / Glorot / LeCun family and
 * orthogonal (a variance-scaling target is written as a `varianceScaling({...})` call).
 */
export function tfjsFixIdentifier(init: InitName): string | undefined {
  const e = byName.get(init);
  return e && (e.law || e.name === 'orthogonal') ? (e.tfjs ?? undefined) : undefined;
}

/** TF.js *Normal initializers of the family: truncated at 2σ without the variance correction (×0.774). */
export const TFJS_TRUNCATED: ReadonlySet<InitName> = new Set(INITIALIZERS.filter((e) => e.law && !e.law.uniform && e.tfjs).map((e) => e.name));

/** `{scale: …, mode: 'fanIn', distribution: …}` as TF.js spells a variance-scaling config (mode: fanIn / fanOut). */
export function tfjsVarianceScalingConfig(scale: string, mode: 'fan_in' | 'fan_out', distribution: 'normal' | 'uniform', quote: string): string {
  const m = mode === 'fan_in' ? 'fanIn' : 'fanOut';
  return `{scale: ${scale}, mode: ${quote}${m}${quote}, distribution: ${quote}${distribution}${quote}}`;
}

/**
 * The exact variance-scaling initializer Var(W) = scale/fan(mode) in a framework's spelling, for
 * messages (numbers written by `format`). PyTorch has no variance-scaling initializer: its
 * `nn.init.normal_` with the std for the layer's fan (`fan`, when known).
 */
export function varianceScalingSpelling(framework: Framework, scale: number, mode: 'fan_in' | 'fan_out', fan: number | null, format: (x: number) => string): string {
  const s = format(scale);
  switch (framework) {
    case 'keras':
      return `\`VarianceScaling(scale=${s}, mode="${mode}")\``;
    case 'flax':
      return `\`variance_scaling(${s}, "${mode}", "truncated_normal")\``;
    case 'tfjs':
      // tfjs's 'normal' distribution is truncated without correction: uniform is exact.
      return `\`varianceScaling(${tfjsVarianceScalingConfig(s, mode, 'uniform', "'")})\``;
    case 'pytorch':
    default: {
      const g = format(Math.sqrt(scale));
      return fan !== null ? `\`nn.init.normal_(w, std=${format(Math.sqrt(scale / fan))})\` (std = ${g}/√${mode})` : `\`nn.init.normal_\` with std = ${g}/√${mode}`;
    }
  }
}
