/** IL005 recurrent-kernel-not-orthogonal */
import type { Finding, Layer } from '../../types.js';
import { type Rule, type RuleContext, describeInit, finding, initFixes } from './common.js';

export const recurrentNotOrthogonal: Rule = {
  code: 'IL005',
  name: 'recurrent-kernel-not-orthogonal',
  title: 'Recurrent kernel is not orthogonal',
  severity: 'warning',
  severityRules: [{ severity: 'info', when: 'the layer keeps its default init while the file defines an init function of one module (`def weights_init(m)`) that it never applies, which another file may apply' }],
  docs: {
    whatItDoes: 'Checks that the recurrent (hidden-to-hidden) kernel of RNN, LSTM and GRU layers is initialized orthogonally. Keras, TensorFlow.js and Flax do this by default; PyTorch does not (every weight is U(±1/√hidden_size)).',
    whyBad:
      'The hidden state is multiplied by the recurrent kernel at every time step. An orthogonal matrix keeps its norm, so information and gradients survive long sequences; other matrices shrink or amplify them exponentially with the sequence length (Saxe et al. 2014; Le et al. 2015).',
    example: 'self.lstm = nn.LSTM(128, 256)\n# Add after it:\nfor param_name, param in self.lstm.named_parameters():\n    if "weight_hh" in param_name:\n        nn.init.orthogonal_(param)',
    fix: 'Keras/TensorFlow.js: recurrent_initializer="orthogonal" / recurrentInitializer: \'orthogonal\'; PyTorch: orthogonal_ on every weight_hh parameter after construction; Flax: recurrent_kernel_init=nn.initializers.orthogonal() (NNX: nnx.initializers.orthogonal()).',
    fixSafety: 'Safe: only the initial recurrent weights change.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    const ri = layer.recurrentInit;
    if (!layer.recurrent || !ri || ri.name === 'orthogonal' || ri.name === 'unknown') return [];
    if (ri.name === 'zeros' || ri.name === 'ones' || ri.name === 'constant') return []; // IL002
    const hidden = layer.framework === 'pytorch' ? layer.fanOut : null;
    const draws = `U(±1/√hidden_size)${hidden ? ` = U(±${(1 / Math.sqrt(hidden)).toFixed(3)})` : ''}`;
    const detail =
      ri.name === 'pytorch_default' && ri.text
        ? `${ri.text} of this stacked ${layer.layer} keep${ri.text.includes(',') ? '' : 's'} PyTorch's default ${draws}; only the other layers were made orthogonal`
        : ri.name === 'pytorch_default'
          ? `PyTorch draws weight_hh from ${draws}, not an orthogonal matrix`
          : `the recurrent kernel uses ${describeInit(layer, ri)}`;
    const msg = `Recurrent kernel of this ${layer.layer} is not orthogonal: ${detail}. The hidden state is multiplied by it at every time step, so its norm shrinks or grows exponentially with sequence length; an orthogonal recurrent kernel preserves it.`;
    return [finding(this, layer, null, msg, 'orthogonal', initFixes(layer, ctx, { init: 'orthogonal', which: 'recurrent', activation: layer.activation.name }), this.severity, 'recurrent')];
  },
};
