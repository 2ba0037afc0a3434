/**
 * TensorFlow.js shapes and fans. Shapes exclude the batch dimension; a null entry is an unknown
 * dimension and a null shape an unknown rank. Only the channel (feature) dimension matters for
 * fans, but tracking whole shapes through conv, pooling, flatten, reshape and RNN layers lets a
 * dense layer after `flatten()` know its fan_in (the MNIST-CNN idiom), wherever the input shape
 * is written down. Fans follow tfjs `computeFans` for each kernel layout.
 */
import { callArgs, deref } from './bindings.js';
import { configNumber, configValue, evalArray, evalBool, evalNumber, evalString } from './evaluate.js';
import type { ApplyNode, LayerCall, Shape, TensorVal } from './records.js';
import type { TfjsFile } from './state.js';
import { product } from './syntax.js';
import { ACTIVATION_LAYERS, FEATURE_PRESERVING, NORM_LAYERS, POOLING_RANK, WEIGHT_LAYERS } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

/** An array literal of dimensions (`[28, 28, 1]`, `[null, 10]`), through variables. */
export function evalShape(file: TfjsFile, n: SyntaxNode | null): (number | null)[] | null {
  const els = evalArray(file, n);
  if (!els) return null;
  return els.map((el) => evalNumber(file, el));
}

/** The input shape a config declares: `inputShape`, `batchInputShape`, `inputDim` (+ `inputLength`). */
export function configInShape(file: TfjsFile, lc: LayerCall): Shape {
  const shape = evalShape(file, configValue(file, lc.config, 'inputShape'));
  if (shape && shape.length > 0) return shape;
  const batch = evalShape(file, configValue(file, lc.config, 'batchInputShape'));
  if (batch && batch.length > 1) return batch.slice(1);
  const desc = WEIGHT_LAYERS[lc.factory];
  const lenNode = configValue(file, lc.config, 'inputLength');
  const len = lenNode ? evalNumber(file, lenNode) : null;
  if (lc.factory === 'embedding') return lenNode ? [len] : null;
  const dimNode = configValue(file, lc.config, 'inputDim');
  if (!dimNode) return null;
  const dim = evalNumber(file, dimNode);
  return desc && (desc.kind === 'rnn' || desc.kind === 'convrnn') ? [len, dim] : [dim];
}

export function channelsFirst(file: TfjsFile, lc: LayerCall): boolean {
  return evalString(file, configValue(file, lc.config, 'dataFormat')) === 'channelsFirst';
}

/** Channel dimension of a shape as a layer reads it. */
export function channelOf(file: TfjsFile, lc: LayerCall, s: Shape): number | null {
  if (!s || s.length === 0) return null;
  const desc = WEIGHT_LAYERS[lc.factory];
  const spatial = desc && desc.rank > 0;
  return spatial && channelsFirst(file, lc) ? s[0]! : s[s.length - 1]!;
}

/** A per-axis integer option (`kernelSize: 3` or `[3, 2]`), expanded to `rank` entries. */
export function perAxis(file: TfjsFile, lc: LayerCall, key: string, rank: number, dflt: number | null): (number | null)[] {
  const v = configValue(file, lc.config, key);
  if (!v) return Array<number | null>(rank).fill(dflt);
  const els = evalShape(file, v);
  if (els) return els.length === rank ? els : Array<number | null>(rank).fill(null);
  return Array<number | null>(rank).fill(evalNumber(file, v));
}

/** Spatial output sizes of a convolution / pooling window (tfjs convOutputLength / deconvLength). */
export function windowOut(
  file: TfjsFile,
  lc: LayerCall,
  sizes: (number | null)[],
  kernel: (number | null)[],
  strides: (number | null)[],
  transpose: boolean,
): (number | null)[] {
  const padding = configValue(file, lc.config, 'padding') ? evalString(file, configValue(file, lc.config, 'padding')) : 'valid';
  const dil = perAxis(file, lc, 'dilationRate', sizes.length, 1);
  return sizes.map((n, i) => {
    const k = kernel[i] ?? null;
    const s = strides[i] ?? null;
    const d = dil[i] ?? null;
    if (n === null || k === null || s === null || d === null || (padding !== 'valid' && padding !== 'same')) return null;
    if (transpose) return padding === 'valid' ? n * s + Math.max(k - s, 0) : n * s;
    const dk = k + (k - 1) * (d - 1);
    const out = padding === 'same' ? n : n - dk + 1;
    return Math.floor((out + s - 1) / s);
  });
}

/** Output shape of a spatial layer: new spatial sizes and channel count, in the layer's data format. */
export function spatialShape(file: TfjsFile, lc: LayerCall, spatial: (number | null)[], channels: number | null): (number | null)[] {
  return channelsFirst(file, lc) ? [channels, ...spatial] : [...spatial, channels];
}

export function spatialIn(file: TfjsFile, lc: LayerCall, s: Shape, rank: number): (number | null)[] | null {
  if (!s || s.length !== rank + 1) return null;
  return channelsFirst(file, lc) ? s.slice(1) : s.slice(0, rank);
}

