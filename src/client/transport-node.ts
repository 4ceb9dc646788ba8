// The client's transports on a runtime with node:http (Node, Bun, Deno; `#transport` in package.json's
// imports): the client's own calls go over node:http(s) with a keep-alive agent and build no WHATWG Request,
// Response or AbortSignal (they were most of a loopback PATCH's cost: bench/RESULTS.md); the Requests
// openapi-fetch builds (a middleware of the caller's in the chain) go the same way.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import {
  type CreateDirectTransport,
  type CreateRequestTransport,
  describeNetworkError,
  NULL_BODY_STATUSES,
  statusProblem,
  tooLarge,
  TransportError,
} from './transport.js';
import { createRequestTransport as createGlobalFetchTransport } from './transport-fetch.js';

const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

/** Encodings the client asks for and decodes; End Users answers are small, but a page of 100 is not. */
const DECODERS: Record<string, (() => Transform) | undefined> = {
  identity: undefined,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  br: createBrotliDecompress,
};
const ACCEPT_ENCODING = 'gzip, br';

/**
 * fetch over node:http(s) with a keep-alive agent, for the Requests openapi-fetch builds (a middleware of
 * the caller's may have made or replaced them). Does not follow redirects (Ada's API does not redirect).
 * A URL that is not http(s) goes through the global fetch, read the same way.
 */
export const createRequestTransport: CreateRequestTransport = (limits) => {
  const viaFetch = createGlobalFetchTransport(limits);
  return async function nodeFetch(request) {
    const url = new URL(request.url);
    if (!(url.protocol in agents)) return viaFetch(request);
    // A Request carries its body as a stream.
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
    return send(url, request, body, limits.maxResponseBytes);
  };
};

function send(url: URL, request: Request, body: Buffer | null, limit: number): Promise<Response> {
  const headers: Record<string, string> = Object.create(null);
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return exchange(url, request.method, headers, body, limit, { signal: request.signal ?? undefined }).then((raw) => {
    try {
      return toResponse(raw);
    } catch (error) {
      // An answer fetch's Response cannot hold is not one an HTTP client could read.
      throw new TransportError('network', describeNetworkError(error), undefined, { cause: error });
    }
  });
}

/**
 * The default transport of the client's own calls: node:http(s) with a keep-alive agent, a timer for
 * the attempt's limit, and neither Request nor Response nor AbortSignal built per call (they were most of
 * a call's cost on loopback: bench/RESULTS.md). Only http(s) URLs reach it.
 */
export const createDirectTransport: CreateDirectTransport = (limits) => {
  return (request) =>
    exchange(new URL(request.url), request.method, request.headers, request.body, limits.maxResponseBytes, request).then((raw) => {
      const { status, rawHeaders, decoded, body } = raw;
      let built: Headers | undefined;
      // An error's headers are read (Retry-After): built now, so that one no Headers can hold fails here.
      if (status >= 300) {
        try {
          built = toHeaders(rawHeaders, decoded);
        } catch (error) {
          throw new TransportError('network', describeNetworkError(error), undefined, { cause: error });
        }
      }
      return {
        status,
        headers: () => (built ??= toHeaders(rawHeaders, decoded)),
        contentLength: decoded ? null : headerOf(rawHeaders, 'content-length'),
        text: NULL_BODY_STATUSES.has(status) ? '' : body.toString('utf8'),
      };
    });
};

/** What node:http received: the status line, the raw header pairs, and the body (decoded if it was encoded). */
interface RawExchange {
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: Buffer;
  decoded: boolean;
}

function toResponse({ status, statusText, rawHeaders, body, decoded }: RawExchange): Response {
  return new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, statusText, headers: toHeaders(rawHeaders, decoded) });
}

function toHeaders(rawHeaders: readonly string[], decoded: boolean): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
  if (decoded) {
    // The body handed on is decoded: its length and encoding headers no longer describe it.
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return headers;
}

function headerOf(rawHeaders: readonly string[], name: string): string | null {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) return rawHeaders[i + 1]!;
  return null;
}

