/** IL007 initializer-factory-not-called (Flax / JAX). */
import type { Finding, InitSpec, Layer } from '../../types.js';
import { type Rule, type RuleContext, finding } from './common.js';

export const factoryNotCalled: Rule = {
  code: 'IL007',
  name: 'initializer-factory-not-called',
  title: 'Initializer factory passed without calling it',
  severity: 'error',
  claimsKernel: true,
  docs: {
    whatItDoes: 'Flags `kernel_init=nn.initializers.he_normal` (and every other JAX/Flax initializer factory, linen or NNX, in `kernel_init`, `embedding_init`, `recurrent_kernel_init` or `bias_init`) passed without `()`.',
    whyBad:
      'In JAX, `he_normal()` returns the initializer; `he_normal` is the factory. Flax calls `kernel_init(key, shape, dtype)`, which then calls the factory with wrong arguments: it fails at `init` time, far from the line that caused it. `zeros` and `ones` are the exceptions: they are initializers already.',
    example: 'nn.Dense(128, kernel_init=nn.initializers.he_normal)\n# Use instead:\nnn.Dense(128, kernel_init=nn.initializers.he_normal())',
    fix: 'Adds the missing `()`.',
    fixSafety: 'Safe: the code did not run before the fix.',
  },
  checkLayer(layer: Layer, ctx: RuleContext): Finding[] {
    const args: [InitSpec | undefined, string][] = [
      [layer.init, layer.embedding ? 'embedding_init' : 'kernel_init'],
      [layer.recurrentInit, 'recurrent_kernel_init'],
      [layer.biasInit, 'bias_init'],
    ];
    const out: Finding[] = [];
    for (const [init, arg] of args) {
      if (!init || !init.factoryNotCalled) continue;
      const edits = ctx.fa.fixFactoryCall ? ctx.fa.fixFactoryCall({ ...layer, init: init! }) : null;
      const written = (init!.text ?? init!.name).replace(/\(…\)$/, '');
      const how = init!.text?.endsWith('(…)') ? 'call it with its arguments' : `call it: \`${written}()\``;
      const msg = `${written} is an initializer factory, not an initializer: ${how}. Flax calls ${arg}(key, shape, dtype), so passing the factory fails when the model is initialized.`;
      const f = finding(this, layer, null, msg, init!.name, edits ? [{ description: 'Call the initializer factory', edits, safety: 'safe', init: init!.name, preferred: true }] : []);
      if (init!.span) f.span = { ...init!.span };
      out.push(f);
    }
    return out;
  },
};
