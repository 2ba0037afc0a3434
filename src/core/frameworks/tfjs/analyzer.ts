/**
 * The TensorFlow.js analyzer over one file's tree: import binding, resolution of names to their
 * latest binding in an enclosing function scope, helper functions followed through their returns,
 * layer calls, activation following through sequential order and apply chains, shapes and fans.
 * One class (about 1,170 lines): name resolution, evaluation and activation following call each
 * other; splitting it the way the Python interpreter was split is left to do.
 */
import type { ActivationInfo, InitSpec, Normalization } from '../../types.js';
import { initFields, initKeys } from './initializers.js';
import type { ApplyNode, Def, FollowResult, LayerCall, SeqItem, Shape, TensorVal } from './records.js';
import { children, exprChildren, nodeKey, product, scopeChain, scopeKey } from './syntax.js';
import { ACTIVATION_LAYERS, ACTIVATION_STRINGS, FEATURE_PRESERVING, FUNCTION_NODES, INIT_IDENTIFIERS, NORM_LAYERS, OP_ACTIVATIONS, POOLING_RANK, SHAPE_CHANGING, TFJS_MODULES, WEIGHT_LAYERS, WRAPPERS } from './vocab.js';
import type { SyntaxNode, Tree } from '@lezer/common';

// The analysis
export class TfjsAnalyzer {
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
  private readonly layerMemo = new Map<string, LayerCall | null>();
  private readonly applyMemo = new Map<string, ApplyNode>();
  private readonly shapeMemo = new Map<ApplyNode, Shape>();
  private depth = 0;
  /** Helper functions whose returns are being evaluated (recursion guard). */
  private readonly inFunction = new Set<string>();

  constructor(
    readonly text: string,
    readonly tree: Tree,
  ) {}

  t(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  // --- collection ---------------------------------------------------------

  collect(): void {
    const cursor = this.tree.cursor();
    do {
      const n = cursor.node;
      switch (n.name) {
        case 'ImportDeclaration':
          this.collectImport(n);
          break;
        case 'VariableDefinition':
          this.collectVariableDefinition(n);
          break;
        case 'AssignmentExpression':
          this.collectAssignment(n);
          break;
        case 'PropertyDeclaration':
          this.collectClassProperty(n);
          break;
        case 'CallExpression':
          this.calls.push(n);
          break;
      }
    } while (cursor.next());
  }

  /**
   * Bind each parameter of a local helper function to the argument of its first
   * call (in document order), so `convBlock(stem, 32)` connects the block's layers
   * to `stem` and resolves `filters`. Context-insensitive: later calls share it.
   */
  bindParams(): void {
    const byFn = new Map<string, { def: Def; index: number }[]>();
    for (const p of this.params) {
      const list = byFn.get(p.fn) ?? [];
      list.push(p);
      byFn.set(p.fn, list);
    }
    for (const call of this.calls) {
      const callee = call.firstChild;
      if (!callee || (callee.name !== 'VariableName' && callee.name !== 'MemberExpression')) continue;
      if (callee.name === 'MemberExpression' && !this.refKey(callee)) continue;
      const fn = this.deref(callee);
      if (!fn || !FUNCTION_NODES.has(fn.name)) continue;
      this.callSites.set(nodeKey(fn), (this.callSites.get(nodeKey(fn)) ?? 0) + 1);
      const ps = byFn.get(nodeKey(fn));
      if (!ps) continue;
      const args = this.args(call);
      for (const p of ps) {
        const arg = args[p.index];
        if (p.def.value === null && arg && !(arg.from >= fn.from && arg.to <= fn.to)) {
          p.def.value = arg;
        }
      }
      byFn.delete(nodeKey(fn));
    }
  }

  private addDef(key: string, def: Def): void {
    let list = this.defs.get(key);
    if (!list) this.defs.set(key, (list = []));
    list.push(def);
  }

  private moduleOf(str: SyntaxNode | null): boolean {
    if (!str || (str.name !== 'String' && str.name !== 'TemplateString')) return false;
    const spec = this.stringValue(str);
    if (spec === null || !TFJS_MODULES.has(spec)) return false;
    if (!this.importString) this.importString = str;
    return true;
  }

  private collectImport(n: SyntaxNode): void {
    const kids = children(n);
    if (kids.some((k) => k.name === 'type')) return;
    const spec = kids.find((k) => k.name === 'String') ?? null;
    if (!this.moduleOf(spec)) return;
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      if (k.name === 'VariableDefinition') {
        // `import * as tf from` (after Star/as) or a default import: the namespace.
        this.bindImport(this.t(k), k, []);
      } else if (k.name === 'ImportGroup') {
        const g = children(k);
        for (let j = 0; j < g.length; j++) {
          const e = g[j]!;
          if (e.name === 'VariableName' && g[j + 1]?.name === 'as' && g[j + 2]?.name === 'VariableDefinition') {
            this.bindImport(this.t(g[j + 2]!), g[j + 2]!, [this.t(e)]);
            j += 2;
          } else if (e.name === 'VariableDefinition') {
            this.bindImport(this.t(e), e, [this.t(e)]);
          }
        }
      }
    }
  }

  private bindImport(local: string, node: SyntaxNode, path: string[]): void {
    this.addDef(local, { pos: node.from, scope: '', value: null, imported: path });
    if (path.length === 0 && this.namespaceAlias === null) this.namespaceAlias = local;
    if (path.length === 1 && path[0] === 'initializers' && this.initializersAlias === null) {
      this.initializersAlias = local;
    }
  }

  /** `require('@tensorflow/tfjs')` or `await import('@tensorflow/tfjs')`. */
  private isTfjsModuleExpr(expr: SyntaxNode | null): boolean {
    let e = expr ? this.strip(expr) : null;
    if (e?.name === 'AwaitExpression') e = e.lastChild ? this.strip(e.lastChild) : null;
    if (!e) return false;
    if (e.name === 'DynamicImport') {
      return this.moduleOf(children(e).find((k) => k.name === 'String') ?? null);
    }
    if (e.name === 'CallExpression') {
      const callee = e.firstChild;
      if (callee?.name !== 'VariableName' || this.t(callee) !== 'require') return false;
      return this.moduleOf(this.args(e)[0] ?? null);
    }
    return false;
  }

