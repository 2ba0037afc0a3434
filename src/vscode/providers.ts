/** Code actions, hover and CodeLens: thin adapters over logic/present.ts and logic/variance.ts. */
import * as vscode from 'vscode';
import { toAnalysisOptions } from './logic/settings.js';
import { codeLenses, hoverAt, toDiagnostics } from './logic/present.js';
import type { ActionContext, ActionData } from './logic/actions.js';
import { loadEngine, type Engine } from './engine.js';
import { locateInTarget, targetFor, toTargetOffset, type Target } from './target.js';
import { editsForCells } from './logic/cellEdits.js';
import { toRange } from './convert.js';
import type { AnalysisService, Analysis } from './service.js';
import type { DiagnosticsController } from './diagnostics.js';

export const SIMULATE_COMMAND = 'initlens.simulateModel';
const fixAllKind = vscode.CodeActionKind.SourceFixAll.append('initlens');

export interface Current {
  engine: Engine;
  target: Target;
  analysis: Analysis;
}

/** The analysis of the document at its current version, or null when InitLens skips it. */
export async function currentAnalysis(
  doc: vscode.TextDocument,
  service: AnalysisService,
  controller: DiagnosticsController,
): Promise<Current | null> {
  const target = targetFor(doc);
  if (!target || controller.skip(target)) return null;
  const engine = await loadEngine();
  // Re-read: the document may have changed while the engine loaded.
  const fresh = targetFor(doc);
  if (!fresh) return null;
  // A large document's analysis comes from the off-thread analyzer (awaited, never computed here).
  return { engine, target: fresh, analysis: await controller.analysisOf(engine, fresh) };
}

/** Engine edits (offsets of the analysed text) → a WorkspaceEdit, or null if one cannot be mapped. */
export function toWorkspaceEdit(target: Target, edits: ActionData['edits']): vscode.WorkspaceEdit | null {
  const we = new vscode.WorkspaceEdit();
  // Notebook fix-all: the engine's whole-text edit spans cells; one edit per changed run of lines.
  for (const e of editsForCells(target.text, target.joined, edits)) {
    const at = locateInTarget(target, e.from, e.to);
    if (!at) return null;
    we.replace(at.doc.uri, toRange(at.doc, at.from, at.to), e.newText);
  }
  return we;
}

export function actionContext({ engine, target, analysis }: Current, controller: DiagnosticsController, service: AnalysisService): ActionContext {
  const settings = controller.currentSettings();
  const options = service.optionsFor(target, settings);
  // fix-all rounds analyse with the workspace, as the diagnostics do
  const project = controller.projects.current ? controller.projects.contextFor(engine, target) : null;
  const inWorkspace = (o: typeof options) => (project ? (t: string) => engine.analyzeInWorkspace(project.index, project.rel, t, target.language, o) : undefined);
  return {
    text: target.text,
    language: target.language,
    findings: analysis.findings,
    settings,
    fixAll: (text) => engine.fixAll(text, target.language, options, inWorkspace(options)),
    fixAllCodes: (text, codes) => engine.fixAll(text, target.language, { ...options, select: codes }, inWorkspace({ ...options, select: codes })),
    t: vscode.l10n.t,
  };
}

