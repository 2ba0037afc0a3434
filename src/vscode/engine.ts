/**
 * Lazy access to the engine. Activation must stay cheap (< 50 ms), so the
 * parsers and the analysis (src/core + the host logic that needs them) are
 * loaded on first use, after activate() has returned. Only this file and
 * engineImpl.ts may import engine values; the rest of src/vscode imports types.
 */
export type Engine = typeof import('./engineImpl.js');

let loaded: Engine | null = null;
let loading: Promise<Engine> | null = null;

export function loadEngine(): Promise<Engine> {
  loading ??= import('./engineImpl.js').then((m) => (loaded = m));
  return loading;
}

/** The engine if it is already loaded (synchronous paths), else null. */
export function loadedEngine(): Engine | null {
  return loaded;
}