  private collectVariableDefinition(n: SyntaxNode): void {
    const parent = n.parent;
    const name = this.t(n);
    if (parent?.name === 'VariableDeclaration') {
      let s = n.nextSibling;
      if (s?.name === 'TypeAnnotation') s = s.nextSibling;
      if (s?.name === 'Equals' && s.nextSibling) {
        const value = s.nextSibling;
        if (this.isTfjsModuleExpr(value)) {
          this.bindImport(name, n, []);
          return;
        }
        this.addDef(name, { pos: value.to, scope: scopeKey(n), value });
        return;
      }
      this.addDef(name, { pos: n.to, scope: scopeKey(n), value: null });
      return;
    }
    if (parent?.name === 'ImportDeclaration' || parent?.name === 'ImportGroup') return;
    // Destructuring: `const { layers, sequential: seq } = require('@tensorflow/tfjs')`.
    if (parent?.name === 'PatternProperty' || parent?.name === 'ObjectPattern') {
      const pattern = parent.name === 'PatternProperty' ? parent.parent : parent;
      const decl = pattern?.parent;
      if (pattern?.name === 'ObjectPattern' && decl?.name === 'VariableDeclaration') {
        let s = pattern.nextSibling;
        if (s?.name === 'TypeAnnotation') s = s.nextSibling;
        const value = s?.name === 'Equals' ? s.nextSibling : null;
        const base = value ? (this.isTfjsModuleExpr(value) ? [] : this.tfjsPath(value)) : null;
        if (base) {
          // Also `const { dense, conv2d } = tf.layers`.
          const keyNode = parent.name === 'PatternProperty' ? parent.firstChild : null;
          const imported = keyNode && keyNode.name === 'PropertyName' ? this.t(keyNode) : name;
          this.bindImport(name, n, [...base, imported]);
          return;
        }
      }
    }
    // Parameters, loop variables, other patterns, function and class names: unknown values.
    if (parent?.name === 'FunctionDeclaration') {
      // Bound to the function itself, so `block(x)` can be followed to what it returns.
      this.addDef(name, { pos: parent.from, scope: scopeKey(parent), value: parent });
      return;
    }
    if (parent && (parent.name === 'ParamList' || parent.name === 'ArrowFunction')) {
      const fn = parent.name === 'ParamList' ? parent.parent : parent;
      if (fn && FUNCTION_NODES.has(fn.name)) {
        let index = 0;
        for (let c = n.prevSibling; c; c = c.prevSibling) if (c.name === ',') index++;
        const def: Def = { pos: n.from, scope: scopeKey(n), value: null };
        this.addDef(name, def);
        this.params.push({ def, fn: nodeKey(fn), index });
        return;
      }
    }
    const isClassName = parent?.name === 'ClassDeclaration';
    this.addDef(name, { pos: n.from, scope: isClassName ? scopeKey(parent) : scopeKey(n), value: null });
  }

  private collectAssignment(n: SyntaxNode): void {
    const kids = children(n);
    const lhs = kids[0];
    const op = kids[1];
    const rhs = kids[2];
    if (!lhs || !op || !rhs) return;
    const key = this.refKey(lhs);
    if (!key) return;
    const value = op.name === 'Equals' ? rhs : null;
    if (value && lhs.name === 'VariableName' && this.isTfjsModuleExpr(value)) {
      this.bindImport(key, lhs, []);
      return;
    }
    this.addDef(key, { pos: n.to, scope: key.startsWith('this.') ? '' : scopeKey(n), value });
  }

  private collectClassProperty(n: SyntaxNode): void {
    const kids = children(n);
    const nameNode = kids.find((k) => k.name === 'PropertyDefinition');
    const eq = kids.findIndex((k) => k.name === 'Equals');
    if (!nameNode || eq < 0 || !kids[eq + 1]) return;
    const value = kids[eq + 1]!;
    this.addDef('this.' + this.t(nameNode), { pos: value.to, scope: '', value });
  }

  // --- references ---------------------------------------------------------

  refKey(n: SyntaxNode): string | null {
    if (n.name === 'VariableName') return this.t(n);
    if (n.name === 'MemberExpression') {
      const kids = children(n);
      if (kids.length === 3 && kids[0]!.name === 'this' && kids[1]!.name === '.' && kids[2]!.name === 'PropertyName') {
        return 'this.' + this.t(kids[2]!);
      }
    }
    return null;
  }

  /** The binding a reference `n` sees: latest definition before it in an enclosing scope. */
  resolveRef(n: SyntaxNode): Def | null {
    const key = this.refKey(n);
    if (!key) return null;
    return this.resolveKey(key, n);
  }

  resolveKey(key: string, at: SyntaxNode): Def | null {
    const list = this.defs.get(key);
    if (!list) return null;
    const isThis = key.startsWith('this.');
    const chain = isThis ? null : scopeChain(at);
    let best: Def | null = null;
    for (const d of list) {
      if (d.pos > at.from) continue;
      if (chain && !chain.has(d.scope)) continue;
      if (!best || d.pos >= best.pos) best = d;
    }
    if (!best && isThis) best = list[0] ?? null;
    return best;
  }

  /** Drop parentheses, `as` casts, `!` and `<T>` casts. */
  strip(n: SyntaxNode): SyntaxNode {
    let cur = n;
    for (let i = 0; i < 50; i++) {
      if (cur.name === 'ParenthesizedExpression') {
        const inner = exprChildren(cur)[0];
        if (!inner) return cur;
        cur = inner;
      } else if (cur.name === 'BinaryExpression' && children(cur).some((k) => k.name === 'as' || k.name === 'satisfies')) {
        cur = cur.firstChild!;
      } else if (cur.name === 'PostfixExpression' && cur.lastChild?.name === 'LogicOp' && this.t(cur.lastChild) === '!') {
        cur = cur.firstChild!;
      } else if (cur.name === 'PrefixCast' || cur.name === 'NonNullExpression') {
        cur = cur.lastChild!;
      } else {
        return cur;
      }
    }
    return cur;
  }