export class CodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, fixAllKind],
  };

  constructor(
    private readonly service: AnalysisService,
    private readonly controller: DiagnosticsController,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current) return [];
    const { engine, target, analysis } = current;
    const ctx = actionContext(current, this.controller, this.service);
    const out: vscode.CodeAction[] = [];

    if (context.only) {
      if (context.only.contains(fixAllKind) || fixAllKind.contains(context.only)) {
        const data = engine.sourceFixAll(ctx);
        const action = data && this.toAction(target, data, fixAllKind, []);
        this.log.debug(`${context.only.value} for ${vscode.workspace.asRelativePath(doc.uri)} v${doc.version}: ${data ? data.edits.length : 0} edits`);
        return action ? [action] : [];
      }
      const quick = vscode.CodeActionKind.QuickFix;
      if (!context.only.contains(quick) && !quick.contains(context.only)) return [];
    }

    const diagnostics = toDiagnostics(analysis.findings, ctx.settings);
    const ours = context.diagnostics.filter((d) => d.source === 'InitLens');
    for (const diag of ours) {
      const code = typeof diag.code === 'object' ? diag.code.value : diag.code;
      const data = diagnostics.find((d) => {
        if (d.code !== code) return false;
        const at = locateInTarget(target, d.from, d.to);
        return !!at && at.doc === doc && toRange(doc, at.from, at.to).isEqual(diag.range);
      });
      if (!data) continue;
      for (const fix of engine.quickFixes(ctx, data.finding)) {
        const action = this.toAction(target, fix, vscode.CodeActionKind.QuickFix, [diag]);
        if (action) out.push(action);
      }
    }
    if (ours.length > 0) {
      const all = engine.fixAllQuickFix(ctx);
      const action = all && this.toAction(target, all, vscode.CodeActionKind.QuickFix, []);
      if (action) out.push(action);
    }
    return out;
  }

  private toAction(target: Target, data: ActionData, kind: vscode.CodeActionKind, diags: vscode.Diagnostic[]): vscode.CodeAction | null {
    const action = new vscode.CodeAction(data.title, kind);
    if (data.edits.length > 0 || !data.command) {
      const edit = toWorkspaceEdit(target, data.edits);
      if (!edit) return null;
      action.edit = edit;
    }
    if (data.command) action.command = { title: data.title, command: data.command.command, arguments: data.command.arguments };
    action.isPreferred = data.isPreferred;
    if (diags.length > 0) action.diagnostics = diags;
    return action;
  }
}

export class Hovers implements vscode.HoverProvider {
  constructor(
    private readonly service: AnalysisService,
    private readonly controller: DiagnosticsController,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | null> {
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current) return null;
    const { engine, target, analysis } = current;
    const offset = toTargetOffset(target, doc, doc.offsetAt(position));
    if (offset === null) return null;
    const settings = this.controller.currentSettings();
    const hovered = hoverAt(analysis.result, offset, settings);
    if (!hovered) return null;
    const layer = hovered.layer;
    const at = locateInTarget(target, hovered.span.from, hovered.span.to);
    if (!at) return null;
    let activationLine: number | null = null;
    if (layer.activation.span) {
      const a = locateInTarget(target, layer.activation.span.from, layer.activation.span.to);
      if (a) activationLine = a.doc.positionAt(a.from).line;
    }
    const args = encodeURIComponent(JSON.stringify([doc.uri.toString(), layer.model]));
    const md = new vscode.MarkdownString(
      engine.hoverMarkdown({
        layer,
        result: analysis.result,
        distribution: settings.distribution,
        activationLine,
        simulateUri: layer.model !== null ? `command:${SIMULATE_COMMAND}?${args}` : null,
        t: vscode.l10n.t,
      }),
    );
    md.isTrusted = { enabledCommands: [SIMULATE_COMMAND] };
    return new vscode.Hover(md, toRange(at.doc, at.from, at.to));
  }
}

export class Lenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(
    private readonly service: AnalysisService,
    private readonly controller: DiagnosticsController,
  ) {
    this.onDidChangeCodeLenses = controller.onDidAnalyze;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current) return [];
    const { target, analysis } = current;
    const out: vscode.CodeLens[] = [];
    for (const lens of codeLenses(analysis.result, this.controller.currentSettings(), vscode.l10n.t)) {
      const at = locateInTarget(target, lens.from, lens.to);
      if (!at || at.doc !== doc) continue;
      out.push(
        new vscode.CodeLens(toRange(doc, at.from, at.to), {
          title: lens.title,
          command: SIMULATE_COMMAND,
          arguments: [doc.uri.toString(), lens.model],
        }),
      );
    }
    return out;
  }
}
