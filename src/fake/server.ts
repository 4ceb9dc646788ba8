// The stateful fake's HTTP side, behind Prism's validation proxy: requests reach it only when they
// conform, and everything it answers is checked by Prism against the contract on the way out. Routes
// come from the operations table; each operation the fake implements has a handler here. Prism cannot
// enforce the kit's own rules (x-disjoint-keys, x-max-json-bytes, x-exclusive-parameter-groups), so the
// fake checks each request with the kit's validators too (wire-request.ts), as the mock's front does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { answer, refuseRouted, route } from '../prism/wire-request.js';
import type { EndUserStore, Outcome } from './store.js';
import type { WebhookSender } from './webhook-sender.js';

/** The fake's default page size: Ada documents none, the contract's largest is 100. */
export const DEFAULT_PAGE_SIZE = 100;

interface Request {
  path: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

type Answer = { status: number; body: unknown };
type Handler = (request: Request) => Answer;

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** The header that carries the store's key: the validating front adds it to every request it forwards. */
export const FAKE_KEY_HEADER = 'x-ada-fake-key';

/**
 * The fake on 127.0.0.1 (a port the system picks). `publicUrl()` is where clients reach it (Prism's
 * proxy in front): next_page_url is built on it, never on this server's own address. With `key`, only
 * requests carrying it (in FAKE_KEY_HEADER) are answered: the port is on loopback, but any local
 * process could reach it and bypass the front. `onError` hears what failed inside a handler.
 */
export async function startFakeServer(
  store: EndUserStore,
  webhooks: WebhookSender | undefined,
  publicUrl: () => string,
  { key, onError = () => {} }: { key?: string; onError?: (error: unknown) => void } = {},
): Promise<FakeServer> {
  const errors = (outcome: Extract<Outcome<unknown>, { ok: false }>): Answer => ({
    status: outcome.status,
    body: { errors: [{ type: outcome.type, message: outcome.message }] },
  });

  const handlers: Record<string, Handler> = {
    getEndUser: ({ path }) => {
      const found = store.get(path.end_user_id!);
      return found.ok ? { status: 200, body: found.value } : errors(found);
    },
    listEndUsers: ({ query }) => {
      const externalId = query.get('external_id');
      if (externalId !== null) {
        const found = store.findByExternalId(externalId);
        return found.ok ? { status: 200, body: found.value } : errors(found);
      }
      const limit = Number(query.get('limit') ?? DEFAULT_PAGE_SIZE);
      const page = store.page(limit, query.get('cursor') ?? undefined);
      if (!page.ok) return errors(page);
      const next =
        page.value.next === null
          ? null
          : `${publicUrl()}/v2/end-users/?${new URLSearchParams({ cursor: page.value.next, limit: String(limit) })}`;
      return { status: 200, body: { data: page.value.data, meta: { next_page_url: next } } };
    },
    createEndUser: ({ body }) => {
      const created = store.create(body as Parameters<EndUserStore['create']>[0]);
      if (!created.ok) return errors(created);
      if (created.value.created) webhooks?.send('v1.end_user.created', created.value.endUser);
      else if (created.value.profileChanged) webhooks?.send('v1.end_user.updated', created.value.endUser);
      return { status: created.value.created ? 201 : 200, body: created.value.endUser };
    },
    updateEndUser: ({ path, body }) => {
      const updated = store.update(path.end_user_id!, body as Parameters<EndUserStore['update']>[1]);
      if (!updated.ok) return errors(updated);
      if (updated.value.profileChanged) webhooks?.send('v1.end_user.updated', updated.value.endUser);
      return { status: 200, body: updated.value.endUser };
    },
  };

  const answerTo = (req: IncomingMessage, text: string): Answer => {
    // The path as sent: a URL object would resolve dot segments (`/v2/end-users/%2e` would be the list).
    const [pathname = '/', search = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const routed = route({ method: req.method ?? 'GET', path: pathname, search });
    if (!routed.operation) return routed.refusal ?? answer(404, 'not_found', 'No such operation.');
    const handler = handlers[routed.operation.operationId];
    if (!handler) return answer(501, 'not_implemented', `The fake does not implement ${routed.operation.operationId}.`);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return answer(400, 'validation_error', 'The request body is not valid JSON.');
    }
    const refused = refuseRouted(routed, body);
    if (refused) return refused;
    return handler({ path: routed.path, query: routed.query, body });
  };
  const server: Server = createServer((req, res) => {
    if (key !== undefined && !sameKey(req.headers[FAKE_KEY_HEADER], key)) {
      // Only requests that came through the validating front (which adds the key) reach the store; any
      // other is answered before its body is read.
      res.setHeader('connection', 'close');
      return send(res, answer(403, 'forbidden', 'The store answers only its validating front.'));
    }
    read(req).then(
      (text) => {
        let answered: Answer;
        try {
          answered = answerTo(req, text);
        } catch (error) {
          // No request may take the host process down: whatever went wrong is this answer's 500.
          onError(error);
          answered = answer(500, 'internal_error', 'The fake failed to answer.');
        }
        send(res, answered);
      },
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 60_000; // as the kit's Prism servers: a client must not race an idle close
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Whether a header holds the key, compared in constant time. */
function sameKey(given: string | string[] | undefined, key: string): boolean {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given), Buffer.from(key)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Past this a body is cut off (the front forwards at most Ada's 10 MB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) return reject(new Error('body too large'));
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, { status, body }: Answer): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
