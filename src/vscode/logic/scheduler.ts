/**
 * Debounced, latest-version-only scheduling of analyses. One pending run per
 * key (a document or notebook URI); a newer request replaces the older one.
 * Results computed for a version that is no longer the latest are dropped by
 * `isCurrent`.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Scheduler {
  private readonly pending = new Map<string, unknown>();
  private readonly latest = new Map<string, number>();

  constructor(private readonly timers: Timers = realTimers) {}

  /** Runs `run` after `delayMs` unless another request for `key` arrives first. */
  schedule(key: string, version: number, delayMs: number, run: () => void): void {
    this.request(key, version);
    const previous = this.pending.get(key);
    if (previous !== undefined) this.timers.clearTimeout(previous);
    const handle = this.timers.setTimeout(() => {
      this.pending.delete(key);
      if (this.isCurrent(key, version)) run();
    }, delayMs);
    this.pending.set(key, handle);
  }

  /** Records that `version` is the newest version of `key` (without scheduling). */
  request(key: string, version: number): void {
    const known = this.latest.get(key);
    if (known === undefined || version >= known) this.latest.set(key, version);
  }

  /** True when a result computed for `version` may still be shown. */
  isCurrent(key: string, version: number): boolean {
    const known = this.latest.get(key);
    return known === undefined || known === version;
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  /** Forgets `key` (document closed): a pending run is cancelled, later results are dropped. */
  cancel(key: string): void {
    const previous = this.pending.get(key);
    if (previous !== undefined) this.timers.clearTimeout(previous);
    this.pending.delete(key);
    this.latest.set(key, Number.POSITIVE_INFINITY);
  }

  /** Allows `key` again after `cancel` (document reopened). */
  reset(key: string): void {
    this.latest.delete(key);
  }

  dispose(): void {
    for (const handle of this.pending.values()) this.timers.clearTimeout(handle);
    this.pending.clear();
  }
}