  /** Follow a variable to the expression it is bound to (through `const a = b` chains). */
  deref(n: SyntaxNode | null): SyntaxNode | null {
    let cur = n ? this.strip(n) : null;
    for (let i = 0; cur && i < 20; i++) {
      if (cur.name !== 'VariableName' && cur.name !== 'MemberExpression') return cur;
      const d = this.resolveRef(cur);
      if (!d) return cur;
      if (!d.value) return d.imported ? cur : null;
      cur = this.strip(d.value);
    }
    return cur;
  }

  args(call: SyntaxNode): SyntaxNode[] {
    const list = children(call).find((k) => k.name === 'ArgList');
    return list ? exprChildren(list) : [];
  }

  /** Path inside the tfjs module an expression denotes (`tf.layers.dense` → ['layers','dense']), or null. */
  tfjsPath(n: SyntaxNode): string[] | null {
    if (this.depth > 40) return null;
    this.depth++;
    try {
      const e = this.strip(n);
      if (e.name === 'VariableName') {
        const d = this.resolveRef(e);
        if (!d) return null;
        if (d.imported) return d.imported;
        return d.value ? this.tfjsPath(d.value) : null;
      }
      if (e.name === 'MemberExpression') {
        const kids = children(e);
        const obj = kids[0];
        const prop = kids[kids.length - 1];
        if (!obj || !prop || prop.name !== 'PropertyName') return null;
        if (obj.name === 'this') {
          const d = this.resolveRef(e);
          return d?.value ? this.tfjsPath(d.value) : null;
        }
        const base = this.tfjsPath(obj);
        return base ? [...base, this.t(prop)] : null;
      }
      return null;
    } finally {
      this.depth--;
    }
  }

  calleePath(call: SyntaxNode): string[] | null {
    const callee = call.firstChild;
    return callee ? this.tfjsPath(callee) : null;
  }

  // --- literal values -------------------------------------------------------

  stringValue(n: SyntaxNode): string | null {
    if (n.name === 'String') {
      const s = this.t(n);
      if (s.length < 2) return null;
      return s.slice(1, -1);
    }
    if (n.name === 'TemplateString') {
      if (children(n).some((k) => k.name === 'Interpolation')) return null;
      const s = this.t(n);
      return s.length >= 2 ? s.slice(1, -1) : null;
    }
    return null;
  }

  evalString(n: SyntaxNode | null): string | null {
    const e = this.deref(n);
    return e ? this.stringValue(e) : null;
  }

  evalNumber(n: SyntaxNode | null): number | null {
    if (!n || this.depth > 40) return null;
    this.depth++;
    try {
      const e = this.strip(n);
      switch (e.name) {
        case 'Number': {
          const v = Number(this.t(e).replace(/_/g, ''));
          return Number.isFinite(v) ? v : null;
        }
        case 'UnaryExpression': {
          const kids = children(e);
          const op = kids[0] ? this.t(kids[0]) : '';
          const v = this.evalNumber(kids[1] ?? null);
          if (v === null) return null;
          return op === '-' ? -v : op === '+' ? v : null;
        }
        case 'BinaryExpression': {
          const kids = children(e);
          if (kids.length !== 3 || kids[1]!.name !== 'ArithOp') return null;
          const a = this.evalNumber(kids[0]!);
          const b = this.evalNumber(kids[2]!);
          if (a === null || b === null) return null;
          const op = this.t(kids[1]!);
          const r =
            op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : op === '**' ? a ** b : op === '%' ? a % b : NaN;
          return Number.isFinite(r) ? r : null;
        }
        case 'VariableName':
        case 'MemberExpression': {
          const d = this.resolveRef(e);
          return d?.value ? this.evalNumber(d.value) : null;
        }
        default:
          return null;
      }
    } finally {
      this.depth--;
    }
  }

  /** Elements of an array literal (possibly through a variable), or null. */
  evalArray(n: SyntaxNode | null): SyntaxNode[] | null {
    const e = this.deref(n);
    if (!e || e.name !== 'ArrayExpression') return null;
    return exprChildren(e);
  }

  /** Properties of an object literal: key → the last Property node with it. */
  props(obj: SyntaxNode | null): Map<string, SyntaxNode> {
    const out = new Map<string, SyntaxNode>();
    if (!obj || obj.name !== 'ObjectExpression') return out;
    for (const p of children(obj)) {
      if (p.name !== 'Property') continue;
      const k = this.propKey(p);
      if (k !== null) out.set(k, p);
    }
    return out;
  }

  propKey(p: SyntaxNode): string | null {
    const first = p.firstChild;
    if (!first) return null;
    if (first.name === 'PropertyDefinition' || first.name === 'PropertyName') return this.t(first);
    if (first.name === 'String') return this.stringValue(first);
    if (first.name === 'Number') return this.t(first);
    return null;
  }

  /** The value expression of a property (`key: value`), or for a shorthand the key itself (a reference). */
  propValue(p: SyntaxNode | undefined): SyntaxNode | null {
    if (!p) return null;
    const kids = children(p);
    const colon = kids.findIndex((k) => k.name === ':');
    if (colon >= 0) return kids[colon + 1] ?? null;
    if (kids.length === 1 && kids[0]!.name === 'PropertyDefinition') return kids[0]!;
    return null;
  }

  /** Read a config property through shorthand and variables. */
  configValue(config: SyntaxNode | null, key: string): SyntaxNode | null {
    const p = this.props(config).get(key);
    if (!p) return null;
    const v = this.propValue(p);
    if (!v) return null;
    if (v.name === 'PropertyDefinition') {
      const d = this.resolveKey(this.t(v), v);
      return d?.value ?? null;
    }
    return v;
  }

  hasSpread(obj: SyntaxNode | null): boolean {
    return !!obj && children(obj).some((p) => p.name === 'Property' && p.firstChild?.name === 'Spread');
  }

  configNumber(lc: LayerCall, key: string): number | null {
    return this.evalNumber(this.configValue(lc.config, key));
  }

  // --- layers ---------------------------------------------------------------

