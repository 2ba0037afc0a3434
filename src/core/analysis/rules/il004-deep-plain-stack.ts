/** IL004 deep-plain-stack: many weight layers without normalization or skip connections. */
import type { Finding, ModelInfo } from '../../types.js';
import { type Rule, type RuleContext, finding } from './common.js';

export const deepPlainStack: Rule = {
  code: 'IL004',
  name: 'deep-plain-stack',
  title: 'Very deep plain stack',
  severity: 'info',
  docs: {
    whatItDoes: 'Reports models with many weight layers in sequence (10 by default, setting `deepStackThreshold`) and no normalization layer and no residual connection.',
    whyBad:
      'Even when the variance is preserved on average, a deep plain stack decorrelates inputs and its input-output Jacobian spreads: a few directions explode while others vanish. Orthogonal weights give a well-conditioned Jacobian (dynamical isometry, Saxe et al. 2014), and LSUV (Mishkin & Matas 2016) rescales each layer to unit variance on real data.',
    example: 'nn.Sequential(*[nn.Sequential(nn.Linear(256, 256), nn.Tanh()) for _ in range(20)])',
    fix: 'No automatic fix: use orthogonal init (nn.init.orthogonal_ / kernel_initializer="orthogonal" with the activation gain), run LSUV once before training, or add normalization or skip connections. The variance panel shows the effect.',
    fixSafety: 'No fix: the remedy (orthogonal init, LSUV, normalization or skip connections) is a design choice, not a one-line edit.',
  },
  checkModel(model: ModelInfo, ctx: RuleContext): Finding[] {
    const layers = (model.stack ?? model.layers).map((id) => ctx.layers[id]).filter((l) => l && !l.embedding && !l.recurrent);
    const n = layers.length;
    if (n < ctx.options.deepStackThreshold) return [];
    if (layers.some((l) => l.normalization !== null || l.residual)) return [];
    if (layers.every((l) => l.init.name === 'orthogonal')) return [];
    const msg = `${n} weight layers in a plain stack (no normalization, no skip connection): depth alone makes activations and gradients drift even with a variance-preserving init; orthogonal init (Saxe et al. 2014) or LSUV (Mishkin & Matas 2016) keeps very deep plain stacks trainable.`;
    return [finding(this, null, model, msg, 'orthogonal', [])];
  },
};
