/**
 * `initlens server`: the InitLens language server (LSP 3.17, vscode-languageserver).
 *
 *   initlens server            talk LSP over stdin/stdout (the default; `--stdio` is accepted)
 *   initlens server --socket PORT
 *                              listen on 127.0.0.1:PORT, serve the first client that connects,
 *                              exit when it disconnects (PORT 0 picks a free port; the port is
 *                              printed on stderr as `initlens server: listening on 127.0.0.1:N`)
 *
 * The process exits when the client sends `exit`, when its input closes (the client died), or
 * when the client process named in `initialize`'s `processId` (or `--clientProcessId N`) is gone.
 * Nothing but protocol messages is written to stdout: logs go to stderr or `window/logMessage`.
 */
import * as net from 'node:net';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startSession } from './session.js';

export const SERVER_USAGE = `Usage: initlens server [--stdio | --socket PORT] [--clientProcessId PID]

Runs the InitLens language server (LSP 3.17).
  --stdio            talk over stdin/stdout (default)
  --socket PORT      listen on 127.0.0.1:PORT for one client (0: any free port)
  --clientProcessId  exit when this process is gone
`;

export interface ServerArgs {
  mode: 'stdio' | 'socket' | 'help';
  port: number;
}

/** Parses the server's arguments; throws an Error with a message for the user on bad input. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  const out: ServerArgs = { mode: 'stdio', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--stdio') out.mode = 'stdio';
    else if (name === '-h' || name === '--help') out.mode = 'help';
    else if (name === '--socket' || name === '--port') {
      const value = inline ?? argv[++i];
      const port = Number(value);
      if (value === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--socket needs a port number between 0 and 65535, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      }
      out.mode = 'socket';
      out.port = port;
    } else if (name === '--clientProcessId') {
      if (inline === undefined) i++; // read by vscode-languageserver itself
    } else throw new Error(`unknown option ${JSON.stringify(a)}`);
  }
  return out;
}

/** Runs the server until its client goes away (the process then exits). */
export async function runServer(argv: readonly string[], stderr: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(argv);
  } catch (e) {
    stderr(`initlens server: ${e instanceof Error ? e.message : String(e)}\n\n${SERVER_USAGE}`);
    return 2;
  }
  if (args.mode === 'help') {
    process.stdout.write(SERVER_USAGE);
    return 0;
  }
  // stdout belongs to the protocol: anything printed by mistake goes to stderr.
  console.log = console.info = console.debug = (...xs: unknown[]) => stderr(xs.map(String).join(' ') + '\n');
  if (args.mode === 'stdio') {
    serve(process.stdin, process.stdout, stderr);
    return new Promise<number>(() => undefined); // the session exits the process
  }
  return new Promise<number>((resolve) => {
    const listener = net.createServer((socket) => {
      listener.close(); // one client per process
      serve(socket, socket, stderr);
    });
    listener.on('error', (e) => {
      stderr(`initlens server: cannot listen on 127.0.0.1:${args.port}: ${e.message}\n`);
      resolve(2);
    });
    listener.listen(args.port, '127.0.0.1', () => {
      const addr = listener.address();
      stderr(`initlens server: listening on 127.0.0.1:${typeof addr === 'object' && addr ? addr.port : args.port}\n`);
    });
  });
}

/**
 * One session over a pair of streams. The process exits when the input ends or
 * closes (the client is gone: status 0 after `shutdown`, else 1), and when a
 * message header cannot be read (no or a bad Content-Length): the stream then
 * cannot be resynchronized, so the server says why on stderr and exits (1)
 * instead of waiting forever. A body that is not JSON only gets a logged error.
 */
function serve(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, stderr: (s: string) => void): void {
  const reader = new StreamMessageReader(input);
  const writer = new StreamMessageWriter(output);
  const session = startSession(createConnection(reader, writer));
  const leave = () => process.exit(session.shutdownReceived() ? 0 : 1);
  input.on('end', leave);
  input.on('close', leave);
  reader.onError((error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (/Content-Length/.test(message)) {
      stderr(`initlens server: unreadable message header, the stream cannot be resynchronized; exiting (${message.split('\n')[0]})\n`);
      process.exit(1);
    }
    stderr(`initlens server: unreadable message: ${message.split('\n')[0]}\n`);
  });
}