/** Output shape of a layer given its input shape (null when unknown). */
export function outShape(file: TfjsFile, lc: LayerCall | null, inShape: Shape): Shape {
  if (!lc) return null;
  const s = configInShape(file, lc) ?? inShape;
  const f = lc.factory;
  const desc = WEIGHT_LAYERS[f];
  const last = (x: number | null): Shape => (s && s.length > 0 ? [...s.slice(0, -1), x] : [x]);
  if (desc) {
    switch (desc.kind) {
      case 'dense':
        return last(configNumber(file, lc, 'units'));
      case 'rnn': {
        const units = configNumber(file, lc, 'units');
        if (f.endsWith('Cell')) return [units];
        return evalBool(file, configValue(file, lc.config, 'returnSequences')) ? [s && s.length > 0 ? s[0]! : null, units] : [units];
      }
      case 'convrnn': {
        // [time, ...spatial, channels] → [(time,) ...spatial', filters]
        const step = s && s.length === desc.rank + 2 ? s.slice(1) : null;
        const sp = spatialIn(file, lc, step, desc.rank);
        const spatial = sp
          ? windowOut(file, lc, sp, perAxis(file, lc, 'kernelSize', desc.rank, null), perAxis(file, lc, 'strides', desc.rank, 1), false)
          : Array<number | null>(desc.rank).fill(null);
        const out = spatialShape(file, lc, spatial, configNumber(file, lc, 'filters'));
        const seq = evalBool(file, configValue(file, lc.config, 'returnSequences'));
        return seq && !f.endsWith('Cell') ? [s && s.length > 0 ? s[0]! : null, ...out] : out;
      }
      case 'embedding': {
        const t = s && s.length > 0 ? s[0]! : null;
        return [t, configNumber(file, lc, 'outputDim')];
      }
      default: {
        const rank = desc.rank;
        const sp = spatialIn(file, lc, s, rank);
        const cin = channelOf(file, lc, s);
        let channels: number | null;
        if (desc.kind === 'depthwise') {
          const dm = configValue(file, lc.config, 'depthMultiplier') ? configNumber(file, lc, 'depthMultiplier') : 1;
          channels = cin !== null && dm !== null ? cin * dm : null;
        } else {
          channels = configNumber(file, lc, 'filters');
        }
        const spatial = sp
          ? windowOut(file, lc, sp, perAxis(file, lc, 'kernelSize', rank, null), perAxis(file, lc, 'strides', rank, 1), desc.kind === 'transpose')
          : Array<number | null>(rank).fill(null);
        return spatialShape(file, lc, spatial, channels);
      }
    }
  }
  if (f === 'bidirectional') {
    const inner = outShape(file, lc.inner, s);
    const mode = configValue(file, lc.config, 'mergeMode');
    const m = mode ? evalString(file, mode) : 'concat';
    if (!inner || inner.length === 0 || m === null) return null;
    const l = inner[inner.length - 1]!;
    return m === 'concat' ? [...inner.slice(0, -1), l === null ? null : l * 2] : inner;
  }
  if (f === 'timeDistributed') {
    if (!s || s.length === 0) return null;
    const inner = outShape(file, lc.inner, s.slice(1));
    return inner ? [s[0]!, ...inner] : null;
  }
  if (f === 'rnn') return outShape(file, lc.inner, s);
  if (f === 'inputLayer') return s;
  if (FEATURE_PRESERVING.has(f) || ACTIVATION_LAYERS.has(f) || NORM_LAYERS[f]) {
    const rank = POOLING_RANK[f];
    if (rank) {
      const sp = spatialIn(file, lc, s, rank);
      const cin = channelOf(file, { ...lc, factory: `conv${rank}d` }, s);
      const size = perAxis(file, lc, 'poolSize', rank, 2);
      const strides = configValue(file, lc.config, 'strides') ? perAxis(file, lc, 'strides', rank, null) : size;
      const spatial = sp ? windowOut(file, lc, sp, size, strides, false) : Array<number | null>(rank).fill(null);
      return spatialShape(file, lc, spatial, cin);
    }
    if (f.startsWith('global')) {
      const cin = channelOf(file, { ...lc, factory: 'conv2d' }, s);
      return [cin];
    }
    if (f === 'repeatVector') return s ? [configNumber(file, lc, 'n'), ...s] : null;
    if (f === 'zeroPadding2d' || f === 'upSampling2d' || f === 'cropping2D') {
      // Spatial sizes change; channels do not.
      const cin = channelOf(file, { ...lc, factory: 'conv2d' }, s);
      return spatialShape(file, lc, [null, null], cin);
    }
    return s;
  }
  if (f === 'flatten') return [s ? product(s) : null];
  if (f === 'reshape') {
    const target = evalShape(file, configValue(file, lc.config, 'targetShape'));
    if (!target) return null;
    const minus = target.indexOf(-1);
    if (minus >= 0) {
      const total = product(s ?? [null]);
      const known = product(target.filter((d) => d !== -1));
      const fill = total !== null && known !== null && known !== 0 ? total / known : null;
      return target.map((d) => (d === -1 ? fill : d));
    }
    return target;
  }
  if (f === 'permute') {
    const dims = evalShape(file, configValue(file, lc.config, 'dims'));
    if (!s || !dims || dims.length !== s.length) return null;
    return dims.map((d) => (d !== null && d >= 1 && d <= s.length ? s[d - 1]! : null));
  }
  return null;
}

