"""Fix safety of `initlens check --fix`, checked with real PyTorch (npm run verify).

Run through scripts/verify-torch.sh, which installs python3-torch/python3-numpy
when missing. Steps:

1. Copy test/corpus to a temporary directory and run, through the public CLI,
   `check --format json` (before), `check --fix`, `check --fix` again, and
   `check --format json` (after) on every Python file (.py and .ipynb).
2. Every fixed .py file must parse with Python's own parser, every fixed notebook
   must stay valid JSON with its cells, and the second --fix must change nothing.
3. For each PyTorch file marked `"runnable"` in its .expected.json, import the
   FIXED source, build the model under torch.manual_seed(0), and
   - check every fixed layer's weight std against the target of the initializer
     the fix wrote (He: sqrt(2/fan_in), LeCun: sqrt(1/fan_in), Glorot:
     gain*sqrt(2/(fan_in+fan_out)), orthogonal: Q^T Q = gain^2 I) within 3 %
     (layers with fewer than 5,000 weights: within 3 % or 3 sampling standard
     errors, sqrt(1/(2n)), whichever is larger);
   - run a forward pass on N(0, 1) input with hooks recording the second moment
     of each weight layer's output. For plain chains (`"chain": true`) this is
     compared with the analytic prediction q_l = fan_in * Var(W_l) * E[phi(h_{l-1})^2]
     + E[b^2] (E[phi^2] by Gauss-Hermite quadrature on h ~ N(0, q)), using the
     variance the engine reports for each layer's initializer after the fix
     (`initlens simulate FILE --format json`, `layers[].current.preActivation`, plus
     the drawn bias' E[b^2], which the engine leaves out; the formula above when
     the CLI cannot simulate the file). Band: the measured
     value within a factor 1.35 of the prediction, gated for layers with at least
     64 outputs (narrower ones, such as 10-way heads, are reported only).
4. Print a Markdown table and write docs/fix-safety.md. Exit 1 on any failure.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import ast
import difflib
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "test" / "corpus"
STD_TOLERANCE = 0.03
MOMENT_BAND = 1.35
# Below this output width the sample second moment of one draw fluctuates too much to gate on
# (ReLU outputs have a non-zero mean, so a narrow layer's draw of sum(W) matters): reported only.
MIN_WIDTH = 64
WEIGHT_TYPES = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
                nn.ConvTranspose3d, nn.LSTM, nn.GRU, nn.RNN, nn.Embedding, nn.Bilinear)


# --------------------------------------------------------------------------- CLI

def tsx_loader() -> str:
    """tsx's ESM entry as an absolute file URL, so the CLI runs from any working directory."""
    pkg_dir = ROOT / "node_modules" / "tsx"
    exports = json.loads((pkg_dir / "package.json").read_text())["exports"]["."]
    while isinstance(exports, dict):
        exports = exports.get("import") or exports.get("default")
    return (pkg_dir / exports).resolve().as_uri()


def cli_command() -> list[str]:
    override = os.environ.get("INITLENS_CLI")
    node = shutil.which("node") or "node"
    if override:
        return [node, str(Path(override).resolve())]
    return [node, "--import", tsx_loader(), str(ROOT / "src" / "cli" / "main.ts")]


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command() + args, cwd=cwd, capture_output=True, text=True, timeout=600)


def check_json(files: list[str], cwd: Path) -> dict[str, dict]:
    r = run_cli(["check", *files, "--format", "json"], cwd)
    try:
        report = json.loads(r.stdout)
        return {f["path"].replace("\\", "/").removeprefix("./"): f for f in report["files"]}
    except (json.JSONDecodeError, KeyError, TypeError):
        raise SystemExit(f"initlens check --format json failed (exit {r.returncode}):\n{r.stderr[-3000:]}")


def simulate_json(file: str, cwd: Path) -> dict | None:
    """Per-layer predictions from `initlens simulate`, or None when the CLI has no such command."""
    r = run_cli(["simulate", file, "--format", "json", "--method", "analytic"], cwd)
    if r.returncode != 0:
        return None
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return None


# --------------------------------------------------------------------------- math

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(96)
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)


