/**
 * TensorFlow.js (layers API) detector: the framework adapter for .ts/.js files.
 *
 * Input: the text of a .ts/.js file and its Lezer tree (src/core/parse/javascript.ts).
 * Output: the weight layers (`tf.layers.dense(...)`, convolutions, RNNs and their
 * cells, embedding) with the activation that follows them, their initializer
 * (explicit or the tfjs default), fans where statically known, and the containers
 * (`tf.sequential`, `tf.model`) they belong to. `fix` writes a tfjs initializer
 * into a layer's config object literal, in the file's own formatting.
 *
 * How it reads code:
 * - Only calls that resolve to a tfjs import count (`import * as tf from
 *   '@tensorflow/tfjs'`, named imports, `require`, `await import()`, aliases and
 *   destructuring of those). Without such an import nothing is reported.
 * - A variable resolves to its latest binding before the use, in an enclosing
 *   function scope. That follows straight-line model-building code
 *   (`let x = ...; x = layer.apply(x)`); branches and loops are not modelled.
 * - Local helper functions are followed through their `return`s; their
 *   parameters are bound to the arguments of the first call site.
 * - Activation: the `activation` config string; else the next activation layer in
 *   the sequential order / apply chain (through dropout, pooling, flatten, reshape,
 *   normalization, which is recorded); else a tensor op (`tf.relu(h)`, `h.relu()`).
 *   RNN layers and cells use their own `activation` (tanh by default).
 * - Shapes (batch excluded) are tracked through conv/pooling/flatten/reshape/RNN
 *   layers so fans are known wherever the input shape is written down.
 *
 * Facts about tfjs defaults were checked against node_modules/@tensorflow/tfjs-layers
 * (e.g. PReLU's alpha initializer defaults to 'zeros', LeakyReLU's alpha to 0.3).
 *
 * The folder, the same shape as the Python side: vocab.ts (tables), records.ts (what is
 * recorded), syntax.ts (tree helpers), state.ts (the state of one analysis, `TfjsFile`, which
 * every module below takes as `file`), bindings.ts (imports, definitions, name resolution),
 * evaluate.ts (literal values, configs, layer factory calls), dataflow.ts (`.apply` graph, tensor
 * ops, activation following), shapes.ts (shapes and fans), initializers.ts (initializer values
 * and defaults → InitSpec), fix.ts (fixes); models.ts (containers, membership,
 * binding names); this file runs them and builds the layers.
 */
import type { ActivationInfo, Layer, TextEdit } from '../../types.js';
import type { FrameworkAnalysis, InitTarget } from '../adapter.js';
import { bindParams, collect } from './bindings.js';
import { activationFromString, applyOf, followDataflow, followSequential } from './dataflow.js';
import { configValue, evalString, hasSpread, isTemplate, layerCall, weightOf } from './evaluate.js';
import { buildFix } from './fix.js';
import { layerInit } from './initializers.js';
import { bindingNameOf, findContainers, modelMembership } from './models.js';
import type { ApplyNode, FollowResult, LayerCall, Shape, TfjsFixContext } from './records.js';
import { applyInShape, fans } from './shapes.js';
import { TfjsFile } from './state.js';
import { INIT_IDENTIFIERS, WEIGHT_LAYERS } from './vocab.js';
import type { Tree } from '@lezer/common';

for (const f of [
  'constant',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'identity',
  'leCunNormal',
  'leCunUniform',
  'ones',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
  'zeros',
]) {
  INIT_IDENTIFIERS[f] = f;
  INIT_IDENTIFIERS[f[0]!.toUpperCase() + f.slice(1)] = f;
}

// Entry point
const emptyAnalysis = (): FrameworkAnalysis => ({ layers: [], models: [], fix: () => null });

export function analyzeTfjs(
  text: string,
  tree: Tree,
  opts: { distribution: 'normal' | 'uniform' },
): FrameworkAnalysis {
  try {
    return analyzeUnsafe(text, tree, opts);
  } catch {
    // src/core never throws on bad input; a detector bug must not take the editor down.
    return emptyAnalysis();
  }
}

