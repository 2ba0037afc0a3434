/** IL003 explicit-scale: an explicit std/range that makes the signal explode or vanish for the known fan_in. */
import type { Finding, Layer } from '../../types.js';
import { READOUT_ACTIVATIONS, type Rule, type RuleContext, actLabel, depthNote, finding, initFixes, initLabel, isOutputLayer, layerNumbers, normNote, r2, recommendation } from './common.js';
import { tfjsName } from '../../frameworks/shared/initializers.js';

/** Above this per-layer factor an exploding scale is an error. */
export const EXPLODE_ERROR = 10;

const SCALE_INITS = new Set(['random_normal', 'random_uniform', 'truncated_normal', 'variance_scaling', 'orthogonal']);

export const explicitScale: Rule = {
  code: 'IL003',
  name: 'explicit-scale-explodes-or-vanishes',
  title: 'Explicit weight scale explodes or vanishes',
  severity: 'warning',
  severityRules: [
    { severity: 'error', when: `the layer multiplies the signal's second moment by more than ${EXPLODE_ERROR} (it overflows within a few layers)` },
    { severity: 'info', when: 'a normalization follows the layer (it rescales the output; this takes precedence)' },
  ],
  claimsKernel: true,
  docs: {
    whatItDoes:
      'For initializers written with an explicit scale (RandomNormal(stddev=…), nn.init.normal_(std=…), uniform ranges, VarianceScaling(scale=…), orthogonal gains), computes fan_in·Var(W)·E[φ(z)²], the factor by which one layer multiplies the second moment of the signal, with the layer\'s known fan_in. A small scale on the model\'s output layer (a linear, softmax, sigmoid or tanh readout) is not reported: near-zero first outputs are a common deliberate choice, and no later layer compounds the factor.',
    whyBad:
      'A factor above 1 compounds over depth into exploding activations and gradients; below 1 into vanishing ones. std = 0.01 is fine for 10 inputs and far too small for 4096; std = 1 explodes for any realistic width.',
    example: 'Dense(512, kernel_initializer=RandomNormal(stddev=1.0), input_shape=(784,))  # ×392 per layer\n# Use instead:\nDense(512, kernel_initializer="he_normal", input_shape=(784,))',
    fix: 'Replaces the explicit scale with the fan-aware initializer recommended for the activation.',
    fixSafety: 'Unsafe: the scale was written on purpose, and replacing it changes a deliberate choice; apply it by hand (not part of fix-all). GPT-style small normal init (std ≤ 0.05) in models with LayerNorm and residual connections is recognized as deliberate and not reported.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    const init = layer.init;
    if (!init.explicit || !SCALE_INITS.has(init.name) || layer.transformerStyle || layer.embedding) return [];
    if (layer.fanIn === null) return [];
    if (init.name === 'orthogonal' && (init.gain ?? 1) === 1) return [];
    if (init.name === 'variance_scaling' && (init.scale === undefined || (init.scale >= 0.5 && init.scale <= 2.5))) return [];
    const act = layer.activation.name === 'unknown' ? 'linear' : layer.activation.name;
    const cur = layerNumbers(layer, init, act, layer.activation.param);
    // tanh and sigmoid are judged in their linear regime (fan_in·Var(W)), as Glorot does:
    // E[φ²] would call Glorot itself "vanishing" for them.
    const saturating = act === 'tanh' || act === 'sigmoid';
    const f = saturating ? cur.coeff : cur.forward;
    if (f === null || layer.recurrent) return [];
    if (f >= 0.5 && f <= (saturating ? 3 : 2)) return [];
    // A small readout layer (logits, a generator's tanh image, an actor's tanh action) is a
    // deliberate, common choice: near-uniform or near-zero first outputs, and nothing after it
    // compounds the factor.
    if (f < 0.5 && READOUT_ACTIVATIONS.has(act) && isOutputLayer(layer, ctx)) return [];
    const rec = recommendation({ ...layer, activation: { ...layer.activation, name: act } }, ctx.options);
    const recN = rec ? layerNumbers(layer, rec.spec, act, layer.activation.param) : null;
    const verb = f > 2 ? 'explodes' : 'vanishes';
    const after = act !== 'linear' ? ` after ${actLabel(act)}` : '';
    // tanh/sigmoid: the number judged (and stated) is fan_in·Var(W), their linear-regime gain;
    // the others: the per-layer gain fan_in·Var(W)·E[φ(z)²]. The hover's table shows both.
    const what = saturating
      ? `fan_in·Var(W) = ${r2(f)}, which ${f > 3 ? (act === 'tanh' ? 'drives tanh deep into its chaotic regime (most units saturate and gradients grow with depth)' : `drives ${actLabel(act)} into saturation (its gradient vanishes)`) : `makes the signal vanish through ${actLabel(act)}`}`
      : `fan_in·Var(W) = ${r2(cur.coeff ?? NaN)}, so each layer multiplies the signal's second moment by ≈${r2(f)}${after}: the signal ${verb}`;
    let recText = '';
    if (rec && recN && recN.varW !== null) {
      const rf = saturating ? recN.coeff : recN.forward;
      const label = layer.framework === 'tfjs' ? `'${tfjsName(rec.target.init)}'` : initLabel(rec.target.init);
      if (rf !== null) {
        recText = saturating
          ? ` ${label} (std ≈ ${r2(Math.sqrt(recN.varW))}) gives fan_in·Var(W) ≈ ${r2(rf)}.`
          : ` ${label} (std ≈ ${r2(Math.sqrt(recN.varW))}) ${Math.abs(rf - 1) < 0.02 ? 'keeps it' : 'is the closest named initializer and gives'} ≈${r2(rf)}.`;
      }
    }
    const msg = `${init.text ?? initLabel(init.name)} with fan_in=${layer.fanIn}: ${what}${depthNote(layer, ctx)}.${recText}${normNote(layer)}`;
    // Exploding signals overflow; vanishing ones are often rescued by later normalization.
    const severity = layer.normalization ? 'info' : f > EXPLODE_ERROR ? 'error' : 'warning';
    return [finding(this, layer, null, msg, rec?.target.init ?? null, rec ? initFixes(layer, ctx, rec.target, 'unsafe') : [], severity, 'init')];
  },
};