def phi(name: str, x: torch.Tensor) -> torch.Tensor:
    return {
        "relu": F.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "elu": F.elu,
        "gelu": F.gelu,
        "silu": F.silu,
        "mish": lambda t: t * torch.tanh(F.softplus(t)),
        "softplus": F.softplus,
        "selu": F.selu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
    }.get(name, lambda t: t)(x)


def second_moment_after(name: str, q: float) -> float:
    """E[phi(sqrt(q) z)^2] for z ~ N(0, 1)."""
    z = torch.tensor(_NODES * math.sqrt(max(q, 0.0)), dtype=torch.float64)
    return float((phi(name, z) ** 2).numpy() @ _WEIGHTS)


def fans(weight: torch.Tensor) -> tuple[int, int]:
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(weight)
    return int(fan_in), int(fan_out)


def init_variance(init: str, fan_in: int, fan_out: int, gain: float = 1.0) -> float | None:
    """Var(W) PyTorch gives for an initializer name of the JSON contract."""
    if init in ("he_normal", "he_uniform"):
        return 2.0 / fan_in
    if init in ("lecun_normal", "lecun_uniform"):
        return 1.0 / fan_in
    if init in ("glorot_normal", "glorot_uniform"):
        return gain * gain * 2.0 / (fan_in + fan_out)
    if init == "pytorch_default":
        return 1.0 / (3.0 * fan_in)
    if init == "zeros":
        return 0.0
    return None


def fix_gain(fix: dict | None, activation: str) -> float:
    """Gain written by a Glorot fix: calculate_gain(...) or gain=<number>, else 1."""
    text = " ".join(e.get("newText", "") for e in (fix or {}).get("edits", []))
    if "calculate_gain" in text:
        try:
            return nn.init.calculate_gain(activation)
        except ValueError:
            return 1.0
    if "gain=" in text:
        token = text.split("gain=", 1)[1].split(")")[0].split(",")[0].strip()
        try:
            return float(token)
        except ValueError:
            return 1.0
    return 1.0


# --------------------------------------------------------------------------- model loading

def load_fixed(path: Path, runnable: dict):
    """Imports the fixed file, records which module each source line constructed, builds the model."""
    created: list[tuple[nn.Module, int]] = []
    target = str(path)
    original_init = nn.Module.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != target:
            frame = frame.f_back
        if frame is not None:
            created.append((self, frame.f_lineno))

    torch.manual_seed(0)
    nn.Module.__init__ = recording_init
    try:
        spec = importlib.util.spec_from_file_location(f"fixed_{path.stem}", target)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if "object" in runnable:
            model = getattr(module, runnable["object"])
        else:
            model = getattr(module, runnable["class"])()
    finally:
        nn.Module.__init__ = original_init
    owned = {id(m) for m in model.modules()}
    by_line: dict[int, list[nn.Module]] = {}
    for m, line in created:
        if id(m) in owned and isinstance(m, WEIGHT_TYPES):
            by_line.setdefault(line, []).append(m)
    return model, by_line


def weight_checks(module: nn.Module, init: str, activation: str, fix: dict | None, which: str) -> list[dict]:
    """Std (or orthogonality) of the weights a fix wrote."""
    out = []
    if isinstance(module, (nn.LSTM, nn.GRU, nn.RNN)):
        names = [n for n, _ in module.named_parameters() if n.startswith("weight_hh" if which == "recurrent" else "weight_ih")]
    else:
        names = ["weight"]
    for name in names:
        w = getattr(module, name).detach().double()
        n = w.numel()
        if init == "orthogonal":
            gain = 1.0
            flat = w.reshape(w.shape[0], -1)

            def orth_error(blocks) -> float:
                err = 0.0
                for b in blocks:
                    small = b @ b.T if b.shape[0] <= b.shape[1] else b.T @ b
                    err = max(err, float((small - gain * gain * torch.eye(small.shape[0], dtype=torch.float64)).abs().max()))
                return err

            # The whole matrix orthogonal (orthogonal_(weight_hh)) or each gate block (per-gate idiom).
            err = orth_error([flat])
            if isinstance(module, (nn.LSTM, nn.GRU, nn.RNN)):
                gates = {nn.LSTM: 4, nn.GRU: 3, nn.RNN: 1}[type(module)]
                err = min(err, orth_error(flat.chunk(gates, 0)))
            out.append({"param": name, "target": "orthogonal", "measured": f"max|QᵀQ−I| = {err:.1e}", "ok": err < 1e-4, "rel": 0.0})
            continue
        fan_in, fan_out = fans(w)
        gain = fix_gain(fix, activation) if init.startswith("glorot") else 1.0
        var = init_variance(init, fan_in, fan_out, gain)
        if var is None or var == 0:
            out.append({"param": name, "target": init, "measured": f"{float(w.std()):.4g}", "ok": False, "rel": float("nan")})
            continue
        target = math.sqrt(var)
        measured = float(w.std())
        rel = measured / target - 1
        tol = STD_TOLERANCE if n >= 5000 else max(STD_TOLERANCE, 3 * math.sqrt(1 / (2 * n)))
        out.append({"param": name, "target": f"{target:.4g}", "measured": f"{measured:.4g}", "ok": abs(rel) <= tol, "rel": rel})
    return out


