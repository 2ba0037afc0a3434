/**
 * The evaluator interface: what the modules around the interpreter's recursive core (eval/*,
 * semantics/*) may use of it. `Interp` (../interp.ts) is the one implementation; the modules are
 * free functions taking it as `ev`, so they never import the class and the core never has to know
 * which library a call belongs to.
 *
 * Two parts: `InterpState`, the mutable state of one run over a module (records found so far, and
 * the context flags of the code running), and `Evaluator`, the six recursive entry points.
 */
import type { PyExpr, PyStmt } from '../../../parse/pyast.js';
import type { ActivationInfo } from '../../../types.js';
import type { Imports } from '../imports.js';
import type { Scope } from './scope.js';
import type { ClassCtx, InitEvent, LayerRec, Obj, SeqRec, Val } from './values.js';

/** The state of one run of the interpreter over a module. */
export interface InterpState {
  /** The module's top-level statements. */
  readonly stmts: PyStmt[];
  imports: Imports;
  moduleScope: Scope;
  /** The scope of the outermost code running (a class body, a function run standalone, the module). */
  rootScope: Scope | null;
  /** Statements being executed, outermost first. */
  stack: PyStmt[];

  // Records found so far.
  layers: Map<number, LayerRec>;
  seqs: Map<number, SeqRec>;
  classes: Map<string, ClassCtx>;
  classList: ClassCtx[];
  /** Init code found (nn.init calls, .normal_(), initializer arguments read by init code). */
  events: InitEvent[];
  /** Sequence number of the next init event (its order in the module). */
  seq: number;
  /** Order of the next layer to meet its input in a forward pass. */
  order: number;
  /** The call that builds each model (keyed by the function defining it, null: module level). */
  modelCalls: Map<PyStmt | null, Extract<PyExpr, { kind: 'call' }>>;
  /** Every such call, in source order once built (several models in one notebook or function). */
  modelCallsAll: Map<PyStmt | null, Map<number, Extract<PyExpr, { kind: 'call' }>>>;
  sawLayerNorm: boolean;
  sawResidual: boolean;
  /** Class bodies and forward methods run for instances so far (bounded: 64 constructor reruns, 256 forward runs). */
  instRuns: number;

  /** Fans each layer got in the real constructions of its class (see ctorSites). */
  ctorSnaps: Map<LayerRec, (number | null)[][]>;
  /** Classes with a construction site that was not rerun (instance budget): their fans are not resolved. */
  ctorIncomplete: Set<ClassCtx>;
  /** ctorSites' answer per class, until the next class is declared. */
  ctorSiteOf: Map<ClassCtx, boolean>;
  /** Subclass name → qualified name of the framework weight layer it extends. */
  readonly layerSubclasses: Map<string, string>;
  /**
   * Layer subclasses that rework the kernel before using it (weight standardization through Flax's
   * `param`, Keras' `convolution_op`, or a `call`/`forward` that reads `self.kernel`/`self.weight`):
   * the initializer no longer sets the scale of the weights the layer computes with.
   */
  readonly weightTransforming: Set<string>;

  /**
   * Inside a construction site's rerun of a constructor (for its fans). Its init code is not
   * recorded: the class's own run records it once, with the branches the sites may take left
   * undecided, so two sites choosing different inits never let the last one win.
   */
  siteDepth: number;
  /** For each unrolled loop (or recorded construction) running: the layers built in it so far. */
  loopTracks: Set<LayerRec>[];

  // Branches (eval/branches.ts).
  /** Activations applied in one branch of an `if` only, to compare with what follows it. */
  deferredActs: Map<LayerRec, ActivationInfo>;
  /** Undecided `if` arms the running code is in (see InitEvent.arms). */
  armStack: string[];
  /** How many branches ruled out by their condition the running code is in. */
  deadBranches: number;
  /** Modules joined with None by an `if` (`self.proj = nn.Linear(...)` or `None`). */
  maybeNone: WeakSet<Val>;
  /** Values bound from a parameter default that some call site in the module overrides. */
  softVals: WeakSet<Val>;
  /** For each function name: the most positional arguments, the keywords, and whether a call splats. */
  /** Calls per plain callee name in the module (filled by callIndex). */
  sitesByName: Map<string, number> | null;
  passedArgs: Map<string, { pos: number; kw: Set<string>; splat: boolean }> | null;
  /** Names used as values, not called (`partial(Block, act="tanh")`, `block=BasicBlock`): their calls are not visible. */
  escapedNames: Set<string>;
  /** A loop variable over literal strings: every name it takes. */
  loopNames: WeakMap<Val, string[]>;
}

/** The interpreter's recursive core, as the modules around it reach it. */
export interface Evaluator extends InterpState {
  eval(e: PyExpr, scope: Scope, stmt?: PyStmt): Val;
  assign(t: PyExpr, v: Val, scope: Scope, stmt: PyStmt | null): void;
  /** Calls `callee` (already evaluated) as the call expression `e` does. */
  callValue(callee: Val, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): Val;
  /** Runs a method with bound arguments (inlined; depth-limited). */
  callMethod(c: ClassCtx, m: Extract<PyStmt, { kind: 'def' }>, args: Val[], kwargs: Map<string, Val> | null, root?: boolean, caller?: Scope): Val;
  /** Runs a function with bound arguments (inlined; depth-limited). */
  callFn(f: Extract<PyStmt, { kind: 'def' }>, args: Val[], kwargs: Map<string, Val>, caller: Scope, cls: ClassCtx | null, root?: boolean): Val;
  /** The module object a value holds, if any. */
  toObj(v: Val): Obj | null;
  /** The value of a call's first argument (the tensor a layer is applied to). */
  firstArg(e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): Val;
}
