// Running Prism: one host process per process (src/prism/host.cjs) serving every mock (startMock) and
// validation proxy (startProxy), with readiness and clean shutdown in one place.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyLimit } from '../contract/limits.js';
import type { WireAnswer, WireRequest } from './wire-request.js';

export const HOST = '127.0.0.1';

export interface RunningPrism {
  /** Base URL to hand the client as `baseUrl`, e.g. http://127.0.0.1:43123 */
  url: string;
  port: number;
  /** Stops this Prism server; the host process stays for the next start and ends with this process. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Resolves when the server stops serving: to undefined after stop(), or to why it stopped on its own
   * (its Prism host process died: killed, out of memory). A command that serves until Ctrl-C waits on it.
   */
  readonly ended: Promise<string | undefined>;
}

export interface StartPrismOptions {
  /** The spec file to serve. */
  spec: string;
  /** Prism's --errors: a request or response that breaks the contract becomes an error answer. */
  errors: boolean;
  /** Proxy to this base URL instead of mocking. */
  upstream?: string;
  /** Headers the proxy adds to every request it forwards (the stateful fake's per-start key). */
  forwardHeaders?: Record<string, string>;
  /**
   * Judges each request Prism let through (the kit's own validators run in this process, not in the
   * host): its refusal (status and body), or undefined to let Prism's answer go.
   */
  judge?: (request: WireRequest) => WireAnswer | undefined;
  /**
   * What Prism answers itself (no route, an invalid request, a response that breaks the contract):
   * `contract`, in the contract's errors[] shape (the default for a mock), or `prism`, Prism's problem
   * documents (the default for a proxy: verify reads them).
   */
  answers?: 'contract' | 'prism';
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Address to listen on (default 127.0.0.1: loopback only; `0.0.0.0` for other machines or containers). */
  host?: string;
  /** How long to wait for Prism to answer (ms). */
  readyTimeoutMs?: number;
  /** Receives Prism's own log lines (warnings and errors); by default they are kept only for error messages. */
  onOutput?: (text: string) => void;
  /** Prefix of errors thrown while starting (e.g. `startMock`). */
  caller: string;
}

/**
 * Path of Prism's CLI package manifest, resolved from this package (Prism is an optional peer). `from`
 * is where to resolve it from (for the test of the message when it is missing).
 */
export function prismManifestPath(from: string = import.meta.url): string {
  try {
    return createRequire(from).resolve('@stoplight/prism-cli/package.json');
  } catch {
    // An optional peer dependency: apps that only use the client do not install Prism.
    throw new Error('the mock and the proxy need Prism: npm install --save-dev @stoplight/prism-cli@~5.14.2');
  }
}

/** Path of Prism's CLI entry, for running `prism` itself. */
export function prismCliPath(): string {
  return join(dirname(prismManifestPath()), 'dist', 'index.js');
}

const hostScript = fileURLToPath(new URL('./host.cjs', import.meta.url));

/**
 * The problem types the kit's proxy answers with when the provider gave no answer a client can take
 * (see http.cjs, their one home): `upstreamFailed` (none came) and `upstreamInvalid` (not HTTP,
 * too large, undecodable).
 */
export const PROXY_PROBLEMS: { upstreamFailed: string; upstreamInvalid: string } = createRequire(import.meta.url)(
  './http.cjs',
).PROXY_PROBLEMS;

interface Answer {
  id: number;
  ok: boolean;
  error?: string;
  /** The port a started server listens on. */
  port?: number;
}

/** A server of the host asking this process to judge a request (see host.cjs). */
interface JudgeCall {
  type: 'judge';
  server: number;
  call: number;
  request: WireRequest;
}

/**
 * One Prism host per process (src/prism/host.cjs): Prism's modules load once, and each start is a new
 * server in it. The host dies with this process; it holds this process open only while it serves.
 */
class PrismHost {
  readonly child: ChildProcess;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private readonly listeners = new Set<(text: string) => void>();
  private nextId = 1;
  private serving = 0;
  private tail = '';
  private exitCode: number | null | undefined;
  private readonly exitListeners = new Set<(reason: string) => void>();
  /** Settles when Prism's modules are loaded (ok) or the host died first; no timeout of its own. */
  readonly loaded: Promise<Answer>;