  /** The tfjs layer a factory call (or a variable bound to one) creates. */
  evalLayer(n: SyntaxNode | null): LayerCall | null {
    if (!n || this.depth > 40) return null;
    this.depth++;
    try {
      const e = this.strip(n);
      if (e.name === 'CallExpression') {
        const lc = this.layerCall(e);
        if (lc) return lc;
        // A local helper that returns one layer (`model.add(hiddenLayer(UNITS))`): that layer.
        const fn = e.firstChild ? this.deref(e.firstChild) : null;
        if (fn && FUNCTION_NODES.has(fn.name) && !this.inFunction.has(nodeKey(fn))) {
          this.inFunction.add(nodeKey(fn));
          try {
            const returned = this.returnedExprs(fn);
            if (returned.length === 1) return this.evalLayer(returned[0]!);
          } finally {
            this.inFunction.delete(nodeKey(fn));
          }
        }
        return null;
      }
      if (e.name === 'VariableName' || e.name === 'MemberExpression') {
        const d = this.resolveRef(e);
        return d?.value ? this.evalLayer(d.value) : null;
      }
      return null;
    } finally {
      this.depth--;
    }
  }

  layerCall(call: SyntaxNode): LayerCall | null {
    const key = nodeKey(call);
    if (this.layerMemo.has(key)) return this.layerMemo.get(key) ?? null;
    this.layerMemo.set(key, null);
    const path = this.calleePath(call);
    if (!path || path.length !== 2 || path[0] !== 'layers') return null;
    const factory = path[1]!;
    const arg = this.args(call)[0] ?? null;
    let config: SyntaxNode | null = null;
    let configInline = false;
    let configOpaque = false;
    if (arg) {
      const stripped = this.strip(arg);
      if (stripped.name === 'ObjectExpression') {
        config = stripped;
        configInline = true;
      } else {
        const e = this.deref(arg);
        if (e?.name === 'ObjectExpression') config = e;
        else configOpaque = true;
      }
    }
    const lc: LayerCall = { node: call, factory, config, configInline, configOpaque, inner: null };
    this.layerMemo.set(key, lc);
    const wrapKey = WRAPPERS[factory];
    if (wrapKey) lc.inner = this.evalLayer(this.configValue(config, wrapKey));
    return lc;
  }

  /**
   * One source call, several runtime layers: inside a loop, an array callback
   * (`.map`, `.forEach`, `Array.from`), or a local helper called from several places.
   */
  isTemplate(call: SyntaxNode): boolean {
    for (let p: SyntaxNode | null = call.parent; p; p = p.parent) {
      if (p.name === 'ForStatement' || p.name === 'WhileStatement' || p.name === 'DoStatement') return true;
      if (FUNCTION_NODES.has(p.name)) {
        if ((this.callSites.get(nodeKey(p)) ?? 0) >= 2) return true;
        const argList = p.parent;
        const outer = argList?.name === 'ArgList' ? argList.parent : null;
        const callee = outer?.name === 'CallExpression' ? outer.firstChild : null;
        if (callee?.name === 'MemberExpression') {
          const prop = callee.lastChild;
          if (prop && ['map', 'forEach', 'flatMap', 'from'].includes(this.t(prop))) return true;
        }
        // Keep climbing: a helper may itself sit in a loop or be called from one.
        if (p.name === 'MethodDeclaration') return false;
      }
    }
    return false;
  }

  /** The weight layer an item stands for (the layer itself or the one a wrapper holds). */
  weightOf(lc: LayerCall | null): LayerCall | null {
    if (!lc) return null;
    if (WEIGHT_LAYERS[lc.factory]) return lc;
    if (lc.inner) return this.weightOf(lc.inner);
    return null;
  }

  // --- dataflow -------------------------------------------------------------

  evalTensors(n: SyntaxNode | null): TensorVal[] {
    if (!n || this.depth > 40) return [{ kind: 'unknown' }];
    this.depth++;
    try {
      const e = this.strip(n);
      if (e.name === 'ArrayExpression') {
        return exprChildren(e).flatMap((el) => this.evalTensors(el));
      }
      if (e.name === 'CallExpression') {
        const app = this.applyOf(e);
        if (app) return [{ kind: 'apply', app }];
        const path = this.calleePath(e);
        if (path && path.length === 1 && path[0] === 'input') return [{ kind: 'input', node: e }];
        // A local helper (`const y = convBlock(x, 32)`): what it returns.
        const fn = e.firstChild ? this.deref(e.firstChild) : null;
        if (fn && FUNCTION_NODES.has(fn.name) && !this.inFunction.has(nodeKey(fn))) {
          this.inFunction.add(nodeKey(fn));
          try {
            const returned = this.returnedExprs(fn);
            if (returned.length > 0) return returned.flatMap((r) => this.evalTensors(r));
          } finally {
            this.inFunction.delete(nodeKey(fn));
          }
        }
        return [{ kind: 'unknown' }];
      }
      if (e.name === 'VariableName' || e.name === 'MemberExpression') {
        const d = this.resolveRef(e);
        return d?.value ? this.evalTensors(d.value) : [{ kind: 'unknown' }];
      }
      return [{ kind: 'unknown' }];
    } finally {
      this.depth--;
    }
  }

  /** The expressions a function returns (its own `return`s, not nested functions'). */
  returnedExprs(fn: SyntaxNode): SyntaxNode[] {
    const body = fn.lastChild;
    if (!body) return [];
    if (body.name !== 'Block') return fn.name === 'ArrowFunction' ? [body] : [];
    const out: SyntaxNode[] = [];
    const walk = (n: SyntaxNode): void => {
      for (let c = n.firstChild; c; c = c.nextSibling) {
        if (FUNCTION_NODES.has(c.name) || c.name === 'ClassDeclaration' || c.name === 'ClassExpression') continue;
        if (c.name === 'ReturnStatement') {
          const e = exprChildren(c).find((k) => k.name !== 'return');
          if (e) out.push(e);
          continue;
        }
        walk(c);
      }
    };
    walk(body);
    return out;
  }