# --------------------------------------------------------------------------- main

def python_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb") and p.with_suffix(".expected.json").exists())


def notebook_python(text: str) -> str:
    nb = json.loads(text)
    lines: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines += ["" if l.lstrip().startswith(("%", "!")) else l for l in src.split("\n")]
    return "\n".join(lines)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="initlens-verify-"))
    failures: list[str] = []
    try:
        shutil.copytree(CORPUS, work / "corpus")
        files = [str(p.relative_to(CORPUS)).replace("\\", "/") for p in python_files()]
        base = work / "corpus"
        before = check_json(files, base)
        r1 = run_cli(["check", "--fix", *files], base)
        fixed_text = {f: (base / f).read_text(encoding="utf8") for f in files}
        r2 = run_cli(["check", "--fix", *files], base)
        after = check_json(files, base)

        parse_rows = []
        for f in files:
            original = (CORPUS / f).read_text(encoding="utf8")
            text = fixed_text[f]
            changed = sum(1 for d in difflib.ndiff(original.splitlines(), text.splitlines()) if d[:2] in ("+ ", "- "))
            try:
                if f.endswith(".ipynb"):
                    nb_before, nb_after = json.loads(original), json.loads(text)
                    assert len(nb_before["cells"]) == len(nb_after["cells"]), "cell count changed"
                    ast.parse(notebook_python(text))
                else:
                    ast.parse(text)
                parses = "yes"
            except (SyntaxError, ValueError, AssertionError, KeyError) as e:
                parses = f"**no**: {e}"
                failures.append(f"{f}: fixed file invalid: {e}")
            idempotent = (base / f).read_text(encoding="utf8") == text
            if not idempotent:
                failures.append(f"{f}: a second --fix changed the file")
            b, a = before.get(f, {}), after.get(f, {})
            n_fix = sum(1 for x in b.get("findings", []) if x.get("fix"))
            if len(a.get("layers", [])) != len(b.get("layers", [])):
                failures.append(f"{f}: {len(b.get('layers', []))} layers before the fix, {len(a.get('layers', []))} after")
            parse_rows.append((f, n_fix, changed, parses, "yes" if idempotent else "**no**",
                               len(a.get("findings", []))))

        torch_rows = []
        for f in files:
            expected = json.loads((CORPUS / f).with_suffix(".expected.json").read_text())
            runnable = expected.get("runnable")
            if not runnable or not f.endswith(".py"):
                continue
            b, a = before[f], after[f]
            # A layer counts as fixed when it had a finding with a fix before and either that finding is
            # gone after --fix or the layer now has the recommended init (unsafe fixes are not applied by
            # --fix; layers keep their order).
            fixed_layers = []
            for i, layer in enumerate(b["layers"]):
                if i >= len(a["layers"]):
                    break
                fs = [x for x in b["findings"] if x.get("layerLine") == layer["line"] and x.get("fix")]
                left = {x["code"] for x in a["findings"] if x.get("layerLine") == a["layers"][i]["line"]}
                init_before, init_after = layer["init"]["name"], a["layers"][i]["init"]["name"]
                fs = [x for x in fs if x["code"] not in left
                      or (x.get("recommended") == init_after and init_after != init_before)]
                if fs:
                    fixed_layers.append((i, fs[0]))
            fix_by_index = {i: finding.get("fix") for i, finding in fixed_layers}
            try:
                model, by_line = load_fixed(base / f, runnable)
            except Exception as e:  # noqa: BLE001 - report any import/build error of the fixed file
                failures.append(f"{f}: fixed model does not build: {type(e).__name__}: {e}")
                torch_rows.append((f, len(fixed_layers), "build failed", "", ""))
                continue

            std_results = []
            skipped: list[str] = []
            for i, finding in fixed_layers:
                al = a["layers"][i]
                mods = [m for m in by_line.get(al["line"], []) if type(m).__name__ == al["layer"]]
                if not mods:
                    # The layer belongs to another model of the file than the one built here.
                    skipped.append(f"{al['layer']}@{al['line']}")
                    continue
                which = "recurrent" if finding["code"] == "IL005" else "kernel"
                init = al["init"]["name"] if which == "kernel" else "orthogonal"
                if which == "kernel" and finding.get("recommended") and finding["recommended"] != init:
                    failures.append(f"{f}:{al['line']}: recommended {finding['recommended']}, fixed layer reports {init}")
                for m in mods:
                    for c in weight_checks(m, init, al["activation"], finding.get("fix"), which):
                        c["where"] = f"{al['layer']}@{al['line']} {c['param']}"
                        std_results.append(c)
                        if not c["ok"]:
                            failures.append(f"{f}: {c['where']} {init}: std {c['measured']} vs target {c['target']}")

            # forward pass with hooks
            moments: dict[int, float] = {}
            hooks = []
            for line, mods in by_line.items():
                for m in mods:
                    hooks.append(m.register_forward_hook(
                        lambda mod, inp, out, key=id(m): moments.__setitem__(
                            key, float((out[0] if isinstance(out, tuple) else out).detach().double().pow(2).mean()))))
            torch.manual_seed(1)
            if "tokens" in runnable:  # token ids for models that start with an embedding
                x = torch.randint(0, runnable["tokens"], tuple(runnable["input"]))
            else:
                x = torch.randn(*runnable["input"])
            with torch.no_grad():
                y = model(x)
            for h in hooks:
                h.remove()
            y0 = y[0] if isinstance(y, tuple) else y
            finite = bool(torch.isfinite(y0).all())
            if not finite:
                failures.append(f"{f}: forward pass of the fixed model is not finite")

            band_results = []
            if runnable.get("chain"):
                sim = simulate_json(f, base)
                q_in = float(x.double().pow(2).mean())  # chains start from N(0, 1) input
                for i, al in enumerate(a["layers"]):
                    mods = [m for m in by_line.get(al["line"], []) if type(m).__name__ == al["layer"]]
                    if len(mods) != 1:
                        failures.append(f"{f}: chain prediction stopped at {al['layer']}@{al['line']} ({len(mods)} modules built there)")
                        break
                    m = mods[0]
                    fan_in, fan_out = fans(m.weight)
                    fix = fix_by_index.get(i)
                    gain = fix_gain(fix, al["activation"]) if al["init"]["name"].startswith("glorot") else 1.0
                    var_w = init_variance(al["init"]["name"], fan_in, fan_out, gain)
                    if var_w is None:
                        failures.append(f"{f}: no variance known for init {al['init']['name']} at line {al['line']}")
                        break
                    bias_sq = float(m.bias.detach().double().pow(2).mean()) if getattr(m, "bias", None) is not None else 0.0
                    predicted = fan_in * var_w * q_in + bias_sq
                    source = "formula"
                    if sim:
                        # The variance panel's numbers: pre-activation variance under the current (fixed) init.
                        for row in sim.get("layers", []):
                            pre = (row.get("current") or {}).get("preActivation")
                            if row.get("line") == al["line"] and isinstance(pre, (int, float)):
                                predicted = float(pre) + bias_sq
                                source = "simulate"
                    measured = moments.get(id(m), float("nan"))
                    width = int(m.weight.shape[0])
                    if predicted == 0:
                        ratio, ok = (1.0, True) if measured == 0 else (float("inf"), False)
                    else:
                        ratio = measured / predicted
                        ok = 1 / MOMENT_BAND <= ratio <= MOMENT_BAND
                    gated = width >= MIN_WIDTH
                    band_results.append({"where": f"{al['layer']}@{al['line']}", "predicted": predicted, "source": source,
                                         "measured": measured, "ratio": ratio, "ok": ok, "gated": gated})
                    if gated and not ok:
                        failures.append(f"{f}: {al['layer']}@{al['line']} second moment {measured:.4g}, predicted {predicted:.4g}")
                    q_in = second_moment_after(al["activation"], predicted)

            std_ok = sum(1 for c in std_results if c["ok"])
            worst = max((abs(c["rel"]) for c in std_results if not math.isnan(c["rel"])), default=0.0)
            if fixed_layers and not std_results:
                failures.append(f"{f}: none of the {len(fixed_layers)} fixed layers was built by {runnable}")
            std_cell = f"{std_ok}/{len(std_results)} (worst {100 * worst:.1f}%)" if std_results else "—"
            if skipped:
                std_cell += f"; not in this model: {', '.join(skipped)}"
            band_cell = "—"
            if band_results:
                gated = [r for r in band_results if r["gated"]]
                band_ok = sum(1 for r in gated if r["ok"])
                ratios = ", ".join(f"{r['ratio']:.2f}" + ("" if r["gated"] else "*") for r in band_results)
                sources = sorted({r["source"] for r in band_results})
                band_cell = f"{band_ok}/{len(gated)} in band (measured/predicted by {'+'.join(sources)}: {ratios})"
            name = runnable.get("class") or runnable.get("object")
            torch_rows.append((f, len(fixed_layers), std_cell, band_cell, "yes" if finite else "**no**", name))

        lines = []
        lines.append("### Every Python corpus file")
        lines.append("")
        lines.append("| File | Fixable findings | Lines added/removed by `--fix` | Fixed file parses | Second `--fix` changes nothing | Findings left |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for row in parse_rows:
            lines.append("| `{}` | {} | {} | {} | {} | {} |".format(*row))
        lines.append("")
        lines.append("### Runnable PyTorch models, built from the fixed source")
        lines.append("")
        lines.append(f"Weight std within {100 * STD_TOLERANCE:.0f}% of the target of the initializer the fix wrote; "
                     f"forward second moment of each weight layer's output within a factor {MOMENT_BAND} of the prediction "
                     "(plain chains only; a ratio marked * is a layer narrower than {MIN_WIDTH} outputs, reported but not gated).".format(MIN_WIDTH=MIN_WIDTH))
        lines.append("")
        lines.append("| File | Model | Fixed layers | Weight std checks | Forward second moment | Output finite |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for row in torch_rows:
            if len(row) == 6:
                f, n, std_cell, band_cell, finite, name = row
                lines.append(f"| `{f}` | `{name}` | {n} | {std_cell} | {band_cell} | {finite} |")
            else:
                lines.append(f"| `{row[0]}` | | {row[1]} | {row[2]} | | |")
        lines.append("")
        if failures:
            lines.append(f"**{len(failures)} failure(s):**")
            lines.append("")
            lines += [f"- {x}" for x in failures]
        else:
            lines.append("All checks passed.")
        lines.append("")
        table = "\n".join(lines)

        doc = "\n".join([
            "# Fix safety, end to end",
            "",
            "Produced by `npm run verify` (scripts/verify-torch.sh → scripts/verify_torch.py) with Debian's",
            f"python3-torch (torch {torch.__version__}) on CPU. A temporary copy of `test/corpus/` is fixed with",
            "`initlens check --fix`; every fixed Python file must parse, a second `--fix` must change nothing, and",
            "the runnable PyTorch models are built from the fixed source (`torch.manual_seed(0)`) to measure what",
            "the fixes wrote. The second-moment prediction is q_l = fan_in·Var(W_l)·E[φ(h_{l-1})²] + E[b²] with",
            "E[φ²] by Gauss–Hermite quadrature, on N(0, 1) input.",
            "",
            f"CLI exit codes: first `--fix` {r1.returncode}, second `--fix` {r2.returncode}.",
            "",
            table,
        ])
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "fix-safety.md").write_text(doc, encoding="utf8")
        print(table)
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
