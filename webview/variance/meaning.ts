/**
 * The sentences under the charts: what the curves mean for this model, in
 * words. Pure (strings come from the host, already localized; {0}… filled here).
 */
import type { NetworkSpec, SimulationResult } from '../../src/core/sim/types.js';
import type { WebviewStrings } from '../../src/shared/protocol.js';

export function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(3)));
  return x.toExponential(1);
}

function isTanh(name: string): boolean {
  return name === 'tanh';
}

/** Sentences for the forward chart, then for the backward chart. */
export function meaning(spec: NetworkSpec, result: SimulationResult, s: WebviewStrings): { forward: string[]; backward: string[] } {
  const forward: string[] = [];
  const backward: string[] = [];
  const cur = result.series.find((x) => x.init === 'current');
  const body = spec.layers.filter((l) => !l.head);
  const bodyStats = cur?.layers.filter((_, i) => !spec.layers[i]?.head) ?? [];
  const last = bodyStats[bodyStats.length - 1];
  if (cur && last && body.length > 0) {
    const L = bodyStats.length;
    const m = last.forwardSecondMoment;
    if (Number.isFinite(m) && m > 0) {
      const r = Math.pow(m, 1 / L);
      if (r < 0.9) forward.push(fill(s.meaningDecay, num(r), L, num(m)));
      else if (r > 1.1) forward.push(fill(s.meaningGrow, num(r), L, num(m)));
      else forward.push(fill(s.meaningFlat, num(r), L));
    }
  }
  const tanh = body.filter((l) => isTanh(l.activation.name));
  if (tanh.length > 0 && tanh.length >= body.length / 2) {
    const inits = tanh.map((l) => l.initName.current);
    if (inits.some((i) => i.startsWith('glorot'))) forward.push(s.meaningTanhEdge);
    if (inits.some((i) => i.startsWith('he_') || i === 'kaiming_normal' || i === 'kaiming_uniform')) backward.push(s.meaningTanhChaos);
  }
  spec.layers.forEach((h, i) => {
    if (!h.head) return;
    const out = cur?.layers[i]?.forwardSecondMoment;
    forward.push(fill(s.meaningHead, `${h.layer}${h.name ? ` ${h.name}` : ''}, ${h.activation.name}`, i + 1, `E[x²] = ${num(out)}`));
  });
  if (cur?.backwardRatio !== null && cur?.backwardRatio !== undefined && Number.isFinite(cur.backwardRatio)) {
    const first = cur.layers[0]?.backwardVar;
    const lastB = cur.layers[cur.layers.length - 1]?.backwardVar;
    // From the output back to the first layer: first / last.
    const ratio = first !== undefined && lastB !== undefined && lastB > 0 ? first / lastB : null;
    if (ratio !== null && Number.isFinite(ratio)) backward.unshift(fill(s.meaningBackward, num(ratio)));
  }
  return { forward, backward };
}
