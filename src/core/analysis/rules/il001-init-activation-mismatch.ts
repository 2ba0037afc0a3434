/**
 * IL001 init-activation-mismatch: the layer's initializer does not suit the
 * activation that follows it.
 */
import type { Finding, Layer } from '../../types.js';
import {
  type Rule, type RuleContext, RELU_FAMILY, SATURATING, actLabel, describeInit, depthNote, finding, initFixes,
  isOutputLayer, familyNumbers, layerNumbers, normNote, r2, recommendation, recommendationText, tfjsTruncationNote, initLabel,
} from './common.js';

/** Forward factor band that counts as "variance preserving" for the rectifier family. */
const LOW = 0.7;
const HIGH = 1.45;

export const initActivationMismatch: Rule = {
  code: 'IL001',
  name: 'init-activation-mismatch',
  title: 'Initializer does not fit the activation',
  severity: 'warning',
  severityRules: [
    { severity: 'info', when: 'a normalization (BatchNorm, LayerNorm, GroupNorm…) follows the layer, or the model has LayerNorm and residual connections' },
    { severity: 'info', when: 'the layer keeps its default init while the file defines an init function of one module (`def weights_init(m)`) that it never applies, which another file may apply' },
  ],
  claimsKernel: true,
  docs: {
    whatItDoes:
      'Checks that the initializer of a weight layer matches the activation that really follows it: He (Var(W) = 2/fan_in) for the ReLU family (ReLU, ELU, GELU, SiLU, Mish), He with the leaky gain (Var(W) = 2/(1+α²)/fan_in) for Leaky ReLU, LeCun (Var(W) = 1/fan_in) for Softplus, Glorot (Var(W) = 2/(fan_in+fan_out)) for tanh and sigmoid. A layer is reported when the per-layer factor fan_in·Var(W)·E[φ(z)²] of the rectifier family falls outside 0.7–1.45. The family is judged at equal fans (the message gives the factor with the real fans); init written with `mode="fan_out"` is judged on the gradients. Linear layers, output heads with sigmoid/softmax, recurrent and embedding layers, and Keras/TF.js depthwise kernels (whose fan_in counts every input channel) are not judged. The finding is `info` when a normalization follows the layer or the model has LayerNorm and residual connections.',
    whyBad:
      "Each layer multiplies the second moment of the signal by fan_in·Var(W)·E[φ(z)²]. ReLU keeps half of it, so Glorot (or LeCun, or PyTorch's default kaiming_uniform(a=√5), Var(W) = 1/(3·fan_in)) shrinks the signal at every layer and the gradients vanish with depth (He et al. 2015). Glorot init (fan_in·Var(W) = 1 at equal fans) puts tanh at the edge of chaos, where gradients keep their scale while the forward signal decays slowly; He init (2.00) puts it in its chaotic regime, where gradients grow with depth (×1.11 per layer in the mean-field recursion, ×7.5 over 20 layers) and more units saturate, and it drives sigmoid into saturation (Glorot & Bengio 2010; Poole et al. 2016). PyTorch's `calculate_gain('tanh')` = 5/3 (fan_in·Var(W) = 2.78) is further into the chaotic regime (×1.21 per layer); InitLens does not report it, since it is PyTorch's documented choice, but recommends Glorot with gain 1 in every framework.",
    example: 'model.add(Dense(256, activation="relu"))  # glorot_uniform by default: ×0.5 per layer\n# Use instead:\nmodel.add(Dense(256, activation="relu", kernel_initializer="he_normal"))',
    fix: "Writes the recommended initializer in the framework's idiom: Keras `kernel_initializer=\"he_normal\"`, PyTorch `nn.init.kaiming_normal_(self.fc.weight, nonlinearity=\"relu\")` after construction, Flax `kernel_init=nn.initializers.he_normal()` (NNX: `nnx.initializers.he_normal()`, before `rngs=`), TensorFlow.js `kernelInitializer: 'heUniform'` (TF.js draws `heNormal` from a normal truncated at 2σ without correcting the variance, so it gives only ×0.77 of He's variance; the *Uniform initializers are exact). PyTorch fixes also set the bias to zero (`nn.init.zeros_`), and their title says so.\n\nOnly ReLU (with He) and Leaky ReLU (with its slope's gain) have a named initializer that preserves the variance exactly. For ELU, GELU, SiLU, Mish and Softplus the variance-preserving scale is Var(W) = (1/E[φ(z)²])/fan_in, e.g. GELU: E[φ(z)²] = 0.4252, so Var(W) = 2.35/fan_in. The fix still writes the closest named initializer (He, whose factor is 1.29 for ELU, 0.85 for GELU, 0.71 for SiLU, 0.90 for Mish; LeCun for Softplus, 0.92), because every framework spells it the same way, readers recognize it, PyTorch's `kaiming_*_` takes no free scale, and the remaining factor stays within the band this rule accepts, so the fixed layer is not reported again. The message states that factor and the exact scale in the framework's spelling (Keras `VarianceScaling(scale=2.35, mode=\"fan_in\")`, Flax `variance_scaling(2.35, \"fan_in\", \"truncated_normal\")`, TensorFlow.js `varianceScaling({scale: 2.35, mode: 'fanIn', distribution: 'uniform'})`, PyTorch `nn.init.normal_(w, std=…)` with the layer's fan_in), for whoever wants the exact value. In TensorFlow.js the message also says what `heNormal` would really draw. Every number in the message is what the framework really draws, the same as in the hover, the variance table and `initlens simulate`; the \"compounds to ×F\" clause is the product of the model's own per-layer gains.",
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
    const intrinsic = familyNumbers({ ...layer, fanIn: n, fanOut: n }, init);
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
      // tanh / sigmoid: Glorot, LeCun, orthogonal and xavier with PyTorch's tanh gain are not reported;
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
      msg = `${actLabel(act)} after ${describeInit(layer)}: each layer scales ${what} by ≈${r2(factor)} (${fans})${depthNote(layer, ctx)}; ${recommendationText(layer, rec, recFactor, direction === 'backward' ? 'backward' : 'forward')}`;
    } else {
      msg = `${actLabel(act)} after ${describeInit(layer)}: fan_in·Var(W) = ${r2(cur.coeff)} (${fans}), ${cur.coeff > 1.5 ? (act === 'tanh' ? 'which puts tanh in its chaotic regime (gradients grow with depth and more units saturate)' : `which pushes ${actLabel(act)} into saturation (its gradient vanishes)`) : 'so the signal shrinks at every layer'}; ${initLabel(rec.target.init)} init (fan_in·Var(W) ≈ ${recNums.coeff === null ? '1' : r2(recNums.coeff)}) suits ${actLabel(act)}.`;
    }
    msg += tfjsTruncationNote(layer, rec.target.init);
    msg += normNote(layer);
    const mild = layer.normalization !== null || layer.normalizedResidual === true;
    if (!layer.normalization && layer.normalizedResidual) msg += ' This model normalizes (LayerNorm) and adds residual connections, which keep the signal in range, so this matters less.';
    const fixes = initFixes(layer, ctx, rec.target);
    return [finding(this, layer, null, msg, rec.target.init, fixes, mild ? 'info' : this.severity)];
  },
};