  /** `layer.apply(x)` → its dataflow node (memoized); null when the call is not `.apply`. */
  applyOf(call: SyntaxNode): ApplyNode | null {
    const memo = this.applyMemo.get(nodeKey(call));
    if (memo) return memo;
    const callee = call.firstChild;
    if (!callee) return null;
    const op = this.opActivation(call);
    if (op) {
      const app: ApplyNode = { node: call, layer: null, op: op.info, inputs: [], consumers: [] };
      this.applyMemo.set(nodeKey(call), app);
      app.inputs = this.evalTensors(op.input);
      for (const i of app.inputs) if (i.kind === 'apply' && !i.app.consumers.includes(app)) i.app.consumers.push(app);
      return app;
    }
    if (callee.name !== 'MemberExpression') return null;
    const kids = children(callee);
    const prop = kids[kids.length - 1];
    if (!prop || prop.name !== 'PropertyName' || this.t(prop) !== 'apply' || !kids[0]) return null;
    const app: ApplyNode = { node: call, layer: null, inputs: [], consumers: [] };
    this.applyMemo.set(nodeKey(call), app);
    app.layer = this.evalLayer(kids[0]);
    app.inputs = this.evalTensors(this.args(call)[0] ?? null);
    for (const i of app.inputs) if (i.kind === 'apply' && !i.app.consumers.includes(app)) i.app.consumers.push(app);
    return app;
  }

  /** `tf.relu(t)` / `tf.leakyRelu(t, 0.1)` / `t.relu()`: the activation and its input tensor. */
  opActivation(call: SyntaxNode): { info: ActivationInfo; input: SyntaxNode | null } | null {
    const callee = call.firstChild;
    if (!callee) return null;
    const args = this.args(call);
    const path = this.calleePath(call);
    let name: string | null = null;
    let input: SyntaxNode | null = null;
    let alphaArg: SyntaxNode | null = null;
    if (path) {
      if (path.length !== 1 || !OP_ACTIVATIONS[path[0]!]) return null;
      name = path[0]!;
      input = args[0] ?? null;
      alphaArg = args[1] ?? null;
    } else if (callee.name === 'MemberExpression') {
      const kids = children(callee);
      const prop = kids[kids.length - 1];
      if (!prop || prop.name !== 'PropertyName' || !OP_ACTIVATIONS[this.t(prop)] || !kids[0] || kids[0].name === 'this') return null;
      name = this.t(prop);
      input = kids[0];
      alphaArg = args[0] ?? null;
    }
    if (!name) return null;
    const info: ActivationInfo = { name: OP_ACTIVATIONS[name]!, via: 'dataflow', span: { from: call.from, to: call.to }, text: this.t(call) };
    if (name === 'leakyRelu') {
      // tfjs-core leakyRelu(x, alpha = 0.2).
      const a = alphaArg ? this.evalNumber(alphaArg) : 0.2;
      if (a !== null) info.param = a;
    }
    if (name === 'elu') info.param = 1;
    return { info, input };
  }

  // --- activations ----------------------------------------------------------

  activationFromString(value: SyntaxNode, via: ActivationInfo['via']): ActivationInfo {
    const s = this.evalString(value);
    const span = { from: value.from, to: value.to };
    const text = this.t(value);
    if (s === null) return { name: 'unknown', via, span, text };
    const name = ACTIVATION_STRINGS[s] ?? 'unknown';
    const info: ActivationInfo = { name, via, span, text };
    if (name === 'elu') info.param = 1;
    return info;
  }

  /** The activation an activation layer applies. */
  activationOfLayer(lc: LayerCall, via: ActivationInfo['via']): ActivationInfo {
    const span = { from: lc.node.from, to: lc.node.to };
    const text = this.t(lc.node);
    const num = (k: string, dflt: number): number | undefined => {
      const v = this.configValue(lc.config, k);
      if (!v) return dflt;
      return this.evalNumber(v) ?? undefined;
    };
    switch (lc.factory) {
      case 'activation': {
        const v = this.configValue(lc.config, 'activation');
        if (!v) return { name: 'unknown', via, span, text };
        return { ...this.activationFromString(v, via), span, text };
      }
      case 'reLU':
      case 'thresholdedReLU':
        return { name: 'relu', via, span, text };
      case 'leakyReLU': {
        const info: ActivationInfo = { name: 'leaky_relu', via, span, text };
        const a = num('alpha', 0.3);
        if (a !== undefined) info.param = a;
        return info;
      }
      case 'elu': {
        const info: ActivationInfo = { name: 'elu', via, span, text };
        const a = num('alpha', 1);
        if (a !== undefined) info.param = a;
        return info;
      }
      case 'softmax':
        return { name: 'softmax', via, span, text };
      case 'prelu': {
        // tfjs PReLU: DEFAULT_ALPHA_INITIALIZER = 'zeros', so the learned slope starts at 0.
        const v = this.configValue(lc.config, 'alphaInitializer');
        const init = v ? this.initFrom(v) : null;
        const info: ActivationInfo = { name: 'leaky_relu', via, span };
        let slope: number | undefined = 0;
        if (init) slope = init.name === 'zeros' ? 0 : init.name === 'ones' ? 1 : init.name === 'constant' ? init.value : undefined;
        if (slope !== undefined) info.param = slope;
        info.text = `${text} (learned slope, initial value ${slope === undefined ? 'unknown' : slope})`;
        return info;
      }
      default:
        return { name: 'unknown', via, span, text };
    }
  }

  /** Walk a sequential's items after index `i`. */
  followSequential(items: SeqItem[], i: number): FollowResult {
    let normalization: Normalization | null = null;
    for (let j = i + 1; j < items.length; j++) {
      const lc = items[j]!.layer;
      if (!lc) return { activation: null, normalization, residual: false, unknown: true };
      if (ACTIVATION_LAYERS.has(lc.factory)) {
        return { activation: this.activationOfLayer(lc, 'sequential'), normalization, residual: false, unknown: false };
      }
      const norm = NORM_LAYERS[lc.factory];
      if (norm) {
        normalization ??= norm;
        continue;
      }
      if (FEATURE_PRESERVING.has(lc.factory) || SHAPE_CHANGING.has(lc.factory)) continue;
      if (this.weightOf(lc)) break;
      return { activation: null, normalization, residual: false, unknown: true };
    }
    return { activation: null, normalization, residual: false, unknown: false };
  }

