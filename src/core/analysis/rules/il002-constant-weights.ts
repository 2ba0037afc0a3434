/** IL002 constant-weights: zeros, ones or a constant as a weight initializer. */
import type { Finding, Layer } from '../../types.js';
import { READOUT_ACTIVATIONS, type Rule, type RuleContext, finding, initFixes, recommendation } from './common.js';

export const constantWeights: Rule = {
  code: 'IL002',
  name: 'constant-weights',
  title: 'Weights initialized to a constant',
  severity: 'error',
  claimsKernel: true,
  docs: {
    whatItDoes: 'Flags weight matrices (kernels, recurrent kernels, embeddings) initialized to zeros, ones or any constant.',
    whyBad:
      'When every weight starts equal, every unit of the layer computes the same output and receives the same gradient, so the units stay identical forever: the symmetry is never broken and the layer behaves like a single unit. With zeros, the gradient flowing to earlier layers is zero too.',
    example: 'nn.init.zeros_(self.fc1.weight)\n# Use instead:\nnn.init.kaiming_normal_(self.fc1.weight, nonlinearity="relu")',
    fix: 'Replaces the constant with the initializer recommended for the activation that follows the layer.',
    fixSafety: 'Safe: only the initial weights change. Zero-initializing the last layer of a residual branch or of an output head is a deliberate technique, and is not reported.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const init = layer.init;
    const isConst = init.name === 'zeros' || init.name === 'ones' || init.name === 'constant';
    if (isConst && !isOutputZero(layer, ctx)) {
      const rec = recommendation(layer, ctx.options);
      const what = init.name === 'zeros' || init.value === 0 ? 'zeros' : init.name === 'ones' ? 'ones' : `the constant ${init.value ?? ''}`.trim();
      const msg = `All weights of this ${layer.layer} start at ${what}: every unit computes the same output and gets the same gradient, so the units never differentiate (symmetry is never broken)${init.name === 'zeros' || init.value === 0 ? ', and no gradient reaches the layers before it' : ''}.${rec ? ` Use ${rec.target.init} for its ${layer.activation.name === 'unknown' ? '' : layer.activation.name + ' '}activation.` : ''}`;
      out.push(finding(this, layer, null, msg, rec?.target.init ?? null, rec ? initFixes(layer, ctx, rec.target) : [], this.severity, 'init'));
    }
    const ri = layer.recurrentInit;
    if (layer.recurrent && ri && (ri.name === 'zeros' || ri.name === 'ones' || ri.name === 'constant')) {
      const f = finding(this, layer, null, `The recurrent kernel of this ${layer.layer} starts constant (${ri.name}): all hidden units evolve identically through time; use an orthogonal recurrent kernel.`, 'orthogonal', initFixes(layer, ctx, { init: 'orthogonal', which: 'recurrent', activation: 'tanh' }), this.severity, 'recurrent');
      out.push(f);
    }
    return out;
  },
};

/**
 * A zero-initialized final linear/softmax/sigmoid/tanh output layer is a deliberate choice (e.g.
 * zero-init heads: their gradient is not zero). So is one whose activation the code leaves open
 * (the ViT head whose embedding a caller in another file normalizes): only a rectifier known to
 * follow (ReLU's gradient at 0 is 0) makes a zero head dead.
 */
function isOutputZero(layer: Layer, ctx: RuleContext): boolean {
  const init = layer.init;
  if (!(init.name === 'zeros' || init.value === 0)) return false;
  const act = layer.activation.name;
  if (!READOUT_ACTIVATIONS.has(act) && act !== 'unknown') return false;
  if (layer.residual) return true;
  if (layer.head !== undefined) return layer.head;
  const m = layer.model !== null ? ctx.models.find((x) => x.id === layer.model) : undefined;
  if (!m) return false;
  return m.layers[m.layers.length - 1] === layer.id;
}
