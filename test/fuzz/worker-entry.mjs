// Worker threads do not inherit `--import tsx` on Node 20: register the
// TypeScript loader here, then run the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./fuzz-worker.ts');