export function tensorShape(file: TfjsFile, tv: TensorVal): Shape {
  if (tv.kind === 'input') {
    const cfg = deref(file, callArgs(file, tv.node)[0] ?? null);
    const shape = evalShape(file, configValue(file, cfg, 'shape'));
    if (shape) return shape;
    const b = evalShape(file, configValue(file, cfg, 'batchShape'));
    return b && b.length > 1 ? b.slice(1) : null;
  }
  if (tv.kind === 'apply') return applyOutShape(file, tv.app);
  return null;
}

export function applyInShape(file: TfjsFile, app: ApplyNode): Shape {
  const first = app.inputs[0];
  return first ? tensorShape(file, first) : null;
}

export function applyOutShape(file: TfjsFile, app: ApplyNode): Shape {
  if (file.shapeMemo.has(app)) return file.shapeMemo.get(app)!;
  file.shapeMemo.set(app, null);
  let r: Shape = null;
  const f = app.layer?.factory;
  if (f === 'add' || f === 'average' || f === 'maximum' || f === 'minimum' || f === 'multiply') {
    for (const i of app.inputs) {
      r = tensorShape(file, i);
      if (r) break;
    }
  } else if (f === 'concatenate') {
    const axis = app.layer!.config ? configValue(file, app.layer!.config, 'axis') : null;
    const ax = axis ? evalNumber(file, axis) : -1;
    const shapes = app.inputs.map((i) => tensorShape(file, i));
    const first = shapes[0];
    if (ax === -1 && first && first.length > 0 && shapes.every((x) => x && x.length === first.length)) {
      let sum: number | null = 0;
      for (const x of shapes) {
        const d = x![x!.length - 1]!;
        sum = sum === null || d === null ? null : sum + d;
      }
      r = [...first.slice(0, -1), sum];
    }
  } else if (app.op) {
    r = applyInShape(file, app);
  } else {
    r = outShape(file, app.layer, applyInShape(file, app));
  }
  file.shapeMemo.set(app, r);
  return r;
}

export function kernelProduct(file: TfjsFile, lc: LayerCall, rank: number): number | null {
  const v = configValue(file, lc.config, 'kernelSize');
  if (!v) return null;
  const els = evalArray(file, v);
  if (els) {
    let p = 1;
    for (const el of els) {
      const k = evalNumber(file, el);
      if (k === null) return null;
      p *= k;
    }
    return p;
  }
  const k = evalNumber(file, v);
  return k === null ? null : k ** rank;
}

export function fans(file: TfjsFile, lc: LayerCall, ctxInShape: Shape): { fanIn: number | null; fanOut: number | null } {
  const desc = WEIGHT_LAYERS[lc.factory]!;
  const cin = channelOf(file, lc, configInShape(file, lc) ?? ctxInShape);
  const mul = (...xs: (number | null)[]): number | null => {
    let p = 1;
    for (const x of xs) {
      if (x === null) return null;
      p *= x;
    }
    return p;
  };
  switch (desc.kind) {
    case 'dense':
      return { fanIn: cin, fanOut: configNumber(file, lc, 'units') };
    case 'conv': {
      const k = kernelProduct(file, lc, desc.rank);
      return { fanIn: mul(k, cin), fanOut: mul(k, configNumber(file, lc, 'filters')) };
    }
    case 'transpose': {
      // tfjs kernel shape [...k, filters, inChannels]: computeFans reads shape[-2] as "in".
      const k = kernelProduct(file, lc, desc.rank);
      return { fanIn: mul(k, configNumber(file, lc, 'filters')), fanOut: mul(k, cin) };
    }
    case 'depthwise': {
      const k = kernelProduct(file, lc, desc.rank);
      const dm = configValue(file, lc.config, 'depthMultiplier') ? configNumber(file, lc, 'depthMultiplier') : 1;
      return { fanIn: mul(k, cin), fanOut: mul(k, dm) };
    }
    case 'separable': {
      // Pointwise kernel [1, 1, inChannels·depthMultiplier, filters].
      const dm = configValue(file, lc.config, 'depthMultiplier') ? configNumber(file, lc, 'depthMultiplier') : 1;
      return { fanIn: mul(cin, dm), fanOut: configNumber(file, lc, 'filters') };
    }
    case 'rnn':
      return { fanIn: cin, fanOut: mul(configNumber(file, lc, 'units'), desc.gates) };
    case 'convrnn': {
      const k = kernelProduct(file, lc, desc.rank);
      return { fanIn: mul(k, cin), fanOut: mul(k, configNumber(file, lc, 'filters'), desc.gates) };
    }
    case 'embedding':
      return { fanIn: configNumber(file, lc, 'inputDim'), fanOut: configNumber(file, lc, 'outputDim') };
  }
}
