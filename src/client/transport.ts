// What the client's transports share, on every runtime. Each resolves to an answer whose body is already read, within
// `maxResponseBytes`, so that everything that can go wrong on the wire goes wrong here, under the
// attempt's timeout, and reaches the client as one TransportError naming what happened:
// - `network`: the network failed (refused, reset, DNS, TLS, an answer that is not HTTP); retryable;
// - `status`: a status outside 200-599 (a WHATWG Response cannot even hold one);
// - `too-large`: more than maxResponseBytes (decoded); reading stopped there;
// - `encoding`: a content-encoding the client did not ask for, or a body that does not decode;
// - `timeout`: no whole answer within the attempt's limit (the direct transport's own timer).
// Anything else a transport throws (a caller's abort, a local mistake) passes through as it is.
//
// Each runtime has its own pair (`#transport`, by the conditions of package.json's imports): node:http
// where it exists (Node, Bun, Deno: transport-node.ts), the global fetch elsewhere (workerd, browsers:
// transport-fetch.ts). The direct transport sends the client's own calls; the request transport sends the
// real Requests openapi-fetch builds when a middleware of the caller's is in the chain. A caller's own
// `fetch` gets them instead (createFetchTransport), its answers read and limited the same way.

export type TransportFailure = 'network' | 'status' | 'too-large' | 'encoding' | 'timeout';

export class TransportError extends Error {
  override name = 'TransportError';
  /**
   * For a network failure: whether the request may have reached the server (a connection was made).
   * A request that cannot have arrived may be sent again even where sending it twice would not be safe.
   */
  readonly mayHaveArrived: boolean;
  constructor(
    readonly kind: TransportFailure,
    message: string,
    /** The answer's status, where one arrived. */
    readonly status?: number,
    options?: { cause?: unknown; mayHaveArrived?: boolean },
  ) {
    super(message, options);
    this.mayHaveArrived = options?.mayHaveArrived ?? true;
  }
}

/** Failures that happen before any connection exists: the request cannot have arrived. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const codeOf = (error: unknown): string | undefined => {
  const own = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return [own, cause].find((code): code is string => typeof code === 'string');
};

export interface ResponseLimits {
  /** Largest body read, in bytes after decoding. */
  maxResponseBytes: number;
}

export const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

export const statusProblem = (status: number) =>
  new TransportError('status', `the answer's status ${status} is not an HTTP status from 200 to 599`, status);
export const tooLarge = (status: number, limit: number) =>
  new TransportError('too-large', `the answer is larger than ${limit} bytes`, status);

/** A request of the client's own (no WHATWG objects where the runtime lets it build none): what a direct transport takes. */
export interface DirectRequest {
  url: string;
  method: string;
  /** Lower-case names; no prototype (a header named `__proto__` is a header). */
  headers: Record<string, string>;
  body?: string;
  /** The attempt's time limit, body included: past it the request is cut and a `timeout` TransportError thrown. */
  timeoutMs: number;
  /** The caller's abort: its reason is thrown as it is. */
  signal?: AbortSignal;
}

/** An answer as received, its body read within the limit and decoded. */
export interface DirectAnswer {
  status: number;
  /** Built when asked (most answers never need them). */
  headers(): Headers;
  /** The content-length the answer declared, where its body was not decoded (as a Response would report it). */
  contentLength: string | null;
  text: string;
}

/** A runtime's transport of the client's own calls. */
export type CreateDirectTransport = (limits: ResponseLimits) => (request: DirectRequest) => Promise<DirectAnswer>;
/** A runtime's transport of the Requests openapi-fetch builds. Neither follows a redirect (Ada's API has none). */
export type CreateRequestTransport = (limits: ResponseLimits) => (request: Request) => Promise<Response>;

/**
 * A caller's fetch (or the global one), read the same way as nodeFetch's answers. A rejection of fetch
 * itself is a network failure, as the Fetch standard defines it (a TypeError); so is a body that breaks
 * off while it is read.
 */
export function createFetchTransport(
  fetchImpl: (request: Request) => Promise<Response>,
  limits: ResponseLimits,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const signal = request.signal;
    let answered = false;
    const network = (error: unknown): never => {
      if (signal?.aborted) throw signal.reason;
      const code = codeOf(error);
      throw new TransportError('network', describeNetworkError(error), undefined, {
        cause: error,
        mayHaveArrived: answered || code === undefined || !NEVER_CONNECTED.has(code),
      });
    };
    // A fetch that ignores the signal must not hold the attempt past its timeout.
    const response = await untilAborted(fetchImpl(request), signal).catch(network);
    answered = true;
    // A browser hides a redirect that `redirect: 'manual'` did not follow (status 0, no headers, no body):
    // handed on as it is, for the client to refuse as any runtime's 3xx.
    if (response.type === 'opaqueredirect') return response;
    const { status } = response;
    const discard = () => response.body?.cancel().catch(() => undefined);
    if (status < 200 || status > 599) {
      void discard();
      throw statusProblem(status);
    }
    if (Number(response.headers.get('content-length')) > limits.maxResponseBytes && !response.headers.has('content-encoding')) {
      void discard();
      throw tooLarge(status, limits.maxResponseBytes);
    }
    const chunks: Uint8Array[] = [];
    if (response.body) {
      const reader = response.body.getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await untilAborted(reader.read(), signal).catch((error: unknown) => {
          void reader.cancel().catch(() => undefined);
          return network(error);
        });
        if (done) break;
        bytes += value.byteLength;
        if (bytes > limits.maxResponseBytes) {
          void reader.cancel().catch(() => undefined);
          throw tooLarge(status, limits.maxResponseBytes);
        }
        chunks.push(value);
      }
    }
    return new Response(NULL_BODY_STATUSES.has(status) || !response.body ? null : concat(chunks), {
      status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The chunks as one array (no Buffer: Deno, workerd and browsers lack it). */
function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // its own rejection (the same abort) has no one else to reach
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `CODE (message)` from a network error or its cause, the way the client words connection errors. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const own = error as { code?: unknown; message?: unknown } | null;
  const code = [cause?.code, own?.code].find((c): c is string => typeof c === 'string');
  const message = [cause?.message, own?.message].find((m): m is string => typeof m === 'string') ?? String(error);
  return code && !message.includes(code) ? `${code} (${message})` : message;
}