  /** Walk the consumers of an applied layer's output. */
  followDataflow(start: ApplyNode): FollowResult {
    let normalization: Normalization | null = null;
    let residual = false;
    const seen = new Set<ApplyNode>([start]);
    let cur = start;
    let activation: ActivationInfo | null = null;
    for (let steps = 0; steps < 50; steps++) {
      const consumers = [...cur.consumers].sort((a, b) => a.node.from - b.node.from);
      if (consumers.some((c) => c.layer?.factory === 'add')) residual = true;
      if (activation) {
        // Look one step past the activation for a residual add (and through pass-through layers).
        const next = consumers.find((c) => (c.layer && FEATURE_PRESERVING.has(c.layer.factory)) || c.op);
        if (!next || seen.has(next)) break;
        seen.add(next);
        cur = next;
        continue;
      }
      // Branching output: prefer the consumer that says most about this layer's activation.
      const rank = (c: ApplyNode): number => {
        const f = c.layer?.factory;
        if (c.op || (f && ACTIVATION_LAYERS.has(f))) return 0;
        if (f && NORM_LAYERS[f]) return 1;
        if (f && (FEATURE_PRESERVING.has(f) || SHAPE_CHANGING.has(f))) return 2;
        if (f && f !== 'add') return 3;
        return f === 'add' ? 5 : 4;
      };
      const next = [...consumers].sort((a, b) => rank(a) - rank(b))[0];
      if (!next || seen.has(next)) break;
      seen.add(next);
      if (next.op) {
        activation = next.op;
        cur = next;
        continue;
      }
      const lc = next.layer;
      if (!lc) return { activation: null, normalization, residual, unknown: true };
      if (ACTIVATION_LAYERS.has(lc.factory)) {
        activation = this.activationOfLayer(lc, 'dataflow');
        cur = next;
        continue;
      }
      const norm = NORM_LAYERS[lc.factory];
      if (norm) {
        normalization ??= norm;
        cur = next;
        continue;
      }
      if (
        FEATURE_PRESERVING.has(lc.factory) ||
        SHAPE_CHANGING.has(lc.factory) ||
        lc.factory === 'add' ||
        lc.factory === 'concatenate'
      ) {
        cur = next;
        continue;
      }
      if (this.weightOf(lc)) break;
      return { activation: null, normalization, residual, unknown: true };
    }
    return { activation, normalization, residual, unknown: false };
  }

  // --- shapes and fans --------------------------------------------------------
  //
  // Shapes exclude the batch dimension; a null entry is an unknown dimension and a
  // null shape an unknown rank. Only the channel (feature) dimension matters for
  // fans, but tracking whole shapes lets a dense layer after `flatten()` know its
  // fan_in (the MNIST-CNN idiom).

  /** An array literal of dimensions (`[28, 28, 1]`, `[null, 10]`), through variables. */
  evalShape(n: SyntaxNode | null): (number | null)[] | null {
    const els = this.evalArray(n);
    if (!els) return null;
    return els.map((el) => this.evalNumber(el));
  }

  /** The input shape a config declares: `inputShape`, `batchInputShape`, `inputDim` (+ `inputLength`). */
  configInShape(lc: LayerCall): Shape {
    const shape = this.evalShape(this.configValue(lc.config, 'inputShape'));
    if (shape && shape.length > 0) return shape;
    const batch = this.evalShape(this.configValue(lc.config, 'batchInputShape'));
    if (batch && batch.length > 1) return batch.slice(1);
    const desc = WEIGHT_LAYERS[lc.factory];
    const lenNode = this.configValue(lc.config, 'inputLength');
    const len = lenNode ? this.evalNumber(lenNode) : null;
    if (lc.factory === 'embedding') return lenNode ? [len] : null;
    const dimNode = this.configValue(lc.config, 'inputDim');
    if (!dimNode) return null;
    const dim = this.evalNumber(dimNode);
    return desc && (desc.kind === 'rnn' || desc.kind === 'convrnn') ? [len, dim] : [dim];
  }

  channelsFirst(lc: LayerCall): boolean {
    return this.evalString(this.configValue(lc.config, 'dataFormat')) === 'channelsFirst';
  }

  /** Channel dimension of a shape as a layer reads it. */
  channelOf(lc: LayerCall, s: Shape): number | null {
    if (!s || s.length === 0) return null;
    const desc = WEIGHT_LAYERS[lc.factory];
    const spatial = desc && desc.rank > 0;
    return spatial && this.channelsFirst(lc) ? s[0]! : s[s.length - 1]!;
  }

  /** A per-axis integer option (`kernelSize: 3` or `[3, 2]`), expanded to `rank` entries. */
  perAxis(lc: LayerCall, key: string, rank: number, dflt: number | null): (number | null)[] {
    const v = this.configValue(lc.config, key);
    if (!v) return Array<number | null>(rank).fill(dflt);
    const els = this.evalShape(v);
    if (els) return els.length === rank ? els : Array<number | null>(rank).fill(null);
    return Array<number | null>(rank).fill(this.evalNumber(v));
  }

