/** IL006 selu-without-lecun-normal */
import type { Finding, Layer } from '../../types.js';
import { type Rule, type RuleContext, describeInit, familyNumbers, finding, initFixes, r2, recommendation } from './common.js';

export const seluWithoutLecun: Rule = {
  code: 'IL006',
  name: 'selu-without-lecun-normal',
  title: 'SELU without LeCun normal init',
  severity: 'warning',
  severityRules: [{ severity: 'info', when: 'the layer keeps its default init while the file defines an init function of one module (`def weights_init(m)`) that it never applies, which another file may apply' }],
  claimsKernel: true,
  docs: {
    whatItDoes: 'Checks that layers followed by SELU use LeCun normal init (Var(W) = 1/fan_in, normal law).',
    whyBad:
      'SELU self-normalizes (activations converge to mean 0, variance 1 without BatchNorm) only around its fixed point, which requires fan_in·Var(W) = 1 (Klambauer et al. 2017). Glorot with unequal fans, He (×2) or PyTorch\'s default (×1/3) move the network away from it. In PyTorch, the documented choice is kaiming_normal_(w, nonlinearity="linear"), not "selu".',
    example: 'nn.Linear(512, 512)  # then nn.SELU()\n# Add:\nnn.init.kaiming_normal_(self.fc.weight, nonlinearity="linear")',
    fix: 'Writes lecun_normal (Keras/Flax), `varianceScaling({scale: 1.29, mode: \'fanIn\', distribution: \'normal\'})` (TensorFlow.js, whose leCunNormal truncates without correcting the variance: the scale 1/0.774 restores Var(W) = 1/fan_in) or kaiming_normal_(…, nonlinearity="linear") (PyTorch).',
    fixSafety: 'Safe: only the initial weights change.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    if (layer.activation.name !== 'selu' || layer.recurrent || layer.embedding || layer.transformerStyle) return [];
    const init = layer.init;
    if (init.name === 'unknown' || init.name === 'zeros' || init.name === 'ones' || init.name === 'constant' || init.factoryNotCalled) return [];
    const n = familyNumbers(layer, init, 'linear');
    if (n.coeff === null) return [];
    const inBand = n.coeff >= 0.85 && n.coeff <= 1.18;
    // LeCun (normal or uniform) and variance_scaling(1, fan_in) are 1/fan_in whatever the widths.
    const lecunFamily = init.name === 'lecun_normal' || init.name === 'lecun_uniform' || (init.name === 'variance_scaling' && (init.mode ?? 'fan_in') === 'fan_in');
    // An explicit scale that gives 1/fan_in for this layer is LeCun in disguise: fine.
    const scaleBased = ['random_normal', 'random_uniform', 'truncated_normal'].includes(init.name);
    if (inBand && (lecunFamily || scaleBased)) return [];
    const fans = n.fansKnown ? ` (fan_in=${n.fanIn}, fan_out=${n.fanOut})` : ' (assuming fan_in = fan_out)';
    const msg = inBand
      ? `SELU after ${describeInit(layer)}: fan_in·Var(W) = ${r2(n.coeff)}${fans} only because of these widths; SELU self-normalizes with LeCun normal (Var(W) = 1/fan_in, Klambauer et al. 2017), which does not depend on fan_out.`
      : `SELU after ${describeInit(layer)}: fan_in·Var(W) = ${r2(n.coeff)}${fans}, but SELU self-normalizes only with fan_in·Var(W) = 1 (LeCun normal).`;
    const rec = recommendation(layer, ctx.options);
    if (!rec) return [];
    return [finding(this, layer, null, msg, rec.target.init, initFixes(layer, ctx, rec.target))];
  },
};
