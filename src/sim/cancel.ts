/** Cancellation of a running simulation (an AbortSignal checked between layers). */

export class SimulationCancelled extends Error {
  constructor() {
    super('simulation cancelled');
    this.name = 'AbortError';
  }
}

export function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SimulationCancelled();
}
