// The client's core, generic over the operations of the table (src/contract/operations.ts), as in the
// Stainless SDKs: one `call` (checks, one attempt under its timeout, retries with backoff where sending
// twice is safe, one answer mapping) under every method. openapi-fetch builds and sends each request.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/schema.js';
import { bodyLimit } from '../contract/limits.js';
import { operation, sendingTwiceIsSafe } from '../contract/operations.js';
import { type RequestParts, type ValidationIssue, validateRequest, validateResponse } from '../contract/validation.js';
import {
  AdaApiError,
  AdaConnectionError,
  type AdaError,
  AdaTimeoutError,
  AdaValidationError,
  ContractViolationError,
  createScrub,
  RateLimitError,
  ResponseTooLargeError,
  type Scrub,
} from './errors.js';
import { serializeJsonBody } from './json-body.js';
import {
  checkBackoff,
  checkHeaders,
  checkKinds,
  checkMaxResponseBytes,
  checkMaxRetries,
  checkTimeout,
  checkToken,
  resolveBaseUrl,
} from './options.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, sleep as realSleep } from './retry.js';
import { createDirectTransport, createRequestTransport } from '#transport';
import { createFetchTransport, type DirectAnswer, type ResponseLimits, TransportError } from './transport.js';

export interface RetryInfo {
  /** Which retry is about to happen: 1 for the first. */
  attempt: number;
  /** How long the client waits before it. */
  delayMs: number;
  /** Why: the connection error, timeout or retryable answer of the previous attempt. */
  error: AdaError;
}

export type AdaClientOptions = (
  | { /** Your instance handle: `acme`, or `acme.eu` on a regional host. */ instance: string; baseUrl?: never }
  | { /** Full base URL, e.g. a mock's `url`; the API paths are appended to it. */ baseUrl: string; instance?: never }
) & {
  /** API key, sent only as `Authorization: Bearer <token>`. */
  token: string;
  /** A fetch implementation; defaults to the client's own transport (node:http where the runtime has it, else fetch). */
  fetch?: (input: Request) => Promise<Response>;
  /** Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx (default 2). */
  maxRetries?: number;
  /**
   * The wait before retry n is random in [0, min(maxDelayMs, initialDelayMs * 2^(n-1))] (full jitter, as
   * Ada advises for 429s; defaults 500 and 8 000 ms), unless the answer carries a Retry-After.
   */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Time limit of each attempt, body included (default 60 000 ms; at most 2^31 - 1, what a timer can hold). */
  timeoutMs?: number;
  /**
   * Largest answer read, in bytes after decoding (default 10 MB, 10 485 760 bytes: Ada's own request
   * limit, far above any End Users answer). A longer one stops being read and throws ResponseTooLargeError.
   */
  maxResponseBytes?: number;
  /**
   * Check request bodies and query parameters against the contract before sending (default true). Path
   * parameters are checked either way (a bad one would send the request, and the token, to another URL),
   * and so is text no URL can carry (a lone surrogate).
   */
  validateRequests?: boolean;
  /** Check every response body, success or error, against the contract (default false). */
  validateResponses?: boolean;
  /**
   * Which failures are worth another attempt (default `isRetryable`: connection errors, timeouts, 408,
   * 429 and 5xx). Asked only where a retry is safe at all: a call that must not be sent twice is retried
   * only where Ada cannot have acted on it, whatever this says.
   */
  shouldRetry?: (error: AdaError) => boolean;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Waits between retries (default: a timer). For tests and custom schedulers; must honour the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

/** Per-call options. */
export interface RequestOptions {
  /** Extra request headers (e.g. Prism's `Prefer`): names must be HTTP tokens, values one line each. */
  headers?: Record<string, string>;
  /** Aborts the call at once, without retrying. */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

/** An answer as received: what `request()` resolves to. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The body, decoded, as text (within maxResponseBytes); `''` when there is none. */
  text: string;
}

/** Ada's body limit (the spec's `x-max-body-bytes`): no answer of hers is larger. */
export const DEFAULT_MAX_RESPONSE_BYTES = bodyLimit.bytes;

/** What a call sends: its parameters and body, or (following a next_page_url) a query string as the server wrote it. */
export interface CallInput extends RequestParts {
  rawQuery?: string;
}

/** How a call treats answers. (Whether it may be sent twice is the operations table's: sendingTwiceIsSafe.) */
export interface CallPolicy {
  /** Non-2xx statuses returned to the method rather than thrown (404 for a lookup). */
  accept?: readonly number[];
  /** Every answer returned as received (after the retries it calls for), never thrown: `request()`. */
  raw?: boolean;
}

export interface Answer {
  status: number;
  /** The parsed JSON body, `undefined` when there is none. */
  body: unknown;
}

/** An answer as openapi-fetch hands it on (with parseAs 'text'): the body as text when 2xx, else parsed if JSON. */
type Outcome = { status: number; ok: boolean; headers: () => Headers; data?: unknown; error?: unknown };

/** Connection errors that cannot have reached Ada (no connection was made). Kept off the public object. */
const cannotHaveArrived = new WeakSet<AdaConnectionError>();

/** The core of a client: what `createAdaClient` and its methods share. */
export interface ClientCore {
  /** The base URL every operation's path is appended to. */
  readonly baseUrl: string;
  /** Removes the token from a text (for errors). */
  readonly scrub: Scrub;
  /** The typed openapi-fetch client of the caller's (real Requests; a middleware added to it runs on every call). */
  readonly fetchClient: Client<paths>;
  /** One call of an operation: checks, attempts, timeouts, retries; the answer, or an AdaError. */
  call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy & { raw: true }): Promise<RawAnswer>;
  call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy): Promise<Answer>;
}