  constructor() {
    // detached: the host gets its own process group, so a kill reaches anything it forks.
    this.child = fork(hostScript, [prismManifestPath()], {
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.loaded = this.request({}, Infinity, 0);
    const kill = () => signalGroup(this.child, 'SIGKILL');
    process.once('exit', kill);
    this.child.on('message', (message: Answer | JudgeCall) => {
      if ('type' in message && message.type === 'judge') this.judgeCall(message);
      else this.waiting.get((message as Answer).id)?.(message as Answer);
    });
    this.child.once('exit', (code, signal) => {
      process.off('exit', kill);
      this.exitCode = code;
      if (shared.host === this) shared.host = undefined;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const answer = { ok: false, error: `Prism ${how}${this.tail ? `\n${this.tail.trim()}` : ''}` };
      for (const [id, resolve] of this.waiting) resolve({ id, ...answer });
      for (const listener of this.exitListeners) listener(`the Prism host process (pid ${this.child.pid}) ${how}`);
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const text = formatLogLines(chunk);
        this.tail = (this.tail + text).slice(-4000);
        for (const listener of this.listeners) listener(text);
      });
    }
    this.updateRef();
  }

  get alive(): boolean {
    return this.exitCode === undefined && this.child.connected;
  }

  /** Sends a request and waits for its answer; id 0 is the host's own "loaded". */
  request(message: Record<string, unknown>, timeoutMs: number, id = this.nextId++): Promise<Answer> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => finish({ id, ok: false, error: `Prism did not answer within ${timeoutMs} ms` }), timeoutMs)
        : undefined;
      const finish = (answer: Answer) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        this.updateRef();
        resolve(answer);
      };
      this.waiting.set(id, finish);
      this.updateRef();
      // With a callback, a send to a host that just died fails there, not as an 'error' event nobody hears
      // (which would end this process); the host's exit answers every request still waiting.
      if (id !== 0) this.child.send({ ...message, id }, () => {});
    });
  }

  nextRequestId(): number {
    return this.nextId++;
  }

  listen(listener?: (text: string) => void): () => void {
    if (!listener) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The judges of the servers that have one, by the id of their start. */
  readonly judges = new Map<number, NonNullable<StartPrismOptions['judge']>>();

  private judgeCall({ server, call, request }: JudgeCall): void {
    let answer: WireAnswer | undefined;
    try {
      // A server stopped meanwhile has no judge: its request is moot, and goes as Prism answered it.
      answer = this.judges.get(server)?.(request);
    } catch (error) {
      answer = {
        status: 500,
        body: { errors: [{ type: 'mock_error', message: `The mock failed to check the request: ${(error as Error).message}` }] },
      };
    }
    if (this.child.connected) this.child.send({ type: 'judged', call, ...(answer ? { answer } : {}) }, () => {});
  }

  /** Calls `listener` with why, if the host process ends; returns the way to stop listening. */
  onExit(listener: (reason: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  lastOutput(): string {
    return this.tail.trim();
  }

  adjustServing(delta: number): void {
    this.serving += delta;
    this.updateRef();
  }

  // Idle, the host must not keep this process alive; serving or answering, it must.
  private updateRef(): void {
    const busy = this.serving > 0 || this.waiting.size > 0;
    type Refable = { ref?: () => void; unref?: () => void } | null | undefined;
    const handles: Refable[] = [this.child, this.child.channel as Refable, this.child.stdout as Refable, this.child.stderr as Refable];
    for (const handle of handles) (busy ? handle?.ref : handle?.unref)?.call(handle);
  }
}

/**
 * The host of this process, shared by every copy of this module the process holds (a bundle with the kit
 * twice, a test runner's fresh module context per file): one host per process, as its design says.
 * Keyed by the host script, so that two different installs of the kit never share one.
 */
const slots = process as unknown as Record<symbol, { host?: PrismHost } | undefined>;
const slot = Symbol.for(`ada-end-users-contract:prism-host:${hostScript}`);
const shared: { host?: PrismHost } = slots[slot] ?? {};
slots[slot] = shared;

/** A promise that resolves to `timedOut` after `ms`, unless `promise` settles first. */
function within<T>(promise: Promise<T>, ms: number, timedOut: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

export async function startPrism(options: StartPrismOptions): Promise<RunningPrism> {
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  if (!shared.host?.alive) shared.host = new PrismHost();
  const current = shared.host;
  const stopListening = current.listen(options.onOutput);
  const fail = (error: string): never => {
    stopListening();
    throw new Error(`${options.caller}: ${error}`);
  };
  // Loading is waited for, not restarted: a start that gives up leaves the host loading for the next.
  const loaded = await within(current.loaded, timeoutMs, { id: 0, ok: false, error: `Prism did not load within ${timeoutMs} ms` });
  if (!loaded.ok) fail(loaded.error ?? 'Prism did not start');
  const startId = current.nextRequestId();
  if (options.judge) current.judges.set(startId, options.judge);
  const started = await current.request(
    {
      type: 'start',
      spec: options.spec,
      host: options.host ?? HOST,
      port: options.port ?? 0, // 0: the system picks a free port, which no other run can take meanwhile
      errors: options.errors,
      bodyLimit, // Ada's, from the kit's spec: the front's cap on requests, the proxies' on answers
      ...(options.upstream ? { upstream: options.upstream } : {}),
      ...(options.forwardHeaders ? { forwardHeaders: options.forwardHeaders } : {}),
      ...(options.judge ? { judge: true } : {}),
      ...(options.answers ? { answers: options.answers } : {}),
    },
    timeoutMs,
    startId,
  );
  if (!started.ok || started.port === undefined) {
    // A start that timed out may still complete in the host: stop it there, so that nothing stays bound.
    if (current.alive) await current.request({ type: 'stop', server: startId }, 10_000);
    current.judges.delete(startId);
    fail(started.error ?? 'Prism did not start');
  }
  const port = started.port!;
  current.adjustServing(+1);

  let end!: (reason: string | undefined) => void;
  const ended = new Promise<string | undefined>((resolve) => (end = resolve));
  const stopWatching = current.onExit((reason) => end(reason));
  const stop = once(async () => {
    stopListening();
    stopWatching();
    if (current.alive) await current.request({ type: 'stop', server: startId }, 10_000);
    current.judges.delete(startId);
    current.adjustServing(-1);
    end(undefined);
  });
  const host = options.host ?? HOST;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, stop, ended };
}

/** Prism logs pino JSON lines; a person reads `[level] name: message`. */
function formatLogLines(chunk: string): string {
  const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  return chunk
    .split('\n')
    .map((line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; name?: string; msg?: string };
        return `[${LEVELS[entry.level ?? 0] ?? entry.level}] ${entry.name ?? 'prism'}: ${entry.msg ?? line}`;
      } catch {
        return line;
      }
    })
    .join('\n');
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
