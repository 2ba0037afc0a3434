/**
 * The `initlens` command line: check, layers, simulate, server (the language server, src/server).
 *
 * `run(argv, io)` is the whole program and returns the exit code; the bottom of
 * this file calls it when the module is the process entry point (bundled to dist/cli.js).
 * Results go to stdout, messages and errors to stderr; colors only when stdout is a TTY and
 * NO_COLOR is unset.
 *
 * Exit codes: 0 no findings, 1 findings (after --fix: findings that remain),
 * 2 usage or I/O errors (a missing path, an unreadable file, a failed write).
 * Binary, non-UTF-8 and oversized files are reported and skipped; they do not
 * change the exit code.
 *
 * The rest of src/cli/: args.ts (parsing, --help), io.ts (the I/O seam), files.ts (walk, read),
 * analyseFile.ts (one file through fix and analysis), fix.ts (--fix rounds), commands/ (one module
 * per command), render/ (text output, colors).
 */
import { realpathSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { CliConfig } from './config.js';
import { HELP, parseArgs, UsageError, VERSION, type Parsed } from './args.js';
import { runCheck } from './commands/check.js';
import { runLayers } from './commands/layers.js';
import { runSimulate } from './commands/simulate.js';
import { nodeIO, type CliIO } from './io.js';
import { makeStyle } from './render/style.js';

export { parseArgs, VERSION } from './args.js';
export { FileChangedError, nodeIO, writeFileAtomic, type CliIO, type DirEntry, type FileStat } from './io.js';

export async function run(argv: readonly string[], ioOverrides: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = { ...nodeIO(), ...ioOverrides };
  // no-color.org: NO_COLOR set to a non-empty value disables colors.
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const style = makeStyle(io.isTTY && !noColor);
  // `initlens server [--stdio | --socket PORT]`: the language server (src/server), its own arguments.
  if (argv[0] === 'server') {
    const { runServer } = await import('../server/main.js');
    return runServer(argv.slice(1), io.stderr);
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`initlens: ${e.message}\nRun 'initlens --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const args = parsed.args;
  const cfg = await CliConfig.create(io, args);
  if (typeof cfg === 'string') {
    io.stderr(`initlens: ${cfg}\n`);
    return 2;
  }
  if (args.command === 'simulate') {
    const { options } = await cfg.optionsFor(args.paths[0]!);
    if (args.format !== 'json') cfg.report(style);
    return runSimulate(io, style, args, options);
  }
  if (args.command === 'layers') return runLayers(io, style, args, cfg);
  return runCheck(io, style, args, cfg);
}

/** True when this module is the program (tsx src/cli/main.ts, dist/cli.js, or an npm bin symlink to it). */
function isEntryPoint(): boolean {
  // The bundle is also the analysis pool's worker script (src/cli/pool.ts): no CLI run there.
  if (!isMainThread) return false;
  const self = (import.meta as { url?: string }).url;
  if (!self) return true; // bundled to CommonJS: only ever loaded as the bin
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return self === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `initlens check . | head`: a closed pipe ends the program quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`initlens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