export function createCore(options: AdaClientOptions): ClientCore {
  const baseUrl = resolveBaseUrl(options);
  const token = checkToken(options.token);
  const defaults = {
    maxRetries: checkMaxRetries('createAdaClient', options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries),
    timeoutMs: checkTimeout('createAdaClient', options.timeoutMs ?? 60_000),
  };
  const retryPolicy = { ...DEFAULT_RETRY_POLICY, ...checkBackoff(options.backoff) };
  const limits: ResponseLimits = { maxResponseBytes: checkMaxResponseBytes(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) };
  checkKinds('createAdaClient', options as unknown as Record<string, unknown>, {
    fetch: 'function',
    shouldRetry: 'function',
    onRetry: 'function',
    sleep: 'function',
    validateRequests: 'boolean',
    validateResponses: 'boolean',
  });
  const scrub = createScrub(token);
  const wait = options.sleep ?? realSleep;

  // `redirect: 'manual'`: Ada's API does not redirect, so a 3xx is an answer (an AdaApiError), never
  // followed: a caller's fetch would take the request, and on the same origin the token, where it points.
  const fetchClient = createClient<paths>({ baseUrl, redirect: 'manual', ...(options.fetch ? { fetch: options.fetch } : {}) });
  fetchClient.use(bearerAuth(token));
  // Two paths for a call. Without a fetch or a middleware of the caller's, the runtime's direct transport
  // (`#transport`) with the URL and headers openapi-fetch would build, and on node:http no WHATWG object
  // (most of a call's cost on loopback). Otherwise openapi-fetch's `fetchClient`, whose real Requests a
  // middleware may clone or replace, sent through the client's transport (`send`). use/eject are counted
  // to know which.
  let callerMiddleware = 0;
  const use = fetchClient.use.bind(fetchClient);
  const eject = fetchClient.eject.bind(fetchClient);
  fetchClient.use = (...middleware) => {
    use(...middleware);
    callerMiddleware += middleware.filter(Boolean).length;
  };
  fetchClient.eject = (...middleware) => {
    eject(...middleware);
    callerMiddleware = Math.max(0, callerMiddleware - middleware.filter(Boolean).length);
  };
  const send = (options.fetch ? createFetchTransport(options.fetch, limits) : createRequestTransport(limits)) as (
    input: Request,
  ) => Promise<Response>;
  const direct = options.fetch ? undefined : createDirectTransport(limits);

  /** One call of an operation: checks, attempts, timeouts, retries; the answer, or an AdaError. */
  async function call(
    operationId: string,
    input: CallInput,
    perCall: RequestOptions,
    policy: CallPolicy & { raw: true },
  ): Promise<RawAnswer>;
  async function call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy): Promise<Answer>;
  async function call(operationId: string, input: CallInput, perCall: RequestOptions, policy: CallPolicy): Promise<Answer | RawAnswer> {
    const op = operation(operationId);
    const body = prepare(operationId, input, perCall);
    const idempotent = sendingTwiceIsSafe(operationId, input.body);
    const maxRetries = perCall.maxRetries === undefined ? defaults.maxRetries : checkMaxRetries(operationId, perCall.maxRetries);
    const timeoutMs = perCall.timeoutMs === undefined ? defaults.timeoutMs : checkTimeout(operationId, perCall.timeoutMs);
    const caller = perCall.signal;
    const url = direct && callerMiddleware === 0 ? directUrl(baseUrl, op.path, input) : undefined;
    const attempt = (signal: AbortSignal | undefined): Promise<Outcome> =>
      url !== undefined
        ? direct!({
            url,
            method: op.method.toUpperCase(),
            headers: directHeaders(token, body, perCall.headers),
            ...(body === undefined ? {} : { body }),
            timeoutMs,
            ...(signal ? { signal } : {}),
          }).then((answer) => directOutcome(answer, op.method))
        : viaOpenapiFetch(signal!);
    const viaOpenapiFetch = (signal: AbortSignal) =>
      (
        fetchClient.request(
          op.method as 'get',
          op.path as never,
          {
            params: { path: input.path ?? {}, query: input.query ?? {} },
            ...(body === undefined ? {} : { body: input.body, bodySerializer: () => body }), // serialized once, before the first attempt
            ...(input.rawQuery === undefined ? {} : { querySerializer: () => input.rawQuery! }),
            // Parsed here rather than by openapi-fetch, so an empty or malformed body is reported with its
            // status instead of surfacing as a bare SyntaxError.
            parseAs: 'text',
            signal,
            ...(perCall.headers ? { headers: perCall.headers } : {}),
            fetch: send,
          } as never,
        ) as Promise<{ data?: unknown; error?: unknown; response: Response }>
      ).then(({ data, error, response }) => ({ status: response.status, ok: response.ok, headers: () => response.headers, data, error }));

    for (let retry = 0; ; retry++) {
      let outcome: Outcome | AdaConnectionError;
      try {
        outcome = await attemptOnce(attempt, timeoutMs, caller, url !== undefined);
      } catch (error) {
        if (!(error instanceof AdaConnectionError)) throw error;
        outcome = error;
      }
      if (!(outcome instanceof AdaConnectionError)) {
        const { status } = outcome;
        if (policy.raw && outcome.ok) return rawAnswer(outcome);
        if (outcome.ok || policy.accept?.includes(status)) return answer(operationId, status, outcome.ok ? outcome.data : outcome.error);
      }
      const error =
        outcome instanceof AdaConnectionError ? outcome : AdaApiError.from(outcome.status, outcome.error, outcome.headers(), scrub);
      if (!mayRetry(error, idempotent) || retry >= maxRetries) {
        if (policy.raw && !(outcome instanceof AdaConnectionError)) return rawAnswer(outcome);
        if (!(outcome instanceof AdaConnectionError) && options.validateResponses) {
          const verdict = validateResponse(operationId, outcome.status, outcome.error);
          if (!verdict.ok) throw new ContractViolationError(outcome.status, verdict.errors, { scrub });
        }
        throw error;
      }
      const delayMs = retryDelayMs(retry + 1, retryPolicy, error instanceof AdaApiError ? error.headers : undefined);
      options.onRetry?.({ attempt: retry + 1, delayMs, error });
      await wait(delayMs, caller); // the caller's abort ends the wait at once
    }
  }

  /** An answer as received (openapi-fetch has parsed an error body it could: it goes back to JSON text). */
  function rawAnswer({ data, error, ok, status, headers }: Outcome): RawAnswer {
    const body = ok ? data : error;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return { status, headers: headers(), text };
  }

  /** Whether to try again: what may pass on a second try, and, for a call that is not safe to send twice, only what Ada cannot have acted on. */
  function mayRetry(error: AdaError, idempotent: boolean): boolean {
    if (!(options.shouldRetry ?? isRetryable)(error)) return false;
    if (idempotent) return true;
    return error instanceof RateLimitError || (error instanceof AdaConnectionError && cannotHaveArrived.has(error));
  }

  /**
   * A 2xx answer: JSON, of a status the operation documents, checked when asked. An accepted error
   * status (a lookup's 404) is handed on as it came.
   */
  function answer(operationId: string, status: number, content: unknown): Answer {
    if (status < 200 || status > 299) return { status, body: content };
    const { responses } = operation(operationId);
    if (!(String(status) in responses) && !('2XX' in responses)) {
      const documented = Object.keys(responses)
        .filter((s) => s.startsWith('2'))
        .join(', ');
      throw new ContractViolationError(
        status,
        [{ path: '', keyword: 'status', message: `must be a status ${operationId} answers with (${documented})` }],
        { scrub },
      );
    }
    if (typeof content !== 'string' || content === '') {
      throw new ContractViolationError(status, [
        { path: '', message: 'must be JSON the contract describes, but the body is empty', keyword: 'json' },
      ]);
    }
    const body = parseJson(status, content);
    if (options.validateResponses) {
      const verdict = validateResponse(operationId, status, body);
      if (!verdict.ok) throw new ContractViolationError(status, verdict.errors, { scrub });
    }
    return { status, body };
  }

  /**
   * One attempt under its own timeout. The caller's abort is rethrown as is; it is never retried. Only a
   * failure of the network becomes an AdaConnectionError (retryable); what the transport found wrong
   * with the answer has its own error, and a local failure (a middleware's, say) is rethrown as it is.
   */
  async function attemptOnce<T>(
    send: (signal: AbortSignal | undefined) => Promise<T>,
    timeoutMs: number,
    caller: AbortSignal | undefined,
    ownTimer: boolean,
  ): Promise<T> {
    caller?.throwIfAborted();
    if (ownTimer) {
      // The direct transport keeps the time itself (a timer, no AbortSignal to build per call).
      try {
        return await send(caller);
      } catch (error) {
        if (caller?.aborted) throw caller.reason;
        if (error instanceof TransportError && error.kind === 'timeout')
          throw new AdaTimeoutError(`Ada did not answer within ${timeoutMs} ms`, { cause: error, scrub });
        if (error instanceof TransportError) throw fromTransport(error);
        throw error;
      }
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await send(caller ? AbortSignal.any([caller, timeout]) : timeout);
    } catch (error) {
      if (caller?.aborted) throw caller.reason;
      if (timeout.aborted) throw new AdaTimeoutError(`Ada did not answer within ${timeoutMs} ms`, { cause: error, scrub });
      if (error instanceof TransportError) throw fromTransport(error);
      throw error;
    }
  }

  function fromTransport(error: TransportError): AdaError {
    const status = error.status ?? 0;
    switch (error.kind) {
      case 'network': {
        const notHttp = /\bHPE_/.test(error.message);
        const connectionError = new AdaConnectionError(
          `${notHttp ? "Ada's answer is not valid HTTP" : 'could not reach Ada'}: ${error.message}`,
          { cause: error.cause, scrub },
        );
        if (!error.mayHaveArrived) cannotHaveArrived.add(connectionError);
        return connectionError;
      }
      case 'too-large':
        return new ResponseTooLargeError(status, limits.maxResponseBytes);
      case 'status':
        return new ContractViolationError(status, [{ path: '', keyword: 'status', message: 'must be an HTTP status from 200 to 599' }], {
          scrub,
        });
      case 'encoding':
        return new ContractViolationError(status, [{ path: '', keyword: 'content-encoding', message: error.message }], { scrub });
      case 'timeout':
        return new AdaTimeoutError(`Ada did not answer: ${error.message}`, { cause: error, scrub });
    }
  }

  /**
   * Everything a call checks before it sends: options, parameters, the body; returns the body as JSON
   * text. Path parameters are always checked (a bad one changes the URL); the contract's other rules
   * unless validateRequests is false; a body JSON cannot carry, always.
   */
  function prepare(operationId: string, input: CallInput, perCall: RequestOptions): string | undefined {
    if (typeof perCall !== 'object' || perCall === null) throw new TypeError(`${operationId}: options must be an object`);
    checkHeaders(operationId, perCall.headers);
    if (perCall.signal !== undefined && !(perCall.signal instanceof AbortSignal))
      throw new TypeError(`${operationId}: signal must be an AbortSignal`);
    const verdict = validateRequest(operationId, { ...input, ...(input.rawQuery === undefined ? {} : { query: {} }) });
    // What no URL can carry is refused even unvalidated: it would change the URL, or fail to encode at all.
    const issues: ValidationIssue[] = verdict.ok
      ? []
      : verdict.errors.filter((issue) => options.validateRequests !== false || issue.in === 'path' || issue.keyword === 'unicode');
    let text: string | undefined;
    if (input.body !== undefined) {
      const json = serializeJsonBody(input.body);
      if (json.ok) text = json.text;
      else if (!issues.some((issue) => issue.in === undefined)) issues.push(json.issue);
    }
    if (issues.length > 0) throw new AdaValidationError(issues, { scrub });
    return text;
  }

  return { baseUrl, scrub, fetchClient, call };
}