/**
 * One request over node:http(s): the headers given (plus accept-encoding), the body, and the answer read
 * within `limit`. Everything that can go wrong on the wire is a TransportError; the caller's abort
 * passes through as its reason; past `timeoutMs` (when given) the request is cut (`timeout`).
 */
function exchange(
  url: URL,
  method: string,
  given: Record<string, string>,
  body: string | Buffer | null | undefined,
  limit: number,
  { signal, timeoutMs }: { signal?: AbortSignal | undefined; timeoutMs?: number },
): Promise<RawExchange> {
  // No prototype: a header named `__proto__` assigned into a plain object would set its prototype instead.
  const headers: Record<string, string> = Object.assign(Object.create(null), { 'accept-encoding': ACCEPT_ENCODING }, given);
  if (body !== null && body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const sendRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: RawExchange | Error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const network = (error: unknown) => {
      // An abort (the caller's signal, or the attempt's timeout) passes through as it is.
      if (signal?.aborted) return settle(signal.reason as Error);
      settle(new TransportError('network', describeNetworkError(error), undefined, { cause: error, mayHaveArrived: connected }));
    };
    if (signal?.aborted) return settle(signal.reason as Error);
    const req = sendRequest(
      url,
      { method, headers, agent: agents[url.protocol as keyof typeof agents], ...(signal ? { signal } : {}) },
      (res) => readNodeResponse(res, limit, settle, network),
    );
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        settle(new TransportError('timeout', `no answer within ${timeoutMs} ms`, undefined, { mayHaveArrived: connected }));
        req.destroy();
      }, timeoutMs);
    }
    req.once('socket', (socket) => {
      if (!socket.connecting)
        connected = true; // a kept-alive connection
      else socket.once('connect', () => (connected = true));
    });
    req.once('error', network);
    req.end(body ?? undefined);
  });
}

function readNodeResponse(
  res: IncomingMessage,
  limit: number,
  settle: (outcome: RawExchange | Error) => void,
  network: (error: unknown) => void,
): void {
  const status = res.statusCode ?? 0;
  const stop = (error: Error) => {
    res.destroy(); // stop reading: the socket is not reused
    settle(error);
  };
  if (status < 200 || status > 599) {
    stop(statusProblem(status));
    return;
  }
  const encoding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  // Own keys only: `constructor` or `__proto__` as an encoding must not find Object's (it threw in a listener).
  if (!Object.hasOwn(DECODERS, encoding)) {
    stop(
      new TransportError(
        'encoding',
        `the answer's content-encoding "${encoding}" is not one the client asked for (${ACCEPT_ENCODING})`,
        status,
      ),
    );
    return;
  }
  const declared = Number(res.headers['content-length']);
  if (encoding === 'identity' && declared > limit) {
    stop(tooLarge(status, limit));
    return;
  }

  const decoder = DECODERS[encoding]?.();
  const chunks: Buffer[] = [];
  let bytes = 0;
  const finish = () =>
    settle({
      status,
      statusText: res.statusMessage ?? '',
      rawHeaders: res.rawHeaders,
      body: Buffer.concat(chunks),
      decoded: Boolean(decoder),
    });
  (decoder ?? res).on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limit) {
      decoder?.destroy();
      return stop(tooLarge(status, limit));
    }
    chunks.push(chunk);
  });
  res.once('error', network);
  // The answer is whole at 'end' (settling there, not at 'close', saves a turn of the event loop a call);
  // a 'close' before it is a connection that broke mid-answer.
  if (!decoder) res.once('end', finish);
  res.once('close', () => {
    if (!res.complete) network(Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' }));
  });
  if (decoder) {
    res.pipe(decoder);
    decoder.once('end', finish);
    decoder.once('error', (error) => {
      if (!res.complete) return; // the connection broke mid-body: 'close' reports it
      stop(new TransportError('encoding', `the answer's ${encoding} body does not decode: ${error.message}`, status, { cause: error }));
    });
  }
}
