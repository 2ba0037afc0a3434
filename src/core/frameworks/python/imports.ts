/**
 * Import aliases → canonical qualified names.
 *
 * `import torch.nn as nn` makes `nn.Linear` mean `torch.nn.Linear`;
 * `from tensorflow.keras import layers` makes `layers.Dense` mean
 * `keras.layers.Dense` (tf.keras, tf_keras and keras are one namespace here).
 */
import type { PyExpr, PyStmt } from '../../parse/pyast.js';
import { canonicalize } from './vocab.js';

export class Imports {
  /** local name → qualified name */
  readonly map = new Map<string, string>();
  /** The statement after which new imports go (last top-level import), if any. */
  lastImport: PyStmt | null = null;

  /**
   * resolve() per expression object, valid until the next add(): the interpreter asks for the
   * same callee and attribute nodes at every call of a method or helper it inlines.
   */
  private memo = new WeakMap<PyExpr, string | null>();

  add(stmt: PyStmt, topLevel: boolean): void {
    if (stmt.kind === 'import' || (stmt.kind === 'from' && stmt.level === 0)) {
      this.memo = new WeakMap();
      this.spelled.clear();
    }
    if (stmt.kind === 'import') {
      for (const { module, alias } of stmt.names) {
        if (alias) this.map.set(alias, module);
        else {
          // `import a.b.c` binds `a` (and makes a.b.c reachable through it).
          const head = module.split('.')[0];
          if (!this.map.has(head)) this.map.set(head, head);
        }
      }
    } else if (stmt.kind === 'from') {
      if (stmt.level > 0) return; // relative imports are the user's own modules
      for (const { name, alias } of stmt.names) {
        if (name === '*') {
          // `from torch.nn import *`: remember the star module for bare names.
          this.starModules.push(stmt.module);
          continue;
        }
        // `from keras_cv.src.backend import keras`: projects built on Keras re-export it from a
        // module of their own (keras-cv, keras-hub and the code that copies them); the name `keras`
        // means Keras whatever module it is imported from.
        this.map.set(alias ?? name, name === 'keras' ? 'keras' : stmt.module + '.' + name);
      }
    } else return;
    if (topLevel) this.lastImport = stmt;
  }

  starModules: string[] = [];

  /** Qualified, canonical name of a dotted expression, or null when it is not an imported name. */
  resolve(e: PyExpr): string | null {
    if (e.kind !== 'attr' && e.kind !== 'name') return null;
    const known = this.memo.get(e);
    if (known !== undefined) return known;
    const q = this.resolveUncached(e);
    this.memo.set(e, q);
    return q;
  }

  private resolveUncached(e: PyExpr): string | null {
    const parts: string[] = [];
    let cur: PyExpr = e;
    while (cur.kind === 'attr') {
      parts.push(cur.attr);
      cur = cur.obj;
    }
    if (cur.kind !== 'name') return null;
    const base = this.map.get(cur.id);
    if (base === undefined) {
      if (this.starModules.length && parts.length === 0) {
        // Bare name from a star import: try each star module.
        for (const m of this.starModules) {
          const q = canonicalize(m + '.' + cur.id);
          if (STAR_KNOWN(q)) return q;
        }
      }
      return null;
    }
    parts.reverse();
    return canonicalize(parts.length ? base + '.' + parts.join('.') : base);
  }

  /** The local spelling that reaches a qualified module (e.g. `nn` for torch.nn), if any. */
  spell(qualified: string): string | null {
    // Asked for every fix the engine builds (one per finding and fix kind): memoized until the next add().
    const known = this.spelled.get(qualified);
    if (known !== undefined) return known;
    const s = this.spellUncached(qualified);
    this.spelled.set(qualified, s);
    return s;
  }

  private readonly spelled = new Map<string, string | null>();

  private spellUncached(qualified: string): string | null {
    let best: string | null = null;
    for (const [local, q] of this.map) {
      const cq = canonicalize(q);
      if (cq === qualified || q === qualified) return local;
      if (qualified.startsWith(cq + '.') || qualified.startsWith(q + '.')) {
        const rest = qualified.slice((qualified.startsWith(cq + '.') ? cq : q).length + 1);
        const cand = local + '.' + rest;
        if (best === null || cand.length < best.length) best = cand;
      }
    }
    return best;
  }
}

let starCheck: (q: string) => boolean = () => false;
function STAR_KNOWN(q: string): boolean {
  return starCheck(q);
}
export function setStarCheck(f: (q: string) => boolean): void {
  starCheck = f;
}
