/**
 * IL001 init-activation-mismatch: the layer's initializer does not suit the
 * activation that follows it.
 */
import type { Finding, Layer } from '../../types.js';
import {
  type Rule, type RuleContext, RELU_FAMILY, SATURATING, actLabel, describeInit, depthNote, finding, gainNote, initFixes,
  initLabel, isOutputLayer, layerNumbers, normNote, r2, recommendation, tfjsTruncationNote,
} from './common.js';

/** Forward factor band that counts as "variance preserving" for the rectifier family. */
const LOW = 0.7;
const HIGH = 1.45;

export const initActivationMismatch: Rule = {
  code: 'IL001',
  name: 'init-activation-mismatch',
  title: 'Initializer does not fit the activation',
  severity: 'warning',
  docs: {
    whatItDoes:
      'Checks that the initializer of a weight layer matches the activation that really follows it: He (Var(W) = 2/fan_in) for the ReLU family (ReLU, Leaky ReLU, ELU, GELU, SiLU, Mish, Softplus), Glorot (Var(W) = 2/(fan_in+fan_out)) for tanh and sigmoid. The family is judged at equal fans (the message gives the factor with the real fans); init written with `mode="fan_out"` is judged on the gradients. Linear layers, output heads with sigmoid/softmax, recurrent and embedding layers, and Keras/TF.js depthwise kernels (whose fan_in counts every input channel) are not judged. The finding is `info` when a normalization follows the layer or the model has LayerNorm and residual connections.',
    whyBad:
      "Each layer multiplies the second moment of the signal by fan_in·Var(W)·E[φ(z)²]. ReLU keeps half of it, so Glorot (or LeCun, or PyTorch's default kaiming_uniform(a=√5), Var(W) = 1/(3·fan_in)) shrinks the signal at every layer and the gradients vanish with depth (He et al. 2015). He init before tanh or sigmoid drives them into saturation (Glorot & Bengio 2010).",
    example: 'model.add(Dense(256, activation="relu"))  # glorot_uniform by default: ×0.5 per layer\n# Use instead:\nmodel.add(Dense(256, activation="relu", kernel_initializer="he_normal"))',
    fix: "Writes the recommended initializer in the framework's idiom: Keras `kernel_initializer=\"he_normal\"`, PyTorch `nn.init.kaiming_normal_(self.fc.weight, nonlinearity=\"relu\")` after construction, Flax `kernel_init=nn.initializers.he_normal()` (NNX: `nnx.initializers.he_normal()`, before `rngs=`), TensorFlow.js `kernelInitializer: 'heNormal'`.",
    fixSafety: 'Safe: only the initial weights change (their distribution), not the architecture or the API. Results of a training run will differ, as intended.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    if (layer.recurrent || layer.embedding || layer.transformerStyle) return [];
    // Keras/TF.js depthwise kernels: fan_in counts every input channel although each output sums
    // only k·k taps, so no named initializer (He included) preserves the variance; not judged.
    if ((layer.depthwise || layer.layer === 'depthwiseConv2d') && layer.framework !== 'pytorch') return [];
    const act = layer.activation.name;
    if (!RELU_FAMILY.has(act) && !SATURATING.has(act)) return [];
    // A sigmoid/tanh output head is a readout, not a stacked hidden layer.
    if (SATURATING.has(act) && isOutputLayer(layer, ctx)) return [];
    const init = layer.init;
    if (['unknown', 'zeros', 'ones', 'constant', 'random_normal', 'random_uniform', 'truncated_normal'].includes(init.name)) return [];
    if (init.factoryNotCalled) return [];
    if (init.name === 'pytorch_default' && !ctx.options.pytorchDefaultIsFinding) return [];
    const cur = layerNumbers(layer, init);
    const rec = recommendation(layer, ctx.options);
    if (!rec || cur.coeff === null) return [];
    // The decision is about the init family, so it is taken at equal fans (the
    // family's own gain); the message states the factor with the real fans.
    const n = layer.fanIn ?? layer.fanOut ?? 256;
    const intrinsic = layerNumbers({ ...layer, fanIn: n, fanOut: n }, init);
    let bad = false;
    let factor: number | null = cur.forward;
    let direction = 'forward';
    if (RELU_FAMILY.has(act)) {
      let decide = intrinsic.forward;
      if (init.mode === 'fan_out') {
        factor = cur.backward;
        decide = intrinsic.backward;
        direction = 'backward';
      }
      if (factor === null || decide === null) return [];
      bad = decide < LOW || decide > HIGH;
    } else {
      // tanh / sigmoid: Glorot, LeCun, orthogonal and xavier with PyTorch's tanh gain are fine;
      // He-family scales push them into saturation, tiny scales make them linear and vanishing.
      const heFamily = init.name === 'he_normal' || init.name === 'he_uniform' || (init.name === 'variance_scaling' && (init.scale ?? 1) >= 1.8 && (init.mode ?? 'fan_in') === 'fan_in');
      const isLecunLinear = init.nonlinearity === 'linear' || init.nonlinearity === 'sigmoid' || init.nonlinearity === 'tanh';
      bad = (heFamily && !isLecunLinear) || (intrinsic.coeff !== null && intrinsic.coeff < 0.5);
    }
    if (!bad) return [];
    const recNums = layerNumbers(layer, rec.spec);
    const recFactor = direction === 'backward' ? recNums.backward : recNums.forward;
    const fans = cur.fansKnown ? `fan_in=${cur.fanIn}, fan_out=${cur.fanOut}` : 'assuming fan_in = fan_out';
    let msg: string;
    if (RELU_FAMILY.has(act) && factor !== null) {
      const what = direction === 'backward' ? "the gradient's second moment" : "the signal's second moment";
      msg = `${actLabel(act)} after ${describeInit(layer)}: each layer scales ${what} by ≈${r2(factor)} (${fans})${depthNote(layer, ctx, factor)}; ${initLabel(rec.target.init)} init keeps it ≈${recFactor === null ? '1' : r2(recFactor)}.${gainNote(act, layer.activation.param)}`;
    } else {
      msg = `${actLabel(act)} after ${describeInit(layer)}: fan_in·Var(W) = ${r2(cur.coeff)} (${fans}), ${cur.coeff > 1.5 ? `which pushes ${actLabel(act)} into saturation (its gradient vanishes)` : 'so the signal shrinks at every layer'}; ${initLabel(rec.target.init)} init (fan_in·Var(W) ≈ ${recNums.coeff === null ? '1' : r2(recNums.coeff)}) suits ${actLabel(act)}.`;
    }
    msg += tfjsTruncationNote(layer, rec.target.init);
    msg += normNote(layer);
    const mild = layer.normalization !== null || layer.normalizedResidual === true;
    if (!layer.normalization && layer.normalizedResidual) msg += ' This model normalizes (LayerNorm) and adds residual connections, which keep the signal in range, so this matters less.';
    const fixes = initFixes(layer, ctx, rec.target);
    return [finding(this, layer, null, msg, rec.target.init, fixes, mild ? 'info' : this.severity)];
  },
};