  /** Spatial output sizes of a convolution / pooling window (tfjs convOutputLength / deconvLength). */
  windowOut(
    lc: LayerCall,
    sizes: (number | null)[],
    kernel: (number | null)[],
    strides: (number | null)[],
    transpose: boolean,
  ): (number | null)[] {
    const padding = this.configValue(lc.config, 'padding') ? this.evalString(this.configValue(lc.config, 'padding')) : 'valid';
    const dil = this.perAxis(lc, 'dilationRate', sizes.length, 1);
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
  spatialShape(lc: LayerCall, spatial: (number | null)[], channels: number | null): (number | null)[] {
    return this.channelsFirst(lc) ? [channels, ...spatial] : [...spatial, channels];
  }

  evalBool(n: SyntaxNode | null): boolean {
    const e = this.deref(n);
    return !!e && e.name === 'BooleanLiteral' && this.t(e) === 'true';
  }

  spatialIn(lc: LayerCall, s: Shape, rank: number): (number | null)[] | null {
    if (!s || s.length !== rank + 1) return null;
    return this.channelsFirst(lc) ? s.slice(1) : s.slice(0, rank);
  }

  /** Output shape of a layer given its input shape (null when unknown). */
  outShape(lc: LayerCall | null, inShape: Shape): Shape {
    if (!lc) return null;
    const s = this.configInShape(lc) ?? inShape;
    const f = lc.factory;
    const desc = WEIGHT_LAYERS[f];
    const last = (x: number | null): Shape => (s && s.length > 0 ? [...s.slice(0, -1), x] : [x]);
    if (desc) {
      switch (desc.kind) {
        case 'dense':
          return last(this.configNumber(lc, 'units'));
        case 'rnn': {
          const units = this.configNumber(lc, 'units');
          if (f.endsWith('Cell')) return [units];
          return this.evalBool(this.configValue(lc.config, 'returnSequences')) ? [s && s.length > 0 ? s[0]! : null, units] : [units];
        }
        case 'convrnn': {
          // [time, ...spatial, channels] → [(time,) ...spatial', filters]
          const step = s && s.length === desc.rank + 2 ? s.slice(1) : null;
          const sp = this.spatialIn(lc, step, desc.rank);
          const spatial = sp
            ? this.windowOut(lc, sp, this.perAxis(lc, 'kernelSize', desc.rank, null), this.perAxis(lc, 'strides', desc.rank, 1), false)
            : Array<number | null>(desc.rank).fill(null);
          const out = this.spatialShape(lc, spatial, this.configNumber(lc, 'filters'));
          const seq = this.evalBool(this.configValue(lc.config, 'returnSequences'));
          return seq && !f.endsWith('Cell') ? [s && s.length > 0 ? s[0]! : null, ...out] : out;
        }
        case 'embedding': {
          const t = s && s.length > 0 ? s[0]! : null;
          return [t, this.configNumber(lc, 'outputDim')];
        }
        default: {
          const rank = desc.rank;
          const sp = this.spatialIn(lc, s, rank);
          const cin = this.channelOf(lc, s);
          let channels: number | null;
          if (desc.kind === 'depthwise') {
            const dm = this.configValue(lc.config, 'depthMultiplier') ? this.configNumber(lc, 'depthMultiplier') : 1;
            channels = cin !== null && dm !== null ? cin * dm : null;
          } else {
            channels = this.configNumber(lc, 'filters');
          }
          const spatial = sp
            ? this.windowOut(lc, sp, this.perAxis(lc, 'kernelSize', rank, null), this.perAxis(lc, 'strides', rank, 1), desc.kind === 'transpose')
            : Array<number | null>(rank).fill(null);
          return this.spatialShape(lc, spatial, channels);
        }
      }
    }
    if (f === 'bidirectional') {
      const inner = this.outShape(lc.inner, s);
      const mode = this.configValue(lc.config, 'mergeMode');
      const m = mode ? this.evalString(mode) : 'concat';
      if (!inner || inner.length === 0 || m === null) return null;
      const l = inner[inner.length - 1]!;
      return m === 'concat' ? [...inner.slice(0, -1), l === null ? null : l * 2] : inner;
    }
    if (f === 'timeDistributed') {
      if (!s || s.length === 0) return null;
      const inner = this.outShape(lc.inner, s.slice(1));
      return inner ? [s[0]!, ...inner] : null;
    }
    if (f === 'rnn') return this.outShape(lc.inner, s);
    if (f === 'inputLayer') return s;
    if (FEATURE_PRESERVING.has(f) || ACTIVATION_LAYERS.has(f) || NORM_LAYERS[f]) {
      const rank = POOLING_RANK[f];
      if (rank) {
        const sp = this.spatialIn(lc, s, rank);
        const cin = this.channelOf({ ...lc, factory: `conv${rank}d` }, s);
        const size = this.perAxis(lc, 'poolSize', rank, 2);
        const strides = this.configValue(lc.config, 'strides') ? this.perAxis(lc, 'strides', rank, null) : size;
        const spatial = sp ? this.windowOut(lc, sp, size, strides, false) : Array<number | null>(rank).fill(null);
        return this.spatialShape(lc, spatial, cin);
      }
      if (f.startsWith('global')) {
        const cin = this.channelOf({ ...lc, factory: 'conv2d' }, s);
        return [cin];
      }
      if (f === 'repeatVector') return s ? [this.configNumber(lc, 'n'), ...s] : null;
      if (f === 'zeroPadding2d' || f === 'upSampling2d' || f === 'cropping2D') {
        // Spatial sizes change; channels do not.
        const cin = this.channelOf({ ...lc, factory: 'conv2d' }, s);
        return this.spatialShape(lc, [null, null], cin);
      }
      return s;
    }
    if (f === 'flatten') return [s ? product(s) : null];
    if (f === 'reshape') {
      const target = this.evalShape(this.configValue(lc.config, 'targetShape'));
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
      const dims = this.evalShape(this.configValue(lc.config, 'dims'));
      if (!s || !dims || dims.length !== s.length) return null;
      return dims.map((d) => (d !== null && d >= 1 && d <= s.length ? s[d - 1]! : null));
    }
    return null;
  }

  tensorShape(tv: TensorVal): Shape {
    if (tv.kind === 'input') {
      const cfg = this.deref(this.args(tv.node)[0] ?? null);
      const shape = this.evalShape(this.configValue(cfg, 'shape'));
      if (shape) return shape;
      const b = this.evalShape(this.configValue(cfg, 'batchShape'));
      return b && b.length > 1 ? b.slice(1) : null;
    }
    if (tv.kind === 'apply') return this.applyOutShape(tv.app);
    return null;
  }

  applyInShape(app: ApplyNode): Shape {
    const first = app.inputs[0];
    return first ? this.tensorShape(first) : null;
  }

  applyOutShape(app: ApplyNode): Shape {
    if (this.shapeMemo.has(app)) return this.shapeMemo.get(app)!;
    this.shapeMemo.set(app, null);
    let r: Shape = null;
    const f = app.layer?.factory;
    if (f === 'add' || f === 'average' || f === 'maximum' || f === 'minimum' || f === 'multiply') {
      for (const i of app.inputs) {
        r = this.tensorShape(i);
        if (r) break;
      }
    } else if (f === 'concatenate') {
      const axis = app.layer!.config ? this.configValue(app.layer!.config, 'axis') : null;
      const ax = axis ? this.evalNumber(axis) : -1;
      const shapes = app.inputs.map((i) => this.tensorShape(i));
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
      r = this.applyInShape(app);
    } else {
      r = this.outShape(app.layer, this.applyInShape(app));
    }
    this.shapeMemo.set(app, r);
    return r;
  }

  kernelProduct(lc: LayerCall, rank: number): number | null {
    const v = this.configValue(lc.config, 'kernelSize');
    if (!v) return null;
    const els = this.evalArray(v);
    if (els) {
      let p = 1;
      for (const el of els) {
        const k = this.evalNumber(el);
        if (k === null) return null;
        p *= k;
      }
      return p;
    }
    const k = this.evalNumber(v);
    return k === null ? null : k ** rank;
  }

  fans(lc: LayerCall, ctxInShape: Shape): { fanIn: number | null; fanOut: number | null } {
    const desc = WEIGHT_LAYERS[lc.factory]!;
    const cin = this.channelOf(lc, this.configInShape(lc) ?? ctxInShape);
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
        return { fanIn: cin, fanOut: this.configNumber(lc, 'units') };
      case 'conv': {
        const k = this.kernelProduct(lc, desc.rank);
        return { fanIn: mul(k, cin), fanOut: mul(k, this.configNumber(lc, 'filters')) };
      }
      case 'transpose': {
        // tfjs kernel shape [...k, filters, inChannels]: computeFans reads shape[-2] as "in".
        const k = this.kernelProduct(lc, desc.rank);
        return { fanIn: mul(k, this.configNumber(lc, 'filters')), fanOut: mul(k, cin) };
      }
      case 'depthwise': {
        const k = this.kernelProduct(lc, desc.rank);
        const dm = this.configValue(lc.config, 'depthMultiplier') ? this.configNumber(lc, 'depthMultiplier') : 1;
        return { fanIn: mul(k, cin), fanOut: mul(k, dm) };
      }
      case 'separable': {
        // Pointwise kernel [1, 1, inChannels·depthMultiplier, filters].
        const dm = this.configValue(lc.config, 'depthMultiplier') ? this.configNumber(lc, 'depthMultiplier') : 1;
        return { fanIn: mul(cin, dm), fanOut: this.configNumber(lc, 'filters') };
      }
      case 'rnn':
        return { fanIn: cin, fanOut: mul(this.configNumber(lc, 'units'), desc.gates) };
      case 'convrnn': {
        const k = this.kernelProduct(lc, desc.rank);
        return { fanIn: mul(k, cin), fanOut: mul(k, this.configNumber(lc, 'filters'), desc.gates) };
      }
      case 'embedding':
        return { fanIn: this.configNumber(lc, 'inputDim'), fanOut: this.configNumber(lc, 'outputDim') };
    }
  }