function analyzeUnsafe(text: string, tree: Tree, opts: { distribution: 'normal' | 'uniform' }): FrameworkAnalysis {
  const file = new TfjsFile(text, tree);
  collect(file);
  if (!file.importString) return emptyAnalysis();
  bindParams(file);

  // Every tfjs layer factory call, and the dataflow graph of `.apply` calls.
  const layerCalls: LayerCall[] = [];
  for (const call of file.calls) {
    const lc = layerCall(file, call);
    if (lc) layerCalls.push(lc);
  }
  const applies: ApplyNode[] = [];
  for (const call of file.calls) {
    const app = applyOf(file, call);
    if (app) applies.push(app);
  }
  const appliesOf = new Map<LayerCall, ApplyNode[]>();
  for (const app of applies) {
    const w = weightOf(file, app.layer);
    if (!w) continue;
    const list = appliesOf.get(w) ?? [];
    list.push(app);
    appliesOf.set(w, list);
  }

  // Containers.
  const { seqModels, funcModels } = findContainers(file);

  // Weight layers in document order.
  const weightCalls = layerCalls.filter((lc) => WEIGHT_LAYERS[lc.factory]).sort((x, y) => x.node.from - y.node.from);
  const idOf = new Map<LayerCall, number>();
  weightCalls.forEach((lc, i) => idOf.set(lc, i));

  // Model membership and forward order.
  const { models, membership, seqPos } = modelMembership(file, seqModels, funcModels, idOf);

  // The layers.
  const layers: Layer[] = weightCalls.map((lc, id) => {
    const desc = WEIGHT_LAYERS[lc.factory]!;
    const isRnn = desc.kind === 'rnn' || desc.kind === 'convrnn';

    // Context: where the layer sits (sequential item, or applied in a dataflow chain).
    const sp = seqPos.get(lc);
    const apps = appliesOf.get(lc) ?? [];
    let follow: FollowResult = { activation: null, normalization: null, residual: false, unknown: false };
    let ctxInShape: Shape = null;
    if (sp) {
      follow = followSequential(file, sp.m.items, sp.index);
      ctxInShape = sp.inShape;
    } else if (apps.length > 0) {
      follow = followDataflow(file, apps[0]!);
      const app = apps[0]!;
      const inShape = applyInShape(file, app);
      ctxInShape = app.layer?.factory === 'timeDistributed' && inShape ? inShape.slice(1) : inShape;
    }

    // Activation.
    let activation: ActivationInfo;
    const actValue = configValue(file, lc.config, 'activation');
    const written = actValue ? activationFromString(file, actValue, 'argument') : null;
    if (isRnn) {
      activation = written ?? { name: 'tanh', via: 'default', text: 'tanh' };
    } else if (written && written.name !== 'linear') {
      activation = written;
    } else if (follow.activation) {
      activation = follow.activation;
    } else if (written) {
      activation = written;
    } else if (follow.unknown || lc.configOpaque || hasSpread(file, lc.config)) {
      activation = { name: 'unknown', via: 'none' };
    } else {
      activation = { name: 'linear', via: 'default' };
    }

    // Name: `name:` in the config, else the variable / property it is assigned to.
    const nameValue = configValue(file, lc.config, 'name');
    const name = (nameValue ? evalString(file, nameValue) : null) ?? bindingNameOf(file, lc.node);

    const { fanIn, fanOut } = fans(file, lc, ctxInShape);
    const mem = membership.get(lc);
    const callee = lc.node.name === 'CallExpression' ? lc.node.firstChild : null;
    const layer: Layer = {
      id,
      framework: 'tfjs',
      layer: lc.factory,
      name,
      span: { from: lc.node.from, to: lc.node.to },
      ...(callee ? { nameSpan: { from: callee.from, to: callee.to } } : {}),
      activation,
      normalization: follow.normalization,
      residual: follow.residual,
      init: layerInit(file, lc, 'kernel'),
      recurrent: isRnn,
      embedding: desc.kind === 'embedding',
      fanIn,
      fanOut,
      model: mem ? mem.model : null,
      order: mem ? mem.order : null,
    };
    if (isRnn) layer.recurrentInit = layerInit(file, lc, 'recurrent');
    if (isTemplate(file, lc.node)) layer.template = true;
    const fixContext: TfjsFixContext = {
      framework: 'tfjs',
      factory: lc.factory,
      config: lc.configInline && lc.config ? { from: lc.config.from, to: lc.config.to } : null,
    };
    layer.fixContext = fixContext;
    return layer;
  });

  return {
    layers,
    models,
    fix(layer: Layer, target: InitTarget): TextEdit[] | null {
      try {
        return buildFix(file, layer, target, opts);
      } catch {
        return null;
      }
    },
  };
}
