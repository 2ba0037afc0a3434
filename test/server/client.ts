/**
 * A small LSP client for the protocol tests: spawns `initlens server` from the
 * CLI bundle (dist/cli.js, built here when older than the sources) and talks to it over
 * stdio with vscode-jsonrpc, like an editor would. It answers the server's
 * requests (configuration, progress creation, applyEdit, refresh, registration)
 * and records what the server pushes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams, TextEdit, WorkspaceEdit } from 'vscode-languageserver';

export const root = new URL('../../', import.meta.url).pathname;
/** The CLI bundle; the server is `node dist/cli.js server`. */
export const cliJs = join(root, 'dist/cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** The command that starts the server, as an editor would run it. */
export const serverCommand = [cliJs, 'server'];

/**
 * Runs an editor's install script (scripts/setup-*.sh) for a real-editor test. Exit status 0:
 * returns the script's last line of output (a path, when it prints one). Exit status 3 (the
 * editor cannot be installed on this machine): says so loudly, skips the test and returns null.
 * Any other failure throws.
 */
export function setupEditor(t: { skip(message?: string): void }, script: string, needs: string, timeoutMs = 600_000): string | null {
  const r = spawnSync('sh', [join(root, 'scripts', script)], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status === 0) return r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 3) throw new Error(`scripts/${script} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const msg = `\n\n*** SKIPPED: ${needs}: ${r.stderr.trim().split('\n').pop()} ***\n`;
  process.stderr.write(msg);
  t.skip(msg);
  return null;
}

/** Builds dist/cli.js (and the Monte Carlo bundles it loads on demand) when it is missing or older than src/. */
export function ensureServerBuilt(): void {
  if (existsSync(cliJs) && statSync(cliJs).mtimeMs >= newestMtime(join(root, 'src'))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--only=cli,simNode,simWorker'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the server failed:\n${r.stdout}\n${r.stderr}`);
}

export interface ClientOptions {
  capabilities?: Record<string, unknown>;
  initializationOptions?: unknown;
  workspaceFolders?: { uri: string; name: string }[] | null;
  /** What `workspace/configuration` answers for the `initlens` section (and whether the client offers it). */
  configuration?: unknown;
  /** Whether the client accepts `workspace/applyEdit` (true by default). */
  applyEdits?: boolean;
  args?: string[];
  /** Runs when the server asks to create a progress token, before the client answers (the server waits meanwhile). */
  onProgressCreate?: (params: { token: string | number }) => void | Promise<void>;
}

export interface TestClient {
  proc: ChildProcess;
  conn: MessageConnection;
  stderr: () => string;
  /** The last diagnostics pushed for each URI. */
  pushed: Map<string, PublishDiagnosticsParams>;
  /** Resolves with the next push for `uri` that satisfies `accept`. */
  nextPush(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** Edits the server asked the client to apply. */
  appliedEdits: WorkspaceEdit[];
  progress: { token: unknown; value: { kind: string; message?: string; percentage?: number } }[];
  refreshes: number;
  initializeResult: { capabilities: Record<string, any>; serverInfo?: unknown };
  shutdown(): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function startClient(opts: ClientOptions = {}): Promise<TestClient> {
  ensureServerBuilt();
  const proc = spawn(process.execPath, [...serverCommand, '--stdio', ...(opts.args ?? [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const pushed = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const appliedEdits: WorkspaceEdit[] = [];
  const progress: TestClient['progress'] = [];
  const client = { refreshes: 0 } as TestClient;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    pushed.set(p.uri, p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.accept(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.onNotification('$/progress', (p: TestClient['progress'][number]) => {
    progress.push(p);
  });
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => opts.configuration ?? null));
  conn.onRequest('window/workDoneProgress/create', async (p: { token: string | number }) => {
    await opts.onProgressCreate?.(p);
    return null;
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => {
    client.refreshes++;
    return null;
  });
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }): { applied: boolean; failureReason?: string } => {
    if (opts.applyEdits === false) return { applied: false, failureReason: 'test client refuses' };
    appliedEdits.push(p.edit);
    return { applied: true };
  });
  conn.listen();
  const capabilities = {
    workspace: { configuration: opts.configuration !== undefined, workspaceEdit: { documentChanges: true }, diagnostics: { refreshSupport: true } },
    window: { workDoneProgress: true },
    textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } },
    ...(opts.capabilities ?? {}),
  };
  const initializeResult = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: opts.workspaceFolders ?? null,
    capabilities,
    initializationOptions: opts.initializationOptions,
  })) as TestClient['initializeResult'];
  await conn.sendNotification('initialized', {});
  Object.assign(client, {
    proc,
    conn,
    stderr: () => err,
    pushed,
    appliedEdits,
    progress,
    initializeResult,
    exited,
    nextPush(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000) {
      return new Promise<PublishDiagnosticsParams>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({
          uri,
          accept,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    async shutdown() {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      const code = await exited;
      conn.dispose();
      return code;
    },
  });
  return client;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone (true) or the time is up (false). */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

/** Offsets ↔ positions in a plain string (UTF-16), for applying edits like a client. */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  const end = text.indexOf('\n', offset);
  return Math.min(offset + pos.character, end === -1 ? text.length : end);
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((e) => ({ from: offsetAt(text, e.range.start), to: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

/** The text edits of a WorkspaceEdit for one URI (documentChanges or changes), with the version they target. */
export function editsFor(edit: WorkspaceEdit, uri: string): { version: number | null; edits: TextEdit[] } {
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) return { version: dc.textDocument.version, edits: dc.edits as TextEdit[] };
  }
  return { version: null, edits: edit.changes?.[uri] ?? [] };
}

export function codes(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => String(d.code)).sort();
}