  // --- initializers -----------------------------------------------------------

  /** Initializer written as a value (string identifier, `tf.initializers.x(...)` call, or a variable bound to one). */
  initFrom(value: SyntaxNode): InitSpec {
    const span = { from: value.from, to: value.to };
    const text = this.t(value);
    const base = { explicit: true, source: 'argument' as const, span, text };
    const e = this.deref(value);
    if (!e) return { name: 'unknown', ...base };
    const s = this.stringValue(e);
    if (s !== null) {
      const f = INIT_IDENTIFIERS[s];
      return f ? { ...base, ...initFields(f, null, this) } : { name: 'unknown', ...base };
    }
    if (e.name === 'CallExpression') {
      const path = this.calleePath(e);
      if (path && path.length === 2 && path[0] === 'initializers' && INIT_IDENTIFIERS[path[1]!] === path[1]) {
        const arg = this.args(e)[0] ?? null;
        const cfg = arg ? this.deref(arg) : null;
        if (arg && cfg?.name !== 'ObjectExpression') return { name: 'unknown', ...base };
        return { ...base, ...initFields(path[1]!, cfg, this) };
      }
    }
    return { name: 'unknown', ...base };
  }

  defaultInit(factory: string, which: 'kernel' | 'recurrent'): InitSpec {
    const d = { explicit: false, source: 'default' as const };
    if (which === 'recurrent') return { ...d, ...initFields('orthogonal', null, this), text: 'orthogonal' };
    if (factory === 'embedding') return { ...d, ...initFields('randomUniform', null, this), text: 'randomUniform' };
    if (factory === 'separableConv2d') return { ...d, ...initFields('glorotUniform', null, this), text: 'glorotUniform' };
    return { ...d, ...initFields('glorotNormal', null, this), text: 'glorotNormal' };
  }

  /** The init of one weight of a layer: the property written in its config, else the tfjs default. */
  layerInit(lc: LayerCall, which: 'kernel' | 'recurrent'): InitSpec {
    const key = initKeys(lc.factory, which)?.[which === 'kernel' && lc.factory === 'separableConv2d' ? 1 : 0];
    if (key) {
      const p = this.props(lc.config).get(key);
      const v = this.propValue(p);
      if (p && v) {
        if (v.name === 'PropertyDefinition') {
          const d = this.resolveKey(this.t(v), v);
          const spec = d?.value ? this.initFrom(d.value) : ({ name: 'unknown', explicit: true, source: 'argument' } as InitSpec);
          return { ...spec, span: { from: v.from, to: v.to }, text: this.t(v) };
        }
        return this.initFrom(v);
      }
    }
    if (lc.configOpaque || this.hasSpread(lc.config)) {
      // The config may carry an initializer we cannot see.
      return { name: 'unknown', explicit: false, source: 'default' };
    }
    return this.defaultInit(lc.factory, which);
  }
}
