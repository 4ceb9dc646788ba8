// verify's receiver of the provider's webhooks: an HTTP server (loopback unless told otherwise) that
// verifies each delivery as a consumer would (verifyWebhook: the Svix signature, the timestamp, the
// payload against the contract) and keeps what arrived, so that the run can judge what a provider
// sends after the writes it made. Each message is judged once: Svix retries and replays carry the same
// message id.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from '../contract/json-pointer.js';
import { webhooks } from '../contract/operations.js';
import { headerValue, verifyWebhook, WebhookPayloadError, WebhookTimestampError, WebhookVerificationError } from '../client/webhooks.js';

/** Larger bodies are refused (413), not kept: an end user's payload is a few KB (metadata at most 10 KB). */
const MAX_BODY_BYTES = 1024 * 1024;

/** A delivery that verified: its message id, event type and the end user its data names. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  endUserId: string | undefined;
}

/**
 * A delivery that did not: where and which rule (`signature`, `timestamp`, `size`, or the payload's
 * keyword; `kit` when the kit itself failed to verify it).
 */
export interface WebhookProblem {
  id: string;
  type: string | undefined;
  path: string;
  rule: string;
  message: string;
}

export interface ListenOptions {
  secret: string;
  port: number;
  host: string;
}

export class WebhookListener {
  readonly received: ReceivedWebhook[] = [];
  readonly problems: WebhookProblem[] = [];
  /** Signed deliveries of event types the contract does not describe (a newer API's, another resource's): not judged. */
  readonly ignored: ReceivedWebhook[] = [];
  private readonly judged = new Set<string>();
  private readonly changed = new Set<() => void>();

  private readonly server: Server;
  private where = '';
  /** Where it listens, once it does. */
  get url(): string {
    return this.where;
  }

  // The server and its handler exist before it listens, so that a delivery arriving at once (a retry of
  // an earlier run's on a fixed port) finds everything in place.
  private constructor(private readonly secret: string) {
    this.server = createServer((req, res) => {
      if (req.method !== 'POST') {
        // A tunnel's health check, a browser: not a delivery, nothing to judge.
        res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 200 : 405, { 'content-type': 'text/plain' });
        res.end('the webhook receiver of npm run verify: POST deliveries here\n');
        return;
      }
      void readBody(req).then((read) => {
        if (read === 'failed') return; // the sender went away mid-body: nothing arrived to judge
        if (read === 'too-large') {
          const id = headerValue(req.headers, 'svix-id');
          this.note({ id, type: undefined, path: '', rule: 'size', message: `a delivery of over ${MAX_BODY_BYTES} bytes` });
          res.writeHead(413).end();
          return;
        }
        res.writeHead(this.take(read, req)).end();
      });
    });
    // Ada allows a receiver 15 s; no delivery should hold a socket longer.
    this.server.requestTimeout = 15_000;
    // As the kit's other servers: a sender reusing an idle connection must not race its close (ECONNRESET).
    this.server.keepAliveTimeout = 60_000;
  }

  static async listen({ secret, port, host }: ListenOptions): Promise<WebhookListener> {
    const listener = new WebhookListener(secret);
    const { server } = listener;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    listener.where = `http://${shownHost}:${address.port}/`;
    return listener;
  }

  /** Resolves true once `done()` holds, false if `waitMs` passes first. */
  async until(done: () => boolean, waitMs: number): Promise<boolean> {
    if (done()) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), waitMs);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.changed.delete(check);
        resolve(result);
      };
      this.changed.add(check);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Judges one delivery; the status to answer (2xx for an authentic one, so that it is not sent again). */
  private take(body: Buffer, req: IncomingMessage): number {
    const id = headerValue(req.headers, 'svix-id') ?? headerValue(req.headers, 'webhook-id');
    try {
      const event = verifyWebhook(body, req.headers, this.secret);
      const data = event.data as Json;
      this.record(id, () => this.received.push({ id: id!, type: event.type!, endUserId: data?.end_user_id }));
      return 204;
    } catch (error) {
      const type = typeOf(body);
      if (!(error instanceof WebhookVerificationError)) {
        // Not the delivery's fault that verification broke; the run must not break with it.
        this.note({
          id,
          type,
          path: '',
          rule: 'kit',
          message: `the kit could not verify it: ${(error as Error)?.message ?? String(error)}`,
        });
        return 500;
      }
      if (error instanceof WebhookPayloadError && type !== undefined && !Object.hasOwn(webhooks, type)) {
        // Authentic, of an event this contract does not describe: new event types are safe (check:breaking), not drift.
        this.record(id, () => this.ignored.push({ id: id!, type, endUserId: undefined }));
        return 204;
      }
      if (error instanceof WebhookPayloadError) {
        for (const issue of error.issues) this.note({ id, type, path: issue.path, rule: issue.keyword, message: issue.message });
        return 204; // authentic, only wrong: sent again, it stays wrong
      }
      const rule = error instanceof WebhookTimestampError ? 'timestamp' : 'signature';
      this.note({ id, type, path: '', rule, message: error.message });
      return 401;
    }
  }

  private note(problem: Omit<WebhookProblem, 'id'> & { id: string | undefined }): void {
    this.record(problem.id, () => this.problems.push({ ...problem, id: problem.id ?? '(no svix-id)' }), `${problem.path} ${problem.rule}`);
  }

  /** Keeps what a message says the first time it is seen (retries and replays repeat it). */
  private record(id: string | undefined, keep: () => void, what = ''): void {
    const key = `${id ?? ''}\n${what}`;
    if (id !== undefined && this.judged.has(key)) return;
    this.judged.add(key);
    keep();
    for (const check of [...this.changed]) check();
  }
}

/** The event type a payload claims, for naming a delivery that failed verification. */
function typeOf(body: Buffer): string | undefined {
  try {
    const type = (JSON.parse(body.toString('utf8')) as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

/** The whole body; `too-large` past MAX_BODY_BYTES (the rest is drained unread); `failed` if the connection broke. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'failed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve('failed'));
  });
}
