/**
 * Issue 12, idiom 9: a `weights_init(m)` function defined in a file (often `models.py`) but
 * applied in another one (`netG.apply(weights_init)` in `train.py`). A single-file analysis cannot
 * see that call; the layers of this file that keep their default init may get that function's
 * init at run time.
 */
import { type PyStmt, dottedName, stmtExprs, walkExpr, walkStmts } from '../../../parse/pyast.js';
import { rootName } from '../eval/scope.js';

const TENSOR_INIT_METHODS = new Set(['normal_', 'uniform_', 'fill_', 'zero_', 'trunc_normal_']);

/**
 * A function of one module (`def weights_init(m)`) whose body initializes that module's
 * parameters (`nn.init.*_(m.weight, ...)`, `m.weight.data.normal_(...)`): its name, or null.
 */
export function initFunctionName(s: PyStmt): string | null {
  if (s.kind !== 'def' || s.params.length < 1) return null;
  const p = s.params[0]!.name;
  if (!p || p === 'self' || p === 'cls') return null;
  let inits = false;
  walkStmts(s.body, (st) => {
    for (const x of stmtExprs(st))
      walkExpr(x, (e) => {
        if (inits || e.kind !== 'call') return;
        const callee = dottedName(e.fn) ?? '';
        if (/(^|\.)init\.[a-z_]+_$/.test(callee) && e.args.some((a) => rootName(a.value) === p)) inits = true;
        else if (e.fn.kind === 'attr' && TENSOR_INIT_METHODS.has(e.fn.attr) && rootName(e.fn.obj) === p) inits = true;
      });
  });
  return inits ? s.name : null;
}
