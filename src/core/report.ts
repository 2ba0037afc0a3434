/**
 * The JSON report of `initlens check --format json` and `initlens layers --format json`
 * (a stable contract, `version: 1`). Pure: takes the analysed text and the engine's
 * result, returns plain objects.
 *
 * Positions are 1-based lines and 1-based UTF-16 columns; `endLine`/`endColumn`
 * point just after the last character (exclusive), like Ruff's JSON output. A
 * layer's position is its constructor call. In a notebook, lines count through
 * the code cells joined in order (each cell starting on a new line), and every
 * entry also carries `cell` (0-based index among ALL cells) and `cellLine`
 * (1-based line inside that cell) of its start.
 */
import type { AnalysisResult, Finding, InitName, Layer, Severity, Span, TextEdit } from './types.js';
import { LineIndex } from './text.js';
import { lineToCell, type Notebook } from './notebook.js';

export interface JsonRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Notebooks only. */
  cell?: number;
  /** Notebooks only. */
  cellLine?: number;
}

export interface JsonLayer extends JsonRange {
  framework: Layer['framework'];
  layer: string;
  name: string | null;
  activation: string;
  normalization: string | null;
  init: { name: InitName; explicit: boolean };
  fanIn: number | null;
  fanOut: number | null;
}

export interface JsonEdit extends JsonRange {
  newText: string;
}

export interface JsonFix {
  description: string;
  /** 'safe' fixes are applied by --fix and fix-all; 'unsafe' ones only with --unsafe-fixes. */
  safety: 'safe' | 'unsafe';
  edits: JsonEdit[];
}

export interface JsonFinding extends JsonRange {
  code: string;
  severity: Severity;
  message: string;
  /** The message's first sentence (one line). */
  summary: string;
  /** Line of the constructor call of the layer the finding is about (null for model-level findings). */
  layerLine: number | null;
  recommended: InitName | null;
  /** The preferred fix (Finding.fixes[0]), or null. */
  fix: JsonFix | null;
  /** Workspace-aware analysis: other files the finding depends on (1-based line; 0 for a notebook's code). */
  /** `line` is 0 for a notebook, whose place is `cell` (0-based among all cells) and `cellLine` (1-based). */
  dependsOn?: { path: string; line: number; cell?: number; cellLine?: number }[];
  /** Other places of this file the finding is about, outside its range (the layer, the activation, the init code). */
  related?: (JsonRange & { message: string })[];
}

export interface JsonError {
  message: string;
  line?: number;
  column?: number;
  cell?: number;
  cellLine?: number;
}

export interface JsonFileReport {
  path: string;
  layers: JsonLayer[];
  findings: JsonFinding[];
  errors: JsonError[];
  /** The configuration file used for this file (relative to the working directory), when one applies. */
  config?: string;
}

export interface JsonReport {
  version: 1;
  files: JsonFileReport[];
  /** Problems of the project configuration files (each reported once; their defaults were used). Present only when there are some. */
  configErrors?: { file: string; line: number; column: number; key: string | null; message: string }[];
}

export interface FileReportOptions {
  /** The notebook the text comes from (`text` must then be `notebook.text`). */
  notebook?: Notebook | null;
  /** Errors found outside the engine (I/O, notebook JSON), listed first. */
  errors?: JsonError[];
}

/** Converts offsets of one text to 1-based positions, with notebook cells when given. */
export class PositionMapper {
  private readonly index: LineIndex;
  private readonly length: number;
  constructor(
    text: string,
    private readonly notebook: Notebook | null = null,
  ) {
    this.index = new LineIndex(text);
    this.length = text.length;
  }

  /** 1-based line and column of an offset (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(this.length, Number.isFinite(offset) ? offset : 0));
    const lc = this.index.lineCol(o);
    return { line: lc.line + 1, column: lc.column + 1 };
  }

  /** Cell fields for a 1-based joined-text line (empty outside notebooks). */
  cellOf(line: number): { cell?: number; cellLine?: number } {
    if (!this.notebook) return {};
    const at = lineToCell(this.notebook, line - 1);
    return at ? { cell: at.cell, cellLine: at.line + 1 } : {};
  }

  range(span: Span): JsonRange {
    const start = this.position(span.from);
    const end = this.position(Math.max(span.from, span.to));
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column, ...this.cellOf(start.line) };
  }
}

function layerJson(layer: Layer, map: PositionMapper): JsonLayer {
  const r = map.range(layer.span);
  return {
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    ...(r.cell !== undefined ? { cell: r.cell, cellLine: r.cellLine } : {}),
    framework: layer.framework,
    layer: layer.layer,
    name: layer.name ?? null,
    activation: layer.activation.name,
    normalization: layer.normalization ?? null,
    init: { name: layer.init.name, explicit: layer.init.explicit },
    fanIn: layer.fanIn ?? null,
    fanOut: layer.fanOut ?? null,
  };
}

function editJson(edit: TextEdit, map: PositionMapper): JsonEdit {
  return { ...map.range(edit), newText: edit.newText };
}

function findingJson(finding: Finding, layersById: Map<number, Layer>, map: PositionMapper): JsonFinding {
  const r = map.range(finding.span);
  const layer = finding.layer === null ? undefined : layersById.get(finding.layer);
  const fix = finding.fixes[0];
  return {
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    summary: finding.summary,
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    ...(r.cell !== undefined ? { cell: r.cell, cellLine: r.cellLine } : {}),
    layerLine: layer ? map.position(layer.span.from).line : null,
    recommended: finding.recommended ?? null,
    fix: fix
      ? {
          description: fix.description,
          safety: fix.safety,
          edits: [...fix.edits].sort((a, b) => a.from - b.from).map((e) => editJson(e, map)),
        }
      : null,
    ...(finding.dependsOn?.length ? { dependsOn: finding.dependsOn.map((o) => ({ path: o.file, line: o.line, ...(o.cell !== undefined ? { cell: o.cell, cellLine: o.cellLine } : {}) })) } : {}),
    ...(finding.related?.length ? { related: finding.related.map((x) => ({ ...map.range(x.span), message: x.message })) } : {}),
  };
}

/** Sorts by start offset, then end, so output order follows the file. */
function bySpan<T extends { span: Span }>(a: T, b: T): number {
  return a.span.from - b.span.from || a.span.to - b.span.to;
}

/** One file's entry of the JSON report. `result` null means the file could not be analysed (see `errors`). */
export function buildFileReport(
  path: string,
  text: string,
  result: AnalysisResult | null,
  options: FileReportOptions = {},
): JsonFileReport {
  const map = new PositionMapper(text, options.notebook ?? null);
  const errors: JsonError[] = [...(options.errors ?? [])];
  if (!result) return { path, layers: [], findings: [], errors };
  const layersById = new Map(result.layers.map((l) => [l.id, l] as const));
  for (const e of result.errors) {
    const p = map.position(e.span.from);
    errors.push({ message: e.message, line: p.line, column: p.column, ...map.cellOf(p.line) });
  }
  return {
    path,
    layers: [...result.layers].sort(bySpan).map((l) => layerJson(l, map)),
    findings: [...result.findings].sort(bySpan).map((f) => findingJson(f, layersById, map)),
    errors,
  };
}

export function buildReport(files: JsonFileReport[], configErrors: JsonReport['configErrors'] = []): JsonReport {
  return configErrors && configErrors.length > 0 ? { version: 1, files, configErrors } : { version: 1, files };
}
