/**
 * The state of one TensorFlow.js analysis over a file's tree: the bindings collected
 * (bindings.ts), the calls seen, and the memos and recursion guards of evaluation. The modules
 * around it are free functions taking it as `file`: bindings.ts (imports, definitions, name
 * resolution), evaluate.ts (literal values, config objects, layer factory calls), dataflow.ts
 * (`.apply` chains, tensor ops, activation following), shapes.ts (shapes and fans),
 * initializers.ts (initializer values and defaults), models.ts (containers and membership).
 */
import type { ApplyNode, Def, LayerCall, Shape } from './records.js';
import type { SyntaxNode, Tree } from '@lezer/common';

export class TfjsFile {
  readonly defs = new Map<string, Def[]>();
  readonly calls: SyntaxNode[] = [];
  /** Number of call sites of each local function (by node key). */
  readonly callSites = new Map<string, number>();
  /** Simple parameters of local functions, bound to the arguments of the first call site. */
  readonly params: { def: Def; fn: string; index: number }[] = [];
  /** First tfjs module specifier string node (for quote style). */
  importString: SyntaxNode | null = null;
  /** A local name bound to the whole tfjs namespace (`tf`). */
  namespaceAlias: string | null = null;
  /** A local name bound to `initializers`. */
  initializersAlias: string | null = null;
  /** Layer factory calls read so far (by node key; null while being read, or not a layer). */
  readonly layerMemo = new Map<string, LayerCall | null>();
  /** `.apply` and tensor-op calls read so far (by node key). */
  readonly applyMemo = new Map<string, ApplyNode>();
  /** Output shapes computed so far (null while being computed). */
  readonly shapeMemo = new Map<ApplyNode, Shape>();
  /** Depth of the recursive evaluation running (bounded at 40). */
  depth = 0;
  /** Helper functions whose returns are being evaluated (recursion guard). */
  readonly inFunction = new Set<string>();

  constructor(
    readonly text: string,
    readonly tree: Tree,
  ) {}

  /** The source text of a node. */
  textOf(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }
}
