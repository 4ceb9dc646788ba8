// Running Prism as a child process: one place for spawning, readiness and clean shutdown, shared by the
// mock (startMock) and the validation proxy (startProxy).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';

export interface RunningPrism {
  /** Base URL to hand the client as `baseUrl`, e.g. http://127.0.0.1:43123 */
  url: string;
  port: number;
  /** Stops Prism and any process it started. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPrismOptions {
  /** Prism's command and its arguments, without --host/--port (e.g. ['mock', spec, '--errors']). */
  args: string[];
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for Prism to answer (ms). */
  readyTimeoutMs?: number;
  /** Receives Prism's own output; by default it is kept only for error messages. */
  onOutput?: (text: string) => void;
  /** Prefix of errors thrown while starting (e.g. `startMock`). */
  caller: string;
}

/** Path of Prism's CLI entry, resolved from this package's own dependency. */
export function prismCliPath(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    // An optional peer dependency: apps that only use the client do not install Prism.
    throw new Error('the mock and the proxy need Prism: npm install --save-dev @stoplight/prism-cli@~5.14.2');
  }
  return join(dirname(manifest), 'dist', 'index.js');
}

/** Preload that keeps Prism alive when a violation quotes non-Latin-1 text (see the file). */
const violationsHeaderFix = fileURLToPath(new URL('./prism-violations-header-fix.cjs', import.meta.url));

export async function startPrism(options: StartPrismOptions): Promise<RunningPrism> {
  const port = options.port ?? (await freePort());
  const url = `http://${HOST}:${port}`;
  // Readiness is "the port accepts", so a port someone else already serves would pass for Prism.
  if (await accepts(port)) throw new Error(`${options.caller}: ${HOST}:${port} is already in use`);

  // --verboseLevel warn: quiet logs (Prism halves its throughput when it logs every request).
  // detached: Prism gets its own process group, so stop() can end it and anything it forks.
  const args = [...options.args, '--host', HOST, '--port', String(port), '--verboseLevel', 'warn'];
  const child = spawn(process.execPath, ['--require', violationsHeaderFix, prismCliPath(), ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A process that forgets stop(), or dies, must not leave Prism behind.
  const killOnExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = once(async () => {
    await killGroup(child, exited);
    process.off('exit', killOnExit);
  });
  try {
    await waitUntilAccepting(port, exited, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${options.caller}: ${(error as Error).message}\n${output.trim()}`.trim());
  }
  return { url, port, stop };
}

async function waitUntilAccepting(port: number, exited: Promise<number | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`Prism exited with code ${exitCode} before answering`);
    // Prism opens its port only once the spec is loaded, so an accepted connection means ready.
    // (An HTTP probe would work too, but Prism logs every unmatched request as an error.)
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Prism did not answer on ${HOST}:${port} within ${timeoutMs} ms`);
}

/** Whether something accepts TCP connections on HOST:port. */
export function accepts(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function killGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  signalGroup(child, 'SIGKILL'); // anything Prism forked that outlived it
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