/**
 * The URL openapi-fetch builds by default (its simple-style path and form-style query serializers),
 * for the parameters the direct path takes: path values and query values that are not objects or
 * arrays, path templates of plain `{name}`; undefined for any other, which goes through openapi-fetch.
 */
function directUrl(baseUrl: string, template: string, input: CallInput): string | undefined {
  let path = template;
  for (const match of template.match(/\{[^{}]*\}/g) ?? []) {
    const name = match.slice(1, -1);
    if (/^[.;]|\*$/.test(name)) return undefined;
    const value = input.path?.[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') return undefined;
    path = path.replace(match, encodeURIComponent(value as string | number | boolean));
  }
  let search = '';
  if (input.rawQuery !== undefined) search = input.rawQuery.replace(/^\?/, '');
  else {
    const parts: string[] = [];
    for (const name in input.query ?? {}) {
      const value = input.query![name];
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') return undefined;
      parts.push(`${name}=${encodeURIComponent(value as string | number | boolean)}`);
    }
    search = parts.join('&');
  }
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

/** The headers openapi-fetch and the auth middleware send: JSON's content type with a body, the caller's, the token last. */
function directHeaders(token: string, body: string | undefined, given: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  if (body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(given ?? {})) headers[name.toLowerCase()] = value.replace(/^[\t ]+|[\t ]+$/g, '');
  headers.authorization = `Bearer ${token}`;
  return headers;
}

/** The answer as openapi-fetch hands it on with parseAs 'text': no body for a 204 or a length of 0; an error's parsed if JSON. */
function directOutcome(answer: DirectAnswer, method: string): Outcome {
  const ok = answer.status >= 200 && answer.status < 300;
  const base = { status: answer.status, ok, headers: answer.headers };
  if (answer.status === 204 || method === 'head' || answer.contentLength === '0') return base;
  if (ok) return { ...base, data: answer.text };
  let error: unknown = answer.text;
  try {
    error = JSON.parse(answer.text);
  } catch {
    // not JSON: the text as it came
  }
  return { ...base, error };
}

/** The JSON of an answer's body; anything else breaks the contract, which promises JSON. */
function parseJson(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractViolationError(status, [{ path: '', message: 'must be JSON, but does not parse', keyword: 'json' }]);
  }
}

function bearerAuth(token: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
}
